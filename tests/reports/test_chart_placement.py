"""Where the PDF's charts land (docs/reports.md, *Charts*).

A chart (picture and caption, one unbreakable block) is set right after the paragraph
that cites it; one that does not fit in the rest of the page begins the next page. The
page before it is then left partly empty, even where the text after the chart could have
filled it: floats and shrinking were tried and rejected (the reasons, with the example's
pages, are in docs/reports.md). These tests read the PDF as a reader's tools show it
(poppler's word boxes): the chart pictures carry no text (their letters are outlines), so
a page that begins with a chart begins, in the text layer, with its caption “图N”.
"""

from __future__ import annotations

import itertools
import re
import subprocess
from pathlib import Path

import pytest
from report_fixtures import Built

from jixiao.reports.model import Chart, Paragraph, ReportModel

#: A4 portrait in points, and the text area's top and foot (37 mm and 35 mm margins)
PORTRAIT_WIDTH = 595
TEXT_TOP = 37 * 72 / 25.4
TEXT_FOOT = 842 - 35 * 72 / 25.4
WORD = r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">([^<]*)</word>'


def _pages(path: Path) -> list[list[tuple[float, float, float, str]]]:
    """Each portrait page's words as (y min, x min, y max, text); a landscape page's none."""
    out = subprocess.run(
        ["pdftotext", "-bbox", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout
    pages = []
    for page in out.split("<page ")[1:]:
        width = float(re.match(r'width="([\d.]+)"', page).group(1))  # type: ignore[union-attr]
        words = [(float(y0), float(x0), float(y1), w) for x0, y0, y1, w in re.findall(WORD, page)]
        pages.append(words if round(width) == PORTRAIT_WIDTH else [])
    return pages


def _charts_text_follows(model: ReportModel) -> set[str]:
    """The charts followed, in their own section, by a paragraph of text: the text that
    could fill the page before them without passing a heading."""
    numbers = set()
    for section in model.sections:
        for i, block in enumerate(section.blocks):
            if isinstance(block, Chart) and any(
                isinstance(b, Paragraph) and b.style != "subhead" for b in section.blocks[i + 1 :]
            ):
                numbers.add(block.number)
    return numbers


def _empty_before_charts(path: Path, model: ReportModel) -> dict[str, float]:
    """Chart number → the empty share of the text area of the page before the page it
    begins, for the charts that begin a page and are followed by text."""
    pages = _pages(path)
    followed = _charts_text_follows(model)
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


def test_the_charts_are_read_where_they_begin_a_page(
    rendered: dict[str, Path], example: Built
) -> None:
    """The measurement itself: the example's 图5 (“三公”经费, three paragraphs and 表7 after
    it in its section) begins page 34 and page 33 is about 40% empty; 图3 begins page 24
    too, but only the heading of the next section follows it, so it is not counted."""
    empty = _empty_before_charts(rendered["pdf"], example.model)
    assert "图3" not in empty
    assert 0.3 < empty["图5"] < 0.5


@pytest.mark.xfail(
    strict=True,
    reason="charts are kept whole after the paragraph citing them (docs/reports.md, Charts): "
    "the example's page 33 is ~40% empty before 图5",
)
def test_no_page_before_a_chart_is_left_mostly_empty(
    rendered: dict[str, Path], example: Built
) -> None:
    """The goal, not reached: where text follows a chart in its section, the page before a
    chart that begins a page is no more than 30% empty. Passing, it fails as an xfail:
    then remove the mark."""
    empty = _empty_before_charts(rendered["pdf"], example.model)
    assert {number: share for number, share in empty.items() if share > 0.3} == {}
