"""Each rule of the registry, table-driven with numbers a reviewer can check by eye."""

from __future__ import annotations

from decimal import Decimal as D
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jixiao.dataset.model import Indicator
from jixiao.scoring.model import OverAchievement
from jixiao.scoring.rules import (
    FLAG_NO_REASON,
    FLAG_OVER_POINTS,
    FLAG_TARGET_TOO_LOW,
    FLAG_VETO,
    RULES,
    Band,
    Element,
    ManualScore,
    RuleContext,
    band_problems,
)


def run(
    rule: str, points: str, values: dict[str, Any], **params: Any
) -> tuple[D | None, str, tuple[str, ...]]:
    ctx = RuleContext(name="指标", points_num=D(points), values=values, params=params)
    result = RULES[rule].score(ctx)
    return result.score, result.explanation, result.flags


@pytest.mark.parametrize(
    ("actual", "target", "points", "score"),
    [
        ("90", "100", "10", "9.00"),  # 90% of the target → 90% of the points
        ("120", "100", "10", "10.00"),  # capped at the points
        ("50", "90", "2.5", "1.39"),  # 55.56% × 2.5 = 1.3889 → 1.39
        ("-5", "100", "10", "0.00"),  # a negative completion scores nothing
        ("1", "3", "10", "3.33"),  # one division, rounded once
    ],
)
def test_it_scores_a_positive_indicator_in_proportion(
    actual: str, target: str, points: str, score: str
) -> None:
    result, text, _ = run(
        "proportional_positive", points, {"actual": D(actual), "target": D(target)}
    )
    assert result == D(score)
    assert "完成值" in text


@pytest.mark.parametrize(
    ("actual", "score"),
    [
        ("5", "10.00"),  # ≥ 0 met by 5: met is met, full points (jixiao.domain.signs)
        ("-5", None),  # ≥ 0 missed: 完成值 ÷ 0 is no proportion, so no score (not 0)
    ],
)
def test_a_zero_target_scores_full_when_met_and_is_missing_when_not(
    actual: str, score: str | None
) -> None:
    result, text, _ = run("proportional_positive", "10", {"actual": D(actual), "target": D(0)})
    assert result == (D(score) if score else None)
    if score is None:
        assert "无法按比例计分" in text


def test_it_flags_a_target_set_too_low_and_deducts_the_framework_share() -> None:
    ctx = RuleContext(
        name="新增企业数",
        points_num=D(10),
        values={"actual": D(300), "target": D(100)},
        over_achievement=OverAchievement(D(200), D("0.1")),
    )
    result = RULES["proportional_positive"].score(ctx)
    assert result.score == D("9.00")
    assert FLAG_TARGET_TOO_LOW in result.flags
    assert "300%" in result.explanation


@pytest.mark.parametrize(
    ("actual", "target", "score"),
    [("80", "100", "10.00"), ("100", "100", "10.00"), ("125", "100", "8.00"), ("3", "0", "0.00")],
)
def test_it_scores_a_negative_indicator_as_target_over_actual(
    actual: str, target: str, score: str
) -> None:
    result, _, _ = run("proportional_negative", "10", {"actual": D(actual), "target": D(target)})
    assert result == D(score)


@pytest.mark.parametrize(
    ("values", "score"),
    [
        ({"rate": D("85.5")}, "3.42"),  # 预算执行率 85.5% × 4 = 3.42
        ({"numerator": D("342"), "denominator": D("400")}, "3.42"),
        ({"numerator": D("500"), "denominator": D("400")}, "4.00"),
        ({"numerator": D("1"), "denominator": D("0")}, None),
    ],
)
def test_it_multiplies_a_rate_by_the_points(values: dict[str, Any], score: str | None) -> None:
    result, _, _ = run("rate_points", "4", values, label="预算执行率")
    assert result == (D(score) if score else None)


BANDS = [
    Band(None, D(90), percent=D(0)),
    Band(D(90), D(95), percent=D(60)),
    Band(D(95), None, percent=D(100)),
]


@pytest.mark.parametrize(
    ("value", "score"), [("89.99", "0.00"), ("90", "3.00"), ("94.5", "3.00"), ("95", "5.00")]
)
def test_it_scores_by_the_band_the_value_falls_in(value: str, score: str) -> None:
    result, text, _ = run("tiered", "5", {"value": D(value)}, bands=BANDS)
    assert result == D(score)
    assert "档" in text


@pytest.mark.parametrize(
    ("bands", "problem"),
    [
        ([Band(None, D(90), percent=D(0)), Band(D(91), None, percent=D(100))], "空档"),
        ([Band(None, D(90), percent=D(0)), Band(D(85), None, percent=D(100))], "重叠"),
        ([Band(D(0), D(90), percent=D(0)), Band(D(90), None, percent=D(100))], "负无穷"),
        ([Band(None, D(90), percent=D(0)), Band(D(90), D(100), percent=D(100))], "无上限"),
        ([Band(None, None, percent=D(120))], "0 至 100"),
    ],
)
def test_it_rejects_bands_that_overlap_or_leave_gaps(bands: list[Band], problem: str) -> None:
    assert any(problem in p for p in band_problems(bands))


@pytest.mark.parametrize(
    ("growth", "score"),
    [
        ("-3", "3.00"),  # “三公”经费 fell: full marks
        ("0", "3.00"),
        ("2.5", "2.25"),  # 2.5 points over × 0.3 = 0.75
        ("198.46", "0.00"),  # 扣完为止
    ],
)
def test_it_deducts_per_percentage_point_beyond_the_threshold(growth: str, score: str) -> None:
    result, _, _ = run(
        "deduction_per_unit",
        "3",
        {"value": D(growth)},
        threshold=D(0),
        step=D(1),
        deduction=D("0.3"),
        unit="%",
    )
    assert result == D(score)


def test_it_counts_the_elements_of_a_checklist() -> None:
    elements = [Element("预算公开", D(1)), Element("决算公开", D(1)), Element("绩效信息公开", D(1))]
    values = {"element0": "已公开", "element1": [], "element2": True}
    result, text, _ = run("checklist", "3", values, elements=elements)
    assert result == D("2.00")
    assert "缺少：决算公开" in text


@pytest.mark.parametrize(
    ("grade", "percent", "score"),
    [
        ("达成", None, "10.00"),
        ("部分达成", None, "7.00"),
        ("未达成", None, "3.00"),
        ("部分达成", D(75), "7.50"),
    ],
)
def test_it_scores_qualitative_grades_within_their_band(
    grade: str, percent: D | None, score: str
) -> None:
    result, _, _ = run("qualitative", "10", {"grade": grade, "percent": percent})
    assert result == D(score)


def test_it_clamps_a_qualitative_percent_outside_its_band() -> None:
    result, _, flags = run("qualitative", "10", {"grade": "未达成", "percent": D(90)})
    assert result == D("6.00")
    assert flags


def test_it_vetoes_when_the_condition_holds() -> None:
    ctx = RuleContext(
        name="重大违规",
        points_num=D(0),
        values={"condition": "审计发现挪用资金"},
        params={"scope": "total"},
    )
    result = RULES["veto"].score(ctx)
    assert result.veto == "total"
    assert FLAG_VETO in result.flags
    clean = RULES["veto"].score(
        RuleContext(name="重大违规", points_num=D(0), values={"condition": ""})
    )
    assert clean.veto == ""


def test_it_weights_special_fund_scores_by_amount() -> None:
    # 专项 A 95 分 × 300 万元, 专项 B 85 分 × 100 万元 → 92.5 of 100 → 23.13 of 25.
    values = {"scores": [D(95), D(85), None], "weights": [D(300), D(100), D(50)]}
    result, text, _ = run("weighted_average", "25", values, scale=D(100))
    assert result == D("23.13")
    assert "92.5" in text


def test_it_takes_a_manual_score_with_its_reason() -> None:
    result, text, flags = run(
        "manual", "15", {"score": ManualScore(D("13.5"), "目标编制仍需提高，扣1分")}
    )
    assert result == D("13.50")
    assert "扣 1.5 分" in text and "目标编制" in text
    assert not flags


@pytest.mark.parametrize(
    ("entered", "reason", "flag"),
    [
        (D(12), "", FLAG_NO_REASON),
        (D(16), "超出", FLAG_OVER_POINTS),
        (D(-1), "负分", FLAG_OVER_POINTS),
    ],
)
def test_it_flags_manual_scores_without_reason_or_out_of_range(
    entered: D, reason: str, flag: str
) -> None:
    _, _, flags = run("manual", "15", {"score": ManualScore(entered, reason)})
    assert flag in flags


def indicator(sign: str, target: str | None, actual: str | None, grade: str = "") -> Indicator:
    return Indicator(
        owner="P1",
        level1="产出指标",
        name="培训人数",
        sign=sign,
        target=D(target) if target else None,
        actual=D(actual) if actual else None,
        qual_grade=grade,
    )


@pytest.mark.parametrize(
    ("ind", "score"),
    [
        (indicator("≥", "100", "90"), "9.00"),
        (indicator("＞", "100", "100"), "10.00"),  # not met, but 100 ÷ 100 of the points
        (indicator("≥", "0", "3"), "10.00"),  # met: full, though 3 ÷ 0 is no rate
        (indicator("≤", "-5", "-8"), "10.00"),  # met with a negative target
        (indicator("≤", "-5", "-2"), None),  # missed: no proportion to score by
        (indicator("≤", "5", "10"), "5.00"),
        (indicator("＜", "5", "4"), "10.00"),
        (indicator("＝", "100", "100"), "10.00"),
        (indicator("＝", "100", "125"), "8.00"),
        (indicator("定性", None, None, "部分达成"), "7.00"),
        (indicator("≥", "100", None), None),
        (indicator("定性", None, None), None),
    ],
)
def test_it_scores_completion_by_the_indicator_sign(ind: Indicator, score: str | None) -> None:
    result, _, _ = run("completion", "10", {"indicator": ind})
    assert result == (D(score) if score else None)


def test_the_boundary_of_a_strict_sign_is_explained_as_a_miss() -> None:
    """＞ 10 with 10: not met (as the figures and the 整改 list say), proportion 10 ÷ 10."""
    result, text, flags = run("completion", "10", {"indicator": indicator("＞", "10", "10")})
    assert result == D("10.00")
    assert "未高于指标值 10" in text and "未达成" in text and "达到指标值" not in text
    assert not flags


@pytest.mark.parametrize(
    ("sign", "target", "actual", "score", "flagged"),
    [
        ("≥", "100", "300", "9.00", True),  # 300% > 200%: loses 10%
        ("≥", "100", "200", "10.00", False),  # exactly 200%: not above
        ("≤", "10", "4", "9.00", True),  # 反向: 10 ÷ 4 = 250%
        ("≤", "10", "0", "10.00", False),  # none at all: the ideal, full points
        ("＝", "100", "100", "10.00", False),
    ],
)
def test_target_set_too_low_is_one_policy_in_both_directions(
    sign: str, target: str, actual: str, score: str, flagged: bool
) -> None:
    ctx = RuleContext(
        name="指标",
        points_num=D(10),
        values={"indicator": indicator(sign, target, actual)},
        over_achievement=OverAchievement(D(200), D("0.1")),
    )
    result = RULES["completion"].score(ctx)
    assert result.score == D(score)
    assert (FLAG_TARGET_TOO_LOW in result.flags) is flagged


def test_every_rule_has_a_chinese_name_and_a_docstring() -> None:
    for identifier, impl in RULES.items():
        assert impl.identifier == identifier
        assert impl.verbose_name
        assert type(impl).__doc__


numbers = st.decimals(
    min_value=-1000, max_value=10**6, places=3, allow_nan=False, allow_infinity=False
)
points = st.decimals(min_value=0, max_value=100, places=2, allow_nan=False, allow_infinity=False)


@given(
    points=points,
    actual=numbers,
    target=numbers,
    rule=st.sampled_from(["proportional_positive", "proportional_negative"]),
)
def test_a_proportional_score_stays_between_zero_and_the_points(
    points: D, actual: D, target: D, rule: str
) -> None:
    ctx = RuleContext(name="指标", points_num=points, values={"actual": actual, "target": target})
    score = RULES[rule].score(ctx).score
    assert score is None or D(0) <= score <= ctx.full()


@given(
    points=points,
    value=numbers,
    threshold=numbers,
    deduction=st.decimals(min_value="0.01", max_value=5, places=2),
)
def test_a_deduction_never_goes_below_zero(points: D, value: D, threshold: D, deduction: D) -> None:
    ctx = RuleContext(
        name="指标",
        points_num=points,
        values={"value": value},
        params={"threshold": threshold, "deduction": deduction},
    )
    score = RULES["deduction_per_unit"].score(ctx).score
    assert score is not None and D(0) <= score <= ctx.full()
