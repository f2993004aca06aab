"""The Typer application and the helpers every command shares.

Commands live in one module per area (``cli/dataset.py``, ``cli/figures.py`` …) and
register themselves on :data:`app`; they parse options, call one engine function and
print. Exit codes: 0 done, 1 the data has error findings (``check``), 2 unreadable input
(or an output that cannot be written).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from jixiao.dataset.build import DatasetError, InputError
from jixiao.dataset.model import Dataset
from jixiao.findings import Finding
from jixiao.lib.files import failure_reason

if TYPE_CHECKING:
    from jixiao.monitoring.settings import RuleSource
    from jixiao.scoring import Framework

app = typer.Typer(
    name="jixiao",
    help="jixiao（绩效）：预算绩效管理——数据集、指标计算、一致性检查、评分、报告与审核。",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

console = Console(highlight=False)
err_console = Console(stderr=True, highlight=False)

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_INPUT = 2


class OutputFormat(StrEnum):
    text = "text"
    json = "json"


def fail_input(error: DatasetError) -> NoReturn:
    """Print every input problem with its place, then exit 2."""
    table = Table(title=f"无法读取输入：共 {len(error.errors)} 处问题", show_lines=False)
    # A long path must not squeeze out the message: the place folds past 40 columns.
    table.add_column("位置", style="cyan", overflow="fold", max_width=40)
    table.add_column("问题")
    for item in error.errors:
        # Cells hold the user's own text (“[/x]” in a cell must not be read as Rich markup).
        table.add_row(escape(item.location), escape(item.message))
    err_console.print(table)
    raise typer.Exit(EXIT_INPUT)


@contextmanager
def output_errors(path: Path) -> Iterator[None]:
    """Turn a failed write (a directory in the way, no permission, disk full) into a
    Chinese message naming the path, and exit 2 — never a traceback."""
    try:
        yield
    except OSError as error:
        reason = failure_reason(error)
        # The file that failed (``out/figures.json`` inside ``out``), not our temporary name.
        shown = str(error.filename2 or error.filename or path).removesuffix(".tmp")
        err_console.print(f"[red]无法写入“{escape(shown)}”：{escape(reason)}[/red]")
        raise typer.Exit(EXIT_INPUT) from None


def load_or_exit(path: Path) -> Dataset:
    from jixiao.io.formats import load_dataset

    try:
        return load_dataset(path)
    except DatasetError as error:
        fail_input(error)


def framework_or_exit(value: str) -> str | Framework | None:
    """The ``--framework`` option: a shipped id, or a framework file the user named.

    Only the command line reads a framework file: the person typing the command chose
    it. An id that comes with the data is looked up among the shipped frameworks only
    (:func:`jixiao.evaluation.choose_framework`). Exits 2 for a file with problems.
    """
    from jixiao.scoring.loader import FrameworkError, load_framework_file

    value = value.strip()
    if not value:
        return None
    if not value.lower().endswith((".yaml", ".yml")):
        return value
    try:
        return load_framework_file(Path(value))
    except FrameworkError as error:
        fail_framework([(e.location, e.message) for e in error.errors])


def fail_framework(problems: Sequence[tuple[str, str]]) -> NoReturn:
    """Every framework problem on its own line (long messages wrap instead of being cut)."""
    err_console.print(f"[red]无法使用评分框架：共 {len(problems)} 处问题[/red]")
    for location, message in problems:
        err_console.print(f"  {escape(location)}：{escape(message)}")
    raise typer.Exit(EXIT_INPUT)


def rules_or_exit(path: Path | None, name: str) -> RuleSource | None:
    """A rule file the user named (``--rules``), read by the command line; ``None``: shipped.

    The engine never opens a path: it gets the text through a
    :class:`~jixiao.monitoring.settings.RuleSource`. Exits 2 when the file cannot be read.
    """
    from jixiao.monitoring.settings import RuleTexts

    if path is None:
        return None
    try:
        text = path.read_text("utf-8")
    except UnicodeDecodeError:
        fail_input(DatasetError([InputError(str(path), "不是 UTF-8 编码的文本文件")]))
    except OSError as error:
        fail_input(DatasetError([InputError(str(path), f"无法读取（{failure_reason(error)}）")]))
    return RuleTexts({name: (text, str(path))})


def print_json(document: Any) -> None:
    """Write JSON to stdout as UTF-8 (Chinese stays readable, not \\u escapes)."""
    sys.stdout.write(json.dumps(document, ensure_ascii=False, indent=2) + "\n")


@app.callback()
def main() -> None:
    """jixiao（绩效）：预算绩效管理——数据集、指标计算、一致性检查、评分、报告与审核。"""


_SEVERITY_STYLES = {
    "error": ("错误", "red"),
    "warning": ("警告", "yellow"),
    "info": ("提示", "cyan"),
}


def print_findings(findings: Sequence[Finding], title: str, note: str = "") -> None:
    """One summary line of counts by severity, then every error and warning with its place."""
    counts = {key: sum(1 for f in findings if f.severity.value == key) for key in _SEVERITY_STYLES}
    summary = "，".join(f"{label} {counts[key]} 项" for key, (label, _) in _SEVERITY_STYLES.items())
    console.print(f"{title}：{summary}{note}")
    for finding in findings:
        if finding.severity.value == "info":
            continue
        style = _SEVERITY_STYLES[finding.severity.value][1]
        console.print(
            f"  [{style}]●[/{style}] {escape(finding.message)} [dim]{escape(finding.place)}[/dim]"
        )
