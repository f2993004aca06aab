"""Money tables: income, expenditure by function / nature, expenditure totals, "三公"经费.

The four :class:`~jixiao.dataset.model.MoneyLine` tables share one generator,
:func:`money_figures`, configured by a :class:`MoneyArea` (rules as data). Ids:

- ``<area>.<column>.<item>`` and ``<area>.<column>.total`` — amounts (万元);
- ``<area>.<column>.share.<item>`` — the item's share of that column's total (%);
- ``<area>.final.ratio_to_budget[.<item>]`` — 决算 ÷ 年初预算 (%);
- ``<area>.final.ratio_to_adjusted[.<item>]`` — 决算 ÷ 调整后预算 (%, 执行率);
- ``<area>.final.change_vs_budget[.<item>]`` — 决算 − 年初预算 (万元);
- ``<area>.change[.<item>]`` / ``<area>.growth[.<item>]`` — 决算 vs 上年决算;
- ``<area>.saving[.<item>]`` — 年初预算 − 决算 (“三公”经费 节约).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from jixiao.figures.engine import (
    Context,
    Naming,
    area,
    difference,
    growth,
    placeholder,
    ratio,
    summed,
    tree_figures,
)
from jixiao.figures.model import Figure
from jixiao.figures.trees import Tree, build_tree, column_values, consolidate, item_name

#: Money columns of a MoneyLine: id → Chinese name as used in labels.
COLUMNS: dict[str, str] = {
    "budget": "年初预算",
    "adjusted": "调整后预算",
    "final": "决算",
    "prior": "上年决算",
}
#: Column headers in the workbook, for ``Figure.inputs`` (``收入[事业收入].决算数``).
HEADERS: dict[str, str] = {
    "budget": "年初预算数",
    "adjusted": "调整后预算数",
    "final": "决算数",
    "prior": "上年决算数",
}


@dataclass(frozen=True)
class MoneyArea:
    """How one money table becomes figures."""

    key: str  #: id prefix, e.g. ``income``
    table: str  #: Dataset attribute
    codes: str  #: code list of ``item``
    sheet: str  #: sheet name, for inputs
    noun: str  #: 收入 / 支出（按功能分类）… as used in total labels
    saving: bool = False  #: also yield 节约 (年初预算 − 决算)


MONEY_AREAS: tuple[MoneyArea, ...] = (
    MoneyArea("income", "income", "income", "收入", "收入"),
    MoneyArea(
        "expenditure.function",
        "expenditure_function",
        "function",
        "支出功能分类",
        "支出（按功能分类）",
    ),
    MoneyArea("expenditure.nature", "expenditure_nature", "nature", "支出性质", "支出（按性质）"),
    MoneyArea(
        "three_public", "three_public", "three_public", "三公经费", "“三公”经费", saving=True
    ),
)


def department_rows(ctx: Context, table: str) -> list[Any]:
    """The department's rows of ``table``; absent those, nothing (see :func:`department_tree`)."""
    return ctx.rows_by_unit(table).get("", [])


def department_tree(ctx: Context, table: str, column: str, list_name: str) -> Tree:
    """Department values of one column: its own rows, else the consolidation of unit rows."""
    groups = ctx.rows_by_unit(table)
    own = groups.get("", [])
    given = column_values(own, column) if own else consolidate(groups, column)
    return build_tree(given, list_name)


def money_figures(
    spec: MoneyArea, prefix: str, trees: dict[str, Tree], source: str, detail: bool = True
) -> Iterator[Figure]:
    """Amounts, totals, shares, ratios and changes of one money table in one scope.

    ``trees`` maps a column to its completed tree; ``source`` names the rows in inputs
    (``收入`` or ``收入[163002]``); ``detail=False`` yields totals only (per-unit use).
    """
    made: dict[str, Figure] = {}

    def emit(figure: Figure) -> Figure:
        made[figure.id] = figure
        return figure

    def need(key: str, label: str) -> Figure:
        return made.get(key) or placeholder(key, label)

    names: dict[str, str] = {}
    for column, tree in trees.items():
        col = COLUMNS[column]
        amounts = []
        for item in tree.items():
            names.setdefault(item, item_name(item, spec.codes))
        naming = Naming(
            f"{prefix}.{column}",
            f"{{name}}{col}数",
            f"{source}[{{item}}].{HEADERS[column]}",
            spec.codes,
        )
        amounts_by_item = tree_figures(tree, naming)
        for item, figure in amounts_by_item.items():
            if detail or item in tree.roots:
                yield emit(figure)
            else:
                made[figure.id] = figure
        amounts = [amounts_by_item[r] for r in tree.roots]
        if not amounts:
            continue
        total = emit(summed(f"{prefix}.{column}.total", f"{col}{spec.noun}合计", amounts))
        yield total
        if detail:
            for item in tree.items():
                if tree.roots == [item]:
                    continue  # the only top-level item is the total: 100% says nothing
                part = made[f"{prefix}.{column}.{item}"]
                yield emit(
                    ratio(
                        f"{prefix}.{column}.share.{item}",
                        f"{names[item]}占{col}{spec.noun}合计的比例",
                        part,
                        total,
                    )
                )
    yield from _comparisons(spec, prefix, trees, names, need, emit, detail)


def _comparisons(
    spec: MoneyArea,
    prefix: str,
    trees: dict[str, Tree],
    names: dict[str, str],
    need: Any,
    emit: Any,
    detail: bool,
) -> Iterator[Figure]:
    """决算 against 年初预算 / 调整后预算 / 上年决算, for the total and each item.

    Only for column pairs the table has both of; an item given in one column only still
    gets its comparison figures, with ``value=None``.
    """
    pairs: Sequence[tuple[str, str]] = [
        ("final", "budget"),
        ("final", "adjusted"),
        ("final", "prior"),
    ]
    for current, base in pairs:
        if current not in trees or base not in trees:
            continue
        scopes = [
            (
                "",
                f"决算{spec.noun}合计",
                f"{COLUMNS[current]}{spec.noun}合计",
                f"{COLUMNS[base]}{spec.noun}合计",
            )
        ]
        if detail:
            items = dict.fromkeys([*trees[base].items(), *trees[current].items()])
            scopes += [
                (
                    f".{i}",
                    f"{names[i]}决算",
                    f"{names[i]}{COLUMNS[current]}数",
                    f"{names[i]}{COLUMNS[base]}数",
                )
                for i in items
            ]
        for suffix, subject, cur_label, base_label in scopes:
            item = suffix[1:] or "total"
            a = need(f"{prefix}.{current}.{item}", cur_label)
            b = need(f"{prefix}.{base}.{item}", base_label)
            yield from _compare(spec, prefix, suffix, subject, base, a, b, emit)


def _compare(
    spec: MoneyArea,
    prefix: str,
    suffix: str,
    subject: str,
    base: str,
    a: Figure,
    b: Figure,
    emit: Any,
) -> Iterator[Figure]:
    if base == "budget":
        yield emit(
            ratio(f"{prefix}.final.ratio_to_budget{suffix}", f"{subject}为年初预算的比例", a, b)
        )
        yield emit(
            difference(
                f"{prefix}.final.change_vs_budget{suffix}", f"{subject}比年初预算增减额", a, b
            )
        )
        if spec.saving:
            yield emit(difference(f"{prefix}.saving{suffix}", f"{subject}比年初预算节约额", b, a))
    elif base == "adjusted":
        yield emit(
            ratio(
                f"{prefix}.final.ratio_to_adjusted{suffix}",
                f"{subject}为调整后预算的比例（执行率）",
                a,
                b,
            )
        )
    else:
        yield emit(difference(f"{prefix}.change{suffix}", f"{subject}比上年增减额", a, b))
        yield emit(growth(f"{prefix}.growth{suffix}", f"{subject}比上年增减幅度", a, b))


_EMPTY = build_tree({}, "income")


def area_trees(ctx: Context, spec: MoneyArea) -> dict[str, Tree]:
    """The department trees of every column that has data."""
    trees = {c: department_tree(ctx, spec.table, c, spec.codes) for c in COLUMNS}
    return {c: t for c, t in trees.items() if t.roots}


def _register(spec: MoneyArea) -> None:
    @area(spec.key)
    def figures(ctx: Context) -> Iterator[Figure]:
        yield from money_figures(spec, spec.key, area_trees(ctx, spec), spec.sheet)


for _spec in MONEY_AREAS:
    _register(_spec)


@area("expenditure")
def expenditure_totals(ctx: Context) -> Iterator[Figure]:
    """Department expenditure: the 支出性质 total where given, else the 功能分类 total."""
    spec = MoneyArea("expenditure", "", "", "", "支出")
    totals: dict[str, Figure] = {}
    for column, col in COLUMNS.items():
        source = ctx.get(f"expenditure.nature.{column}.total") or ctx.get(
            f"expenditure.function.{column}.total"
        )
        if source is None:
            continue
        figure = summed(f"expenditure.{column}.total", f"{col}支出合计", [source])
        totals[column] = figure
        yield figure

    def need(key: str, label: str) -> Figure:
        column = key.split(".")[1]
        return totals.get(column) or placeholder(key, label)

    yield from _comparisons(
        spec, "expenditure", dict.fromkeys(totals, _EMPTY), {}, need, lambda f: f, False
    )
