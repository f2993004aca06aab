"""The 一级指标得分 chart in Chromium: its labels print the scores as the tables beside it do."""

from __future__ import annotations

from typing import Any

import pytest
from browser import log_in

pytestmark = pytest.mark.browser

LABELS = "texts => texts.map(t => t.textContent.trim())"


def _chart_labels(page: Any) -> list[str]:
    page.wait_for_selector("[data-chart=score] svg text")
    labels: list[str] = page.eval_on_selector_all("[data-chart=score] svg text", LABELS)
    return labels


def test_the_public_chart_prints_each_score_with_the_tables_two_decimals(new_page: Any) -> None:
    """信息公开: the bars of 50.00 and 34.30 read “50” and “34.3”."""
    page = new_page()
    page.goto("/public/")
    page.locator("a[href^='/public/'][href$='/']").filter(has_text="科学技术厅").first.click()
    labels = _chart_labels(page)
    data = page.evaluate("() => JSON.parse(document.getElementById('score-data').textContent)")
    scores = [d["score"] for d in data]
    assert scores and all(s in labels for s in scores), (scores, labels)
    assert any(s.endswith("0") and "." in s for s in scores)  # a case the numbers would drop
    table = page.locator("#public-scorecard").inner_text()
    assert all(s in table for s in scores)  # the chart's figures are the table's


def test_the_evaluation_chart_prints_each_score_as_its_table(new_page: Any) -> None:
    page = new_page()
    log_in(page, "dept-admin")
    page.goto("/")
    page.locator("table a", has_text="广东省科学技术厅").first.click()
    page.wait_for_url("**/datasets/*/")
    page.goto(page.url + "evaluation/")
    labels = _chart_labels(page)
    data = page.evaluate("() => JSON.parse(document.getElementById('score-data').textContent)")
    assert data and all(d["score"] in labels for d in data), (data, labels)
