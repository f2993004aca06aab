"""Dataset commands: ``convert`` (and ``template``, in :mod:`jixiao.cli.template`)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from jixiao.cli.app import (
    EXIT_INPUT,
    app,
    console,
    err_console,
    fail_input,
    load_or_exit,
    output_errors,
)
from jixiao.dataset.build import DatasetError


@app.command()
def convert(
    source: Annotated[Path, typer.Argument(help="输入：.xlsx 工作簿或 .yaml 文本格式")],
    target: Annotated[Path, typer.Argument(help="输出：.xlsx 或 .yaml（按扩展名）")],
) -> None:
    """在 Excel 工作簿与文本格式（YAML）之间无损转换数据集。"""
    from jixiao.io.formats import format_for, save_dataset

    if format_for(target) is None:
        err_console.print(
            f"[red]不支持的输出格式“{escape(target.suffix)}”（支持 .xlsx、.yaml）[/red]"
        )
        raise typer.Exit(EXIT_INPUT)
    dataset = load_or_exit(source)
    try:
        with output_errors(target):
            save_dataset(dataset, target)
    except DatasetError as error:  # a value the target format cannot hold
        fail_input(error)
    console.print(f"已写入 {escape(str(target))}")
