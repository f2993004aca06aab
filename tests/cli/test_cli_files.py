"""Files a person names on the command line are read with a bound: a wrong path — a
database dump, ``/dev/zero``, a file still growing — is refused with a Chinese message
naming it (exit 2), not read into memory whole.

``/dev/zero`` is the hard case: ``stat`` reports 0 bytes for it, so only a bounded read
stops; without the bound these commands would read until the machine ran out of memory.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from jixiao.cli import app
from jixiao.cli.files import TooLarge, read_bounded
from jixiao.io.limits import DEFAULT_LIMITS

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "gdstc-2023.xlsx"
ZERO = Path("/dev/zero")

runner = CliRunner()


def _link(tmp_path: Path, name: str) -> Path:
    """A file named as the command expects, whose content never ends."""
    link = tmp_path / name
    link.symlink_to(ZERO)
    return link


def _history(tmp_path: Path) -> Path:
    folder = tmp_path / "history"
    folder.mkdir()
    _link(folder, "history.csv")
    return folder


#: (case, arguments given the temporary folder, the file the message must name, the reason)
CASES = [
    (
        "framework",
        lambda t: ["score", str(EXAMPLE), "--framework", str(_link(t, "my-framework.yaml"))],
        "my-framework.yaml",
        "框架文件超过 16 MB",
    ),
    (
        "wording",
        lambda t: [
            "report",
            str(EXAMPLE),
            "-o",
            str(t / "out"),
            "--format",
            "html",
            "--wording",
            str(_link(t, "wording.yaml")),
        ],
        "wording.yaml",
        "措辞文件超过 16 MB",
    ),
    (
        "review rules",
        lambda t: ["targets", "review", str(EXAMPLE), "--rules", str(_link(t, "review.yaml"))],
        "review.yaml",
        "规则文件超过 16 MB",
    ),
    (
        "result rules",
        lambda t: ["results", str(EXAMPLE), "--rules", str(_link(t, "results.yaml"))],
        "results.yaml",
        "规则文件超过 16 MB",
    ),
    (
        "library yaml",
        lambda t: ["targets", "review", str(EXAMPLE), "--library", str(_link(t, "lib.yaml"))],
        "lib.yaml",
        "文件超过 16 MB",
    ),
    (
        "library xlsx",
        lambda t: ["targets", "review", str(EXAMPLE), "--library", str(_link(t, "lib.xlsx"))],
        "lib.xlsx",
        "文件超过 64 MB",
    ),
    (
        "history csv",
        lambda t: ["targets", "review", str(EXAMPLE), "--history", str(_history(t))],
        "history.csv",
        "历史值文件超过 64 MB",
    ),
    (
        "report template",
        lambda t: [
            "report",
            str(EXAMPLE),
            "-o",
            str(t / "out"),
            "--format",
            "html",
            "--template",
            str(_template(t)),
        ],
        "report.html.j2",
        "模板文件超过 16 MB",
    ),
    (
        "audit report",
        lambda t: ["audit", str(_link(t, "报告.txt"))],
        "报告.txt",
        "文件过大",
    ),
]


def _template(tmp_path: Path) -> Path:
    from jixiao.cli.report import TEMPLATE_FILES

    folder = tmp_path / "tpl"
    folder.mkdir()
    name = next(n for n in TEMPLATE_FILES if n.endswith(".j2"))
    _link(folder, name)
    return folder


@pytest.mark.parametrize(("case", "arguments", "named", "reason"), CASES, ids=[c[0] for c in CASES])
def test_an_endless_file_is_refused_naming_it(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    case: str,
    arguments: object,
    named: str,
    reason: str,
) -> None:
    assert callable(arguments)
    # Short relative names: the message table must not wrap a long temporary path.
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, arguments(Path()), terminal_width=400, env={"COLUMNS": "400"})
    output = result.output + (result.stderr if result.stderr_bytes is not None else "")
    assert result.exit_code == 2, (case, output)
    assert named in output and reason in output, output
    assert "Traceback" not in output
    assert not (tmp_path / "out").exists()


def test_bounded_read_takes_one_byte_past_the_limit(tmp_path: Path) -> None:
    exact, over = tmp_path / "exact.yaml", tmp_path / "over.yaml"
    exact.write_bytes(b"x" * 1024)
    over.write_bytes(b"x" * 1025)
    assert read_bounded(exact, "框架文件", 1024) == b"x" * 1024
    with pytest.raises(TooLarge, match="框架文件超过 1 KB"):
        read_bounded(over, "框架文件", 1024)


def test_a_sparse_file_past_the_limit_is_refused_by_size(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    big = Path("framework.yaml")
    with big.open("wb") as stream:
        stream.truncate(DEFAULT_LIMITS.config_bytes + 1)  # sparse: no disk used
    assert os.path.getsize(big) == DEFAULT_LIMITS.config_bytes + 1
    result = runner.invoke(
        app, ["score", str(EXAMPLE), "--framework", str(big)], terminal_width=400
    )
    output = result.output + (result.stderr if result.stderr_bytes is not None else "")
    assert result.exit_code == 2, output
    assert "框架文件超过 16 MB" in output
