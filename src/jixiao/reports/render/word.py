"""Word (.docx) laid out the way Chinese official documents are (GB/T 9704 conventions).

A4; margins 上37 下35 左28 右26 mm; title 方正小标宋简体 二号; body 仿宋_GB2312 三号 with
28-point line spacing; headings 黑体 (一、) and 楷体_GB2312 (（一）); page numbers
“— N —” at the foot; table header rows repeat on every page; 表/图 captions. Fonts are
set through ``w:eastAsia`` so Word on a Chinese PC uses them for Chinese text, and the
font table names a free stand-in (Noto) for each official font.
"""

from __future__ import annotations

import io
import re
from typing import Any
from xml.sax.saxutils import escape

from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import (
    WD_ALIGN_PARAGRAPH,
    WD_BREAK,
    WD_LINE_SPACING,
    WD_TAB_ALIGNMENT,
    WD_TAB_LEADER,
)
from docx.opc.oxml import serialize_part_xml
from docx.oxml import OxmlElement
from docx.oxml.ns import nsdecls, qn
from docx.oxml.parser import parse_xml
from docx.shared import Cm, Emu, Length, Mm, Pt

from jixiao.reports.charts import render_chart
from jixiao.reports.fonts import WORD_FONTS
from jixiao.reports.model import Chart, Paragraph, ReportModel, Run, Section, Table
from jixiao.reports.render.pages import heading_pages
from jixiao.reports.render.widths import (
    LANDSCAPE_TABLE_EMS,
    column_widths,
    is_landscape,
    long_row,
)

#: 字号 in points: 二号 22, 三号 16, 四号 14, 小四 12, 五号 10.5.
ERHAO, SANHAO, SIHAO, XIAOSI, WUHAO = Pt(22), Pt(16), Pt(14), Pt(12), Pt(10.5)
LINE = Pt(28)
MARGINS_MM = {"top": 37, "bottom": 35, "left": 28, "right": 26}
TEXT_WIDTH_MM = 210 - MARGINS_MM["left"] - MARGINS_MM["right"]
#: A landscape page (附表1): the binding edge stays the portrait page's left edge, now the top.
LANDSCAPE_MARGINS_MM = {"top": 28, "bottom": 26, "left": 35, "right": 37}
LANDSCAPE_TEXT_WIDTH_MM = 297 - LANDSCAPE_MARGINS_MM["left"] - LANDSCAPE_MARGINS_MM["right"]
LATIN_FONT = "Times New Roman"


def set_font(element: Any, name: str, latin: str = LATIN_FONT) -> None:
    """Set the East Asian font (``w:eastAsia``) and the Latin font of a style or run."""
    rpr = element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attr), None)  # theme fonts would override the names below
    fonts.set(qn("w:ascii"), latin)
    fonts.set(qn("w:hAnsi"), latin)
    fonts.set(qn("w:eastAsia"), name)


def _style(doc: Any, name: str, font: str, size: Pt, bold: bool = False) -> Any:
    style = doc.styles[name]
    set_font(style.element, font)
    style.font.size = size
    style.font.bold = bold
    style.font.color.rgb = None
    pf = style.paragraph_format
    pf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    pf.line_spacing = LINE
    pf.space_before = Pt(0)
    pf.space_after = Pt(0)
    return style


def _setup_styles(doc: Any) -> None:
    normal = _style(doc, "Normal", WORD_FONTS["body"].name, SANHAO)
    normal.paragraph_format.first_line_indent = Pt(32)  # 首行缩进两字
    normal.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    for level, role in ((1, "heading1"), (2, "heading2"), (3, "body")):
        style = _style(doc, f"Heading {level}", WORD_FONTS[role].name, SANHAO, bold=level == 3)
        style.paragraph_format.first_line_indent = Pt(32)
        style.paragraph_format.keep_with_next = True
        style.font.italic = False
    title = _style(doc, "Title", WORD_FONTS["title"].name, ERHAO)
    title.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title.paragraph_format.line_spacing = Pt(36)
    _clear_title_border(title)
    caption = _style(doc, "Caption", WORD_FONTS["heading1"].name, XIAOSI)
    caption.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    caption.font.italic = False


def _clear_title_border(style: Any) -> None:
    ppr = style.element.get_or_add_pPr()
    for border in ppr.findall(qn("w:pBdr")):
        ppr.remove(border)


def _setup_page(doc: Any) -> None:
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin = Mm(MARGINS_MM["top"])
    section.bottom_margin = Mm(MARGINS_MM["bottom"])
    section.left_margin = Mm(MARGINS_MM["left"])
    section.right_margin = Mm(MARGINS_MM["right"])
    section.different_first_page_header_footer = True  # no page number on the cover
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    footer.paragraph_format.first_line_indent = Pt(0)
    footer.add_run("— ")
    _field(footer, "PAGE")
    footer.add_run(" —")
    for run in footer.runs:
        run.font.size = SIHAO


def _field(paragraph: Any, instruction: str) -> None:
    """A simple field (PAGE) that Word and LibreOffice compute when they lay out the page."""
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), instruction)
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    paragraph._p.append(field)


def _field_char(kind: str) -> Any:
    run = OxmlElement("w:r")
    run.append(OxmlElement("w:fldChar", {qn("w:fldCharType"): kind}))
    return run


#: Children of ``w:settings`` that must come after ``w:updateFields`` (schema order).
_AFTER_UPDATE_FIELDS = (
    "w:hdrShapeDefaults",
    "w:footnotePr",
    "w:endnotePr",
    "w:compat",
    "w:docVars",
    "w:rsids",
)


def _update_fields_on_open(doc: Any) -> None:
    """Ask Word to update fields (the TOC's page numbers) when the document is opened."""
    settings = doc.settings.element
    flag = OxmlElement("w:updateFields", {qn("w:val"): "true"})
    following = next(
        (
            settings.find(qn(tag))
            for tag in _AFTER_UPDATE_FIELDS
            if settings.find(qn(tag)) is not None
        ),
        None,
    )
    if following is not None:
        following.addprevious(flag)
    else:
        settings.append(flag)


def _register_fallbacks(doc: Any) -> None:
    """Name a free stand-in for each official font in the font table (``w:altName``)."""
    part = next(
        p for p in doc.part.package.iter_parts() if str(p.partname) == "/word/fontTable.xml"
    )
    root = parse_xml(part.blob)
    for font in {f.name: f for f in WORD_FONTS.values()}.values():
        element = OxmlElement("w:font", {qn("w:name"): font.name})
        element.append(OxmlElement("w:altName", {qn("w:val"): font.fallback}))
        element.append(OxmlElement("w:charset", {qn("w:val"): "86"}))  # GB2312
        root.append(element)
    part._blob = serialize_part_xml(root)


class _Writer:
    def __init__(self, model: ReportModel) -> None:
        self.model = model
        self.landscape = False  # the pages of the section being written
        self.doc = Document()
        self._style_ids: dict[tuple[str, WD_STYLE_TYPE], str | None] = {}
        _setup_page(self.doc)
        _setup_styles(self.doc)
        _chinese_language(self.doc)
        _register_fallbacks(self.doc)

    def _style_id(self, name: str, kind: WD_STYLE_TYPE = WD_STYLE_TYPE.PARAGRAPH) -> str | None:
        """The id of the style ``name``, looked up once per document: python-docx looks it
        up on every ``style=`` by reading every style of the document twice (a third of the
        Word file's time outside its tables). The styles are set before anything is written."""
        key = (name, kind)
        if key not in self._style_ids:
            part: Any = self.doc.part  # python-docx's part is untyped
            self._style_ids[key] = part.get_style_id(name, kind)
        return self._style_ids[key]

    def _add_paragraph(self, text: str, style: str) -> Any:
        """``doc.add_paragraph(text, style=style)``: the same elements, in the same order."""
        paragraph = self.doc.add_paragraph(text)
        paragraph._p.style = self._style_id(style)
        return paragraph

    def write(self) -> Any:
        self._cover()
        self._toc()
        for section in self.model.sections:
            self._section(section)
        return self.doc

    def _cover(self) -> None:
        cover = self.model.cover
        for _ in range(3):
            self.doc.add_paragraph()
        self._add_paragraph(cover.department, "Title")
        self._add_paragraph(cover.title, "Title")
        for _ in range(4):
            self.doc.add_paragraph()
        for field in cover.fields:
            p = self.doc.add_paragraph()
            p.paragraph_format.first_line_indent = Cm(2.5)
            p.add_run(f"{field.label}：").bold = True
            p.add_run(field.value)
        self._page_break()

    def _toc(self) -> None:
        """目录: each heading with dot leaders and its page number, shown as the file opens.

        The number is a ``PAGEREF`` field to a bookmark on the heading: LibreOffice computes
        it as it lays out the pages, Word and WPS when they update fields (Word is asked to on
        opening) or print. Until then they show the value written here, the page
        :func:`~jixiao.reports.render.pages.heading_pages` computes for the Word layout, so no
        reader sees a 目录 without page numbers.
        """
        heading = self._add_paragraph("目　录", "Title")
        heading.paragraph_format.space_after = Pt(12)
        pages = heading_pages(self.model)
        listed = [s for s in self.model.sections if s.in_toc]
        for index, section in enumerate(listed):
            p = self.doc.add_paragraph()
            pf = p.paragraph_format
            # The last two entries go to a page together, as a typesetter keeps a 目录: its
            # last entry alone on a page (附表1 of the example in LibreOffice) reads as a
            # stray line. The 目录's page count is unchanged (two lines move, not a page).
            if index == len(listed) - 2:
                pf.keep_with_next = True
            pf.first_line_indent = Pt(0)
            pf.left_indent = Pt(16 * (section.level - 1))
            pf.alignment = WD_ALIGN_PARAGRAPH.LEFT
            pf.tab_stops.add_tab_stop(Mm(TEXT_WIDTH_MM), WD_TAB_ALIGNMENT.RIGHT, WD_TAB_LEADER.DOTS)
            p.add_run(section.title + "\t")
            _page_ref(p, self._bookmark(section), pages.get(section.id, 1))
        _update_fields_on_open(self.doc)
        self._page_break()

    def _bookmark(self, section: Section) -> str:
        """The bookmark name of a section's heading (``_Toc`` names are hidden in Word)."""
        return f"_Toc{self.model.sections.index(section) + 1:06d}"

    def _page_break(self) -> None:
        self.doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)

    def _section(self, section: Section) -> None:
        turned = is_landscape(section)
        if turned != self.landscape:
            self._turn(turned)
        elif section.id.startswith("appendix"):
            self._page_break()
        heading = self._add_paragraph(section.title, f"Heading {min(section.level, 3)}")
        if section.in_toc:
            _bookmark(heading, self._bookmark(section), self.model.sections.index(section) + 1)
        for block in section.blocks:
            if isinstance(block, Paragraph):
                self._paragraph(block)
            elif isinstance(block, Table):
                self._table(block, section.title)
            elif isinstance(block, Chart):
                self._chart(block)

    def _turn(self, landscape: bool) -> None:
        """A new Word section on landscape (附表1 评分表) or portrait pages, as in the PDF.

        The footer (“— N —”) is the previous section's; the first page of the new section
        shows it too (the cover's empty first-page footer is not repeated)."""
        section = self.doc.add_section(WD_SECTION.NEW_PAGE)
        section.different_first_page_header_footer = False
        margins = LANDSCAPE_MARGINS_MM if landscape else MARGINS_MM
        if landscape:
            section.orientation = WD_ORIENT.LANDSCAPE
            section.page_width, section.page_height = Mm(297), Mm(210)
        else:
            section.orientation = WD_ORIENT.PORTRAIT
            section.page_width, section.page_height = Mm(210), Mm(297)
        section.top_margin, section.bottom_margin = Mm(margins["top"]), Mm(margins["bottom"])
        section.left_margin, section.right_margin = Mm(margins["left"]), Mm(margins["right"])
        self.landscape = landscape

    def _paragraph(self, paragraph: Paragraph) -> None:
        p = self.doc.add_paragraph()
        if paragraph.style == "subhead":  # a heading in the text: never last on a page
            p.paragraph_format.keep_with_next = True
        for run in paragraph.runs:
            self._run(p, run, bold=paragraph.style == "subhead")

    def _run(self, p: Any, run: Run, bold: bool = False) -> None:
        r = p.add_run()
        if _TAB_OR_BREAK.search(run.text) is None:
            # ``add_run(text)`` of a text without a tab or line break is one ``w:t``, which
            # python-docx builds a character at a time; ``add_t`` is its last step.
            if run.text:
                r._r.add_t(run.text)
        else:
            r.text = run.text
        if run.bold or bold:
            r.bold = True

    def _table(self, table: Table, title: str = "") -> None:
        # under a heading that already names it (附表1：…评分表) no second caption
        if not (table.number in title and table.caption in title):
            caption = self._add_paragraph(f"{table.number}　{table.caption}", "Caption")
            caption.paragraph_format.keep_with_next = True  # a table's caption stays with it
        if table.note:
            note = self.doc.add_paragraph(table.note)
            note.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            note.paragraph_format.keep_with_next = True
            _small(note)
        grid = self.doc.add_table(rows=0, cols=len(table.header))
        grid._tbl.tblStyle_val = self._style_id("Table Grid", WD_STYLE_TYPE.TABLE)  # grid.style =
        grid.alignment = WD_TABLE_ALIGNMENT.CENTER
        grid.autofit = False
        if self.landscape:
            widths = _widths(column_widths(table, LANDSCAPE_TABLE_EMS), LANDSCAPE_TEXT_WIDTH_MM)
        else:
            widths = _widths(column_widths(table))
        for column, width in zip(grid.columns, widths, strict=True):
            column.width = width
        grid._tbl.extend(_rows(table, [_twips(width) for width in widths]))
        self.doc.add_paragraph()

    def _chart(self, chart: Chart) -> None:
        p = self.doc.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        p.paragraph_format.first_line_indent = Pt(0)
        p.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
        p.paragraph_format.keep_with_next = True  # the picture stays with its caption
        p.add_run().add_picture(io.BytesIO(render_chart(chart)), width=Cm(15))
        self._add_paragraph(f"{chart.number}　{chart.caption}", "Caption")


def _widths(percents: list[int], text_width_mm: float = TEXT_WIDTH_MM) -> list[Length]:
    """Column widths as shares of the text width (Word reads each cell's ``w:tcW``)."""
    return [Mm(text_width_mm * p / sum(percents)) for p in percents]


def _twips(length: Length) -> str:
    """A length as python-docx writes it in ``w:tcW``, ``w:gridCol`` and ``w:ind``."""
    return str(Emu(length).twips)


def _rows(table: Table, widths: list[str]) -> list[Any]:
    """The header row and every body row of ``table`` as ``w:tr`` elements, from one fragment.

    The elements are exactly those python-docx makes, cell by cell, for a header row that
    repeats on every page, rows not split across pages (but one holding a page of text,
    :func:`~jixiao.reports.render.widths.long_row`) and for cells of one paragraph of one run (bold or not, 五号,
    single spacing, no first-line indent, aligned, a “其中：” part set in). They are
    written as text and parsed once per table because python-docx's calls (each a search
    for where in the schema's order a child goes) were most of the Word file's time;
    ``tests/reports/test_render_shortcuts.py`` holds the XML to what those calls wrote.
    """
    parts = [
        f'<w:tbl {nsdecls("w")}><w:tr><w:trPr><w:cantSplit/><w:tblHeader w:val="true"/></w:trPr>'
    ]
    for text, width in zip(table.header, widths, strict=True):
        parts.append(_cell_xml(text, width, bold=True, align="center", keep=True))
    parts.append("</w:tr>")
    for index, row in enumerate(table.rows):
        # a row is not split across pages, unless it holds a page of text (表2's 取得成效)
        parts.append("<w:tr>" if long_row(row) else "<w:tr><w:trPr><w:cantSplit/></w:trPr>")
        # the caption, header and first row start a page together, and the last row (合计)
        # never stands alone under a repeated header: the row before it keeps with it
        keep = index in (0, len(table.rows) - 2)
        for value, width in zip(row, widths, strict=True):
            align = "right" if value.numeric else "left"
            parts.append(_cell_xml(value.text, width, value.bold, align, keep, value.indent))
        parts.append("</w:tr>")
    parts.append("</w:tbl>")
    # python-docx's parser drops blank text, but not in a ``w:t`` marked to keep its spaces
    # (a cell of only spaces is one): ``xml:space="preserve"``.
    return list(parse_xml("".join(parts)))


def _cell_xml(text: str, width: str, bold: bool, align: str, keep: bool, indent: int = 0) -> str:
    keep_next = "<w:keepNext/>" if keep else ""
    # a “其中：” part is set in under its whole (人员经费 under 基本支出)
    left = f' w:left="{_twips(Pt(10.5 * indent))}"' if indent else ""
    weight = "<w:b/>" if bold else '<w:b w:val="0"/>'
    return (
        f'<w:tc><w:tcPr><w:tcW w:type="dxa" w:w="{width}"/></w:tcPr><w:p><w:pPr>{keep_next}'
        f'<w:spacing w:line="240" w:lineRule="auto"/><w:ind w:firstLine="0"{left}/>'
        f'<w:jc w:val="{align}"/></w:pPr><w:r><w:rPr>{weight}<w:sz w:val="21"/></w:rPr>'
        f"{_run_content(text)}</w:r></w:p></w:tc>"
    )


_TAB_OR_BREAK = re.compile(r"([\t\r\n])")


def _run_content(text: str) -> str:
    """A run's content as python-docx writes ``run.text``: ``w:tab`` for a tab, ``w:br``
    for each CR or LF, the rest in ``w:t`` — with ``xml:space="preserve"`` when it has
    white space at an end (a full-width space too: ``str.strip``'s)."""
    out = []
    for piece in _TAB_OR_BREAK.split(text):
        if piece == "\t":
            out.append("<w:tab/>")
        elif piece in ("\r", "\n"):
            out.append("<w:br/>")
        elif piece:
            space = ' xml:space="preserve"' if len(piece.strip()) < len(piece) else ""
            out.append(f"<w:t{space}>{escape(piece)}</w:t>")
    return "".join(out)


def _small(paragraph: Any) -> None:
    pf = paragraph.paragraph_format
    pf.first_line_indent = Pt(0)
    pf.line_spacing_rule = WD_LINE_SPACING.SINGLE
    for run in paragraph.runs:
        run.font.size = WUHAO


def _page_ref(paragraph: Any, bookmark: str, page: int) -> None:
    """A ``PAGEREF`` field to ``bookmark`` showing ``page`` until a field update."""
    runs = [_field_char("begin")]
    code = OxmlElement("w:r")
    instr = OxmlElement("w:instrText", {qn("xml:space"): "preserve"})
    instr.text = f" PAGEREF {bookmark} \\h "
    code.append(instr)
    runs += [code, _field_char("separate")]
    shown = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = str(page)
    shown.append(text)
    runs += [shown, _field_char("end")]
    for run in runs:
        paragraph._p.append(run)


def _bookmark(paragraph: Any, name: str, number: int) -> None:
    start = OxmlElement("w:bookmarkStart", {qn("w:id"): str(number), qn("w:name"): name})
    end = OxmlElement("w:bookmarkEnd", {qn("w:id"): str(number)})
    first_run = paragraph._p.find(qn("w:r"))
    if first_run is not None:
        first_run.addprevious(start)
    else:
        paragraph._p.append(start)
    paragraph._p.append(end)


def _chinese_language(doc: Any) -> None:
    """zh-CN as the document's language: its Chinese text (``w:eastAsia`` of the defaults'
    ``w:lang``) and the document's own property. Latin text (``w:val``: digits, 千分位 commas,
    %) stays en-US, as Chinese Word writes it: marked zh-CN, LibreOffice breaks a line inside
    “12,268.70” or “56.47%”."""
    styles = doc.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    if defaults is None:
        defaults = OxmlElement("w:docDefaults")
        styles.insert(0, defaults)
    rpr_default = defaults.find(qn("w:rPrDefault"))
    if rpr_default is None:
        rpr_default = OxmlElement("w:rPrDefault")
        defaults.insert(0, rpr_default)
    rpr = rpr_default.find(qn("w:rPr"))
    if rpr is None:
        rpr = OxmlElement("w:rPr")
        rpr_default.append(rpr)
    for old in rpr.findall(qn("w:lang")):
        rpr.remove(old)
    lang = OxmlElement(
        "w:lang", {qn("w:val"): "en-US", qn("w:eastAsia"): "zh-CN", qn("w:bidi"): "ar-SA"}
    )
    rpr.append(lang)
    doc.core_properties.language = "zh-CN"


class WordRenderer:
    """Word document (.docx), GB/T 9704 layout."""

    identifier = "docx"
    verbose_name = "Word 文档"
    suffix = ".docx"
    media_type = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

    def render(self, model: ReportModel) -> bytes:
        buffer = io.BytesIO()
        _Writer(model).write().save(buffer)
        return buffer.getvalue()
