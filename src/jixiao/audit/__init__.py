"""Audit: read anyone's report and flag every number that does not add up.

``extract`` (edge: file → text lines) → :func:`audit_lines` (pure: lines → claims →
findings, each a :class:`jixiao.findings.Finding` whose ``code`` is the rule). :func:`audit_file`
is the two together, for the CLI and benchmarks; :func:`audit_files` audits many files.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from jixiao.audit.batch import FileAudit, audit_files, report_files
from jixiao.audit.engine import audit_lines
from jixiao.audit.extract import AuditInputError, extract_file
from jixiao.audit.findings import AuditResult

__all__ = [
    "AuditInputError",
    "AuditResult",
    "FileAudit",
    "audit_file",
    "audit_files",
    "audit_lines",
    "report_files",
]


def audit_file(path: Path, figures: Mapping[str, object] | None = None) -> AuditResult:
    """Extract the text of ``path`` and audit it; :class:`AuditInputError` if unreadable."""
    return audit_lines(extract_file(path).lines, str(path), figures=figures)
