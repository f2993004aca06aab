"""Table column widths from the text of the cells, shared by the HTML/PDF and Word layouts."""

from __future__ import annotations

import re
from functools import cache, lru_cache
from itertools import repeat

from jixiao.reports.model import Cell, Section, Table

#: A table spans about this many CJK characters at the table font size (156 mm, 10.5 pt).
TABLE_EMS = 40.0
#: The shortest line a text column is wrapped to, in CJK characters.
READABLE_EMS = 6.0
#: A cell's left and right padding (and the rule between cells), in characters.
PADDING_EMS = 1.2
#: A header is wrapped to lines of at least this many characters (“偏差原因” in two lines
#: of two, never four lines of one), even over a column whose cells are empty or “—”.
HEADER_EMS = 2.0
#: … and its unit in brackets (“（%）”, “（万元）”) on a line of its own, never “（” alone on
#: one line and “%）” on the next (Word in LibreOffice showed 表3's “完成率（%）” in four
#: lines so). A “%” is counted as the serif fonts print it (0.83), not as 0.6, and the unit
#: keeps the 0.2 character a width rounded to a whole per cent may take off.
_HEADER_UNIT = re.compile(r"[（(][^（）()]{1,4}[）)]$")
#: A row with a cell longer than this (characters) may break across pages (表2's 取得成效):
#: kept whole, it would leave most of a page empty. Shorter rows are kept whole, in the
#: PDF and in Word (``w:cantSplit``).
LONG_CELL = 120
_TOKEN = re.compile(r"[!-~]+")  # a run of printable ASCII: a number, a code, an id


def _ems(text: str) -> float:
    """Printed width in CJK character widths.

    A Latin letter or digit is counted as 0.6: the widest of the fonts a reader's tool
    may print them in (DejaVu in LibreOffice, Noto in the PDF; Times in Word is 0.5).
    """
    if text.isascii():  # numbers, codes, ids: most cells
        return _ascii_ems(len(text))
    return _wide_ems(text)


#: Bounded like :func:`column_widths`; a department's cells are measured for each format
#: (HTML, Word, PDF, Excel and its row heights): a character at a time, that was a million
#: generator steps for a few departments.
@lru_cache(maxsize=1 << 14)
def _wide_ems(text: str) -> float:
    """:func:`_ems` of a text with a character beyond ASCII (the same sum, in order)."""
    return sum(0.6 if ord(c) < 0x2E80 else 1.0 for c in text)


def text_ems(text: str) -> float:
    """Printed width of ``text`` in CJK character widths (what a table cell's line holds)."""
    return _ems(text)


#: A number's characters as the tables print them: digits 0.55 (Times New Roman / Liberation
#: Serif 0.5 in Word, Noto Serif SC 0.56 in the PDF), the separators “,” and “.” 0.3.
_NUMBER_EMS = {**dict.fromkeys("0123456789", 0.55), ",": 0.3, ".": 0.3}


@cache
def _token_ems(token: str) -> float:
    """The printed width of a token that must not break (a number, a code): its digits and
    separators at their own widths — counted at 0.6 each, “4,200.00” took a column of six
    characters and four such columns left the table's text one character a line."""
    return sum(_NUMBER_EMS.get(c, 0.6) for c in token)


@cache
def _ascii_ems(length: int) -> float:
    """The width of ``length`` ASCII characters, summed one by one as :func:`_ems` does (the
    same float, so the same widths)."""
    return sum(repeat(0.6, length))


#: Bounded: a process rendering department after department (a province worker, a web
#: worker) would otherwise keep every table it ever measured alive.
@lru_cache(maxsize=256)
def column_widths(
    table: Table,
    table_ems: float = TABLE_EMS,
    readable: float = READABLE_EMS,
    indents: bool = False,
    header_lines: int = 1,
    spare_to_text: bool = False,
) -> list[int]:
    """Column widths in % that keep the table short, for ``table-layout: fixed``.

    A fixed layout spares the browser (and WeasyPrint, where it is most of the time spent)
    from measuring every cell's content to size the columns. Every column is at least as
    wide as its longest number or code (“1.1.12”, “617,056.54”) and its short words
    (“万元”), which must not break, and — as far as the page allows — as wide as
    :data:`READABLE_EMS` characters. The rest of the width goes, one per cent at a time, to
    the column where it saves the most printed lines (a row is as tall as its tallest
    cell), so a column of long paragraphs (取得成效) gets the room and a column of short
    titles next to it is not squeezed into one character per line. What no column needs
    is shared by the text lengths.

    ``table_ems`` is how many CJK characters the table spans: the Word and PDF page's
    (:data:`TABLE_EMS`) by default, more on a sheet printed across an A4 page.

    ``readable`` is that shortest line and ``indents``
    counts a sub-row's indent as text: the PDF takes 4 and the indents, so that 附表1 gives
    its 评分说明 paragraphs the room and its indented 指标 names still a readable line
    (the Word layout, whose page numbers are computed from these widths, keeps 6 without).

    The PDF also takes ``header_lines`` 3 — a header wrapped to three lines costs nothing
    (the greedy widening gave 表5's “决算为年初预算的（%）” 19% more to set it on one line)
    — and ``spare_to_text``: the width no column needs goes to the text columns only,
    shared by their lengths, not partly to the short numbers. The example's 表5 had that
    column 31% wide and its 支出性质 26%; now 13% and 43%.
    """
    columns = range(len(table.header))
    # A sub-row's indent (“其中：” rows, 附表1's lower levels) takes room like text does.
    lengths = [
        [_ems(t) for t in table.header],
        *(
            [_cell_ems(cell.text) + (cell.indent if indents else 0) for cell in row]
            for row in table.rows
        ),
    ]
    hard, soft, weights = [], [], []
    for i in columns:
        cells = [row[i].text for row in table.rows]
        own = [row[i] for row in lengths[1:]]  # the _ems of each of ``cells``
        column = own or [0.0]
        weights.append(max(_ems(table.header[i]) / 2, min(max(column), 40), 2.0))
        tokens = [_token_ems(t) for c in cells for t in _TOKEN.findall(c) if len(t) <= 14]
        tokens += [n for n in own if n <= 3]  # short words (万元, 良好) stay whole
        # the header keeps two characters a line (a hard floor: never one per line)
        header = max(min(_ems(table.header[i]), HEADER_EMS), _unit_ems(table.header[i]))
        hard.append(_percent(max(*tokens, header, 0.0), table_ems))
        # A text column keeps room for a readable line: a short title stays on one line,
        # a longer one wraps after READABLE_EMS characters, not after one or two.
        indent = max((row[i].indent for row in table.rows), default=0) if indents else 0
        soft.append(max(hard[-1], _percent(min(max(column), readable + indent), table_ems)))
    widths = _within_the_page(hard, soft)
    if sum(widths) < 100:
        _grow_where_lines_are_saved(widths, lengths, 100 - sum(widths), table_ems, header_lines)
        spare = 100 - sum(widths)
        if spare_to_text:
            text = [not all(row[i].numeric for row in table.rows) for i in columns]
            if any(text):
                weights = [w if t else 0.0 for w, t in zip(weights, text, strict=True)]
        widths = [
            w + spare * weight / sum(weights) for w, weight in zip(widths, weights, strict=True)
        ]
    scale = 100 / sum(widths)
    return [max(4, round(w * scale)) for w in widths]


def _unit_ems(header: str) -> float:
    """The printed width of a header's unit in brackets (0 without one)."""
    unit = _HEADER_UNIT.search(header)
    return _ems(unit.group()) + 0.25 * unit.group().count("%") + 0.2 if unit else 0.0


def _cell_ems(text: str) -> float:
    """A cell's printed width: a number or code at its characters' own widths."""
    return _token_ems(text) if text.isascii() else _ems(text)


def _percent(ems: float, table_ems: float = TABLE_EMS) -> float:
    """The column width in % that holds ``ems`` characters and the cell padding."""
    return min(40.0, (ems + PADDING_EMS) / table_ems * 100)


def _within_the_page(hard: list[float], soft: list[float]) -> list[float]:
    """The soft floors, cut back toward the hard ones (numbers, codes) when they overflow."""
    over = sum(soft) - 100
    give = sum(s - h for s, h in zip(soft, hard, strict=True))
    if over <= 0 or give <= 0:
        return list(soft)
    keep = max(0.0, 1 - over / give)
    return [h + (s - h) * keep for s, h in zip(soft, hard, strict=True)]


def _lines(length: float, width: float, table_ems: float = TABLE_EMS) -> float:
    """Printed lines of a cell ``length`` ems long in a column ``width`` % wide (at least one)."""
    return max(1.0, length / max(0.5, width / 100 * table_ems - PADDING_EMS))


def _grow_where_lines_are_saved(
    widths: list[float],
    lengths: list[list[float]],
    room: float,
    table_ems: float,
    header_lines: int = 1,
) -> None:
    """Give ``room`` (%) a step at a time to the column whose widening saves most lines.

    The first row of ``lengths`` is the header: its first ``header_lines`` lines count as one.

    Only a row's one tallest cell can make it shorter (with a tie, widening either saves
    nothing), so each row's saving is kept in its tallest cell's column and recomputed
    only when a step changes that row: when the widened column's cell gets fewer lines,
    or when the row's tallest cell is in that column. A column's saving is its rows'
    savings added in row order (zeros elsewhere), so the floats, the choices and the
    widths are those of asking every row on every step (tests/reports/test_widths.py holds
    the two equal); 审核表5's 453 rows took a third of a department's width time.
    """
    step = 1.0
    free = float(header_lines - 1)

    # ``lines`` inline below, ``max(a, b)`` as ``b if b > a else a`` (what ``max`` returns):
    # the same floats, without two calls per cell. ``holds[k]``: what a line of column
    # ``k`` holds; ``holds_after[k]``: the same a step wider.
    holds = [max(0.5, w / 100 * table_ems - PADDING_EMS) for w in widths]
    holds_after = [max(0.5, (w + step) / 100 * table_ems - PADDING_EMS) for w in widths]
    heights = [[n / hold for n, hold in zip(row, holds, strict=True)] for row in lengths]
    for r, height in enumerate(heights):
        for k, h in enumerate(height):
            height[k] = h if h > 1.0 else 1.0
            if r == 0 and free:
                height[k] = max(1.0, height[k] - free)
    columns = range(len(widths))
    # Heights only fall as columns widen: a row whose cells are all one line never saves
    # one, and a cell of one line never changes.
    live = [r for r, height in enumerate(heights) if max(height) > 1.0]
    saving = [[0.0] * len(live) for _ in columns]  # saving[k][i]: live row i's, if in column k
    tallest = [-1] * len(live)  # the column of live row i's one tallest cell (-1: a tie)
    tops = [0.0] * len(live)  # live row i's height
    seconds = [0.0] * len(live)  # … its next tallest cell's (1.0 with one column)
    floors = [0.0] * len(live)  # … and its height after a step of its tallest cell's column
    tall = [[i for i, r in enumerate(live) if heights[r][k] > 1.0] for k in columns]

    def assess(i: int) -> None:
        r = live[i]
        height = heights[r]
        if tallest[i] >= 0:
            saving[tallest[i]][i] = 0.0
        tops[i] = top = max(height)
        if height.count(top) > 1:
            tallest[i] = -1
            return
        j = height.index(top)
        seconds[i] = others = max(height[:j] + height[j + 1 :]) if len(height) > 1 else 1.0
        after = lengths[r][j] / holds_after[j]
        after = after if after > 1.0 else 1.0
        if r == 0 and free:
            after = max(1.0, after - free)
        floors[i] = floor = after if after > others else others
        saving[j][i] = top - floor
        tallest[i] = j

    for i in range(len(live)):
        assess(i)
    while room >= step:
        best, best_saving = -1, 0.0
        for k in columns:
            total = sum(saving[k])
            if total > best_saving + 1e-9:
                best, best_saving = k, total
        if best < 0:
            return
        widths[best] += step
        room -= step
        # Only the rows whose ``best`` cell is taller than a line get shorter cells; of
        # those, a row's saving changes only if its tallest cell is in ``best``, or the
        # cell was one of a tie at the top, or as tall as the row's floor (its next
        # tallest cell may be this one).
        now = max(0.5, widths[best] / 100 * table_ems - PADDING_EMS)
        holds_after[best] = then = max(0.5, (widths[best] + step) / 100 * table_ems - PADDING_EMS)
        saved = saving[best]
        still = []
        for i in tall[best]:
            r = live[i]
            height = heights[r]
            old = height[best]
            n = lengths[r][best]
            new = n / now
            new = new if new > 1.0 else 1.0
            if r == 0 and free:
                new = max(1.0, new - free)
            height[best] = new
            j = tallest[i]
            if j == best:
                second = seconds[i]
                if new > second:
                    # still the row's one tallest cell, beside the same others: what
                    # ``assess`` would find, without looking at the others again
                    after = n / then
                    after = after if after > 1.0 else 1.0
                    if r == 0 and free:
                        after = max(1.0, after - free)
                    tops[i] = new
                    floors[i] = floor = after if after > second else second
                    saved[i] = new - floor
                else:
                    assess(i)
            elif j < 0:
                if old == tops[i]:  # one of the tie at the top
                    assess(i)
            elif old >= seconds[i]:  # the (or a) next tallest cell
                if old >= floors[i]:
                    assess(i)
                else:  # the floor is the tallest cell's own next height: only this moves
                    seconds[i] = max(height[:j] + height[j + 1 :])
            if new > 1.0:
                still.append(i)
        tall[best] = still


def long_row(row: tuple[Cell, ...]) -> bool:
    """Whether a table row may break across pages: it has a cell of over :data:`LONG_CELL`
    characters (a row of a few lines is kept whole; one of a page of text is not)."""
    return max((len(c.text) for c in row), default=0) > LONG_CELL


#: A landscape A4 page's text width (225 mm) in characters of the tables' 10.5 pt (五号).
LANDSCAPE_TABLE_EMS = 60.0
#: A section of the appendix whose table has this many columns is set on landscape pages.
LANDSCAPE_COLUMNS = 6


#: A table of this many columns is wide (a workbook prints it landscape) …
WIDE_FROM = 8
#: … and one of this many beside a text cell longer than ``LONG_TEXT`` characters.
LONG_TEXT_COLUMNS, LONG_TEXT = 6, 120


def wide_table(table: Table) -> bool:
    """A table a workbook prints landscape and the review file's HTML sets wider than the
    text: many columns, or many beside paragraphs of text (评分核对's 计算过程, 数据来源's
    formulas)."""
    columns = len(table.header)
    if columns >= WIDE_FROM:
        return True
    return columns >= LONG_TEXT_COLUMNS and any(
        not cell.numeric and len(cell.text) > LONG_TEXT for row in table.rows for cell in row
    )


def is_landscape(section: Section) -> bool:
    """附表1 评分表 (seven columns beside paragraphs of 评分说明) on landscape pages, in the
    PDF and in Word: on a portrait page its numbers' columns left the 评分说明 eleven
    characters a line and the table six pages long."""
    return section.id.startswith("appendix") and any(
        isinstance(b, Table) and len(b.header) >= LANDSCAPE_COLUMNS for b in section.blocks
    )
