"""Auditing many reports at once: every report file of a folder, one summary.

:func:`report_files` lists the files of a folder the audit can read (by suffix, in name
order, not descending into sub-folders); :func:`audit_files` audits each and keeps an
unreadable one as a row with its reason, so one bad file never hides the others.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from jixiao.audit.extract import EXTRACTORS, AuditInputError, extract_file
from jixiao.audit.findings import AuditResult

#: Suffixes a folder audit picks up (``.txt .md .markdown .text .docx .pdf``).
REPORT_SUFFIXES: tuple[str, ...] = tuple(s for e in EXTRACTORS for s in e.suffixes)


@dataclass(frozen=True)
class FileAudit:
    """One file of a batch: its audit, or why it could not be read."""

    path: Path
    result: AuditResult | None
    problem: str = ""  #: Chinese reason when the file could not be read

    @property
    def name(self) -> str:
        return self.path.name


def report_files(folder: Path) -> list[Path]:
    """The report files directly inside ``folder``, sorted by name (hidden files skipped)."""
    return sorted(
        p
        for p in folder.iterdir()
        if p.is_file()
        and not p.name.startswith((".", "~$"))
        and p.suffix.lower() in REPORT_SUFFIXES
    )


def audit_files(
    paths: Iterable[Path], figures: Mapping[str, object] | None = None
) -> list[FileAudit]:
    """Audit each file; an unreadable one is kept with its reason instead of stopping the batch."""
    from jixiao.audit.engine import audit_lines

    audits = []
    for path in paths:
        try:
            lines = extract_file(path).lines
        except AuditInputError as error:
            audits.append(FileAudit(path, None, error.message))
            continue
        audits.append(FileAudit(path, audit_lines(lines, str(path), figures=figures)))
    return audits
