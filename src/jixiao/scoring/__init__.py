"""Scoring: declarative indicator frameworks, explainable scores, grades, bulk scoring.

The stable API (see ``docs/scoring.md``):

- :func:`score_dataset` ``(dataset, framework_id) -> Scorecard`` — a department framework;
- :func:`score_projects` ``(dataset, framework_id) -> list[Scorecard]`` — a project framework;
- :func:`score_project` ``(framework_id, project, indicators) -> Scorecard`` — one project;
- :func:`load_framework` / :func:`known_frameworks` — the shipped YAML frameworks;
- :func:`what_if` — the smallest changes that reach the next grade;
- ``Scorecard.total``, ``.grade`` (优/良/中/差), ``.grade_label`` (优秀/良好/…), ``.items``
  (the scored tree of :class:`ItemScore`), ``.findings`` and ``.to_json()``.

The names are imported on first use (:func:`__getattr__`): importing any submodule runs
this package's module first, and ``jixiao audit``'s grade rule reads only the national
bands' framework file (:mod:`jixiao.audit.rules.scores`), not the scoring engine.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
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

#: Where each name of :data:`__all__` lives.
_HOMES = {
    "Framework": "jixiao.scoring.model",
    "FrameworkError": "jixiao.scoring.loader",
    "ItemScore": "jixiao.scoring.model",
    "Scorecard": "jixiao.scoring.model",
    "Status": "jixiao.scoring.model",
    "UnknownFramework": "jixiao.scoring.loader",
    "WhatIf": "jixiao.scoring.whatif",
    "known_frameworks": "jixiao.scoring.loader",
    "load_framework": "jixiao.scoring.loader",
    "parse_framework": "jixiao.scoring.loader",
    "score_dataset": "jixiao.scoring.engine",
    "score_project": "jixiao.scoring.engine",
    "score_projects": "jixiao.scoring.engine",
    "what_if": "jixiao.scoring.whatif",
}


def __getattr__(name: str) -> Any:
    if name not in _HOMES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(_HOMES[name]), name)
