"""Batch audit in a real browser against ``jixiao serve --demo`` (Debian's Chromium): a
department uploads three real reports at once, watches the background worker's progress, reads the
summary table and downloads it as Excel. As the 科技厅's 财务处: the reports are its own
department's, so the table and the workbook name it.
"""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import pytest
from browser import log_in, screenshot
from openpyxl import load_workbook

pytestmark = pytest.mark.browser

REAL = Path(__file__).resolve().parents[1] / "data" / "real"
REPORTS = (
    "kunming-sci-sangong-2018.txt",  # its answer key lists an error
    "lincang-unit-budget-2018.txt",  # three errors
    "fengxin-sangong-2023.txt",  # clean
)


def test_upload_three_reports_watch_progress_and_download_the_summary(new_page: Any) -> None:
    page = new_page()
    log_in(page, "dept-admin")
    page.goto("/region/")
    page.get_by_role("link", name="批量审核报告").click()
    page.wait_for_selector("#batch-upload")
    page.set_input_files("#reports", [str(REAL / name) for name in REPORTS])
    page.locator("#batch-upload").get_by_role("button", name="开始审核").click()
    page.wait_for_url(re.compile(r".*/audit/batches/\d+/$"))
    # Progress: the worker has not finished yet (already done is allowed on a fast machine).
    first = page.locator(".job").inner_text()
    assert re.search(r"已审核 [0-3] / 3 份", first) or "已完成" in first, first
    page.wait_for_selector("#batch-table", timeout=120_000)
    assert "已完成" in page.locator(".job .badge").first.inner_text()
    rows = page.locator("#batch-table tbody tr")
    assert rows.count() == 3
    texts = [rows.nth(i).inner_text() for i in range(3)]
    assert texts[0].startswith(REPORTS[0]) and "广东省科学技术厅" in texts[0]
    assert "有错误" in texts[0]
    assert "有错误" in texts[1] and "错误 第" in texts[1]
    assert "未发现问题" in texts[2] or "需人工核对" in texts[2]
    screenshot(page, "batch-audit")
    # the full findings of one report
    rows.nth(1).get_by_role("link", name=re.compile("全部问题")).click()
    page.wait_for_selector("#item-findings")
    assert "lincang-unit-budget-2018.txt" in page.locator("h1").inner_text()
    page.go_back()
    page.wait_for_selector("#batch-table")
    with page.expect_download() as download:
        page.get_by_role("link", name="导出 Excel").click()
    assert download.value.suggested_filename.endswith(".xlsx")
    book = load_workbook(io.BytesIO(Path(download.value.path()).read_bytes()))
    summary = [[c.value for c in row] for row in book["汇总"].iter_rows()]
    assert summary[0][:3] == ["报告", "部门", "状态"]
    assert [r[0] for r in summary[1:]] == list(REPORTS)
    assert summary[1][1:3] == ["广东省科学技术厅", "有错误"]
    assert book["问题"].max_row > 1
