"""Self-evaluation reports: a pure report model, then Word, HTML, PDF and Excel renderers."""

from __future__ import annotations

from jixiao.reports.api import (
    DEFAULT_FORMATS,
    prepare_report,
    write_reports,
    write_unit_reports,
)
from jixiao.reports.builder import build_report
from jixiao.reports.model import ReportModel

__all__ = [
    "DEFAULT_FORMATS",
    "ReportModel",
    "build_report",
    "prepare_report",
    "write_reports",
    "write_unit_reports",
]
