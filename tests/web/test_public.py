"""Public disclosure: publish/unpublish with their audit entries, public pages without login.

Only what was published is visible: a dataset never published, or withdrawn, answers 404
to a visitor, on the page, the report and the API alike.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def _publication(science: Any) -> Any:
    from jixiao_web.disclosure.models import Publication

    return Publication.objects.get(dataset=science)


def test_the_demo_publishes_the_example_department(client: Any, science: Any) -> None:
    p = _publication(science)
    assert p.published and p.total == "89.56" and p.grade == "良好"
    page = client.get(reverse("disclosure:index")).content.decode()
    assert "广东省科学技术厅" in page and "89.56" in page and "良好" in page
    assert "合成示范厅" not in page  # never published


def test_a_visitor_reaches_the_public_pages_from_the_front_page(client: Any) -> None:
    front = client.get("/", follow=True)  # the login page for a visitor
    assert front.status_code == 200
    assert f'href="{reverse("disclosure:index")}"' in front.content.decode()
    assert "信息公开" in front.content.decode()


@pytest.mark.parametrize(
    ("part", "expected"),
    [
        ("绩效目标表", True),
        ("重大基础研究原创成果数", True),  # a department indicator of the example
        ("部门整体支出绩效自评指标评分表", True),
        ("履职效能", True),
        ('data-chart="score"', True),
        ("阅读自评报告", True),
        ("<script>", False),  # no inline script: the CSP forbids it
    ],
)
def test_the_department_page_shows(client: Any, science: Any, part: str, expected: bool) -> None:
    page = client.get(reverse("disclosure:detail", args=[_publication(science).pk]))
    assert page.status_code == 200
    assert (part in page.content.decode()) is expected


def test_the_report_is_rendered_once_and_served_from_the_cache(client: Any, science: Any) -> None:
    from django.core.files.storage import default_storage

    p = _publication(science)
    html = client.get(reverse("disclosure:report", args=[p.pk, "html"]))
    assert html.status_code == 200 and "自评报告" in html.content.decode()
    assert "unsafe-inline" in html["Content-Security-Policy"].split("style-src")[1]
    assert "script-src 'self'" in html["Content-Security-Policy"]
    pdf = client.get(reverse("disclosure:report", args=[p.pk, "pdf"]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert "filename*=UTF-8''" in pdf["Content-Disposition"]
    assert default_storage.exists(f"public/{p.digest}.pdf")
    again = client.get(reverse("disclosure:report", args=[p.pk, "pdf"]))
    assert again.content == pdf.content
    assert client.get(reverse("disclosure:report", args=[p.pk, "docx"])).status_code == 404


def test_publish_and_unpublish_are_recorded_and_decide_what_is_visible(
    client: Any, login: Any, synthetic: Any
) -> None:
    from jixiao_web.disclosure.models import Publication, PublicationEvent

    login("bureau-admin")
    manage = reverse("disclosure:manage", args=[synthetic.pk])
    assert client.post(manage, {"action": "publish"}).status_code == 302
    p = Publication.objects.get(dataset=synthetic)
    assert p.published and p.dataset_version == synthetic.version
    client.logout()
    detail = reverse("disclosure:detail", args=[p.pk])
    assert client.get(detail).status_code == 200
    assert client.get(f"/api/public/publications/{p.pk}").status_code == 200
    login("bureau-admin")
    assert client.post(manage, {"action": "unpublish"}).status_code == 302
    client.logout()
    assert client.get(detail).status_code == 404
    assert client.get(reverse("disclosure:report", args=[p.pk, "html"])).status_code == 404
    assert client.get(f"/api/public/publications/{p.pk}").status_code == 404
    assert "合成示范厅" not in client.get(reverse("disclosure:index")).content.decode()
    events = list(PublicationEvent.objects.filter(dataset=synthetic).order_by("pk"))
    assert [(e.action, e.user.username, e.role, e.dataset_version) for e in events] == [
        ("publish", "bureau-admin", "bureau_admin", synthetic.version),
        ("unpublish", "bureau-admin", "bureau_admin", synthetic.version),
    ]


def test_a_publication_is_a_snapshot_until_published_again(
    client: Any, login: Any, science: Any
) -> None:
    from jixiao_web.datasets.models import Dataset
    from jixiao_web.disclosure.models import Publication

    before = _publication(science)
    Dataset.objects.filter(pk=science.pk).update(version=science.version + 1)
    login("dept-admin")
    page = client.get(reverse("disclosure:manage", args=[science.pk])).content.decode()
    assert "公开后已修改" in page
    client.post(reverse("disclosure:manage", args=[science.pk]), {"action": "publish"})
    after = Publication.objects.get(pk=before.pk)
    assert after.dataset_version == science.version + 1
    assert after.published_by.username == "dept-admin"


@pytest.mark.parametrize("pk", ["0", "999999", "99999999999999999999"])
def test_unknown_publications_are_404(client: Any, pk: str) -> None:
    assert client.get(f"/public/{pk}/").status_code == 404


def test_an_unknown_action_is_refused_in_chinese(client: Any, login: Any, science: Any) -> None:
    login("dept-admin")
    url = reverse("disclosure:manage", args=[science.pk])
    page = client.post(url, {"action": "delete"}, follow=True).content.decode()
    assert "请选择“公开”或“撤回公开”" in page
