"""The dataset's tables as a unit's clerk and a 业务处室 fill them: a row of someone else's.

Found in the browser: the clerk typed another unit's 单位编码 on 新增一行 and pressed 保存;
the form (sent by htmx) got a 403 page that htmx does not show, so nothing happened at all.
Now the form comes back (422, what htmx swaps) with the message beside the field.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.urls import reverse

from jixiao_web.datasets.models import ROW_MODELS

pytestmark = pytest.mark.django_db


def _field(page: str, key: str) -> str:
    found = re.search(rf'<div class="field[^"]*">\s*<label for="f-{key}">.*?</div>', page, re.S)
    assert found, key
    return found.group(0)


def test_a_clerks_row_of_another_unit_is_refused_beside_the_field(login: Any, science: Any) -> None:
    other = ROW_MODELS["units"].objects.filter(dataset=science).order_by("position")[1].code
    url = reverse("datasets:row_new", args=[science.pk, "income"])
    data = {"unit": other, "item": "财政拨款收入", "budget": "1,234.5", "note": "核对后填写"}
    response = login("unit-clerk").post(url, data, HTTP_HX_REQUEST="true")
    assert response.status_code == 422
    page = response.content.decode()
    unit = _field(page, "unit")
    assert 'class="field invalid"' in unit and "只能填报本单位（163001）的数据" in unit
    assert 'value="1,234.5"' in _field(page, "budget")  # the typing is kept
    assert "核对后填写" in _field(page, "note")
    assert not ROW_MODELS["income"].objects.filter(dataset=science, unit=other).exists()


def test_a_divisions_project_of_another_division_is_refused_beside_the_field(
    login: Any, science: Any
) -> None:
    url = reverse("datasets:row_new", args=[science.pk, "projects"])
    data = {"code": "WC-01", "name": "测试项目", "unit": "163001", "division": "办公室"}
    response = login("division").post(url, data, HTTP_HX_REQUEST="true")
    assert response.status_code == 422
    division = _field(response.content.decode(), "division")
    assert 'class="field invalid"' in division and "本处室" in division
    assert not ROW_MODELS["projects"].objects.filter(dataset=science, code="WC-01").exists()


def test_the_unit_field_tells_a_clerk_what_a_blank_means(login: Any, science: Any) -> None:
    """A clerk read “空白为部门（合并）数” under 单位编码: its blank is saved as its own unit's
    row (a clerk never writes the department's 合并数)."""
    url = reverse("datasets:row_new", args=[science.pk, "income"])
    clerk = _field(login("unit-clerk").get(url).content.decode(), "unit")
    assert "本单位编码 163001；空白即本单位" in clerk and "合并" not in clerk
    admin = _field(login("dept-admin").get(url).content.decode(), "unit")
    assert "空白为部门（合并）数" in admin


def test_a_clerk_is_not_offered_a_second_unit(login: Any, science: Any) -> None:
    """预算单位 offered a clerk 新增一行: its unit is there already and another unit's row is
    not its to add (the form could only refuse it)."""
    clerk = login("unit-clerk")
    new_unit = reverse("datasets:row_new", args=[science.pk, "units"])
    units = clerk.get(reverse("datasets:table", args=[science.pk, "units"])).content.decode()
    assert new_unit not in units and "163001" in units
    income = clerk.get(reverse("datasets:table", args=[science.pk, "income"])).content.decode()
    assert reverse("datasets:row_new", args=[science.pk, "income"]) in income
    admin = login("dept-admin").get(reverse("datasets:table", args=[science.pk, "units"]))
    assert new_unit in admin.content.decode()


def test_a_divisions_new_project_is_its_own_when_left_blank(login: Any, science: Any) -> None:
    """A 处室 adding a project had to type its own name exactly in 主管处室 (blank: refused as
    another 处室's); now the form says so and a blank is its own, as a clerk's 单位编码."""
    url = reverse("datasets:row_new", args=[science.pk, "projects"])
    client = login("division")
    assert "本处室：基础研究处；空白即本处室" in _field(
        client.get(url).content.decode(), "division"
    )
    data = {"code": "WC-03", "name": "测试项目", "unit": "163001", "division": ""}
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:500]
    row = ROW_MODELS["projects"].objects.get(dataset=science, code="WC-03")
    assert row.division == "基础研究处"
