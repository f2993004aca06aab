"""The site's header in Chromium: on a 1024 px screen no item breaks inside itself."""

from __future__ import annotations

from typing import Any

import pytest
from browser import log_in

pytestmark = pytest.mark.browser

#: Each header item's text and how many lines it takes (its height over its line height).
ITEMS = """() => [...document.querySelectorAll(
    'header.top > a, header.top .who > a, header.top .who > span, header.top .who button')]
  .map(e => {
    const r = e.getBoundingClientRect(), s = getComputedStyle(e);
    const line = parseFloat(s.lineHeight) || parseFloat(s.fontSize) * 1.5;
    return [e.textContent.trim(), Math.round(r.height / line)];
  })"""


@pytest.mark.parametrize("username", ["unit-clerk", "bureau-admin"])
def test_no_header_item_wraps_inside_at_1024_px(new_page: Any, username: str) -> None:
    """At 1024 px the header broke 信息公开 into 信息公/开 and 退出 into 退/出."""
    page = new_page()
    page.set_viewport_size({"width": 1024, "height": 800})
    log_in(page, username)
    items = page.evaluate(ITEMS)
    assert any(text == "退出" for text, _ in items)
    assert [(text, lines) for text, lines in items if lines > 1] == []
