"""``jixiao report``: the self-evaluation report in Word, HTML, PDF and Excel."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from jixiao.cli.app import (
    EXIT_INPUT,
    app,
    console,
    err_console,
    fail_input,
    framework_or_exit,
    load_or_exit,
    output_errors,
    print_findings,
)
from jixiao.dataset.build import DatasetError
from jixiao.dataset.model import Dataset


def _formats(value: str) -> list[str]:
    from jixiao.reports.api import check_formats

    formats = [f.strip().lower() for f in value.split(",") if f.strip()]
    unknown = check_formats(formats)
    if unknown or not formats:
        shown = "、".join(unknown) or "（空）"
        err_console.print(f"[red]不支持的报告格式：{shown}（可选：docx、html、pdf、xlsx）[/red]")
        raise typer.Exit(EXIT_INPUT)
    return formats


@app.command()
def report(
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
    per_unit: Annotated[
        bool,
        typer.Option("--per-unit", help="另为每个有分单位数据的预算单位各写一份报告（多进程并行）"),
    ] = False,
    wording: Annotated[
        Path | None,
        typer.Option("--wording", help="自定义措辞与大纲的 YAML 文件（见 docs/reports.md）"),
    ] = None,
    template: Annotated[
        Path | None,
        typer.Option(
            "--template",
            help="自定义 HTML/PDF 模板目录（report.html.j2、report.css，见 docs/reports.md）",
        ),
    ] = None,
    workers: Annotated[
        int, typer.Option("--workers", min=0, help="--per-unit 的并行进程数；默认为 CPU 核数")
    ] = 0,
) -> None:
    """生成部门整体支出绩效自评报告（Word、网页、PDF、Excel），含图表、评分表和数据来源。"""
    from jixiao.evaluation import evaluate
    from jixiao.lib.files import write_atomically
    from jixiao.reports.api import report_files
    from jixiao.reports.wording import load_wording
    from jixiao.scoring import UnknownFramework

    chosen = _formats(formats)
    chosen_framework = framework_or_exit(framework)
    if template is not None and not template.is_dir():
        err_console.print(f"[red]模板目录“{template}”不存在[/red]")
        raise typer.Exit(EXIT_INPUT)
    dataset = load_or_exit(dataset_path)
    try:
        custom = load_wording(wording) if wording else None
    except DatasetError as error:
        fail_input(error)
    try:
        evaluation = evaluate(dataset, framework=chosen_framework)
    except UnknownFramework as error:
        err_console.print(f"[red]{error}[/red]")
        raise typer.Exit(EXIT_INPUT) from None
    written: list[Path] = []
    with output_errors(out), console.status("正在生成报告…") as status:
        files = report_files(
            evaluation,
            chosen,
            wording=custom,
            template_dir=template,
            progress=lambda step, done, total: status.update(f"正在生成{step}（{done}/{total}）"),
        )
        out.mkdir(parents=True, exist_ok=True)
        for file in files:
            written.append(write_atomically(out / file.filename, file.write_to))
    print_findings(list(evaluation.findings), "数据一致性检查", "（详见审核底稿）")
    for path in written:
        console.print(f"已写入 {path}")
    if per_unit:
        _per_unit(dataset, out / "units", chosen, workers)


def _per_unit(dataset: Dataset, outdir: Path, formats: list[str], workers: int) -> None:
    """One report per budget unit, in parallel processes, with a progress bar."""
    from jixiao.lib.files import write_atomically
    from jixiao.reports.api import unit_report_files, units_with_rows

    units = units_with_rows(dataset)
    if not units:
        console.print("[yellow]数据集中没有分单位数据，未生成分单位报告[/yellow]")
        return
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with output_errors(outdir), Progress(*columns, console=console) as progress:
        task = progress.add_task("分单位报告", total=len(units))
        files = unit_report_files(
            dataset, formats, workers=workers or None, on_done=lambda _u: progress.advance(task)
        )
        outdir.mkdir(parents=True, exist_ok=True)
        for file in files:
            write_atomically(outdir / file.filename, file.write_to)
    console.print(f"已为 {len(units)} 个预算单位写入 {len(files)} 个文件：{outdir}")
