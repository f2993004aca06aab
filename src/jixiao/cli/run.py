"""``jixiao run``: the main job — everything jixiao does for one dataset, into one folder.

It evaluates the dataset once (:func:`jixiao.evaluation.evaluate`: figures, checks and
the score) and only formats that one evaluation: the JSON files, the report set and the
result application all show the same numbers. It exits 0
when the job completes, whatever the findings, because findings are the job's
*output*, not a failure of the job.

Given a folder instead of a dataset, it runs the same job for every department dataset in
it, in parallel processes (:mod:`jixiao.cli.province`); both write the files of
:func:`department_files`.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.markup import escape

from jixiao.cli.app import (
    app,
    fail_input,
    framework_or_exit,
    load_or_exit,
    output_folder,
    print_findings,
    stdout,
)
from jixiao.cli.progress import QuietOpt, progress_bar
from jixiao.lib.money import format_number

if TYPE_CHECKING:
    from jixiao.evaluation import Evaluation
    from jixiao.lib.progress import Progress

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


def _json(document: Any) -> bytes:
    return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def _print_key_figures(figures: Any) -> None:
    from rich.table import Table

    table = Table(title="主要数据", title_justify="left")
    table.add_column("指标")
    table.add_column("数值", justify="right")
    for figure_id in KEY_FIGURES:
        figure = figures.get(figure_id)
        if figure is None or figure.value is None:
            continue
        unit = figure.unit if figure.unit == "%" else f" {figure.unit}"
        table.add_row(escape(figure.label), f"{figure.text}{unit}")
    stdout().print(table)


def _score_line(evaluation: Evaluation) -> str:
    card = evaluation.scorecard
    if card is None:
        return evaluation.framework.reason
    if card.total is None:
        return "部分指标缺少数据，未得出总分和等级"
    grade = card.grade_label or "—"
    partial = "（部分指标缺少数据，未计入）" if not card.complete else ""
    return f"总分 {format_number(card.total)} 分，等级 {grade}{partial}"


def department_files(
    evaluation: Evaluation,
    stem: str,
    formats: Sequence[str],
    *,
    parallel: bool = True,
    progress: Progress | None = None,
) -> Iterator[tuple[str, bytes]]:
    """Every file ``jixiao run`` writes for one evaluation, as (name, bytes), in order.

    The single run and the province run (:mod:`jixiao.cli.province`) write the same
    files from this one place. ``parallel`` lets the report set render its PDF in a
    second process (a province run is parallel over departments instead).
    """
    from jixiao.io.textform import text_form_bytes
    from jixiao.lib.progress import no_progress
    from jixiao.reports.api import report_files, worklist_file

    tell = progress or no_progress
    # Each step is told with its count (a province's figures.json holds 100,000 figures;
    # its text form takes tens of seconds and counts its rows as it goes).
    card = evaluation.scorecard
    results = 3 if card is not None else 2
    tell("写出 figures.json", 0, results)
    yield "figures.json", _json(evaluation.figures.to_json())
    if card is not None:
        tell("写出 scorecard.json", 1, results)
        yield "scorecard.json", _json(card.to_json())
    tell("写出 findings.json", results - 1, results)
    yield "findings.json", _json({"findings": [f.to_json() for f in evaluation.findings]})
    tell("写出 findings.json", results, results)
    for file in report_files(evaluation, formats, parallel=parallel, progress=progress):
        yield file.filename, file.data
    tell("结果应用与整改清单", 0, 2)
    worklist = worklist_file(evaluation)
    yield worklist.filename, worklist.data
    tell("数据集（文本格式）", 1, 2)
    yield stem + ".yaml", text_form_bytes(evaluation.dataset, progress)
    tell("数据集（文本格式）", 2, 2)


@app.command()
def run(
    dataset_path: Annotated[Path, typer.Argument(help="数据集：.xlsx 工作簿或 .yaml 文本格式")],
    out: Annotated[Path, typer.Option("--out", "-o", help="输出目录")] = Path("out"),
    framework: Annotated[
        str,
        typer.Option(
            "--framework",
            help="评分框架编号，或框架 YAML 文件；默认取数据集“自评结论”中的评分框架（须为内置编号）",
        ),
    ] = "",
    formats: Annotated[
        str, typer.Option("--format", help="报告格式，逗号分隔：docx,html,pdf,xlsx")
    ] = "docx,html,pdf,xlsx",
    workers: Annotated[
        int,
        typer.Option("--workers", min=0, help="目录批量运行的并行进程数；默认为 CPU 核数"),
    ] = 0,
    force: Annotated[
        bool,
        typer.Option("--force", help="输出目录已有其他文件时也整体替换（输入文件所在目录除外）"),
    ] = False,
    quiet: QuietOpt = False,
) -> None:
    """主任务：检查数据集、计算全部数据、评分，并把结果写入输出目录。

    给一个目录时，其中每个数据集（.xlsx/.yaml）为一个部门：多进程逐部门运行，各写入输出目录下的同名子目录，并写汇总.json。
    """
    from jixiao.cli.report import _formats
    from jixiao.evaluation import evaluate
    from jixiao.lib.batch import paused_gc
    from jixiao.scoring import UnknownFramework

    chosen_formats = _formats(formats)
    chosen = framework_or_exit(framework)
    inputs = [dataset_path, *([Path(framework)] if framework.endswith((".yaml", ".yml")) else [])]
    if dataset_path.is_dir():
        from jixiao.cli.province import run_folder

        run_folder(
            dataset_path,
            out,
            chosen,
            chosen_formats,
            inputs=inputs,
            force=force,
            workers=workers,
            quiet=quiet,
        )
        return
    console = stdout()
    written: list[Path] = []
    # The folder is checked and locked first (a second run into it is refused at once);
    # nothing reaches it unless everything below completes.
    with (
        output_folder(out, inputs=inputs, force=force, command="run") as folder,
        paused_gc(),
        progress_bar(quiet) as progress,
    ):
        dataset = load_or_exit(dataset_path, progress)
        try:
            evaluation = evaluate(dataset, framework=chosen, progress=progress)
        except UnknownFramework as error:
            fail_input(error)
        for name, data in department_files(
            evaluation, dataset_path.stem, chosen_formats, progress=progress
        ):
            written.append(folder.write(name, data))

    profile = dataset.profile
    console.print(
        f"[bold]{escape(profile.department_name)} {profile.year or ''} 年度部门整体支出绩效[/bold]"
    )
    _print_key_figures(evaluation.figures)
    label = f"（{evaluation.framework.id}）" if evaluation.framework.id else ""
    console.print(f"评分{escape(label)}：{escape(_score_line(evaluation))}")
    print_findings(evaluation.findings, "一致性检查")
    console.print("已写入：" + escape("、".join(str(p) for p in written)))
