"""The finance bureau's and the department's pages in Chromium (``jixiao serve --demo``):
what only a laid-out page shows."""

from __future__ import annotations

from typing import Any

import pytest
from browser import log_in

pytestmark = pytest.mark.browser

#: Each control of a three-column form row, and the grid cell that holds it.
CELLS = """() => [...document.querySelectorAll('.fields3 > div')].map(cell => {
  const control = cell.querySelector('select, input');
  const c = cell.getBoundingClientRect(), r = control.getBoundingClientRect();
  return {id: control.id, cellLeft: c.left, cellRight: c.right, left: r.left, right: r.right,
          height: r.height};
})"""


def test_the_assign_form_keeps_each_field_in_its_column(new_page: Any) -> None:
    """分派: the long 责任单位 name overran 责任人 (the select kept its text's width), and the
    整改期限 date box was a bare, shorter browser default beside them."""
    page = new_page()
    log_in(page, "dept-admin")
    page.goto("/results/")
    page.locator("table.list a[href*='/results/item/']").first.click()
    page.wait_for_selector("form.decision .fields3")
    cells = page.evaluate(CELLS)
    assert [c["id"] for c in cells] == ["unit", "responsible", "deadline"]
    for cell in cells:
        assert cell["left"] >= cell["cellLeft"] - 0.5, cell
        assert cell["right"] <= cell["cellRight"] + 0.5, cell
    heights = {round(c["height"]) for c in cells}
    assert max(heights) - min(heights) <= 4, [(c["id"], c["height"]) for c in cells]


def test_the_token_purpose_box_shows_its_whole_example(new_page: Any) -> None:
    """API 令牌: the purpose box cut its example to “用途，如：一体化平台对:”."""
    page = new_page()
    log_in(page, "dept-admin")
    page.goto("/account/api-tokens/")
    box = page.locator("input[name=name]")
    fits = box.evaluate(
        """input => {
      const style = getComputedStyle(input);
      const context = document.createElement('canvas').getContext('2d');
      context.font = `${style.fontSize} ${style.fontFamily}`;
      const room = input.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
      return [context.measureText(input.placeholder).width, room];
    }"""
    )
    assert fits[0] <= fits[1], fits


def test_the_region_chart_labels_the_scores_as_the_table_prints_them(new_page: Any) -> None:
    """部门对比: the bar of 合成示范厅 read “90.2” above a table that says 90.20."""
    page = new_page()
    log_in(page, "bureau-admin")
    page.goto("/region/")
    page.wait_for_selector("[data-chart=region-score] svg text")
    labels = page.eval_on_selector_all(
        "[data-chart=region-score] svg text", "texts => texts.map(t => t.textContent)"
    )
    table = page.locator("#region-table tbody tr td:nth-child(3)").all_inner_texts()
    scores = [t.strip() for t in table if t.strip()[:1].isdigit()]
    assert scores and all(s in labels for s in scores), (scores, labels)
