"""The shipped 楷体 (Jixiao Kai): its name, licence, coverage of GB2312 and of the reports' text."""

from __future__ import annotations

import html
import re

from fontTools.ttLib import TTFont
from report_fixtures import Built

from jixiao.reports.fonts import KAI_FAMILY, kai_path
from jixiao.reports.render.html_page import render_html


def _cmap() -> dict[int, str]:
    return TTFont(kai_path()).getBestCmap()  # type: ignore[no-any-return]


def _gb2312_hanzi() -> set[str]:
    """Rows 16–87 of GB2312: the 6,763 hanzi of 楷体_GB2312."""
    chars = set()
    for high in range(0xB0, 0xF8):
        for low in range(0xA1, 0xFF):
            try:
                chars.add(bytes((high, low)).decode("gb2312"))
            except UnicodeDecodeError:
                continue
    return chars


def test_kai_is_a_renamed_subset_with_its_licence() -> None:
    font = TTFont(kai_path())
    names = {n.nameID: n.toUnicode() for n in font["name"].names}
    assert names[1] == KAI_FAMILY
    assert names[6] == "JixiaoKai-Regular"
    # The OFL reserves these names for unmodified builds of WenKai.
    assert not any("LXGW" in names[i] or "霞鹜" in names[i] for i in (1, 3, 4, 6, 16))
    licence = (kai_path().parent / "OFL.txt").read_text("utf-8")
    assert "SIL OPEN FONT LICENSE Version 1.1" in licence
    assert "LXGW" in licence  # the reserved names are stated
    assert kai_path().stat().st_size < 5_000_000  # a subset, not the 15 MB original


def test_kai_covers_every_gb2312_hanzi_and_the_punctuation() -> None:
    cmap = _cmap()
    hanzi = _gb2312_hanzi()
    assert len(hanzi) == 6763
    missing = sorted(c for c in hanzi if ord(c) not in cmap)
    assert missing == []
    assert all(
        ord(c) in cmap
        for c in "，。、；：？！“”‘’（）《》【】—…·％０１２３４５６７８９0123456789.%-"
    )


def _text(page: str) -> set[str]:
    page = re.sub(r"<style.*?</style>", "", page, flags=re.S)
    page = re.sub(r"data:[^\"')\s]*", "", page)
    return {c for c in html.unescape(re.sub(r"<[^>]+>", " ", page)) if not c.isspace()}


def test_kai_covers_the_text_of_the_example_and_county_reports(
    example: Built, county: Built
) -> None:
    cmap = _cmap()
    for built in (example, county):
        for model in (built.model, built.review):
            text = _text(render_html(model))
            assert len(text) > 400  # the page's text was found
            assert sorted(c for c in text if ord(c) not in cmap) == []
