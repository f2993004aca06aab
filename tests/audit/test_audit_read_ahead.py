"""``jixiao audit report.pdf`` starts poppler on the PDF before it imports typer, Rich and
the rules (``jixiao.cli.early``, ``jixiao.audit.extract.read_ahead``), and coerces its
parameters without pydantic (``jixiao.cli.coercion``): the same findings, the same number
of poppler runs, the same usage errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
import test_audit_folder_readers
import typer.main
from test_audit_folder_readers import _runs
from test_audit_pdf_readers import WRONG_SUM, typeset

from jixiao.audit import audit_lines
from jixiao.audit.extract import PopplerReader, extract_file
from jixiao.audit.poppler import read_ahead
from jixiao.cli import app
from jixiao.cli.early import AUDIT_VALUE_OPTIONS, audit_report

JIXIAO = Path(sys.executable).parent / "jixiao"

#: ``pdftotext`` first on the PATH, each run written down in a log (the folder tests').
counted_pdftotext = test_audit_folder_readers.counted_pdftotext


@pytest.fixture(scope="module")
def pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("read-ahead") / "报告 1.pdf"
    path.write_bytes(typeset(["标题", WRONG_SUM, *(["正文。"] * 21), WRONG_SUM]))
    return path


def test_the_command_reads_the_pdf_ahead_with_two_poppler_runs_and_finds_the_same(
    pdf: Path, counted_pdftotext: Path
) -> None:
    done = subprocess.run(
        [str(JIXIAO), "audit", str(pdf), "-f", "json"], capture_output=True, text=True
    )
    assert done.returncode == 1, done.stderr  # the wrong sum is an error finding
    assert _runs(counted_pdftotext) == 2  # the text and the word boxes, once each
    findings = [
        (f["code"], f["stated"], f["expected"]) for f in json.loads(done.stdout)["findings"]
    ]
    expected = audit_lines(extract_file(pdf).lines, str(pdf)).findings
    assert findings == [(f.code, f.stated, f.expected) for f in expected]
    assert findings.count(("sum", "160.66", "160.84")) == 2


def test_the_reader_takes_the_run_read_ahead_for_the_same_bytes(
    pdf: Path, counted_pdftotext: Path
) -> None:
    data = pdf.read_bytes()
    read_ahead(str(pdf))
    assert _runs_when_done(counted_pdftotext, 2)
    ahead = PopplerReader().pages(data, "r.pdf")
    assert _runs(counted_pdftotext) == 2  # taken, not run again
    assert ahead == PopplerReader().pages(data, "r.pdf")  # a fresh run reads the same
    assert _runs(counted_pdftotext) == 4


def test_a_run_read_ahead_for_other_bytes_is_not_taken(
    pdf: Path, tmp_path: Path, counted_pdftotext: Path
) -> None:
    other = tmp_path / "other.pdf"
    other.write_bytes(typeset(["标题", "另一份报告。"]))
    read_ahead(str(other))
    pages = PopplerReader().pages(pdf.read_bytes(), "r.pdf")
    assert pages is not None and WRONG_SUM[:10] in pages[0]
    assert _runs_when_done(counted_pdftotext, 4)  # two read ahead (unused), two for the file
    assert PopplerReader().pages(other.read_bytes(), "r.pdf") is not None
    assert _runs(counted_pdftotext) == 6  # the unused run was dropped, not kept for later


@pytest.mark.parametrize(
    "path",
    ["missing.pdf", "not-a-pdf.pdf", "folder.pdf", "pipe.pdf"],
    ids=["missing", "text", "folder", "named-pipe"],
)
def test_nothing_is_read_ahead_for_what_is_not_a_pdf_file(
    path: str, tmp_path: Path, counted_pdftotext: Path
) -> None:
    """Nothing is even opened but a regular file: a named pipe would block the command's
    start until its writer came, then lose the data to the read-ahead."""
    (tmp_path / "not-a-pdf.pdf").write_text("标题\n正文。\n", "utf-8")
    (tmp_path / "folder.pdf").mkdir()
    os.mkfifo(tmp_path / "pipe.pdf")
    done = threading.Thread(target=read_ahead, args=(str(tmp_path / path),), daemon=True)
    done.start()
    done.join(timeout=30)
    assert not done.is_alive()
    assert _runs(counted_pdftotext) == 0


def _runs_when_done(log: Path, count: int) -> bool:
    """Wait (up to 30 s) until ``count`` poppler runs have started: a read-ahead is running
    in the background."""
    import time

    deadline = time.monotonic() + 30
    while _runs(log) < count and time.monotonic() < deadline:
        time.sleep(0.01)
    return _runs(log) == count


@pytest.mark.parametrize(
    ("arguments", "report"),
    [
        (["r.pdf"], "r.pdf"),
        (["r.pdf", "-f", "json"], "r.pdf"),
        (["-f", "json", "r.pdf"], "r.pdf"),
        (["--format=json", "-o", "out.json", "r.pdf", "-q"], "r.pdf"),
        (["-fjson", "r.pdf"], "r.pdf"),
        (["-qf", "json", "r.pdf"], "r.pdf"),
        (["-d", "data.xlsx", "--dataset", "x.yaml", "--", "-r.pdf"], "-r.pdf"),
        (["r.pdf", "other.pdf"], None),
        (["-f", "r.pdf"], None),
        (["r.pdf", "--help"], None),
        ([], None),
    ],
)
def test_the_report_is_found_among_the_arguments(arguments: list[str], report: str | None) -> None:
    assert audit_report(arguments) == report


def test_the_options_with_a_value_are_the_audit_commands() -> None:
    command = typer.main.get_command(app).commands["audit"]  # type: ignore[attr-defined]
    with_value = {
        name
        for param in command.params
        if param.param_type_name == "option" and not param.is_flag
        for name in param.opts
    }
    assert with_value == AUDIT_VALUE_OPTIONS


PROBE = """
import json, sys
from jixiao.cli import app
try:
    app(sys.argv[1:], prog_name="jixiao")
except SystemExit:
    pass
print(json.dumps(sorted(m for m in sys.modules if m.split(".")[0] == "pydantic")))
"""


def test_the_audit_command_imports_no_pydantic(pdf: Path) -> None:
    """typer would build a pydantic adapter for each parameter (about 0.07 s of CPU with
    pydantic's import); the audit's are coerced by typer's own helpers instead. A typer
    whose internals changed makes this fail (and the command still works, at that cost)."""
    out = subprocess.run(
        [sys.executable, "-c", PROBE, "audit", str(pdf), "-f", "json", "-q"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert json.loads(out.splitlines()[-1]) == []


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["-f", "pdf"], "--format / -f 的值无效：“pdf”不是可选值（可选：text、json、xlsx）"),
        (["-f", "JSON"], "“JSON”不是可选值"),
        (["-f", "\x1bx"], "“\\x1bx”不是可选值"),
        (["-o"], "选项 -o 后面需要一个值"),
    ],
)
def test_usage_errors_are_typers(arguments: list[str], message: str, pdf: Path) -> None:
    done = subprocess.run(
        [str(JIXIAO), "audit", str(pdf), *arguments], capture_output=True, text=True
    )
    assert done.returncode == 2
    assert message in done.stderr


def test_the_paths_are_paths(pdf: Path, tmp_path: Path) -> None:
    out = tmp_path / "sub" / "审核.json"
    done = subprocess.run(
        [str(JIXIAO), "audit", str(pdf), "-f", "json", "-o", str(out)],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 1, done.stderr
    assert json.loads(out.read_text("utf-8"))["summary"]["errors"] == 2


COLLECTOR_PROBE = """
import gc, io, json, sys
from contextlib import redirect_stdout
sys.argv = ["/usr/bin/jixiao", *sys.argv[1:]]  # the console script, as early.py looks for
import jixiao.cli
from jixiao.cli.app import app
seen = {"importing": gc.isenabled()}
import jixiao.audit.batch
audit_files = jixiao.audit.batch.audit_files
def spy(*args, **kwargs):
    seen["auditing"] = gc.isenabled()
    seen["frozen"] = gc.get_freeze_count() > 0
    return audit_files(*args, **kwargs)
jixiao.audit.batch.audit_files = spy
try:
    with redirect_stdout(io.StringIO()):
        app(sys.argv[1:])
except SystemExit:
    pass
print(json.dumps(seen))
"""


def _collector(*arguments: str) -> dict[str, bool]:
    out = subprocess.run(
        [sys.executable, "-c", COLLECTOR_PROBE, *arguments],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return dict(json.loads(out.splitlines()[-1]))


def test_no_collection_while_the_audit_imports_and_collection_while_it_audits(
    pdf: Path,
) -> None:
    """``jixiao audit`` holds the garbage collector off while its modules are imported, then
    freezes what they made and collects as usual while it audits (docs/performance.md)."""
    assert _collector("audit", str(pdf), "-f", "json") == {
        "importing": False,
        "auditing": True,
        "frozen": True,
    }


def test_other_commands_keep_the_collector() -> None:
    assert _collector("score", "--help") == {"importing": True}
