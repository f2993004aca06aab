"""（四）部门整体支出情况: 预算编制情况 and 决算情况, with their charts and tables."""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import Decimal

from jixiao.dataset.model import TEXT_KEYS, MoneyLine
from jixiao.reports.context import (
    Context,
    amount_list,
    clean,
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


@section("spending.budget", "预算情况")
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


@section("spending.final", "决算情况")
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
    blocks.append(_income_table(ctx, frozenset(items)))
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


#: The columns a money table can show: (figure column, header); a column is shown when
#: some row has a figure for it.
_COLUMNS = (
    ("budget", "年初预算"),
    ("adjusted", "调整后预算"),
    ("final", "决算"),
    ("prior", "上年决算"),
)


def money_table(
    ctx: Context,
    area: str,
    total: str,
    list_name: str,
    first: str,
    caption: str,
    share: str = "",
    notes: Sequence[MoneyLine] = (),
    printed: frozenset[str] = frozenset(),
) -> Table:
    """A money table: each line (sub-lines set in, the first one “其中：”), its columns, the
    ratios to 年初预算, the share, the department's 说明, and a 合计 line.

    ``area`` prefixes the lines' figures (``income``), ``total`` the 合计 line's
    (``expenditure`` for the nature table, whose total is the expenditure's; blank when
    the code list has its own total line, as “三公”经费合计). A line's 说明 is shown unless
    it is in ``printed`` (the text beside the table says it already).
    """
    from jixiao.dataset.codes import load_codes

    codes = load_codes(list_name)
    items = [
        c.code
        for c in codes.codes
        if any(f"{area}.{col}.{c.code}" in ctx.figs.figures for col, _ in _COLUMNS)
    ]
    columns = [
        (col, head)
        for col, head in _COLUMNS
        if any(ctx.figs.has(f"{area}.{col}.{i}") for i in items)
    ]
    with_share = bool(share) and any(ctx.figs.has(f"{area}.final.share.{i}") for i in items)
    with_notes = any(note_of(notes, i) for i in items if i not in printed)
    rows = []
    seen: set[str] = set()
    for item in items:
        depth = codes.depth(item)
        parent = codes.parent_of(item)
        label = code_name(item, list_name)
        if depth and parent not in seen:
            label = "其中：" + label
        seen.add(parent)
        row = [Cell(label, indent=depth, bold=not total and not depth)]
        row += [ctx.figs.cell(f"{area}.{col}.{item}") for col, _ in columns]
        row.append(ctx.figs.cell(f"{area}.final.ratio_to_budget.{item}"))
        if with_share:
            row.append(ctx.figs.cell(f"{area}.final.share.{item}"))
        if with_notes:
            note = "" if item in printed else note_of(notes, item)
            row.append(Cell(clean(ctx, note, f"“{code_name(item, list_name)}”差异说明")))
        rows.append(tuple(row))
    header = [first, *(head for _, head in columns), "决算为年初预算的（%）"]
    if with_share:
        header.append(share)
    if with_notes:
        header.append("说明")
    if not total:
        return ctx.table(caption, header, rows, ctx.caption("money_unit"))
    totals = [Cell("合计", bold=True)]
    totals += [_bold(ctx.figs.cell(f"{total}.{col}.total")) for col, _ in columns]
    totals.append(_bold(ctx.figs.cell(f"{total}.final.ratio_to_budget")))
    if with_share:
        totals.append(Cell(""))
    if with_notes:
        totals.append(Cell(""))
    rows.append(tuple(totals))
    return ctx.table(caption, header, rows, ctx.caption("money_unit"))


def _bold(cell: Cell) -> Cell:
    return Cell(cell.text, figure=cell.figure, numeric=cell.numeric, bold=True)


def _income_table(ctx: Context, printed: frozenset[str]) -> Table:
    return money_table(
        ctx,
        "income",
        "income",
        "income",
        "收入项目",
        "income_table",
        "占总收入（%）",
        notes=dept_lines(ctx.dataset.income),
        printed=printed,
    )


def _final_expenditure(ctx: Context) -> list[Block]:
    total, ratio = fid("expenditure.final.total"), fid("expenditure.ratio.total")
    natures = [
        n
        for n in codes_with(ctx, "nature.final", "nature")
        if ctx.figs.has(fid("nature.final", item=n))
    ]
    if not ctx.figs.has(total, ratio) or not natures:
        return []
    # “其中” promises that the natures below add up to the total; when the data's natures do
    # not (a gap the checks report), the text only says how the total divides by nature.
    parts = sum((ctx.figs.value(fid("nature.final", item=n)) or 0 for n in natures), Decimal(0))
    whole = ctx.figs.value(total)
    key = "final_expenditure" if whole is None or parts == whole else "final_expenditure_by_nature"
    blocks: list[Block] = [
        ctx.subhead("final_expenditure_heading"),
        ctx.para(key, year=ctx.year, total=ctx.figs.run(total), ratio=ctx.figs.run(ratio)),
    ]
    blocks += [_nature_line(ctx, n, nature) for n, nature in enumerate(natures)]
    note = " ".join(
        without_label(t, "budget_variance_note") for t in ctx.dataset.text("budget_variance_note")
    )
    stated_already = any(note in line.note for line in dept_lines(ctx.dataset.expenditure_nature))
    if note and not stated_already:
        blocks.append(ctx.para("budget_variance", note=note))
    blocks.append(_nature_table(ctx, frozenset(natures)))
    blocks += _function_table(ctx) + _economic_table(ctx)
    return blocks


def without_label(text: str, key: str) -> str:
    """``text`` of the 文字说明 ``key`` without the label a clerk may have typed first
    (“预决算差异原因：…”, “本部门预决算差异原因：…”): the report's sentence already says it,
    and printing both reads “预决算差异原因：预决算差异原因：”."""
    label = re.escape(TEXT_KEYS[key])
    return re.sub(rf"^\s*(?:本部门|本单位)?{label}\s*[：:]\s*", "", text, count=1)


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
    # “其中” promises the parts add up to the whole; two of more parts are only the main ones.
    lead = "，其中：" if len(details) == len(kids) else "，主要有："
    detail_runs: list[Run] = [Run(lead), *join_runs(details, "，")] if details else []
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


def _nature_table(ctx: Context, printed: frozenset[str]) -> Table:
    return money_table(
        ctx,
        "expenditure.nature",
        "expenditure",
        "nature",
        "支出性质",
        "nature_table",
        notes=dept_lines(ctx.dataset.expenditure_nature),
        printed=printed,
    )


def _function_table(ctx: Context) -> list[Block]:
    """Every 支出功能分类 line with its 说明 (the text names only the largest)."""
    if not ctx.figs.has("expenditure.function.final.total"):
        return []
    table = money_table(
        ctx,
        "expenditure.function",
        "expenditure.function",
        "function",
        "支出功能分类科目",
        "function_table",
        notes=dept_lines(ctx.dataset.expenditure_function),
    )
    return [ctx.para("function_lead", year=ctx.year, table=table.number), table]


def _economic_table(ctx: Context) -> list[Block]:
    """Every 经济分类 line under its 支出性质, with the department's 说明."""
    from jixiao.dataset.codes import load_codes

    lines = [r for r in ctx.dataset.expenditure_economic if not r.unit]
    if not lines:
        return []
    codes = load_codes("economic")
    natures = list(dict.fromkeys(r.nature for r in lines))
    notes = {(r.nature, r.item): r.note for r in lines if r.note}
    prefix = "expenditure.economic"
    cols = [
        (col, head)
        for col, head in (("budget", "年初预算"), ("final", "决算"))
        if any(ctx.figs.has(f"{prefix}.{col}.{n}.total") for n in natures)
    ]
    rows = []
    for nature in natures:
        rows.append(
            (
                Cell(nature, bold=True),
                *(_bold(ctx.figs.cell(f"{prefix}.{col}.{nature}.total")) for col, _ in cols),
                Cell(""),
            )
        )
        items = [
            c.code
            for c in codes.codes
            if any(f"{prefix}.{col}.{nature}.{c.code}" in ctx.figs.figures for col, _ in cols)
        ]
        for item in items:
            name = code_name(item, "economic")
            rows.append(
                (
                    Cell(name, indent=codes.depth(item) + 1),
                    *(ctx.figs.cell(f"{prefix}.{col}.{nature}.{item}") for col, _ in cols),
                    Cell(
                        clean(ctx, notes.get((nature, item), ""), f"经济分类“{nature}{name}”说明")
                    ),
                )
            )
    header = ("支出性质及经济分类", *(head for _, head in cols), "说明")
    table = ctx.table("economic_table", header, rows, ctx.caption("money_unit"))
    return [ctx.para("economic_lead", year=ctx.year, table=table.number), table]


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
