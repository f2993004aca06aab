"""How children's scores combine at a node: a registry of aggregation methods.

``weighted_sum`` is what the Chinese frameworks do (a parent's score is the sum of its
children's scores, each child's points being its weight). ``m1`` and ``m2`` are the two
PEFA 2016 methods for multi-dimensional indicators: M1 (weakest link) and M2 (averaging
by the conversion table). PEFA scores are letters; they travel as numbers (D=1 … A=4,
``+`` = 0.5) so a scorecard stays one shape.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import ROUND_FLOOR, Decimal

from jixiao.lib.money import ZERO
from jixiao.lib.registry import Registry
from jixiao.scoring.rules import RATING_VALUES, rating_value


@dataclass(frozen=True)
class Combined:
    score: Decimal
    explanation: str
    rating: str = ""


Aggregator = Callable[[Sequence[Decimal], Sequence[str]], Combined]
#: How a parent combines its children's scores, by identifier (frameworks name one).
AGGREGATIONS: Registry[Aggregator] = Registry("汇总方法")


def aggregation(name: str, label: str = "") -> Callable[[Aggregator], Aggregator]:
    """Register an aggregation: ``@aggregation("weighted_sum", "加权求和")``."""
    return AGGREGATIONS.register(name, label or name)


def rating_text(value: Decimal) -> str:
    """The PEFA letter of a numeric rating (``2.5`` → ``C+``)."""
    base = int(value)
    letter = next(k for k, v in RATING_VALUES.items() if v == base)
    return letter + ("+" if value != base else "")


@aggregation("weighted_sum", "加权求和")
def weighted_sum(scores: Sequence[Decimal], ratings: Sequence[str]) -> Combined:
    total = sum(scores, ZERO)
    return Combined(total, "下级指标得分合计")


@aggregation("m1", "PEFA M1（最弱环节法）")
def weakest_link(scores: Sequence[Decimal], ratings: Sequence[str]) -> Combined:
    """PEFA M1: the lowest dimension score, with ``+`` when any other dimension is higher."""
    lowest = min(int(s) for s in scores)
    higher = any(s > lowest for s in scores)
    value = Decimal(lowest) + (Decimal("0.5") if higher else ZERO)
    text = rating_text(value)
    return Combined(
        value, f"PEFA M1（最弱环节）：各维度 {'、'.join(ratings)}，综合为 {text}", rating=text
    )


#: What M2 adds to the mean of the dimension scores before flooring to a half step, by the
#: number of dimensions. A secondary source (a PEFA scoring-tool presentation) states that
#: the 2011/2016 conversion table equals this rule; the official table was not available
#: to check every 3- and 4-dimension row (the 1- and 2-dimension rows are plain averages).
M2_ADJUSTMENT: dict[int, Decimal] = {1: ZERO, 2: ZERO, 3: Decimal("0.33"), 4: Decimal("0.25")}


def m2_table(letters: Sequence[str]) -> str:
    """The M2 (averaging) overall score for 1–4 dimension letters (A/B/C/D)."""
    values = [RATING_VALUES[x] for x in letters]
    mean = sum(values, ZERO) / len(values) + M2_ADJUSTMENT[len(values)]
    halves = (mean * 2).to_integral_value(rounding=ROUND_FLOOR) / 2
    return rating_text(halves)


@aggregation("m2", "PEFA M2（平均法）")
def averaging(scores: Sequence[Decimal], ratings: Sequence[str]) -> Combined:
    """PEFA M2: dimension scores converted by the official averaging table."""
    letters = [r[0] for r in ratings]
    text = m2_table(letters)
    return Combined(
        rating_value(text),
        f"PEFA M2（平均法）：各维度 {'、'.join(ratings)}，按换算表综合为 {text}",
        rating=text,
    )
