"""``jixiao template OUT.xlsx [--framework ID]``: the workbook a department fills in."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from jixiao.cli.app import EXIT_INPUT, app, check_output, printable, stderr, stdout, write_output


@app.command()
def template(
    target: Annotated[Path, typer.Argument(help="输出的 .xlsx 工作簿")],
    framework: Annotated[
        str,
        typer.Option(
            "--framework",
            help="评分框架编号：按该框架预填“自评评分”表（编码、指标、分值、评分标准）",
        ),
    ] = "",
    force: Annotated[bool, typer.Option("--force", help="覆盖已有文件")] = False,
) -> None:
    """生成 Excel 填报模板（每张数据表一个工作表，含填报说明和下拉列表；可按评分框架预填自评评分）。"""
    from jixiao.io.excel import ExcelFormat
    from jixiao.reports.template import department_frameworks, template_bytes

    if target.suffix.lower() not in ExcelFormat.suffixes:
        stderr().print(
            f"[red]模板应保存为 .xlsx 文件，而不是“{printable(target.suffix or target.name)}”[/red]"
        )
        raise typer.Exit(EXIT_INPUT)
    known = dict(department_frameworks())
    if framework and framework not in known:
        listed = "、".join(known)
        stderr().print(f"[red]没有评分框架“{printable(framework)}”；可选：{listed}[/red]")
        raise typer.Exit(EXIT_INPUT)
    check_output(target, force=force)
    write_output(target, template_bytes(framework or None))
    done = f"（已按“{known[framework]}”预填自评评分）" if framework else ""
    stdout().print(f"已写入模板 {printable(str(target))}{done}")
