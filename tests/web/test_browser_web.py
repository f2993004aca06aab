"""Every persona in a real browser against ``jixiao serve --demo`` (Debian's Chromium).

Per persona, as far as its role goes (the table below): log in; upload a workbook with an
error and see the cell's message (or be refused the upload page); fix a cell online — a
wrong value typed, the engine's message beside the field, the right value saved; evaluate;
generate the report through the background worker, watch the progress, download it under
its Chinese name; and be refused another unit's (or department's) page.
"""

from __future__ import annotations

import io
import os
import re
from typing import Any
from urllib.parse import unquote, urlparse

import pytest
from browser import log_in, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SCIENCE = "广东省科学技术厅"

#: persona: upload (ok | 403) · fix: table/column/bad value (- none) · evaluate · report · refused page
PERSONAS = """
persona          upload fix                        evaluate report refused
dept-admin       ok     income/budget/十万          yes      yes    synthetic
bureau-admin     403    -                          yes      yes    upload
bureau-reviewer  403    -                          no       no     upload
division         403    -                          no       no     upload
unit-clerk       403    units/name/(blank)         no       no     other-unit
unit-clerk-2     403    units/name/(blank)         no       no     other-unit
evaluator        403    -                          yes      yes    synthetic
"""


def _rows() -> list[tuple[str, ...]]:
    return [tuple(line.split()) for line in PERSONAS.strip().splitlines()[1:]]


def _science_url(page: Any) -> str:
    page.goto("/")
    page.get_by_role("link", name=SCIENCE).first.click()
    page.wait_for_url(re.compile(r"/datasets/\d+/$"))
    return urlparse(page.url).path  # "/datasets/N/"


def _workbook_with_an_error(page: Any, dataset: str) -> bytes:
    """The dataset's own workbook (downloaded as a person would) with 收入!C2 made wrong."""
    import openpyxl

    with page.expect_download() as download:
        page.goto(f"{dataset}")
        page.get_by_role("link", name="下载 Excel 工作簿").click()
    assert download.value.suggested_filename.endswith(".xlsx")
    book = openpyxl.load_workbook(io.BytesIO(download.value.path().read_bytes()))
    book["收入"]["C2"] = "十万"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _upload(page: Any, dataset: str, expected: str, workbook: bytes | None) -> None:
    response = page.goto(f"{dataset}upload/")
    if expected == "403":
        assert response.status == 403
        assert "您的角色不能上传工作簿" in page.content()
        return
    assert workbook is not None
    page.set_input_files(
        "input[name=workbook]",
        {"name": "科技厅2023.xlsx", "mimeType": "application/octet-stream", "buffer": workbook},
    )
    page.get_by_role("button", name="上传并检查").click()
    page.wait_for_selector("table.errors-table")
    assert "未导入任何数据" in page.content()
    assert page.locator("table.errors-table td.place", has_text="收入!C2").count() == 1
    screenshot(page, "upload-errors")


def _fix(page: Any, dataset: str, fix: str) -> None:
    if fix == "-":
        return
    table, column, bad = fix.split("/")
    bad = "" if bad == "(blank)" else bad
    page.goto(f"{dataset}tables/{table}/")
    page.get_by_role("link", name="修改").first.click()
    page.wait_for_selector("#row-form")
    field = page.locator(f"#f-{column}")
    good = field.input_value()
    field.fill(bad)
    page.get_by_role("button", name="保存").click()
    message = page.locator(".field.invalid .error").first
    message.wait_for()
    assert message.inner_text().strip()  # the engine's message, beside the field
    if table == "income":
        screenshot(page, "row-error")
    page.locator(f"#f-{column}").fill(good)
    page.get_by_role("button", name="保存").click()
    page.wait_for_url(re.compile(rf"/tables/{table}/#row-\d+$"))


def _evaluate(page: Any, dataset: str, allowed: str) -> None:
    page.goto(dataset)
    button = page.get_by_role("button", name="重新评价")
    if allowed == "no":
        assert button.count() == 0
        return
    screenshot(page, "dataset", page.persona)
    button.click()
    page.wait_for_url(re.compile(r"/evaluation/$"))
    assert "评价完成" in page.content()
    assert page.locator("#finding-list tbody tr").count() > 0
    page.locator("[data-chart=score][data-drawn]").wait_for()
    screenshot(page, "evaluation", page.persona)


def _report(page: Any, dataset: str, allowed: str) -> None:
    page.goto(f"{dataset}reports/")
    if allowed == "no":
        assert page.locator("#report-form").count() == 0
        return
    # the HTML report and the Excel review file: quick to render, still the real worker
    for box in page.locator("#report-form input[type=checkbox]").all():
        if box.get_attribute("value") not in ("html",) or box.get_attribute("name") != "formats":
            box.uncheck()
    page.locator("#report-form input[name=review_formats][value=xlsx]").check()
    page.get_by_role("button", name="生成报告").click()
    page.wait_for_url(re.compile(r"/reports/\d+/$"))
    # htmx polls the progress until the worker has finished
    link = page.get_by_role("link", name=re.compile(r"自评报告\.html$"))
    link.wait_for(timeout=180_000)
    screenshot(page, "report-job", page.persona)
    with page.expect_download() as download:
        link.click()
    name = unquote(download.value.suggested_filename)
    assert name == f"{SCIENCE}2023年度部门整体支出绩效自评报告.html"
    text = download.value.path().read_text(encoding="utf-8")
    assert SCIENCE in text


def _refused(page: Any, dataset: str, which: str, persona: str) -> None:
    if which == "upload":
        assert page.goto(f"{dataset}upload/").status == 403
        return
    if which == "synthetic":
        page.goto("/")
        assert "合成示范厅" not in page.content()
        number = int(dataset.strip("/").split("/")[-1])
        for other in (number - 1, number + 1):  # the other demo department's dataset
            response = page.goto(f"/datasets/{other}/")
            assert response.status == 404
            assert "您要找的页面不存在，或您无权查看" in page.content()
        return
    # another unit's page: the clerk's own unit link, the other clerk's unit code
    page.goto(dataset)
    own = page.locator("main > p a[href*='/units/']").first.inner_text()
    other = {"163001": "163002", "163002": "163001"}[own]
    response = page.goto(f"{dataset}units/{other}/")
    assert response.status == 404, persona


@pytest.mark.parametrize(("persona", "upload", "fix", "evaluate", "report", "refused"), _rows())
def test_persona_in_the_browser(
    new_page: Any,
    persona: str,
    upload: str,
    fix: str,
    evaluate: str,
    report: str,
    refused: str,
) -> None:
    page = new_page()
    page.persona = persona  # whose screenshots these would be
    log_in(page, persona)
    assert page.locator("header .user").count() == 1
    if persona == "dept-admin":
        screenshot(page, "home")
    dataset = _science_url(page)
    workbook = _workbook_with_an_error(page, dataset) if upload == "ok" else None
    _upload(page, dataset, upload, workbook)
    _fix(page, dataset, fix)
    _evaluate(page, dataset, evaluate)
    _report(page, dataset, report)
    _refused(page, dataset, refused, persona)


def test_report_audit_page_marks_the_numbers(new_page: Any) -> None:
    from pathlib import Path

    page = new_page()
    log_in(page, "dept-admin")
    dataset = _science_url(page)
    page.goto(f"{dataset}report-audit/")
    seed = Path(__file__).resolve().parents[1] / "audit" / "seed-gdstc-2023.txt"
    page.set_input_files("#report", str(seed))
    page.get_by_role("button", name="审核").click()
    page.wait_for_selector("#audit-findings li")
    assert page.locator("mark.sev-error").count() > 0
    page.locator("#audit-findings li a").nth(3).click()
    screenshot(page, "report-audit")


def test_login_page(new_page: Any) -> None:
    page = new_page()
    page.goto("/accounts/login/")
    assert page.get_by_role("button", name="登录").count() == 1
    screenshot(page, "login")


def test_statements_page_offers_figures_by_label(new_page: Any) -> None:
    """声明数 on its own page: a figure typed by its label from the datalist, saved by id."""
    page = new_page()
    log_in(page, "dept-admin")
    dataset = _science_url(page)
    page.goto(f"{dataset}statements/")
    assert page.locator("#figure-labels option[value='编制数']").count() == 1
    page.fill("#stated-figure", "编制数")
    page.fill("#stated-value", "620")
    page.fill("#stated-source", "一、（一）")
    page.get_by_role("button", name="添加").click()
    page.wait_for_selector("code:text('headcount.authorised')")
    assert page.locator("td", has_text="编制数").count() >= 1
    screenshot(page, "statements")
    if os.environ.get("JX_STATEMENTS_SHOT"):
        page.screenshot(path=os.environ["JX_STATEMENTS_SHOT"], full_page=True)
