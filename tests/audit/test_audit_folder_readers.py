"""A folder of PDFs (``jixiao audit FOLDER``) reads its short PDFs with PDFium first
(``jixiao.audit.extract.FOLDER_PDF_READERS``: poppler starts two processes per PDF, PDFium
none), and a report's findings are the same whether it is audited alone or in a folder."""

from __future__ import annotations

import os
import shutil
import stat
from pathlib import Path

import pytest
from test_audit_pdf_readers import REAL, WRONG_SUM, typeset

from jixiao.audit.batch import FileAudit, audit_files
from jixiao.audit.extract import FOLDER_PDFS, SHORT_PDF_PAGES, PdfiumReader


def _findings(path: Path, audits: list[FileAudit]) -> list[tuple[int, str, str | None, str | None]]:
    [audit] = [a for a in audits if a.path == path]
    assert audit.result is not None, audit.problem
    return [(f.location.line, f.code, f.stated, f.expected) for f in audit.result.findings]


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """FOLDER_PDFS short PDFs: real reports typeset, and one with a wrong sum."""
    folder = tmp_path_factory.mktemp("pdfs")
    reports = sorted(REAL.glob("*.txt"))[: FOLDER_PDFS - 1]
    for report in reports:
        lines = report.read_text(encoding="utf-8").splitlines()
        (folder / f"{report.stem}.pdf").write_bytes(typeset(lines))
    (folder / "wrong-sum.pdf").write_bytes(typeset(["标题", WRONG_SUM]))
    return folder


@pytest.fixture
def counted_pdftotext(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """``pdftotext`` first on the PATH: the real one, each run written down in a log."""
    real = shutil.which("pdftotext")
    if real is None:
        pytest.skip("poppler-utils (pdftotext) is not installed")
    log = tmp_path / "runs.log"
    wrapper = tmp_path / "bin" / "pdftotext"
    wrapper.parent.mkdir()
    wrapper.write_text(f'#!/bin/sh\necho run >> "{log}"\nexec "{real}" "$@"\n')
    wrapper.chmod(wrapper.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("PATH", f"{wrapper.parent}{os.pathsep}{os.environ['PATH']}")
    return log


def _runs(log: Path) -> int:
    return len(log.read_text().splitlines()) if log.exists() else 0


def test_a_folder_reads_short_pdfs_without_poppler_and_finds_the_same(
    folder: Path, counted_pdftotext: Path
) -> None:
    paths = sorted(folder.glob("*.pdf"))
    assert len(paths) == FOLDER_PDFS
    together = audit_files(paths)
    assert _runs(counted_pdftotext) == 0  # PDFium read every one
    for path in paths:
        alone = audit_files([path])  # one file: poppler, text and word boxes
        assert _findings(path, alone) == _findings(path, together), path.name
    assert _runs(counted_pdftotext) == 2 * len(paths)
    assert ("sum", "160.66", "160.84") in [
        (code, stated, expected) for _, code, stated, expected in _findings(paths[-1], together)
    ]


def test_fewer_pdfs_than_the_threshold_are_read_by_poppler(
    folder: Path, counted_pdftotext: Path
) -> None:
    paths = sorted(folder.glob("*.pdf"))[: FOLDER_PDFS - 1]
    audit_files(paths)
    assert _runs(counted_pdftotext) == 2 * len(paths)


def test_pdfium_with_a_page_limit_leaves_a_longer_pdf_to_the_next_reader() -> None:
    two_pages = typeset(["标题", WRONG_SUM, *(["正文。"] * 21), WRONG_SUM])
    assert PdfiumReader(max_pages=1).pages(two_pages, "r.pdf") is None
    pages = PdfiumReader(max_pages=2).pages(two_pages, "r.pdf")
    assert pages is not None and len(pages) == 2
    assert SHORT_PDF_PAGES >= 2
