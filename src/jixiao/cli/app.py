"""The Typer application and the helpers every command shares.

Commands live in one module per area (``cli/dataset.py``, ``cli/figures.py`` …) and
register themselves on :data:`app`; they parse options, call one engine function and
print. Exit codes: 0 done, 1 the data has error findings (``check``), 2 unreadable input,
an output that cannot or must not be written, or a command-line usage error; 130
interrupted (Ctrl-C or SIGTERM), with nothing half-written.

Consoles are made when something is printed (:func:`stdout`, :func:`stderr`), never at
import: Rich fixes a console's width when it is created, so a module-level console made
the output depend on which module happened to be imported first. Every file a command
writes goes through the output edge (:mod:`jixiao.lib.files`): :func:`write_output`
for one file, :func:`output_folder` for a folder written as a transaction; every failure
there is one Chinese line naming the path and the reason, and exit 2.
"""

from __future__ import annotations

import json
import os
import re
import signal
import sys
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, NoReturn

import typer
from rich.console import Console
from rich.markup import escape
from typer._click import exceptions as click_errors
from typer.core import TyperGroup

from jixiao.cli import richhelp
from jixiao.cli.coercion import plain_help_option
from jixiao.lib.progress import Progress

if TYPE_CHECKING:
    # The engine is imported by the commands that use it, not by ``jixiao --help``
    # (issue 15: start-up; benchmarks/bench_startup.py).
    from jixiao.dataset.build import DatasetError
    from jixiao.dataset.model import Dataset
    from jixiao.findings import Finding
    from jixiao.lib.files import OutputError, OutputFolder
    from jixiao.monitoring.settings import RuleSource
    from jixiao.scoring import Framework

# Typer's help renderer without rich.markdown and rich.traceback (start-up, issue 15).
richhelp.install()

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_INPUT = 2
EXIT_INTERRUPTED = 130

#: Input problems listed in full; beyond this, one line says how many more there are.
SHOWN_PROBLEMS = 200


# --------------------------------------------------------------------------- consoles


def stdout() -> Console:
    """A console on the current standard output, sized from ``COLUMNS`` or the terminal now.

    Into a file or a pipe, a printed line is not wrapped: Rich would cut it at 80 columns,
    mid-word (“指标“1.1.4 ⏎建设新型研发机构…”), and a log read or searched later would hold
    a finding on two lines. :func:`_for_files` says how."""
    return _for_files(Console(highlight=False))


def stderr() -> Console:
    """A console on the current standard error."""
    return _for_files(Console(stderr=True, highlight=False))


#: The width of a table printed into a file or a pipe without ``COLUMNS`` (Rich's own
#: default, 80, squeezes the findings table's 位置/代码/说明 to a few characters a line).
FILE_WIDTH = 160


def _for_files(console: Console) -> Console:
    """``console`` unchanged on a terminal; into a file or a pipe, lines unwrapped and tables
    :data:`FILE_WIDTH` wide unless ``COLUMNS`` says otherwise."""
    if not console.is_terminal:
        console.soft_wrap = True
        if not os.environ.get("COLUMNS"):
            console.width = FILE_WIDTH
    return console


class _Stream:
    """``console.print(...)`` for modules written before consoles were made per call:
    each call prints through a console made at that moment."""

    def __init__(self, make: Callable[[], Console]) -> None:
        self._make = make

    def get(self) -> Console:
        return self._make()

    def print(self, *objects: Any, **options: Any) -> None:
        self._make().print(*objects, **options)


console = _Stream(stdout)
err_console = _Stream(stderr)


def printable(text: str) -> str:
    """User text made safe to print: Rich markup escaped, invisible characters (and lone
    surrogates, which cannot be encoded) spelled out."""
    from jixiao.dataset.build import visible

    return escape(visible(text))


# --------------------------------------------------------------------------- the app


class _Group(TyperGroup):
    """The top-level command group: usage errors in Chinese, Ctrl-C and SIGTERM as one line."""

    def main(  # type: ignore[override]
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        try:
            code = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except click_errors.NoArgsIsHelpError:
            code = EXIT_INPUT  # the help was printed already
        except click_errors.ClickException as error:
            _usage_error(error)
            code = EXIT_INPUT
        except typer.Abort:  # EOF on a prompt
            stderr().print("[yellow]已中断[/yellow]")
            code = EXIT_INTERRUPTED
        code = code if isinstance(code, int) else EXIT_OK
        if standalone_mode:
            sys.exit(code)
        return code

    def get_help_option(self, ctx: Any) -> Any:
        # No pydantic for the help flag's absent value (start-up: jixiao.cli.coercion).
        return plain_help_option(super().get_help_option(ctx))

    def invoke(self, ctx: Any) -> Any:
        in_main = threading.current_thread() is threading.main_thread()
        previous = signal.signal(signal.SIGTERM, _interrupt) if in_main else None
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt:
            stderr().print("[yellow]已中断：没有写入不完整的文件[/yellow]")
            raise typer.Exit(EXIT_INTERRUPTED) from None
        finally:
            if in_main:
                signal.signal(signal.SIGTERM, previous)


def _interrupt(signum: int, frame: Any) -> None:
    """SIGTERM (a stopped job, a closed terminal) ends a command like Ctrl-C: cleanly."""
    raise KeyboardInterrupt


app = typer.Typer(
    name="jixiao",
    cls=_Group,
    help="jixiao（绩效）：预算绩效管理——数据集、指标计算、一致性检查、评分、报告与审核。",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


_CLICK_MESSAGES: tuple[tuple[re.Pattern[str], str], ...] = (
    (
        re.compile(r"^(?:Value error, )?'(.*)' is not one of (.*)\.$", re.S),
        "“{0}”不是可选值（可选：{1}）",
    ),
    (re.compile(r"^'(.*)' is not a valid integer( range)?\.$", re.S), "“{0}”不是整数"),
    (re.compile(r"^Input should be a valid integer", re.S), "应为整数"),
    (re.compile(r"^Input should be a valid number", re.S), "应为数字"),
    (re.compile(r"^Input should be greater than or equal to (.*)$", re.S), "应不小于 {0}"),
    (re.compile(r"^'(.*)' is not a valid float( range)?\.$", re.S), "“{0}”不是数字"),
    (re.compile(r"^(.*) is not in the range (.*)\.$", re.S), "{0} 超出范围（{1}）"),
    (re.compile(r"^'(.*)' is not a valid boolean\.$", re.S), "“{0}”不是是/否值"),
    (re.compile(r"^No such command '(.*)'\.$", re.S), "没有命令“{0}”"),
    (re.compile(r"^Got unexpected extra argument(?:s|\(s\))? \((.*)\)$", re.S), "多余的参数：{0}"),
    (re.compile(r"^Option '(.*)' requires an argument\.$", re.S), "选项 {0} 后面需要一个值"),
    (re.compile(r"^Option '(.*)' does not take a value\.$", re.S), "选项 {0} 不带值"),
)


def _chinese(message: str) -> str:
    for pattern, template in _CLICK_MESSAGES:
        match = pattern.match(message)
        if match:
            parts = [p.replace("'", "").replace(", ", "、") for p in match.groups("")]
            return template.format(*parts)
    return message


def _usage_error(error: click_errors.ClickException) -> None:
    """A usage error in Chinese: what is wrong, the usage line, where to find help."""
    ctx = getattr(error, "ctx", None)
    if isinstance(error, click_errors.MissingParameter):
        param = error.param
        kind = "选项" if param is not None and param.param_type_name == "option" else "参数"
        name = param.get_error_hint().replace("'", "") if param is not None else ""
        described = getattr(param, "help", None)
        message = f"缺少{kind} {name.upper() if kind == '参数' else name}".rstrip()
        if described:
            message += f"（{described}）"
    elif isinstance(error, click_errors.NoSuchOption):
        message = f"没有选项“{error.option_name}”"
        if error.possibilities:
            message += f"（是否应为 {'、'.join(sorted(error.possibilities))}？）"
    elif isinstance(error, click_errors.BadParameter):
        hint = error.param_hint
        if hint is None and error.param is not None:
            hint = error.param.get_error_hint()
        where = (hint if isinstance(hint, str) else " / ".join(hint or ())).replace("'", "")
        message = (
            f"{where} 的值无效：{_chinese(error.message)}" if where else _chinese(error.message)
        )
    else:
        message = _chinese(error.format_message())
    out = stderr()
    out.print(f"[red]命令行错误：{printable(message)}[/red]")
    if ctx is not None:
        usage = ctx.get_usage().replace("Usage: ", "用法：").replace("[OPTIONS]", "[选项]")
        out.print(escape(usage))
        out.print(f"运行 {escape(ctx.command_path)} --help 查看说明。")


class OutputFormat(StrEnum):
    text = "text"
    json = "json"


# --------------------------------------------------------------------------- input


def fail_input(error: DatasetError, limit: int = SHOWN_PROBLEMS) -> NoReturn:
    """Print every input problem with its place (the first ``limit``, then how many more),
    then exit 2."""
    from rich.table import Table

    total = error.total
    table = Table(title=f"无法读取输入：共 {total:,} 处问题", show_lines=False)
    # A long path must not squeeze out the message: the place folds past 40 columns.
    table.add_column("位置", style="cyan", overflow="fold", max_width=40)
    table.add_column("问题")
    for item in error.errors[:limit]:
        # Cells hold the user's own text (“[/x]” in a cell must not be read as Rich markup).
        table.add_row(printable(item.location), printable(item.message))
    out = stderr()
    out.print(table)
    if total > limit:
        out.print(f"另有 {total - limit:,} 项问题未列出；请先改正以上问题后再检查。")
    raise typer.Exit(EXIT_INPUT)


def load_or_exit(path: Path, progress: Progress | None = None) -> Dataset:
    """The dataset at ``path``, or every problem printed and exit 2.

    Reading pauses the cyclic garbage collector: the command line is a batch caller
    (:func:`jixiao.lib.batch.paused_gc`). ``progress`` counts the worksheets as they are read.
    """
    from jixiao.dataset.build import DatasetError
    from jixiao.io.formats import load_dataset
    from jixiao.lib.batch import paused_gc

    try:
        with paused_gc():
            return load_dataset(path, progress=progress)
    except DatasetError as error:
        fail_input(error)


def framework_or_exit(value: str) -> str | Framework | None:
    """The ``--framework`` option: a shipped id, or a framework file the user named.

    Only the command line reads a framework file: the person typing the command chose
    it. An id that comes with the data is looked up among the shipped frameworks only
    (:func:`jixiao.evaluation.choose_framework`). Exits 2 for a file with problems.
    """
    from jixiao.cli.files import load_framework_file
    from jixiao.scoring.loader import FrameworkError

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
    out = stderr()
    out.print(f"[red]无法使用评分框架：共 {len(problems)} 处问题[/red]")
    for location, message in problems:
        out.print(f"  {printable(location)}：{printable(message)}")
    raise typer.Exit(EXIT_INPUT)


def rules_or_exit(path: Path | None, name: str) -> RuleSource | None:
    """A rule file the user named (``--rules``), read by the command line; ``None``: shipped.

    The engine never opens a path: it gets the text through a
    :class:`~jixiao.monitoring.settings.RuleSource`. Exits 2 when the file cannot be read.
    """
    from jixiao.cli.files import read_text
    from jixiao.dataset.build import DatasetError
    from jixiao.monitoring.settings import RuleTexts

    if path is None:
        return None
    try:
        text = read_text(path, "规则文件")
    except DatasetError as error:
        fail_input(error)
    return RuleTexts({name: (text, str(path))})


# --------------------------------------------------------------------------- output


def fail_output(error: OutputError) -> NoReturn:
    stderr().print(f"[red]{printable(error.message)}[/red]")
    raise typer.Exit(EXIT_INPUT)


@contextmanager
def output_edge() -> Iterator[None]:
    """Every failure to write in the block: one Chinese line naming the path, exit 2."""
    from jixiao.lib.files import OutputError

    try:
        yield
    except OutputError as error:
        fail_output(error)


@contextmanager
def output_errors(path: Path) -> Iterator[None]:
    """For commands that still write through a path of their own: an :class:`OutputError`
    or any ``OSError`` in the block becomes one Chinese line naming the file, and exit 2.
    (New code writes through :func:`write_output` / :func:`output_folder`.)"""
    from jixiao.lib.files import OutputError, failure_reason

    try:
        yield
    except OutputError as error:
        fail_output(error)
    except OSError as error:
        shown = str(error.filename2 or error.filename or path)
        if ".tmp" in shown:  # our temporary name: say the file the user named
            shown = str(path)
        fail_output(OutputError(shown, failure_reason(error)))


def check_output(path: Path, *, force: bool = False, inputs: Iterable[Path] = ()) -> None:
    """Refuse, before any work, an output file that must not be written (exit 2)."""
    from jixiao.lib.files import check_output_file

    with output_edge():
        check_output_file(path, force=force, inputs=tuple(inputs))


def write_output(path: Path, data: bytes | Callable[[IO[bytes]], object]) -> Path:
    """Write one output file atomically through the output edge (exit 2 on failure)."""
    from jixiao.lib.files import write_file

    with output_edge():
        return write_file(path, data)


@contextmanager
def output_folder(
    target: Path, *, inputs: Iterable[Path] = (), force: bool = False, command: str = ""
) -> Iterator[OutputFolder]:
    """A folder of outputs as one transaction (:class:`~jixiao.lib.files.OutputFolder`).

    Nothing reaches ``target`` unless the block completes; on a failure or Ctrl-C the
    user is told that the folder was left as it was.
    """
    from jixiao.dataset.build import DatasetError
    from jixiao.lib.files import OutputError, OutputFolder

    folder = OutputFolder(target, inputs=tuple(inputs), force=force, command=command)
    try:
        with folder:
            yield folder
    except OutputError as error:
        stderr().print(f"[red]{printable(error.message)}[/red]")
        _say_untouched(target, folder)
        raise typer.Exit(EXIT_INPUT) from None
    except KeyboardInterrupt:
        _say_untouched(target, folder)
        raise
    except DatasetError:
        _say_untouched(target, folder)
        raise


def _say_untouched(target: Path, folder: OutputFolder) -> None:
    if folder.committed or folder.staging == Path():  # done, or refused before it began
        return
    state = "保持原样" if target.exists() else "未创建"
    stderr().print(
        f"[yellow]输出目录“{printable(str(target))}”{state}，没有写入任何文件。[/yellow]"
    )


def check_folder(target: Path, *, inputs: Iterable[Path] = (), force: bool = False) -> None:
    """Refuse, before any work, an output folder that must not be replaced (exit 2)."""
    from jixiao.lib.files import OutputFolder

    with output_edge():
        OutputFolder(target, inputs=tuple(inputs), force=force).check()


# --------------------------------------------------------------------------- printing


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
    out = stdout()
    counts = {key: sum(1 for f in findings if f.severity.value == key) for key in _SEVERITY_STYLES}
    summary = "，".join(f"{label} {counts[key]} 项" for key, (label, _) in _SEVERITY_STYLES.items())
    out.print(f"{title}：{summary}{note}")
    for finding in findings:
        if finding.severity.value == "info":
            continue
        style = _SEVERITY_STYLES[finding.severity.value][1]
        out.print(
            f"  [{style}]●[/{style}] {printable(finding.message)} [dim]{printable(finding.place)}[/dim]"
        )
