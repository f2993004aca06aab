"""计算符号: what a target's sign means — direction, met or not, 完成率, the score's share.

This is the one place that reads a 计算符号 (the platform's enum ``≥ ＞ ＝ ＜ ≤ 定性``,
PMKPIZBXS 1–6). Figures, checks, scoring (per item and in bulk), target review and
result application all ask here, so they cannot disagree. The semantics, decided from
财预〔2020〕10号 and the 正向/反向 formulas in ``/work/shared/domain`` (see
``docs/scoring.md`` → “计算符号”):

- **Direction.** ``≥`` and ``＞`` are 正向 (more is better), ``≤`` and ``＜`` 反向 (less is
  better), ``＝`` asks for the value itself, ``定性`` has no number but a 完成档次.
- **Met** (:func:`is_met`) reads the sign literally: ``＞ 10`` is met only by a 完成值
  above 10, ``＜ 5`` only by one below 5. The platform offers both ``≥`` and ``＞``, so
  they must mean different things. A 定性 target is met when its 档次 is 达成.
- **完成率** (:func:`completion_rate`, percent): 正向 and ``＝`` 完成值 ÷ 指标值, 反向
  指标值 ÷ 完成值 (so over 100% is better than the target in both directions). It is
  only a rate when the base is positive and the other value not negative: a ratio of
  negative values reads backwards (−5 ÷ −3 = 166.67% for an unmet ``＞ −3``), and a
  zero base has no ratio. 定性 targets have no 完成率.
- **Score share** (:func:`score_share`, the fraction of the indicator's points): a met
  target earns all of them, whatever its numbers (``≥ 0`` met by 3, ``≤ −5`` met by
  −8). An unmet one earns the national proportion: 正向 完成值 ÷ 指标值, 反向 指标值 ÷
  完成值, ``＝`` the smaller of the two; a negative 完成值 counts as 0. Where that
  proportion is not defined (an unmet target whose 指标值 is 0 or negative for 正向 and
  ``＝``, negative for 反向) there is no share: the score needs a person.

The boundary of a strict sign is the one case where the two readings meet: ``＞ 10``
with 完成值 10 is **not met** (a 整改 item, ``met`` = 0), and its proportion 10 ÷ 10 is
1, so the national formula still gives the full points. The score explains it as a
miss (“未达到”), never as 达成, and never applies 目标设定偏低 to it.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from jixiao.lib.money import ZERO, ratio_percent

ONE = Decimal(1)


class Direction(StrEnum):
    """Which way a target points."""

    HIGHER = "正向"  #: ≥ ＞ — more is better
    LOWER = "反向"  #: ≤ ＜ — less is better
    EQUAL = "等于"  #: ＝ — the value itself
    QUALITATIVE = "定性"  #: no number: a 完成档次


Compare = Callable[[Decimal, Decimal], bool]


@dataclass(frozen=True)
class Sign:
    """One 计算符号: its direction and the comparison ``actual <op> target`` that means met."""

    symbol: str
    direction: Direction
    compare: Compare | None  #: ``operator.ge`` …; ``None`` for 定性
    words: str  #: how a sentence says it: ``不低于``, ``高于`` …

    @property
    def quantitative(self) -> bool:
        return self.direction is not Direction.QUALITATIVE

    @property
    def strict(self) -> bool:
        return self.compare in (operator.gt, operator.lt)


#: Every 计算符号, in the platform's order (PMKPIZBXS 1–6).
SIGNS: dict[str, Sign] = {
    s.symbol: s
    for s in (
        Sign("≥", Direction.HIGHER, operator.ge, "不低于"),
        Sign("＞", Direction.HIGHER, operator.gt, "高于"),
        Sign("＝", Direction.EQUAL, operator.eq, "等于"),
        Sign("＜", Direction.LOWER, operator.lt, "低于"),
        Sign("≤", Direction.LOWER, operator.le, "不高于"),
        Sign("定性", Direction.QUALITATIVE, None, "定性"),
    )
}


def sign_of(symbol: str) -> Sign:
    """The :class:`Sign` of ``symbol``; a ``ValueError`` in Chinese for anything else.

    Datasets are validated on load (``jixiao.dataset.build`` maps ``>=`` etc. to these
    symbols), so an unknown symbol here is a programming error, not user input.
    """
    try:
        return SIGNS[symbol]
    except KeyError:
        raise ValueError(f"未知的计算符号“{symbol}”（应为：{'、'.join(SIGNS)}）") from None


def direction(symbol: str) -> Direction:
    return sign_of(symbol).direction


def symbols(*directions: Direction) -> tuple[str, ...]:
    """The symbols of the given directions, in platform order (for filters and queries)."""
    return tuple(s.symbol for s in SIGNS.values() if s.direction in directions)


# --------------------------------------------------------------------------- 定性档次


@dataclass(frozen=True)
class QualitativeGrade:
    """A 定性完成档次 and its band of the points (财预〔2020〕10号), in percent."""

    name: str
    low: Decimal
    high: Decimal
    default: Decimal  #: the percent used when the framework names none

    def clamp(self, percent: Decimal) -> Decimal:
        return min(max(percent, self.low), self.high)


#: 达成 100–80%(含), 部分达成 80–60%(含), 未达成 60–0%. The defaults (100, 70, 30) are the
#: top of the first band and the middle of the others; a framework may set its own.
QUALITATIVE_GRADES: dict[str, QualitativeGrade] = {
    g.name: g
    for g in (
        QualitativeGrade("达成", Decimal(80), Decimal(100), Decimal(100)),
        QualitativeGrade("部分达成", Decimal(60), Decimal(80), Decimal(70)),
        QualitativeGrade("未达成", ZERO, Decimal(60), Decimal(30)),
    )
}
MET_GRADE = "达成"


# --------------------------------------------------------------------------- met, rate, share


def is_met(
    symbol: str, actual: Decimal | None, target: Decimal | None, grade: str = ""
) -> bool | None:
    """Whether the target is met; ``None`` when it cannot be judged (a value or 档次 missing)."""
    sign = sign_of(symbol)
    if sign.compare is None:
        return None if not grade else grade == MET_GRADE
    if actual is None or target is None:
        return None
    return sign.compare(actual, target)


def completion_rate(symbol: str, actual: Decimal | None, target: Decimal | None) -> Decimal | None:
    """完成率 in percent, unrounded; ``None`` when it is not a meaningful rate (see above)."""
    sign = sign_of(symbol)
    if actual is None or target is None or sign.direction is Direction.QUALITATIVE:
        return None
    numerator, base = (target, actual) if sign.direction is Direction.LOWER else (actual, target)
    if base <= 0 or numerator < 0:
        return None
    return ratio_percent(numerator, base)


def score_share(
    symbol: str, actual: Decimal | None, target: Decimal | None
) -> tuple[Decimal, Decimal] | None:
    """The share of the points a quantitative target earns, as ``(numerator, denominator)``.

    A fraction, not a quotient, so that scoring can round ``points × n ÷ d`` once. ``None``
    when a value is missing or an unmet target has no defined proportion.
    """
    sign = sign_of(symbol)
    met = is_met(symbol, actual, target)
    if met is None or actual is None or target is None:
        return None
    if met:
        return ONE, ONE
    done = max(actual, ZERO)
    if sign.direction is Direction.HIGHER:
        return (done, target) if target > 0 else None
    if sign.direction is Direction.LOWER:
        # not met: actual ≥ target, so actual > 0 whenever target ≥ 0
        return (target, actual) if target >= 0 and actual > 0 else None
    # ＝: below the value scores like 正向, above it like 反向
    if target <= 0:
        return None
    return (done, target) if actual < target else (target, actual)
