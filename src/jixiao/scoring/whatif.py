"""What-if: the smallest changes to the leaf scores that reach the next grade.

The gap is the next band's lower limit minus the total. Any scored leaf with at least
that much headroom (分值 − 得分) closes it alone — each is one option, raised by exactly
the gap. When no single leaf can, the leaves with the most headroom are raised in turn
(fewest leaves touched).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from jixiao.lib.money import ZERO, quantum, round_half_up
from jixiao.scoring.model import Framework, GradeBand, ItemScore, Scorecard, Status
from jixiao.scoring.rules import FLAG_NOT_APPLICABLE, exact


@dataclass(frozen=True)
class Change:
    code: str
    name: str
    score: Decimal  #: current score
    points: Decimal
    increase: Decimal  #: how much the score must rise

    @property
    def new_score(self) -> Decimal:
        return self.score + self.increase


@dataclass(frozen=True)
class WhatIf:
    """How to reach ``target`` from the current total."""

    current: Decimal
    target: GradeBand
    gap: Decimal
    single: tuple[Change, ...]  #: each alone is enough
    combined: tuple[Change, ...]  #: together they are enough (when no single one is)

    @property
    def reachable(self) -> bool:
        return bool(self.single or self.combined)


def what_if(card: Scorecard, framework: Framework) -> WhatIf | None:
    """The changes that lift ``card`` to the next grade.

    ``None`` at the top grade, and when the total is unknown or incomplete (it has no grade).
    """
    if card.total is None or not card.complete:
        return None
    higher = [b for b in framework.grade_bands if b.minimum > card.total]
    if not higher:
        return None
    target = min(higher, key=lambda b: b.minimum)
    gap = target.minimum - card.total
    need = _leaf_gap(card, framework, target.minimum)
    leaves = [
        i
        for i in _effective_leaves(card.items)
        if i.status is Status.SCORED and i.score is not None
    ]
    room = sorted(
        ((i, i.points - (i.score or ZERO)) for i in leaves), key=lambda p: (-p[1], p[0].code)
    )
    single = tuple(_change(i, need) for i, headroom in room if headroom >= need)
    combined: list[Change] = []
    if not single:
        remaining = need
        for item, headroom in room:
            if remaining <= 0 or headroom <= 0:
                break
            step = min(headroom, remaining)
            combined.append(_change(item, step))
            remaining -= step
        if remaining > 0:
            combined = []
    return WhatIf(card.total, target, gap, single, tuple(combined))


def _leaf_gap(card: Scorecard, framework: Framework, goal: Decimal) -> Decimal:
    """How many leaf points the total needs: more than the gap when the total is re-scaled.

    With 按百分制折算 a leaf point is worth total_points / applicable points of the total;
    the smallest leaf increase (at the framework's places) whose re-scaled, rounded total
    reaches ``goal`` is returned.
    """
    known = sum((i.score for i in card.items if i.score is not None), ZERO)
    applicable = sum((i.points for i in card.items if FLAG_NOT_APPLICABLE not in i.flags), ZERO)
    if framework.not_applicable != "rescale" or applicable in (ZERO, framework.total_points):
        return goal - (card.total or ZERO)
    step = quantum(framework.places)
    need = round_half_up(
        exact((goal * applicable), framework.total_points) - known, framework.places
    )
    while (
        round_half_up(exact((known + need) * framework.total_points, applicable), framework.places)
        < goal
    ):
        need += step
    return need


def _effective_leaves(items: tuple[ItemScore, ...]) -> list[ItemScore]:
    """Leaves whose score counts: a node that fell back to its own score is one leaf."""
    result = []
    for item in items:
        if item.is_leaf or item.rule.startswith("fallback:"):
            result.append(item)
        else:
            result.extend(_effective_leaves(item.children))
    return result


def _change(item: ItemScore, increase: Decimal) -> Change:
    return Change(item.code, item.name, item.score or ZERO, item.points, increase)
