"""Scoring: declarative indicator frameworks, explainable scores, grades, bulk scoring.

The stable API (see ``docs/scoring.md``):

- :func:`score_dataset` ``(dataset, framework_id) -> Scorecard`` — a department framework;
- :func:`score_projects` ``(dataset, framework_id) -> list[Scorecard]`` — a project framework;
- :func:`score_project` ``(framework_id, project, indicators) -> Scorecard`` — one project;
- :func:`load_framework` / :func:`known_frameworks` — the shipped YAML frameworks;
- :func:`what_if` — the smallest changes that reach the next grade;
- ``Scorecard.total``, ``.grade`` (优/良/中/差), ``.grade_label`` (优秀/良好/…), ``.items``
  (the scored tree of :class:`ItemScore`), ``.findings`` and ``.to_json()``.
"""

from __future__ import annotations

from jixiao.scoring.engine import score_dataset, score_project, score_projects
from jixiao.scoring.loader import (
    FrameworkError,
    UnknownFramework,
    known_frameworks,
    load_framework,
    parse_framework,
)
from jixiao.scoring.model import Framework, ItemScore, Scorecard, Status
from jixiao.scoring.whatif import WhatIf, what_if

__all__ = [
    "Framework",
    "FrameworkError",
    "ItemScore",
    "Scorecard",
    "Status",
    "UnknownFramework",
    "WhatIf",
    "known_frameworks",
    "load_framework",
    "parse_framework",
    "score_dataset",
    "score_project",
    "score_projects",
    "what_if",
]
