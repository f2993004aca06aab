"""绩效评价 in a real browser: a self-evaluation with evidence, a department review, an
抽查复核 with a deviation (Debian's Chromium through Playwright, against a live server).

The live server shares the test's in-memory SQLite connection (as Django's own
LiveServerTestCase does for an in-memory database), so it sees the demo loaded for the
session and the test's transaction; on another database the test is skipped (the
PostgreSQL pass runs ``-m "not browser"``). Screenshots: ``docs/web/assessment.png`` (the
scorecard as filled) and ``docs/web/assessment-sample.png`` (抽查复核).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.browser

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
DOCS = Path(__file__).resolve().parents[2] / "docs" / "web"
#: a small real PDF (what a scanned 佐证材料 starts with, and a page)
PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


@pytest.fixture
def server(db: Any) -> Iterator[str]:
    from django.contrib.staticfiles.handlers import StaticFilesHandler
    from django.db import connections
    from django.test.testcases import LiveServerThread

    connection = connections["default"]
    if connection.vendor != "sqlite" or not connection.is_in_memory_db():
        pytest.skip("environment-dependent: the browser test shares an in-memory SQLite")
    if not Path(CHROMIUM).exists():
        pytest.skip("environment-dependent: needs /usr/bin/chromium")
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    connection.inc_thread_sharing()
    thread = LiveServerThread(
        "127.0.0.1", StaticFilesHandler, connections_override={"default": connection}, port=0
    )
    thread.daemon = True
    thread.start()
    thread.is_ready.wait()
    if thread.error:
        raise thread.error
    try:
        yield f"http://127.0.0.1:{thread.port}"
    finally:
        thread.terminate()
        connection.dec_thread_sharing()


def _keep(page: Any, name: str, *, full_page: bool = False) -> None:
    """Keep a screenshot for docs/web (only with ``JX_SCREENSHOTS=1``, so a test run leaves
    the checkout clean)."""
    if os.environ.get("JX_SCREENSHOTS") == "1":
        DOCS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(DOCS / name), full_page=full_page)


def _page_as(browser: Any, server: str, username: str) -> Any:
    context = browser.new_context(viewport={"width": 1400, "height": 900}, locale="zh-CN")
    page = context.new_page()
    page.goto(f"{server}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "demo")
    page.click("button[type=submit]")
    page.wait_for_url(f"{server}/")
    return page


def test_a_self_evaluation_with_evidence_a_review_and_a_sample_with_a_deviation(
    server: str, chromium: Any, tmp_path: Path
) -> None:
    from jixiao_web.assessment.models import ScoreSheet

    sheet = ScoreSheet.objects.get(task__title="2023年度部门整体支出绩效自评")
    url = f"{server}/assessment/sheets/{sheet.pk}/"

    # the unit's clerk types a 完成值: the engine's points appear beside it
    clerk = _page_as(chromium, server, "unit-clerk")
    clerk.goto(f"{server}/assessment/")
    clerk.click(f"a[href='/assessment/sheets/{sheet.pk}/']")
    row = clerk.locator("#item-1-1-7")
    row.locator("input[name=actual]").fill("50")
    row.locator("input[name=actual]").press("Tab")
    clerk.wait_for_function(
        "document.querySelector('#calc-1-1-7 strong').textContent.trim() === '1.16'"
    )
    row.locator("input[name=score]").fill("2.08")
    row.locator("input[name=score]").press("Tab")
    clerk.locator("#calc-1-1-7").get_by_text("自评得分与系统计分相差 0.92 分").wait_for()
    row.locator("textarea[name=reason]").fill("受资本市场环境影响，部分企业上市进程推迟。")
    row.locator("textarea[name=reason]").press("Tab")
    clerk.locator("#msg-1-1-7").get_by_text("已保存").wait_for()
    # evidence for that item, downloaded under its Chinese name
    evidence = tmp_path / "上市企业名单.pdf"
    evidence.write_bytes(PDF)
    row.locator("input[type=file]").set_input_files(str(evidence))
    row.get_by_role("button", name="上传").click()
    clerk.get_by_text("已上传第 1.1.7 项的佐证材料“上市企业名单.pdf”").wait_for()
    with clerk.expect_download() as download:
        clerk.locator("#item-1-1-7").get_by_role("link", name="上市企业名单.pdf").click()
    assert download.value.suggested_filename == "上市企业名单.pdf"
    assert Path(download.value.path()).read_bytes() == PDF
    clerk.fill("#conclusion", "2023年度部门整体支出绩效自评结果为良好。")
    clerk.get_by_role("button", name="保存", exact=True).click()
    clerk.locator("#item-1-1-7").scroll_into_view_if_needed()
    clerk.locator("#item-1-1-7").evaluate("e => e.scrollIntoView({block: 'center'})")
    _keep(clerk, "assessment.png")
    clerk.get_by_role("button", name="提交").click()
    clerk.get_by_text("已提交", exact=True).first.wait_for()

    # the department reviews it
    dept = _page_as(chromium, server, "dept-admin")
    dept.goto(url)
    dept.fill("#opinion-dept_approve", "数据与佐证材料一致，同意。")
    dept.get_by_role("button", name="部门审核通过").click()
    dept.get_by_text("已部门审核通过").wait_for()

    # 财政 draws the sample (stated rule, recorded seed) and re-scores an item lower
    bureau = _page_as(chromium, server, "bureau-admin")
    bureau.goto(f"{server}/assessment/tasks/{sheet.task_id}/sample/")
    bureau.fill("#percent", "100")
    bureau.fill("#seed", "20240315")
    bureau.get_by_role("button", name="抽取复核样本").click()
    bureau.get_by_text("随机种子 20240315").first.wait_for()
    # a manual item: 财政's 复核评分 of 0 is scored by the framework's manual rule → 0
    manual = "tr[id^=review-]:has(input[name=review_entered])"
    first = bureau.locator(manual).first
    row_id = first.get_attribute("id")
    own = first.locator("td").nth(6).inner_text().strip()
    first.locator("input[name=review_entered]").fill("0")
    first.locator("input[name=note]").fill("佐证材料不足以支持该得分。")
    first.get_by_role("button", name="保存").click()
    bureau.locator(f"#{row_id} td.dev-neg").wait_for()
    assert bureau.locator(f"#{row_id} td.dev-neg").inner_text() == f"-{own}"
    _keep(bureau, "assessment-sample.png", full_page=True)


#: Per column of a leaf row at 1280 px: text lines of the 上传 button, whether the 完成值's
#: unit stands on its input's line, the 指标 and 评分标准 cells' widths, and the table's
#: overflow (its scroll width past its box).
LAYOUT = """(row) => {
  const lines = (node) => { const r = document.createRange(); r.selectNodeContents(node);
    return new Set([...r.getClientRects()].map(c => Math.round(c.top))).size; };
  const input = row.querySelector('td.actual input').getBoundingClientRect();
  const unit = document.createRange();
  unit.selectNodeContents(row.querySelector('td.actual'));
  const rects = [...unit.getClientRects()];
  const last = rects[rects.length - 1];
  const box = row.closest('.scroll');
  return {
    button: lines(row.querySelector('form.upload button')),
    unit_on_line: last.top < input.bottom && last.bottom > input.top,
    name: row.querySelector('td.name').getBoundingClientRect().width,
    standard: row.querySelector('td.std').getBoundingClientRect().width,
    overflow: box.scrollWidth - box.clientWidth,
  };
}"""


def test_a_scorecard_row_is_readable_on_a_laptop(server: str, chromium: Any) -> None:
    """Found in the browser at 1280 px: 上传 broke into 上/传, the 完成值's unit (项) fell under
    its input, and 指标 and 评分标准 ran one or two characters a line."""
    from jixiao_web.assessment.models import ScoreSheet

    sheet = ScoreSheet.objects.get(task__title="2023年度部门整体支出绩效自评")
    clerk = _page_as(chromium, server, "unit-clerk")
    clerk.set_viewport_size({"width": 1280, "height": 860})
    clerk.goto(f"{server}/assessment/sheets/{sheet.pk}/")
    found = clerk.locator("#item-1-1-4").evaluate(LAYOUT)
    assert found["button"] == 1 and found["unit_on_line"], found
    assert found["name"] >= 7 * 16 and found["standard"] >= 8 * 16, found
    assert found["overflow"] <= 0, found  # the 佐证材料 column stays in view
