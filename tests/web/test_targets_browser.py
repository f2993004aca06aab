"""绩效目标管理 in a real browser against ``jixiao serve --demo`` (Debian's Chromium).

The clerk sets a project's targets (one indicator picked from the 核心指标库 and flagged 偏低
as it is typed), submits; the department returns it with an 审核意见; the clerk fixes the
value and resubmits; the department sees exactly what changed and approves; 财政 批复.
The server is the real one (waitress and its task worker) on a private data folder, so
the browser goes through the same pages a person does.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from browser import ARGS, CHROMIUM, chromium_problem, log_in, screenshot, served

__all__ = ["served"]  # the fixture used by the test below

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CODE = "2024-KP-009"
NAME = "科普基地建设（浏览器测试）"


def _as(new_page: Callable[[], Any], username: str) -> Any:
    page = new_page()
    log_in(page, username)
    return page


def _in_own_thread(base: str, scenario: Callable[[Callable[[], Any]], None]) -> None:
    """Run ``scenario(new_page)`` with a Playwright of its own, in a thread of its own.

    Playwright's sync API refuses to start where an event loop runs, and another browser
    module of this session may keep its Playwright (and loop) open in the test thread.
    """
    failure: list[BaseException] = []

    def run() -> None:
        from playwright.sync_api import sync_playwright

        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
                try:

                    def new_page() -> Any:
                        context = browser.new_context(
                            locale="zh-CN",
                            timezone_id="Asia/Shanghai",
                            viewport={"width": 1280, "height": 860},
                            base_url=base,
                        )
                        return context.new_page()

                    scenario(new_page)
                finally:
                    browser.close()
        except BaseException as error:  # handed to the test thread
            failure.append(error)

    thread = threading.Thread(target=run, name="targets-browser")
    thread.start()
    thread.join()
    if failure:
        raise failure[0]


def _open_form(page: Any, tab: str = "all") -> None:
    page.goto(f"/targets/?tab={tab}")
    page.click(f"text={NAME}")
    page.wait_for_selector("h1")


def _decide(page: Any, label: str, opinion: str = "") -> None:
    if opinion:
        page.fill("#opinion", opinion)
    page.click(f"section.decide button:text-is('{label}')")
    page.wait_for_selector(".messages")


def test_targets_set_returned_fixed_and_approved(served: str) -> None:
    problem = chromium_problem()
    if problem:
        pytest.skip(problem)
    _in_own_thread(served, _story)


def _story(new_page: Callable[[], Any]) -> None:
    # the clerk opens a project and fills it
    clerk = _as(new_page, "unit-clerk")
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
    # pick 服务对象满意度 from the library, type a value below its 90 %: flagged at once
    clerk.fill("#library-q", "满意度")
    clerk.locator("#library-results button:text-is('选用')").first.click()
    clerk.wait_for_selector("input[name='i-1-name'][value='服务对象满意度']")
    clerk.fill("input[name=i-1-target]", "85")
    clerk.press("input[name=i-1-target]", "Tab")
    clerk.wait_for_selector("#flags-1 .flag:text-is('偏低')")
    assert "指标库预期值 90%" in clerk.inner_text("#flags-1")
    clerk.click("button[name=save]")
    clerk.wait_for_selector("text=已保存。")
    clerk.click("text=预览与送审")
    _decide(clerk, "送审")
    assert "已送审" in clerk.inner_text("p.meta")

    # the department returns it with an opinion
    dept = _as(new_page, "dept-admin")
    _open_form(dept, "pending")
    assert "偏低" in dept.inner_text("table.indicators")
    _decide(dept, "退回", "服务对象满意度目标低于指标库预期值 90%，请调整后重新送审。")
    assert "已退回" in dept.inner_text("p.meta")

    # the clerk sees it in the inbox, fixes the value and resubmits
    clerk.goto("/inbox/?show=returned")
    assert "服务对象满意度目标低于指标库预期值" in clerk.inner_text("main")
    _open_form(clerk)
    clerk.click("text=填写 / 修改")
    assert "请调整后重新送审" in clerk.inner_text("main")
    clerk.fill("input[name=i-1-target]", "92")
    clerk.click("button[name=save]")
    clerk.wait_for_selector("text=已保存。")
    assert "无标记" in clerk.inner_text("#flags-1")
    clerk.click("text=预览与送审")
    _decide(clerk, "送审")

    # the department sees exactly what changed, approves; 财政 approves (批复)
    _open_form(dept, "pending")
    diff = dept.inner_text("table.diff")
    assert "服务对象满意度·指标值" in diff and "85" in diff and "92" in diff
    screenshot(dept, "targets")
    _decide(dept, "部门审核通过")
    bureau = _as(new_page, "bureau-reviewer")
    _open_form(bureau, "pending")
    _decide(bureau, "财政审核通过（批复）", "同意。")
    assert "财政审核通过（已批复）" in bureau.inner_text("p.meta")
    clerk.goto("/inbox/?show=done")
    assert f"已批复：{CODE}" in clerk.inner_text("main")
