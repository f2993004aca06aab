"""Profile facts: required fields, unit counts by 单位性质, headcount sums."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from jixiao.checks.registry import ERROR, WARNING, check, finding, plain, where
from jixiao.dataset.model import Dataset, Profile
from jixiao.figures import FigureSet
from jixiao.findings import Finding

#: Profile fields a report cannot do without: field → Chinese name.
REQUIRED_PROFILE: dict[str, str] = {"department_name": "部门名称", "year": "年度"}


@check
def profile_required(dataset: Dataset, figures: FigureSet) -> list[Finding]:
    """部门名称 and 年度 must be filled (the workbook loads without them; the report cannot)."""
    result = []
    for key, name in REQUIRED_PROFILE.items():
        if getattr(dataset.profile, key) in (None, ""):
            loc = where("基本信息", item=name)
            result.append(
                finding("profile.missing", ERROR, f"基本信息缺少“{name}”", loc, field=key)
            )
    return result


@dataclass(frozen=True)
class StatedCount:
    """A count the report states, and the figure it must equal."""

    code: str
    field: str
    figure: str
    what: str


UNIT_COUNTS: tuple[StatedCount, ...] = (
    StatedCount("units.count_mismatch", "stated_unit_count", "units.count", "预算单位数量"),
    StatedCount(
        "units.admin_count_mismatch", "stated_admin_units", "units.count_admin", "行政单位数"
    ),
    StatedCount(
        "units.institution_count_mismatch",
        "stated_institution_units",
        "units.count_institution",
        "事业单位数",
    ),
)


@check
def unit_counts(dataset: Dataset, figures: FigureSet) -> list[Finding]:
    """Stated unit counts (封面、“包括N个行政单位和M个事业单位”) vs the 预算单位 table."""
    result = []
    for rule in UNIT_COUNTS:
        stated = getattr(dataset.profile, rule.field)
        counted = figures.value(rule.figure)
        if stated is None or counted is None or stated == counted:
            continue
        loc = where("基本信息", item=f"{rule.what}（声明）")
        if not dataset.units:
            message = f"报告声明{rule.what} {stated} 个，但“预算单位”表为空，无法核对"
            result.append(finding("units.table_missing", WARNING, message, loc, stated=stated))
            continue
        message = (
            f"报告声明{rule.what} {stated} 个 ≠ “预算单位”表按单位性质统计的 {plain(counted)} 个"
        )
        result.append(finding(rule.code, ERROR, message, loc, stated=stated, computed=counted))
    return result


@dataclass(frozen=True)
class HeadcountRule:
    """A relation between headcount fields; ``holds(profile)`` is None when inputs are missing."""

    code: str
    severity_error: bool
    holds: Callable[[Profile], bool | None]
    message: Callable[[Profile], str]


def _total_holds(p: Profile) -> bool | None:
    if None in (p.headcount_total, p.headcount_active, p.headcount_retired):
        return None
    return p.headcount_total == (p.headcount_active or 0) + (p.headcount_retired or 0)


def _pension_holds(p: Profile) -> bool | None:
    if p.headcount_retired_pension_fund is None or p.headcount_retired is None:
        return None
    return p.headcount_retired_pension_fund <= p.headcount_retired


def _authorised_holds(p: Profile) -> bool | None:
    if p.headcount_active is None or p.headcount_authorised is None:
        return None
    return p.headcount_active <= p.headcount_authorised


HEADCOUNT_RULES: tuple[HeadcountRule, ...] = (
    HeadcountRule(
        "headcount.total_mismatch",
        True,
        _total_holds,
        lambda p: (
            f"年末实有人数 {p.headcount_total} 人 ≠ 在职人员 {p.headcount_active} 人 + 离退休人员 {p.headcount_retired} 人"
            f" = {(p.headcount_active or 0) + (p.headcount_retired or 0)} 人"
        ),
    ),
    HeadcountRule(
        "headcount.pension_exceeds_retired",
        True,
        _pension_holds,
        lambda p: (
            f"由养老保险基金发放养老金的离退休人员 {p.headcount_retired_pension_fund} 人，多于离退休人员 {p.headcount_retired} 人"
        ),
    ),
    HeadcountRule(
        "headcount.over_authorised",
        False,
        _authorised_holds,
        lambda p: f"在职人员 {p.headcount_active} 人，超过编制数 {p.headcount_authorised} 人",
    ),
)


@check
def headcount(dataset: Dataset, figures: FigureSet) -> list[Finding]:
    """在职 + 离退休 = 实有; 养老保险基金发放 ≤ 离退休; 在职 ≤ 编制."""
    p = dataset.profile
    result = []
    for rule in HEADCOUNT_RULES:
        if rule.holds(p) is False:
            severity = ERROR if rule.severity_error else WARNING
            values = {
                "total": p.headcount_total,
                "active": p.headcount_active,
                "retired": p.headcount_retired,
                "retired_pension_fund": p.headcount_retired_pension_fund,
                "authorised": p.headcount_authorised,
            }
            result.append(
                finding(
                    rule.code, severity, rule.message(p), where("基本信息", item="人员"), **values
                )
            )
    return result
