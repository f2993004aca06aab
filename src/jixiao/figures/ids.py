"""The figure ids the engine can produce, for validating bindings before any data exists.

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
from functools import cache

from jixiao.dataset.model import CARRYOVER_FUNDS, EXPENDITURE_NATURES, UNIT_KINDS
from jixiao.figures.areas.facts import ASSETS, CARRYOVER_VALUES, HEADCOUNT
from jixiao.figures.trees import codes


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
        r"(?:indicator|project_indicator)\..+\.\d+\.(?:target|actual|completion_rate|met)",
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
