"""Audit: read anyone's report and flag every number that does not add up.

``extract`` (edge: file → text lines) → :func:`audit_lines` (pure: lines → claims →
findings, each a :class:`jixiao.findings.Finding` whose ``code`` is the rule). :func:`audit_file`
is the two together, for the CLI and benchmarks; :func:`audit_files` audits many files.

The names are imported on first use (:func:`__getattr__`): ``jixiao audit report.pdf``
imports :mod:`jixiao.audit.extract` first, alone, to start poppler on the PDF before
anything else is imported (:func:`jixiao.audit.extract.read_ahead`), and importing a
submodule runs this package's module first.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Mapping
    from pathlib import Path

    from jixiao.audit.batch import FileAudit, audit_files, report_files
    from jixiao.audit.engine import audit_lines
    from jixiao.audit.extract import AuditInputError
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

#: Where each name of :data:`__all__` (but :func:`audit_file`, defined here) lives.
_HOMES = {
    "AuditInputError": "jixiao.audit.extract",
    "AuditResult": "jixiao.audit.findings",
    "FileAudit": "jixiao.audit.batch",
    "audit_files": "jixiao.audit.batch",
    "audit_lines": "jixiao.audit.engine",
    "report_files": "jixiao.audit.batch",
}


def __getattr__(name: str) -> Any:
    if name not in _HOMES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(_HOMES[name]), name)


def audit_file(path: Path, figures: Mapping[str, object] | None = None) -> AuditResult:
    """Extract the text of ``path`` and audit it; :class:`AuditInputError` if unreadable."""
    from jixiao.audit.engine import audit_lines
    from jixiao.audit.extract import extract_file

    return audit_lines(extract_file(path).lines, str(path), figures=figures)
