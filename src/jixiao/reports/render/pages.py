"""Where each heading of the Word document falls: the 目录's page numbers, without a word processor.

The Word 目录 shows a page number beside every heading as it is opened, in Word, WPS or
LibreOffice, with no field update. Each number is a ``PAGEREF`` field (LibreOffice computes
it as it lays out the page; Word and WPS recompute it when they update fields or print) whose
shown value is the page this module computes. The computation follows the Word layout of
:mod:`jixiao.reports.render.word`, which is a grid (GB/T 9704): 22 lines of 28 characters of
三号 text at an exact 28 pt, so a paragraph's height is its line count. Tables are estimated
row by row from the column widths the Word renderer sets (five-号 text, single spacing);
charts take their picture's height. Measured against LibreOffice's own layout (which
computes the fields): the synthetic county report's headings all land on LibreOffice's page,
the 47-page example's within one page (its 决算 tables run a page longer). A line of 三号 text
is counted as 27 characters, not 28: numbers, which never break, and punctuation that may not
start a line end lines early (``tests/reports/test_layout.py``).
"""

from __future__ import annotations

import math

from jixiao.reports.model import Chart, Paragraph, ReportModel, Section, Table
from jixiao.reports.render.widths import _cell_ems, _ems, column_widths, long_row

#: The text block: 225 mm of 28 pt lines and 156 mm of 三号 (16 pt) characters.
PAGE_POINTS = (297 - 37 - 35) / 25.4 * 72
LINE_POINTS = 28.0
CHARS_PER_LINE = 27
#: A table line of 五号 text (10.5 pt, single spacing in the fallback fonts) and the cell's
#: top and bottom margins with the rule; the table spans this many 五号 characters.
TABLE_LINE_POINTS = 15.2
ROW_EXTRA_POINTS = 0.5
TABLE_EMS = 156 / 25.4 * 72 / 10.5
#: Word's default cell margins (1.9 mm each side), in 五号 characters.
CELL_MARGIN_EMS = 2 * 1.9 / 25.4 * 72 / 10.5
#: A chart is 15 cm wide at the aspect of :data:`jixiao.reports.charts.SIZE`.
CHART_POINTS = 15 / 2.54 * 72 * 3.8 / 6.4 + 6


def text_lines(text: str, indent: float = 2.0) -> int:
    """Lines of a 三号 paragraph: its width in characters (a first-line indent of ``indent``)."""
    return max(1, math.ceil((indent + _ems(text)) / CHARS_PER_LINE - 1e-9))


class _Pager:
    """Advance down the pages as the Word writer lays out blocks."""

    def __init__(self) -> None:
        self.page = 1
        self.used = 0.0

    def new_page(self) -> None:
        if self.used > 0:
            self.page += 1
            self.used = 0.0

    def add(self, height: float, keep: float = 0.0) -> None:
        """Place a block ``height`` points tall; ``keep`` more must follow on the same page."""
        if self.used + height + keep > PAGE_POINTS + 0.5 and self.used > 0:
            self.page += 1
            self.used = 0.0
        self.used += height
        while self.used > PAGE_POINTS + 0.5:  # a block taller than the rest of the page
            self.page += 1
            self.used -= PAGE_POINTS

    def lines(self, count: int, keep: float = 0.0) -> None:
        """Paragraph lines: they fill the page and continue on the next (no widow control)."""
        first = min(count, int((PAGE_POINTS - self.used + 0.5) // LINE_POINTS))
        if keep and first >= count and self.used + count * LINE_POINTS + keep > PAGE_POINTS + 0.5:
            self.new_page()  # a heading kept with the next line moves to the next page
            first = count
        if first <= 0:
            self.new_page()
            first = min(count, int(PAGE_POINTS // LINE_POINTS))
        self.used += first * LINE_POINTS
        rest = count - first
        while rest > 0:
            self.page += 1
            take = min(rest, int(PAGE_POINTS // LINE_POINTS))
            self.used = take * LINE_POINTS
            rest -= take


def _row_height(texts: list[str], widths: list[int]) -> float:
    lines = 1
    for text, percent in zip(texts, widths, strict=True):
        # Chinese wraps at any character: a line holds the whole characters that fit.
        room = max(1.0, math.floor(percent / 100 * TABLE_EMS - CELL_MARGIN_EMS))
        lines = max(lines, math.ceil(_cell_ems(text) / room - 1e-9) or 1)
    return lines * TABLE_LINE_POINTS + ROW_EXTRA_POINTS


def _table(pager: _Pager, table: Table) -> None:
    widths = column_widths(table)
    header = _row_height(list(table.header), widths)
    rows = [_row_height([c.text for c in row], widths) for row in table.rows]
    # The caption (and note) are kept with the header and the first row.
    caption = LINE_POINTS * (2 if table.note else 1)
    pager.add(caption, keep=header + (rows[0] if rows else 0))
    pager.add(header)
    last = len(rows) - 1
    for index, (row, height) in enumerate(zip(table.rows, rows, strict=True)):
        # the row before the last keeps with it (the 合计 never stands alone on a page)
        need = height + (rows[last] if index == last - 1 and not long_row(table.rows[last]) else 0)
        if not long_row(row) and pager.used + need > PAGE_POINTS + 0.5:
            # a row kept whole (w:cantSplit) moves to the next page, under the header
            pager.new_page()
            pager.add(header)
        # A long row may break across pages: it fills the page to the last whole line, and
        # the rest follows the repeated header on the next.
        while pager.used + height > PAGE_POINTS + 0.5:
            fits = (PAGE_POINTS - pager.used) // TABLE_LINE_POINTS * TABLE_LINE_POINTS
            height -= max(0.0, fits)
            pager.new_page()
            pager.add(header)  # the header row repeats
        pager.add(height)
    pager.lines(1)  # the empty paragraph after the table


def _section(pager: _Pager, section: Section, pages: dict[str, int]) -> None:
    if section.id.startswith("appendix"):
        pager.new_page()
    heading = text_lines(section.title)
    pager.lines(heading, keep=LINE_POINTS)
    pages[section.id] = pager.page
    for block in section.blocks:
        if isinstance(block, Paragraph):
            keep = LINE_POINTS if block.style == "subhead" else 0.0
            pager.lines(text_lines(block.text), keep=keep)
        elif isinstance(block, Table):
            _table(pager, block)
        elif isinstance(block, Chart):
            pager.add(CHART_POINTS, keep=LINE_POINTS)
            pager.lines(1)


#: The 目录's title: one 二号 line of 36 pt and 12 pt after it.
TOC_TITLE_POINTS = 48.0


def toc_pages(model: ReportModel) -> int:
    """Pages the 目录 takes: its title and one 28 pt line per entry (titles fit on one line)."""
    entries = sum(1 for s in model.sections if s.in_toc)
    return max(1, math.ceil((TOC_TITLE_POINTS + entries * LINE_POINTS) / PAGE_POINTS - 1e-9))


def heading_pages(model: ReportModel) -> dict[str, int]:
    """The page (1 = the cover) each section's heading is printed on in the Word layout."""
    pager = _Pager()
    pager.page = 2 + toc_pages(model)  # the cover, then the 目录, each ending with a page break
    pages: dict[str, int] = {}
    for section in model.sections:
        _section(pager, section, pages)
    return pages
