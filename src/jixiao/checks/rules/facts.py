"""Profile facts: required fields, unit counts by 单位性质, headcount sums."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from jixiao.checks.registry import CheckSettings, at, check, where
from jixiao.dataset.model import Dataset, Profile, field_sheet
from jixiao.figures import FigureSet
from jixiao.findings import Finding, FindingKind, Location, Severity, kind

PROFILE_MISSING = kind(
    "profile.missing", Severity.ERROR, "基本信息缺少“{name}”", "基本信息必填项缺失"
)
UNITS_TABLE_MISSING = kind(
    "units.table_missing",
    Severity.WARNING,
    "报告声明{what} {stated} 个，但“预算单位”表为空，无法核对",
    "预算单位表为空",
)

#: Profile fields a report cannot do without: field → Chinese name.
REQUIRED_PROFILE: dict[str, str] = {"department_name": "部门名称", "year": "年度"}


@check("profile_required", "基本信息必填项")
def profile_required(
    dataset: Dataset, figures: FigureSet, settings: CheckSettings
) -> list[Finding]:
    """部门名称 and 年度 must be filled (the workbook loads without them; the report cannot)."""
    result = []
    for key, name in REQUIRED_PROFILE.items():
        if getattr(dataset.profile, key) in (None, ""):
            location = at("profile", item=name, column=key)
            result.append(PROFILE_MISSING.at(location, name=name, field=key))
    return result


@dataclass(frozen=True)
class StatedCount:
    """A count the report states, and the figure it must equal."""

    code: str
    field: str
    figure: str
    what: str

    @property
    def kind(self) -> FindingKind:
        return _COUNT_KINDS[self.code]


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


_COUNT_KINDS: dict[str, FindingKind] = {
    rule.code: kind(
        rule.code,
        Severity.ERROR,
        "报告声明{what} {stated} 个 ≠ “预算单位”表按单位性质统计的 {computed:n} 个",
        f"{rule.what}与预算单位表不一致",
    )
    for rule in UNIT_COUNTS
}


@check("unit_counts", "声明的单位数与预算单位表一致")
def unit_counts(dataset: Dataset, figures: FigureSet, settings: CheckSettings) -> list[Finding]:
    """Stated unit counts (封面、“包括N个行政单位和M个事业单位”) vs the 预算单位 table."""
    result = []
    for rule in UNIT_COUNTS:
        stated = getattr(dataset.profile, rule.field)
        counted = figures.value(rule.figure)
        if stated is None or counted is None or stated == counted:
            continue
        # an audit-only field: the workbook asks for it on 声明数, so the place names that sheet
        location = Location(
            table="profile",
            column=rule.field,
            source=where(field_sheet("profile", rule.field), item=f"{rule.what}（声明）"),
        )
        if not dataset.units:
            result.append(UNITS_TABLE_MISSING.at(location, what=rule.what, stated=stated))
            continue
        result.append(rule.kind.at(location, what=rule.what, stated=stated, computed=counted))
    return result


@dataclass(frozen=True)
class HeadcountRule:
    """A relation between headcount fields; ``holds(profile)`` is None when inputs are missing."""

    kind: FindingKind
    holds: Callable[[Profile], bool | None]
    column: str  #: the field the finding points at


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
        kind(
            "headcount.total_mismatch",
            Severity.ERROR,
            "年末实有人数 {total} 人 ≠ 在职人员 {active} 人 + 离退休人员 {retired} 人 = {sum} 人",
            "年末实有人数不等于在职与离退休之和",
        ),
        _total_holds,
        "headcount_total",
    ),
    HeadcountRule(
        kind(
            "headcount.pension_exceeds_retired",
            Severity.ERROR,
            "由养老保险基金发放养老金的离退休人员 {retired_pension_fund} 人，多于离退休人员 {retired} 人",
            "养老保险基金发放人数多于离退休人员",
        ),
        _pension_holds,
        "headcount_retired_pension_fund",
    ),
    HeadcountRule(
        kind(
            "headcount.over_authorised",
            Severity.WARNING,
            "在职人员 {active} 人，超过编制数 {authorised} 人",
            "在职人员超编",
        ),
        _authorised_holds,
        "headcount_active",
    ),
)


@check("headcount", "人员数关系")
def headcount(dataset: Dataset, figures: FigureSet, settings: CheckSettings) -> list[Finding]:
    """在职 + 离退休 = 实有; 养老保险基金发放 ≤ 离退休; 在职 ≤ 编制."""
    p = dataset.profile
    result = []
    for rule in HEADCOUNT_RULES:
        if rule.holds(p) is False:
            result.append(
                rule.kind.at(
                    at("profile", item="人员", column=rule.column),
                    total=p.headcount_total,
                    active=p.headcount_active,
                    retired=p.headcount_retired,
                    sum=(p.headcount_active or 0) + (p.headcount_retired or 0),
                    retired_pension_fund=p.headcount_retired_pension_fund,
                    authorised=p.headcount_authorised,
                )
            )
    return result
