"""Monitoring commands: ``targets review`` / ``targets library``, ``monitor``, ``results``.

Each parses its options, loads the inputs (exit 2 with every problem when they are
unreadable), calls one engine function of :mod:`jixiao.monitoring` and prints text,
JSON or writes Excel. Findings never change the exit code: these are review tools.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from jixiao.cli.app import (
    EXIT_INPUT,
    app,
    check_output,
    fail_input,
    framework_or_exit,
    load_or_exit,
    print_json,
    printable,
    rules_or_exit,
    stderr,
    stdout,
    write_output,
)
from jixiao.cli.progress import QuietOpt, progress_bar
from jixiao.lib.money import format_amount, format_number, normalize
from jixiao.lib.progress import Progress, no_progress

if TYPE_CHECKING:
    from jixiao.monitoring.tables import Table

targets_app = typer.Typer(
    help="绩效目标：核心指标库与目标审核（偏低、偏高、完整性、与资金一致性）。",
    no_args_is_help=True,
)
app.add_typer(targets_app, name="targets")


class Output(StrEnum):
    text = "text"
    json = "json"
    xlsx = "xlsx"


class Grouping(StrEnum):
    unit = "unit"
    fund = "fund"


FormatOption = Annotated[
    Output, typer.Option("--format", "-f", help="输出格式：text、json 或 xlsx（xlsx 需 -o）")
]
OutOption = Annotated[Path | None, typer.Option("--output", "-o", help="xlsx 输出文件")]
ForceOption = Annotated[bool, typer.Option("--force", help="覆盖已有的输出文件")]


def _load(loader: Callable[[], Any]) -> Any:
    from jixiao.dataset.build import DatasetError

    try:
        return loader()
    except DatasetError as error:
        fail_input(error)


def _cell(value: object, money: bool) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        # Money with 千分位 and two decimals; other numbers (targets, rates) as given.
        return format_amount(value) if money else format(normalize(value), "f")
    return str(value)


def _print_tables(tables: list[Table]) -> None:
    from rich.table import Table as RichTable

    console = stdout()
    for table in tables:
        if not table.rows:
            console.print(f"[bold]{table.title}[/bold]：无")
            continue
        shown = table.brief or tuple(range(len(table.headers)))
        rich = RichTable(title=table.title, title_justify="left", show_lines=False)
        for index in shown:
            rich.add_column(table.headers[index], overflow="fold")
        for row in table.rows:
            rich.add_row(*(printable(_cell(row[i], i in table.money)) for i in shown))
        console.print(rich)


def _emit(
    fmt: Output,
    output: Path | None,
    document: dict[str, object],
    tables: list[Table],
    progress: Progress = no_progress,
) -> None:
    """Print (text, json) or write (xlsx, counted on ``progress``) the command's tables.

    Printing is done after the progress bar has gone (callers call this outside it for
    text and json), so standard output holds only the data.
    """
    if fmt is Output.json:
        print_json(document)
    elif fmt is Output.xlsx:
        from jixiao.monitoring.excel import tables_xlsx_bytes

        assert output is not None  # checked before any work
        progress("写出 Excel", 0, 1)
        write_output(output, tables_xlsx_bytes(tables))
        progress("写出 Excel", 1, 1)
        stdout().print(f"已写入 {printable(str(output))}")
    else:
        _print_tables(tables)


def _check_output(fmt: Output, output: Path | None, force: bool, inputs: list[Path | None]) -> None:
    if fmt is Output.xlsx and (output is None or output.suffix.lower() != ".xlsx"):
        stderr().print("[red]--format xlsx 需要用 -o 指定 .xlsx 输出文件[/red]")
        raise typer.Exit(EXIT_INPUT)
    if fmt is Output.xlsx and output is not None:
        check_output(output, force=force, inputs=[p for p in inputs if p is not None])


def _check_history(history: Path | None) -> None:
    """Refuse a history folder whose CSV files are too large to read (before reading)."""
    from jixiao.dataset.build import DatasetError, InputError
    from jixiao.io.limits import DEFAULT_LIMITS, size_text

    if history is None or not history.is_dir():
        return
    limit = DEFAULT_LIMITS.csv_bytes
    problems = []
    for path in sorted(history.glob("*.csv")):
        try:
            size = path.stat().st_size
        except OSError:
            continue  # the loader names an unreadable file
        if size > limit:
            problems.append(
                InputError(
                    str(path), f"文件有 {size_text(size)}，超过可读取的上限 {size_text(limit)}"
                )
            )
    if problems:
        fail_input(DatasetError(problems))


# --------------------------------------------------------------------------- targets


def _library(library: Path | None, history: Path | None) -> Any:
    from jixiao.cli.files import load_history_dir, load_library
    from jixiao.monitoring.library import shipped_library

    lib = load_library(library) if library else shipped_library()
    if history is not None:
        lib = lib.with_history(*load_history_dir(history))
    return lib


@targets_app.command("review")
def targets_review(
    dataset: Annotated[Path, typer.Argument(help="数据集：.xlsx 或 .yaml")],
    history: Annotated[
        Path | None, typer.Option("--history", help="历史数据目录（history.csv、allocations.csv）")
    ] = None,
    library: Annotated[
        Path | None,
        typer.Option("--library", help="指标库文件（.yaml 或 .xlsx）；默认用内置起步库"),
    ] = None,
    rules: Annotated[
        Path | None,
        typer.Option("--rules", help="审核规则文件；默认 jixiao/data/monitoring/review.yaml"),
    ] = None,
    fmt: FormatOption = Output.text,
    output: OutOption = None,
    force: ForceOption = False,
) -> None:
    """审核绩效目标：完整性、方向、与历史和指标库比较的偏低/偏高、与资金是否一致、目标设定偏低。"""
    from jixiao.lib.batch import paused_gc
    from jixiao.monitoring.review import review_targets
    from jixiao.monitoring.settings import load_review_settings
    from jixiao.monitoring.tables import review_tables

    _check_output(fmt, output, force, [dataset, library, rules])
    _check_history(history)
    data = load_or_exit(dataset)
    lib = _load(lambda: _library(library, history))
    settings = _load(lambda: load_review_settings(rules_or_exit(rules, "review.yaml")))
    with paused_gc():
        review = review_targets(data, lib, settings)
    _emit(fmt, output, review.to_json(), review_tables(review))
    if fmt is Output.text:
        flagged = sum(1 for r in review.rows if r.flags)
        stdout().print(f"共审核 {len(review.rows)} 个指标，{flagged} 个有审核标记。")


@targets_app.command("library")
def targets_library(
    output: Annotated[Path, typer.Argument(help="输出 .xlsx（指标库、历史值、预算数三个工作表）")],
    history: Annotated[
        Path | None, typer.Option("--history", help="一并导出的历史数据目录")
    ] = None,
    library: Annotated[
        Path | None,
        typer.Option("--library", help="指标库文件（.yaml 或 .xlsx）；默认用内置起步库"),
    ] = None,
    force: ForceOption = False,
) -> None:
    """导出核心指标库（含历史值）为 Excel；改好的工作簿可用 --library 读回。"""
    from jixiao.monitoring.excel import library_xlsx_bytes

    if output.suffix.lower() != ".xlsx":
        stderr().print("[red]指标库只能导出为 .xlsx[/red]")
        raise typer.Exit(EXIT_INPUT)
    check_output(output, force=force, inputs=[p for p in (library,) if p is not None])
    _check_history(history)
    lib = _load(lambda: _library(library, history))
    write_output(output, library_xlsx_bytes(lib))
    stdout().print(
        f"已写入 {printable(str(output))}（{len(lib.indicators)} 个指标，{len(lib.history)} 条历史值）"
    )


# --------------------------------------------------------------------------- monitor


@app.command()
def monitor(
    dataset: Annotated[Path, typer.Argument(help="含“执行进度”表的数据集：.xlsx 或 .yaml")],
    period: Annotated[str, typer.Option("--period", "-p", help="监控期（YYYY-MM），如 2023-06")],
    lines: Annotated[
        str | None,
        typer.Option("--lines", help="预警线规则集（见 warning-lines.yaml），默认四川口径"),
    ] = None,
    lines_file: Annotated[
        Path | None, typer.Option("--lines-file", help="自定义预警线文件")
    ] = None,
    interview_after: Annotated[
        int | None,
        typer.Option("--interview-after", help="连续几次低于预警线列入约谈（覆盖规则集）"),
    ] = None,
    by: Annotated[
        Grouping, typer.Option("--by", help="通报按单位（unit）或资金来源（fund）汇总")
    ] = Grouping.unit,
    chart: Annotated[
        Path | None, typer.Option("--chart", help="另存执行进度与序时进度对比图（.png）")
    ] = None,
    fmt: FormatOption = Output.text,
    output: OutOption = None,
    force: ForceOption = False,
    quiet: QuietOpt = False,
) -> None:
    """绩效运行监控：执行率对比序时进度和预警线，输出执行进度通报、预警清单和约谈名单。"""
    import dataclasses

    from jixiao.dataset.build import DatasetError, InputError
    from jixiao.lib.batch import paused_gc
    from jixiao.monitoring.monitor import monitor_execution, parse_period
    from jixiao.monitoring.settings import load_warning_lines
    from jixiao.monitoring.tables import monitoring_tables

    _check_output(fmt, output, force, [dataset, lines_file])
    if chart is not None:
        if chart.suffix.lower() != ".png":
            stderr().print("[red]--chart 只能保存为 .png 图片[/red]")
            raise typer.Exit(EXIT_INPUT)
        check_output(chart, force=force, inputs=[p for p in (dataset, lines_file, output) if p])
    if parse_period(period) is None:
        fail_input(
            DatasetError([InputError("--period", f"监控期“{period}”应为 YYYY-MM 格式，如 2023-06")])
        )
    with progress_bar(quiet) as progress:
        data = load_or_exit(dataset, progress)
        source = rules_or_exit(lines_file, "warning-lines.yaml")
        rule_set = _load(lambda: load_warning_lines(lines, source))
        if interview_after is not None:
            rule_set = dataclasses.replace(rule_set, interview_after=interview_after)
        stages = 2 if chart is None else 3
        progress("执行监控", 0, stages)
        with paused_gc():
            report = monitor_execution(data, period, rule_set, date.today(), by.value)
        progress("通报与预警清单", 1, stages)
        tables = monitoring_tables(report)
        if chart is not None:
            from jixiao.monitoring.chart import execution_chart_png

            progress("执行进度图", 2, stages)
            write_output(
                chart,
                execution_chart_png(
                    report, f"{data.profile.department_name} 预算执行进度（截至 {period}）"
                ),
            )
        progress("执行监控", stages, stages)
        if fmt is Output.xlsx:
            _emit(fmt, output, {}, tables, progress)
    if fmt is not Output.xlsx:
        _emit(fmt, output, report.to_json(), tables)
    if fmt is Output.text:
        console = stdout()
        rate = f"{format_number(report.rate)}%" if report.rate is not None else "—"
        line = f"，预警线 {format_number(report.line)}%" if report.line is not None else ""
        console.print(
            f"截至 {period}：预算 {format_amount(report.total_budget)} 万元，累计执行 {format_amount(report.total_cumulative)} 万元，"
            f"执行率 {rate}，序时进度 {format_number(report.pace)}%{line}；预警 {len(report.alerts)} 条，约谈 {len(report.interviews)} 个单位。"
        )
        if chart is not None:
            console.print(f"图已写入 {printable(str(chart))}")


# --------------------------------------------------------------------------- results


@app.command()
def results(
    dataset: Annotated[Path, typer.Argument(help="数据集：.xlsx 或 .yaml")],
    rules: Annotated[
        Path | None,
        typer.Option("--rules", help="结果应用规则（等级线、建议、整改期限）；默认内置"),
    ] = None,
    carry_to: Annotated[
        Path | None,
        typer.Option(
            "--carry-to",
            help="把整改清单写入下一年度数据集（.yaml/.xlsx；文件已存在则更新其“整改事项”表）",
        ),
    ] = None,
    framework: Annotated[
        str,
        typer.Option(
            "--framework",
            help="评分框架编号，或框架 YAML 文件；默认取数据集“自评结论”中的评分框架（须为内置编号）",
        ),
    ] = "",
    fmt: FormatOption = Output.text,
    output: OutOption = None,
    force: ForceOption = False,
    quiet: QuietOpt = False,
) -> None:
    """评价结果应用：按等级给出预算安排建议（优先保障/保障/压缩/取消），列出整改清单。"""
    from jixiao.dataset.build import DatasetError
    from jixiao.evaluation import evaluate
    from jixiao.io.formats import dataset_bytes, format_for
    from jixiao.monitoring.results import apply_results, carry_forward
    from jixiao.monitoring.settings import load_result_rules
    from jixiao.monitoring.tables import results_tables
    from jixiao.scoring import UnknownFramework

    _check_output(fmt, output, force, [dataset, rules, carry_to])
    carry_format = None
    if carry_to is not None:
        carry_format = format_for(carry_to)
        if carry_format is None:
            stderr().print(
                f"[red]不支持的数据集格式“{printable(carry_to.suffix)}”（支持 .xlsx、.yaml）[/red]"
            )
            raise typer.Exit(EXIT_INPUT)
        # Updating an existing next-year dataset rewrites it in jixiao's own layout
        # (comments and formatting are not kept): only with --force, never the input.
        check_output(carry_to, force=force, inputs=[p for p in (dataset, rules, output) if p])
    chosen = framework_or_exit(framework)
    with progress_bar(quiet) as progress:
        data = load_or_exit(dataset, progress)
        rule_set = _load(lambda: load_result_rules(rules_or_exit(rules, "results.yaml")))
        try:
            evaluation = evaluate(data, framework=chosen, progress=progress)
        except UnknownFramework as error:
            fail_input(error)
    result = apply_results(evaluation, rule_set)
    if carry_to is not None and carry_format is not None:
        existing = load_or_exit(carry_to) if carry_to.exists() else None
        carried = carry_forward(data, result.rectifications, existing)
        try:
            encoded = dataset_bytes(carried, carry_format.identifier)
        except DatasetError as error:
            fail_input(error)
        write_output(carry_to, encoded)
    if fmt is Output.xlsx:
        # The same work list `jixiao run` writes (one implementation): 问题, 整改措施, 责任单位,
        # 责任人, 期限, 状态 dropdown, 佐证, and the budget suggestions marked 参考 when only
        # a self-evaluation exists.
        from jixiao.reports.api import worklist_file

        assert output is not None  # checked before any work
        write_output(output, worklist_file(evaluation, result=result).data)
        stdout().print(f"已写入 {printable(str(output))}")
    else:
        _emit(fmt, output, result.to_json(), results_tables(result))
    if fmt is Output.text:
        console = stdout()
        console.print(f"整改事项 {len(result.rectifications)} 项。")
        if carry_to is not None:
            console.print(f"已写入下一年度数据集 {printable(str(carry_to))}")
