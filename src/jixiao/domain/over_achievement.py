"""目标设定偏低: a 完成值 far beyond its target means the target was set too low.

财预〔2020〕10号: completion far above the 指标值 is analysed, and if the target was set
clearly too low, points are deducted by the deviation. The one policy, used by the
scoring rules (per item and in bulk, with the framework's ``over_achievement``) and by
the target review at self-evaluation (with ``review.yaml``'s ``over_achievement``):

- only 正向 (``≥ ＞``) and 反向 (``≤ ＜``) targets over-achieve; ``＝`` (any deviation is a
  miss) and 定性 do not;
- the measure is the 完成率 in the target's direction (:func:`~jixiao.domain.signs.completion_rate`:
  完成值 ÷ 指标值, or 指标值 ÷ 完成值 for 反向), and it needs both values positive — a
  反向 完成值 of 0 (“安全事故 ≤ 2”, none happened) is the ideal, not a lax target;
- the target is set too low when that rate is **above** the threshold (percent, ≥ 100),
  compared exactly (``n × 100 > d × threshold``), never after rounding.

What happens then is the caller's: scoring keeps ``1 − deduction`` of the points, the
review raises a flag.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from jixiao.domain.signs import Direction, completion_rate, sign_of
from jixiao.lib.money import HUNDRED, ZERO


@dataclass(frozen=True)
class OverAchievement:
    """目标值设定偏低: a 完成率 above ``threshold`` % loses ``deduction`` of the points."""

    threshold: Decimal  #: percent of the target, ≥ 100 (e.g. 200)
    deduction: Decimal = ZERO  #: share of the indicator's points, 0–1 (e.g. 0.1); 0 = flag only

    def problems(self) -> list[str]:
        """What is wrong with the numbers, in Chinese (empty when fine)."""
        result = []
        if self.threshold < HUNDRED:
            result.append(f"threshold 为 {self.threshold}%：应不小于 100（%）")
        if not ZERO <= self.deduction <= 1:
            result.append(f"deduction 为 {self.deduction}：应在 0 至 1 之间")
        return result


def _fraction(symbol: str, actual: Decimal, target: Decimal) -> tuple[Decimal, Decimal] | None:
    direction = sign_of(symbol).direction
    if direction not in (Direction.HIGHER, Direction.LOWER) or actual <= 0 or target <= 0:
        return None
    return (actual, target) if direction is Direction.HIGHER else (target, actual)


def exceeds(
    policy: OverAchievement, symbol: str, actual: Decimal | None, target: Decimal | None
) -> bool:
    """True when the target counts as set too low under ``policy``."""
    if actual is None or target is None:
        return False
    pair = _fraction(symbol, actual, target)
    return pair is not None and pair[0] * HUNDRED > pair[1] * policy.threshold


def over_rate(symbol: str, actual: Decimal | None, target: Decimal | None) -> Decimal | None:
    """The 完成率 (percent, unrounded) the policy measures; ``None`` where it does not apply."""
    if actual is None or target is None or _fraction(symbol, actual, target) is None:
        return None
    return completion_rate(symbol, actual, target)
