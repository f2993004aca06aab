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

from jixiao.figures.areas.money import COLUMNS, HEADERS, MONEY_AREAS, item_name, money_figures
from jixiao.figures.engine import Context, area, stated, summed
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
            made: dict[str, Figure] = {}
            prefix = f"consolidated.{spec.key}.{column}"
            for item in tree.items():
                label = f"各单位{item_name(item, spec.codes)}{col}数之和"
                if tree.derived(item):
                    figure = summed(
                        f"{prefix}.{item}", label, [made[c] for c in tree.children[item]]
                    )
                else:
                    source = f"{spec.sheet}[各单位/{item}].{HEADERS[column]}"
                    figure = stated(f"{prefix}.{item}", label, tree.values[item], "万元", source)
                    figure = Figure(
                        figure.id, label, figure.value, "万元", 2, "各单位填报数之和", figure.inputs
                    )
                made[item] = figure
                yield figure
            if tree.roots:
                yield summed(
                    f"{prefix}.total", f"各单位{col}{spec.noun}合计", [made[r] for r in tree.roots]
                )
