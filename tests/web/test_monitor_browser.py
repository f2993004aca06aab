"""运行监控 and 结果应用 in a real browser against ``jixiao serve --demo`` (Debian's Chromium).

One monitoring round with a late unit and a 约谈: the department sees the 通报 chart, the
约谈 list and the late unit, sends the 约谈通知, the called-in unit confirms it in its inbox,
the late unit fills its June figure and reports; one 整改 item is closed with evidence:
the unit starts it, uploads a PDF, submits it, the department accepts it.
"""

from __future__ import annotations

from typing import Any

import pytest
from browser import log_in, screenshot

pytestmark = pytest.mark.browser

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _round_url(page: Any) -> str:
    page.goto("/monitor/")
    page.get_by_role("link", name="2023年1—6月 绩效运行监控").click()
    page.wait_for_selector("#ranking")
    return str(page.url)


def test_a_monitoring_round_with_a_late_unit_and_an_interview(new_page: Any) -> None:
    admin = new_page()
    log_in(admin, "dept-admin")
    url = _round_url(admin)
    admin.wait_for_selector("[data-chart=monitor] svg")  # ECharts drew the 通报
    interviews = admin.locator("#interviews + table").inner_text()
    assert "163002" in interviews and "163061" in interviews and "163004" in interviews
    assert "163001" in admin.locator("#late + table").inner_text()
    assert admin.locator("#ranking tbody tr").first.inner_text().startswith("1\t163002")
    screenshot(admin, "monitor")
    # 约谈通知 to the called-in units (ticked in advance), with the late unit
    admin.select_option("#kind", "约谈")
    admin.fill("#body", "请于 7 月 20 日到财务处说明执行滞后原因及纠偏措施。")
    admin.get_by_role("button", name="发送通知").click()
    admin.wait_for_selector(".messages li")
    assert "已向" in admin.locator(".messages").inner_text()

    called = new_page()
    log_in(called, "unit-clerk-2")  # 163002
    called.goto("/inbox/?show=notices")
    row = called.locator("tr", has_text="约谈通知")
    row.get_by_role("button", name="确认收到").click()
    called.wait_for_url("**/inbox/?show=notices")
    assert "已确认" in called.locator("tr", has_text="约谈通知").inner_text()

    late = new_page()
    log_in(late, "unit-clerk")  # 163001, past the deadline
    late.goto("/inbox/")
    late.get_by_role("link", name="请填报").first.click()
    late.wait_for_selector("h1:has-text('监控填报')")
    late.fill("input[name$='-m6']", "2300")
    late.locator("select[name$='-deviation']").first.select_option("项目管理")
    late.locator("textarea[name$='-measures']").first.fill("加快合同签订和支付进度")
    late.get_by_role("button", name="保存").click()
    late.wait_for_selector(".messages li:has-text('已保存')")
    late.get_by_role("button", name="报送").click()
    late.wait_for_selector(".messages li:has-text('已报送')")
    assert "已报送" in late.locator("p.meta").inner_text()

    admin.goto(url)
    assert "163001" not in admin.locator("#late ~ *").first.inner_text()
    notices = admin.locator("#notices ~ table").inner_text()
    assert "已确认" in notices and "未确认" in notices


def test_a_rectification_closed_with_evidence(new_page: Any) -> None:
    clerk = new_page()
    log_in(clerk, "unit-clerk")
    clerk.goto("/results/")
    clerk.get_by_role("link", name="2.1 预算编制：扣 4 分（分值 5，得分 1）").click()
    clerk.get_by_role("button", name="开始整改").click()
    clerk.wait_for_selector(".messages li:has-text('已开始整改')")
    clerk.set_input_files(
        "input[name=file]",
        files=[{"name": "预算编制整改报告.pdf", "mimeType": "application/pdf", "buffer": PDF}],
    )
    clerk.fill("input[name=note]", "修订后的预算编制管理办法")
    clerk.get_by_role("button", name="上传").click()
    clerk.wait_for_selector("#evidence a:has-text('预算编制整改报告.pdf')")
    clerk.get_by_role("button", name="提交验收").click()
    clerk.wait_for_selector(".messages li:has-text('已提交验收')")

    admin = new_page()
    log_in(admin, "dept-admin")
    admin.goto(clerk.url)
    admin.fill("#opinion", "佐证材料齐全，整改到位")
    admin.get_by_role("button", name="验收通过").click()
    admin.wait_for_selector(".messages li:has-text('已验收通过')")
    assert "已整改" in admin.locator("p.meta").inner_text()
    admin.goto("/results/")
    admin.get_by_role("link", name="广东省科学技术厅 2023年度").click()
    admin.wait_for_selector("#suggestions")
    assert "参考" in admin.locator("#suggestions").inner_text()
    assert "已整改" in admin.locator("#items").inner_text()
    screenshot(admin, "results")
