"""``jixiao template OUT.xlsx``: the blank workbook a department fills in."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from jixiao.cli.app import EXIT_INPUT, app, console, err_console


@app.command()
def template(
    target: Annotated[Path, typer.Argument(help="输出的 .xlsx 工作簿")],
    force: Annotated[bool, typer.Option("--force", help="覆盖已有文件")] = False,
) -> None:
    """生成空白的 Excel 填报模板（每张数据表一个工作表，含填报说明和下拉列表）。"""
    from jixiao.io.excel import ExcelFormat, write_template

    if target.suffix.lower() not in ExcelFormat.suffixes:
        err_console.print(
            f"[red]模板应保存为 .xlsx 文件，而不是“{escape(target.suffix or target.name)}”[/red]"
        )
        raise typer.Exit(EXIT_INPUT)
    if target.exists() and not force:
        err_console.print(f"[red]{escape(str(target))} 已存在；如要覆盖，请加 --force[/red]")
        raise typer.Exit(EXIT_INPUT)
    target.parent.mkdir(parents=True, exist_ok=True)
    write_template(target)
    console.print(f"已写入模板 {escape(str(target))}")
