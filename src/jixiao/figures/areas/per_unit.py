"""Per-unit money figures and the consolidation (汇总) of unit rows.

For every budget unit that has rows in a money table: its column totals and its 决算
ratio to 年初预算 (``unit.<code>.<area>.<column>.total``,
``unit.<code>.<area>.final.ratio_to_budget``); item detail stays in the dataset, to keep
a 3,000-unit province linear and small. When a table has unit rows, the sum over the
units of every item is ``consolidated.<area>.<column>.<item>`` (and ``….total``); the
checks compare it with the department's own rows.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from jixiao.figures.areas.money import COLUMNS, HEADERS, MONEY_AREAS, MoneyArea
from jixiao.figures.engine import Context, Naming, area, ratio, summed, text, tree_figures
from jixiao.figures.ids import comparison_id, consolidated_scope, money_id, unit_scope
from jixiao.figures.model import Figure
from jixiao.figures.trees import build_tree, column_values, consolidate


@area("unit")
def per_unit(ctx: Context) -> Iterator[Figure]:
    """Column totals and 决算 ÷ 年初预算 of every unit in every money table."""
    for spec in MONEY_AREAS:
        for code, rows in ctx.rows_by_unit(spec.table).items():
            if code:
                yield from _unit_totals(spec, code, rows)


def _unit_totals(spec: MoneyArea, code: str, rows: list[Any]) -> Iterator[Figure]:
    prefix = unit_scope(code, spec.key)
    totals: dict[str, Figure] = {}
    for column, col in COLUMNS.items():
        given = column_values(rows, column)
        if not given:
            continue
        tree = build_tree(given, spec.codes)
        inputs = {
            f"{spec.sheet}[{code}/{r}].{HEADERS[column]}": text(tree.values[r]) for r in tree.roots
        }
        label = f"单位 {code} {col}{spec.noun}合计"
        formula = f"该单位各一级项目{col}数之和"  # the items are in the inputs
        totals[column] = Figure(
            money_id(prefix, column), label, tree.total, "万元", 2, formula, inputs
        )
        yield totals[column]
    if "budget" in totals and "final" in totals:
        subject = f"单位 {code} 决算{spec.noun}合计为年初预算的比例"
        yield ratio(
            comparison_id(prefix, "ratio_to_budget"), subject, totals["final"], totals["budget"]
        )


@area("consolidated")
def consolidated(ctx: Context) -> Iterator[Figure]:
    for spec in MONEY_AREAS:
        groups = ctx.rows_by_unit(spec.table)
        if not any(groups):
            continue
        for column, col in COLUMNS.items():
            tree = build_tree(consolidate(groups, column), spec.codes)
            naming = Naming(
                f"{consolidated_scope(spec.key)}.{column}",
                f"各单位{{name}}{col}数之和",
                f"{spec.sheet}[各单位/{{item}}].{HEADERS[column]}",
                spec.codes,
            )
            made = tree_figures(tree, naming)
            yield from made.values()
            if tree.roots:
                yield summed(
                    money_id(consolidated_scope(spec.key), column),
                    f"各单位{col}{spec.noun}合计",
                    [made[r] for r in tree.roots],
                )
