"""Figure ids: the typed constructors that build them, and the ids the engine can produce.

**Constructors.** Every data-dependent id is built here — money amounts and totals
(:func:`money_id`), shares (:func:`share_id`), comparisons with the budget or last year
(:func:`comparison_id`), a unit's or the consolidation's scope (:func:`unit_scope`,
:func:`consolidated_scope`), 经济分类 (:func:`economic_id`, :func:`economic_share_id`),
结转结余 funds (:func:`carryover_id`), unit counts (:func:`unit_count_id`), rows of the data
(:func:`indicator_id`, :func:`indicator_ids`, :func:`project_id`, :func:`score_id`) — by the
figures areas that make the figures and by whoever looks one up (checks, reports, the
region), so an id has one spelling.
An indicator's id names its owner and the indicator's **stable key**, never its position:
``indicator.<owner>.<key>.<field>``, where ``key`` is the 指标编码 when the row has one,
otherwise the 三级指标 name — what a person calls the indicator and types into 声明数
(``indicator.5.新增上市科技型企业数.target``). A ``.`` in it becomes ``·`` (ids are dotted
paths). Inserting, deleting or reordering other rows changes no id. Two rows of one owner
with the same key are told apart by their order among themselves: the second is
``<key>#2``. (The row key of a finding, :func:`jixiao.dataset.keys.indicator_key`, adds
the owner and the 一级/二级 levels so that it is unique across the whole table.)

**Validation.**

Scoring frameworks, report templates and audit rules name figures by id
(``figure:three_public.growth.三公经费合计``). :data:`FIGURE_IDS` lists the ids of fixed
shape (they exist for every dataset); :data:`FIGURE_PATTERNS` are anchored regular
expressions for the ids that depend on the data (items, units, indicators). Named items
(收入项目, 支出性质, “三公”经费项目) are spelled out from the code lists and numeric codes must
have the 3/5/7-digit shape, so a typo such as ``income.final.事业收入入`` does not validate.
:func:`is_figure_id` checks one id.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache
from typing import Literal

from jixiao.dataset.model import CARRYOVER_FUNDS, EXPENDITURE_NATURES, UNIT_KINDS, Indicator
from jixiao.figures.trees import codes

MoneyColumn = Literal["budget", "adjusted", "final", "prior"]
Comparison = Literal[
    "ratio_to_budget", "ratio_to_adjusted", "change_vs_budget", "change", "growth", "saving"
]
EconomicShare = Literal["share_of_parent", "share_of_nature"]
CarryoverField = Literal["opening", "closing", "change", "change_rate"]
IndicatorTable = Literal["indicator", "project_indicator"]
IndicatorField = Literal["target", "actual", "completion_rate", "met"]
ProjectField = Literal["budget", "execution_base", "executed", "execution_rate"]
ScoreField = Literal["points", "score", "deduction"]

# The fields of the fixed-shape figures (carryover.<field>, headcount.<field>,
# assets.<field>): the figures areas make them, the catalogue below lists them.

#: CarryOver value columns → Chinese label.
CARRYOVER_VALUES: dict[str, str] = {
    "opening": "年初结转和结余",
    "closing": "年末结转和结余",
    "adjustments": "结余分配及其他调整",
}


#: Headcount figure fields → (Profile field, Chinese label).
HEADCOUNT: dict[str, tuple[str, str]] = {
    "active": ("headcount_active", "在职人员"),
    "retired": ("headcount_retired", "离退休人员"),
    "retired_pension_fund": (
        "headcount_retired_pension_fund",
        "由养老保险基金发放养老金的离退休人员",
    ),
    "survivors": ("headcount_survivors", "遗属人员"),
    "authorised": ("headcount_authorised", "编制数"),
}


#: Asset figure fields → (unit, Chinese label).
ASSETS: dict[str, tuple[str, str]] = {
    "fixed_assets_value": ("万元", "固定资产金额"),
    "fixed_assets_in_use": ("万元", "在用固定资产金额"),
    "prior_fixed_assets_value": ("万元", "上年末固定资产金额"),
    "building_area": ("平方米", "房屋面积"),
    "vehicles": ("辆", "车辆数"),
    "large_equipment": ("台", "单价100万元以上设备数"),
    "new_assets_value": ("万元", "本年新增固定资产"),
    "procurement_budget": ("万元", "政府采购预算"),
    "procurement_actual": ("万元", "政府采购实际金额"),
}


def money_id(area: str, column: str, item: str = "total") -> str:
    """``income.final.事业收入`` — an amount of a money table — or its ``total``.

    ``area`` may carry a scope (:func:`unit_scope`, :func:`consolidated_scope`).
    """
    return f"{area}.{column}.{item}"


def share_id(area: str, column: str, item: str) -> str:
    """``income.final.share.事业收入`` — the item's share of the column's total."""
    return f"{area}.{column}.share.{item}"


def comparison_id(area: str, kind: Comparison, item: str = "") -> str:
    """决算 against 年初预算 / 调整后预算 (``income.final.ratio_to_budget[.<item>]``) or
    last year / the budget as a change (``three_public.growth[.<item>]``, ``….saving``)."""
    head = f"{area}.final.{kind}" if kind.startswith(("ratio_", "change_vs")) else f"{area}.{kind}"
    return f"{head}.{item}" if item else head


def unit_scope(code: str, area: str) -> str:
    """The id prefix of one budget unit's figures of ``area``: ``unit.101001.income``."""
    return f"unit.{code}.{area}"


def consolidated_scope(area: str) -> str:
    """The id prefix of the units' sums (汇总) of ``area``: ``consolidated.income``."""
    return f"consolidated.{area}"


def economic_id(column: str, nature: str, item: str = "total") -> str:
    """``expenditure.economic.final.基本支出.301`` (or ``….total``)."""
    return f"expenditure.economic.{column}.{nature}.{item}"


def economic_share_id(column: str, kind: EconomicShare, nature: str, item: str) -> str:
    """``expenditure.economic.final.share_of_parent.基本支出.30101``."""
    return f"expenditure.economic.{column}.{kind}.{nature}.{item}"


def carryover_id(fund: str, field: CarryoverField) -> str:
    """``carryover.财政拨款.closing`` — one fund of 结转结余."""
    return f"carryover.{fund}.{field}"


def unit_count_id(kind: str) -> str:
    """``units.count.公益一类`` — the units of one 单位性质."""
    return f"units.count.{kind}"


def indicator_segment(indicator: Indicator) -> str:
    """The indicator's stable key within its owner, as an id segment (no ``.``)."""
    return (indicator.code.strip() or indicator.name.strip()).replace(".", "·")


def indicator_id(table: IndicatorTable, owner: str, segment: str, field: IndicatorField) -> str:
    """``indicator.<owner>.<segment>.<field>`` (``segment`` from :func:`indicator_ids`)."""
    return f"{table}.{owner}.{segment}.{field}"


def indicator_ids(
    table: IndicatorTable, indicators: Iterable[Indicator]
) -> list[tuple[str, Indicator]]:
    """``(id base, indicator)`` for each row, in table order: ``indicator.5.KJ-BM-02``.

    The base plus ``.target`` … is the figure id; see the module docstring for the key.
    """
    seen: dict[tuple[str, str], int] = {}
    result = []
    for ind in indicators:
        segment = indicator_segment(ind)
        n = seen[(ind.owner, segment)] = seen.get((ind.owner, segment), 0) + 1
        unique = segment if n == 1 else f"{segment}#{n}"
        result.append((f"{table}.{ind.owner}.{unique}", ind))
    return result


def project_id(code: str, field: ProjectField) -> str:
    """``project.<项目编码>.<field>``."""
    return f"project.{code}.{field}"


def score_id(code: str, field: ScoreField) -> str:
    """``score.<评分表编码>.<field>`` (the code may itself be dotted: ``score.2.4.deduction``)."""
    return f"score.{code}.{field}"


def _one_of(values: list[str] | tuple[str, ...]) -> str:
    return "(?:" + "|".join(re.escape(v) for v in sorted(values, key=len, reverse=True)) + ")"


def _named(list_name: str) -> str:
    return _one_of([c.code for c in codes(list_name).codes])


_COL = "(?:budget|adjusted|final|prior)"
_NUMERIC = r"\d{3}(?:\d{2}){0,2}"  # 类 206, 款 20601, 项 2060101
_FREE = r"[^.]+"  # a unit, goal or project code


@cache
def _money_areas() -> list[tuple[str, str]]:
    """(id prefix regex, item regex) of the four money tables."""
    return [
        (r"income", _named("income")),
        (r"expenditure\.function", _NUMERIC),
        (r"expenditure\.nature", _named("nature")),
        (r"three_public", _named("three_public")),
    ]


def _patterns() -> tuple[str, ...]:
    patterns: list[str] = []
    for area, item in _money_areas():
        patterns += [
            rf"{area}\.{_COL}\.(?:{item}|total)",
            rf"{area}\.{_COL}\.share\.{item}",
            rf"{area}\.final\.(?:ratio_to_budget|ratio_to_adjusted|change_vs_budget)(?:\.{item})?",
            rf"{area}\.(?:change|growth)(?:\.{item})?",
            rf"unit\.{_FREE}\.{area}\.{_COL}\.total",
            rf"unit\.{_FREE}\.{area}\.final\.ratio_to_budget",
            rf"consolidated\.{area}\.{_COL}\.(?:{item}|total)",
        ]
    nature, eco = _one_of(EXPENDITURE_NATURES), "(?:budget|final|prior)"
    fund = _one_of([f for f in CARRYOVER_FUNDS if f != "合计"])
    patterns += [
        rf"three_public\.saving(?:\.{_named('three_public')})?",
        rf"expenditure\.{_COL}\.total",
        r"expenditure\.final\.(?:ratio_to_budget|ratio_to_adjusted|change_vs_budget)",
        r"expenditure\.(?:change|growth)",
        rf"expenditure\.economic\.{eco}\.{nature}\.(?:{_NUMERIC}|total)",
        rf"expenditure\.economic\.{eco}\.(?:share_of_parent|share_of_nature)\.{nature}\.{_NUMERIC}",
        rf"carryover\.{fund}\.(?:opening|closing|change|change_rate)",
        rf"units\.count\.{_one_of(UNIT_KINDS)}",
        r"(?:indicator|project_indicator)\..+\.[^.]+\.(?:target|actual|completion_rate|met)",
        r"(?:indicators|project_indicators)\.(?:count|met_count|assessed_count|met_rate)",
        rf"project\.{_FREE}\.(?:budget|execution_base|executed|execution_rate)",
        r"projects\.(?:budget\.total|execution_base\.total|executed\.total|execution_rate)",
        r"score\.[^.]+(?:\.[^.]+)*\.(?:points|score|deduction)",
        r"score\.(?:points_total|score_total|deduction_total)",
    ]
    return tuple(f"^{p}$" for p in patterns)


#: Ids that exist for every dataset (value ``None`` when the input is missing).
FIGURE_IDS: tuple[str, ...] = (
    *(f"carryover.{k}" for k in CARRYOVER_VALUES),
    "carryover.change",
    "carryover.change_rate",
    "carryover.flow_expected",
    "carryover.flow_gap",
    *(f"headcount.{k}" for k in HEADCOUNT),
    "headcount.active_plus_retired",
    "headcount.total",
    "headcount.active_control_rate",
    "units.count",
    "units.count_admin",
    "units.count_institution",
    "units.prior_count",
    "units.change_vs_prior",
    "three_public.trips.groups",
    "three_public.trips.persons",
    *(f"assets.{k}" for k in ASSETS),
    "assets.fixed_assets_utilisation",
    "assets.fixed_assets_growth",
    "assets.procurement_execution_rate",
)

#: Anchored regular expressions of the data-dependent ids (see ``docs/figures.md``).
FIGURE_PATTERNS: tuple[str, ...] = _patterns()


@cache
def _compiled() -> list[re.Pattern[str]]:
    return [re.compile(p) for p in FIGURE_PATTERNS]


def is_figure_id(figure_id: str) -> bool:
    """True when ``figure_id`` is an id the engine can produce for some dataset."""
    return figure_id in FIGURE_IDS or any(p.match(figure_id) for p in _compiled())
