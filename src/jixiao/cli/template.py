"""``jixiao template OUT.xlsx``: the blank workbook a department fills in."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from jixiao.cli.app import EXIT_INPUT, app, check_output, printable, stderr, stdout, write_output


@app.command()
def template(
    target: Annotated[Path, typer.Argument(help="输出的 .xlsx 工作簿")],
    force: Annotated[bool, typer.Option("--force", help="覆盖已有文件")] = False,
) -> None:
    """生成空白的 Excel 填报模板（每张数据表一个工作表，含填报说明和下拉列表）。"""
    from jixiao.io.excel import ExcelFormat, template_bytes

    if target.suffix.lower() not in ExcelFormat.suffixes:
        stderr().print(
            f"[red]模板应保存为 .xlsx 文件，而不是“{printable(target.suffix or target.name)}”[/red]"
        )
        raise typer.Exit(EXIT_INPUT)
    check_output(target, force=force)
    write_output(target, template_bytes())
    stdout().print(f"已写入模板 {printable(str(target))}")
