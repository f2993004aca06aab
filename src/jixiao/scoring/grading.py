"""Grading a total that no framework scored: the national bands, read from a framework file.

A department's own 自评评分 total (no framework named), a project's 自评得分 and a stated
total are graded by the bands of :data:`GRADING_FRAMEWORK` — the national department
framework, whose bands are those of 财预〔2020〕10号. The bands stay data in that YAML
file; nothing else keeps a copy. A total that a framework scored carries that
framework's own grade (``Scorecard.grade``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from decimal import Decimal

    from jixiao.domain.grades import GradeBand
    from jixiao.scoring.model import Framework

#: The framework whose bands grade a total when no framework scored it.
GRADING_FRAMEWORK = "mof-dept-2013"


def grading_framework(framework: Framework | None = None) -> Framework:
    """``framework``, or the shipped :data:`GRADING_FRAMEWORK`."""
    # Imported here: ``jixiao audit`` reads :data:`GRADING_FRAMEWORK` without the loader.
    from jixiao.scoring.loader import load_framework

    return framework if framework is not None else load_framework(GRADING_FRAMEWORK)


def grade_total(total: Decimal | None, framework: Framework | None = None) -> GradeBand | None:
    """The band of ``total`` under ``framework``'s bands (default: the national ones)."""
    if total is None:
        return None
    return grading_framework(framework).grade_for(total)
