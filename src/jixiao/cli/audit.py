"""``jixiao audit REPORT|FOLDER``: flag every number of a report that does not add up.

Exit codes: 0 no error finding (warnings and notes may remain), 1 at least one error
finding, 2 the report (or, for a folder, any of its reports) cannot be read or the
output cannot be written. A folder is audited report by report into one summary table.
"""

from __future__ import annotations

import json
from enum import StrEnum
from functools import cache
from itertools import groupby
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer
from rich.markup import escape
from rich.table import Table

from jixiao.cli.app import (
    EXIT_FINDINGS,
    EXIT_INPUT,
    EXIT_OK,
    app,
    console,
    err_console,
    load_or_exit,
    output_errors,
    print_json,
)
from jixiao.cli.coercion import PlainCommand
from jixiao.cli.progress import QuietOpt, progress_bar

if TYPE_CHECKING:
    from rich.console import Console

    from jixiao.audit import AuditResult
    from jixiao.audit.batch import FileAudit
    from jixiao.findings import Finding, Severity


class AuditFormat(StrEnum):
    text = "text"
    json = "json"
    xlsx = "xlsx"


ReportArg = Annotated[
    Path,
    typer.Argument(
        metavar="REPORT", help="报告文件（.txt、.md、.docx 或 .pdf 文字层），或含多份报告的文件夹"
    ),
]
FormatOpt = Annotated[
    AuditFormat,
    typer.Option("--format", "-f", help="输出格式：text、json 或 xlsx（汇总表与问题清单）"),
]
OutputOpt = Annotated[
    Path | None,
    typer.Option("--output", "-o", help="输出文件（xlsx 必填；text/json 默认输出到屏幕）"),
]
DatasetOpt = Annotated[
    Path | None,
    typer.Option("--dataset", "-d", help="同时与该数据集（.xlsx/.yaml）计算出的数据逐项核对"),
]


@cache
def severity_styles() -> dict[Severity, str]:
    """Severity → Rich style, in the order a reader cares about (built when printing)."""
    from jixiao.findings import Severity

    return {
        Severity.ERROR: "bold red",
        Severity.WARNING: "yellow",
        Severity.ROUNDING: "magenta",
        Severity.INFO: "cyan",
    }


@app.command(cls=PlainCommand)
def audit(
    report: ReportArg,
    output_format: FormatOpt = AuditFormat.text,
    output: OutputOpt = None,
    dataset: DatasetOpt = None,
    quiet: QuietOpt = False,
) -> None:
    """审核报告中的数字：合计与分项、占比、与预算之比、同比增减、分值与扣分、结论与得分、计数等。

    发现错误时退出码为 1，未发现错误为 0，文件无法读取为 2；给出文件夹时逐份审核并汇总成一张表。
    """
    from jixiao.audit.batch import audit_files, report_files
    from jixiao.cli.early import imports_done

    imports_done()
    _no_collection_at_exit()
    if output_format is AuditFormat.xlsx and output is None:
        err_console.print("[red]--format xlsx 需要用 -o 指定输出文件，如 -o 审核汇总.xlsx[/red]")
        raise typer.Exit(EXIT_INPUT)
    figures = None
    if dataset is not None:
        from jixiao.figures import compute_figures

        figures = compute_figures(load_or_exit(dataset))
    folder = report.is_dir()
    if folder:
        try:
            paths = report_files(report)
        except OSError as error:
            _refuse(str(report), f"无法读取文件夹：{error.strerror or error}")
        if not paths:
            _refuse(str(report), "文件夹中没有可审核的报告（.txt、.md、.docx、.pdf）")
    else:
        paths = [report]
    with progress_bar(quiet) as progress:
        audits = audit_files(paths, figures, progress)
    if not folder and audits[0].result is None:
        _refuse(str(report), audits[0].problem)
    _write(audits, folder, output_format, output)
    raise typer.Exit(exit_code(audits))


@cache
def _no_collection_at_exit() -> None:
    """At the interpreter's exit, move every object to the permanent generation before its
    final garbage collection, which would otherwise go through all of them — typer's,
    Rich's, the rules' and the audit's — to find none to free (the process's memory is
    given back whole): ≈ 12 ms of CPU after the output of ``jixiao audit report.pdf``, the
    wall time of a run (issue 15 item 4). Registered with :mod:`atexit` (whose functions
    run before that collection), so that a test process that runs the command keeps
    collecting as usual until it ends; once per process."""
    import atexit
    import gc

    atexit.register(gc.freeze)


def exit_code(audits: list[FileAudit]) -> int:
    """2 when a report could not be read, else 1 when any has an error finding, else 0."""
    if any(a.result is None for a in audits):
        return EXIT_INPUT
    return EXIT_FINDINGS if any(a.result and a.result.errors for a in audits) else EXIT_OK


def _refuse(location: str, message: str) -> NoReturn:
    err_console.print(f"[red]无法审核 {escape(location)}：{escape(message)}[/red]", soft_wrap=True)
    raise typer.Exit(EXIT_INPUT)


def _write(
    audits: list[FileAudit], folder: bool, output_format: AuditFormat, output: Path | None
) -> None:
    from jixiao.lib.files import write_atomically

    if output_format is AuditFormat.xlsx:
        from jixiao.audit.export import workbook_bytes

        assert output is not None
        data = workbook_bytes(audits)
        with output_errors(output):
            output.parent.mkdir(parents=True, exist_ok=True)
            write_atomically(output, lambda tmp: tmp.write_bytes(data))
        console.print(f"已写入 {escape(str(output))}")
        return
    if output_format is AuditFormat.json:
        document = _json(audits, folder)
        if output is None:
            print_json(document)
            return
        text = json.dumps(document, ensure_ascii=False, indent=2) + "\n"
    else:
        if output is None:
            _print_all(audits, folder, console.get())
            return
        import io

        from rich.console import Console

        buffer = io.StringIO()
        _print_all(audits, folder, Console(file=buffer, width=160, highlight=False))
        text = buffer.getvalue()
    with output_errors(output):
        output.parent.mkdir(parents=True, exist_ok=True)
        write_atomically(output, lambda tmp: tmp.write_text(text, "utf-8"))
    console.print(f"已写入 {escape(str(output))}")


def _json(audits: list[FileAudit], folder: bool) -> dict[str, object]:
    if not folder:
        assert audits[0].result is not None
        return audits[0].result.to_json()
    from jixiao.audit.export import status

    reports: list[dict[str, object]] = []
    for item in audits:
        if item.result is None:
            reports.append({"file": str(item.path), "status": status(item), "error": item.problem})
        else:
            reports.append({**item.result.to_json(), "status": status(item)})
    from jixiao.audit.batch import summary

    return {"reports": reports, "summary": summary(audits)}


def _print_all(audits: list[FileAudit], folder: bool, to: Console) -> None:
    if not folder:
        assert audits[0].result is not None
        print_text(audits[0].result, to)
        return
    from jixiao.audit.export import SUMMARY_HEADERS, summary_row

    table = Table(title=f"审核汇总：共 {len(audits)} 份报告")
    for header in SUMMARY_HEADERS:
        table.add_column(header, overflow="fold")
    for item in audits:
        table.add_row(*(escape(str(v)) for v in summary_row(item)))
    to.print(table)
    for item in audits:
        if item.result is not None and item.result.findings:
            to.print()
            print_text(item.result, to, notes=False)


def print_text(result: AuditResult, to: Console | None = None, *, notes: bool = True) -> None:
    """Findings grouped by the section they are in, the stated number highlighted."""
    to = to or console.get()
    to.print(f"[bold]审核：{escape(result.file)}[/bold]")
    shown = [f for f in result.findings if notes or f.severity.value != "info"]
    for section, findings in groupby(shown, key=lambda f: f.section[:2]):
        to.print(
            f"\n[bold underline]{escape(' › '.join(section) or '（正文开头）')}[/bold underline]"
        )
        for finding in findings:
            _print_finding(finding, to)
    _print_summary(result, to)


def _print_finding(finding: Finding, to: Console) -> None:
    from jixiao.findings import SEVERITY_LABELS

    style = severity_styles()[finding.severity]
    name = SEVERITY_LABELS[finding.severity]
    to.print(f"  [{style}]{name}[/{style}] 第 {finding.location.line} 行 · {escape(finding.code)}")
    to.print(f"    “{_highlight(finding)}”")
    numbers = ""
    if finding.stated is not None or finding.expected is not None:
        numbers = f"（文中 {finding.stated or '—'}，应为 {finding.expected or '—'}）"
    to.print(f"    {escape(finding.message)}{numbers}")


def _highlight(finding: Finding) -> str:
    if finding.span is None:
        return escape(finding.claim)
    start, end = finding.span
    claim = finding.claim
    return (
        f"{escape(claim[:start])}[reverse]{escape(claim[start:end])}[/reverse]{escape(claim[end:])}"
    )


def _print_summary(result: AuditResult, to: Console) -> None:
    from jixiao.findings import SEVERITY_LABELS

    counts = "，".join(
        f"{SEVERITY_LABELS[severity]} {result.count(severity)} 处" for severity in severity_styles()
    )
    to.print(
        f"\n共提取 {result.claims} 项数据陈述，核对 {result.checked} 项；{counts}。"
        if result.findings
        else f"\n共提取 {result.claims} 项数据陈述，核对 {result.checked} 项；未发现问题。"
    )
