"""Derived figures: every number a 部门整体支出绩效自评报告 states, recomputed from a dataset.

``compute_figures(dataset)`` returns a :class:`FigureSet` (an ordered mapping id →
:class:`Figure`). Ids are documented in ``docs/figures.md``.
"""

from __future__ import annotations

from jixiao.figures.engine import AREAS, compute_figures
from jixiao.figures.ids import FIGURE_IDS, FIGURE_PATTERNS, is_figure_id
from jixiao.figures.model import Figure, FigureSet

__all__ = [
    "AREAS",
    "FIGURE_IDS",
    "FIGURE_PATTERNS",
    "Figure",
    "FigureSet",
    "compute_figures",
    "is_figure_id",
]
