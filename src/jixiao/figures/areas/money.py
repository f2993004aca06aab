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

from collections.abc import Iterator
from dataclasses import dataclass

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
from jixiao.figures.ids import comparison_id, money_id, share_id
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


def department_tree(ctx: Context, table: str, column: str, list_name: str) -> Tree:
    """Department values of one column: its own rows, else the consolidation of unit rows."""
    groups = ctx.rows_by_unit(table)
    own = groups.get("", [])
    given = column_values(own, column) if own else consolidate(groups, column)
    return build_tree(given, list_name)


class Made:
    """The figures of one money table so far, by id; later figures read earlier ones."""

    def __init__(self) -> None:
        self.figures: dict[str, Figure] = {}

    def emit(self, figure: Figure) -> Figure:
        self.figures[figure.id] = figure
        return figure

    def need(self, key: str, label: str) -> Figure:
        """The figure ``key``, or a ``None``-valued placeholder so the formula still reads."""
        return self.figures.get(key) or placeholder(key, label)


def money_figures(
    spec: MoneyArea, prefix: str, trees: dict[str, Tree], source: str
) -> Iterator[Figure]:
    """Amounts, totals, shares, ratios and changes of one money table.

    ``trees`` maps a column to its completed tree; ``source`` names the rows in inputs.
    """
    made = Made()
    names = {item: item_name(item, spec.codes) for tree in trees.values() for item in tree.items()}
    for column, tree in trees.items():
        col = COLUMNS[column]
        naming = Naming(
            f"{prefix}.{column}",
            f"{{name}}{col}数",
            f"{source}[{{item}}].{HEADERS[column]}",
            spec.codes,
        )
        amounts = tree_figures(tree, naming)
        for figure in amounts.values():
            yield made.emit(figure)
        total = made.emit(
            summed(
                money_id(prefix, column),
                f"{col}{spec.noun}合计",
                [amounts[r] for r in tree.roots],
            )
        )
        yield total
        for item, part in amounts.items():
            if tree.roots != [item]:  # the only top-level item is the total: 100% says nothing
                label = f"{names[item]}占{col}{spec.noun}合计的比例"
                yield made.emit(ratio(share_id(prefix, column, item), label, part, total))
    items = list(dict.fromkeys(i for tree in trees.values() for i in tree.items()))
    yield from comparisons(spec, prefix, set(trees), items, names, made)


#: 决算 is compared with these columns (when the table has both).
PAIRS: tuple[tuple[str, str], ...] = (
    ("final", "budget"),
    ("final", "adjusted"),
    ("final", "prior"),
)


def comparisons(
    spec: MoneyArea,
    prefix: str,
    columns: set[str],
    items: list[str],
    names: dict[str, str],
    made: Made,
) -> Iterator[Figure]:
    """决算 against 年初预算 / 调整后预算 / 上年决算, for the total and each item.

    Only for column pairs the table has both of; an item given in one column only still
    gets its comparison figures, with ``value=None``.
    """
    for current, base in PAIRS:
        if current not in columns or base not in columns:
            continue
        total = f"{spec.noun}合计"
        scopes = [("", f"决算{total}", f"{COLUMNS[current]}{total}", f"{COLUMNS[base]}{total}")]
        scopes += [
            (
                i,
                f"{names[i]}决算",
                f"{names[i]}{COLUMNS[current]}数",
                f"{names[i]}{COLUMNS[base]}数",
            )
            for i in items
        ]
        for item, subject, cur_label, base_label in scopes:
            a = made.need(money_id(prefix, current, item or "total"), cur_label)
            b = made.need(money_id(prefix, base, item or "total"), base_label)
            yield from _compare(spec, prefix, item, subject, base, a, b)


def _compare(
    spec: MoneyArea, prefix: str, item: str, subject: str, base: str, a: Figure, b: Figure
) -> Iterator[Figure]:
    """``item`` is ``""`` for the table's total."""
    if base == "budget":
        yield ratio(
            comparison_id(prefix, "ratio_to_budget", item), f"{subject}为年初预算的比例", a, b
        )
        yield difference(
            comparison_id(prefix, "change_vs_budget", item), f"{subject}比年初预算增减额", a, b
        )
        if spec.saving:
            yield difference(
                comparison_id(prefix, "saving", item), f"{subject}比年初预算节约额", b, a
            )
    elif base == "adjusted":
        yield ratio(
            comparison_id(prefix, "ratio_to_adjusted", item),
            f"{subject}为调整后预算的比例（执行率）",
            a,
            b,
        )
    else:
        yield difference(comparison_id(prefix, "change", item), f"{subject}比上年增减额", a, b)
        yield growth(comparison_id(prefix, "growth", item), f"{subject}比上年增减幅度", a, b)


def area_trees(ctx: Context, spec: MoneyArea) -> dict[str, Tree]:
    """The department trees of every column that has data."""
    trees = {c: department_tree(ctx, spec.table, c, spec.codes) for c in COLUMNS}
    return {c: t for c, t in trees.items() if t.roots}


def _register(spec: MoneyArea) -> None:
    @area(spec.key)
    def figures(ctx: Context) -> Iterator[Figure]:
        """The money table of ``spec``, department scope."""
        yield from money_figures(spec, spec.key, area_trees(ctx, spec), spec.sheet)


for _spec in MONEY_AREAS:
    _register(_spec)


@area("expenditure")
def expenditure_totals(ctx: Context) -> Iterator[Figure]:
    """Department expenditure: the 支出性质 total where given, else the 功能分类 total."""
    spec = MoneyArea("expenditure", "", "", "", "支出")
    made = Made()
    for column, col in COLUMNS.items():
        source = ctx.get(money_id("expenditure.nature", column)) or ctx.get(
            money_id("expenditure.function", column)
        )
        if source is not None:
            yield made.emit(summed(money_id("expenditure", column), f"{col}支出合计", [source]))
    columns = {key.split(".")[1] for key in made.figures}
    yield from comparisons(spec, "expenditure", columns, [], {}, made)
