"""公文 layout, checked on the files as a reader's tools show them (issue 10, item 5).

Word: a 目录 with page numbers before any field update, headings that never end a page,
zh-CN as the language, “其中：” rows set in. PDF: justified Chinese, bold 三级 headings,
long tables continued under “表N …（续）” with their header repeated, rows of long text
broken across pages instead of leaving half a page empty. The Word page numbers are
compared with LibreOffice's own layout of the same file.
"""

from __future__ import annotations

import itertools
import re
import shutil
import subprocess
from collections import Counter
from pathlib import Path

import pytest
from docx import Document
from docx.oxml.ns import qn
from report_fixtures import Built

from jixiao.reports.model import Cell, Section
from jixiao.reports.render.pages import heading_pages
from jixiao.reports.render.word import WordRenderer

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
CJK = re.compile(r"[\u4e00-\u9fff]")


def _libreoffice_text(data: bytes, tmp_path: Path, name: str, *options: str) -> str:
    """The file ``name`` (a .docx or .xlsx holding ``data``, left in ``tmp_path``) as
    LibreOffice prints it, read back by ``pdftotext options``."""
    path = tmp_path / name
    path.write_bytes(data)
    subprocess.run(
        ["libreoffice", "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(path)],
        check=True,
        capture_output=True,
        timeout=300,
        env={"HOME": str(tmp_path), "PATH": "/usr/bin:/bin"},
    )
    return subprocess.run(
        ["pdftotext", *options, str(path.with_suffix(".pdf")), "-"],
        check=True,
        capture_output=True,
        text=True,
        timeout=120,
    ).stdout


def _toc_entries(path: Path) -> list[tuple[str, str, str]]:
    """(title, PAGEREF bookmark, shown page) of each 目录 line of a .docx."""
    doc = Document(str(path))
    entries = []
    for p in doc.paragraphs:
        instr = "".join(t.text or "" for t in p._p.iter(f"{W}instrText"))
        if "PAGEREF" not in instr:
            continue
        texts = [t.text or "" for t in p._p.iter(f"{W}t")]
        entries.append(("".join(texts[:-1]).rstrip("\t"), instr.split()[1], texts[-1]))
    return entries


# --------------------------------------------------------------------------- Word


def test_the_word_contents_show_a_page_number_for_every_heading(
    rendered: dict[str, Path], example: Built
) -> None:
    entries = _toc_entries(rendered["docx"])
    titles = [s.title for s in example.model.sections if s.in_toc]
    assert [title for title, _, _ in entries] == titles
    pages = [int(page) for _, _, page in entries]
    assert all(page >= 3 for page in pages)  # after the cover and the 目录
    assert pages == sorted(pages)
    # each number is a field to a bookmark on its heading, so LibreOffice computes it
    # and Word updates it (it is asked to on opening)
    doc = Document(str(rendered["docx"]))
    marks = {m.get(qn("w:name")) for m in doc.element.body.iter(qn("w:bookmarkStart"))}
    assert {bookmark for _, bookmark, _ in entries} <= marks
    assert doc.settings.element.find(qn("w:updateFields")) is not None


def test_every_word_heading_is_kept_with_the_text_after_it(rendered: dict[str, Path]) -> None:
    doc = Document(str(rendered["docx"]))
    for level in (1, 2, 3):
        assert doc.styles[f"Heading {level}"].paragraph_format.keep_with_next
    subheads = [p for p in doc.paragraphs if p.text == "（1）决算收入情况"]
    assert subheads and all(p.paragraph_format.keep_with_next for p in subheads)
    captions = [p for p in doc.paragraphs if p.style.name == "Caption" and p.text.startswith("表")]
    assert captions and all(p.paragraph_format.keep_with_next for p in captions)


def test_the_word_document_is_in_chinese(rendered: dict[str, Path]) -> None:
    """Chinese text is zh-CN and so is the document; Latin text (digits, 千分位 commas, %) is
    en-US, as Chinese Word itself writes it: with zh-CN for Latin text too, LibreOffice
    breaks “12,268.70” and “56.47%” across lines (the test below)."""
    doc = Document(str(rendered["docx"]))
    lang = doc.styles.element.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr/{W}lang")
    assert lang is not None
    assert (lang.get(qn("w:val")), lang.get(qn("w:eastAsia"))) == ("en-US", "zh-CN")
    assert doc.core_properties.language == "zh-CN"


@pytest.mark.skipif(shutil.which("libreoffice") is None, reason="LibreOffice is not installed")
def test_libreoffice_keeps_every_number_of_the_text_on_one_line(
    rendered: dict[str, Path], tmp_path: Path
) -> None:
    """A line of the body text may end anywhere but inside a number: “12,2 | 68.70万元” or
    “5 | 6.47%” is what a reader of the Word file saw in LibreOffice."""
    doc = Document(str(rendered["docx"]))
    numbers = {
        n for p in doc.paragraphs for n in re.findall(r"\d[\d,]*\.\d+", p.text) if len(n) >= 4
    }
    lines = _libreoffice_text(
        rendered["docx"].read_bytes(), tmp_path, "report.docx", "-raw"
    ).splitlines()
    broken = []
    for line, following in itertools.pairwise(lines):
        tail = re.search(r"[\d,.]+$", line.rstrip())
        head = re.match(r"[\d,.%]+", following.lstrip())
        if tail and head and (tail.group() + head.group()).rstrip("%") in numbers:
            broken.append(f"{line[-12:]} | {following[:12]}")
    assert len(numbers) > 50
    assert broken == []


def test_no_word_table_row_is_split_across_pages_but_a_page_of_text(
    rendered: dict[str, Path],
) -> None:
    """表3's rows (indicator, target, result) stay on one page; 表2's rows of a whole page of
    取得成效 may break, or they would leave most of a page empty."""
    doc = Document(str(rendered["docx"]))
    split, whole = 0, 0
    for table in doc.tables:
        for row in table.rows:
            longest = max(len(c.text) for c in row.cells)
            cant = row._tr.trPr is not None and row._tr.trPr.find(qn("w:cantSplit")) is not None
            assert cant == (longest <= 120), [c.text[:20] for c in row.cells]
            split, whole = split + (not cant), whole + cant
    assert split >= 10 and whole >= 50  # 表2's long rows; every other table's rows


def test_the_parts_under_a_whole_are_set_in_in_word(rendered: dict[str, Path]) -> None:
    doc = Document(str(rendered["docx"]))
    indents = {}
    for table in doc.tables:
        for row in table.rows:
            p = row.cells[0].paragraphs[0]
            indents[p.text] = p.paragraph_format.left_indent
    assert indents["基本支出"] is None
    assert indents["其中：人员经费"] is not None and indents["其中：人员经费"].pt > 0


@pytest.mark.skipif(shutil.which("libreoffice") is None, reason="LibreOffice is not installed")
def test_the_word_page_numbers_are_where_libreoffice_puts_the_headings(
    county: Built, tmp_path: Path
) -> None:
    """The shown numbers are the computed layout; LibreOffice lays the file out itself."""
    text = _libreoffice_text(
        WordRenderer().render(county.model), tmp_path, "report.docx", "-layout"
    )
    # LibreOffice computes the PAGEREF fields: its 目录 lists its own pages
    laid_out = {}
    for line in "\f".join(text.split("\f")[1:3]).splitlines():
        match = re.match(r"\s*(\S.*?)\s*\.{3,}\s*(\d+)\s*$", line)
        if match:
            laid_out[re.sub(r"\s+", "", match.group(1))] = int(match.group(2))
    computed = heading_pages(county.model)
    sections: list[Section] = [s for s in county.model.sections if s.in_toc]
    differences = Counter(
        laid_out[re.sub(r"\s+", "", s.title)] - computed[s.id]
        for s in sections
        if re.sub(r"\s+", "", s.title) in laid_out
    )
    assert sum(differences.values()) >= len(sections) - 2  # the 目录 was read
    assert set(differences) <= {-1, 0, 1}, differences
    assert differences[0] >= len(sections) * 3 // 4, differences


@pytest.mark.skipif(shutil.which("libreoffice") is None, reason="LibreOffice is not installed")
def test_a_word_table_header_keeps_its_unit_in_brackets_on_one_line(
    county: Built, tmp_path: Path
) -> None:
    """“完成率（%）” and “占总收入（%）” printed “（” alone on a line and “%）” on the next in
    LibreOffice (the column held 2.4 characters a line; “（%）” is 2.8 wide): no word of the
    laid-out file is an opening bracket alone."""
    boxes = _libreoffice_text(WordRenderer().render(county.model), tmp_path, "report.docx", "-bbox")
    words = re.findall(r"<word [^>]*>([^<]*)</word>", boxes)
    assert "收入" in words and any(w.endswith("（%）") or w == "（%）" for w in words)
    assert [w for w in words if w in ("（", "(")] == []


@pytest.mark.skipif(shutil.which("libreoffice") is None, reason="LibreOffice is not installed")
def test_a_word_tables_total_row_never_stands_alone_on_a_page(tmp_path: Path) -> None:
    """A department of 30 units: 表4's and 表6's 合计 row went over to the next page alone,
    under the repeated header, apart from the rows it adds up. In LibreOffice's layout each
    table's last row is on the page of the row before it."""
    from report_fixtures import built

    from jixiao.reports.model import Table
    from jixiao.synthetic import synthetic_departments

    model = built(synthetic_departments(1, 30, projects_per_unit=2)[0]).model
    pages = _libreoffice_text(
        WordRenderer().render(model), tmp_path, "report.docx", "-layout"
    ).split("\f")

    def page_of(cells: tuple[Cell, ...]) -> int:
        """The page of the line that starts with the row's first cell and holds its first number."""
        start = re.sub(r"\s", "", cells[0].text)[:2]
        number = next(c.text for c in cells if c.numeric and c.text not in ("", "—"))
        found = [
            i
            for i, page in enumerate(pages)
            for line in page.splitlines()
            if re.sub(r"\s", "", line).startswith(start)
            and re.search(rf"(?<![\d,.]){re.escape(number)}(?![\d.])", line)
        ]
        assert found, (cells[0].text, number)
        return found[0]

    tables = [
        b
        for section in model.sections
        for b in section.blocks
        if isinstance(b, Table) and len(b.rows) >= 3 and b.rows[-1][0].text == "合计"
    ]
    assert len(tables) >= 4
    apart = [t.number for t in tables if page_of(t.rows[-1]) != page_of(t.rows[-2])]
    assert apart == []


@pytest.mark.skipif(shutil.which("libreoffice") is None, reason="LibreOffice is not installed")
def test_the_last_word_contents_entry_never_stands_alone_on_a_page(
    example: Built, tmp_path: Path
) -> None:
    """The example's 22 entries overflowed LibreOffice's first 目录 page by one line: “附表1”
    stood alone on the next page. The last two entries now go over together."""
    text = _libreoffice_text(
        WordRenderer().render(example.model), tmp_path, "report.docx", "-layout"
    )
    pages = text.split("\f")
    last = re.sub(r"\s+", "", [s for s in example.model.sections if s.in_toc][-1].title)
    page = next(i for i in range(1, 4) if last in re.sub(r"\s+", "", pages[i]))
    entries = [line for line in pages[page].splitlines() if re.search(r"\.{3,}\s*\d+\s*$", line)]
    assert len(entries) >= 2, entries


# --------------------------------------------------------------------------- PDF


def _pdf_words(path: Path, first: int, last: int) -> list[tuple[float, float, float, str]]:
    """(x min, x max, y min, word) of the words on pages ``first``–``last`` (poppler's boxes)."""
    out = subprocess.run(
        ["pdftotext", "-bbox", "-f", str(first), "-l", str(last), str(path), "-"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    pattern = r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)</word>'
    return [(float(x0), float(x1), float(y), w) for x0, y, x1, w in re.findall(pattern, out)]


def test_the_pdf_text_is_justified(rendered: dict[str, Path]) -> None:
    """Lines of a paragraph end at the right margin, not ragged (pages 3–4: 机构设置, 主要职能).

    The lines that begin at the text's left edge are a paragraph's second and later lines
    (a first line is indented, a table's cells are inset); all of them but a paragraph's
    last line end at one right edge."""
    words = _pdf_words(rendered["pdf"], 3, 4)
    left = min(x0 for x0, _, _, _ in words)
    lines = [round(x1) for x0, x1, _, word in words if abs(x0 - left) < 1 and len(word) > 8]
    common, count = Counter(lines).most_common(1)[0]
    assert count >= 8  # eight full lines share one right edge
    assert sum(1 for x in lines if abs(x - common) <= 1) >= len(lines) * 2 // 3


def test_long_pdf_tables_continue_under_their_caption(rendered: dict[str, Path]) -> None:
    pages = subprocess.run(
        ["pdftotext", str(rendered["pdf"]), "-"], check=True, capture_output=True, text=True
    ).stdout.split("\f")
    continued = [i for i, page in enumerate(pages) if "重点工作任务及完成情况（续）" in page]
    first = next(i for i, page in enumerate(pages) if "重点工作任务及完成情况" in page)
    assert continued and first not in continued
    for i in continued:  # the header row repeats under the continued caption
        assert "取得成效" in pages[i]
    # rows of long text break across pages, so 表2's pages are full
    assert len(continued) >= 4
    assert all(len(re.sub(r"\s", "", pages[i])) > 700 for i in continued[:-1])
    # a page the table does not begin on, and that is not inside it, has no （续）
    assert sum("（续）" in page for page in pages) < len(pages) // 2


# --------------------------------------------------------------------------- Excel


def test_every_sheet_prints_on_a4_across_one_page_with_its_header(
    rendered: dict[str, Path],
) -> None:
    from openpyxl import load_workbook

    workbook = load_workbook(rendered["xlsx"])
    for ws in workbook.worksheets:
        assert str(ws.page_setup.paperSize) == ws.PAPERSIZE_A4, ws.title  # 9: A4
        assert ws.sheet_properties.pageSetUpPr.fitToPage, ws.title
        assert (ws.page_setup.fitToWidth, ws.page_setup.fitToHeight) == (1, 0), ws.title
        assert ws.print_title_rows, ws.title  # the header row on every printed page
    scores = workbook["附表1 评分表"]
    cells = {c.value: c for row in scores.iter_rows() for c in row if c.value is not None}
    assert cells["重大基础研究原创成果数"].alignment.wrap_text
    two_places = [c for row in scores.iter_rows() for c in row if c.number_format == "0.00"]
    assert two_places and all(isinstance(c.value, int | float) for c in two_places)
    assert not any(
        isinstance(c.value, float) and round(c.value, 2) != c.value
        for row in scores.iter_rows()
        for c in row
    )  # 2.08, never 2.0833


@pytest.mark.skipif(shutil.which("libreoffice") is None, reason="LibreOffice is not installed")
def test_every_wrapped_cell_of_the_workbook_prints_whole(
    rendered: dict[str, Path], tmp_path: Path
) -> None:
    """附表1's 评分说明 printed its first line and cut the rest: LibreOffice (and WPS) keep a
    row without a height one line tall. Converted to PDF, the end of every long text cell
    of every sheet is on the page (its last characters; text extraction may interleave
    neighbouring cells line by line), and 附表1 with paragraphs of 评分说明 prints landscape."""
    from openpyxl import load_workbook

    printed = _libreoffice_text(rendered["xlsx"].read_bytes(), tmp_path, "report.xlsx")
    xlsx = tmp_path / "report.xlsx"
    printed = re.sub(r"[\s—]", "", printed)
    workbook = load_workbook(xlsx)
    ends = [
        (ws.title, cell.coordinate, re.sub(r"[\s—]", "", cell.value)[-3:])
        for ws in workbook.worksheets
        for row in ws.iter_rows(min_row=3)
        for cell in row
        if isinstance(cell.value, str) and len(cell.value) > 20
    ]
    assert len(ends) > 40
    assert [end for end in ends if end[2] not in printed] == []
    scores = workbook["附表1 评分表"]
    assert scores.page_setup.orientation == "landscape"
    long_rows = [
        c.row for row in scores.iter_rows(min_row=3) for c in row if len(str(c.value or "")) > 100
    ]
    assert long_rows and all((scores.row_dimensions[r].height or 0) > 40 for r in long_rows)


@pytest.mark.skipif(shutil.which("libreoffice") is None, reason="LibreOffice is not installed")
def test_no_wrapped_line_of_the_review_workbook_runs_into_the_next_row(tmp_path: Path) -> None:
    """A department's 审核表1 (its dataset read from YAML, so each 位置 names the file and
    line): the third line of each “项目…超支” finding (“万元”) was cut by the next row's
    border — rows were 13.5 pt a line, LibreOffice sets 10.5 pt text 15.2 pt apart.
    Printed, every row's words end above the next row's first line."""
    import dataclasses
    from io import BytesIO

    from openpyxl import Workbook
    from report_fixtures import built

    from jixiao.reports.model import Table
    from jixiao.reports.render.excel import write_table
    from jixiao.synthetic import synthetic_departments

    review = built(synthetic_departments(1, 30, projects_per_unit=2)[0]).review
    findings = next(t for t in review.tables if t.number == "审核表1")
    where = findings.header.index("位置")
    table = dataclasses.replace(
        findings,
        rows=tuple(
            tuple(
                dataclasses.replace(c, text=f"项目（/tmp/synthetic.yaml:{7924 + n}）")
                if k == where
                else c
                for k, c in enumerate(row)
            )
            for n, row in enumerate(findings.rows)
        ),
    )
    assert isinstance(table, Table)
    workbook = Workbook()
    write_table(workbook.active, table)
    data = BytesIO()
    workbook.save(data)
    boxes = _libreoffice_text(data.getvalue(), tmp_path, "review.xlsx", "-bbox")
    pattern = r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">([^<]*)<'
    overlaps, rows = [], 0
    for page in boxes.split("<page ")[1:]:
        words = [(float(x), float(y0), float(y1), w) for x, y0, y1, w in re.findall(pattern, page)]
        levels = sorted({y0 for _, y0, _, w in words if w in ("错误", "警告", "提示")})
        rows += len(levels)
        for top, below in itertools.pairwise(levels):
            # the row's Chinese words (Latin ones, 序号 and 编号, sit higher in their font;
            # a word mixing both a little higher than the row's 级别)
            ends = [y1 for _, y0, y1, w in words if top - 3 <= y0 < below - 3 and CJK.search(w)]
            if max(ends) > below:
                overlaps.append((top, max(ends), below))
    assert rows > 30
    assert overlaps == []


@pytest.mark.skipif(shutil.which("libreoffice") is None, reason="LibreOffice is not installed")
def test_the_workbooks_score_table_sets_each_level_in(county: Built, tmp_path: Path) -> None:
    """附表1's 指标 names were written with an indent but no left alignment, which Excel
    and LibreOffice ignore: “目标设定” and “绩效目标合理性” stood flush under “投入”.
    Printed, each level is set in further than the one above it."""
    from io import BytesIO

    from openpyxl import Workbook

    from jixiao.reports.render.excel import write_table

    scores = next(t for t in county.model.tables if t.number.startswith("附表"))
    workbook = Workbook()
    write_table(workbook.active, scores)
    data = BytesIO()
    workbook.save(data)
    boxes = _libreoffice_text(data.getvalue(), tmp_path, "scores.xlsx", "-bbox")
    left = {w: float(x) for x, w in re.findall(r'<word xMin="([\d.]+)"[^>]*>([^<]*)<', boxes)}
    assert left["投入"] + 3 < left["目标设定"] < left["绩效目标合理性"] - 3, left
    body = [c for row in workbook.active.iter_rows(min_row=3) for c in row if c.alignment.indent]
    assert body and all(c.alignment.horizontal == "left" for c in body)


def _page_sizes(path: Path) -> list[tuple[float, float]]:
    out = subprocess.run(
        ["pdfinfo", "-f", "1", "-l", "999", str(path)], check=True, capture_output=True, text=True
    ).stdout
    return [
        (float(w), float(h)) for w, h in re.findall(r"Page\s+\d+ size:\s+([\d.]+) x ([\d.]+)", out)
    ]


def test_the_pdf_score_table_is_set_on_a_few_landscape_pages(rendered: dict[str, Path]) -> None:
    """附表1 on portrait pages left 评分说明 eleven characters a line: six pages. Landscape,
    as 公文 sets a wide table, it is four; its heading names it once (no second caption)."""
    pages = subprocess.run(
        ["pdftotext", str(rendered["pdf"]), "-"], check=True, capture_output=True, text=True
    ).stdout.split("\f")
    sizes = _page_sizes(rendered["pdf"])
    table = [i for i, page in enumerate(pages) if "评分说明" in page and "评分标准" in page]
    assert table and len(table) <= 4
    assert all(sizes[i][0] > sizes[i][1] for i in table)  # landscape
    assert all(w < h for i, (w, h) in enumerate(sizes) if i < table[0])  # the body is portrait
    first = re.sub(r"\s", "", pages[table[0]])
    assert first.count("部门整体支出绩效自评指标评分表") == 1
    # 履职效能's 评分说明 is the analysis the body prints: not printed again in the table
    assert "全面贯彻党的二十大精神" not in "".join(re.sub(r"\s", "", pages[i]) for i in table)


def _pdf_pages(data: bytes, *args: str) -> list[str]:
    out = subprocess.run(
        ["pdftotext", *args, "-", "-"], input=data, check=True, capture_output=True
    )
    return out.stdout.decode().split("\f")


def test_a_pdf_table_fills_the_page_and_never_leaves_its_last_row_alone(county: Built) -> None:
    """The county's 表4 (six rows), kept whole, moved to the next page and left 45% of page 8
    blank; split, it had left its 合计 row alone under “表4 …（续）”. A table that does not
    fit is split unless less than a quarter of a page is left, and its last two rows stay
    together."""
    from jixiao.reports.render.pdf import render_pdf

    data = render_pdf(county.model)
    pages = _pdf_pages(data)
    (begins,) = [i for i, page in enumerate(pages) if "2023年收入预算与决算\n" in page]
    assert "（1）决算收入情况" in pages[begins]  # begun on page 8 under its text
    (goes_on,) = [i for i, page in enumerate(pages) if "收入预算与决算（续）" in page]
    assert goes_on == begins + 1
    assert "其他收入" in pages[goes_on] and "4,720.20" in pages[goes_on]  # with the row before 合计
    # no page of the body is more than ~30% empty (the lowest line of text against the text
    # area: A4 portrait, 37 mm top and 35 mm bottom margins), but the last before 附表1
    boxes = _pdf_pages(data, "-bbox")[0].split("<page ")[1:]
    foot = 842 - 35 * 72 / 25.4
    for number, page in enumerate(boxes, 1):
        if number < 3 or 'width="595' not in page:
            continue  # the cover, the 目录; portrait pages only
        if number + 1 < len(boxes) and 'width="842' in boxes[number]:
            break  # the page before 附表1's landscape pages ends its section
        lowest = max(float(y) for y in re.findall(r'yMax="([\d.]+)"', page) if float(y) < foot + 5)
        assert (foot - lowest) / (foot - 37 * 72 / 25.4) < 0.3, number


def test_the_pdf_contents_carry_no_invisible_characters(county: Built) -> None:
    """Typst's own 目录 entry put a word joiner (U+2060) before each page number: copied from
    the PDF, “一、部门基本情况……3” carried it."""
    from jixiao.reports.render.pdf import render_pdf

    contents = _pdf_pages(render_pdf(county.model), "-f", "2", "-l", "2")[0]
    lines = [line for line in contents.splitlines() if "......" in line]
    assert len(lines) > 10
    assert all(re.fullmatch(r"\S.*[^.] \.{6,} \d+", line) for line in lines), lines
    assert "\u2060" not in contents


@pytest.mark.parametrize("name", ["example", "county"])
def test_the_pdf_layout_settles(name: str, request: pytest.FixtureRequest) -> None:
    """Typst lays a document out again while a context's answer changes: a table deciding
    from its own place whether to begin on the next page moved that place, and the
    example's PDF came out of five attempts unsettled (“document did not converge”)."""
    import json

    import typst

    from jixiao.reports.charts import render_chart_svg
    from jixiao.reports.render import pdf

    model = request.getfixturevalue(name).model
    inputs = {"model": json.dumps(pdf.document(model), ensure_ascii=False)}
    inputs |= {f"chart-{c.id}": render_chart_svg(c) for c in model.charts}
    compiler = typst.Compiler(font_paths=pdf.load_fonts(), ignore_system_fonts=True)
    _, warnings = compiler.compile_with_warnings(
        input=pdf._template(), format="pdf", sys_inputs=inputs
    )
    assert [str(w) for w in warnings] == []


def test_no_workbook_row_is_taller_than_excel_allows() -> None:
    """A department of 60 projects: the review file's 数据来源 rows of 项目年初预算数合计
    (a formula naming every project) were written 1,310 pt tall; Excel's rows stop at 409."""
    from io import BytesIO

    from openpyxl import load_workbook
    from report_fixtures import built

    from jixiao.reports.render.excel import ExcelRenderer
    from jixiao.synthetic import synthetic_departments

    review = built(synthetic_departments(1, 30, projects_per_unit=2)[0]).review
    workbook = load_workbook(BytesIO(ExcelRenderer().render(review)))
    heights = [d.height for ws in workbook for d in ws.row_dimensions.values() if d.height]
    assert heights and max(heights) <= 409
    assert any(h == 409 for h in heights)  # the formulas over every project
