"""Honesty properties on generated genre text (tests/audit/genre.py).

1. A report whose numbers all derive from one consistent dataset audits with no error.
2. Changing any single digit of any single number is caught (≥ 95% of random mutations;
   the rate itself is measured and recorded by benchmarks/audit.py).
"""

from __future__ import annotations

import random
import re
from decimal import Decimal

from genre import generate, mutate
from hypothesis import given, settings
from hypothesis import strategies as st

from jixiao.audit import audit_lines
from jixiao.findings import Severity

SEEDS = st.integers(min_value=0, max_value=2**32 - 1)
#: Severities that count as "caught": a reviewer is told the number is wrong or suspect.
CAUGHT = {Severity.ERROR, Severity.WARNING, Severity.ROUNDING}


@settings(max_examples=60, deadline=None)
@given(SEEDS)
def test_a_consistent_report_audits_clean(seed: int) -> None:
    text = generate(seed)
    findings = audit_lines(text.lines).findings
    assert [(f.location.line, f.code, f.message) for f in findings] == []


@settings(max_examples=60, deadline=None)
@given(SEEDS)
def test_most_of_a_generated_report_is_checked(seed: int) -> None:
    result = audit_lines(generate(seed).lines)
    assert result.checked >= 0.9 * result.claims


def mutation_catch_rate(count: int, seed: int = 20261124) -> float:
    """Share of single-digit mutations that raise an error, warning or rounding finding."""
    rng = random.Random(seed)
    caught = 0
    for _ in range(count):
        lines, _, _, _ = mutate(generate(rng.randrange(2**32)), rng)
        if any(f.severity in CAUGHT for f in audit_lines(lines).findings):
            caught += 1
    return caught / count


def test_single_number_mutations_are_caught_at_least_95_percent_of_the_time() -> None:
    assert mutation_catch_rate(300) >= 0.95


@settings(max_examples=40, deadline=None)
@given(SEEDS, st.integers(min_value=0, max_value=2**32 - 1))
def test_a_caught_mutation_is_named_in_its_finding(seed: int, choice: int) -> None:
    """The changed number shows up in a finding: on its own line, as stated, or in the message."""
    lines, (line_index, _, _), _, new = mutate(generate(seed), random.Random(choice))
    findings = [f for f in audit_lines(lines).findings if f.severity in CAUGHT]
    changed = Decimal(new.replace(",", ""))
    for finding in findings:
        numbers = {
            Decimal(n.replace(",", "")) for n in re.findall(r"\d[\d,]*(?:\.\d+)?", finding.message)
        }
        if (
            finding.location.line == line_index + 1
            or changed in numbers
            or finding.stated == format(changed, "f")
        ):
            return
    assert not findings, [(f.location.line, f.message) for f in findings]
