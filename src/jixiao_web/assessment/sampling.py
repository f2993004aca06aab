"""抽查复核: which items are drawn, by a stated rule with a recorded seed.

A rule is data (:data:`SAMPLE_RULES`): its id, its Chinese statement (shown with the draw)
and the function that draws. The draw depends only on the strata, the percentage and the
seed — each stratum (a department) is drawn with its own generator seeded by
``"<seed>:<stratum>"`` (Python's ``random.Random`` seeds a text deterministically, across
runs and machines), so the same seed gives the same items, and adding a department
leaves the others' draw unchanged.
"""

from __future__ import annotations

import math
import random
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from jixiao.lib.registry import Registry


def natural_key(code: str) -> tuple[int | str, ...]:
    """``2.10`` after ``2.9``: item codes sorted as people number them."""
    return tuple(int(p) if p.isdigit() else p for p in re.split(r"[.]", code))


def sample_size(population: int, percent: Decimal) -> int:
    """N% of the items, rounded up, at least one (when there is any)."""
    if population == 0:
        return 0
    wanted = math.ceil(Decimal(population) * percent / 100)
    return max(1, min(population, wanted))


Draw = Callable[[Mapping[str, Sequence[str]], Decimal, int], dict[str, list[str]]]


@dataclass(frozen=True)
class SampleRule:
    statement: str  #: the rule in words, with ``{percent}`` and ``{seed}``
    draw: Draw


def stratified(
    strata: Mapping[str, Sequence[str]], percent: Decimal, seed: int
) -> dict[str, list[str]]:
    """Per stratum, ``sample_size`` items drawn without replacement, in code order."""
    result: dict[str, list[str]] = {}
    for stratum in sorted(strata):
        items = sorted(set(strata[stratum]), key=natural_key)
        rng = random.Random(f"{seed}:{stratum}")
        chosen = rng.sample(items, sample_size(len(items), percent))
        result[stratum] = sorted(chosen, key=natural_key)
    return result


SAMPLE_RULES: Registry[SampleRule] = Registry("抽样规则")
SAMPLE_RULES.add(
    "stratified",
    "按部门分层随机抽样",
    SampleRule(
        "以部门为层，在每个部门已提交自评表中已填自评得分的末级指标里，按编码排序后随机抽取"
        " {percent}%（向上取整，至少 1 项）；随机种子 {seed}，每个部门用“种子:部门编码”"
        "单独抽取，同一种子重抽结果相同",
        stratified,
    ),
)


def statement(rule: str, percent: Decimal, seed: int) -> str:
    return SAMPLE_RULES[rule].statement.format(percent=format(percent.normalize(), "f"), seed=seed)
