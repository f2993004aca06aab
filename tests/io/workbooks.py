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


def header_row(book: Workbook, sheet: str, header: str) -> int:
    """The row holding ``header`` (row 1 of a row table; lower on 声明数, under its form)."""
    ws = book[sheet]
    for row in ws.iter_rows():
        if any(cell.value == header for cell in row):
            return int(row[0].row)
    raise KeyError(header)


def add_rows(book: Workbook, sheet: str, *rows: dict[str, Any]) -> None:
    """Append rows given as ``{header: value}`` under the sheet's header row."""
    ws = book[sheet]
    first = next(iter(rows[0])) if rows else ""
    headers = {cell.value: cell.column for cell in ws[header_row(book, sheet, first)]}
    for values in rows:
        row = ws.max_row + 1
        for header, value in values.items():
            ws.cell(row=row, column=headers[header], value=value)


def save(book: Workbook, path: Path) -> Path:
    book.save(path)
    return path


def cache_results(path: Path, results: dict[str, str]) -> Path:
    """Give formula cells the cached results Excel would have saved (openpyxl writes none).

    ``results`` maps ``sheet!A1`` to the text of ``<v>``; ``t="str"`` is added for text.
    """
    import re
    import zipfile

    with zipfile.ZipFile(path) as book:
        parts = {info.filename: book.read(info) for info in book.infolist()}
    names = _sheet_parts(parts)
    for place, value in results.items():
        sheet, _, ref = place.partition("!")
        part = names[sheet]
        xml = parts[part].decode("utf-8")
        pattern = re.compile(rf'<c r="{ref}"([^>]*)>(<f>[^<]*</f>)(<v>[^<]*</v>|<v\s*/>)?</c>')
        kind = "" if _is_number(value) else ' t="str"'
        replacement = rf'<c r="{ref}"\1{kind}>\2<v>{value}</v></c>'
        xml, count = pattern.subn(replacement, xml)
        assert count == 1, f"no formula at {place}"
        parts[part] = xml.encode("utf-8")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as book:
        for name, data in parts.items():
            book.writestr(name, data)
    return path


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _sheet_parts(parts: dict[str, bytes]) -> dict[str, str]:
    """Sheet name → zip part, from workbook.xml and its relationships."""
    import re

    workbook = parts["xl/workbook.xml"].decode("utf-8")
    rels = parts["xl/_rels/workbook.xml.rels"].decode("utf-8")
    targets = {
        m["id"]: m["target"]
        for m in re.finditer(
            r'<Relationship[^>]*?Target="(?P<target>[^"]+)"[^>]*?Id="(?P<id>[^"]+)"', rels
        )
    } | {
        m["id"]: m["target"]
        for m in re.finditer(
            r'<Relationship[^>]*?Id="(?P<id>[^"]+)"[^>]*?Target="(?P<target>[^"]+)"', rels
        )
    }
    result = {}
    for m in re.finditer(
        r'<sheet [^>]*?name="(?P<name>[^"]+)"[^>]*?r:id="(?P<id>[^"]+)"', workbook
    ):
        target = targets[m["id"]].lstrip("/")
        result[m["name"]] = target if target.startswith("xl/") else f"xl/{target}"
    return result
