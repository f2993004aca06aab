"""Filling a workbook the way a finance officer would: openpyxl, cells found by header."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.workbook import Workbook

from jixiao.io.excel import write_template


def template_book(tmp_path: Path) -> Workbook:
    """The blank template, opened for filling in."""
    path = tmp_path / "template.xlsx"
    write_template(path)
    return openpyxl.load_workbook(path)


def set_field(book: Workbook, sheet: str, label: str, value: Any) -> str:
    """Fill the 值 of a form field; returns its cell (``基本信息!B3``)."""
    ws = book[sheet]
    for row in ws.iter_rows(min_row=2):
        if row[0].value == label:
            row[1].value = value
            return f"{sheet}!{row[1].coordinate}"
    raise KeyError(label)


def add_rows(book: Workbook, sheet: str, *rows: dict[str, Any]) -> None:
    """Append rows given as ``{header: value}`` under the sheet's header row."""
    ws = book[sheet]
    headers = {cell.value: cell.column for cell in ws[1]}
    for values in rows:
        row = ws.max_row + 1
        for header, value in values.items():
            ws.cell(row=row, column=headers[header], value=value)


def save(book: Workbook, path: Path) -> Path:
    book.save(path)
    return path
