"""Excel for the monitoring area: the output tables, and the indicator library both ways.

Workbooks are made as bytes; the command line writes them through the output edge
(:mod:`jixiao.lib.files`), so a failed write never leaves half a file. The library workbook has one sheet per part (指标库, 历史值,
预算数) with the Chinese headers of the row types; reading it back goes through the
same parser as the YAML and CSV forms.
"""

from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path
from typing import Any

from jixiao.dataset.build import DatasetError, InputError, RawCell
from jixiao.dataset.schema import columns_of
from jixiao.monitoring.library import PARTS, IndicatorLibrary, rows_from_cells
from jixiao.monitoring.tables import Table

_NUMBER_FORMAT = "0.00"
_MONEY_FORMAT = "#,##0.00"


def tables_xlsx_bytes(tables: list[Table]) -> bytes:
    """One sheet per table, bold header row, numbers as numbers (exact decimals), as bytes.

    Linear in the cells: a write-only (streaming) workbook, one row appended at a time
    with cells made from a handful of shared styles; nothing is looked up again per row
    (``tests/monitoring/test_excel_linear.py`` counts the work).
    """
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    bold = Font(bold=True)
    for table in tables:
        sheet = workbook.create_sheet(table.title[:31])
        for index, header in enumerate(table.headers):
            sheet.column_dimensions[_letter(index)].width = max(10, len(header) * 2 + 2)
        header_row = []
        for header in table.headers:
            cell = WriteOnlyCell(sheet, header)
            cell.font = bold
            header_row.append(cell)
        sheet.append(header_row)
        formats = [
            _MONEY_FORMAT if index in table.money else _NUMBER_FORMAT
            for index in range(len(table.headers))
        ]
        for row in table.rows:
            cells: list[Any] = []
            for index, value in enumerate(row):
                if isinstance(value, Decimal):
                    # openpyxl writes a Decimal as a number cell from its text: exact, no float.
                    cell = WriteOnlyCell(sheet, value)
                    cell.number_format = formats[index]
                    cells.append(cell)
                elif isinstance(value, str):
                    cell = WriteOnlyCell(sheet, value)
                    cell.data_type = "s"  # text, even when it starts with "=" (no formula)
                    cells.append(cell)
                else:
                    cells.append(value)
            sheet.append(cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return str(get_column_letter(index + 1))


def write_tables_xlsx(tables: list[Table], path: Path) -> None:
    """A convenience for path holders: :func:`tables_xlsx_bytes` written atomically."""
    from jixiao.lib.files import write_file

    write_file(path, tables_xlsx_bytes(tables))


def library_tables(library: IndicatorLibrary) -> list[Table]:
    """The library as tables: 指标库, 历史值, 预算数 with Chinese headers."""
    tables = []
    for key, (sheet, row_type) in PARTS.items():
        columns = columns_of(row_type)
        rows = tuple(tuple(getattr(r, c.key) for c in columns) for r in getattr(library, key))
        tables.append(Table(sheet, tuple(c.header for c in columns), rows))
    return tables


def library_xlsx_bytes(library: IndicatorLibrary) -> bytes:
    """The library as a workbook's bytes (read back by :func:`read_library_xlsx`)."""
    return tables_xlsx_bytes(library_tables(library))


def write_library_xlsx(library: IndicatorLibrary, path: Path) -> None:
    """A convenience for path holders: :func:`library_xlsx_bytes` written atomically."""
    from jixiao.lib.files import write_file

    write_file(path, library_xlsx_bytes(library))


def read_library_xlsx(data: bytes, name: str) -> IndicatorLibrary:
    """Read a library workbook's bytes (``name``: how problems name the file); raises
    :class:`DatasetError` with ``sheet!cell`` places."""
    from io import BytesIO

    from openpyxl import load_workbook

    try:
        workbook = load_workbook(BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a file that is not a workbook
        raise DatasetError([InputError(name, f"无法读取 Excel 工作簿：{exc}")]) from None
    errors: list[InputError] = []
    parts: dict[str, list[Any]] = {}
    for key, (sheet_name, row_type) in PARTS.items():
        if sheet_name not in workbook.sheetnames:
            parts[key] = []
            continue
        parts[key] = rows_from_cells(
            row_type, _sheet_rows(workbook[sheet_name], sheet_name, row_type, errors), errors
        )
    if "指标库" not in workbook.sheetnames:
        errors.append(InputError(name, "缺少“指标库”工作表"))
    if errors:
        raise DatasetError(errors)
    return IndicatorLibrary(
        tuple(parts["indicators"]), tuple(parts["history"]), tuple(parts["allocations"])
    )


def _sheet_rows(
    sheet: Any, name: str, row_type: type, errors: list[InputError]
) -> list[tuple[str, dict[str, RawCell]]]:
    from openpyxl.utils import get_column_letter

    keys = {c.header: c.key for c in columns_of(row_type)}
    rows = list(sheet.iter_rows(values_only=True))
    if not rows:
        return []
    header = [str(h).strip() if h is not None else "" for h in rows[0]]
    for index, h in enumerate(header, start=1):
        if h and h not in keys:
            errors.append(InputError(f"{name}!{get_column_letter(index)}1", f"未知的列“{h}”"))
    result = []
    for number, values in enumerate(rows[1:], start=2):
        if all(v is None or str(v).strip() == "" for v in values):
            continue
        cells = {
            keys[h]: RawCell(v, f"{name}!{get_column_letter(i)}{number}")
            for i, (h, v) in enumerate(zip(header, values, strict=False), start=1)
            if h in keys
        }
        result.append((f"{name}!A{number}", cells))
    return result
