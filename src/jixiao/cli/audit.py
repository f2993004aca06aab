"""``jixiao audit REPORT``: flag every number of a report that does not add up."""

from __future__ import annotations

from itertools import groupby
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from jixiao.audit.findings import AuditFinding, AuditResult, AuditSeverity
from jixiao.cli.app import (
    EXIT_INPUT,
    OutputFormat,
    app,
    console,
    err_console,
    load_or_exit,
    print_json,
)

ReportArg = Annotated[Path, typer.Argument(help="报告文件：.txt、.md、.docx 或 .pdf（文字层）")]
FormatOpt = Annotated[OutputFormat, typer.Option("--format", "-f", help="输出格式：text 或 json")]
DatasetOpt = Annotated[
    Path | None,
    typer.Option("--dataset", "-d", help="同时与该数据集（.xlsx/.yaml）计算出的数据逐项核对"),
]

#: severity → (Chinese name, Rich style), in the order a reader cares about.
SEVERITY_STYLES: dict[AuditSeverity, tuple[str, str]] = {
    AuditSeverity.ERROR: ("错误", "bold red"),
    AuditSeverity.WARNING: ("警告", "yellow"),
    AuditSeverity.ROUNDING: ("舍入", "magenta"),
    AuditSeverity.INFO: ("提示", "cyan"),
}


@app.command()
def audit(
    report: ReportArg, format: FormatOpt = OutputFormat.text, dataset: DatasetOpt = None
) -> None:
    """审核报告中的数字：合计与分项、占比、与预算之比、同比增减、分值与扣分、结论与得分、计数等。"""
    from jixiao.audit import AuditInputError, audit_file

    figures = None
    if dataset is not None:
        from jixiao.figures import compute_figures

        figures = compute_figures(load_or_exit(dataset))
    try:
        result = audit_file(report, figures)
    except AuditInputError as error:
        err_console.print(
            f"[red]无法审核 {escape(error.location)}：{escape(error.message)}[/red]", soft_wrap=True
        )
        raise typer.Exit(EXIT_INPUT) from None
    if format is OutputFormat.json:
        print_json(result.to_json())
    else:
        print_text(result)


def print_text(result: AuditResult) -> None:
    """Findings grouped by the section they are in, the stated number highlighted."""
    console.print(f"[bold]审核：{escape(result.file)}[/bold]")
    for section, findings in groupby(result.findings, key=lambda f: f.section[:2]):
        console.print(
            f"\n[bold underline]{escape(' › '.join(section) or '（正文开头）')}[/bold underline]"
        )
        for finding in findings:
            _print_finding(finding)
    _print_summary(result)


def _print_finding(finding: AuditFinding) -> None:
    name, style = SEVERITY_STYLES[finding.severity]
    console.print(f"  [{style}]{name}[/{style}] 第 {finding.line} 行 · {escape(finding.rule)}")
    console.print(f"    “{_highlight(finding)}”")
    numbers = ""
    if finding.stated is not None or finding.expected is not None:
        numbers = f"（文中 {finding.stated or '—'}，应为 {finding.expected or '—'}）"
    console.print(f"    {escape(finding.message)}{numbers}")


def _highlight(finding: AuditFinding) -> str:
    if finding.span is None:
        return escape(finding.claim)
    start, end = finding.span
    claim = finding.claim
    return (
        f"{escape(claim[:start])}[reverse]{escape(claim[start:end])}[/reverse]{escape(claim[end:])}"
    )


def _print_summary(result: AuditResult) -> None:
    counts = "，".join(
        f"{name} {result.count(severity)} 处" for severity, (name, _) in SEVERITY_STYLES.items()
    )
    console.print(
        f"\n共提取 {result.claims} 项数据陈述，核对 {result.checked} 项；{counts}。"
        if result.findings
        else f"\n共提取 {result.claims} 项数据陈述，核对 {result.checked} 项；未发现问题。"
    )
