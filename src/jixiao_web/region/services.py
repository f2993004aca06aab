"""The region dashboard's model: departments × years from the STORED evaluations.

Nothing is recomputed here: every number is a stored figure (by its engine id, the ids
:mod:`jixiao.region` compares) or a stored count. :func:`jixiao.region.consolidate` needs
the engine's in-memory evaluations, which a page does not have; reading the same figure
ids from :class:`~jixiao_web.evaluation.models.StoredFigure` gives the same values
without running the engine again.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.db.models import QuerySet

from jixiao.lib.money import ZERO, format_amount, ratio_percent
from jixiao.region import COMPARED, Compared
from jixiao_web.datasets.models import Dataset
from jixiao_web.evaluation.models import Evaluation, StoredFigure

_BY_ID = {c.id: c for c in COMPARED}

#: The compared figures, in column order (key → engine figure). 执行率 is 决算 ÷ 调整后预算;
#: 预决算偏离 is 决算 ÷ 年初预算 (the figure the region's consolidation compares).
COLUMNS: tuple[tuple[str, Compared], ...] = (
    ("budget", _BY_ID["expenditure.budget.total"]),
    ("final", _BY_ID["expenditure.final.total"]),
    ("execution", Compared("expenditure.final.ratio_to_adjusted", "支出执行率", "%")),
    ("deviation", _BY_ID["expenditure.final.ratio_to_budget"]),
    ("three_public_growth", _BY_ID["three_public.growth.三公经费合计"]),
    ("carryover", _BY_ID["carryover.closing"]),
    ("carryover_change", _BY_ID["carryover.change_rate"]),
)

GRADES = ("优", "良", "中", "差")

#: Money columns whose 汇总 is the sum over the rows that have the figure.
SUMMED_COLUMNS = frozenset({"budget", "final", "carryover"})


@dataclass(frozen=True)
class Weighted:
    """A ratio column recomputed for the 汇总 row from summed parts:
    ``(Σ numerator − Σ minus) ÷ Σ denominator × 100`` — a weighted ratio, never the
    average of the rows' ratios (a small department would weigh as much as a large one)."""

    numerator: str
    denominator: str
    minus: str = ""

    @property
    def parts(self) -> tuple[str, ...]:
        return (self.numerator, self.denominator, *((self.minus,) if self.minus else ()))


#: ratio column key → how its 汇总 is computed (the engine's own definitions of each figure:
#: 执行率 决算 ÷ 调整后预算, 预决算偏离 决算 ÷ 年初预算, growth of 三公 and of 结转结余).
WEIGHTED: dict[str, Weighted] = {
    "execution": Weighted("expenditure.final.total", "expenditure.adjusted.total"),
    "deviation": Weighted("expenditure.final.total", "expenditure.budget.total"),
    "three_public_growth": Weighted(
        "three_public.final.三公经费合计",
        "three_public.prior.三公经费合计",
        minus="three_public.prior.三公经费合计",
    ),
    "carryover_change": Weighted(
        "carryover.closing", "carryover.opening", minus="carryover.opening"
    ),
}
#: The stored figures read for each row besides the columns: the parts of the ratios.
PART_IDS: tuple[str, ...] = tuple(sorted({p for w in WEIGHTED.values() for p in w.parts}))


@dataclass(frozen=True)
class RegionRow:
    """One dataset (a department's year) on the dashboard."""

    dataset_id: int
    department_id: int
    department: str
    year: int
    evaluation_id: int | None
    total: Decimal | None
    complete: bool
    grade: str
    grade_label: str
    values: Mapping[str, Decimal | None]  #: column key → stored value (unrounded)
    errors: int | None
    warnings: int | None
    stale: bool  #: the dataset changed after its evaluation
    #: the stored parts of the ratio columns (:data:`PART_IDS` → value), for the 汇总 row
    parts: Mapping[str, Decimal | None] = field(default_factory=dict)

    @property
    def cells(self) -> list[str]:
        """The compared values in :data:`COLUMNS` order as the table prints them
        (``615,883.73``, rounded half up by the engine's helper; ``—`` when unknown)."""
        return [_printed(self.values.get(key)) for key, _ in COLUMNS]

    @property
    def score_text(self) -> str:
        return _printed(self.total)

    def value(self, key: str) -> object:
        """The sort key of column ``key`` (``score``, ``department``, ``year`` or a column)."""
        if key == "score":
            return self.total if self.complete else None
        if key in ("department", "year", "errors", "warnings"):
            return getattr(self, key)
        return self.values.get(key)


#: Sort parameter → (Chinese label, descending?).
SORTS: dict[str, tuple[str, bool]] = {
    "score": ("按得分（高→低）", True),
    "department": ("按部门", False),
    "year": ("按年度（新→旧）", True),
    "execution": ("按执行率（高→低）", True),
    "deviation": ("按预决算比例（高→低）", True),
    "errors": ("按错误数（多→少）", True),
}


def _printed(value: Decimal | None) -> str:
    return "—" if value is None else format_amount(value, 2)


def _decimal(text: str) -> Decimal | None:
    try:
        return Decimal(text) if text else None
    except InvalidOperation:
        return None


def latest_evaluations(datasets: Iterable[Dataset]) -> dict[int, Evaluation]:
    """dataset id → its newest stored evaluation (one query)."""
    ids = [d.pk for d in datasets]
    found: dict[int, Evaluation] = {}
    for evaluation in Evaluation.objects.filter(dataset_id__in=ids).order_by(
        "dataset_id", "-created_at", "-pk"
    ):
        found.setdefault(evaluation.dataset_id, evaluation)
    return found


def build_rows(datasets: QuerySet[Dataset]) -> list[RegionRow]:
    """Every dataset with its latest evaluation's score, grade, figures and counts."""
    datasets_list = list(datasets.select_related("department"))
    evaluations = latest_evaluations(datasets_list)
    figure_ids = [*(c.id for _, c in COLUMNS), *PART_IDS]
    stored: dict[tuple[int, str], str] = {
        (evaluation_id, figure_id): value
        for evaluation_id, figure_id, value in StoredFigure.objects.filter(
            evaluation_id__in=[e.pk for e in evaluations.values()], figure_id__in=figure_ids
        ).values_list("evaluation_id", "figure_id", "value")
    }
    rows = []
    for dataset in datasets_list:
        e = evaluations.get(dataset.pk)
        rows.append(
            RegionRow(
                dataset_id=dataset.pk,
                department_id=dataset.department_id,
                department=dataset.department.name,
                year=dataset.year,
                evaluation_id=e.pk if e else None,
                total=_decimal(e.total) if e else None,
                complete=bool(e and e.complete),
                grade=e.grade if e else "",
                grade_label=e.grade_label if e else "",
                values={
                    key: _decimal(stored.get((e.pk, c.id), "")) if e else None for key, c in COLUMNS
                },
                errors=e.errors if e else None,
                warnings=e.warnings if e else None,
                stale=bool(e and e.dataset_version != dataset.version),
                parts={p: _decimal(stored.get((e.pk, p), "")) if e else None for p in PART_IDS},
            )
        )
    return rows


@dataclass(frozen=True)
class Filters:
    year: int | None = None
    grade: str = ""  #: 优/良/中/差, or ``none`` for not (completely) scored
    q: str = ""
    department: int | None = None  #: one department's year-over-year view
    sort: str = "score"

    @classmethod
    def parse(cls, params: Mapping[str, str]) -> Filters:
        year = params.get("year", "")
        department = params.get("department", "")
        grade = params.get("grade", "")
        sort = params.get("sort", "")
        return cls(
            year=int(year) if year.isdigit() and len(year) == 4 else None,
            grade=grade if grade in (*GRADES, "none") else "",
            q=params.get("q", "").strip()[:50],
            department=int(department) if department.isdigit() and len(department) < 12 else None,
            sort=sort if sort in SORTS else "score",
        )


def select(rows: list[RegionRow], filters: Filters) -> list[RegionRow]:
    """The rows the filters keep, sorted; unknown values last whatever the direction."""
    kept = [
        r
        for r in rows
        if (filters.year is None or r.year == filters.year)
        and (filters.department is None or r.department_id == filters.department)
        and (
            not filters.grade
            or (r.grade == filters.grade if filters.grade != "none" else not r.grade)
        )
        and (not filters.q or filters.q in r.department)
    ]
    descending = SORTS[filters.sort][1]
    known = [r for r in kept if r.value(filters.sort) is not None]
    known.sort(key=lambda r: (r.value(filters.sort), r.department, r.year), reverse=descending)
    return known + [r for r in kept if r.value(filters.sort) is None]


# --------------------------------------------------------------------------- 汇总


@dataclass(frozen=True)
class TotalRow:
    """The 汇总 of the rows of one year: sums of the money columns and of the counts,
    the ratio columns recomputed from summed parts (:data:`WEIGHTED`)."""

    year: int
    departments: int  #: rows summed
    evaluated: int  #: rows with an evaluation
    values: Mapping[str, Decimal | None]  #: column key → 汇总 (``None``: no row has it)
    #: column key → how many rows entered it (a row lacking a part is left out of a ratio)
    counted: Mapping[str, int]
    errors: int | None  #: None when no dataset of the year is evaluated (nothing counted)
    warnings: int | None
    average_score: Decimal | None  #: mean of the complete scores (a score is not summed)
    grades: Mapping[str, int]  #: 优/良/中/差 → count, in that order, only those present

    @property
    def label(self) -> str:
        return f"汇总（{self.year} 年，{self.departments} 个部门）"

    @property
    def export_label(self) -> str:
        return f"{self.label.removesuffix('）')}；总分列为平均分）"

    @property
    def cells(self) -> list[tuple[str, str]]:
        """(printed value, note) per column; the note says when only some rows entered it."""
        return [
            (
                _printed(self.values.get(key)),
                f"按 {self.counted.get(key, 0)} 个部门计算（其余缺少数据）"
                if self.values.get(key) is not None and self.counted.get(key, 0) < self.departments
                else "",
            )
            for key, _ in COLUMNS
        ]

    @property
    def score_text(self) -> str:
        return _printed(self.average_score)

    @property
    def grades_text(self) -> str:
        return "，".join(f"{g} {n}" for g, n in self.grades.items()) or "—"


def _sum(values: Iterable[Decimal | None]) -> tuple[Decimal | None, int]:
    known = [v for v in values if v is not None]
    return (sum(known, ZERO) if known else None), len(known)


def _weighted(rows: list[RegionRow], spec: Weighted) -> tuple[Decimal | None, int]:
    """The ratio of the summed parts over the rows that have every part."""
    complete = [r for r in rows if all(r.parts.get(p) is not None for p in spec.parts)]
    if not complete:
        return None, 0

    def total(part: str) -> Decimal:
        return sum((r.parts[part] or ZERO for r in complete), ZERO)

    minus = total(spec.minus) if spec.minus else ZERO
    return ratio_percent(total(spec.numerator) - minus, total(spec.denominator)), len(complete)


def totals(rows: list[RegionRow]) -> list[TotalRow]:
    """One 汇总 row per year of ``rows`` (newest year first): summing across years would
    add two budgets of the same department, so each year is totalled on its own."""
    result = []
    for year in sorted({r.year for r in rows}, reverse=True):
        of_year = [r for r in rows if r.year == year]
        values: dict[str, Decimal | None] = {}
        counted: dict[str, int] = {}
        for key, _ in COLUMNS:
            if key in SUMMED_COLUMNS:
                values[key], counted[key] = _sum(r.values.get(key) for r in of_year)
            elif key in WEIGHTED:
                values[key], counted[key] = _weighted(of_year, WEIGHTED[key])
        scores = [r.total for r in of_year if r.complete and r.total is not None]
        evaluated = sum(1 for r in of_year if r.evaluation_id is not None)
        result.append(
            TotalRow(
                year=year,
                departments=len(of_year),
                evaluated=evaluated,
                values=values,
                counted=counted,
                errors=sum(r.errors or 0 for r in of_year) if evaluated else None,
                warnings=sum(r.warnings or 0 for r in of_year) if evaluated else None,
                average_score=sum(scores, ZERO) / len(scores) if scores else None,
                grades={g: n for g in GRADES if (n := sum(1 for r in of_year if r.grade == g))},
            )
        )
    return result


# --------------------------------------------------------------------------- Excel

HEADERS = (
    "部门",
    "年度",
    "总分",
    "等级",
    *(f"{c.label}（{c.unit}）" for _, c in COLUMNS),
    "错误",
    "警告",
)


def workbook(rows: list[RegionRow], total_rows: list[TotalRow] | None = None) -> bytes:
    """The table as an xlsx: Chinese headers, numbers as numbers with two decimals, the
    汇总 rows (bold) below the departments."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "部门评价对比"
    sheet.append(HEADERS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for r in rows:
        sheet.append(
            [
                r.department,
                r.year,
                r.total if r.complete else None,
                r.grade_label or ("未评分" if r.evaluation_id else "未评价"),
                *(r.values[key] for key, _ in COLUMNS),
                r.errors,
                r.warnings,
            ]
        )
    for t in total_rows or []:
        sheet.append(
            [
                t.export_label,
                t.year,
                t.average_score,
                t.grades_text,
                *(t.values.get(key) for key, _ in COLUMNS),
                t.errors,
                t.warnings,
            ]
        )
        for cell in sheet[sheet.max_row]:
            cell.font = Font(bold=True)
    for row in sheet.iter_rows(min_row=2, min_col=3, max_col=3 + 1 + len(COLUMNS)):
        for cell in row:
            if isinstance(cell.value, Decimal):
                cell.number_format = "#,##0.00"
    sheet.column_dimensions["A"].width = 28
    for letter in "CDEFGHIJKLMN":
        sheet.column_dimensions[letter].width = 16
    sheet.freeze_panes = "B2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
