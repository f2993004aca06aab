"""The extracted text as the rules see it: paragraphs, headings, tables and numbers.

Reports reach us with page breaks in the middle of sentences (a PDF's text layer, a
``.txt`` saved from Word), so lines are joined into paragraphs: a line continues the
paragraph before it unless that one ended a sentence, was a heading, a caption or a
table row. Every paragraph remembers which line each of its characters came from, so
a finding can point at the line where the number is printed.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from functools import cache, cached_property

from jixiao.audit.numbers import Quantity, chinese_numeral, find_quantities, normalize

_HEADING_MARKERS: tuple[tuple[int, re.Pattern[str]], ...] = (
    (1, re.compile(r"^[一二三四五六七八九十]+\s*、\s*")),
    (1, re.compile(r"^(?:附录|附件)\s*\d*\s*[：:、.]\s*")),
    (2, re.compile(r"^[（(]\s*[一二三四五六七八九十]+\s*[)）]\s*")),
    (3, re.compile(r"^\d{1,2}\s*[.、](?!\d)\s*")),
    (4, re.compile(r"^[（(]\s*\d{1,2}\s*[)）]\s*")),
    (5, re.compile(r"^[①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳]\s*")),
)
#: The characters a heading marker can begin with, but the digits (``\d``: any Unicode
#: decimal digit, which ``str.isdecimal`` tells).
_HEADING_FIRST = frozenset("一二三四五六七八九十附（(①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳")
#: Sections that quote other statements (a findings list, the sources of each figure):
#: their numbers are cited, not stated, so no rule reads them.
_PARENTHESES = re.compile(r"[（()）]")
QUOTING_TITLES = re.compile(r"检查结果|审核结果|问题清单|数据来源|审核意见")
_TITLE_END = re.compile(r"[。：:，,；;]")
_CAPTION = re.compile(r"^(附表|表|图)\s*\d+")
_TOC = re.compile(r"(\.{4,}|…{2,}|·{4,})\s*\d*\s*$")
_MD_PREFIX = re.compile(r"^\s*(#{1,6}\s+|>\s*|[-+]\s+(?=\S))")
_MD_RULE = re.compile(r"^\s*\|?\s*:?-{3,}")
#: Longer paragraphs are cut (at a sentence end) so that the rules stay fast on any input.
MAX_PARAGRAPH = 4000
_SENTENCE_END = "。！？!?\t"
_CONTINUE_BREAKERS = "。！？!?；;：:"
_CLAUSE_BREAKS = "，,；;、：:。！？!?\t"
_NUMBER_CHARS = "0123456789,.，．０１２３４５６７８９"


@dataclass(frozen=True)
class Heading:
    level: int  #: 1 一、 2 （一） 3 1. 4 （1） 5 ①
    title: str  #: "预算编制情况" from "1. 预算编制情况。该指标…"
    marker: str  #: the marker as written ("1.", "（二）")


@dataclass(frozen=True)
class Clause:
    start: int
    end: int
    text: str


@dataclass
class Paragraph:
    """One logical paragraph (or one table row) of the extracted text."""

    index: int
    text: str  #: normalised (ASCII digits and punctuation), same length as the original
    original: str
    line_offsets: list[int]  #: offset in ``text`` where each source line starts
    line_numbers: list[int]  #: the 1-based line number of each of those lines
    heading: Heading | None = None
    trail: tuple[Heading, ...] = ()  #: the enclosing headings, outermost first
    cells: tuple[str, ...] | None = None  #: a table row's cells (normalised)
    toc: bool = False  #: a table-of-contents line ("一、部门基本情况.....1")
    quantities: list[Quantity] = field(default_factory=list)

    @property
    def quoting(self) -> bool:
        return any(QUOTING_TITLES.search(h.title) for h in self.trail)

    @property
    def section(self) -> tuple[str, ...]:
        """Titles of the enclosing headings, outermost first."""
        return tuple(h.title for h in self.trail)

    @property
    def line(self) -> int:
        return self.line_numbers[0]

    def line_at(self, offset: int) -> int:
        """The source line of the character at ``offset``."""
        return self.line_numbers[max(0, bisect_right(self.line_offsets, offset) - 1)]

    @cached_property
    def depth(self) -> list[int]:
        """Parenthesis depth at each offset: numbers inside （…） are asides, not components."""
        # Filled a run at a time between parentheses (the text is mostly outside them).
        depths: list[int] = []
        level = position = 0
        for match in _PARENTHESES.finditer(self.text):
            depths += [level] * (match.start() - position)
            if match.group() in "（(":
                level += 1
                depths.append(level)
            else:
                depths.append(level)
                level = max(0, level - 1)
            position = match.end()
        depths += [level] * (len(self.text) - position)
        return depths

    def in_parens(self, offset: int) -> bool:
        return bool(self.depth and self.depth[min(offset, len(self.depth) - 1)] > 0)

    @cached_property
    def sentences(self) -> list[Clause]:
        return _split(self.text, _SENTENCE_END)

    @cached_property
    def clauses(self) -> list[Clause]:
        return _split(self.text, _CLAUSE_BREAKS)

    def sentence_at(self, offset: int) -> Clause:
        return _containing(self.sentences, offset)

    def clause_at(self, offset: int) -> Clause:
        return _containing(self.clauses, offset)


@dataclass(frozen=True)
class Table:
    """A table of the text: caption "表1 …", a header row and data rows."""

    number: str  #: "1" for "表1", "" when uncaptioned
    caption: str
    header: tuple[str, ...]
    rows: tuple[Paragraph, ...]  #: data rows (those with a 序号 when the header has one)


@dataclass
class Document:
    paragraphs: list[Paragraph]
    tables: list[Table]
    line_count: int

    #: :meth:`body`'s paragraphs, found once: every rule walks them, and the paragraphs and
    #: their headings do not change once :func:`build_document` has made them.
    _body: list[Paragraph] | None = field(default=None, init=False, repr=False, compare=False)

    def body(self) -> Iterator[Paragraph]:
        """Paragraphs that state figures: prose and table rows, not the table of contents
        nor sections that only quote (see :data:`QUOTING_TITLES`)."""
        if self._body is None:
            self._body = [p for p in self.paragraphs if not p.toc and not p.quoting]
        return iter(self._body)

    def table(self, number: str) -> Table | None:
        return next((t for t in self.tables if t.number == number), None)


def build_document(lines: Sequence[str]) -> Document:
    """Join extracted lines into paragraphs, find headings, tables and numbers."""
    paragraphs = _paragraphs(lines)
    _assign_sections(paragraphs)
    for para in paragraphs:
        para.quantities = find_quantities(para.text)
    return Document(paragraphs, _tables(paragraphs), len(lines))


def _paragraphs(lines: Sequence[str]) -> list[Paragraph]:
    paragraphs: list[Paragraph] = []
    current: Paragraph | None = None
    runs = _cell_runs(lines)
    number = 0
    while number < len(lines):
        number += 1
        if number in runs:
            rows, number = _rebuilt_rows(lines, number, runs[number], len(paragraphs))
            paragraphs += rows
            current = paragraphs[-1] if paragraphs else None
            continue
        original = _unspaced(_strip_markdown(lines[number - 1].rstrip("\r\n")))
        if not original.strip() or _PAGE_NUMBER.match(original) or _CONTINUED.match(original):
            # A page number, or the repeated caption of a table continued on this page (a
            # PDF's text layer gives the running caption after the page's body): it falls
            # between two halves of a sentence and is not part of it.
            continue
        for start, end in _chunks(original):
            text = normalize(original[start:end])
            cells = _cells(text)
            if current is not None and cells is None and _continues(current, text):
                current.line_offsets.append(len(current.text))
                current.line_numbers.append(number)
                current.text += text.strip()
                current.original += original[start:end].strip()
                continue
            current = _new_paragraph(len(paragraphs), text, original[start:end], number, cells)
            paragraphs.append(current)
    return paragraphs


#: A line that is only a page number ("7", "- 7 -", "第 7 页"), as a PDF's text layer gives it.
_PAGE_NUMBER = re.compile(r"^\s*(?:[-—–]\s*)?(?:第\s*)?\d{1,3}(?:\s*页)?(?:\s*[-—–])?\s*$")


#: A Chinese character or punctuation mark. Compiled with the module, while poppler reads
#: (a class spanning the CJK block takes ≈ 1.5 ms to compile, after the text has arrived if
#: left to the first call).
_CJK = re.compile(r"[\u4e00-\u9fff，。；：、（）]")


def _unspaced(line: str) -> str:
    """A line of justified CJK text that a PDF's text layer gives letter by letter
    ("支 出7 8 . 5 6% ， 其 中 ："): the spaces are the justification's, not the author's."""
    tokens = line.split(" ")
    if len(tokens) < _SPACED_MIN:
        return line
    short = sum(1 for t in tokens if 0 < len(t) <= 2)
    cjk = sum(1 for t in tokens if _CJK.search(t))
    if short >= len(tokens) * 0.8 and cjk >= len(tokens) * 0.5:
        return "".join(tokens)
    return line


#: Tokens a line needs before it is read as letter-spaced (a short line may be a table row).
_SPACED_MIN = 8
#: The caption a long table repeats on each page it continues on: "表3　…（续）", "续表3".
_CONTINUED = re.compile(
    r"^\s*(?:(?:附表|表)\s*\d{1,3}(?!\d).{0,60}[（(]\s*续\s*[)）]|续\s*(?:附表|表)\s*\d{1,3}(?!\d).{0,60})\s*$"
)
#: A line that is one table cell, as stored web pages give tables: "公务接待费 |", or "|" alone.
_CELL_LINE = re.compile(r"^\s*[^|\t]{0,80}?\s*\|\s*$")
_NUMBER_CELL = re.compile(r"^\s*[-+]?\d[\d,]*(?:\.\d+)?\s*%?\s*$")


def _cell_runs(lines: Sequence[str]) -> dict[int, int]:
    """Runs of one-cell lines that read as a table: {first line (1-based): row width}.

    The width is the smallest one (2–8) for which the first row is all names (the header),
    every later row starts with a name and has a number, and every column holds only numbers
    or only words. A run that fits no width (merged header cells flattened) stays single cells.
    """
    runs: dict[int, int] = {}
    number = 0
    while number < len(lines):
        if not _CELL_LINE.match(lines[number]):
            number += 1
            continue
        end = number
        while end < len(lines) and _CELL_LINE.match(lines[end]):
            end += 1
        cells = [normalize(line).strip().rstrip("|").strip() for line in lines[number:end]]
        width = next((w for w in range(2, 9) if _fits(cells, w)), None)
        if width is not None:
            runs[number + 1] = width
        number = end
    return runs


def _fits(cells: list[str], width: int) -> bool:
    if len(cells) < 2 * width or len(cells) % width:
        return False
    rows = [cells[i : i + width] for i in range(0, len(cells), width)]
    if any(not c or _NUMBER_CELL.match(c) for c in rows[0]):
        return False
    for row in rows[1:]:
        if not row[0] or _NUMBER_CELL.match(row[0]) or not any(_NUMBER_CELL.match(c) for c in row):
            return False
    for column in range(1, width):
        kinds = {bool(_NUMBER_CELL.match(r[column])) for r in rows[1:] if r[column]}
        if len(kinds) > 1:
            return False
    return True


def _rebuilt_rows(
    lines: Sequence[str], first: int, width: int, index: int
) -> tuple[list[Paragraph], int]:
    """The table rows of a run of one-cell lines starting at line ``first`` (1-based): each
    row one paragraph whose cells are joined by tabs, every cell keeping its own line."""
    rows: list[Paragraph] = []
    number = first
    while number <= len(lines) and _CELL_LINE.match(lines[number - 1]):
        cells: list[str] = []
        offsets: list[int] = []
        numbers: list[int] = []
        text = original = ""
        while len(cells) < width and number <= len(lines) and _CELL_LINE.match(lines[number - 1]):
            raw = lines[number - 1].strip().rstrip("|").strip()
            if cells:
                text += "\t"
                original += "\t"
            offsets.append(len(text))
            numbers.append(number)
            cells.append(" ".join(normalize(raw).split()) if len(raw) <= 12 else normalize(raw))
            text += normalize(raw)
            original += raw
            number += 1
        para = Paragraph(index + len(rows), text, original, offsets, numbers, cells=tuple(cells))
        rows.append(para)
    return rows, number - 1


def _chunks(line: str) -> list[tuple[int, int]]:
    """A very long line in pieces of at most :data:`MAX_PARAGRAPH` characters, cut after a
    sentence (or clause) end, so that no paragraph makes the rules slow.

    Linear in the line's length: each window is searched once from its end, and a window
    with no place to cut outside a number ("1.1.1…" for 200 KB) is cut at its full width
    (a "number" thousands of characters long is not one the rules read).
    """
    pieces, start = [], 0
    while len(line) - start > MAX_PARAGRAPH:
        window = line[start : start + MAX_PARAGRAPH]
        cut = max(window.rfind(mark) for mark in "。！？；;") + 1
        if cut <= 0:
            cut = len(window)
            inside = len(window) - len(window.rstrip(_NUMBER_CHARS))
            if inside < len(window):
                cut -= inside  # never cut a number in two
        pieces.append((start, start + cut))
        start += cut
    pieces.append((start, len(line)))
    return pieces


def _strip_markdown(line: str) -> str:
    prefix = _MD_PREFIX.match(line)
    return " " * prefix.end() + line[prefix.end() :] if prefix else line


def _cells(text: str) -> tuple[str, ...] | None:
    if "\t" in text:
        return tuple(cell.strip() for cell in text.split("\t"))
    stripped = text.strip()
    if stripped.startswith("|") and stripped.endswith("|") and stripped.count("|") >= 3:
        return tuple(cell.strip() for cell in stripped.strip("|").split("|"))
    if stripped.endswith("|") and stripped.count(" | ") >= 1:
        # "项目 | 2022年预算数 | 2023年预算数 |": a row as stored web pages give it.
        cells = tuple(cell.strip() for cell in stripped.rstrip("|").split("|"))
        return cells if sum(1 for c in cells if c) >= 2 else None
    if _CELL_LINE.match(stripped) and stripped != "|":
        return (stripped.rstrip("|").strip(),)  # one cell on its own line: never prose
    return None


def _new_paragraph(
    index: int, text: str, original: str, number: int, cells: tuple[str, ...] | None
) -> Paragraph:
    text, original = text.strip(), original.strip()
    para = Paragraph(index, text, original, [0], [number], cells=cells)
    para.toc = bool(_TOC.search(text))
    if cells is None and not para.toc:
        para.heading = parse_heading(text)
    return para


def _continues(current: Paragraph, text: str) -> bool:
    """A line continues the paragraph when the sentence before it is unfinished."""
    if current.cells is not None or current.toc or _CAPTION.match(current.text):
        return False
    if len(current.text) + len(text) > MAX_PARAGRAPH:
        return False
    if current.text[-1] in _CONTINUE_BREAKERS or _is_heading_only(current):
        return False
    stripped = text.strip()
    return not (parse_heading(stripped) or _CAPTION.match(stripped) or _TOC.search(stripped))


def _is_heading_only(para: Paragraph) -> bool:
    """A title on a line of its own ("（1）决算收入情况"), not the first line of a numbered
    paragraph cut by the page width: "（4）建设新型研发机构数：分值" (a run-in title, its
    colon followed by text) or "（8）引进各类高层次人才数（不含省重大人才工" (a bracket open)."""
    if para.heading is None or len(para.text) > 40:
        return False
    rest = para.text[len(para.heading.marker) :]
    if re.search(r"[，,；;]|\d\s*(?:万|亿)?元|[：:].", rest):
        return False
    return all(rest.count(o) <= rest.count(c) for o, c in ("（）", "()", "“”", "《》"))


def parse_heading(text: str) -> Heading | None:
    """The heading a paragraph starts with ("（二）履职效能分析" → level 2), if any."""
    first = text[:1]
    if not (first in _HEADING_FIRST or first.isdecimal()):
        return None  # speed: no marker can match (called for every line and every join)
    for level, pattern in _HEADING_MARKERS:
        match = pattern.match(text)
        if match:
            rest = text[match.end() :].strip()
            title = _TITLE_END.split(rest, maxsplit=1)[0].strip()[:30]
            return Heading(level, title, match.group(0).strip())
    return None


_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"


def marker_number(marker: str) -> int | None:
    """The number a heading marker carries: "一、" 1, "（二）" 2, "3." 3, "(4)" 4, "⑤" 5."""
    inner = re.sub(r"[、.．()（）\s]", "", marker)
    if not inner:
        return None
    if inner in _CIRCLED:
        return _CIRCLED.index(inner) + 1
    if inner.isdigit():
        return int(inner)
    return chinese_numeral(inner)


def _assign_sections(paragraphs: list[Paragraph]) -> None:
    stack: list[Heading] = []
    for para in paragraphs:
        if para.heading is not None:
            stack = [h for h in stack if h.level < para.heading.level]
            stack.append(para.heading)
        para.trail = tuple(stack)


def _tables(paragraphs: list[Paragraph]) -> list[Table]:
    tables: list[Table] = []
    index = 0
    while index < len(paragraphs):
        if paragraphs[index].cells is None or paragraphs[index].toc:
            index += 1
            continue
        block = []
        while index < len(paragraphs) and paragraphs[index].cells is not None:
            if not _MD_RULE.match(paragraphs[index].text):
                block.append(paragraphs[index])
            index += 1
        if all(len(row.cells or ()) <= 1 for row in block):
            continue  # one cell a line that could not be rebuilt into rows: no table
        start = block[0].index if block else index
        tables.append(_table(block, _caption_before(paragraphs, start)))
    return tables


def _caption_before(paragraphs: list[Paragraph], start: int) -> str:
    for para in reversed(paragraphs[max(0, start - 3) : start]):
        if _CAPTION.match(para.text):
            return para.text
    return ""


def _table(block: list[Paragraph], caption: str) -> Table:
    number = re.match(r"^(?:附表|表)\s*(\d+)", caption)
    header = block[0].cells or ()
    rows = block[1:]
    if header and header[0].replace(" ", "") in {"序号", "编号"}:
        rows = [r for r in rows if r.cells and r.cells[0].isdigit()]
    return Table(number.group(1) if number else "", caption, header, tuple(rows))


def _split(text: str, breaks: str) -> list[Clause]:
    spans, start = [], 0
    for match in _any_of(breaks).finditer(text):
        spans.append(Clause(start, match.end(), text[start : match.end()]))
        start = match.end()
    if start < len(text):
        spans.append(Clause(start, len(text), text[start:]))
    return spans


@cache
def _any_of(characters: str) -> re.Pattern[str]:
    """A pattern matching any one of ``characters``."""
    return re.compile(f"[{re.escape(characters)}]")


def _containing(spans: list[Clause], offset: int) -> Clause:
    index = bisect_right(spans, offset, key=lambda span: span.start) - 1
    if 0 <= index < len(spans) and offset < spans[index].end:
        return spans[index]
    return spans[-1] if spans else Clause(0, 0, "")
