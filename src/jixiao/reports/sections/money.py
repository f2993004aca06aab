"""（四）部门整体支出情况: 预算编制情况 and 决算情况, with their charts and tables."""

from __future__ import annotations

from collections.abc import Sequence

from jixiao.reports.context import (
    Context,
    all_codes,
    amount_list,
    code_name,
    codes_with,
    dept_lines,
    fid,
    items_by_amount,
    note_of,
    section,
    series_for,
    series_of,
)
from jixiao.reports.model import (
    Block,
    Cell,
    Chart,
    Paragraph,
    Run,
    Table,
)
from jixiao.reports.wording import Fill, join_runs, merge_runs

# --------------------------------------------------------------------------- 预算编制情况


@section("spending.budget")
def _budget(ctx: Context) -> list[Block]:
    return _budget_income(ctx) + _budget_expenditure(ctx)


def _budget_income(ctx: Context) -> list[Block]:
    total = fid("income.budget.total")
    items = items_by_amount(ctx, "income.budget", codes_with(ctx, "income.budget", "income"))
    if not ctx.figs.has(total) or not items:
        return []
    chart = ctx.chart(
        "income_structure",
        "income_chart",
        "pie",
        [code_name(i, "income") for i in items],
        [series_for(ctx, "年初预算", "income.budget", items)],
    )
    listing = amount_list(ctx, "income.budget", items, "income", "budget_item")
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


def _budget_expenditure(ctx: Context) -> list[Block]:
    total = fid("expenditure.budget.total")
    functions = items_by_amount(
        ctx, "function.budget", codes_with(ctx, "function.budget", "function")
    )
    natures = items_by_amount(ctx, "nature.budget", codes_with(ctx, "nature.budget", "nature"))
    if not ctx.figs.has(total) or not functions or not natures:
        return []
    chart_f = ctx.chart(
        "expenditure_function",
        "function_chart",
        "barh",
        [code_name(i, "function") for i in functions],
        [series_for(ctx, "年初预算", "function.budget", functions)],
    )
    nature_parts = [_nature_budget(ctx, n) for n in natures]
    chart_n = _nature_chart(ctx, natures)
    text = ctx.para(
        "budget_expenditure",
        year=ctx.year,
        total=ctx.figs.run(total),
        functions=amount_list(ctx, "function.budget", functions, "function", "budget_item"),
        natures=join_runs(nature_parts, "；"),
        chart_function=chart_f.number,
        chart_nature=chart_n.number,
    )
    return [text, chart_f, chart_n]


def _nature_budget(ctx: Context, nature: str) -> list[Run]:
    children = [
        c
        for c in codes_with(ctx, "nature.budget", "nature", nature)
        if ctx.figs.has(fid("nature.budget", item=c))
    ]
    amount = ctx.figs.run(fid("nature.budget", item=nature))
    if not children:
        return ctx.runs("budget_nature_item", name=nature, amount=amount)
    parts = amount_list(ctx, "nature.budget", children, "nature", "budget_nature_item")
    return ctx.runs("budget_nature_with_parts", name=nature, amount=amount, parts=parts)


def _nature_chart(ctx: Context, natures: Sequence[str]) -> Chart:
    """基本支出 split into 人员经费/日常公用经费 next to 项目支出, as the genre draws it."""
    leaves: list[str] = []
    for nature in natures:
        children = [
            c
            for c in codes_with(ctx, "nature.budget", "nature", nature)
            if ctx.figs.has(fid("nature.budget", item=c))
        ]
        leaves += children or [nature]
    return ctx.chart(
        "expenditure_nature",
        "nature_chart",
        "pie",
        [code_name(i, "nature") for i in leaves],
        [series_for(ctx, "年初预算", "nature.budget", leaves)],
    )


# --------------------------------------------------------------------------- 决算情况

_MARKERS = "①②③④⑤⑥⑦⑧⑨⑩"


def _marker(i: int) -> str:
    return _MARKERS[i] + " " if i < len(_MARKERS) else f"（{i + 1}）"


@section("spending.final")
def _final(ctx: Context) -> list[Block]:
    return _final_income(ctx) + _final_expenditure(ctx) + _budget_final_chart(ctx)


def _final_income(ctx: Context) -> list[Block]:
    total, ratio = fid("income.final.total"), fid("income.ratio.total")
    items = items_by_amount(ctx, "income.final", codes_with(ctx, "income.final", "income"))
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


def _income_share(ctx: Context, item: str) -> list[Run]:
    amount = ctx.figs.run(fid("income.final", item=item))
    share = fid("income.share", item=item)
    if not ctx.figs.has(share):
        return ctx.runs("budget_item", name=code_name(item, "income"), amount=amount)
    detail = (
        ctx.wording.data["phrases"]["final_income_all_general"] if _all_general(ctx, item) else ""
    )
    return ctx.runs(
        "final_income_item",
        name=code_name(item, "income"),
        amount=amount,
        detail=detail,
        share=ctx.figs.run(share),
    )


#: “全部为一般公共预算财政拨款” is said when this one child makes up the whole parent line.
_GENERAL_APPROPRIATION = "一般公共预算财政拨款收入"


def _all_general(ctx: Context, item: str) -> bool:
    from jixiao.dataset.codes import load_codes

    if load_codes("income").parent_of(_GENERAL_APPROPRIATION) != item:
        return False
    child = ctx.figs.value(fid("income.final", item=_GENERAL_APPROPRIATION))
    return child is not None and child == ctx.figs.value(fid("income.final", item=item))


def _income_line(ctx: Context, n: int, item: str) -> Paragraph:
    ratio = fid("income.ratio", item=item)
    values: dict[str, Fill] = {
        "marker": _marker(n),
        "name": code_name(item, "income"),
        "year": ctx.year,
        "amount": ctx.figs.run(fid("income.final", item=item)),
        "note": note_of(ctx.dataset.income, item),
    }
    if ctx.figs.has(ratio):
        return ctx.para("income_line", ratio=ctx.figs.run(ratio), **values)
    return ctx.para("income_line_no_budget", **values)


def _income_table(ctx: Context) -> Table:
    rows = []
    for item in all_codes(ctx, ("income.budget", "income.final"), "income"):
        rows.append(
            (
                Cell(code_name(item, "income")),
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


def _final_expenditure(ctx: Context) -> list[Block]:
    total, ratio = fid("expenditure.final.total"), fid("expenditure.ratio.total")
    natures = [
        n
        for n in codes_with(ctx, "nature.final", "nature")
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
    stated_already = any(note in line.note for line in dept_lines(ctx.dataset.expenditure_nature))
    if note and not stated_already:
        blocks.append(ctx.para("budget_variance", note=note))
    blocks.append(_nature_table(ctx))
    return blocks


def _nature_line(ctx: Context, n: int, nature: str) -> Paragraph:
    parts: list[Run] = []
    for child in codes_with(ctx, "nature.final", "nature", nature):
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
        "note": note_of(ctx.dataset.expenditure_nature, nature),
    }
    ratio = fid("nature.ratio", item=nature)
    if ctx.figs.has(ratio):
        return ctx.para("nature_line", ratio=ctx.figs.run(ratio), **values)
    return ctx.para("nature_line_no_budget", **values)


def _economic_main(ctx: Context, nature: str) -> list[Run]:
    """The largest 经济分类 class of a nature and its largest 款 (“主要是…，其中：…”)."""
    classes = _items_by_amount_eco(
        ctx, nature, codes_with(ctx, "economic.final", "economic", nature=nature)
    )
    if not classes:
        return []
    main = classes[0]
    share = fid("economic.share_nature", nature=nature, item=main)
    if not ctx.figs.has(share):
        return []
    kids = _items_by_amount_eco(
        ctx, nature, codes_with(ctx, "economic.final", "economic", main, nature=nature)
    )
    details = [
        ctx.runs(
            "economic_detail",
            name=code_name(k, "economic"),
            amount=ctx.figs.run(fid("economic.final", nature=nature, item=k)),
            share=ctx.figs.run(fid("economic.share_parent", nature=nature, item=k)),
        )
        for k in kids[:2]
        if ctx.figs.has(fid("economic.share_parent", nature=nature, item=k))
    ]
    detail_runs: list[Run] = [Run("，其中："), *join_runs(details, "，")] if details else []
    return ctx.runs(
        "economic_main",
        name=code_name(main, "economic"),
        amount=ctx.figs.run(fid("economic.final", nature=nature, item=main)),
        nature=nature,
        share=ctx.figs.run(share),
        details=detail_runs,
    )


def _items_by_amount_eco(ctx: Context, nature: str, items: Sequence[str]) -> list[str]:
    present = [i for i in items if ctx.figs.has(fid("economic.final", nature=nature, item=i))]
    return sorted(
        present, key=lambda i: -(ctx.figs.value(fid("economic.final", nature=nature, item=i)) or 0)
    )


def _nature_table(ctx: Context) -> Table:
    rows = [
        (
            Cell(code_name(item, "nature")),
            ctx.figs.cell(fid("nature.budget", item=item)),
            ctx.figs.cell(fid("nature.final", item=item)),
            ctx.figs.cell(fid("nature.ratio", item=item)),
        )
        for item in all_codes(ctx, ("nature.budget", "nature.final"), "nature")
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


def _budget_final_chart(ctx: Context) -> list[Block]:
    natures = codes_with(ctx, "nature.final", "nature")
    pairs = [
        ("收入合计", fid("income.budget.total"), fid("income.final.total")),
        *((n, fid("nature.budget", item=n), fid("nature.final", item=n)) for n in natures),
        ("支出合计", fid("expenditure.budget.total"), fid("expenditure.final.total")),
    ]
    pairs = [p for p in pairs if ctx.figs.has(p[2])]
    if len(pairs) < 2:
        return []
    names = [p[0] for p in pairs]
    budget = series_of(ctx, "年初预算", [p[1] for p in pairs])
    final = series_of(ctx, "决算", [p[2] for p in pairs])
    chart = ctx.chart("budget_vs_final", "budget_final_chart", "grouped", names, [budget, final])
    return [ctx.para("chart_budget_final", year=ctx.year, chart=chart.number), chart]
