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

from jixiao.figures.areas.money import COLUMNS, HEADERS, MONEY_AREAS, money_figures
from jixiao.figures.engine import Context, Naming, area, summed, tree_figures
from jixiao.figures.model import Figure
from jixiao.figures.trees import build_tree, column_values, consolidate


@area("unit")
def per_unit(ctx: Context) -> Iterator[Figure]:
    for spec in MONEY_AREAS:
        for code, rows in ctx.rows_by_unit(spec.table).items():
            if not code:
                continue
            trees = {c: build_tree(column_values(rows, c), spec.codes) for c in COLUMNS}
            trees = {c: t for c, t in trees.items() if t.roots}
            yield from money_figures(
                spec, f"unit.{code}.{spec.key}", trees, f"{spec.sheet}[{code}]", detail=False
            )


@area("consolidated")
def consolidated(ctx: Context) -> Iterator[Figure]:
    for spec in MONEY_AREAS:
        groups = ctx.rows_by_unit(spec.table)
        if not any(groups):
            continue
        for column, col in COLUMNS.items():
            tree = build_tree(consolidate(groups, column), spec.codes)
            prefix = f"consolidated.{spec.key}.{column}"
            naming = Naming(
                prefix,
                f"各单位{{name}}{col}数之和",
                f"{spec.sheet}[各单位/{{item}}].{HEADERS[column]}",
                spec.codes,
            )
            made = tree_figures(tree, naming)
            yield from made.values()
            if tree.roots:
                yield summed(
                    f"{prefix}.total", f"各单位{col}{spec.noun}合计", [made[r] for r in tree.roots]
                )
