"""声明数 online: the audit-only fields leave the 基本信息/自评结论 forms for their own page,
where a stated figure is picked by its Chinese label and stored by its id."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse

from jixiao_web.datasets.models import ROW_MODELS

pytestmark = pytest.mark.django_db


def test_the_profile_form_no_longer_asks_the_audit_only_fields(login: Any, science: Any) -> None:
    """基本信息 asked 预算单位数量（声明）… among what a clerk fills for a new report."""
    client = login("dept-admin")
    row = ROW_MODELS["profile"].objects.get(dataset=science)
    stated_before = row.stated_unit_count
    assert stated_before is not None
    page = client.get(reverse("datasets:row_edit", args=[science.pk, "profile", row.pk]))
    html = page.content.decode()
    assert page.status_code == 200 and "部门名称" in html
    assert "（声明）" not in html
    evaluation = ROW_MODELS["self_evaluation"].objects.get(dataset=science)
    html = client.get(
        reverse("datasets:row_edit", args=[science.pk, "self_evaluation", evaluation.pk])
    ).content.decode()
    assert "自评总分（声明）" not in html and "评分框架" in html
    # saving the form keeps the stored audit-only values it no longer shows
    from jixiao.dataset.model import TABLES_BY_KEY
    from jixiao_web.datasets.services import form_values

    values = form_values(TABLES_BY_KEY["profile"], row)
    posted = {k: v for k, v in values.items() if k != "stated_unit_count"}
    posted["version"] = str(row.version)
    response = client.post(
        reverse("datasets:row_edit", args=[science.pk, "profile", row.pk]), posted
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    row.refresh_from_db()
    assert row.stated_unit_count == stated_before


def test_a_stated_figure_is_picked_by_its_chinese_label(login: Any, science: Any) -> None:
    client = login("dept-admin")
    url = reverse("datasets:statements", args=[science.pk])
    html = client.get(url).content.decode()
    assert '<datalist id="figure-labels">' in html and '<option value="年末实有人数">' in html
    assert "自评总分（声明）" in html and "预算单位数量（声明）" in html
    before = ROW_MODELS["stated"].objects.filter(dataset=science).count()
    response = client.post(
        url, {"part": "stated", "figure": "编制数", "value": "620", "source": "正文"}
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    rows = ROW_MODELS["stated"].objects.filter(dataset=science).order_by("position")
    assert rows.count() == before + 1
    added = rows.last()
    assert added is not None
    assert (added.figure, added.value) == ("headcount.authorised", Decimal("620"))
    page = client.get(url).content.decode()
    assert "编制数" in page and "headcount.authorised" in page
    # an audit-only form field is saved here, the rest of its form untouched
    response = client.post(
        url, {"part": "self_evaluation", "stated_total": "90", "stated_grade": "优秀"}
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    evaluation = ROW_MODELS["self_evaluation"].objects.get(dataset=science)
    assert evaluation.stated_total == Decimal("90") and evaluation.framework


def test_a_bad_stated_value_is_refused_in_chinese(login: Any, science: Any) -> None:
    client = login("dept-admin")
    url = reverse("datasets:statements", args=[science.pk])
    response = client.post(url, {"part": "stated", "figure": "年末实有人数", "value": "八百"})
    assert response.status_code == 422
    assert "八百" in response.content.decode()


@pytest.mark.parametrize("who", ["bureau-reviewer", "unit-clerk"])
def test_only_who_may_edit_the_dataset_saves_statements(login: Any, science: Any, who: str) -> None:
    client = login(who)
    url = reverse("datasets:statements", args=[science.pk])
    response = client.post(url, {"part": "stated", "figure": "年末实有人数", "value": "1"})
    assert response.status_code in (403, 404)


def test_another_regions_user_does_not_see_the_page(login: Any, science: Any) -> None:
    client = login("outsider")
    response = client.get(reverse("datasets:statements", args=[science.pk]))
    assert response.status_code == 404
