"""``jixiao report``: the self-evaluation report in Word, HTML, PDF and Excel."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from jixiao.cli.app import (
    EXIT_INPUT,
    app,
    check_folder,
    fail_input,
    framework_or_exit,
    load_or_exit,
    output_folder,
    print_findings,
    printable,
    stderr,
    stdout,
)
from jixiao.dataset.build import DatasetError
from jixiao.dataset.model import Dataset
from jixiao.lib.files import OutputFolder


def _formats(value: str) -> list[str]:
    from jixiao.reports.api import check_formats

    formats = [f.strip().lower() for f in value.split(",") if f.strip()]
    unknown = check_formats(formats)
    if unknown or not formats:
        shown = "、".join(unknown) or "（空）"
        stderr().print(
            f"[red]不支持的报告格式：{printable(shown)}（可选：docx、html、pdf、xlsx）[/red]"
        )
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
    force: Annotated[
        bool,
        typer.Option("--force", help="输出目录已有其他文件时也整体替换（输入文件所在目录除外）"),
    ] = False,
) -> None:
    """生成部门整体支出绩效自评报告（Word、网页、PDF、Excel），含图表、评分表和数据来源。"""
    from jixiao.evaluation import evaluate
    from jixiao.lib.batch import paused_gc
    from jixiao.reports.api import report_files
    from jixiao.reports.wording import load_wording
    from jixiao.scoring import UnknownFramework

    chosen = _formats(formats)
    chosen_framework = framework_or_exit(framework)
    if template is not None and not template.is_dir():
        stderr().print(f"[red]模板目录“{printable(str(template))}”不存在[/red]")
        raise typer.Exit(EXIT_INPUT)
    framework_file = [Path(framework)] if framework.endswith((".yaml", ".yml")) else []
    inputs = [p for p in (dataset_path, wording, *framework_file) if p is not None]
    check_folder(out, inputs=inputs, force=force)
    dataset = load_or_exit(dataset_path)
    try:
        custom = load_wording(wording) if wording else None
    except DatasetError as error:
        fail_input(error)
    try:
        evaluation = evaluate(dataset, framework=chosen_framework)
    except UnknownFramework as error:
        stderr().print(f"[red]{printable(str(error))}[/red]")
        raise typer.Exit(EXIT_INPUT) from None
    console = stdout()
    written: list[Path] = []
    # The report set (and the per-unit reports) is one transaction: the folder is
    # replaced only when every file is written.
    with output_folder(out, inputs=inputs, force=force, command="report") as folder:
        with console.status("正在生成报告…") as status, paused_gc():
            files = report_files(
                evaluation,
                chosen,
                wording=custom,
                template_dir=template,
                progress=lambda step, done, total: status.update(
                    f"正在生成{step}（{done}/{total}）"
                ),
            )
            for file in files:
                written.append(folder.write(file.filename, file.data))
        unit_files = _per_unit(dataset, folder, chosen, workers) if per_unit else None
    print_findings(list(evaluation.findings), "数据一致性检查", "（详见审核底稿）")
    for path in written:
        console.print(f"已写入 {printable(str(path))}")
    if unit_files is not None:
        count, files_written = unit_files
        console.print(
            f"已为 {count} 个预算单位写入 {files_written} 个文件：{printable(str(out / 'units'))}"
        )


def _per_unit(
    dataset: Dataset, folder: OutputFolder, formats: list[str], workers: int
) -> tuple[int, int] | None:
    """One report per budget unit, in parallel processes, with a progress bar."""
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
    )

    from jixiao.reports.api import unit_report_files, units_with_rows

    units = units_with_rows(dataset)
    if not units:
        stdout().print("[yellow]数据集中没有分单位数据，未生成分单位报告[/yellow]")
        return None
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=stdout()) as progress:
        task = progress.add_task("分单位报告", total=len(units))
        files = unit_report_files(
            dataset, formats, workers=workers or None, on_done=lambda _u: progress.advance(task)
        )
        for file in files:
            folder.write(f"units/{file.filename}", file.data)
    return len(units), len(files)
