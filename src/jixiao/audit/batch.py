"""Auditing many reports at once: every report file of a folder, one summary.

:func:`report_files` lists the files of a folder the audit can read (by suffix, in name
order, not descending into sub-folders); :func:`audit_files` audits each and keeps an
unreadable one as a row with its reason, so one bad file never hides the others.
:func:`audit_data` does the same for one report given as bytes (the web's uploads and
stored reports), and :func:`summary` totals a batch — the command line's folder audit and
the web's batch audit are the same code.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePath

from jixiao.audit.extract import (
    EXTRACTORS,
    FOLDER_PDF_READERS,
    FOLDER_PDFS,
    PDF_READERS,
    AuditInputError,
    Extracted,
    PdfReader,
    extract_bytes,
    extract_file,
)
from jixiao.audit.findings import AuditResult
from jixiao.lib.progress import Progress, tell_or_ignore

#: Suffixes a folder audit picks up (``.txt .md .markdown .text .docx .pdf``).
REPORT_SUFFIXES: tuple[str, ...] = tuple(s for e in EXTRACTORS for s in e.suffixes)


@dataclass(frozen=True)
class FileAudit:
    """One file of a batch: its audit, or why it could not be read."""

    path: PurePath  #: the file (a folder's) or only the name it was given as (bytes)
    result: AuditResult | None
    problem: str = ""  #: Chinese reason when the file could not be read
    owner: str = ""  #: whose report it is (the web: its department or unit); blank in a folder

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
    paths: Iterable[Path],
    figures: Mapping[str, object] | None = None,
    progress: Progress | None = None,
) -> list[FileAudit]:
    """Audit each file; an unreadable one is kept with its reason instead of stopping the batch.

    ``progress`` counts the files (“审核” 0/n … n/n, :mod:`jixiao.lib.progress`).

    Reading runs one file ahead in a second thread: poppler reads a PDF in a process of
    its own (and PDFium, the fallback, with Python's lock released), so the text layer of
    the next report — and, for the first, of this one while the rules are imported — is
    read while this thread audits. Only that thread touches PDFium (it is not
    thread-safe), one file at a time. A batch of :data:`~jixiao.audit.extract.FOLDER_PDFS`
    PDFs or more reads its short PDFs with PDFium first
    (:data:`~jixiao.audit.extract.FOLDER_PDF_READERS`: the same findings, less CPU).
    """
    from concurrent.futures import ThreadPoolExecutor

    tell = tell_or_ignore(progress)
    paths = list(paths)
    audits: list[FileAudit] = []
    tell("审核", 0, len(paths))
    pdfs = sum(1 for path in paths if path.suffix.lower() == ".pdf")
    readers = FOLDER_PDF_READERS if pdfs >= FOLDER_PDFS else PDF_READERS
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="jixiao-read") as reader:
        ahead = reader.submit(_read, paths[0], readers) if paths else None
        from jixiao.audit.engine import audit_lines
        from jixiao.audit.rules import RULES  # noqa: F401  (imported while the first file is read)

        for index, path in enumerate(paths):
            assert ahead is not None
            lines, problem = ahead.result()
            ahead = (
                reader.submit(_read, paths[index + 1], readers) if index + 1 < len(paths) else None
            )
            if lines is None:
                audits.append(FileAudit(path, None, problem))
            else:
                audits.append(FileAudit(path, audit_lines(lines, str(path), figures=figures)))
            tell(f"审核 {path.name}", index + 1, len(paths))
    return audits


def _read(path: Path, readers: Sequence[PdfReader]) -> tuple[list[str] | None, str]:
    """The text lines of ``path`` (a PDF by the first of ``readers`` that can), or None and
    the Chinese reason it cannot be read."""
    try:
        return extract_file(path, readers).lines, ""
    except AuditInputError as error:
        return None, error.message


def audit_data(
    data: bytes, name: str, figures: Mapping[str, object] | None = None, *, owner: str = ""
) -> FileAudit:
    """Audit one report given as bytes; ``name`` only labels it and picks its format (it is
    never opened). Unreadable: the :class:`FileAudit` carries the reason, nothing raises."""
    return _audited(PurePath(name), lambda: extract_bytes(data, name), figures, owner)


def _audited(
    path: PurePath,
    extract: Callable[[], Extracted],
    figures: Mapping[str, object] | None,
    owner: str = "",
) -> FileAudit:
    from jixiao.audit.engine import audit_lines

    try:
        lines = extract().lines
    except AuditInputError as error:
        return FileAudit(path, None, error.message, owner)
    return FileAudit(path, audit_lines(lines, str(path), figures=figures), owner=owner)


#: The counts :func:`summary` totals over the readable reports of a batch.
SUMMED = ("claims", "checked", "errors", "warnings", "rounding", "info")


def summary(audits: Sequence[FileAudit]) -> dict[str, int]:
    """How many files, how many could not be read, and the readable ones' counts summed."""
    readable = [a.result for a in audits if a.result is not None]
    return {
        "files": len(audits),
        "unreadable": len(audits) - len(readable),
        **{key: sum(r.summary()[key] for r in readable) for key in SUMMED},
    }
