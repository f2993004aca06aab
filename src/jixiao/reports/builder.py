"""Build the report model from the dataset, the figures, the scorecard and the findings.

Pure: no files, no printing. The outline comes from the wording file; each outline id
has a section builder in :data:`SECTIONS` (``@section("spending.final")``). Builders
write numbers only through :class:`_Figures`, which prints a figure exactly as the
figures engine does and remembers its id, so the report can list its data sources
and every number stays traceable. A sentence whose figure cannot be computed is left
out rather than printed with a blank.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Protocol

from jixiao.checks.findings import Finding, Severity
from jixiao.dataset.model import ADMIN_UNIT_KINDS, INSTITUTION_UNIT_KINDS, Dataset, MoneyLine
from jixiao.lib.money import format_number
from jixiao.reports.model import (
    Block,
    Cell,
    Chart,
    Cover,
    CoverField,
    FindingRow,
    Paragraph,
    ReportModel,
    Run,
    Scorecard,
    ScoreRow,
    Section,
    Series,
    Source,
    Table,
)
from jixiao.reports.wording import Fill, Wording, join_runs, load_wording, merge_runs


class FigureLike(Protocol):
    """What the report needs of a figure (:class:`jixiao.figures.model.Figure`)."""

    @property
    def id(self) -> str: ...
    @property
    def label(self) -> str: ...
    @property
    def value(self) -> Decimal | None: ...
    @property
    def unit(self) -> str: ...
    @property
    def formula(self) -> str: ...
    @property
    def inputs(self) -> Mapping[str, str]: ...
    @property
    def text(self) -> str: ...


#: Figure ids the report prints, by role (``{item}`` = the money line's item).
IDS: dict[str, str] = {
    "income.budget": "income.budget.{item}",
    "income.final": "income.final.{item}",
    "income.budget.total": "income.budget.total",
    "income.final.total": "income.final.total",
    "income.share": "income.final.share.{item}",
    "income.ratio": "income.final.ratio_to_budget.{item}",
    "income.ratio.total": "income.final.ratio_to_budget",
    "function.budget": "expenditure.function.budget.{item}",
    "function.final": "expenditure.function.final.{item}",
    "function.budget.total": "expenditure.function.budget.total",
    "nature.budget": "expenditure.nature.budget.{item}",
    "nature.final": "expenditure.nature.final.{item}",
    "nature.ratio": "expenditure.nature.final.ratio_to_budget.{item}",
    "expenditure.budget.total": "expenditure.budget.total",
    "expenditure.final.total": "expenditure.final.total",
    "expenditure.ratio.total": "expenditure.final.ratio_to_budget",
    "economic.final": "expenditure.economic.final.{nature}.{item}",
    "economic.share_nature": "expenditure.economic.final.share_of_nature.{nature}.{item}",
    "economic.share_parent": "expenditure.economic.final.share_of_parent.{nature}.{item}",
    "three_public.budget": "three_public.budget.{item}",
    "three_public.final": "three_public.final.{item}",
    "three_public.prior": "three_public.prior.{item}",
    "three_public.change": "three_public.change.{item}",
    "three_public.growth": "three_public.growth.{item}",
    "three_public.saving": "three_public.saving.{item}",
    "carryover.opening": "carryover.opening",
    "carryover.closing": "carryover.closing",
    "carryover.change": "carryover.change",
    "carryover.change_rate": "carryover.change_rate",
    "units.count": "units.count",
    "units.admin": "units.count_admin",
    "units.institution": "units.count_institution",
    "headcount.total": "headcount.total",
    "headcount.active": "headcount.active",
    "headcount.retired": "headcount.retired",
    "headcount.pension": "headcount.retired_pension_fund",
    "headcount.survivors": "headcount.survivors",
    "trips.groups": "three_public.trips.groups",
    "trips.persons": "three_public.trips.persons",
}

THREE_PUBLIC_TOTAL = "三公经费合计"


def fid(role: str, **parts: str) -> str:
    """The figure id of ``role`` (a key of :data:`IDS`) for ``parts``."""
    return IDS[role].format(**parts)


class _Figures:
    """Prints figures and records which ones the report used, in first-use order."""

    def __init__(self, figures: Mapping[str, FigureLike]) -> None:
        self.figures = figures
        self.used: dict[str, None] = {}

    def has(self, *ids: str) -> bool:
        return all(self._get(i) is not None for i in ids)

    def _get(self, figure_id: str) -> FigureLike | None:
        figure = self.figures.get(figure_id)
        return figure if figure is not None and figure.value is not None else None

    def value(self, figure_id: str) -> Decimal | None:
        figure = self._get(figure_id)
        return None if figure is None else figure.value

    def run(self, figure_id: str, absolute: bool = False) -> Run:
        """The printed figure; call :meth:`has` first (a missing figure is a bug here)."""
        figure = self._get(figure_id)
        if figure is None:
            raise KeyError(figure_id)
        self.used[figure_id] = None
        text = figure.text.lstrip("-") if absolute else figure.text
        return Run(text, figure=figure_id, absolute=absolute)

    def count(self, figure_id: str, fallback: object) -> Run:
        """A count (人, 个) as its figure when the engine has it, else as plain text."""
        return self.run(figure_id) if self.has(figure_id) else Run(str(fallback))

    def cell(self, figure_id: str) -> Cell:
        if not self.has(figure_id):
            return Cell("", numeric=True)
        run = self.run(figure_id)
        return Cell(run.text, figure=figure_id, numeric=True)


@dataclass
class _Context:
    dataset: Dataset
    figs: _Figures
    scorecard: Scorecard
    findings: Sequence[Finding]
    wording: Wording
    tables: int = 0
    charts: int = 0
    extra_sections: list[Section] = field(default_factory=list)

    @property
    def year(self) -> str:
        return str(self.dataset.profile.year or "")

    @property
    def prior_year(self) -> str:
        year = self.dataset.profile.year
        return str(year - 1) if year else "上"

    def runs(self, key: str, **values: Fill) -> list[Run]:
        return self.wording.runs(key, **values)

    def para(self, key: str, **values: Fill) -> Paragraph:
        return Paragraph(tuple(self.runs(key, **values)))

    def subhead(self, key: str) -> Paragraph:
        return Paragraph(tuple(self.runs(key)), "subhead")

    def caption(self, key: str) -> str:
        return self.wording.text("captions", key, year=self.year, prior=self.prior_year)

    def table(
        self, key: str, header: Sequence[str], rows: Iterable[Sequence[Cell]], note: str = ""
    ) -> Table:
        self.tables += 1
        return Table(
            f"表{self.tables}",
            self.caption(key),
            tuple(header),
            tuple(tuple(r) for r in rows),
            note,
        )

    def chart(
        self, id: str, key: str, kind: str, categories: Sequence[str], series: Sequence[Series]
    ) -> Chart:
        self.charts += 1
        return Chart(
            id, f"图{self.charts}", self.caption(key), kind, tuple(categories), tuple(series)
        )


SectionBuilder = Callable[[_Context], list[Block]]
#: outline id → the function that writes that section's blocks.
SECTIONS: dict[str, SectionBuilder] = {}


def section(section_id: str) -> Callable[[SectionBuilder], SectionBuilder]:
    def register(func: SectionBuilder) -> SectionBuilder:
        SECTIONS[section_id] = func
        return func

    return register


def _texts(ctx: _Context, key: str) -> list[Block]:
    """The department's paragraphs under ``key``, minus those the report generates itself."""
    patterns = [re.compile(p) for p in ctx.wording.data.get("superseded", {}).get(key, [])]
    return [
        Paragraph((Run(text),))
        for block in ctx.dataset.text(key)
        for p in _paragraphs(block)
        if (text := _without_scores(ctx, p)) and not any(pattern.search(p) for pattern in patterns)
    ]


def _without_scores(ctx: _Context, text: str) -> str:
    """``text`` without the score sentences the department wrote (the scorecard states them)."""
    for pattern in ctx.wording.data.get("score_statements", []):
        text = re.sub(pattern, "", text)
    return text.strip()


def _paragraphs(text: str) -> list[str]:
    return [p.strip() for p in text.splitlines() if p.strip()]


def _dept_lines(rows: Sequence[MoneyLine]) -> list[MoneyLine]:
    """The department's own lines (blank unit) of a money table."""
    return [r for r in rows if not r.unit]


# --------------------------------------------------------------------------- 一、部门基本情况


@section("org.setup")
def _org_setup(ctx: _Context) -> list[Block]:
    blocks = _texts(ctx, "org_setup")
    ds = ctx.dataset
    if ds.divisions:
        names = "、".join(d.name for d in ds.divisions)
        blocks.append(ctx.para("divisions", names=names, count=str(len(ds.divisions))))
    if ds.units:
        table = _units_table(ctx)
        admin = sum(1 for u in ds.units if u.kind in ADMIN_UNIT_KINDS)
        inst = sum(1 for u in ds.units if u.kind in INSTITUTION_UNIT_KINDS)
        runs = ctx.runs(
            "unit_count",
            year=ctx.year,
            count=ctx.figs.count(fid("units.count"), len(ds.units)),
            table=table.number,
            admin=ctx.figs.count(fid("units.admin"), admin),
            institution=ctx.figs.count(fid("units.institution"), inst),
        )
        if ds.profile.unit_change_note:
            runs += ctx.runs("unit_change", change=ds.profile.unit_change_note.strip())
        blocks += [Paragraph(tuple(merge_runs(runs))), table]
    blocks += _headcount(ctx)
    return blocks


def _units_table(ctx: _Context) -> Table:
    rows = [
        (Cell(str(i)), Cell(u.code), Cell(u.name), Cell(u.kind))
        for i, u in enumerate(ctx.dataset.units, start=1)
    ]
    return ctx.table("units", ("序号", "预算编码", "单位名称", "单位性质"), rows)


def _headcount(ctx: _Context) -> list[Block]:
    p = ctx.dataset.profile
    if p.headcount_total is None:
        return []
    runs = ctx.runs(
        "headcount",
        year=ctx.year,
        total=ctx.figs.count(fid("headcount.total"), p.headcount_total),
        active=ctx.figs.count(fid("headcount.active"), p.headcount_active or "—"),
        retired=ctx.figs.count(fid("headcount.retired"), p.headcount_retired or "—"),
    )
    if p.headcount_retired_pension_fund is not None:
        count = ctx.figs.count(fid("headcount.pension"), p.headcount_retired_pension_fund)
        runs += ctx.runs("headcount_pension", count=count)
    if p.headcount_survivors:
        note = f"（{p.headcount_survivors_note}）" if p.headcount_survivors_note else ""
        count = ctx.figs.count(fid("headcount.survivors"), p.headcount_survivors)
        runs += ctx.runs("survivors", count=count, note=note)
    return [Paragraph(tuple(merge_runs(runs)))]


@section("org.functions")
def _org_functions(ctx: _Context) -> list[Block]:
    return _texts(ctx, "functions")


@section("org.change")
def _org_change(ctx: _Context) -> list[Block]:
    return _texts(ctx, "function_change")


@section("work")
def _work(ctx: _Context) -> list[Block]:
    blocks = _texts(ctx, "annual_work")
    tasks = ctx.dataset.key_tasks
    if not tasks:
        return blocks
    rows = []
    plan_no = 0
    previous = None
    for task in tasks:
        first = task.plan != previous
        plan_no += first
        previous = task.plan
        rows.append(
            (
                Cell(str(plan_no) if first else ""),
                Cell(task.plan if first else ""),
                Cell(task.task),
                Cell(task.result),
            )
        )
    table = ctx.table("key_tasks", ("序号", "重点工作计划", "主要工作任务", "取得成效"), rows)
    blocks += [ctx.para("key_tasks_lead", year=ctx.year, table=table.number), table]
    return blocks


@section("goals.targets")
def _goal_targets(ctx: _Context) -> list[Block]:
    return [
        ctx.para("goal", n=str(i), content=g.content)
        for i, g in enumerate(ctx.dataset.goals, start=1)
    ]


@section("goals.completion")
def _goal_completion(ctx: _Context) -> list[Block]:
    blocks = _texts(ctx, "goal_completion")
    blocks += [
        ctx.para("goal", n=str(i), content=g.completion)
        for i, g in enumerate(ctx.dataset.goals, start=1)
        if g.completion
    ]
    indicators = ctx.dataset.indicators
    if indicators:
        rows = [
            (
                Cell(ind.level1),
                Cell(ind.level2),
                Cell(ind.name),
                Cell(_target_text(ind.sign, ind.target, ind.target_desc, ind.unit)),
                Cell(_actual_text(ind.actual, ind.actual_desc, ind.unit, ind.qual_grade)),
            )
            for ind in indicators
        ]
        table = ctx.table(
            "goals_table", ("一级指标", "二级指标", "三级指标", "指标值", "完成值"), rows
        )
        blocks += [ctx.para("goals_table_lead", table=table.number), table]
    return blocks


def _plain_number(value: Decimal) -> str:
    return (
        format(value.normalize(), "f") if value == value.to_integral_value() else format(value, "f")
    )


def _target_text(sign: str, target: Decimal | None, desc: str, unit: str) -> str:
    if sign == "定性" or target is None:
        return desc
    return f"{sign}{_plain_number(target)}{unit}"


def _actual_text(actual: Decimal | None, desc: str, unit: str, grade: str) -> str:
    if actual is not None:
        return f"{_plain_number(actual)}{unit}"
    return grade or desc


@section("spending.scope")
def _scope(ctx: _Context) -> list[Block]:
    blocks = _texts(ctx, "budget_scope")
    if blocks or not ctx.dataset.units:
        return blocks
    names = "、".join(u.name for u in ctx.dataset.units)
    return [
        ctx.para("scope_default", year=ctx.year, count=str(len(ctx.dataset.units)), names=names)
    ]


# --------------------------------------------------------------------------- 预算编制情况


def _items_by_amount(ctx: _Context, role: str, items: Iterable[str]) -> list[str]:
    """Items with a non-zero figure, largest first (the genre lists the big lines first)."""
    present = [i for i in items if ctx.figs.value(fid(role, item=i))]
    return sorted(present, key=lambda i: -(ctx.figs.value(fid(role, item=i)) or Decimal(0)))


def _codes_with(
    ctx: _Context, role: str, list_name: str, parent: str = "", **parts: str
) -> list[str]:
    """Codes under ``parent`` (top level by default) that the engine has a ``role`` figure for.

    Taken from the figures, not the rows: a parent line the dataset leaves out is
    still summed from its children by the engine, and still reported.
    """
    from jixiao.dataset.codes import load_codes

    return [
        c.code
        for c in load_codes(list_name).codes
        if c.parent == parent and fid(role, item=c.code, **parts) in ctx.figs.figures
    ]


def _all_codes(ctx: _Context, roles: Sequence[str], list_name: str) -> list[str]:
    """Every code, at any depth, with a figure for one of ``roles``, in code-list order."""
    from jixiao.dataset.codes import load_codes

    return [
        c.code
        for c in load_codes(list_name).codes
        if any(fid(role, item=c.code) in ctx.figs.figures for role in roles)
    ]


def _name(item: str, list_name: str) -> str:
    from jixiao.dataset.codes import load_codes

    try:
        return load_codes(list_name).name_of(item)
    except FileNotFoundError:
        return item


def _amount_list(
    ctx: _Context, role: str, items: Sequence[str], list_name: str, phrase: str
) -> list[Run]:
    parts = [
        ctx.runs(phrase, name=_name(i, list_name), amount=ctx.figs.run(fid(role, item=i)))
        for i in items
    ]
    return join_runs(parts, "、")


def _series(ctx: _Context, name: str, role: str, items: Sequence[str]) -> Series:
    return _series_of(ctx, name, [fid(role, item=i) for i in items])


@section("spending.budget")
def _budget(ctx: _Context) -> list[Block]:
    return _budget_income(ctx) + _budget_expenditure(ctx)


def _budget_income(ctx: _Context) -> list[Block]:
    total = fid("income.budget.total")
    items = _items_by_amount(ctx, "income.budget", _codes_with(ctx, "income.budget", "income"))
    if not ctx.figs.has(total) or not items:
        return []
    chart = ctx.chart(
        "income_structure",
        "income_chart",
        "pie",
        [_name(i, "income") for i in items],
        [_series(ctx, "年初预算", "income.budget", items)],
    )
    listing = _amount_list(ctx, "income.budget", items, "income", "budget_item")
    return [
        ctx.para(
            "budget_income",
            year=ctx.year,
            total=ctx.figs.run(total),
            items=listing,
            chart=chart.number,
        ),
        chart,
    ]


def _budget_expenditure(ctx: _Context) -> list[Block]:
    total = fid("expenditure.budget.total")
    functions = _items_by_amount(
        ctx, "function.budget", _codes_with(ctx, "function.budget", "function")
    )
    natures = _items_by_amount(ctx, "nature.budget", _codes_with(ctx, "nature.budget", "nature"))
    if not ctx.figs.has(total) or not functions or not natures:
        return []
    chart_f = ctx.chart(
        "expenditure_function",
        "function_chart",
        "barh",
        [_name(i, "function") for i in functions],
        [_series(ctx, "年初预算", "function.budget", functions)],
    )
    nature_parts = [_nature_budget(ctx, n) for n in natures]
    chart_n = _nature_chart(ctx, natures)
    text = ctx.para(
        "budget_expenditure",
        year=ctx.year,
        total=ctx.figs.run(total),
        functions=_amount_list(ctx, "function.budget", functions, "function", "budget_item"),
        natures=join_runs(nature_parts, "；"),
        chart_function=chart_f.number,
        chart_nature=chart_n.number,
    )
    return [text, chart_f, chart_n]


def _nature_budget(ctx: _Context, nature: str) -> list[Run]:
    children = [
        c
        for c in _codes_with(ctx, "nature.budget", "nature", nature)
        if ctx.figs.has(fid("nature.budget", item=c))
    ]
    amount = ctx.figs.run(fid("nature.budget", item=nature))
    if not children:
        return ctx.runs("budget_nature_item", name=nature, amount=amount)
    parts = _amount_list(ctx, "nature.budget", children, "nature", "budget_nature_item")
    return ctx.runs("budget_nature_with_parts", name=nature, amount=amount, parts=parts)


def _nature_chart(ctx: _Context, natures: Sequence[str]) -> Chart:
    """基本支出 split into 人员经费/日常公用经费 next to 项目支出, as the genre draws it."""
    leaves: list[str] = []
    for nature in natures:
        children = [
            c
            for c in _codes_with(ctx, "nature.budget", "nature", nature)
            if ctx.figs.has(fid("nature.budget", item=c))
        ]
        leaves += children or [nature]
    return ctx.chart(
        "expenditure_nature",
        "nature_chart",
        "pie",
        [_name(i, "nature") for i in leaves],
        [_series(ctx, "年初预算", "nature.budget", leaves)],
    )


# --------------------------------------------------------------------------- 决算情况

_MARKERS = "①②③④⑤⑥⑦⑧⑨⑩"


def _marker(i: int) -> str:
    return _MARKERS[i] + " " if i < len(_MARKERS) else f"（{i + 1}）"


@section("spending.final")
def _final(ctx: _Context) -> list[Block]:
    return _final_income(ctx) + _final_expenditure(ctx) + _budget_final_chart(ctx)


def _final_income(ctx: _Context) -> list[Block]:
    total, ratio = fid("income.final.total"), fid("income.ratio.total")
    items = _items_by_amount(ctx, "income.final", _codes_with(ctx, "income.final", "income"))
    if not ctx.figs.has(total, ratio) or not items:
        return []
    listing = join_runs([_income_share(ctx, i) for i in items], "；")
    blocks: list[Block] = [
        ctx.subhead("final_income_heading"),
        ctx.para(
            "final_income",
            year=ctx.year,
            total=ctx.figs.run(total),
            ratio=ctx.figs.run(ratio),
            items=listing,
        ),
    ]
    blocks += [_income_line(ctx, n, item) for n, item in enumerate(items)]
    blocks.append(_income_table(ctx))
    return blocks


def _income_share(ctx: _Context, item: str) -> list[Run]:
    amount = ctx.figs.run(fid("income.final", item=item))
    share = fid("income.share", item=item)
    if not ctx.figs.has(share):
        return ctx.runs("budget_item", name=_name(item, "income"), amount=amount)
    detail = (
        ctx.wording.data["phrases"]["final_income_all_general"] if _all_general(ctx, item) else ""
    )
    return ctx.runs(
        "final_income_item",
        name=_name(item, "income"),
        amount=amount,
        detail=detail,
        share=ctx.figs.run(share),
    )


#: “全部为一般公共预算财政拨款” is said when this one child makes up the whole parent line.
_GENERAL_APPROPRIATION = "一般公共预算财政拨款收入"


def _all_general(ctx: _Context, item: str) -> bool:
    from jixiao.dataset.codes import load_codes

    if load_codes("income").parent_of(_GENERAL_APPROPRIATION) != item:
        return False
    child = ctx.figs.value(fid("income.final", item=_GENERAL_APPROPRIATION))
    return child is not None and child == ctx.figs.value(fid("income.final", item=item))


def _note_of(rows: Sequence[MoneyLine], item: str) -> str:
    for row in _dept_lines(rows):
        if row.item == item and row.note:
            return row.note.strip()
    return ""


def _income_line(ctx: _Context, n: int, item: str) -> Paragraph:
    ratio = fid("income.ratio", item=item)
    values: dict[str, Fill] = {
        "marker": _marker(n),
        "name": _name(item, "income"),
        "year": ctx.year,
        "amount": ctx.figs.run(fid("income.final", item=item)),
        "note": _note_of(ctx.dataset.income, item),
    }
    if ctx.figs.has(ratio):
        return ctx.para("income_line", ratio=ctx.figs.run(ratio), **values)
    return ctx.para("income_line_no_budget", **values)


def _income_table(ctx: _Context) -> Table:
    rows = []
    for item in _all_codes(ctx, ("income.budget", "income.final"), "income"):
        rows.append(
            (
                Cell(_name(item, "income")),
                ctx.figs.cell(fid("income.budget", item=item)),
                ctx.figs.cell(fid("income.final", item=item)),
                ctx.figs.cell(fid("income.ratio", item=item)),
                ctx.figs.cell(fid("income.share", item=item)),
            )
        )
    rows.append(
        (
            Cell("合计"),
            ctx.figs.cell(fid("income.budget.total")),
            ctx.figs.cell(fid("income.final.total")),
            ctx.figs.cell(fid("income.ratio.total")),
            Cell(""),
        )
    )
    header = ("收入项目", "年初预算", "决算", "决算为年初预算的（%）", "占总收入（%）")
    return ctx.table("income_table", header, rows, ctx.caption("money_unit"))


def _final_expenditure(ctx: _Context) -> list[Block]:
    total, ratio = fid("expenditure.final.total"), fid("expenditure.ratio.total")
    natures = [
        n
        for n in _codes_with(ctx, "nature.final", "nature")
        if ctx.figs.has(fid("nature.final", item=n))
    ]
    if not ctx.figs.has(total, ratio) or not natures:
        return []
    blocks: list[Block] = [
        ctx.subhead("final_expenditure_heading"),
        ctx.para(
            "final_expenditure", year=ctx.year, total=ctx.figs.run(total), ratio=ctx.figs.run(ratio)
        ),
    ]
    blocks += [_nature_line(ctx, n, nature) for n, nature in enumerate(natures)]
    note = " ".join(ctx.dataset.text("budget_variance_note"))
    stated_already = any(note in line.note for line in _dept_lines(ctx.dataset.expenditure_nature))
    if note and not stated_already:
        blocks.append(ctx.para("budget_variance", note=note))
    blocks.append(_nature_table(ctx))
    return blocks


def _nature_line(ctx: _Context, n: int, nature: str) -> Paragraph:
    parts: list[Run] = []
    for child in _codes_with(ctx, "nature.final", "nature", nature):
        final, ratio = fid("nature.final", item=child), fid("nature.ratio", item=child)
        if ctx.figs.has(final, ratio):
            parts += ctx.runs(
                "nature_part", name=child, amount=ctx.figs.run(final), ratio=ctx.figs.run(ratio)
            )
    parts += _economic_main(ctx, nature)
    values: dict[str, Fill] = {
        "marker": _marker(n),
        "name": nature,
        "year": ctx.year,
        "amount": ctx.figs.run(fid("nature.final", item=nature)),
        "parts": merge_runs(parts),
        "note": _note_of(ctx.dataset.expenditure_nature, nature),
    }
    ratio = fid("nature.ratio", item=nature)
    if ctx.figs.has(ratio):
        return ctx.para("nature_line", ratio=ctx.figs.run(ratio), **values)
    return ctx.para("nature_line_no_budget", **values)


def _economic_main(ctx: _Context, nature: str) -> list[Run]:
    """The largest 经济分类 class of a nature and its largest 款 (“主要是…，其中：…”)."""
    classes = _items_by_amount_eco(
        ctx, nature, _codes_with(ctx, "economic.final", "economic", nature=nature)
    )
    if not classes:
        return []
    main = classes[0]
    share = fid("economic.share_nature", nature=nature, item=main)
    if not ctx.figs.has(share):
        return []
    kids = _items_by_amount_eco(
        ctx, nature, _codes_with(ctx, "economic.final", "economic", main, nature=nature)
    )
    details = [
        ctx.runs(
            "economic_detail",
            name=_name(k, "economic"),
            amount=ctx.figs.run(fid("economic.final", nature=nature, item=k)),
            share=ctx.figs.run(fid("economic.share_parent", nature=nature, item=k)),
        )
        for k in kids[:2]
        if ctx.figs.has(fid("economic.share_parent", nature=nature, item=k))
    ]
    detail_runs: list[Run] = [Run("，其中："), *join_runs(details, "，")] if details else []
    return ctx.runs(
        "economic_main",
        name=_name(main, "economic"),
        amount=ctx.figs.run(fid("economic.final", nature=nature, item=main)),
        nature=nature,
        share=ctx.figs.run(share),
        details=detail_runs,
    )


def _items_by_amount_eco(ctx: _Context, nature: str, items: Sequence[str]) -> list[str]:
    present = [i for i in items if ctx.figs.has(fid("economic.final", nature=nature, item=i))]
    return sorted(
        present, key=lambda i: -(ctx.figs.value(fid("economic.final", nature=nature, item=i)) or 0)
    )


def _nature_table(ctx: _Context) -> Table:
    rows = [
        (
            Cell(_name(item, "nature")),
            ctx.figs.cell(fid("nature.budget", item=item)),
            ctx.figs.cell(fid("nature.final", item=item)),
            ctx.figs.cell(fid("nature.ratio", item=item)),
        )
        for item in _all_codes(ctx, ("nature.budget", "nature.final"), "nature")
    ]
    rows.append(
        (
            Cell("合计"),
            ctx.figs.cell(fid("expenditure.budget.total")),
            ctx.figs.cell(fid("expenditure.final.total")),
            ctx.figs.cell(fid("expenditure.ratio.total")),
        )
    )
    header = ("支出性质", "年初预算", "决算", "决算为年初预算的（%）")
    return ctx.table("nature_table", header, rows, ctx.caption("money_unit"))


def _budget_final_chart(ctx: _Context) -> list[Block]:
    natures = _codes_with(ctx, "nature.final", "nature")
    pairs = [
        ("收入合计", fid("income.budget.total"), fid("income.final.total")),
        *((n, fid("nature.budget", item=n), fid("nature.final", item=n)) for n in natures),
        ("支出合计", fid("expenditure.budget.total"), fid("expenditure.final.total")),
    ]
    pairs = [p for p in pairs if ctx.figs.has(p[2])]
    if len(pairs) < 2:
        return []
    names = [p[0] for p in pairs]
    budget = _series_of(ctx, "年初预算", [p[1] for p in pairs])
    final = _series_of(ctx, "决算", [p[2] for p in pairs])
    chart = ctx.chart("budget_vs_final", "budget_final_chart", "grouped", names, [budget, final])
    return [ctx.para("chart_budget_final", year=ctx.year, chart=chart.number), chart]


def _series_of(ctx: _Context, name: str, ids: Sequence[str]) -> Series:
    ctx.figs.used.update({i: None for i in ids if ctx.figs.has(i)})
    return Series(name, tuple(ctx.figs.value(i) for i in ids), tuple(ids))


# --------------------------------------------------------------------------- 二、绩效自评情况


def _score_text(value: Decimal | None) -> str:
    if value is None:
        return "—"
    return (
        format_number(value, 2).rstrip("0").rstrip(".")
        if value != value.to_integral_value()
        else str(int(value))
    )


def _score_run(row: ScoreRow, which: str) -> Run:
    value = {"points": row.points, "score": row.score, "deduction": row.deduction}[which]
    return Run(_score_text(value), score=f"{row.code}.{which}" if row.code else which)


@section("evaluation.conclusion")
def _conclusion(ctx: _Context) -> list[Block]:
    card = ctx.scorecard
    # The department's own conclusion text is kept only where it does not talk about
    # scores: the scores themselves are stated from the scorecard, never from prose.
    blocks = _texts(ctx, "conclusion")
    if card.total is None:
        return blocks
    # Only items scored in full are named: a partly scored or unscored item is neither
    # “满分” nor “扣分” (its parent was scored as a whole).
    level2 = [r for r in card.at_level(2) if r.status == "scored" and r.score is not None]
    full = [r.name for r in level2 if r.deduction == 0]
    deducted = [r.name for r in level2 if r.deduction and r.deduction > 0]
    runs = ctx.runs(
        "conclusion_total",
        total=Run(_score_text(card.total), score="total"),
        points=Run(_score_text(card.points), score="points"),
    )
    clauses = []
    if full:
        clauses.append(ctx.runs("conclusion_full", names="、".join(full)))
    if deducted:
        clauses.append(ctx.runs("conclusion_deducted", names="、".join(deducted)))
    runs += [*join_runs(clauses, "；"), Run("。")]
    blocks.append(Paragraph(tuple(merge_runs(runs))))
    if card.grade:
        blocks.append(ctx.para("conclusion_grade", grade=Run(card.grade, bold=True, score="grade")))
    return blocks


def _top_row(card: Scorecard, keyword: str, index: int) -> ScoreRow | None:
    top = card.at_level(1)
    for row in top:
        if keyword in row.name:
            return row
    return top[index] if len(top) > index else None


def _item_score(ctx: _Context, row: ScoreRow) -> list[Run]:
    return ctx.runs("item_score", points=_score_run(row, "points"), score=_score_run(row, "score"))


def _reason(ctx: _Context, row: ScoreRow | None) -> list[Block]:
    text = _without_scores(ctx, row.reason) if row else ""
    return [Paragraph((Run(text),))] if text else []


def _children(card: Scorecard, row: ScoreRow) -> list[ScoreRow]:
    return [r for r in card.rows if r.code.rpartition(".")[0] == row.code]


@section("evaluation.performance")
def _performance(ctx: _Context) -> list[Block]:
    row = _top_row(ctx.scorecard, "履职效能", 0)
    blocks = _texts(ctx, "performance_analysis") or _reason(ctx, row)
    if row is not None:
        blocks.append(Paragraph(tuple(_item_score(ctx, row))))
        blocks += [
            _score_item_paragraph(ctx, n, child)
            for n, child in enumerate(_children(ctx.scorecard, row), 1)
        ]
    return blocks


@section("evaluation.management")
def _management(ctx: _Context) -> list[Block]:
    row = _top_row(ctx.scorecard, "管理效率", 1)
    blocks = _texts(ctx, "management_analysis") or _reason(ctx, row)
    if row is not None:
        blocks.append(Paragraph(tuple(_item_score(ctx, row))))
        blocks += [
            _score_item_paragraph(ctx, n, child)
            for n, child in enumerate(_children(ctx.scorecard, row), 1)
        ]
    blocks += _texts(ctx, "cost_control")
    return blocks


def _score_item_paragraph(ctx: _Context, n: int, row: ScoreRow) -> Paragraph:
    name = row.name.removesuffix("情况")
    runs = [Run(f"{n}. {name}情况。", bold=True), *_item_score(ctx, row)]
    reason = _without_scores(ctx, row.reason)
    if reason:
        runs.append(Run(reason if reason.endswith("。") else reason + "。"))
    if row.deduction and row.deduction > 0:
        runs += ctx.runs("item_deduction", deduction=_score_run(row, "deduction"))
    return Paragraph(tuple(merge_runs(runs)))


@section("evaluation.three_public")
def _three_public(ctx: _Context) -> list[Block]:
    total = THREE_PUBLIC_TOTAL
    final = fid("three_public.final", item=total)
    if not ctx.figs.has(final):
        return []
    items = [
        i
        for i in _codes_with(ctx, "three_public.final", "three_public", total)
        if ctx.figs.has(fid("three_public.final", item=i))
    ]
    listing = join_runs(
        [
            ctx.runs(
                "three_public_item",
                name=_name(i, "three_public"),
                amount=ctx.figs.run(fid("three_public.final", item=i)),
            )
            for i in items
        ],
        "，",
    )
    blocks: list[Block] = [
        ctx.para(
            "three_public_total",
            year=ctx.year,
            total=ctx.figs.run(final),
            vs_budget=_vs_budget(ctx, total),
            items=listing,
        )
    ]
    p = ctx.dataset.profile
    if p.trips_groups is not None and p.trips_persons is not None:
        blocks.append(
            ctx.para(
                "three_public_trips",
                year=ctx.year,
                groups=ctx.figs.count(fid("trips.groups"), p.trips_groups),
                persons=ctx.figs.count(fid("trips.persons"), p.trips_persons),
            )
        )
    blocks += _three_public_growth(ctx, total)
    blocks += _texts(ctx, "three_public_note")
    return blocks


def _vs_budget(ctx: _Context, item: str) -> list[Run]:
    budget, saving = fid("three_public.budget", item=item), fid("three_public.saving", item=item)
    if not ctx.figs.has(budget, saving):
        return []
    value = ctx.figs.value(saving) or Decimal(0)
    key, slot = (
        ("three_public_vs_budget_saved", "saved")
        if value >= 0
        else ("three_public_vs_budget_over", "over")
    )
    return ctx.runs(key, budget=ctx.figs.run(budget), **{slot: ctx.figs.run(saving, absolute=True)})


def _direction(ctx: _Context, change_id: str) -> tuple[str, str]:
    phrases = ctx.wording.data["phrases"]
    if (ctx.figs.value(change_id) or Decimal(0)) < 0:
        return phrases["decrease"], phrases["decrease_rate"]
    return phrases["increase"], phrases["increase_rate"]


def _three_public_growth(ctx: _Context, total: str) -> list[Block]:
    change, rate = fid("three_public.change", item=total), fid("three_public.growth", item=total)
    if not ctx.figs.has(change, rate):
        return []
    leaves = [
        i
        for i in _three_public_leaves(ctx)
        if ctx.figs.has(fid("three_public.final", item=i))
        or ctx.figs.has(fid("three_public.prior", item=i))
    ]
    chart = ctx.chart(
        "three_public",
        "three_public_chart",
        "grouped",
        [_name(i, "three_public") for i in [total, *leaves]],
        [
            _series(ctx, f"{ctx.prior_year}年", "three_public.prior", [total, *leaves]),
            _series(ctx, f"{ctx.year}年", "three_public.final", [total, *leaves]),
        ],
    )
    direction, word = _direction(ctx, change)
    blocks: list[Block] = [
        ctx.para(
            "three_public_growth",
            year=ctx.year,
            prior=ctx.prior_year,
            total=ctx.figs.run(fid("three_public.final", item=total)),
            direction=direction,
            change=ctx.figs.run(change, absolute=True),
            rate_word=word,
            rate=ctx.figs.run(rate, absolute=True),
            chart=chart.number,
        ),
        chart,
    ]
    growth_runs: list[Run] = []
    for item in leaves:
        c, r = fid("three_public.change", item=item), fid("three_public.growth", item=item)
        if ctx.figs.has(c, r) and ctx.figs.value(c) != 0:
            d, w = _direction(ctx, c)
            growth_runs += ctx.runs(
                "three_public_item_growth",
                name=_name(item, "three_public"),
                direction=d,
                change=ctx.figs.run(c, absolute=True),
                rate_word=w,
                rate=ctx.figs.run(r, absolute=True),
            )
    if growth_runs:
        blocks.append(Paragraph(tuple(merge_runs(growth_runs))))
    return blocks


def _three_public_leaves(ctx: _Context) -> list[str]:
    """The lines drawn and compared: 出国, 车辆 (split when given), 接待."""
    from jixiao.dataset.codes import load_codes

    codes = load_codes("three_public")
    result = []
    for child in codes.children_of(THREE_PUBLIC_TOTAL):
        grandchildren = [
            g
            for g in codes.children_of(child)
            if fid("three_public.final", item=g) in ctx.figs.figures
        ]
        result += grandchildren or [child]
    return result


@section("evaluation.problems")
def _problems(ctx: _Context) -> list[Block]:
    blocks = _carryover(ctx)
    for n, problem in enumerate(ctx.dataset.problems, start=1):
        blocks.append(Paragraph((Run(f"{n}. {problem.title}", bold=True),), "subhead"))
        blocks += [
            Paragraph((Run(p),)) for t in (problem.problem, problem.measure) for p in _paragraphs(t)
        ]
    return blocks


def _carryover(ctx: _Context) -> list[Block]:
    ids = [
        fid(k)
        for k in (
            "carryover.closing",
            "carryover.opening",
            "carryover.change",
            "carryover.change_rate",
        )
    ]
    if not ctx.figs.has(*ids):
        return []
    closing, opening, change, rate = ids
    if any(
        ctx.figs.figures[closing].text in f"{p.problem}{p.measure}" for p in ctx.dataset.problems
    ):
        return []  # the department's own problem text states it (and its reasons) already
    direction, word = _direction(ctx, change)
    text = ctx.para(
        "carryover",
        year=ctx.year,
        closing=ctx.figs.run(closing),
        opening=ctx.figs.run(opening),
        direction=direction,
        change=ctx.figs.run(change, absolute=True),
        rate_word=word,
        rate=ctx.figs.run(rate, absolute=True),
    )
    return [text, *_texts(ctx, "carryover_note")]


@section("other")
def _other(ctx: _Context) -> list[Block]:
    return _texts(ctx, "other") or [ctx.para("other_default")]


# --------------------------------------------------------------------------- 附表、附录


@section("appendix.scores")
def _scores_appendix(ctx: _Context) -> list[Block]:
    card = ctx.scorecard
    if not card.rows:
        return []
    rows = [
        (
            Cell(r.code),
            Cell(("　" * (r.level - 1)) + r.name),
            Cell(_score_text(r.points), numeric=True),
            # An item not scored in full shows no score: its parent was scored as a whole,
            # and a partial sum would read as a deduction.
            Cell(_score_text(r.score) if r.status == "scored" else "—", numeric=True),
            Cell(
                _score_text(r.deduction) if r.deduction and r.status == "scored" else "",
                numeric=True,
            ),
            Cell(_unscored_note(r) + _without_scores(ctx, r.reason)),
        )
        for r in card.rows
    ]
    rows.append(
        (
            Cell(""),
            Cell("合计"),
            Cell(_score_text(card.points), numeric=True),
            Cell(_score_text(card.total), numeric=True),
            Cell(""),
            Cell(card.grade),
        )
    )
    lead = ctx.para(
        "scores_lead",
        framework=card.framework or "—",
        total=Run(_score_text(card.total), score="total"),
        grade=Run(card.grade or "—", score="grade"),
    )
    # 附表 are numbered on their own, apart from the 表N of the body.
    table = Table(
        "附表1",
        card.title,
        ("编码", "指标名称", "分值", "自评得分", "扣分", "评分说明"),
        tuple(rows),
    )
    return [lead, table]


_STATUS_NOTES = {"partial": "未完整评分：", "missing": "无法评分："}


def _unscored_note(row: ScoreRow) -> str:
    return _STATUS_NOTES.get(row.status, "")


_SEVERITY = {Severity.ERROR: "错误", Severity.WARNING: "警告", Severity.INFO: "提示"}


@section("appendix.findings")
def _findings_appendix(ctx: _Context) -> list[Block]:
    findings = ctx.findings
    if not findings:
        return [ctx.para("findings_none")]
    counts = {s: sum(1 for f in findings if f.severity is s) for s in Severity}
    lead = ctx.para(
        "findings_lead",
        count=str(len(findings)),
        errors=str(counts[Severity.ERROR]),
        warnings=str(counts[Severity.WARNING]),
        infos=str(counts[Severity.INFO]),
    )
    rows = [
        (Cell(str(i)), Cell(_SEVERITY[f.severity]), Cell(f.code), Cell(f.location), Cell(f.message))
        for i, f in enumerate(findings, start=1)
    ]
    table = Table(
        "附录表1", "数据一致性检查结果", ("序号", "级别", "编号", "位置", "说明"), tuple(rows)
    )
    return [lead, table]


# The 数据来源 appendix is written after every other section, when the used figures are known.
_SOURCES_ID = "appendix.sources"


def _sources_blocks(ctx: _Context, sources: Sequence[Source]) -> list[Block]:
    rows = [
        (
            Cell(s.figure),
            Cell(s.label),
            Cell(s.text, figure=s.figure, numeric=True),
            Cell(s.unit),
            Cell(s.formula),
            Cell("；".join(f"{k} = {v}" for k, v in s.inputs)),
        )
        for s in sources
    ]
    table = Table(
        "附录表2",
        "数据来源",
        ("编号", "名称", "数值", "单位", "计算公式", "所依据的数据"),
        tuple(rows),
    )
    return [ctx.para("sources_lead"), table]


# --------------------------------------------------------------------------- entry point


def _cover(ctx: _Context) -> Cover:
    p = ctx.dataset.profile
    w = ctx.wording
    fields = [CoverField(w.text("cover", "department"), p.department_name)]
    count = (
        p.stated_unit_count if p.stated_unit_count is not None else (len(ctx.dataset.units) or None)
    )
    if count is not None:
        fields.append(
            CoverField(
                w.text("cover", "unit_count"), w.text("cover", "unit_count_value", count=count)
            )
        )
    fields.append(CoverField(w.text("cover", "preparer"), p.preparer))
    fields.append(CoverField(w.text("cover", "phone"), p.phone))
    day = p.fill_date
    date_text = (
        w.text("cover", "date_format", year=day.year, month=day.month, day=day.day) if day else ""
    )
    fields.append(CoverField(w.text("cover", "fill_date"), date_text))
    title = str(w.data["title"]).format(year=ctx.year)
    return Cover(department=p.department_name, title=title, fields=tuple(fields))


def _sources(figs: _Figures) -> tuple[Source, ...]:
    result = []
    for figure_id in figs.used:
        f = figs.figures[figure_id]
        result.append(
            Source(
                figure=f.id,
                label=f.label,
                text=f.text,
                unit=f.unit,
                formula=f.formula,
                inputs=tuple((k, v) for k, v in f.inputs.items()),
            )
        )
    return tuple(result)


def _finding_rows(findings: Sequence[Finding]) -> tuple[FindingRow, ...]:
    return tuple(FindingRow(_SEVERITY[f.severity], f.code, f.message, f.location) for f in findings)


def build_report(
    dataset: Dataset,
    figures: Mapping[str, FigureLike],
    scorecard: Scorecard,
    findings: Sequence[Finding] = (),
    wording: Wording | None = None,
) -> ReportModel:
    """The report model of ``dataset``: pure, deterministic, every number bound to a figure."""
    ctx = _Context(dataset, _Figures(figures), scorecard, findings, wording or load_wording())
    sections: list[Section] = []
    for entry in ctx.wording.outline:
        title = entry.title.format(year=ctx.year, department=dataset.profile.department_name)
        if entry.id == _SOURCES_ID:
            sections.append(Section(entry.id, title, entry.level))  # filled below
            continue
        builder = SECTIONS.get(entry.id)
        blocks = tuple(builder(ctx)) if builder else ()
        sections.append(Section(entry.id, title, entry.level, blocks))
    sources = _sources(ctx.figs)
    sections = [
        Section(s.id, s.title, s.level, tuple(_sources_blocks(ctx, sources)))
        if s.id == _SOURCES_ID
        else s
        for s in sections
    ]
    cover = _cover(ctx)
    return ReportModel(
        title=f"{dataset.profile.department_name}{cover.title}",
        cover=cover,
        sections=tuple(sections),
        scorecard=scorecard,
        findings=_finding_rows(findings),
        sources=sources,
    )
