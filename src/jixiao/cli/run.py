"""``jixiao run``: the main job — everything jixiao does for one dataset, into one folder.

It calls the same engine functions as the single commands (figures, check, score,
report, results) and writes what each produces, computing each thing once; it exits 0
when the job completes, whatever the findings, because findings are the job's
*output*, not a failure of the job.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from jixiao.cli.app import app, console, load_or_exit, output_errors, print_findings
from jixiao.lib.files import write_atomically
from jixiao.lib.money import format_number
from jixiao.scoring import FrameworkError, Scorecard, not_in_checks

DEFAULT_FRAMEWORK = "gd-dept-2023"

#: The figures the console summary shows: the headline numbers of a 自评报告.
KEY_FIGURES: tuple[str, ...] = (
    "income.budget.total",
    "income.final.total",
    "income.final.ratio_to_budget",
    "expenditure.budget.total",
    "expenditure.final.total",
    "expenditure.final.ratio_to_budget",
    "expenditure.nature.final.ratio_to_budget.基本支出",
    "expenditure.nature.final.ratio_to_budget.项目支出",
    "three_public.final.三公经费合计",
    "three_public.saving",
    "three_public.growth.三公经费合计",
    "carryover.closing",
    "carryover.change_rate",
    "headcount.total",
    "units.count",
)


def _write_json(path: Path, document: Any) -> Path:
    text = json.dumps(document, ensure_ascii=False, indent=2) + "\n"
    return write_atomically(path, lambda tmp: tmp.write_text(text, "utf-8"))


def _print_key_figures(figures: Any) -> None:
    table = Table(title="主要数据", title_justify="left")
    table.add_column("指标")
    table.add_column("数值", justify="right")
    for figure_id in KEY_FIGURES:
        figure = figures.get(figure_id)
        if figure is None or figure.value is None:
            continue
        unit = figure.unit if figure.unit == "%" else f" {figure.unit}"
        table.add_row(escape(figure.label), f"{figure.text}{unit}")
    console.print(table)


def _problems(error: FrameworkError) -> str:
    """The framework's problems; the place only where it is a file line, not the option."""
    return "；".join(e.message if e.location == "--framework" else str(e) for e in error.errors)


def _score_line(card: Scorecard) -> str:
    if card.total is None:
        return "部分指标缺少数据，未得出总分和等级"
    grade = card.grade_label or "—"
    partial = "（部分指标缺少数据，未计入）" if not card.complete else ""
    return f"总分 {format_number(card.total)} 分，等级 {grade}{partial}"


@app.command()
def run(
    dataset_path: Annotated[Path, typer.Argument(help="数据集：.xlsx 工作簿或 .yaml 文本格式")],
    out: Annotated[Path, typer.Option("--out", "-o", help="输出目录")] = Path("out"),
    framework: Annotated[
        str, typer.Option("--framework", help="评分框架；默认取数据集“自评结论”中的评分框架")
    ] = "",
) -> None:
    """主任务：检查数据集、计算全部数据、评分，并把结果写入输出目录。"""
    from jixiao.checks import run_checks
    from jixiao.figures import compute_figures
    from jixiao.io.formats import save_dataset
    from jixiao.monitoring.excel import write_tables_xlsx
    from jixiao.monitoring.results import apply_results
    from jixiao.monitoring.settings import load_result_rules
    from jixiao.monitoring.tables import results_tables
    from jixiao.reports.api import DEFAULT_FORMATS, render_report, report_stem
    from jixiao.reports.builder import build_report
    from jixiao.reports.scores import scorecard_from_dataset, scorecard_from_engine
    from jixiao.scoring import score_dataset

    dataset = load_or_exit(dataset_path)
    with output_errors(out):
        out.mkdir(parents=True, exist_ok=True)
    framework_id = framework or dataset.self_evaluation.framework or DEFAULT_FRAMEWORK
    written: list[Path] = []
    columns = (TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn())
    with output_errors(out), Progress(*columns, console=console, transient=True) as progress:
        task = progress.add_task("计算", total=6)
        figures = compute_figures(dataset)
        written.append(_write_json(out / "figures.json", figures.to_json()))
        progress.update(task, advance=1, description="检查")
        findings = run_checks(dataset, figures)
        progress.update(task, advance=1, description="评分")
        try:
            scorecard = score_dataset(dataset, framework_id, figures=figures)
        except FrameworkError as error:  # unknown id, or a project framework for a department
            console.print(
                f"[yellow]未评分（{escape(framework_id)}）：{escape(_problems(error))}[/yellow]"
            )
            scorecard = None
        if scorecard is not None:
            findings = findings + not_in_checks(scorecard.findings, findings)
            written.append(_write_json(out / "scorecard.json", scorecard.to_json()))
        written.append(
            _write_json(out / "findings.json", {"findings": [f.to_json() for f in findings]})
        )
        progress.update(task, advance=1, description="报告")
        printed = (
            scorecard_from_engine(scorecard, dataset)
            if scorecard is not None
            else scorecard_from_dataset(dataset)
        )
        model = build_report(dataset, figures, printed, findings)
        written += render_report(model, out, DEFAULT_FORMATS, report_stem(dataset))
        progress.update(task, advance=1, description="结果应用")
        result = apply_results(dataset, load_result_rules(None))
        results_path = out / "结果应用与整改清单.xlsx"
        write_tables_xlsx(results_tables(result), results_path)
        written.append(results_path)
        progress.update(task, advance=1, description="数据集")
        text_form = out / (dataset_path.stem + ".yaml")
        save_dataset(dataset, text_form)
        written.append(text_form)
        progress.update(task, advance=1)

    profile = dataset.profile
    console.print(
        f"[bold]{escape(profile.department_name)} {profile.year or ''} 年度部门整体支出绩效[/bold]"
    )
    _print_key_figures(figures)
    if scorecard is not None:
        console.print(f"评分（{escape(framework_id)}）：{_score_line(scorecard)}")
    print_findings(findings, "一致性检查")
    console.print("已写入：" + escape("、".join(str(p) for p in written)))
