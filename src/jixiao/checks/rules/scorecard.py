"""The self-evaluation scorecard as the department filled it: parts add up, scores within
points, stated deductions and totals, and the 自评结论's lists of full-mark and deducted items.

(Whether the stated grade matches the score belongs to scoring, not here.)
"""

from __future__ import annotations

import re
from collections import Counter
from decimal import Decimal

from jixiao.checks.registry import ERROR, INFO, WARNING, CheckSettings, check, finding, plain, where
from jixiao.dataset.model import Dataset, ScoreItem, field_sheet, split_names
from jixiao.figures import FigureSet
from jixiao.findings import Finding, composed

# The codes of this module's findings, each message composed case by case; declared so that
# every finding code has its Chinese title (the web's 类别 column, docs).
for _code, _severity, _title in (
    ("score.children_incomplete", INFO, "下级指标未列全"),
    ("score.children_mismatch", ERROR, "下级指标合计不符"),
    ("score.code_malformed", ERROR, "指标编码不是层级编码"),
    ("score.parent_missing", WARNING, "上级指标不在评分表中"),
    ("score.negative", ERROR, "自评得分为负数"),
    ("score.above_points", ERROR, "自评得分超过分值"),
    ("score.deduction_mismatch", ERROR, "说明所写扣分与得分不符"),
    ("score.total_mismatch", ERROR, "自评总分与评分表合计不符"),
    ("score.stated_lists_conflict", ERROR, "满分项与扣分项重复"),
    ("score.full_marks_mismatch", ERROR, "所称满分项实有扣分"),
    ("score.deducted_mismatch", ERROR, "所称扣分项实得满分"),
    ("score.stated_name_unknown", INFO, "所列指标不在评分表中"),
    ("score.deduction_not_listed", WARNING, "扣分项未在结论中提及"),
):
    composed(_code, _severity, _title)

SHEET = "自评评分"
FIELDS: dict[str, str] = {"points": "分值", "score": "自评得分"}


def _children(items: tuple[ScoreItem, ...]) -> dict[str, list[ScoreItem]]:
    codes = {s.code for s in items}
    children: dict[str, list[ScoreItem]] = {}
    for item in items:
        if item.parent_code in codes:
            children.setdefault(item.parent_code, []).append(item)
    return children


def _sum_of(kids: list[ScoreItem], field: str) -> Decimal | None:
    values = [getattr(k, field) for k in kids]
    if any(v is None for v in values):
        return None
    return sum((v for v in values if v is not None), Decimal(0))


@check("score_parts", "评分表：上级等于下级之和")
def score_parts(dataset: Dataset, figures: FigureSet, settings: CheckSettings) -> list[Finding]:
    """A parent's points and score equal the sums over its children.

    The scorecard has no code list, so the points tell whether the children listed are
    all of them: children worth fewer points than their parent are a partial listing
    (info); children worth more, or a complete listing whose scores do not add up, are
    errors.
    """
    result = []
    children = _children(dataset.scores)
    for item in dataset.scores:
        kids = children.get(item.code, [])
        if not kids:
            continue
        points, score = _sum_of(kids, "points"), _sum_of(kids, "score")
        names = "、".join(k.name for k in kids)
        loc = where(SHEET, item.loc, item.code)
        partial = points is not None and item.points is not None and points < item.points
        if partial:
            message = f"“{item.name}”分值 {plain(item.points)} 分，已列下级（{names}）分值之和 {plain(points)} 分：下级未列全"
            result.append(
                finding(
                    "score.children_incomplete",
                    INFO,
                    message,
                    loc,
                    stated=item.points,
                    computed=points,
                )
            )
        for field, total in (("points", points), ("score", score)):
            stated = getattr(item, field)
            if stated is None or total is None or total == stated or (partial and total < stated):
                continue
            label = FIELDS[field]
            message = f"“{item.name}”{label} {plain(stated)} 分 ≠ 其下级（{names}）{label}之和 {plain(total)} 分"
            result.append(
                finding(
                    "score.children_mismatch", ERROR, message, loc, stated=stated, computed=total
                )
            )
    return result


_CODE = re.compile(r"^[^.\s]+(\.[^.\s]+)*$")


@check("score_codes", "评分表：编码层级完整")
def score_codes(dataset: Dataset, figures: FigureSet, settings: CheckSettings) -> list[Finding]:
    """Codes are hierarchical (2, 2.1, 2.1.3) and every parent is listed.

    An orphan (2.1 without 2) has nothing to add up into: 自评得分合计 counts it with the
    top-level items, which is rarely what the department meant.
    """
    codes = {s.code for s in dataset.scores}
    result = []
    for item in dataset.scores:
        loc = where(SHEET, item.loc, item.code)
        if not _CODE.match(item.code):
            message = f"“{item.name}”的编码“{item.code}”不是层级编码（应如 2、2.1、2.1.3）"
            result.append(finding("score.code_malformed", ERROR, message, loc, item=item.code))
        elif item.parent_code and item.parent_code not in codes:
            message = (
                f"“{item.name}”（{item.code}）的上级指标“{item.parent_code}”不在评分表中，"
                "合计时按一级指标计入"
            )
            result.append(
                finding(
                    "score.parent_missing",
                    WARNING,
                    message,
                    loc,
                    item=item.code,
                    parent=item.parent_code,
                )
            )
    return result


@check("score_bounds", "评分表：得分在 0 至分值之间")
def score_bounds(dataset: Dataset, figures: FigureSet, settings: CheckSettings) -> list[Finding]:
    """0 ≤ 自评得分 ≤ 分值."""
    result = []
    for item in dataset.scores:
        loc = where(SHEET, item.loc, item.code)
        if item.score is not None and item.score < 0:
            result.append(
                finding(
                    "score.negative",
                    ERROR,
                    f"“{item.name}”自评得分 {plain(item.score)} 分为负数",
                    loc,
                    score=item.score,
                )
            )
        if item.score is not None and item.points is not None and item.score > item.points:
            message = (
                f"“{item.name}”自评得分 {plain(item.score)} 分，超过分值 {plain(item.points)} 分"
            )
            result.append(
                finding(
                    "score.above_points", ERROR, message, loc, score=item.score, points=item.points
                )
            )
    return result


@check("stated_deductions", "评分说明所写扣分与得分一致")
def stated_deductions(
    dataset: Dataset, figures: FigureSet, settings: CheckSettings
) -> list[Finding]:
    """The text's “扣N分” equals 分值 − 自评得分."""
    result = []
    for item in dataset.scores:
        if item.stated_deduction is None or item.points is None or item.score is None:
            continue
        actual = item.points - item.score
        if actual != item.stated_deduction:
            message = (
                f"“{item.name}”说明写扣 {plain(item.stated_deduction)} 分，但分值 {plain(item.points)} − 自评得分 "
                f"{plain(item.score)} = {plain(actual)} 分"
            )
            loc = where(SHEET, item.loc, item.code)
            result.append(
                finding(
                    "score.deduction_mismatch",
                    ERROR,
                    message,
                    loc,
                    stated=item.stated_deduction,
                    computed=actual,
                )
            )
    return result


@check("stated_total", "声明的自评总分与评分表一致")
def stated_total(dataset: Dataset, figures: FigureSet, settings: CheckSettings) -> list[Finding]:
    """The stated 自评总分 equals the sum of the top-level self-scores."""
    stated = dataset.self_evaluation.stated_total
    computed = figures.value("score.score_total")
    if stated is None or computed is None or stated == computed:
        return []
    message = (
        f"自评结论写总分 {plain(stated)} 分，但评分表一级指标自评得分之和为 {plain(computed)} 分"
    )
    return [
        finding(
            "score.total_mismatch",
            ERROR,
            message,
            where(field_sheet("self_evaluation", "stated_total"), item="自评总分（声明）"),
            stated=stated,
            computed=computed,
        )
    ]


@check("stated_lists", "自评结论所列满分项、扣分项与评分表一致")
def stated_lists(dataset: Dataset, figures: FigureSet, settings: CheckSettings) -> list[Finding]:
    """自评结论's full-mark and deducted lists against the scorecard."""
    conclusion = dataset.self_evaluation
    full, deducted = (
        split_names(conclusion.stated_full_marks),
        split_names(conclusion.stated_deducted),
    )
    if not full and not deducted:
        return []
    by_name = {s.name: s for s in dataset.scores}
    result = [*_unknown(full + deducted, by_name)]
    for name in set(full) & set(deducted):
        message = f"自评结论将“{name}”同时列为满分项和扣分项"
        result.append(
            finding(
                "score.stated_lists_conflict",
                ERROR,
                message,
                where(
                    field_sheet("self_evaluation", "stated_full_marks"), item="自评结论所列满分项"
                ),
                name=name,
            )
        )
    for name in full:
        item = by_name.get(name)
        if item and item.points is not None and item.score is not None and item.score < item.points:
            message = (
                f"自评结论称“{name}”得满分，但评分表中分值 {plain(item.points)} 分、自评得分 {plain(item.score)} 分"
                f"（扣 {plain(item.points - item.score)} 分）"
            )
            loc = where(
                field_sheet("self_evaluation", "stated_full_marks"), item="自评结论所列满分项"
            )
            result.append(
                finding(
                    "score.full_marks_mismatch",
                    ERROR,
                    message,
                    loc,
                    name=name,
                    points=item.points,
                    score=item.score,
                )
            )
    for name in deducted:
        item = by_name.get(name)
        if (
            item
            and item.points is not None
            and item.score is not None
            and item.score >= item.points
        ):
            message = f"自评结论称“{name}”有扣分，但评分表中该项得满分 {plain(item.points)} 分"
            loc = where(
                field_sheet("self_evaluation", "stated_deducted"), item="自评结论所列扣分项"
            )
            result.append(
                finding(
                    "score.deducted_mismatch",
                    ERROR,
                    message,
                    loc,
                    name=name,
                    points=item.points,
                    score=item.score,
                )
            )
    result.extend(_unlisted_deductions(dataset, full, deducted))
    return result


def _unknown(names: list[str], by_name: dict[str, ScoreItem]) -> list[Finding]:
    result = []
    for name in dict.fromkeys(names):
        if name not in by_name:
            message = f"自评结论所列“{name}”不在自评评分表中，无法核对"
            result.append(
                finding(
                    "score.stated_name_unknown",
                    INFO,
                    message,
                    where(field_sheet("self_evaluation", "stated_full_marks"), item=name),
                    name=name,
                )
            )
    return result


def _unlisted_deductions(dataset: Dataset, full: list[str], deducted: list[str]) -> list[Finding]:
    """Items with a deduction, at the level the lists speak of, that neither list names."""
    named = [s for s in dataset.scores if s.name in full or s.name in deducted]
    if not named:
        return []
    depth = Counter(s.code.count(".") for s in named).most_common(1)[0][0]
    result = []
    for item in dataset.scores:
        if item.code.count(".") != depth or item.name in full or item.name in deducted:
            continue
        if item.points is not None and item.score is not None and item.score < item.points:
            message = (
                f"“{item.name}”扣 {plain(item.points - item.score)} 分，但自评结论的扣分项中未提及"
            )
            result.append(
                finding(
                    "score.deduction_not_listed",
                    WARNING,
                    message,
                    where(SHEET, item.loc, item.code),
                    name=item.name,
                )
            )
    return result
