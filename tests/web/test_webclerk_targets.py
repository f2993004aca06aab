"""绩效目标 as a unit's clerk and a 业务处室 fill and review it: what they see after a mistake.

Each test is a page a clerk really met in the browser (``jixiao serve --demo``): the message
must name every field at once, and an opinion must be where the clerk lands.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.urls import reverse

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
