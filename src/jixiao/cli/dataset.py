"""Dataset commands: ``convert`` (and ``template``, in :mod:`jixiao.cli.template`)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from jixiao.cli.app import (
    EXIT_INPUT,
    app,
    check_output,
    fail_input,
    load_or_exit,
    printable,
    stderr,
    stdout,
    write_output,
)
from jixiao.cli.progress import QuietOpt, progress_bar

if TYPE_CHECKING:
    from jixiao.dataset.model import Dataset
    from jixiao.lib.progress import Progress

ForceOpt = Annotated[bool, typer.Option("--force", help="覆盖已有的输出文件")]


@app.command()
def convert(
    source: Annotated[Path, typer.Argument(help="输入：.xlsx 工作簿或 .yaml 文本格式")],
    target: Annotated[Path, typer.Argument(help="输出：.xlsx 或 .yaml（按扩展名）")],
    force: ForceOpt = False,
    quiet: QuietOpt = False,
) -> None:
    """在 Excel 工作簿与文本格式（YAML）之间无损转换数据集。"""
    from jixiao.dataset.build import DatasetError
    from jixiao.io.formats import format_for
    from jixiao.lib.batch import paused_gc

    fmt = format_for(target)
    if fmt is None:
        stderr().print(
            f"[red]不支持的输出格式“{printable(target.suffix)}”（支持 .xlsx、.yaml）[/red]"
        )
        raise typer.Exit(EXIT_INPUT)
    check_output(target, force=force, inputs=[source])
    with progress_bar(quiet) as progress:
        dataset = load_or_exit(source, progress)
        progress(f"写出 {fmt.verbose_name}", 0, 1)
        try:
            with paused_gc():
                data = _encoded(dataset, target, fmt.identifier, progress)
        except DatasetError as error:  # a value the target format cannot hold
            fail_input(error)
        write_output(target, data)
        progress(f"写出 {fmt.verbose_name}", 1, 1)
    stdout().print(f"已写入 {printable(str(target))}")


def _encoded(dataset: Dataset, target: Path, identifier: str, progress: Progress) -> bytes:
    """The file's bytes; ``progress`` counts the sheets or the rows as they are written."""
    if identifier == "xlsx":
        from jixiao.io.excel import workbook_bytes

        return workbook_bytes(dataset, macro=target.suffix.lower() == ".xlsm", progress=progress)
    from jixiao.io.textform import text_form_bytes

    return text_form_bytes(dataset, progress)
