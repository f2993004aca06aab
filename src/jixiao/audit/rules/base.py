"""The rule registry and the helpers every rule shares (how a figure is shown, bases…)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import TypeVar

from jixiao.audit.claims import Claim
from jixiao.audit.engine import Audit, Rule
from jixiao.audit.groups import SumGroup, find_groups
from jixiao.audit.numbers import COUNT, MONEY, PERCENT, Quantity
from jixiao.audit.verify import Verdict, rounding_slack
from jixiao.findings import Severity
from jixiao.lib.money import (
    format_amount,
    normalize,
    round_half_up,
)

E = Severity.ERROR
W = Severity.WARNING

RULES: list[Rule] = []
B = TypeVar("B")


def rule(
    identifier: str, verbose_name: str
) -> Callable[[Callable[[Audit], None]], Callable[[Audit], None]]:
    """Register a rule under ``identifier`` with its Chinese name."""

    def register(check: Callable[[Audit], None]) -> Callable[[Audit], None]:
        RULES.append(Rule(identifier, verbose_name, check))
        return check

    return register


# --------------------------------------------------------------------------- helpers


def show(claim: Claim) -> str:
    """A claim's number as the text printed it, with its unit: "617,056.54 万元"."""
    q = claim.q
    if q.kind == MONEY:
        return f"{format_amount(q.printed, q.places)} {q.unit}"
    if q.kind == PERCENT:
        return f"{q.text}{q.unit}"
    return f"{q.text} {q.unit}"


def named(claim: Claim) -> str:
    """ "“财政拨款收入” 592,519.16 万元（第 12 行）"."""
    label = claim.label or claim.prefix or "（无名称）"
    return f"“{label}” {show(claim)}（第 {claim.line} 行）"


def slack(*claims: Claim) -> Decimal:
    """How far the rounding of these printed figures can move a sum of them."""
    return rounding_slack(*(c.q for c in claims))


def score_slack(*parts: Quantity) -> Decimal:
    """Whole and half points are exact; parts printed to the hundredth may have been rounded."""
    return rounding_slack(*(p for p in parts if p.places >= 2))


def plain(value: Decimal, places: int = 4) -> str:
    return format(normalize(round_half_up(value, places)), "f")


def groups(audit: Audit) -> list[SumGroup]:
    cached = audit.cache.get("groups")
    if cached is None:
        cached = find_groups(audit.claims)
        audit.cache["groups"] = cached
    return cached  # type: ignore[return-value]


def percent_claims(audit: Audit) -> Iterable[Claim]:
    return (
        c for c in audit.claims.claims if c.kind == PERCENT and c.q.unit == "%" and not c.q.approx
    )


def figure_before(
    audit: Audit, claim: Claim, kinds: tuple[str, ...] = (MONEY, COUNT)
) -> Claim | None:
    """The figure a percent refers to: the nearest listed figure before it in its sentence."""
    sentence = claim.para.sentence_at(claim.q.start)
    for other in audit.claims.before(claim):
        if other.q.start < sentence.start:
            return None
        if other.kind in kinds and other.listed:
            return other
    return None


def first_verdict(results: list[tuple[B, Verdict]]) -> tuple[B, Verdict] | None:
    """Any base that makes the statement right wins; otherwise the first (most likely) base."""
    if not results:
        return None
    for base, verdict in results:
        if verdict.ok:
            return base, verdict
    return results[0]
