"""The region dashboard in a real browser: the chart draws, export downloads, drill-down."""

from __future__ import annotations

import io
import os
import re
from typing import Any
from urllib.parse import unquote

import pytest
from browser import SCREENSHOTS, chromium, log_in, new_page, served

__all__ = ["chromium", "new_page", "served"]  # fixtures used by the tests below

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_bureau_compares_its_departments(new_page: Any) -> None:
    page = new_page()
    log_in(page, "bureau-admin")
    page.get_by_role("link", name="部门对比").click()
    page.wait_for_url("**/region/")
    assert page.locator("#region-table tbody tr").count() == 2
    page.locator("[data-chart=region-score] svg").wait_for()
    if os.environ.get("JX_SCREENSHOTS") == "1":  # the bureau's view is the one to document
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "region.png"), full_page=True)

    with page.expect_download() as download:
        page.get_by_role("link", name="导出 Excel").click()
    assert unquote(download.value.suggested_filename).startswith("部门评价对比_")
    import openpyxl

    sheet = openpyxl.load_workbook(io.BytesIO(download.value.path().read_bytes())).active
    assert sheet.max_row == 3 and sheet["A1"].value == "部门"

    page.get_by_role("link", name="逐年").first.click()
    assert "逐年对比" in page.locator("h1").inner_text()
    page.get_by_role("link", name="评价结果").first.click()
    page.wait_for_url(re.compile(r"/datasets/\d+/evaluation/$"))
