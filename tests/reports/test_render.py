"""The rendered files, opened with the libraries a reader's tools use: layout, fonts, text."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Mm
from openpyxl import load_workbook
from pypdf import PdfReader
from report_fixtures import Built

from jixiao.reports.fonts import WORD_FONTS


def _east_asia(style: object) -> str:
    fonts = style.element.rPr.find(qn("w:rFonts"))  # type: ignore[attr-defined]
    return str(fonts.get(qn("w:eastAsia")))


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


# --------------------------------------------------------------------------- Word


def test_the_word_file_has_the_gbt9704_page_setup(rendered: dict[str, Path]) -> None:
    section = Document(str(rendered["docx"])).sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)  # A4
    margins = (section.top_margin, section.bottom_margin, section.left_margin, section.right_margin)
    assert tuple(round(m.mm) for m in margins) == (37, 35, 28, 26)
    footer = section.footer.paragraphs[0]._p.xml
    assert 'w:instr="PAGE"' in footer


@pytest.mark.parametrize(
    ("style", "font", "size_pt"),
    [
        ("Normal", WORD_FONTS["body"].name, 16),
        ("Title", WORD_FONTS["title"].name, 22),
        ("Heading 1", WORD_FONTS["heading1"].name, 16),
        ("Heading 2", WORD_FONTS["heading2"].name, 16),
    ],
)
def test_the_word_styles_set_east_asian_fonts(
    rendered: dict[str, Path], style: str, font: str, size_pt: int
) -> None:
    doc = Document(str(rendered["docx"]))
    assert _east_asia(doc.styles[style]) == font
    assert doc.styles[style].font.size.pt == size_pt
    if style == "Normal":
        assert doc.styles[style].paragraph_format.line_spacing.pt == 28


def test_the_word_file_names_a_free_stand_in_for_each_official_font(
    rendered: dict[str, Path],
) -> None:
    doc = Document(str(rendered["docx"]))
    part = next(
        p for p in doc.part.package.iter_parts() if str(p.partname) == "/word/fontTable.xml"
    )
    xml = part.blob.decode("utf-8")
    assert '<w:font w:name="方正小标宋简体"><w:altName w:val="Noto Serif SC"/>' in xml


def test_the_word_file_has_the_outline_headings_tables_and_charts(
    rendered: dict[str, Path], example: Built
) -> None:
    doc = Document(str(rendered["docx"]))
    headings = [p.text for p in doc.paragraphs if p.style.name.startswith("Heading")]
    assert headings == [s.title for s in example.model.sections]
    captions = [p.text for p in doc.paragraphs if p.style.name == "Caption"]
    assert "表1　部门预算单位构成" in captions
    assert any(c.startswith("图5　") for c in captions)
    assert len(doc.inline_shapes) == 5
    assert len(doc.tables) == len(example.model.tables)
    for table in doc.tables:
        assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None  # repeats on each page


def test_the_word_text_states_the_key_sentences(rendered: dict[str, Path]) -> None:
    text = "\n".join(p.text for p in Document(str(rendered["docx"])).paragraphs)
    assert "本部门2023年决算收入合计617,056.54万元，为年初预算的342.35%" in text
    assert "本部门2023年决算支出合计615,883.73万元，为年初预算的341.70%" in text


# --------------------------------------------------------------------------- PDF


def test_the_pdf_embeds_the_shipped_cjk_font(rendered: dict[str, Path]) -> None:
    reader = PdfReader(str(rendered["pdf"]))
    embedded = set()
    for page in reader.pages:
        for font in (page["/Resources"].get("/Font") or {}).values():
            font = font.get_object()
            for descendant in font.get("/DescendantFonts", []):
                descriptor = descendant.get_object()["/FontDescriptor"].get_object()
                if any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")):
                    embedded.add(str(font["/BaseFont"]).split("+")[-1])
    # 仿宋 (Noto Serif SC), 黑体 (Noto Sans SC) and 楷体 (Jixiao Kai), by their PostScript names.
    names = {name.removesuffix("-Identity-H") for name in embedded}
    assert {"NotoSerifSC-Regular", "NotoSansSC-Regular", "JixiaoKai-Regular"} <= names


@pytest.mark.parametrize(
    "sentence",
    [
        "本部门2023年决算收入合计617,056.54万元，为年初预算的342.35%",
        "占总收入96.02%",
        "为年初预算的341.70%",
        "其他商品和服务支出521,728.73万元，占比94.07%",
        "部门整体支出绩效自评指标评分表",
    ],
)
def test_the_pdf_text_extracts_as_chinese(rendered: dict[str, Path], sentence: str) -> None:
    text = _squash("".join(page.extract_text() for page in PdfReader(str(rendered["pdf"])).pages))
    assert sentence in text


# --------------------------------------------------------------------------- HTML


class _Spans(HTMLParser):
    """Collects ``data-figure`` spans and external references."""

    def __init__(self) -> None:
        super().__init__()
        self.figures: list[tuple[str, str]] = []
        self.external: list[str] = []
        self._open: str | None = None
        self._text = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if values.get("data-figure"):
            self._open, self._text = values["data-figure"], ""
        for key in ("src", "href"):
            ref = values.get(key) or ""
            if ref and not ref.startswith(("data:", "#")):
                self.external.append(ref)

    def handle_data(self, data: str) -> None:
        if self._open:
            self._text += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "span" and self._open:
            self.figures.append((self._open, self._text))
            self._open = None


def test_every_number_in_the_html_carries_its_figure_id(
    rendered: dict[str, Path], example: Built
) -> None:
    parser = _Spans()
    parser.feed(rendered["html"].read_text("utf-8"))
    assert len(parser.figures) >= len(example.model.figure_runs())
    for figure_id, text in parser.figures:
        figure = example.figures[figure_id]
        assert text in (figure.text, figure.text.lstrip("-")), figure_id


def test_the_html_is_self_contained(rendered: dict[str, Path]) -> None:
    html = rendered["html"].read_text("utf-8")
    parser = _Spans()
    parser.feed(html)
    assert parser.external == []
    assert html.count('src="data:image/png;base64,') == 5
    assert "<style>" in html and "@page" in html


# --------------------------------------------------------------------------- Excel


def test_the_workbook_has_the_scorecard_and_the_data_tables(
    rendered: dict[str, Path], example: Built
) -> None:
    wb = load_workbook(rendered["xlsx"])
    assert wb.sheetnames[0] == "附表1 评分表"
    rows = list(wb["附表1 评分表"].iter_rows(min_row=3, values_only=True))
    assert rows[-1][1] == "合计" and rows[-1][4] == 89.56 and rows[-1][5] == 10.44
    assert rows[-1][6] == "等级：良好"
    sheet = next(wb[n] for n in wb.sheetnames if "收入预算与决算" in n)
    values = next(r for r in sheet.iter_rows(values_only=True) if r[0] == "事业收入")
    assert values[1:5] == (12268.7, 12021.6, 97.99, 1.95)  # numbers, not text


# --------------------------------------------------------------------------- browser

CHROMIUM = shutil.which("chromium") or (
    "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None
)


def _chromium_problem() -> str | None:
    """Why headless Chromium cannot be used here: not installed, or installed but unable to
    start (no sandbox support, missing libraries …); ``None`` when it renders a page."""
    import subprocess

    if CHROMIUM is None:
        return "environment-dependent: needs /usr/bin/chromium"
    probe = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--dump-dom", "about:blank"]
    try:
        done = subprocess.run(probe, capture_output=True, timeout=60, check=False)
    except (OSError, subprocess.TimeoutExpired) as error:
        return f"environment-dependent: {CHROMIUM} cannot start ({error})"
    if done.returncode != 0 or b"<html" not in done.stdout:
        last = done.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or [""]
        return f"environment-dependent: {CHROMIUM} cannot start (exit {done.returncode}: {last[0]})"
    return None


@contextmanager
def _page(request: pytest.FixtureRequest, **options: Any) -> Iterator[Any]:
    """A fresh page of the test session's one Chromium (``shared_chromium``, tests/conftest.py):
    a second Playwright in the same process fails when the web tests' is running."""
    browser = request.getfixturevalue("shared_chromium")
    context = browser.new_context(**options)
    try:
        yield context.new_page()
    finally:
        context.close()


def test_a_browser_that_cannot_start_is_a_skip_not_a_failure(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sys

    fake = tmp_path / "chromium"
    fake.write_text("#!/bin/sh\necho 'No usable sandbox!' >&2\nexit 1\n", "utf-8")
    fake.chmod(0o755)
    monkeypatch.setattr(sys.modules[__name__], "CHROMIUM", str(fake))
    problem = _chromium_problem()
    assert problem is not None and "cannot start" in problem and "No usable sandbox" in problem


def test_the_html_renders_in_a_headless_browser(rendered: dict[str, Path], tmp_path: Path) -> None:
    import subprocess

    problem = _chromium_problem()
    if problem is not None:
        pytest.skip(problem)
    shot = tmp_path / "page.png"
    args = [str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu", f"--screenshot={shot}"]
    subprocess.run(
        [*args, "--window-size=1000,1400", rendered["html"].as_uri()], check=True, timeout=120
    )
    assert shot.stat().st_size > 10_000


def test_the_word_tables_fill_the_text_width_with_content_sized_columns(
    rendered: dict[str, Path],
) -> None:
    doc = Document(str(rendered["docx"]))
    for table in doc.tables[:-1]:
        widths = [cell.width.mm for cell in table.rows[0].cells]
        assert abs(sum(widths) - (210 - 28 - 26)) < 1
    scorecard = doc.tables[-1]  # 附表1, on landscape pages (a section of its own)
    widths = [c.width.mm for c in scorecard.rows[0].cells]
    assert abs(sum(widths) - (297 - 35 - 37)) < 1
    assert widths[-1] == max(widths)  # 评分说明, the longest texts, gets the most room
    last = doc.sections[-1]
    assert last.page_width > last.page_height and doc.sections[0].page_width < Mm(211)
    assert not last.different_first_page_header_footer  # its first page is numbered too
    # its heading names it: no second caption under it
    assert not any(
        p.text.startswith("附表1　") for p in doc.paragraphs if p.style.name == "Caption"
    )


# --------------------------------------------------------------------------- LibreOffice

SOFFICE = shutil.which("soffice")


@pytest.mark.skipif(SOFFICE is None, reason="environment-dependent: needs LibreOffice (soffice)")
def test_libreoffice_lays_the_word_file_out_on_a4_with_its_chinese_text(
    mini: Built, tmp_path: Path
) -> None:
    """A manual check made automatic where LibreOffice exists: it opens the .docx as Word would."""
    import subprocess

    from jixiao.reports.api import render_report

    (file,) = render_report(mini.model, ["docx"], "report")
    docx = tmp_path / file.filename
    docx.write_bytes(file.data)
    profile = (tmp_path / "lo-profile").as_uri()
    command = [str(SOFFICE), "--headless", "--norestore", f"-env:UserInstallation={profile}"]
    done = subprocess.run(
        [*command, "--convert-to", "pdf", "--outdir", str(tmp_path / "pdf"), str(docx)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    pdf = tmp_path / "pdf" / "report.pdf"
    if not pdf.exists() and "could not be loaded" in done.stdout + done.stderr:
        pytest.skip("environment-dependent: LibreOffice is installed without Writer")
    reader = PdfReader(str(pdf))
    box = reader.pages[0].mediabox
    assert (round(float(box.width) * 25.4 / 72), round(float(box.height) * 25.4 / 72)) == (210, 297)
    text = _squash("".join(page.extract_text() for page in reader.pages))
    assert "示例科技厅" in text and "部门整体支出绩效自评报告" in text
    assert "决算收入合计" in text


def test_the_html_cover_sets_each_label_on_one_line_apart_from_the_contents(
    rendered_review: dict[str, Path],
    request: pytest.FixtureRequest,
) -> None:
    """The review file's cover showed “报/告：” and “评分框/架：” over two lines each (the
    long report title beside them squeezed the labels), and on screen its last field ran
    straight into “目　录”, and the 目录 into the first heading."""
    problem = _chromium_problem()
    if problem is not None:
        pytest.skip(problem)
    with _page(request, viewport={"width": 1000, "height": 1400}) as page:
        page.goto(rendered_review["html"].as_uri())
        box = "e => { const r = e.getBoundingClientRect(); return [r.top, r.bottom, r.height]; }"
        # a label's lines: the boxes of its text (a flex item's own box is as tall as its row)
        lines = "e => { const r = document.createRange(); r.selectNodeContents(e); return r.getClientRects().length; }"
        labels = [dt.evaluate(lines) for dt in page.query_selector_all(".cover-fields dt")]
        line = page.eval_on_selector(
            ".cover-fields dt", "e => parseFloat(getComputedStyle(e).lineHeight)"
        )
        cover = page.eval_on_selector(".cover-fields", box)
        toc = page.eval_on_selector(".toc-title", box)
        last = page.eval_on_selector(".toc li:last-child", box)
        first = page.eval_on_selector("main h2", box)
    assert len(labels) >= 2 and set(labels) == {1}, labels
    # a blank line and more between the cover's fields, the 目录 and the first heading
    assert toc[0] - cover[1] > 1.5 * line and first[0] - last[1] > 1.5 * line, (cover, toc, first)


def test_the_html_names_a_table_once_under_a_heading_that_names_it(
    rendered: dict[str, Path],
) -> None:
    """附表1 showed “附表1：部门整体支出绩效自评指标评分表” as its heading and again as the
    table's caption right below; Word and the PDF print the heading alone."""
    html = rendered["html"].read_text("utf-8")
    assert "附表1：部门整体支出绩效自评指标评分表</h2>" in html
    assert "<figcaption>附表1　" not in html
    assert "<figcaption>表3　" in html  # a table under another heading keeps its caption


def test_the_review_files_copy_of_the_report_sets_its_headings_as_the_report_does(
    rendered: dict[str, Path],
    rendered_review: dict[str, Path],
    request: pytest.FixtureRequest,
) -> None:
    """In the review file's 报告正文 each heading is one level down (h3 for “一、”): “一、”
    was set in 楷体 like a “（一）”, “（一）” in bold like a “1.”, and “2.主要职能” as an
    unstyled h5 — small, not indented, with a blank line above and below."""
    problem = _chromium_problem()
    if problem is not None:
        pytest.skip(problem)
    titles = ("一、部门基本情况", "（一）机构设置及主要职能", "2.主要职能")
    look = """titles => titles.map(t => {
        const h = [...document.querySelectorAll(SCOPE)].find(e => e.textContent.trim() === t);
        if (!h) return null;
        const s = getComputedStyle(h);
        return [s.fontFamily, s.fontSize, s.fontWeight, s.textIndent, s.marginTop, s.marginBottom];
    })"""
    with _page(request) as page:
        page.goto(rendered["html"].as_uri())
        report = page.evaluate(look.replace("SCOPE", "'main h2, main h3, main h4'"), titles)
        page.goto(rendered_review["html"].as_uri())
        review = page.evaluate(look.replace("SCOPE", "'#body h3, #body h4, #body h5'"), titles)
    assert None not in report and None not in review, (report, review)
    assert review == report


def test_the_html_score_table_takes_a_landscape_width_on_screen(
    rendered: dict[str, Path], request: pytest.FixtureRequest
) -> None:
    """附表1 sat in the 156 mm of the text, its 评分说明 ten characters a line and rows of
    thirty lines; Word and the PDF print it landscape. On a screen it is 225 mm wide,
    centred on the text, and its 评分说明 column the widest."""
    problem = _chromium_problem()
    if problem is not None:
        pytest.skip(problem)
    with _page(request, viewport={"width": 1280, "height": 1000}) as page:
        page.goto(rendered["html"].as_uri())
        box = "e => { const r = e.getBoundingClientRect(); return [r.left, r.right, r.width]; }"
        text = page.eval_on_selector("main p", box)
        tables = page.eval_on_selector_all(
            "figure.table table",
            "ts => ts.map(t => [t.getBoundingClientRect().width,"
            " [...t.querySelectorAll('thead th')].map(th => th.textContent),"
            " [...t.querySelectorAll('thead th')].map(th => th.getBoundingClientRect().width)])",
        )
    mm = 96 / 25.4
    scores = next(t for t in tables if "评分说明" in t[1])
    others = [t for t in tables if "评分说明" not in t[1]]
    assert abs(scores[0] - 225 * mm) < 3, scores[0]
    assert all(abs(t[0] - text[2]) < 3 for t in others)  # the other tables: the text's width
    widths = dict(zip(scores[1], scores[2], strict=True))
    assert max(widths, key=widths.__getitem__) == "评分说明"


def test_the_review_files_wide_tables_take_a_landscape_width_on_screen(
    rendered_review: dict[str, Path],
    request: pytest.FixtureRequest,
) -> None:
    """评分核对 (seven columns beside the department's paragraphs) and 数据来源 (formulas)
    sat in the 156 mm of the text, 计算过程 twelve characters a line; its workbook prints
    them landscape. On a screen they are 225 mm wide; the findings (five columns) and the
    review file's copy of the report keep the text's width (but 附表1)."""
    problem = _chromium_problem()
    if problem is not None:
        pytest.skip(problem)
    with _page(request, viewport={"width": 1280, "height": 1000}) as page:
        page.goto(rendered_review["html"].as_uri())
        width = "e => e.getBoundingClientRect().width"
        text = page.eval_on_selector("main p", width)
        own = page.eval_on_selector_all(
            "main > section:not(#body) figure.table",
            "fs => fs.map(f => [f.querySelector('figcaption').textContent,"
            " f.querySelector('table').getBoundingClientRect().width])",
        )
        body = page.eval_on_selector_all(
            "#body figure.table table", "ts => ts.map(t => t.getBoundingClientRect().width)"
        )
    mm = 96 / 25.4
    wide = {caption for caption, w in own if abs(w - 225 * mm) < 3}
    assert {c for c, _ in own if "评分核对" in c or "数据来源" in c} <= wide, own
    assert not any("数据检查发现的问题" in c for c in wide), own
    assert sum(abs(w - text) < 3 for w in body) == len(body) - 1  # 附表1 alone is wide
