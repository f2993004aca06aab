"""Totals equal their parts: code-list trees, 功能分类 = 支出性质, 经济分类 within a nature,
结转结余 funds, and the units' consolidation (汇总) against the department rows."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from decimal import Decimal
from typing import Any

from jixiao.checks.registry import ERROR, INFO, check, finding, money, where
from jixiao.dataset.model import Dataset
from jixiao.figures import FigureSet
from jixiao.figures.areas.economic import ECONOMIC_COLUMNS
from jixiao.figures.areas.facts import CARRYOVER_VALUES
from jixiao.figures.areas.money import COLUMNS, HEADERS, MONEY_AREAS, MoneyArea
from jixiao.figures.trees import (
    build_tree,
    by_unit,
    child_codes,
    column_values,
    item_name,
)
from jixiao.findings import Finding


def _scope_name(unit: str) -> str:
    return f"单位 {unit} " if unit else ""


def tree_findings(
    code: str,
    sheet: str,
    list_name: str,
    rows: Sequence[Any],
    columns: Sequence[str],
    scope: str = "",
) -> Iterator[Finding]:
    """Every given parent line against the sum of its children, per column.

    A difference is an error when the children are all given, or when they already add
    up to more than the parent; a parent above incomplete children is only an info.
    """
    row_of = {r.item: r for r in rows}
    all_children = child_codes(list_name)
    for column in columns:
        tree = build_tree(column_values(rows, column), list_name)
        for parent, kids in tree.children.items():
            if parent not in tree.given:
                continue
            stated, total = tree.given[parent], sum((tree.values[k] for k in kids), Decimal(0))
            if stated == total:
                continue
            complete = set(all_children.get(parent, ())) <= set(kids)
            names = "、".join(item_name(k, list_name) for k in kids)
            label = f"{scope}{item_name(parent, list_name)} {COLUMNS[column]}数 {money(stated)}"
            loc = where(sheet, row_of[parent].loc, parent)
            if complete or total > stated:
                message = (
                    f"{label} ≠ 其明细之和 {money(total)}（{names}），相差 {money(stated - total)}"
                )
                yield finding(
                    f"{code}.total_mismatch",
                    ERROR,
                    message,
                    loc,
                    stated=stated,
                    computed=total,
                    difference=stated - total,
                )
            else:
                message = f"{label}，已填明细之和 {money(total)}（{names}），其余 {money(stated - total)} 未列明细"
                yield finding(
                    f"{code}.children_incomplete", INFO, message, loc, stated=stated, computed=total
                )


def _money_area_findings(dataset: Dataset, spec: MoneyArea) -> list[Finding]:
    result: list[Finding] = []
    for unit, rows in by_unit(getattr(dataset, spec.table)).items():
        result.extend(
            tree_findings(spec.key, spec.sheet, spec.codes, rows, tuple(COLUMNS), _scope_name(unit))
        )
    return result


@check
def income_tree(dataset: Dataset, figures: FigureSet) -> list[Finding]:
    """收入: 财政拨款收入 = its three children (and any parent line = its details)."""
    return _money_area_findings(dataset, MONEY_AREAS[0])


@check
def function_tree(dataset: Dataset, figures: FigureSet) -> list[Finding]:
    """支出功能分类: 类 = Σ 款, 款 = Σ 项."""
    return _money_area_findings(dataset, MONEY_AREAS[1])


@check
def nature_tree(dataset: Dataset, figures: FigureSet) -> list[Finding]:
    """支出性质: 基本支出 = 人员经费 + 日常公用经费."""
    return _money_area_findings(dataset, MONEY_AREAS[2])


@check
def three_public_tree(dataset: Dataset, figures: FigureSet) -> list[Finding]:
    """“三公”经费合计 = 出国 + 公务用车 + 接待; 公务用车 = 购置 + 运行维护."""
    return _money_area_findings(dataset, MONEY_AREAS[3])


@check
def economic_tree(dataset: Dataset, figures: FigureSet) -> list[Finding]:
    """经济分类: 类 = Σ 款, within each unit and nature."""
    groups: dict[tuple[str, str], list[Any]] = {}
    for row in dataset.expenditure_economic:
        groups.setdefault((row.unit, row.nature), []).append(row)
    result: list[Finding] = []
    for (unit, nature), rows in groups.items():
        scope = f"{_scope_name(unit)}{nature} "
        result.extend(
            tree_findings(
                "expenditure.economic", "经济分类", "economic", rows, ECONOMIC_COLUMNS, scope
            )
        )
    return result


def _scopes(figures: FigureSet, dataset: Dataset) -> list[tuple[str, str]]:
    """(id prefix, scope label): the department and every unit."""
    return [("", ""), *((f"unit.{u.code}.", f"单位 {u.code} ") for u in dataset.units)]


@check
def function_equals_nature(dataset: Dataset, figures: FigureSet) -> list[Finding]:
    """Expenditure by 功能分类 total = by 支出性质 total (基本 + 项目 + 经营 + …), per column."""
    result = []
    for prefix, scope in _scopes(figures, dataset):
        for column, col in COLUMNS.items():
            by_function = figures.value(f"{prefix}expenditure.function.{column}.total")
            by_nature = figures.value(f"{prefix}expenditure.nature.{column}.total")
            if by_function is None or by_nature is None or by_function == by_nature:
                continue
            message = (
                f"{scope}{col}支出按功能分类合计 {money(by_function)} ≠ 按支出性质合计 {money(by_nature)}"
                f"（基本支出 + 项目支出 + 经营支出等），相差 {money(by_function - by_nature)}"
            )
            loc = where("支出功能分类", item=f"{scope.strip() or '部门'}.{HEADERS[column]}")
            result.append(
                finding(
                    "expenditure.function_nature_mismatch",
                    ERROR,
                    message,
                    loc,
                    function=by_function,
                    nature=by_nature,
                )
            )
    return result


@check
def economic_within_nature(dataset: Dataset, figures: FigureSet) -> list[Finding]:
    """Σ 经济分类 within a nature ≤ that nature's amount in the 支出性质 table."""
    result = []
    for column in ECONOMIC_COLUMNS:
        for nature in {r.nature for r in dataset.expenditure_economic}:
            economic = figures.value(f"expenditure.economic.{column}.{nature}.total")
            total = figures.value(f"expenditure.nature.{column}.{nature}")
            if economic is None or total is None or economic == total:
                continue
            col = COLUMNS[column]
            loc = where("经济分类", item=f"{nature}.{HEADERS[column]}")
            if economic > total:
                message = f"{nature}经济分类{col}数合计 {money(economic)} 超过支出性质表中{nature}{col}数 {money(total)}，多 {money(economic - total)}"
                result.append(
                    finding(
                        "expenditure.economic_exceeds_nature",
                        ERROR,
                        message,
                        loc,
                        economic=economic,
                        nature=total,
                    )
                )
            else:
                message = f"{nature}经济分类{col}数合计 {money(economic)}，少于{nature}{col}数 {money(total)}：其余 {money(total - economic)} 未列经济分类"
                result.append(
                    finding(
                        "expenditure.economic_incomplete",
                        INFO,
                        message,
                        loc,
                        economic=economic,
                        nature=total,
                    )
                )
    return result


@check
def carryover_funds(dataset: Dataset, figures: FigureSet) -> list[Finding]:
    """结转结余 合计 = 财政拨款 + 非财政拨款, per unit and column."""
    result = []
    for unit, rows in by_unit(dataset.carryover).items():
        funds = {r.fund: r for r in rows}
        if not {"合计", "财政拨款", "非财政拨款"} <= set(funds):
            continue
        for key, label in CARRYOVER_VALUES.items():
            total = getattr(funds["合计"], key)
            parts = [getattr(funds[f], key) for f in ("财政拨款", "非财政拨款")]
            if total is None or any(p is None for p in parts):
                continue
            computed = sum((p for p in parts if p is not None), Decimal(0))
            if computed != total:
                message = f"{_scope_name(unit)}结转结余合计{label} {money(total)} ≠ 财政拨款与非财政拨款之和 {money(computed)}"
                loc = where("结转结余", funds["合计"].loc, "合计")
                result.append(
                    finding(
                        "carryover.total_mismatch",
                        ERROR,
                        message,
                        loc,
                        stated=total,
                        computed=computed,
                    )
                )
    return result


@check
def consolidation(dataset: Dataset, figures: FigureSet) -> list[Finding]:
    """Where both are given, the department rows equal the sum of the unit rows (汇总)."""
    result: list[Finding] = []
    for spec in MONEY_AREAS:
        groups = by_unit(getattr(dataset, spec.table))
        own = groups.get("", [])
        if not own or len(groups) < 2:
            continue
        for column, col in COLUMNS.items():
            for row in own:
                stated = getattr(row, column)
                total = figures.value(f"consolidated.{spec.key}.{column}.{row.item}")
                if stated is None or total is None or total == stated:
                    continue
                message = f"部门{item_name(row.item, spec.codes)} {col}数 {money(stated)} ≠ 各单位之和 {money(total)}，相差 {money(stated - total)}"
                loc = where(spec.sheet, row.loc, row.item)
                result.append(
                    finding(
                        "consolidation.mismatch", ERROR, message, loc, stated=stated, computed=total
                    )
                )
    return result


def _sums_by_key(
    groups: dict[str, list[Any]], key: Callable[[Any], tuple[str, ...]], column: str
) -> dict[tuple[str, ...], Decimal]:
    totals: dict[tuple[str, ...], Decimal] = {}
    for unit, rows in groups.items():
        for row in rows if unit else ():
            value = getattr(row, column)
            if value is not None:
                totals[key(row)] = totals.get(key(row), Decimal(0)) + value
    return totals


@check
def consolidation_detail(dataset: Dataset, figures: FigureSet) -> list[Finding]:
    """The same 汇总 check for 经济分类 (per nature and code) and 结转结余 (per fund)."""
    economic = {c: COLUMNS[c] for c in ECONOMIC_COLUMNS}
    return [
        *_detail_findings("经济分类", dataset.expenditure_economic, _economic_key, economic),
        *_detail_findings("结转结余", dataset.carryover, _fund_key, CARRYOVER_VALUES),
    ]


def _economic_key(row: Any) -> tuple[str, ...]:
    return (row.nature, row.item)


def _fund_key(row: Any) -> tuple[str, ...]:
    return (row.fund,)


def _detail_findings(
    sheet: str, rows: Sequence[Any], key: Callable[[Any], tuple[str, ...]], columns: dict[str, str]
) -> Iterator[Finding]:
    groups = by_unit(rows)
    own = groups.get("", [])
    if not own or len(groups) < 2:
        return
    for column, label in columns.items():
        sums = _sums_by_key(groups, key, column)
        for row in own:
            stated, total = getattr(row, column), sums.get(key(row))
            if stated is None or total is None or stated == total:
                continue
            what = "/".join(key(row))
            message = f"部门{sheet}“{what}”{label} {money(stated)} ≠ 各单位之和 {money(total)}，相差 {money(stated - total)}"
            loc = where(sheet, row.loc, what)
            yield finding(
                "consolidation.mismatch", ERROR, message, loc, stated=stated, computed=total
            )
