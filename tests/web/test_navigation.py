"""Every area of the year's work is reachable from the top navigation, for every persona.

A clerk who never saw the system finds 绩效目标 (target filing) from any page: it was
reachable only by typing ``/targets/`` before, so this walks the navigation as each persona
and opens every link it offers.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from personas import PERSONAS

pytestmark = pytest.mark.django_db


#: the areas in the order of the year's chain, then the bureau's comparison
CHAIN = ("绩效目标", "运行监控", "绩效评价", "结果应用")


def _nav(page: str) -> list[tuple[str, str]]:
    nav = re.search(r'<nav class="who">(.*?)</nav>', page, re.S)
    assert nav, "no navigation on the page"
    return re.findall(r'<a[^>]*href="([^"]+)"[^>]*>([^<]+)<', nav.group(1))


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_navigation_offers_the_years_chain_and_every_link_opens(
    persona: str, login: Any
) -> None:
    client = login(persona)
    links = _nav(client.get("/").content.decode())
    labels = [label.strip() for _, label in links]
    assert [x for x in labels if x in CHAIN] == list(CHAIN), labels
    assert "部门对比" in labels or not persona.startswith("bureau")
    for href, label in links:
        response = client.get(href)
        assert response.status_code == 200, (persona, label, href, response.status_code)


def test_a_target_forms_budget_is_shown_as_an_amount(login: Any) -> None:
    """年度预算 on the 绩效目标 list reads as every other amount: 千分位, two decimals."""
    page = login("dept-admin").get("/targets/").content.decode()
    assert re.search(r'<td class="num">12,000\.00</td>', page), "年度预算 not formatted"
    assert ">首页<" not in page and ">工作台</a> › 绩效目标管理" in page
