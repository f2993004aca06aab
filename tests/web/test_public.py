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


def test_the_record_names_each_role_in_chinese(client: Any, login: Any, science: Any) -> None:
    """公开记录's 角色: the demo's own publication left it empty, a person's showed the
    stored code (``dept_admin``)."""
    import re

    login("dept-admin")
    manage = reverse("disclosure:manage", args=[science.pk])
    assert client.post(manage, {"action": "publish"}).status_code == 302
    page = client.get(manage).content.decode()
    records = page.split("公开记录", 1)[1]
    roles = re.findall(r"<td>([^<]*)</td><td>\d+</td></tr>", records)
    assert roles == ["部门财务处（资管处）", "财政绩效管理处"], roles


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


# --------------------------------------------------------------------------- many projects


@pytest.fixture
def many_projects(db: Any) -> Any:
    """A published department of 3 units × 20 projects (60: more than a page of 50)."""
    from dataclasses import replace

    from django.contrib.auth import get_user_model

    from jixiao.synthetic import synthetic_departments
    from jixiao_web.datasets import services as datasets
    from jixiao_web.disclosure.services import publish
    from jixiao_web.evaluation.services import evaluate_dataset
    from jixiao_web.orgs.models import Department, Region

    region = Region.objects.get(code="440000")
    engine = next(iter(synthetic_departments(1, 3, projects_per_unit=20)))
    department = Department.objects.create(region=region, code="P-60", name="六十项目厅")
    dataset = datasets.create_dataset(department, 2023)
    engine = replace(engine, profile=replace(engine.profile, department_name=department.name))
    datasets.store(dataset, engine, None, "公开分页")
    evaluate_dataset(dataset, None)
    publication = publish(dataset, get_user_model().objects.get(username="bureau-admin"), None)
    return publication, engine


def _project_headings(page: str, engine: Any) -> list[str]:
    return [p.code for p in engine.projects if f'<span class="meta">{p.code}</span>' in page]


def test_the_department_page_pages_its_projects_and_keeps_its_own_targets(
    client: Any, many_projects: Any
) -> None:
    """50 projects a page, in the report's order; the department's 总目标 targets on every
    page; the pager jumps to the projects; page 2 has the other 10."""
    publication, engine = many_projects
    path = reverse("disclosure:detail", args=[publication.pk])
    first = client.get(path).content.decode()
    second = client.get(path, {"page": 2}).content.decode()
    codes = [p.code for p in engine.projects]
    assert len(codes) == 60
    assert _project_headings(first, engine) == codes[:50]
    assert _project_headings(second, engine) == codes[50:]
    assert "项目绩效目标（60 个项目）" in first and "共 60 个项目，第 1–50 个项目" in first
    assert 'href="?page=2#projects" rel="next"' in first
    goal = engine.indicators[0].name
    assert goal in first and goal in second  # the department's own targets on each page
    assert "targets.csv" in first  # every project stays in the open data and the report


def test_the_department_page_finds_a_project_by_name_or_code(
    client: Any, many_projects: Any
) -> None:
    publication, engine = many_projects
    path = reverse("disclosure:detail", args=[publication.pk])
    wanted = engine.projects[57]
    by_name = client.get(path, {"q": wanted.name}).content.decode()
    assert _project_headings(by_name, engine) == [wanted.code]
    assert "显示全部项目" in by_name
    by_code = client.get(path, {"q": wanted.code.lower()}).content.decode()
    assert wanted.code in _project_headings(by_code, engine)
    none = client.get(path, {"q": "没有这个项目"}).content.decode()
    assert "没有名称或编码含“没有这个项目”的项目。" in none


def test_the_open_data_keeps_every_project_of_a_paged_department(
    client: Any, many_projects: Any
) -> None:
    _, engine = many_projects
    csv = client.get(reverse("disclosure:data", args=["targets.csv"])).content.decode()
    assert all(p.code in csv for p in engine.projects)
