"""The progress bar of the commands, seen as a user sees it: standard error on a terminal.

Each command runs as a process whose standard error is a pseudo-terminal (so the bar is
drawn) and whose standard output is a pipe: the data on standard output must stay
exactly the data (JSON parses), the terminal shows the steps with their counts, the last
count reaches its total, and ``--quiet`` (or no terminal) draws nothing.
"""

from __future__ import annotations

import json
import os
import pty
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "gdstc-2023.yaml"
EXECUTION = ROOT / "examples" / "gdstc-2023-execution-synthetic.yaml"
REAL = ROOT / "tests" / "data" / "real"
_ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
_COUNT = re.compile(r"(\d+)/(\d+)")
_BAR = re.compile(r"\d+/\d+ \d+:\d\d:\d\d")  # the count and the clock of a bar


def _run(args: list[str], cwd: Path) -> tuple[int, bytes, list[str]]:
    """Exit code, standard output, and the terminal's frames (one per redraw, ANSI removed)."""
    master, slave = pty.openpty()
    env = {**os.environ, "TERM": "xterm", "COLUMNS": "160"}
    env.pop("NO_COLOR", None)
    # Standard output goes to a file: a pipe would fill up while the terminal is read.
    captured = cwd / "stdout.bin"
    with captured.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "jixiao", *args],
            stdout=out,
            stderr=slave,
            stdin=subprocess.DEVNULL,
            cwd=cwd,
            env=env,
        )
    os.close(slave)
    screen = bytearray()
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        screen += chunk
    code = process.wait(timeout=300)
    stdout = captured.read_bytes()
    os.close(master)
    text = _ANSI.sub("", screen.decode("utf-8", "replace"))
    frames = [f.strip() for f in re.split(r"[\r\n]", text) if f.strip()]
    return code, stdout, frames


def _counts(frames: list[str]) -> list[tuple[int, int]]:
    found = [_COUNT.findall(frame) for frame in frames]
    return [(int(m[-1][0]), int(m[-1][1])) for m in found if m]


CASES = [
    # (command line, the step the bar shows last, its count, standard output is JSON)
    (["audit", str(REAL), "-f", "json"], "审核", None, True),
    (["check", str(EXAMPLE), "-f", "json"], "一致性检查", (2, 2), True),
    (["figures", str(EXAMPLE), "-f", "json"], "计算指标", (1, 1), True),
    (["score", str(EXAMPLE), "-f", "gd-dept-2023", "--format", "json"], "评价完成", (3, 3), True),
    (["results", str(EXAMPLE), "-f", "json"], "评价完成", (3, 3), True),
    (["monitor", str(EXECUTION), "-p", "2023-08", "-f", "json"], "执行监控", (2, 2), True),
    (["convert", str(EXAMPLE), "out.xlsx"], "写出 Excel 工作簿", (1, 1), False),
    (["report", str(EXAMPLE), "-o", "out", "--format", "docx"], "审核底稿", (3, 3), False),
]


@pytest.mark.parametrize(("args", "step", "last", "is_json"), CASES, ids=lambda v: str(v)[:30])
def test_the_bar_is_on_the_terminal_and_the_data_stays_clean(
    tmp_path: Path, args: list[str], step: str, last: tuple[int, int] | None, is_json: bool
) -> None:
    code, stdout, frames = _run(args, tmp_path)
    assert code in (0, 1), (stdout, frames)
    if is_json:
        json.loads(stdout)  # nothing but the data on standard output
    drawn = [frame for frame in frames if _COUNT.search(frame)]
    assert drawn and step in drawn[-1], frames
    counts = _counts(frames)
    assert counts and all(done <= total for done, total in counts)
    if last is None:  # the folder audit: every report of the folder counted
        reports = [p for p in REAL.iterdir() if p.suffix in (".txt", ".md")]
        last = (len(reports), len(reports))
    assert counts[-1] == last


def test_run_shows_each_report_format_and_ends_counted(tmp_path: Path) -> None:
    code, stdout, frames = _run(["run", str(EXAMPLE), "-o", "out"], tmp_path)
    assert code == 0, frames
    assert "已写入" in stdout.decode()
    assert not _BAR.search(stdout.decode())  # no bar on standard output
    assert any("报告" in frame for frame in frames)
    assert _counts(frames)[-1] == (2, 2)


@pytest.mark.parametrize("args", [["check", str(EXAMPLE), "-q"], ["audit", str(REAL), "--quiet"]])
def test_quiet_draws_nothing(tmp_path: Path, args: list[str]) -> None:
    code, stdout, frames = _run(args, tmp_path)
    assert code in (0, 1)
    assert frames == []
    assert stdout
