"""Paging of the lists that grow with a province (``jixiao_web.core.paging``).

A page of ``PAGE_SIZE`` rows, the count, 上一页/下一页 links that keep the search, filters
and sort, numbering that continues across pages; the 整改 list filters by state in SQL so
every page is full and the statements of a page do not grow with the list.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from jixiao_web.core.paging import PAGE_SIZE
from jixiao_web.datasets.models import Dataset
from jixiao_web.results.models import Rectification
from jixiao_web.results.workflows import RECTIFICATION
from jixiao_web.workflow.models import WorkflowState

pytestmark = pytest.mark.django_db


def _add_items(
    dataset: Dataset, count: int, *, doing_every: int = 0, prefix: str = "paging"
) -> list[Rectification]:
    """``count`` more 整改 items of ``dataset`` (due in the past, keys ``prefix-NNNN``);
    every ``doing_every``-th one moved to 整改中 by its workflow state row."""
    past = date.today() - timedelta(days=10)
    items = Rectification.objects.bulk_create(
        Rectification(
            region_id=dataset.region_id,
            department_id=dataset.department_id,
            dataset=dataset,
            key=f"{prefix}-{n:04d}",
            kind="扣分项",
            subject=f"分页测试事项 {n:04d}",
            deadline=past,
        )
        for n in range(count)
    )
    if doing_every:
        kind = ContentType.objects.get_for_model(Rectification)
        WorkflowState.objects.bulk_create(
            WorkflowState(
                region_id=dataset.region_id,
                department_id=dataset.department_id,
                content_type=kind,
                object_id=item.pk,
                workflow=RECTIFICATION.name,
                state="doing",
            )
            for n, item in enumerate(items)
            if n % doing_every == 0
        )
    return list(Rectification.objects.filter(key__startswith=f"{prefix}-").order_by("pk"))


def _rows(page: str) -> list[str]:
    body = page.split('id="items"', 1)[1].split("</table>", 1)[0]
    return re.findall(r"<tr[^>]*><td>(\d+)</td>", body)


def _links(page: str) -> dict[str, str]:
    return {
        rel: href.replace("&amp;", "&")
        for href, rel in re.findall(r'<a href="([^"]+)" rel="(prev|next)"', page)
    }


def test_the_bureaus_list_of_items_is_paged_with_counts(science: Dataset, login: Any) -> None:
    before = Rectification.objects.filter(region_id=science.region_id).count()
    _add_items(science, 120)
    total = before + 120
    client = login("bureau-admin")
    first = client.get(reverse("results:home")).content.decode()
    assert len(_rows(first)) == PAGE_SIZE
    assert f"共 {total} 项，第 1–{PAGE_SIZE} 项" in first
    pages = -(-total // PAGE_SIZE)
    assert f"第 1 / {pages} 页" in first
    assert "上一页" not in first and "下一页" in first
    second = client.get(reverse("results:home") + _links(first)["next"]).content.decode()
    assert _rows(second)[0] == str(PAGE_SIZE + 1)  # numbering continues
    assert set(_links(second)) == {"prev", "next"}
    last = client.get(reverse("results:home"), {"page": pages}).content.decode()
    assert len(_rows(last)) == total - (pages - 1) * PAGE_SIZE
    assert "下一页" not in last
    # a page past the end shows the last one; a bad one the first
    assert _rows(client.get(reverse("results:home"), {"page": 999}).content.decode()) == _rows(last)
    assert _rows(client.get(reverse("results:home"), {"page": "x"}).content.decode())[0] == "1"


def test_filters_are_kept_across_pages_and_applied_before_paging(
    science: Dataset, login: Any
) -> None:
    items = _add_items(science, 130, doing_every=2)  # 65 整改中, all overdue
    client = login("bureau-admin")
    url = reverse("results:dataset", args=[science.pk])
    first = client.get(url, {"state": "doing", "q": "分页测试", "sort": "kind"}).content.decode()
    assert "共 65 项，第 1–50 项" in first
    following = _links(first)["next"]
    assert {"state=doing", "sort=kind", "page=2"} <= set(following.lstrip("?").split("&"))
    assert "q=" in following
    second = client.get(url + following).content.decode()
    assert "共 65 项，第 51–65 项" in second
    assert len(_rows(second)) == 15
    shown = re.findall(r"分页测试事项 (\d{4})", first + second)
    assert sorted(int(n) for n in shown) == list(range(0, 130, 2))
    # 已逾期: every paging item (past deadline, none done) and none of the example's (future)
    Rectification.objects.filter(pk=items[0].pk).update(deadline=date.today() + timedelta(days=1))
    overdue = client.get(url, {"state": "overdue", "q": "分页测试"}).content.decode()
    assert "共 129 项" in overdue
    # 待整改 is also the state of an item without a state row
    open_ = client.get(url, {"state": "open", "q": "分页测试"}).content.decode()
    assert "共 65 项" in open_


def test_a_page_costs_the_same_statements_for_a_short_and_a_long_list(
    science: Dataset, login: Any
) -> None:
    client = login("bureau-admin")
    url = reverse("results:home")
    client.get(url)

    def statements() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url, {"state": "doing"}).status_code == 200
            assert client.get(url, {"page": 2}).status_code == 200
        return len(captured)

    _add_items(science, 60, doing_every=3)
    short = statements()
    assert len(_add_items(science, 400, prefix="more")) == 400
    assert statements() == short


def test_the_monitoring_rounds_are_paged_and_the_search_kept(science: Dataset, login: Any) -> None:
    from jixiao_web.monitor.models import Round

    before = Round.objects.filter(region_id=science.region_id).count()
    Round.objects.bulk_create(
        Round(
            region_id=science.region_id,
            department_id=science.department_id,
            dataset=science,
            period=f"{2000 + n // 12}-{1 + n % 12:02d}",
            title=f"分页监控批次 {n:03d}",
            deadline=date(2000 + n // 12, 1 + n % 12, 20),
        )
        for n in range(70)
    )
    client = login("bureau-admin")
    url = reverse("monitor:rounds")
    first = client.get(url).content.decode()
    assert f"共 {before + 70} 个，第 1–{PAGE_SIZE} 个" in first
    searched = client.get(url, {"q": "分页监控"}).content.decode()
    assert "共 70 个，第 1–50 个" in searched
    second = client.get(url + _links(searched)["next"]).content.decode()
    assert "共 70 个，第 51–70 个" in second
    assert len(re.findall(r"分页监控批次 \d{3}", searched + second)) == 70


def test_the_home_list_and_the_public_list_show_their_counts(science: Dataset, login: Any) -> None:
    """Short lists: one page, the count, no 上一页/下一页."""
    home = login("bureau-admin").get(reverse("datasets:home")).content.decode()
    assert re.search(r"共 \d+ 个</span></nav>", home)
    assert "下一页" not in home


def test_a_page_of_the_bureaus_list_is_read_from_the_deadline_index(science: Dataset) -> None:
    """The bureau's list sorted by deadline reads a page from (region, deadline, id), not
    a sort of every item of the province (131 ms of SQL for 98,466 items without it)."""
    if connection.vendor != "sqlite":
        pytest.skip("the plan of a tiny table on PostgreSQL is a sequential scan")
    from jixiao_web.results.views import SORTS

    items = Rectification.objects.filter(region_id=science.region_id).order_by(*SORTS["deadline"])
    plan = items[50:100].explain()
    assert "rectification_region_due" in plan and "TEMP B-TREE" not in plan, plan


@pytest.mark.parametrize(
    ("count", "shown"),
    [(0, "0"), (7, "7"), (999, "999"), (1000, "1,000"), (98466, "98,466"), (None, "")],
)
def test_counts_are_printed_with_thousands_separators(count: int | None, shown: str) -> None:
    """The pager's 共 N 项 reads like the amounts on the same page (“共 98,466 项”)."""
    from jixiao_web.core.templatetags.money import thousands

    assert thousands(count) == shown
