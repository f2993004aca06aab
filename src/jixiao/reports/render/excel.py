"""Excel workbook: every table of the document, one sheet each, set up to print on A4.

The sheets are the tables of the model, in order — for the report 附表1 评分表 and the
data tables, for the review file the findings, the score check and 数据来源 — so the
workbook shows exactly the cells the Word and PDF files print (one model, one set of
numbers). Numbers are written as numbers (the printed, rounded value) with a display
format of the printed decimals (2.08, not 2.0833), so the workbook can be summed and
checked. Each sheet prints on A4: fit to the page width, the header row repeated on
every page, text wrapped, gridlines of a table.

Row heights are written, not left to the program that opens the file: LibreOffice (and
WPS) keep the default one-line height of a row that carries none, so a wrapped 评分说明
showed its first line and cut the rest. Each row is as tall as its tallest cell's lines,
counted from the column's width the way the Word and HTML layouts count them
(:mod:`jixiao.reports.render.widths`), up to Excel's 409 pt.

Rows are written with a counter, never by asking openpyxl for ``max_row`` (which scans
every written cell, and made an 8,000-row table take 36 s instead of 2 s).
"""

from __future__ import annotations

import io
import math
import re
from copy import copy
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from jixiao.lib.money import parse_decimal
from jixiao.reports.model import Cell, ReportModel, Table
from jixiao.reports.render.widths import column_widths, text_ems, wide_table

THIN = Side(style="thin", color="000000")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
TITLE_FONT = Font(name="黑体", size=14, bold=True)
NOTE_FONT = Font(name="仿宋_GB2312", size=10)
HEADER_FONT = Font(name="黑体", size=10.5, bold=True)
BODY_FONT = Font(name="仿宋_GB2312", size=10.5)
TOTAL_FONT = Font(name="仿宋_GB2312", size=10.5, bold=True)
HEADER_ALIGN = Alignment(horizontal="center", vertical="center", wrap_text=True)
TEXT_ALIGN = Alignment(vertical="top", wrap_text=True)
NUMBER_ALIGN = Alignment(horizontal="right", vertical="top")
_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")
#: The width of a printed A4 page in Excel column units (about characters of 10.5 pt);
#: portrait for narrow tables, landscape from this many columns on.
#: (landscape: :func:`~jixiao.reports.render.widths.wide_table`)
PORTRAIT_UNITS, LANDSCAPE_UNITS = 92, 135
#: Excel width units of one CJK character of the 10.5 pt table font, and of a cell's
#: padding; the height of one wrapped line of that font (pt) and a row's top and bottom —
#: 15.2 pt as LibreOffice sets it in the fallback fonts (the Word layout's
#: ``pages.TABLE_LINE_POINTS``): at 13.5, a department's 审核表1 lost the last line of each
#: three-line finding under the next row.
CJK_UNITS, CELL_PADDING_UNITS = 2.0, 1.5
#: Excel's tallest row (pt). A 数据来源 formula over a department's 60 projects (1,300
#: characters) asked for 1,310 pt: more than a printed page, and more than Excel allows.
#: Such a row shows its first lines; the cell holds it all, and the HTML review file shows it.
MAX_ROW_POINTS = 409.0
LINE_POINTS, ROW_PADDING_POINTS = 15.2, 3.0


def _sheet_title(text: str, used: set[str]) -> str:
    """A valid, unique sheet name (≤ 31 characters, no []:*?/\\)."""
    base = _BAD_SHEET_CHARS.sub("", text)[:31]
    name, n = base, 2
    while name in used:
        suffix = f"({n})"
        name, n = base[: 31 - len(suffix)] + suffix, n + 1
    used.add(name)
    return name


def _value(cell: Cell) -> tuple[Any, str | None]:
    """A numeric cell as ``(Decimal, number format)`` with its printed decimals; text otherwise."""
    if cell.numeric and cell.text:
        text = cell.text.strip()
        number = parse_decimal(text.rstrip("%"))
        if number is not None:
            places = len(text.rstrip("%").partition(".")[2])
            grouping = "#,##0" if "," in text or abs(number) >= 1000 else "0"
            fmt = grouping + ("." + "0" * places if places else "")
            return number, fmt + ("\\%" if text.endswith("%") else "")
    return cell.text, None


def write_table(ws: Worksheet, table: Table, landscape: bool | None = None) -> int:
    """Write ``table`` (title, note, header, rows) into ``ws``; return the rows written.

    Linear in the table's size: each cell is written once at a counted row.
    """
    columns = len(table.header)
    landscape = _landscape(table) if landscape is None else landscape
    row = 1
    ws.cell(row=row, column=1, value=f"{table.number}　{table.caption}").font = TITLE_FONT
    if columns > 1:
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=columns)
    ws.cell(row=row, column=1).alignment = Alignment(horizontal="center")
    if table.note:
        row += 1
        note = ws.cell(row=row, column=1, value=table.note)
        note.font, note.alignment = NOTE_FONT, Alignment(horizontal="right")
        if columns > 1:
            ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=columns)
    row += 1
    header_row = row
    for column, text in enumerate(table.header, start=1):
        cell = ws.cell(row=row, column=column, value=text)
        cell.font, cell.border, cell.alignment = HEADER_FONT, BORDER, HEADER_ALIGN
    widths = _column_units(table, landscape)
    ws.row_dimensions[row].height = row_height([*table.header], widths)
    # A body cell's style is one of a few (bold or not, its number format, its indent):
    # the first cell of each sets it the long way and the rest copy its style ids, because
    # openpyxl finds a style's id by hashing the style object, field by field, on every
    # assignment (most of a workbook's time). The ids, and so the file, are the same.
    styles: dict[tuple[bool, str | None, int], StyleArray] = {}
    for cells in table.rows:
        row += 1
        height = row_height([c.text for c in cells if not c.numeric], widths, cells)
        if height is not None:
            ws.row_dimensions[row].height = height
        for column, source in enumerate(cells, start=1):
            value, number_format = _value(source)
            cell = ws.cell(row=row, column=column, value=value)
            key = (
                source.bold,
                number_format or ("numeric" if source.numeric else None),
                0 if source.numeric else source.indent,
            )
            known = styles.get(key)
            if known is not None:
                cell._style = copy(known)
                continue
            cell.border = BORDER
            cell.font = TOTAL_FONT if source.bold else BODY_FONT
            if number_format:
                cell.number_format = number_format
                cell.alignment = NUMBER_ALIGN
            elif source.numeric:  # “—” in a column of numbers stands where they stand
                cell.alignment = NUMBER_ALIGN
            elif source.indent:
                # an indent counts only beside a horizontal alignment (Excel, LibreOffice)
                cell.alignment = Alignment(
                    horizontal="left", vertical="top", wrap_text=True, indent=source.indent
                )
            else:
                cell.alignment = TEXT_ALIGN
            styles[key] = copy(cell._style)
    print_setup(ws, widths, header_row, landscape)
    return row


def _landscape(table: Table) -> bool:
    """Landscape for a wide table, or for one of many columns beside paragraphs of text.

    A sheet's row cannot break across printed pages: 附表1 with the department's 评分说明
    (paragraphs of 200 characters) in a portrait column of 14 characters made rows of half
    a page, and pages half empty below them.
    """
    return wide_table(table)


def _column_units(table: Table, landscape: bool) -> list[float]:
    """Each column's width in Excel units: the shared layout's share of the printed page,
    laid out for as many characters as the sheet's printed width holds."""
    units = LANDSCAPE_UNITS if landscape else PORTRAIT_UNITS
    return [max(4.0, units * percent / 100) for percent in column_widths(table, units / CJK_UNITS)]


def row_height(
    texts: list[str], widths: list[float], cells: tuple[Cell, ...] | None = None
) -> float | None:
    """The height (pt) of a row that shows every line of its wrapped text; None for one line.

    ``cells`` gives each text's column (the row's text cells, numbers never wrap); without
    it the texts are the whole row (the header).
    """
    columns = (
        range(len(texts)) if cells is None else [i for i, c in enumerate(cells) if not c.numeric]
    )
    lines = 1
    for text, column in zip(texts, columns, strict=True):
        if not text:
            continue
        per_line = max(1.0, (widths[column] - CELL_PADDING_UNITS) / CJK_UNITS)
        indent = cells[column].indent if cells is not None else 0
        per_line = max(1.0, per_line - indent)
        count = sum(math.ceil(text_ems(part) / per_line) or 1 for part in text.split("\n"))
        lines = max(lines, count)
    if lines == 1:
        return None
    # rounded: 3 × 15.2 + 3 is 48.599999999999994 in binary floating point, written as such
    return round(min(lines * LINE_POINTS + ROW_PADDING_POINTS, MAX_ROW_POINTS), 2)


def print_setup(ws: Worksheet, widths: list[float], header_row: int, landscape: bool) -> None:
    for i, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.print_title_rows = f"{header_row}:{header_row}"  # the header row on every page
    ws.freeze_panes = ws.cell(row=header_row + 1, column=1)
    page_setup(ws, landscape)


def page_setup(ws: Worksheet, landscape: bool) -> None:
    """A4 in ``landscape`` or portrait, the columns fitted to the page width (at most
    ``LANDSCAPE_UNITS`` or ``PORTRAIT_UNITS`` of them print at full size), page numbers."""
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0  # as many pages as the rows need
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.6
    ws.page_margins.top = ws.page_margins.bottom = 0.8
    ws.oddFooter.center.text = "第 &P 页，共 &N 页"


class ExcelRenderer:
    """Excel workbook (.xlsx): every table of the document, printable on A4."""

    identifier = "xlsx"
    verbose_name = "Excel 工作簿"
    suffix = ".xlsx"
    media_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

    def render(self, model: ReportModel) -> bytes:
        wb = Workbook()
        used: set[str] = set()
        first = True
        # 附表 (the 评分表) first: it is what a workbook of the report is opened for.
        tables = sorted(model.tables, key=lambda t: not t.number.startswith("附表"))
        for table in tables:
            title = _sheet_title(table.sheet or f"{table.number} {table.caption}", used)
            if first:
                ws = wb.active
                ws.title = title
                first = False
            else:
                ws = wb.create_sheet(title)
            write_table(ws, table)
        if first:  # a document without any table still opens
            wb.active.title = _sheet_title(model.title or "报告", used)
            wb.active.cell(row=1, column=1, value=model.title)
        buffer = io.BytesIO()
        wb.save(buffer)
        return buffer.getvalue()
