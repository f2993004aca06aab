"""Comparing a stated number with the one recomputed from the others, as reports round.

The text rounds half-up to the precision it prints (:func:`jixiao.lib.money.round_half_up`).
A stated value that is the *truncation* of the right one is a rounding slip; a value that
the rounding of its inputs can explain (the parts were rounded before they were
printed) is worth an ``info``; anything else contradicts the text and is an ``error``.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from jixiao.audit.numbers import Quantity
from jixiao.findings import Severity
from jixiao.lib.money import HUNDRED, quantum, round_half_up, truncate

TWO = Decimal(2)


@dataclass(frozen=True)
class Verdict:
    """``severity`` is None when the stated value is right; ``expected`` as the text would print it."""

    severity: Severity | None
    expected: Decimal

    @property
    def ok(self) -> bool:
        return self.severity is None


def judge(stated: Quantity, exact: Decimal, low: Decimal, high: Decimal) -> Verdict:
    """Judge ``stated`` against the exact value (all in ``stated``'s printed unit).

    ``low``/``high`` bound what the exact value could be given the rounding of the inputs.
    """
    expected = round_half_up(exact, stated.places)
    if stated.printed == expected:
        return Verdict(None, expected)
    if stated.printed == truncate(exact, stated.places):
        return Verdict(Severity.ROUNDING, expected)
    half = quantum(stated.places) / TWO if stated.ulp else Decimal(0)  # whole counts are exact
    if low - half <= stated.printed <= high + half:
        return Verdict(Severity.INFO, expected)
    return Verdict(Severity.ERROR, expected)


def judge_percent(stated: Quantity, numerator: Quantity, base: Quantity) -> Verdict | None:
    """``stated`` % against numerator / base × 100; None when the base is zero."""
    if base.value == 0:
        return None
    exact = numerator.value / base.value * HUNDRED
    low, high = _ratio_bounds(numerator, base)
    return judge(stated, exact, low, high)


def judge_growth(
    stated: Quantity, delta: Decimal, delta_ulp: Decimal, prior: Decimal, prior_ulp: Decimal
) -> Verdict | None:
    """``stated`` % against |delta| / prior × 100 (增幅/减幅)."""
    if prior <= 0:
        return None
    exact = abs(delta) / prior * HUNDRED
    low_prior, high_prior = prior + prior_ulp / TWO, max(prior - prior_ulp / TWO, quantum(12))
    low = max(abs(delta) - delta_ulp, Decimal(0)) / low_prior * HUNDRED
    high = (abs(delta) + delta_ulp) / high_prior * HUNDRED
    return judge(stated, exact, low, high)


def judge_amount(stated: Quantity, exact: Decimal, slack: Decimal) -> Verdict:
    """``stated`` (a total, a difference) against ``exact`` (canonical unit).

    ``slack`` is how far the inputs' own rounding can move ``exact``. A total that is one
    unit of its last digit away from the sum of its rounded parts is ``info``.
    """
    exact_printed = exact / stated.scale
    slack_printed = slack / stated.scale
    verdict = judge(
        stated, exact_printed, exact_printed - slack_printed, exact_printed + slack_printed
    )
    one_unit = abs(stated.printed - exact_printed) <= quantum(stated.places)
    if verdict.severity is Severity.ERROR and slack > 0 and one_unit:
        return Verdict(Severity.INFO, verdict.expected)
    return verdict


def rounding_slack(*parts: Quantity) -> Decimal:
    """Half a unit of the last digit of each part: how far their rounding can add up."""
    return sum((p.ulp / TWO for p in parts), Decimal(0))


def _ratio_bounds(numerator: Quantity, base: Quantity) -> tuple[Decimal, Decimal]:
    n_low, n_high = numerator.value - numerator.ulp / TWO, numerator.value + numerator.ulp / TWO
    b_low, b_high = base.value - base.ulp / TWO, base.value + base.ulp / TWO
    if b_low <= 0:
        return Decimal(0), Decimal(10) ** 12
    return max(n_low, Decimal(0)) / b_high * HUNDRED, n_high / b_low * HUNDRED
