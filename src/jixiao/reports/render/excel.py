"""Excel workbook: 附表1 评分表, then every data table of the report, one sheet each.

Numbers are written as numbers (the printed, rounded value) with a display format, so
the workbook can be summed and checked; the figure id of each computed cell is kept in
a cell comment-free column of the 数据来源 sheet rather than in the data sheets.
"""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from jixiao.lib.money import parse_decimal
from jixiao.reports.model import Cell, ReportModel, Scorecard, Table
from jixiao.reports.render import write_atomically

THIN = Side(style="thin", color="000000")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEADER_FONT = Font(name="黑体", bold=True)
BODY_FONT = Font(name="仿宋_GB2312")
TITLE_FONT = Font(name="方正小标宋简体", size=16)
_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")


def _sheet_title(text: str, used: set[str]) -> str:
    """A valid, unique sheet name (≤ 31 characters, no []:*?/\\)."""
    base = _BAD_SHEET_CHARS.sub("", text)[:31]
    name, n = base, 2
    while name in used:
        suffix = f"({n})"
        name, n = base[: 31 - len(suffix)] + suffix, n + 1
    used.add(name)
    return name


def _value(cell: Cell) -> Any:
    """Numeric cells as Decimal (exactly as printed), text otherwise."""
    if cell.numeric and cell.text:
        number = parse_decimal(cell.text.rstrip("%"))
        if number is not None:
            return number
    return cell.text


def _number_format(value: Decimal) -> str:
    places = max(0, -int(value.as_tuple().exponent))
    return "#,##0" + ("." + "0" * places if places else "")


def _write_table(
    ws: Any, title: str, header: tuple[str, ...], rows: list[list[Any]], note: str = ""
) -> None:
    ws.append([title])
    ws["A1"].font = TITLE_FONT
    if note:
        ws.append([note])
    ws.append(list(header))
    header_row = ws.max_row
    for cell in ws[header_row]:
        cell.font, cell.border = HEADER_FONT, BORDER
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for values in rows:
        ws.append(values)
        for cell in ws[ws.max_row]:
            cell.font, cell.border = BODY_FONT, BORDER
            cell.alignment = Alignment(vertical="top", wrap_text=True)
            if isinstance(cell.value, Decimal):
                cell.number_format = _number_format(cell.value)
    ws.print_title_rows = f"{header_row}:{header_row}"  # repeat the header row when printed
    ws.freeze_panes = ws.cell(row=header_row + 1, column=1)
    _fit_columns(ws, header, rows)


def _fit_columns(ws: Any, header: tuple[str, ...], rows: list[list[Any]]) -> None:
    for i, head in enumerate(header, start=1):
        longest = max([len(str(head))] + [len(str(r[i - 1])) for r in rows if i - 1 < len(r)])
        ws.column_dimensions[get_column_letter(i)].width = min(60, max(8, longest * 2 + 2))


def _scorecard_rows(card: Scorecard) -> list[list[Any]]:
    rows: list[list[Any]] = [
        [r.code, ("　" * (r.level - 1)) + r.name, r.points, r.score, r.deduction or None, r.reason]
        for r in card.rows
    ]
    rows.append(["", "合计", card.points, card.total, None, card.grade])
    return rows


class ExcelRenderer:
    """Excel workbook (.xlsx): 评分表 and the data tables."""

    identifier = "xlsx"
    verbose_name = "Excel 工作簿"
    suffix = ".xlsx"

    def render(self, model: ReportModel, path: Path) -> None:
        wb = Workbook()
        used: set[str] = set()
        ws = wb.active
        ws.title = _sheet_title("附表1 评分表", used)
        header = ("编码", "指标名称", "分值", "自评得分", "扣分", "评分说明")
        _write_table(
            ws, f"附表1　{model.scorecard.title}", header, _scorecard_rows(model.scorecard)
        )
        for table in model.tables:
            if table.number == "附表1":
                continue
            self._table(
                wb.create_sheet(_sheet_title(f"{table.number} {table.caption}", used)), table
            )
        write_atomically(path, lambda tmp: wb.save(str(tmp)))

    def _table(self, ws: Any, table: Table) -> None:
        rows = [[_value(c) for c in row] for row in table.rows]
        _write_table(ws, f"{table.number}　{table.caption}", table.header, rows, table.note)
