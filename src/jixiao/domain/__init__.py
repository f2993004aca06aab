"""The domain vocabulary: one module per concept every area must read the same way.

- :mod:`.signs` — 计算符号: direction, met, 完成率, the score's share, 定性档次;
- :mod:`.over_achievement` — 目标设定偏低: when a 完成值 means the target was set too low;
- :mod:`.grades` — the grade scale: 优/良/中/差, their spellings, grading a total by bands.

Pure functions of plain values (no datasets, no files); figures, checks, scoring,
monitoring and reports import from here and nowhere keeps a copy. The table-driven
tests in ``tests/domain`` pin every edge case.
"""

from __future__ import annotations

from jixiao.domain.grades import GRADE_ORDER, GradeBand, canonical, grade_for, same_grade
from jixiao.domain.over_achievement import OverAchievement, exceeds, over_rate
from jixiao.domain.signs import (
    QUALITATIVE_GRADES,
    SIGNS,
    Direction,
    QualitativeGrade,
    Sign,
    completion_rate,
    direction,
    is_met,
    score_share,
    sign_of,
    symbols,
)

__all__ = [
    "GRADE_ORDER",
    "QUALITATIVE_GRADES",
    "SIGNS",
    "Direction",
    "GradeBand",
    "OverAchievement",
    "QualitativeGrade",
    "Sign",
    "canonical",
    "completion_rate",
    "direction",
    "exceeds",
    "grade_for",
    "is_met",
    "over_rate",
    "same_grade",
    "score_share",
    "sign_of",
    "symbols",
]
