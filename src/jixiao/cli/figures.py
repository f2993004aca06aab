"""``jixiao figures`` (every derived figure) and ``jixiao check`` (consistency findings)."""

from __future__ import annotations

from functools import cache
from itertools import groupby
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape
from rich.table import Table

from jixiao.cli.app import EXIT_FINDINGS, OutputFormat, app, console, load_or_exit, print_json
from jixiao.cli.progress import QuietOpt, progress_bar

if TYPE_CHECKING:
    from jixiao.figures.model import Figure
    from jixiao.findings import Finding, Severity

DatasetArg = Annotated[Path, typer.Argument(help="数据集：.xlsx 工作簿或 .yaml 文本格式")]
FormatOpt = Annotated[OutputFormat, typer.Option("--format", "-f", help="输出格式：text 或 json")]
PrefixOpt = Annotated[
    str,
    typer.Option("--prefix", "-p", help="只输出编号以此开头的指标，如 income. 或 three_public."),
]

#: First segment of a figure id → the Chinese title of its group in text output.
AREA_TITLES: dict[str, str] = {
    "income": "收入",
    "expenditure": "支出",
    "three_public": "“三公”经费",
    "carryover": "结转结余",
    "headcount": "人员",
    "units": "预算单位",
    "assets": "资产",
    "indicator": "部门绩效指标",
    "indicators": "部门绩效指标汇总",
    "project_indicator": "项目绩效指标",
    "project_indicators": "项目绩效指标汇总",
    "project": "项目",
    "projects": "项目汇总",
    "score": "自评评分",
    "unit": "各单位",
    "consolidated": "各单位汇总",
}


@cache
def severity_titles() -> dict[Severity, tuple[str, str]]:
    """Severity → (title, Rich style); built when printing (the engine is not imported
    by ``jixiao --help``)."""
    from jixiao.findings import Severity

    return {
        Severity.ERROR: ("错误", "red"),
        Severity.WARNING: ("警告", "yellow"),
        Severity.INFO: ("提示", "cyan"),
    }


def _area(figure: Figure) -> str:
    return figure.id.split(".", 1)[0]


def _value_text(figure: Figure) -> str:
    if figure.value is None:
        return "—（无数据）"
    return (
        f"{figure.text}{figure.unit}"
        if figure.unit in ("%", "")
        else f"{figure.text} {figure.unit}"
    )


def _print_figures(figures: list[Figure]) -> None:
    for key, group in groupby(figures, key=_area):
        table = Table(title=AREA_TITLES.get(key, key), title_justify="left", show_lines=False)
        table.add_column("编号", style="cyan", overflow="fold")
        table.add_column("名称", overflow="fold")
        table.add_column("数值", justify="right", no_wrap=True)
        table.add_column("公式", style="dim", overflow="fold")
        for figure in group:
            # Labels and formulas carry item names from the dataset: shown as typed, not as markup.
            table.add_row(
                escape(figure.id),
                escape(figure.label),
                escape(_value_text(figure)),
                escape(figure.formula),
            )
        console.print(table)


@app.command()
def figures(
    dataset: DatasetArg,
    format: FormatOpt = OutputFormat.text,
    prefix: PrefixOpt = "",
    quiet: QuietOpt = False,
) -> None:
    """计算并输出全部衍生指标（合计、占比、为年初预算的比例、同比增减、完成率等）。"""
    from jixiao.figures import compute_figures

    with progress_bar(quiet) as progress:
        data = load_or_exit(dataset, progress)
        progress("计算指标", 0, 1)
        result = compute_figures(data)
        progress("计算指标", 1, 1)
    selected = [f for f in result.values() if f.id.startswith(prefix)]
    if format is OutputFormat.json:
        print_json({"figures": [f.to_json() for f in selected]})
        return
    _print_figures(selected)
    console.print(f"共 {len(selected)} 项指标")


def _print_findings(findings: list[Finding]) -> None:
    for severity, (title, style) in severity_titles().items():
        group = [f for f in findings if f.severity is severity]
        if not group:
            continue
        table = Table(title=f"{title}（{len(group)}）", title_justify="left", title_style=style)
        table.add_column("位置", style="cyan", overflow="fold")
        table.add_column("代码", style="dim", overflow="fold")
        table.add_column("说明", overflow="fold")
        for item in group:
            table.add_row(escape(item.place), item.code, escape(item.message))
        console.print(table)


def _summary(findings: list[Finding]) -> str:
    titles = severity_titles()
    counts = {s: sum(f.severity is s for f in findings) for s in titles}
    parts = "、".join(f"{titles[s][0]} {n} 条" for s, n in counts.items())
    return f"共 {len(findings)} 条检查结果：{parts}"


@app.command()
def check(
    dataset: DatasetArg, format: FormatOpt = OutputFormat.text, quiet: QuietOpt = False
) -> None:
    """一致性检查：合计与明细、单位数、人数、预决算差异、目标完成、评分表、声明数等。

    退出状态：0 无错误；1 数据有错误级别的检查结果；2 无法读取输入。
    """
    from jixiao.checks import run_checks
    from jixiao.figures import compute_figures

    with progress_bar(quiet) as progress:
        data = load_or_exit(dataset, progress)
        progress("计算指标", 0, 2)
        computed = compute_figures(data)
        progress("一致性检查", 1, 2)
        findings = run_checks(data, computed)
        progress("一致性检查", 2, 2)
    if format is OutputFormat.json:
        print_json({"findings": [f.to_json() for f in findings]})
    else:
        if findings:
            _print_findings(findings)
        console.print(_summary(findings))
    if any(f.severity.value == "error" for f in findings):
        raise typer.Exit(EXIT_FINDINGS)
