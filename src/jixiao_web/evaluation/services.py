"""Evaluate a stored dataset with the engine's one service and store what it said.

:func:`evaluate_dataset` converts the stored rows (``datasets.convert.to_engine``), calls
:func:`jixiao.evaluation.evaluate` once and stores, in one transaction, the figures, the
findings — each linked back to the stored row and field it is about — and the scorecard
the report prints. Nothing here computes a number: the web layer only keeps and shows
the engine's.

Linking a finding to its row: the engine's :class:`~jixiao.findings.Location` names the
table, the row's stable key (:func:`jixiao.dataset.keys.row_key`) and the column, and the
place in the source (``绩效指标!A8``: the converted dataset gives every row the place it
has in the downloaded workbook). The key is tried first (it does not move when a row is
inserted), then the place through :class:`~jixiao_web.datasets.convert.Places`.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import transaction

from jixiao.dataset.keys import row_key
from jixiao.dataset.model import TABLES, TABLES_BY_KEY
from jixiao.dataset.model import Dataset as EngineDataset
from jixiao.evaluation import Evaluation as EngineEvaluation
from jixiao.evaluation import evaluate
from jixiao.findings import Finding, Severity
from jixiao.lib.progress import Progress
from jixiao_web.datasets.convert import Places, cell_place, row_place, to_engine
from jixiao_web.datasets.models import ROW_MODELS, Dataset
from jixiao_web.evaluation.models import (
    SEVERITY_RANK,
    Evaluation,
    ScoreItem,
    StoredFigure,
    StoredFinding,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser


def _text(value: Decimal | None) -> str:
    return "" if value is None else format(value, "f")


# --------------------------------------------------------------------------- locating


@dataclass(frozen=True)
class Link:
    """The stored row (and field) a finding is about, and the scorecard item."""

    table: str = ""
    row_id: int | None = None
    column: str = ""
    score_code: str = ""
    unit_code: str = ""


class Locator:
    """Maps the engine's locations back to stored rows, for one converted dataset."""

    def __init__(self, dataset: Dataset, engine: EngineDataset, places: Places) -> None:
        self.places = places
        self.keys: dict[tuple[str, str], int] = {}
        self.forms: dict[str, int] = {}
        self.units: dict[tuple[str, int], str] = {}
        for spec in TABLES:
            if spec.form:
                target = places.find(cell_place(spec, 0, spec.columns[0].key))
                if target is not None:
                    self.forms[spec.key] = target.row_id
                continue
            for index, row in enumerate(getattr(engine, spec.key)):
                target = places.find(row_place(spec, index))
                if target is None:
                    continue
                # the first row with a key wins (a repeated key is itself a finding)
                self.keys.setdefault((spec.key, row_key(spec.key, row)), target.row_id)
        for key, model in ROW_MODELS.items():
            for pk, unit in model.objects.filter(dataset=dataset).values_list("pk", "unit_code"):
                if unit:
                    self.units[key, pk] = unit

    def link(self, finding: Finding) -> Link:
        where = finding.location
        score_code = where.row if where.table == "scorecard" else ""
        table, row_id, column = self._row(finding)
        unit = self.units.get((table, row_id), "") if row_id is not None else ""
        return Link(table, row_id, column, score_code, unit)

    def _row(self, finding: Finding) -> tuple[str, int | None, str]:
        where = finding.location
        spec = TABLES_BY_KEY.get(where.table)
        if spec is not None:
            column = where.column if where.column in {c.key for c in spec.columns} else ""
            if spec.form and spec.key in self.forms:
                return spec.key, self.forms[spec.key], column
            if where.row and (spec.key, where.row) in self.keys:
                return spec.key, self.keys[spec.key, where.row], column
        target = self.places.find(where.source) if where.source else None
        if target is not None:
            column = target.column
            if self.places.by_row.get((target.table, target.row_id)) == where.source:
                # a row's place is its first cell (``A7``): it names the row, not that field
                column = ""
            if not column and spec is not None and spec.key == target.table:
                column = where.column
            return target.table, target.row_id, column
        if spec is not None:
            return spec.key, None, ""
        return "", None, ""


# --------------------------------------------------------------------------- storing


@transaction.atomic
def store_evaluation(
    dataset: Dataset,
    result: EngineEvaluation,
    locator: Locator,
    version: int,
    user: AbstractBaseUser | None,
) -> Evaluation:
    """Keep one engine evaluation of ``dataset`` (read at ``version``) with its parts."""
    scorecard = result.report_scorecard
    counts = {s: sum(1 for f in result.findings if f.severity is s) for s in Severity}
    evaluation = Evaluation.objects.create(
        region_id=dataset.region_id,
        department_id=dataset.department_id,
        dataset=dataset,
        dataset_version=version,
        created_by_id=user.pk if user is not None and user.is_authenticated else None,
        framework_id=result.framework.id,
        framework_name=result.framework.framework.name if result.framework.framework else "",
        framework_reason=result.framework.reason,
        total=_text(result.total),
        grade=result.grade,
        grade_label=result.grade_label,
        complete=bool(result.scorecard is not None and result.scorecard.complete),
        scorecard_title=scorecard.title,
        scorecard_total=_text(scorecard.total),
        scorecard_points=_text(scorecard.points),
        scorecard_grade=scorecard.grade,
        errors=counts[Severity.ERROR],
        warnings=counts[Severity.WARNING],
        infos=counts[Severity.INFO] + counts[Severity.ROUNDING],
    )
    StoredFigure.objects.bulk_create(
        StoredFigure(
            evaluation=evaluation,
            position=index,
            figure_id=figure.id,
            label=figure.label,
            value=_text(figure.value),
            text=figure.text,
            unit=figure.unit,
            places=figure.places,
            formula=figure.formula,
            inputs=dict(figure.inputs),
        )
        for index, figure in enumerate(result.figures.values())
    )
    findings = []
    for index, finding in enumerate(result.findings):
        link = locator.link(finding)
        where = finding.location
        findings.append(
            StoredFinding(
                region_id=dataset.region_id,
                department_id=dataset.department_id,
                dataset=dataset,
                evaluation=evaluation,
                position=index,
                code=finding.code,
                severity=finding.severity.value,
                rank=SEVERITY_RANK[finding.severity.value],
                message=finding.message,
                values=dict(finding.values),
                where_table=where.table[:64],
                where_row=where.row[:500],
                where_column=where.column[:64],
                place=finding.place[:300],
                row_table=link.table,
                row_id=link.row_id,
                row_column=link.column,
                score_code=link.score_code[:64],
                unit_code=link.unit_code,
            )
        )
    StoredFinding.objects.bulk_create(findings)
    ScoreItem.objects.bulk_create(
        ScoreItem(
            evaluation=evaluation,
            position=index,
            code=row.code,
            name=row.name[:300],
            level=row.level,
            points=_text(row.points),
            score=_text(row.score),
            deduction=_text(row.deduction),
            status=row.status,
            explanation=row.explanation,
            source=row.source[:300],
        )
        for index, row in enumerate(scorecard.rows)
    )
    return evaluation


def run_evaluation(
    dataset: Dataset, progress: Progress | None = None
) -> tuple[EngineEvaluation, Locator, int]:
    """The engine's evaluation of the stored dataset as it is now, and its version
    (``progress``: the engine's stages, :mod:`jixiao.lib.progress`)."""
    dataset.refresh_from_db(fields=["version"])
    version = dataset.version
    engine, places = to_engine(dataset)
    return evaluate(engine, progress=progress), Locator(dataset, engine, places), version


def evaluate_dataset(dataset: Dataset, user: AbstractBaseUser | None) -> Evaluation:
    """Evaluate ``dataset`` as stored now and keep the result (the 评价 button, the tasks)."""
    result, locator, version = run_evaluation(dataset)
    return store_evaluation(dataset, result, locator, version, user)


def latest(dataset: Dataset) -> Evaluation | None:
    """The newest stored evaluation of ``dataset``."""
    return Evaluation.objects.filter(dataset=dataset).order_by("-created_at", "-pk").first()
