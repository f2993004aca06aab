"""Excel for the monitoring area: the output tables, and the indicator library both ways.

Workbooks are written to a temporary file and moved into place, so a failed write
never leaves half a file. The library workbook has one sheet per part (指标库, 历史值,
预算数) with the Chinese headers of the row types; reading it back goes through the
same parser as the YAML and CSV forms.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

from jixiao.dataset.build import DatasetError, InputError, RawCell
from jixiao.dataset.schema import columns_of
from jixiao.monitoring.library import PARTS, IndicatorLibrary, rows_from_cells
from jixiao.monitoring.tables import Table

_NUMBER_FORMAT = "0.00"
_MONEY_FORMAT = "#,##0.00"


def _save(workbook: Any, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    workbook.save(tmp)
    tmp.replace(path)


def write_tables_xlsx(tables: list[Table], path: Path) -> None:
    """One sheet per table, bold header row, numbers as numbers (exact decimals)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    workbook.remove(workbook.active)
    for table in tables:
        sheet = workbook.create_sheet(table.title[:31])
        sheet.append(list(table.headers))
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in table.rows:
            # openpyxl writes a Decimal as a number cell from its text: exact, no float.
            sheet.append(list(row))
            for index, value in enumerate(row):
                if isinstance(value, Decimal):
                    target = sheet.cell(sheet.max_row, index + 1)
                    target.number_format = _MONEY_FORMAT if index in table.money else _NUMBER_FORMAT
        for index, header in enumerate(table.headers, start=1):
            sheet.column_dimensions[sheet.cell(1, index).column_letter].width = max(
                10, len(header) * 2 + 2
            )
    _save(workbook, path)


def write_library_xlsx(library: IndicatorLibrary, path: Path) -> None:
    """The library as a workbook: 指标库, 历史值, 预算数 sheets with Chinese headers."""
    tables = []
    for key, (sheet, row_type) in PARTS.items():
        columns = columns_of(row_type)
        rows = tuple(tuple(getattr(r, c.key) for c in columns) for r in getattr(library, key))
        tables.append(Table(sheet, tuple(c.header for c in columns), rows))
    write_tables_xlsx(tables, path)


def read_library_xlsx(path: Path) -> IndicatorLibrary:
    """Read a library workbook; raises :class:`DatasetError` with ``sheet!cell`` places."""
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a file that is not a workbook
        raise DatasetError([InputError(str(path), f"无法读取 Excel 工作簿：{exc}")]) from None
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
        errors.append(InputError(str(path), "缺少“指标库”工作表"))
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
