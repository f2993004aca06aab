"""Self-evaluation reports: from one evaluation, the submission report and the review file.

Pure models (:func:`build_report`, :func:`build_review`), then renderers that return
bytes (:class:`~jixiao.reports.render.Rendered`); :func:`report_files` makes both products
in every format. Nothing here writes a file.
"""

from __future__ import annotations

from jixiao.reports.api import (
    DEFAULT_FORMATS,
    REVIEW_FORMATS,
    Progress,
    prepare_report,
    render_report,
    report_files,
    report_model,
    review_model,
    unit_report_files,
    write_reports,
)
from jixiao.reports.builder import build_report
from jixiao.reports.model import ReportModel
from jixiao.reports.render import Rendered
from jixiao.reports.review import build_review

__all__ = [
    "DEFAULT_FORMATS",
    "REVIEW_FORMATS",
    "Progress",
    "Rendered",
    "ReportModel",
    "build_report",
    "build_review",
    "prepare_report",
    "render_report",
    "report_files",
    "report_model",
    "review_model",
    "unit_report_files",
    "write_reports",
]
