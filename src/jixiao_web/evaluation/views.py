"""Evaluation pages (filled in by the evaluation service)."""

from __future__ import annotations

from typing import Any

from jixiao_web.datasets.models import Dataset
from jixiao_web.orgs.access import Access


def summary_context(access: Access, dataset: Dataset) -> dict[str, Any]:
    return {}
