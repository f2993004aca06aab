"""One budget year, end to end, in a real browser against ``jixiao serve --demo``.

Debian's Chromium (through Playwright) drives the real server (waitress and its task
worker, SQLite on a private data folder) with the demo personas, through the same pages a
person uses, in the order of the year (issue 12, item 7):

1. 绩效目标管理 — the unit's clerk sets a project's targets (one indicator from the 核心指标库,
   flagged 偏低 as it is typed) and submits; the 主管处室 returns it with an 审核意见; the
   clerk fixes it and resubmits; the 处室 sees what changed and approves; the 部门财务处
   approves; 财政 approves (批复); the clerk's inbox says 已批复.
2. 运行监控 — the demo's 1—6月 round (issued by 财政 when the demo loads): the 通报 chart,
   the 约谈 list and the late unit; the department sends the 约谈通知, a called-in unit
   confirms it; the late unit fills its June figure with a 偏差原因 and reports.
3. 绩效评价 — the unit fills an item of the 自评表 (the engine's points appear as it types),
   uploads evidence and submits; the department approves; 财政 approves; 财政 draws the
   抽查复核 sample by a stated rule and re-scores an item: 自评 vs 复核 with the deviation.
4. 结果应用 — the 整改 items the engine found in the evaluation (deductions, an unmet
   target): the department assigns one to a unit with a deadline; the unit's clerk starts
   it, uploads evidence, submits it; the department accepts it (已整改).

The demo holds one year of data after the fact (广东省科学技术厅 2023: budget, execution,
self-evaluation), so stages 2–4 work on 2023 while the targets are set for the year being
prepared (2024), as the system's own 预算年度 rule says. It is one test because the steps
share the server's state in order; each step is a small function that asserts what its
user sees. Screenshots for docs/web.md only with ``JX_SCREENSHOTS=1``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from browser import log_in, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.slow]

NewPage = Callable[[], Any]

CODE = "2024-KP-009"
NAME = "科普基地建设（全年流程测试）"
#: a small real PDF (what a scanned 佐证材料 starts with, and a page)
PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)
RECTIFY = "2.5 采购管理：扣 2.5 分（分值 10，得分 7.5）"


def test_one_budget_year_from_targets_to_rectification(new_page: NewPage, tmp_path: Path) -> None:
    people = _People(new_page)
    _targets_are_set_reviewed_at_three_levels_and_approved(people)
    _a_monitoring_round_with_a_late_unit_and_an_interview(people)
    _a_self_evaluation_with_evidence_reviews_and_a_sampled_deviation(people, tmp_path)
    _a_rectification_assigned_and_closed_with_evidence(people)


class _People:
    """One logged-in browser page per persona, opened when first needed."""

    def __init__(self, new_page: NewPage) -> None:
        self._new_page = new_page
        self._pages: dict[str, Any] = {}

    def __getitem__(self, username: str) -> Any:
        if username not in self._pages:
            page = self._new_page()
            log_in(page, username)
            self._pages[username] = page
        return self._pages[username]


# --------------------------------------------------------------------------- 1. 绩效目标


def _targets_are_set_reviewed_at_three_levels_and_approved(people: _People) -> None:
    _clerk_fills_a_project_and_sees_a_flag(people["unit-clerk"])
    _submit(people["unit-clerk"])
    _division_returns_it(people["division"])
    _clerk_reads_the_opinion_fixes_and_resubmits(people["unit-clerk"])
    _division_sees_the_change_and_approves(people["division"])
    _department_approves(people["dept-admin"])
    _bureau_approves(people["bureau-reviewer"])
    _clerk_is_told_it_is_approved(people["unit-clerk"])


def _clerk_fills_a_project_and_sees_a_flag(clerk: Any) -> None:
    clerk.goto("/targets/new/")
    clerk.fill("#f-code", CODE)
    clerk.fill("#f-name", NAME)
    clerk.select_option("#f-division", label="基础研究处")
    clerk.click("text=创建并填写")
    clerk.wait_for_selector("text=项目支出绩效目标申报表")
    clerk.select_option("select[name=h-attribute]", "新增项目")
    clerk.select_option("select[name=h-category]", "一次性项目")
    clerk.fill("input[name=h-start_year]", "2024")
    clerk.fill("input[name=h-end_year]", "2024")
    clerk.select_option("select[name=h-fund_source]", "财政拨款")
    clerk.fill("input[name=h-budget]", "600")
    clerk.fill("textarea[name=h-goal]", "建成科普基地 3 个，开展科普活动 120 场。")
    clerk.select_option("select[name=i-0-level1]", "产出指标")
    clerk.fill("input[name=i-0-level2]", "数量指标")
    clerk.fill("input[name=i-0-name]", "科普活动场次")
    clerk.select_option("select[name=i-0-sign]", "≥")
    clerk.fill("input[name=i-0-target]", "120")
    clerk.fill("input[name=i-0-unit]", "场")
    # 服务对象满意度 from the library, typed below its 90 %: flagged as it is typed
    clerk.fill("#library-q", "满意度")
    clerk.locator("#library-results button:text-is('选用')").first.click()
    clerk.wait_for_selector("input[name='i-1-name'][value='服务对象满意度']")
    clerk.fill("input[name=i-1-target]", "85")
    clerk.press("input[name=i-1-target]", "Tab")
    clerk.wait_for_selector("#flags-1 .flag:text-is('偏低')")
    assert "指标库预期值 90%" in clerk.inner_text("#flags-1")
    clerk.click("button[name=save]")
    clerk.wait_for_selector("text=已保存。")


def _submit(clerk: Any) -> None:
    clerk.click("text=预览与送审")
    _decide(clerk, "送审")
    assert "已送审" in clerk.inner_text("p.meta")


def _open_form(page: Any, tab: str = "all") -> None:
    page.goto(f"/targets/?tab={tab}")
    page.click(f"text={NAME}")
    page.wait_for_selector("h1")


def _decide(page: Any, label: str, opinion: str = "") -> None:
    if opinion:
        page.fill("#opinion", opinion)
    page.click(f"section.decide button:text-is('{label}')")
    page.wait_for_selector(".messages")


def _division_returns_it(division: Any) -> None:
    _open_form(division, "pending")
    assert "偏低" in division.inner_text("table.indicators")
    assert division.locator("section.decide button").all_inner_texts() == ["退回", "处室审核通过"]
    _decide(division, "退回", "服务对象满意度目标低于指标库预期值 90%，请调整后重新送审。")
    assert "已退回" in division.inner_text("p.meta")


def _clerk_reads_the_opinion_fixes_and_resubmits(clerk: Any) -> None:
    clerk.goto("/inbox/?show=returned")
    assert "服务对象满意度目标低于指标库预期值" in clerk.inner_text("main")
    _open_form(clerk)
    clerk.click("text=填写 / 修改")
    assert "请调整后重新送审" in clerk.inner_text("main")
    clerk.fill("input[name=i-1-target]", "92")
    clerk.click("button[name=save]")
    clerk.wait_for_selector("text=已保存。")
    assert "无标记" in clerk.inner_text("#flags-1")
    _submit(clerk)


def _division_sees_the_change_and_approves(division: Any) -> None:
    _open_form(division, "pending")
    diff = division.inner_text("table.diff")
    assert "服务对象满意度·指标值" in diff and "85" in diff and "92" in diff
    _decide(division, "处室审核通过", "指标已按指标库预期值调整，同意报部门审核。")
    assert "处室审核通过" in division.inner_text("p.meta")


def _department_approves(dept: Any) -> None:
    dept.goto("/inbox/")
    assert f"待部门审核：{CODE}" in dept.inner_text("main")
    _open_form(dept, "pending")
    events = dept.locator("tr", has_text="处室审核通过").last.inner_text()
    assert "同意报部门审核" in events
    assert "服务对象满意度·指标值" in dept.inner_text("table.diff")
    screenshot(dept, "targets")
    _decide(dept, "部门审核通过")
    assert "部门审核通过" in dept.inner_text("p.meta")


def _bureau_approves(bureau: Any) -> None:
    _open_form(bureau, "pending")
    _decide(bureau, "财政审核通过（批复）", "同意。")
    assert "财政审核通过（已批复）" in bureau.inner_text("p.meta")


def _clerk_is_told_it_is_approved(clerk: Any) -> None:
    clerk.goto("/inbox/?show=done")
    assert f"已批复：{CODE}" in clerk.inner_text("main")


# --------------------------------------------------------------------------- 2. 运行监控


def _a_monitoring_round_with_a_late_unit_and_an_interview(people: _People) -> None:
    url = _department_reads_the_report(people["dept-admin"])
    _department_sends_the_interview_notice(people["dept-admin"])
    _called_in_unit_confirms(people["unit-clerk-2"])
    _late_unit_fills_and_reports(people["unit-clerk"])
    _department_sees_the_report_and_the_confirmation(people["dept-admin"], url)


def _department_reads_the_report(dept: Any) -> str:
    dept.goto("/monitor/")
    dept.get_by_role("link", name="2023年1—6月 绩效运行监控").click()
    dept.wait_for_selector("#ranking")
    dept.wait_for_selector("[data-chart=monitor] svg")  # ECharts drew the 通报
    interviews = dept.locator("#interviews + table").inner_text()
    assert "163002" in interviews and "163061" in interviews and "163004" in interviews
    assert "163001" in dept.locator("#late + table").inner_text()  # 逾期未报
    assert dept.locator("#ranking tbody tr").first.inner_text().startswith("1\t163002")
    screenshot(dept, "monitor")
    return str(dept.url)


def _department_sends_the_interview_notice(dept: Any) -> None:
    dept.select_option("#kind", "约谈")  # the called-in units are ticked in advance
    dept.fill("#body", "请于 7 月 20 日到财务处说明执行滞后原因及纠偏措施。")
    dept.get_by_role("button", name="发送通知").click()
    dept.wait_for_selector(".messages li")
    assert "已向" in dept.locator(".messages").inner_text()


def _called_in_unit_confirms(called: Any) -> None:  # 163002
    called.goto("/inbox/?show=notices")
    called.locator("tr", has_text="约谈通知").get_by_role("button", name="确认收到").click()
    called.wait_for_url("**/inbox/?show=notices")
    assert "已确认" in called.locator("tr", has_text="约谈通知").inner_text()


def _late_unit_fills_and_reports(late: Any) -> None:  # 163001, past the deadline
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


def _department_sees_the_report_and_the_confirmation(dept: Any, url: str) -> None:
    dept.goto(url)
    assert "163001" not in dept.locator("#late ~ *").first.inner_text()
    notices = dept.locator("#notices ~ table").inner_text()
    assert "已确认" in notices and "未确认" in notices


# --------------------------------------------------------------------------- 3. 绩效评价


def _a_self_evaluation_with_evidence_reviews_and_a_sampled_deviation(
    people: _People, tmp_path: Path
) -> None:
    sheet = _unit_fills_an_item_with_evidence_and_submits(people["unit-clerk"], tmp_path)
    _department_reviews_the_sheet(people["dept-admin"], sheet)
    _bureau_reviews_the_sheet(people["bureau-reviewer"], sheet)
    _bureau_samples_and_rescores(people["bureau-admin"], sheet)


def _unit_fills_an_item_with_evidence_and_submits(clerk: Any, tmp_path: Path) -> str:
    clerk.goto("/assessment/")
    clerk.locator("a[href^='/assessment/sheets/']").first.click()
    clerk.wait_for_selector("#item-1-1-7")
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
    evidence = tmp_path / "上市企业名单.pdf"
    evidence.write_bytes(PDF)
    row.locator("input[type=file]").set_input_files(str(evidence))
    row.get_by_role("button", name="上传").click()
    clerk.get_by_text("已上传第 1.1.7 项的佐证材料“上市企业名单.pdf”").wait_for()
    with clerk.expect_download() as download:
        clerk.locator("#item-1-1-7").get_by_role("link", name="上市企业名单.pdf").click()
    assert Path(download.value.path()).read_bytes() == PDF
    clerk.fill("#conclusion", "2023年度部门整体支出绩效自评结果为良好。")
    clerk.get_by_role("button", name="保存", exact=True).click()
    clerk.get_by_role("button", name="提交").click()
    clerk.get_by_text("已提交", exact=True).first.wait_for()
    return str(clerk.url)


def _department_reviews_the_sheet(dept: Any, sheet: str) -> None:
    dept.goto(sheet)
    assert "上市企业名单.pdf" in dept.locator("#item-1-1-7").inner_text()
    dept.fill("#opinion-dept_approve", "数据与佐证材料一致，同意。")
    dept.get_by_role("button", name="部门审核通过").click()
    dept.get_by_text("已部门审核通过").wait_for()


def _bureau_reviews_the_sheet(bureau: Any, sheet: str) -> None:
    bureau.goto(sheet)
    bureau.fill("#opinion-bureau_approve", "同意部门审核意见。")
    bureau.get_by_role("button", name="财政审核通过").click()
    bureau.get_by_text("已财政审核通过").wait_for()


def _bureau_samples_and_rescores(bureau: Any, sheet: str) -> None:
    bureau.goto(sheet)
    bureau.locator("a[href^='/assessment/tasks/']").first.click()
    bureau.get_by_role("link", name="抽取复核样本").click()
    bureau.fill("#percent", "100")
    bureau.fill("#seed", "20240315")
    bureau.get_by_role("button", name="抽取复核样本").click()
    bureau.get_by_text("随机种子 20240315").first.wait_for()
    # a manual item: 财政's 复核评分 of 0 goes through the framework's manual rule → 0
    first = bureau.locator("tr[id^=review-]:has(input[name=review_entered])").first
    row_id = first.get_attribute("id")
    own = first.locator("td").nth(6).inner_text().strip()
    first.locator("input[name=review_entered]").fill("0")
    first.locator("input[name=note]").fill("佐证材料不足以支持该得分。")
    first.get_by_role("button", name="保存").click()
    deviation = bureau.locator(f"#{row_id} td.dev-neg")
    deviation.wait_for()
    assert deviation.inner_text() == f"-{own}"  # 复核 0 against the unit's own score


# --------------------------------------------------------------------------- 4. 结果应用


def _a_rectification_assigned_and_closed_with_evidence(people: _People) -> None:
    item = _department_assigns_an_item(people["dept-admin"])
    _unit_rectifies_with_evidence(people["unit-clerk-2"], item)
    _department_accepts(people["dept-admin"], item)


def _department_assigns_an_item(dept: Any) -> str:
    dept.goto("/results/")
    dept.get_by_role("link", name="广东省科学技术厅 2023年度").click()
    dept.wait_for_selector("#suggestions")
    items = dept.locator("#items").inner_text()
    assert "扣分项" in items and "未完成指标" in items  # found by the engine's evaluation
    dept.get_by_role("link", name=RECTIFY).click()
    dept.select_option("#unit", label="163002 广东省科技创新监测研究中心")
    dept.fill("#deadline", "2024-06-30")
    dept.get_by_role("button", name="分派").click()
    dept.wait_for_selector(".messages li")
    assert "广东省科技创新监测研究中心" in dept.locator("table.list").first.inner_text()
    return str(dept.url)


def _unit_rectifies_with_evidence(clerk: Any, item: str) -> None:
    clerk.goto("/inbox/")
    assert RECTIFY in clerk.inner_text("main")
    clerk.goto(item)
    clerk.get_by_role("button", name="开始整改").click()
    clerk.wait_for_selector(".messages li:has-text('已开始整改')")
    clerk.set_input_files(
        "input[name=file]",
        files=[{"name": "采购管理整改报告.pdf", "mimeType": "application/pdf", "buffer": PDF}],
    )
    clerk.fill("input[name=note]", "修订后的政府采购内部控制制度")
    clerk.get_by_role("button", name="上传").click()
    clerk.wait_for_selector("#evidence a:has-text('采购管理整改报告.pdf')")
    clerk.get_by_role("button", name="提交验收").click()
    clerk.wait_for_selector(".messages li:has-text('已提交验收')")


def _department_accepts(dept: Any, item: str) -> None:
    dept.goto(item)
    dept.fill("#opinion", "佐证材料齐全，整改到位")
    dept.get_by_role("button", name="验收通过").click()
    dept.wait_for_selector(".messages li:has-text('已验收通过')")
    assert "已整改" in dept.locator("p.meta").inner_text()
    dept.goto("/results/")
    dept.get_by_role("link", name="广东省科学技术厅 2023年度").click()
    dept.wait_for_selector("#items")
    closed = dept.locator("#items tr", has_text=RECTIFY)
    assert "已整改" in closed.inner_text()
    closed.evaluate("row => row.scrollIntoView({block: 'center'})")
    screenshot(dept, "results")
