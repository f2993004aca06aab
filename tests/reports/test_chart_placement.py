"""Where the PDF's charts land (docs/reports.md, *Charts*).

A chart (picture and caption, one unbreakable block) is set right after the paragraph that
cites it. One that does not fit in the rest of the page goes to the top of the next page;
when only paragraphs of text follow it up to the next table or chart or the end of its
section, that text fills the page before it (the example's page 33 was 41% empty above 图5). These
tests read the PDF as a reader's tools show it (poppler's word boxes): the chart pictures
carry no text (their letters are outlines), so a page that begins with a chart begins, in
the text layer, with its caption “图N”.
"""

from __future__ import annotations

import itertools
import re
import subprocess
from pathlib import Path

from report_fixtures import Built, built

from jixiao.reports.model import Chart, Paragraph, ReportModel, Table
from jixiao.reports.render.pdf import render_pdf

#: A4 portrait in points, and the text area's top and foot (37 mm and 35 mm margins)
PORTRAIT_WIDTH = 595
TEXT_TOP = 37 * 72 / 25.4
TEXT_FOOT = 842 - 35 * 72 / 25.4
WORD = r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">([^<]*)</word>'

Words = list[tuple[float, float, float, str]]


def _pages(data: bytes) -> list[Words]:
    """Each portrait page's words as (y min, x min, y max, text); a landscape page's none."""
    out = subprocess.run(
        ["pdftotext", "-bbox", "-", "-"], input=data, check=True, capture_output=True
    ).stdout.decode()
    pages = []
    for page in out.split("<page ")[1:]:
        width = float(re.match(r'width="([\d.]+)"', page).group(1))  # type: ignore[union-attr]
        words = [(float(y0), float(x0), float(y1), w) for x0, y0, y1, w in re.findall(WORD, page)]
        pages.append(words if round(width) == PORTRAIT_WIDTH else [])
    return pages


def _text_follows(model: ReportModel) -> set[str]:
    """The charts followed, up to the next table or chart or the end of their section, by
    paragraphs of text only (no sub-head): the text that may fill the page before them."""
    numbers = set()
    for section in model.sections:
        for i, block in enumerate(section.blocks):
            if not isinstance(block, Chart):
                continue
            rest = list(
                itertools.takewhile(
                    lambda b: not isinstance(b, Table | Chart), section.blocks[i + 1 :]
                )
            )
            if rest and all(isinstance(b, Paragraph) and b.style != "subhead" for b in rest):
                numbers.add(block.number)
    return numbers


def _empty_before_charts(data: bytes, model: ReportModel) -> dict[str, float]:
    """Chart number → the empty share of the text area of the page before the page it
    begins, for the charts that begin a page with text following them."""
    pages = _pages(data)
    followed = _text_follows(model)
    result = {}
    for before, page in itertools.pairwise(pages):
        body = [w for w in page if TEXT_TOP - 5 < w[0] < TEXT_FOOT]
        if not before or not body:
            continue
        first = min(body)[3]  # the top line's first word
        if re.fullmatch(r"图\d+", first) and first in followed:
            lowest = max(y1 for _, _, y1, _ in before if y1 < TEXT_FOOT + 5)
            result[first] = (TEXT_FOOT - lowest) / (TEXT_FOOT - TEXT_TOP)
    return result


def _page_of(pages: list[str], text: str) -> int:
    return next(i for i, page in enumerate(pages) if text in re.sub(r"\s", "", page))


def test_text_after_a_chart_fills_the_page_before_it(
    rendered: dict[str, Path], example: Built
) -> None:
    """The example's 图5 (“三公”经费, three paragraphs and 表7 after it) does not fit under the
    paragraph citing it: it begins page 34 and the paragraphs after it fill page 33, which
    was 41% empty; it still comes before 表7, and within a page of its sentence."""
    data = rendered["pdf"].read_bytes()
    empty = _empty_before_charts(data, example.model)
    assert "图5" in empty and empty["图5"] < 0.3
    assert {number: share for number, share in empty.items() if share > 0.3} == {}
    text = (
        subprocess.run(["pdftotext", "-", "-"], input=data, check=True, capture_output=True)
        .stdout.decode()
        .split("\f")
    )
    chart = _page_of(text, "图52023年与2022年")
    assert _page_of(text, "对比情况如图5所示") == chart - 1
    assert _page_of(text, "增幅3673.25%") == chart - 1  # the text after it, before it
    assert _page_of(text, "表72023年“三公”经费支出情况") == chart  # the table after the chart


def test_no_chart_passes_a_heading_or_leaves_a_page_mostly_empty_before_its_text() -> None:
    """A synthetic department (gd-dept-2023): the paragraph after 图1 (on 支出, citing 图2 and
    图3) fills page 7 (29% empty before), 图1 and 图2 share page 8; the text after 图5 fills
    the page before it (32% empty before); every chart's caption comes before the heading
    that follows the chart in the model."""
    from jixiao.synthetic import synthetic_departments

    model = built(synthetic_departments(1, 4, seed=11, framework="gd-dept-2023")[0]).model
    data = render_pdf(model)
    empty = _empty_before_charts(data, model)
    assert "图1" in empty and "图5" in empty
    assert {number: share for number, share in empty.items() if share > 0.3} == {}
    pages = (
        subprocess.run(["pdftotext", "-", "-"], input=data, check=True, capture_output=True)
        .stdout.decode()
        .split("\f")
    )
    body = re.sub(r"\s", "", "".join(pages[2:]))  # after the cover and the 目录
    for section, following in itertools.pairwise(model.sections):
        start = body.index(re.sub(r"\s", "", section.title))
        end = body.index(re.sub(r"\s", "", following.title), start + 1)
        for block in section.blocks:
            if isinstance(block, Chart):
                caption = re.sub(r"\s", "", block.caption)  # (its number may be set apart)
                assert start < body.index(caption, start) < end, caption
