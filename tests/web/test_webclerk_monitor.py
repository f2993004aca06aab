"""运行监控 as the late unit's clerk fills its return: 报送 keeps what was typed.

Found in the browser: the clerk of 163001 typed 全年预计执行数 and a 当前完成值 and pressed
报送 without pressing 保存 first; the return went to the reviewers as 已报送 with both empty
(报送 was a separate form that carried only the 审核意见).
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse

from jixiao_web.monitor.models import Return, Round
from jixiao_web.monitor.workflows import RETURN
from jixiao_web.workflow import services as workflow

pytestmark = pytest.mark.django_db


def _late_return(science: Any) -> Return:
    round_ = Round.objects.get(department_id=science.department_id, period="2023-06")
    return Return.objects.get(round=round_, unit_code="163001")


def _typed(ret: Return, **changes: str) -> dict[str, str]:
    """The return form as the browser sends it: every field of the page, as shown."""
    data = {"version": str(ret.version)}
    for line in ret.projects.all():
        months = {a.month: a.cumulative for a in line.months.all()}
        for m in range(1, ret.round.month + 1):
            data[f"p{line.pk}-m{m}"] = str(months.get(m, ""))
        data[f"p{line.pk}-progress"] = str(line.progress or "")
        data[f"p{line.pk}-deviation"] = line.deviation
    data.update(changes)
    return data


def test_submitting_saves_what_the_clerk_typed_first(science: Any, login: Any) -> None:
    ret = _late_return(science)
    line = ret.projects.get(code="HC-01")
    indicator = line.indicators.first()
    url = reverse("monitor:return", args=[ret.pk])
    client = login("unit-clerk")
    page = client.get(url).content.decode()
    fill_form = re.search(r'<form method="post">(.*?)</form>', page, re.S)
    assert fill_form and 'name="action" value="submit"' in fill_form.group(1)  # one form
    response = client.post(
        url,
        _typed(
            ret,
            **{
                f"p{line.pk}-expected": "4800",
                f"i{indicator.pk}-current": "60",
                "opinion": "6月执行数已核对",
                "action": "submit",
            },
        ),
    )
    assert response.status_code == 302
    line.refresh_from_db()
    indicator.refresh_from_db()
    assert (line.expected, indicator.current) == (Decimal(4800), Decimal(60))
    assert workflow.state_of(ret, RETURN).state == "submitted"
    assert workflow.history(ret).last().opinion == "6月执行数已核对"


def test_a_refused_figure_submits_nothing(science: Any, login: Any) -> None:
    ret = _late_return(science)
    line = ret.projects.get(code="HC-01")
    url = reverse("monitor:return", args=[ret.pk])
    response = login("unit-clerk").post(
        url, _typed(ret, **{f"p{line.pk}-expected": "12万", "action": "submit"})
    )
    assert response.status_code == 422
    # In a Chinese sentence: the place, a full-width colon, the message (was “: ”).
    assert "项目 HC-01 全年预计执行数：“12万”不是有效数值" in response.content.decode()
    assert workflow.state_of(ret, RETURN).state == "draft"


def test_the_rounds_list_leads_a_clerk_to_its_own_return(science: Any, login: Any) -> None:
    """运行监控 in the menu: the round's link answered 403 (您的角色不能查看监控通报) to a clerk,
    whose own return was reachable only from the inbox; the department's counts and its
    已过期限 stood beside a unit that had reported."""
    round_ = Round.objects.get(department_id=science.department_id, period="2023-06")
    reported = Return.objects.get(round=round_, unit_code="163002")  # reported in the demo
    page = login("unit-clerk-2").get(reverse("monitor:rounds")).content.decode()
    assert reverse("monitor:return", args=[reported.pk]) in page
    assert reverse("monitor:round", args=[round_.pk]) not in page
    row = re.search(r"<tbody>(.*?)</tbody>", page, re.S).group(1)  # type: ignore[union-attr]
    assert "已报送" in row and "已过期限" not in row and reported.unit.name in row
    late = _late_return(science)
    page = login("unit-clerk").get(reverse("monitor:rounds")).content.decode()
    assert reverse("monitor:return", args=[late.pk]) in page and "已过期限" in page
    # Who may see the round still goes to it, with the counts.
    page = login("division").get(reverse("monitor:rounds")).content.decode()
    assert reverse("monitor:round", args=[round_.pk]) in page


def test_a_returned_return_shows_the_opinion_above_the_form(science: Any, login: Any) -> None:
    """A clerk opening its 退回 return read the 审核意见 only in the 审核记录 at the page's foot,
    under every project it was to correct."""
    round_ = Round.objects.get(department_id=science.department_id, period="2023-06")
    ret = Return.objects.get(round=round_, unit_code="163002")  # 已报送 in the demo
    opinion = "HC-02 执行偏差原因未填写，请补充后重新报送"
    response = login("dept-admin").post(
        reverse("monitor:decide", args=[ret.pk]), {"action": "return", "opinion": opinion}
    )
    assert response.status_code == 302
    page = login("unit-clerk-2").get(reverse("monitor:return", args=[ret.pk])).content.decode()
    assert page.count(opinion) == 2  # above the form and in the 审核记录
    assert "退回意见</strong>" in page
    assert page.index(opinion) < page.index('class="project"')
