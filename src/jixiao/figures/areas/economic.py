"""Expenditure by economic classification (经济分类), within each 支出性质.

Ids (``<col>`` is ``budget``, ``final`` or ``prior``):

- ``expenditure.economic.<col>.<nature>.<code>`` and ``….<nature>.total`` (万元);
- ``expenditure.economic.<col>.share_of_parent.<nature>.<code>`` — a 款 as % of its 类;
- ``expenditure.economic.<col>.share_of_nature.<nature>.<code>`` — as % of the nature's
  amount in the 支出性质 table (商品和服务支出 占项目支出 95.95%).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from jixiao.dataset.model import EXPENDITURE_NATURES
from jixiao.figures.areas.money import COLUMNS, HEADERS
from jixiao.figures.engine import Context, Naming, area, ratio, summed, tree_figures
from jixiao.figures.ids import economic_id, economic_share_id, money_id
from jixiao.figures.model import Figure
from jixiao.figures.trees import Tree, build_tree, item_name, parent_of

ECONOMIC_COLUMNS: tuple[str, ...] = ("budget", "final", "prior")
PREFIX = "expenditure.economic"


def economic_given(ctx: Context, column: str) -> dict[str, dict[str, Decimal]]:
    """nature → {code: value} for the department (own rows, else consolidated units)."""
    groups = ctx.rows_by_unit("expenditure_economic")
    rows: list[Any] = groups.get("", [])
    scope = [rows] if rows else [r for code, r in groups.items() if code]
    result: dict[str, dict[str, Decimal]] = defaultdict(dict)
    for group in scope:
        for row in group:
            value = getattr(row, column)
            if value is not None:
                current = result[row.nature].get(row.item, Decimal(0))
                result[row.nature][row.item] = current + value
    return result


@area("expenditure.economic")
def economic(ctx: Context) -> Iterator[Figure]:
    """Every column and nature of the 经济分类 table (department, else 汇总 of units)."""
    for column in ECONOMIC_COLUMNS:
        given = economic_given(ctx, column)
        for nature in EXPENDITURE_NATURES:
            if nature in given:
                yield from _nature_figures(
                    ctx, column, nature, build_tree(given[nature], "economic")
                )


def _nature_figures(ctx: Context, column: str, nature: str, tree: Tree) -> Iterator[Figure]:
    col = COLUMNS[column]
    naming = Naming(
        economic_id(column, nature).removesuffix(".total"),
        f"{nature}{{name}}{col}数",
        f"经济分类[{nature}/{{item}}].{HEADERS[column]}",
        "economic",
    )
    made = tree_figures(tree, naming)
    yield from made.values()
    roots = [made[r] for r in tree.roots]
    yield summed(economic_id(column, nature), f"{nature}经济分类{col}数合计", roots)
    nature_amount = ctx.need(money_id("expenditure.nature", column, nature), f"{nature}{col}数")
    for item in tree.items():
        parent = parent_of(item, "economic")
        name = item_name(item, "economic")
        if parent in made:
            yield ratio(
                economic_share_id(column, "share_of_parent", nature, item),
                f"{nature}{name}占{item_name(parent, 'economic')}的比例",
                made[item],
                made[parent],
            )
        yield ratio(
            economic_share_id(column, "share_of_nature", nature, item),
            f"{name}占{nature}的比例",
            made[item],
            nature_amount,
        )
