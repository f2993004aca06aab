"""计算符号, one table: every edge case of met, 完成率, the score's share and 目标设定偏低.

Read a row as: “指标值 <sign> <target>, 完成值 <actual> → met?, 完成率, share of the points,
set too low at 120%?”. ``—`` is “none” (cannot be judged, no rate, no proportional score).
The figures, the checks, scoring (per item and bulk), the target review and the 整改 list
all read these functions, so this table is what they all say.
"""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jixiao.domain import (
    SIGNS,
    Direction,
    OverAchievement,
    completion_rate,
    direction,
    exceeds,
    is_met,
    score_share,
)
from jixiao.lib.money import round_half_up

NONE = "—"
TOO_LOW_AT_120 = OverAchievement(D(120))

# sign, target, actual → met, 完成率 %, share, too low at 120%
TABLE = [
    # 正向 ≥: met at the value, proportional below it
    ("≥", "90", "50", "否", "55.56", "0.5556", "否"),
    ("≥", "90", "90", "是", "100.00", "1", "否"),
    ("≥", "90", "120", "是", "133.33", "1", "是"),  # 133% > 120%: target set too low
    ("≥", "100", "120", "是", "120.00", "1", "否"),  # exactly 120%: not above it
    ("≥", "100", "-5", "否", NONE, "0", "否"),  # negative 完成值 counts as 0; no rate
    ("≥", "0", "3", "是", NONE, "1", "否"),  # a zero target met: full, no rate
    ("≥", "0", "-3", "否", NONE, NONE, "否"),  # … missed: no proportion to score by
    ("≥", "-5", "-3", "是", NONE, "1", "否"),  # negative targets: met is met
    ("≥", "-3", "-5", "否", NONE, NONE, "否"),  # … −5 ÷ −3 = 166.67% would read backwards
    ("≥", "90", None, NONE, NONE, NONE, "否"),  # no 完成值: cannot be judged
    # 正向 ＞: strict — the boundary is a miss whose proportion is 1
    ("＞", "10", "10", "否", "100.00", "1", "否"),
    ("＞", "10", "11", "是", "110.00", "1", "否"),
    ("＞", "10", "9", "否", "90.00", "0.9", "否"),
    ("＞", "0", "0", "否", NONE, NONE, "否"),
    # 反向 ≤: 完成率 = 指标值 ÷ 完成值
    ("≤", "5", "4", "是", "125.00", "1", "是"),
    ("≤", "5", "5", "是", "100.00", "1", "否"),
    ("≤", "5", "8", "否", "62.50", "0.625", "否"),
    ("≤", "5", "0", "是", NONE, "1", "否"),  # none happened: the ideal, not a lax target
    ("≤", "0", "0", "是", NONE, "1", "否"),  # “≤ 0” met
    ("≤", "0", "2", "否", "0.00", "0", "否"),  # “≤ 0” missed: 0 ÷ 2
    ("≤", "-5", "-8", "是", NONE, "1", "否"),  # negative target met: full
    ("≤", "-5", "-2", "否", NONE, NONE, "否"),  # … missed: no proportion
    # 反向 ＜: strict
    ("＜", "5", "5", "否", "100.00", "1", "否"),
    ("＜", "5", "4", "是", "125.00", "1", "是"),
    ("＜", "0", "0", "否", NONE, NONE, "否"),
    # ＝: any deviation is a miss; below like 正向, above like 反向; never too low
    ("＝", "100", "100", "是", "100.00", "1", "否"),
    ("＝", "100", "99", "否", "99.00", "0.99", "否"),
    ("＝", "100", "125", "否", "125.00", "0.8", "否"),
    ("＝", "100", "300", "否", "300.00", "0.3333", "否"),
    ("＝", "0", "0", "是", NONE, "1", "否"),
    ("＝", "0", "1", "否", NONE, NONE, "否"),
]


def _text(value: object) -> str:
    if value is None:
        return NONE
    if isinstance(value, bool):
        return "是" if value else "否"
    return str(value)


@pytest.mark.parametrize(("sign", "target", "actual", "met", "rate", "share", "too_low"), TABLE)
def test_the_sign_table(
    sign: str, target: str, actual: str | None, met: str, rate: str, share: str, too_low: str
) -> None:
    t, a = D(target), None if actual is None else D(actual)
    assert _text(is_met(sign, a, t)) == met
    computed = completion_rate(sign, a, t)
    assert _text(None if computed is None else round_half_up(computed, 2)) == rate
    fraction = score_share(sign, a, t)
    shown = None if fraction is None else round_half_up(fraction[0] / fraction[1], 4).normalize()
    assert _text(shown) == share
    assert _text(exceeds(TOO_LOW_AT_120, sign, a, t)) == too_low


@pytest.mark.parametrize(
    ("grade", "met"),
    [("达成", "是"), ("部分达成", "否"), ("未达成", "否"), ("", NONE)],
)
def test_a_qualitative_target_is_met_by_its_grade(grade: str, met: str) -> None:
    assert _text(is_met("定性", None, None, grade)) == met
    assert completion_rate("定性", D(1), D(1)) is None
    assert not exceeds(TOO_LOW_AT_120, "定性", D(500), D(1))


def test_the_directions_and_an_unknown_sign() -> None:
    assert [direction(s) for s in SIGNS] == [
        Direction.HIGHER,
        Direction.HIGHER,
        Direction.EQUAL,
        Direction.LOWER,
        Direction.LOWER,
        Direction.QUALITATIVE,
    ]
    with pytest.raises(ValueError, match="未知的计算符号"):
        direction(">=")


numbers = st.decimals(min_value=-1000, max_value=1000, places=2, allow_nan=False)
quantitative = st.sampled_from([s for s in SIGNS if s != "定性"])


@given(sign=quantitative, target=numbers, actual=numbers)
def test_met_means_full_points_and_a_miss_never_more(sign: str, target: D, actual: D) -> None:
    """Full points exactly when met, except the strict boundary whose proportion is 1."""
    share = score_share(sign, actual, target)
    met = is_met(sign, actual, target)
    if met:
        assert share == (D(1), D(1))
    elif share is not None:
        assert 0 <= share[0] / share[1] <= 1
        if share[0] / share[1] == 1:
            assert actual == target and sign in ("＞", "＜")


@given(sign=quantitative, target=numbers, actual=numbers)
def test_too_low_implies_met_with_a_rate_above_100(sign: str, target: D, actual: D) -> None:
    if exceeds(TOO_LOW_AT_120, sign, actual, target):
        rate = completion_rate(sign, actual, target)
        assert is_met(sign, actual, target)
        assert rate is not None and rate > 120
