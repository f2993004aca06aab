"""绩效目标 as a unit's clerk and a 业务处室 fill and review it: what they see after a mistake.

Each test is a page a clerk really met in the browser (``jixiao serve --demo``): the message
must name every field at once, and an opinion must be where the clerk lands.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.urls import reverse

from jixiao_web.targets.models import TargetForm

pytestmark = pytest.mark.django_db


def _errors(page: str) -> list[str]:
    """The places named in the page's error list, in order."""
    found = re.search(r'<ul class="errors"[^>]*>(.*?)</ul>', page, re.S)
    return re.findall(r'<span class="place">([^<]*)</span>', found.group(1)) if found else []


def test_an_empty_new_project_form_names_every_missing_field_at_once(login: Any) -> None:
    client = login("unit-clerk")
    response = client.post(
        reverse("targets:new"), {"year": "", "code": "", "name": "", "unit": "", "division": ""}
    )
    assert response.status_code == 422
    page = response.content.decode()
    # Before: only 主管处室 and 预算年度; 项目编码 and 项目名称 came on the second try.
    assert set(_errors(page)) == {"实施单位", "主管处室", "预算年度", "项目编码", "项目名称"}
    # The required 主管处室 is starred like the other required fields.
    assert re.search(r'<label for="f-division">主管处室<span class="req">\*</span>', page)


def test_a_returned_form_shows_the_return_opinion_where_the_inbox_leads(login: Any) -> None:
    from jixiao_web.targets.models import TargetForm

    form = TargetForm.objects.get(code="2024-JC-001")  # the demo's 草稿, 主管处室 基础研究处
    detail = reverse("targets:detail", args=[form.pk])
    clerk = login("unit-clerk")
    page = clerk.get(detail).content.decode()
    assert "送审说明（选填）" in page and "审核意见" not in page.split('id="decide"')[1][:400]
    assert (
        clerk.post(reverse("targets:decide", args=[form.pk]), {"action": "submit"}).status_code
        == 302
    )
    opinion = "满意度指标值偏低，请调整到90%以上"
    division = login("division")
    assert "审核意见（退回时必填）" in division.get(detail).content.decode()
    returned = division.post(
        reverse("targets:decide", args=[form.pk]), {"action": "division_return", "opinion": opinion}
    )
    # The 处室 (which may also fill its projects) stays on what it reviewed, not its 填写 page.
    assert returned.status_code == 302 and returned.url == detail
    page = login("unit-clerk").get(detail).content.decode()
    # Before: only in the 审核记录 table at the foot of the page, under the whole form.
    assert opinion in page.split("<h2>绩效指标</h2>")[0]
    assert "退回意见</strong>（基础研究处 经办人" in page


@pytest.mark.parametrize(
    ("persona", "tabs"),
    [
        ("unit-clerk", ["全部", "我填报的"]),  # before: also 待审核 and 已审核, always empty
        ("division", ["全部", "待审核", "已审核", "我填报的"]),
        ("dept-admin", ["全部", "待审核", "已审核", "我填报的"]),
        ("bureau-reviewer", ["全部", "待审核", "已审核"]),  # before: also 我填报的
    ],
)
def test_the_work_lists_are_those_of_the_role(login: Any, persona: str, tabs: list[str]) -> None:
    page = login(persona).get(reverse("targets:home")).content.decode()
    nav = re.search(r'<nav class="tabs"[^>]*>(.*?)</nav>', page, re.S)
    assert nav and re.findall(r">([^<>]+)</a>", nav.group(1)) == tabs


def test_preview_and_submit_saves_what_is_typed_first(login: Any) -> None:
    """“预览与送审” beside 保存 was a link: a clerk who filled the form and clicked it lost
    everything typed since the last 保存."""
    from test_targets import INDICATORS, PROJECT, _post_fields, project_form

    from jixiao_web.targets import services

    form = project_form("WC-02")
    client = login("unit-clerk")
    edit = reverse("targets:edit", args=[form.pk])
    page = client.get(edit).content.decode()
    assert page.count('name="preview"') == 2  # both are submit buttons of the form
    assert 'form="target-form" name="preview"' in page  # the one above the form too
    fields = {**_post_fields(form, PROJECT, INDICATORS), "preview": "1"}
    response = client.post(edit, fields)
    assert response.status_code == 302 and response.url == reverse("targets:detail", args=[form.pk])
    form.refresh_from_db()
    assert services.content_of(form).header.goal == PROJECT["goal"]
    bad = {**fields, "h-budget": "12万"}
    refused = client.post(edit, bad)
    assert refused.status_code == 422 and "“12万”不是有效金额" in refused.content.decode()


def test_an_incomplete_form_says_what_is_missing_in_chinese(login: Any) -> None:
    """送审 of an empty form listed “基本信息·项目属性: “项目属性”必填…” with an English colon."""
    client = login("unit-clerk")
    created = client.post(
        reverse("targets:new"),
        {"year": "2024", "code": "WC-04", "name": "空表", "unit": _clerk_unit_pk(client)}
        | {"division": _division_pk()},
    )
    form = TargetForm.objects.get(code="WC-04")
    assert created.status_code == 302
    response = login("unit-clerk").post(
        reverse("targets:decide", args=[form.pk]), {"action": "submit"}, follow=True
    )
    page = response.content.decode()
    assert "不能送审：基本信息·项目属性：“项目属性”必填，不能为空" in page


def _clerk_unit_pk(client: Any) -> str:
    page = client.get(reverse("targets:new")).content.decode()
    return re.search(r'<select id="f-unit" name="unit"><option value="(\d+)"', page).group(1)  # type: ignore[union-attr]


def _division_pk() -> str:
    from jixiao_web.orgs.models import Division

    return str(Division.objects.get(name="基础研究处").pk)
