"""Totals equal their parts: code-list trees, 功能分类 = 支出性质, 经济分类 within a nature,
结转结余 funds, and the units' consolidation (汇总) against the department rows."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from decimal import Decimal
from typing import Any

from jixiao.checks.registry import CheckSettings, at, check
from jixiao.dataset.model import TABLES_BY_KEY, Dataset
from jixiao.figures import FigureSet
from jixiao.figures.areas.economic import ECONOMIC_COLUMNS
from jixiao.figures.areas.money import COLUMNS, HEADERS, MONEY_AREAS, MoneyArea
from jixiao.figures.ids import (
    CARRYOVER_VALUES,
    consolidated_scope,
    economic_id,
    money_id,
    unit_scope,
)
from jixiao.figures.trees import (
    build_tree,
    by_unit,
    child_codes,
    column_values,
    item_name,
)
from jixiao.findings import Finding, Severity, kind


def _scope_name(unit: str) -> str:
    return f"单位 {unit} " if unit else ""


#: Each table's tree check has its own codes (``income.total_mismatch`` …): one kind per code.
_TREE_CODES: tuple[str, ...] = (
    "income",
    "expenditure.function",
    "expenditure.nature",
    "three_public",
    "expenditure.economic",
)
TREE_MISMATCH = {
    code: kind(
        f"{code}.total_mismatch",
        Severity.ERROR,
        "{scope}{item} {column}数 {stated:万元} ≠ 其明细之和 {computed:万元}（{parts}），相差 {difference:万元}",
        "合计不等于明细之和",
    )
    for code in _TREE_CODES
}
TREE_INCOMPLETE = {
    code: kind(
        f"{code}.children_incomplete",
        Severity.INFO,
        "{scope}{item} {column}数 {stated:万元}，已填明细之和 {computed:万元}（{parts}），其余 {difference:万元} 未列明细",
        "明细未列全",
    )
    for code in _TREE_CODES
}
FUNCTION_NATURE = kind(
    "expenditure.function_nature_mismatch",
    Severity.ERROR,
    "{scope}{column}支出按功能分类合计 {function:万元} ≠ 按支出性质合计 {nature:万元}（基本支出 + 项目支出 + 经营支出等），相差 {difference:万元}",
    "功能分类与支出性质合计不一致",
)
ECONOMIC_EXCEEDS = kind(
    "expenditure.economic_exceeds_nature",
    Severity.ERROR,
    "{nature_name}经济分类{column}数合计 {economic:万元} 超过支出性质表中{nature_name}{column}数 {nature:万元}，多 {difference:万元}",
    "经济分类超过支出性质",
)
ECONOMIC_INCOMPLETE = kind(
    "expenditure.economic_incomplete",
    Severity.INFO,
    "{nature_name}经济分类{column}数合计 {economic:万元}，少于{nature_name}{column}数 {nature:万元}：其余 {difference:万元} 未列经济分类",
    "经济分类未列全",
)
CARRYOVER_TOTAL = kind(
    "carryover.total_mismatch",
    Severity.ERROR,
    "{scope}结转结余合计{column} {stated:万元} ≠ 财政拨款与非财政拨款之和 {computed:万元}",
    "结转结余合计不一致",
)
CONSOLIDATION = kind(
    "consolidation.mismatch",
    Severity.ERROR,
    "部门{item}{column} {stated:万元} ≠ 各单位之和 {computed:万元}，相差 {difference:万元}",
    "部门数不等于各单位之和",
)


def tree_findings(
    code: str,
    table: str,
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
            found = TREE_MISMATCH if complete or total > stated else TREE_INCOMPLETE
            yield found[code].at(
                at(table, row_of[parent], item=parent, column=column),
                scope=scope,
                item=item_name(parent, list_name),
                column=COLUMNS[column],
                parts="、".join(item_name(k, list_name) for k in kids),
                stated=stated,
                computed=total,
                difference=stated - total,
            )


def _money_area_findings(dataset: Dataset, spec: MoneyArea) -> list[Finding]:
    result: list[Finding] = []
    for unit, rows in by_unit(getattr(dataset, spec.table)).items():
        result.extend(
            tree_findings(spec.key, spec.table, spec.codes, rows, tuple(COLUMNS), _scope_name(unit))
        )
    return result


@check("income_tree", "收入：合计等于明细之和")
def income_tree(dataset: Dataset, figures: FigureSet, settings: CheckSettings) -> list[Finding]:
    """收入: 财政拨款收入 = its three children (and any parent line = its details)."""
    return _money_area_findings(dataset, MONEY_AREAS[0])


@check("function_tree", "支出功能分类：类、款等于下级之和")
def function_tree(dataset: Dataset, figures: FigureSet, settings: CheckSettings) -> list[Finding]:
    """支出功能分类: 类 = Σ 款, 款 = Σ 项."""
    return _money_area_findings(dataset, MONEY_AREAS[1])


@check("nature_tree", "支出性质：基本支出等于人员经费与日常公用经费之和")
def nature_tree(dataset: Dataset, figures: FigureSet, settings: CheckSettings) -> list[Finding]:
    """支出性质: 基本支出 = 人员经费 + 日常公用经费."""
    return _money_area_findings(dataset, MONEY_AREAS[2])


@check("three_public_tree", "“三公”经费：合计等于各项之和")
def three_public_tree(
    dataset: Dataset, figures: FigureSet, settings: CheckSettings
) -> list[Finding]:
    """“三公”经费合计 = 出国 + 公务用车 + 接待; 公务用车 = 购置 + 运行维护."""
    return _money_area_findings(dataset, MONEY_AREAS[3])


@check("economic_tree", "经济分类：类等于款之和")
def economic_tree(dataset: Dataset, figures: FigureSet, settings: CheckSettings) -> list[Finding]:
    """经济分类: 类 = Σ 款, within each unit and nature."""
    groups: dict[tuple[str, str], list[Any]] = {}
    for row in dataset.expenditure_economic:
        groups.setdefault((row.unit, row.nature), []).append(row)
    result: list[Finding] = []
    for (unit, nature), rows in groups.items():
        scope = f"{_scope_name(unit)}{nature} "
        result.extend(
            tree_findings(
                "expenditure.economic",
                "expenditure_economic",
                "economic",
                rows,
                ECONOMIC_COLUMNS,
                scope,
            )
        )
    return result


def _scopes(figures: FigureSet, dataset: Dataset) -> list[tuple[str, str]]:
    """(unit code, scope label): the department (``""``) and every unit."""
    return [("", ""), *((u.code, f"单位 {u.code} ") for u in dataset.units)]


def _scoped(code: str, area: str) -> str:
    return unit_scope(code, area) if code else area


@check("function_equals_nature", "功能分类合计等于支出性质合计")
def function_equals_nature(
    dataset: Dataset, figures: FigureSet, settings: CheckSettings
) -> list[Finding]:
    """Expenditure by 功能分类 total = by 支出性质 total (基本 + 项目 + 经营 + …), per column."""
    result = []
    for prefix, scope in _scopes(figures, dataset):
        for column, col in COLUMNS.items():
            by_function = figures.value(money_id(_scoped(prefix, "expenditure.function"), column))
            by_nature = figures.value(money_id(_scoped(prefix, "expenditure.nature"), column))
            if by_function is None or by_nature is None or by_function == by_nature:
                continue
            item = f"{scope.strip() or '部门'}.{HEADERS[column]}"
            result.append(
                FUNCTION_NATURE.at(
                    at("expenditure_function", item=item, column=column),
                    scope=scope,
                    column=col,
                    function=by_function,
                    nature=by_nature,
                    difference=by_function - by_nature,
                )
            )
    return result


@check("economic_within_nature", "经济分类不超过支出性质")
def economic_within_nature(
    dataset: Dataset, figures: FigureSet, settings: CheckSettings
) -> list[Finding]:
    """Σ 经济分类 within a nature ≤ that nature's amount in the 支出性质 table."""
    result = []
    for column in ECONOMIC_COLUMNS:
        for nature in {r.nature for r in dataset.expenditure_economic}:
            economic = figures.value(economic_id(column, nature))
            total = figures.value(money_id("expenditure.nature", column, nature))
            if economic is None or total is None or economic == total:
                continue
            found = ECONOMIC_EXCEEDS if economic > total else ECONOMIC_INCOMPLETE
            result.append(
                found.at(
                    at("expenditure_economic", item=f"{nature}.{HEADERS[column]}", column=column),
                    nature_name=nature,
                    column=COLUMNS[column],
                    economic=economic,
                    nature=total,
                    difference=abs(economic - total),
                )
            )
    return result


@check("carryover_funds", "结转结余：合计等于财政拨款与非财政拨款之和")
def carryover_funds(dataset: Dataset, figures: FigureSet, settings: CheckSettings) -> list[Finding]:
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
                result.append(
                    CARRYOVER_TOTAL.at(
                        at("carryover", funds["合计"], item="合计", column=key),
                        scope=_scope_name(unit),
                        column=label,
                        stated=total,
                        computed=computed,
                    )
                )
    return result


@check("consolidation", "部门数等于各单位之和（汇总）")
def consolidation(dataset: Dataset, figures: FigureSet, settings: CheckSettings) -> list[Finding]:
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
                total = figures.value(money_id(consolidated_scope(spec.key), column, row.item))
                if stated is None or total is None or total == stated:
                    continue
                result.append(
                    CONSOLIDATION.at(
                        at(spec.table, row, item=row.item, column=column),
                        item=item_name(row.item, spec.codes),
                        column=f" {col}数",
                        stated=stated,
                        computed=total,
                        difference=stated - total,
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


@check("consolidation_detail", "经济分类、结转结余的部门数等于各单位之和")
def consolidation_detail(
    dataset: Dataset, figures: FigureSet, settings: CheckSettings
) -> list[Finding]:
    """The same 汇总 check for 经济分类 (per nature and code) and 结转结余 (per fund)."""
    economic = {c: COLUMNS[c] for c in ECONOMIC_COLUMNS}
    return [
        *_detail_findings(
            "expenditure_economic", dataset.expenditure_economic, _economic_key, economic
        ),
        *_detail_findings("carryover", dataset.carryover, _fund_key, CARRYOVER_VALUES),
    ]


def _economic_key(row: Any) -> tuple[str, ...]:
    return (row.nature, row.item)


def _fund_key(row: Any) -> tuple[str, ...]:
    return (row.fund,)


def _detail_findings(
    table: str, rows: Sequence[Any], key: Callable[[Any], tuple[str, ...]], columns: dict[str, str]
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
            yield CONSOLIDATION.at(
                at(table, row, item=what, column=column),
                item=f"{TABLES_BY_KEY[table].sheet}“{what}”",
                column=label,
                stated=stated,
                computed=total,
                difference=stated - total,
            )
