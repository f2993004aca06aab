"""Publish, unpublish and read what the public may see.

:func:`publish` evaluates the dataset as stored now with the engine's one service and
keeps the snapshot (:class:`~.models.Publication`); :func:`unpublish` hides it. Both
record a :class:`~.models.PublicationEvent` in the same transaction. The public pages
read only :func:`published` — nothing else of the database is reachable without login.

The 自评报告 of a publication is rendered by :mod:`jixiao.reports.api` from the snapshot's
text form on first request and kept in the default storage under the text's SHA-256
(:func:`report_file`): the same published content is never rendered twice, and a new
publication (other content) gets new files.
"""

from __future__ import annotations

import hashlib
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from jixiao.dataset.model import Dataset as EngineDataset
from jixiao.evaluation import Evaluation as EngineEvaluation
from jixiao.evaluation import evaluate
from jixiao.io.textform import read_text_form, write_text_form
from jixiao.reports.api import release_render_caches, render_report, report_model, report_stem
from jixiao_web.datasets.convert import to_engine
from jixiao_web.datasets.models import Dataset
from jixiao_web.disclosure.models import Publication, PublicationEvent
from jixiao_web.orgs.access import RIGHTS, Access, Action
from jixiao_web.orgs.models import Role

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

#: The report formats the public may download (HTML to read, PDF to keep).
PUBLIC_FORMATS: tuple[str, ...] = ("html", "pdf")

#: Budget and result figures published as open data: (figure id, 名称 as the CSV prints it).
BUDGET_FIGURES: tuple[tuple[str, str], ...] = (
    ("income.budget.total", "年初预算收入合计"),
    ("income.final.total", "决算收入合计"),
    ("expenditure.budget.total", "年初预算支出合计"),
    ("expenditure.final.total", "决算支出合计"),
    ("three_public.budget.total", "“三公”经费预算数"),
    ("three_public.final.total", "“三公”经费决算数"),
    ("projects.budget.total", "项目预算合计"),
    ("projects.executed.total", "项目执行数合计"),
    ("projects.execution_rate", "项目预算执行率"),
)


def _text(value: Decimal | None) -> str:
    return "" if value is None else format(value, "f")


# --------------------------------------------------------------------------- snapshot


def _targets(engine: EngineDataset) -> list[dict[str, str]]:
    """The 绩效目标表: the department's indicators under its 总目标, then each project's.

    In workbook order; every row with its target and (when known) its result.
    """
    owners = [
        ("部门整体", engine.indicators, {g.code: g.content for g in engine.goals}),
        ("项目", engine.project_indicators, {p.code: p.name for p in engine.projects}),
    ]
    rows = []
    for scope, indicators, names in owners:
        for ind in indicators:
            rows.append(
                {
                    "scope": scope,
                    "owner_code": ind.owner,
                    "owner": names.get(ind.owner, ind.owner),
                    "level1": ind.level1,
                    "level2": ind.level2,
                    "name": ind.name,
                    "sign": ind.sign,
                    "target": _text(ind.target),
                    "target_desc": ind.target_desc,
                    "unit": ind.unit,
                    "actual": _text(ind.actual),
                    "actual_desc": ind.actual_desc,
                }
            )
    return rows


def _scorecard(result: EngineEvaluation) -> dict[str, Any]:
    card = result.report_scorecard
    return {
        "title": card.title,
        "total": _text(card.total),
        "points": _text(card.points),
        "grade": card.grade,
        "rows": [
            {
                "code": row.code,
                "name": row.name,
                "level": row.level,
                "points": _text(row.points),
                "score": _text(row.score),
                "deduction": _text(row.deduction),
            }
            for row in card.rows
        ],
    }


def _budget(result: EngineEvaluation) -> list[dict[str, str]]:
    out = []
    for figure_id, label in BUDGET_FIGURES:
        figure = result.figures.get(figure_id)
        if figure is None:
            continue
        out.append(
            {
                "id": figure_id,
                "label": label,
                "value": _text(figure.value),
                "text": figure.text,
                "unit": figure.unit,
            }
        )
    return out


def snapshot(dataset: Dataset) -> dict[str, Any]:
    """Everything a publication keeps, from the engine's evaluation of the stored dataset."""
    dataset.refresh_from_db(fields=["version"])
    engine, _places = to_engine(dataset)
    result = evaluate(engine)
    text = write_text_form(engine)
    rate = result.figures.get("projects.execution_rate")
    return {
        "dataset_version": dataset.version,
        "total": _text(result.total) if result.total is not None else "",
        "grade": result.grade_label or result.grade or "",
        "execution_rate": _text(rate.value) if rate is not None else "",
        "execution_rate_text": rate.text if rate is not None else "",
        "content": {
            "targets": _targets(engine),
            "scorecard": _scorecard(result),
            "budget": _budget(result),
        },
        "text": text,
        "digest": hashlib.sha256(text.encode("utf-8")).hexdigest(),
    }


# --------------------------------------------------------------------------- decisions


def _role(access: Access, dataset: Dataset) -> str:
    for m in access.roles_for(dataset):
        if Action.PUBLISH in RIGHTS[Role(m.role)]:
            return str(m.role)
    return ""


def publish(
    dataset: Dataset, user: AbstractBaseUser | AnonymousUser | None, access: Access | None
) -> Publication:
    """Publish ``dataset`` as stored now (again: the snapshot is replaced). 403 without the right."""
    if access is not None:
        access.require(Action.PUBLISH, dataset)
    taken = snapshot(dataset)  # the engine's work happens outside the transaction
    user_id = user.pk if user is not None and user.is_authenticated else None
    with transaction.atomic():
        publication, _ = Publication.objects.select_for_update().get_or_create(
            dataset=dataset,
            defaults={
                "region_id": dataset.region_id,
                "department_id": dataset.department_id,
                "year": dataset.year,
            },
        )
        for field, value in taken.items():
            setattr(publication, field, value)
        publication.published = True
        publication.published_at = timezone.now()
        publication.published_by_id = user_id
        publication.save()
        PublicationEvent.objects.create(
            region_id=dataset.region_id,
            department_id=dataset.department_id,
            dataset=dataset,
            action=PublicationEvent.Action.PUBLISH,
            user_id=user_id,
            role=_role(access, dataset) if access is not None else "",
            dataset_version=publication.dataset_version,
            digest=publication.digest,
        )
    return publication


def unpublish(
    dataset: Dataset, user: AbstractBaseUser | AnonymousUser | None, access: Access | None
) -> None:
    """Hide ``dataset``'s publication from the public (its snapshot is kept for the record)."""
    if access is not None:
        access.require(Action.PUBLISH, dataset)
    user_id = user.pk if user is not None and user.is_authenticated else None
    with transaction.atomic():
        changed = Publication.objects.filter(dataset=dataset, published=True).update(
            published=False
        )
        if changed:
            PublicationEvent.objects.create(
                region_id=dataset.region_id,
                department_id=dataset.department_id,
                dataset=dataset,
                action=PublicationEvent.Action.UNPUBLISH,
                user_id=user_id,
                role=_role(access, dataset) if access is not None else "",
                dataset_version=dataset.version,
            )


# --------------------------------------------------------------------------- reading


def published() -> QuerySet[Publication]:
    """Every publication the public may see: the only query the public pages start from."""
    return Publication.objects.filter(published=True).select_related("department", "region")


def report_file(publication: Publication, fmt: str) -> tuple[str, bytes]:
    """The published 自评报告 in ``fmt`` (``html``/``pdf``): file name and bytes.

    Rendered by the engine's report API from the snapshot on first request, then read
    from the storage name the snapshot's digest gives (the cache is keyed by content).
    """
    if fmt not in PUBLIC_FORMATS:
        raise ValueError(fmt)
    engine = read_text_form(publication.text, name="公开数据")
    stem = report_stem(engine)
    name = f"public/{publication.digest}.{fmt}"
    if default_storage.exists(name):
        with default_storage.open(name, "rb") as handle:
            return f"{stem}.{fmt}", handle.read()
    model = report_model(evaluate(engine))
    (rendered,) = render_report(model, [fmt], stem)
    release_render_caches([fmt])  # a web process: keep no layouts of this PDF
    if not default_storage.exists(name):
        default_storage.save(name, ContentFile(rendered.data))
    return rendered.filename, rendered.data
