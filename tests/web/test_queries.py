"""The pages a province reads most answer in as many SQL statements for 6 departments as
for 2: no page runs a query per department (or per project) of what it lists.

Two synthetic provinces are loaded through the web's own services (as
``benchmarks/province_db.py`` loads the benchmark province): 合成二省 with 2 departments and
合成六省 with 6, each with its datasets, evaluations, 整改 items, a 自评任务 over all its
datasets, a 2023-06 monitoring round per department, every department published. Each page is read as the
province's 财政 user once (to fill what pages cache), then counted on the second read.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from jixiao.dataset.model import TABLES_BY_KEY
from jixiao.synthetic import synthetic_departments
from jixiao_web.assessment.services import issue_task
from jixiao_web.datasets import services as datasets
from jixiao_web.datasets.models import ROW_MODELS
from jixiao_web.disclosure.services import publish
from jixiao_web.evaluation.services import evaluate_dataset
from jixiao_web.monitor.models import Return
from jixiao_web.monitor.services import issue_round
from jixiao_web.orgs.access import Access
from jixiao_web.orgs.models import Department, Membership, Region, Role, Unit
from jixiao_web.results.models import Rectification
from jixiao_web.results.services import generate

pytestmark = pytest.mark.django_db


@dataclass(frozen=True)
class Province:
    bureau: Any
    dataset: Any  #: the first department's dataset
    task: Any
    ret: Any  #: a return of the first department's round


def _province(code: str, name: str, departments: int, projects_per_unit: int = 2) -> Province:
    """``departments`` departments × 3 units × ``projects_per_unit`` projects, loaded through
    the services."""
    users = get_user_model().objects
    region = Region.objects.create(
        code=code, name=name, level=Region.Level.PROVINCE, bureau_name=f"{name}财政厅"
    )
    bureau = users.create_user(f"bureau-{code}")
    Membership.objects.create(user=bureau, role=Role.BUREAU_ADMIN, region=region)
    stored = []
    for number, engine in enumerate(
        synthetic_departments(
            departments, 3, projects_per_unit=projects_per_unit, execution_period="2023-06"
        )
    ):
        department = Department.objects.create(
            region=region, code=f"{code}-{number}", name=f"{name}{engine.profile.department_name}"
        )
        admin = users.create_user(f"dept-{code}-{number}")
        Membership.objects.create(
            user=admin, role=Role.DEPT_ADMIN, region=region, department=department
        )
        dataset = datasets.create_dataset(department, 2023)
        engine = replace(engine, profile=replace(engine.profile, department_name=department.name))
        datasets.store(dataset, engine, None, "查询计数")
        evaluate_dataset(dataset, None)
        generate(dataset, admin)
        issue_round(
            dataset,
            "2023-06",
            list(Unit.objects.filter(department=department)),
            date(2023, 7, 10),
            bureau,
        )
        publish(dataset, bureau, None)
        stored.append(dataset)
    task = issue_task(
        access=Access.of(bureau),
        actor=bureau,
        region_id=region.pk,
        title=f"{name} 2023年度部门整体支出绩效自评",
        year=2023,
        framework_id="mof-dept-2013",
        deadline=timezone.localdate() + timedelta(days=30),
        datasets=stored,
    )
    ret = Return.objects.filter(department_id=stored[0].department_id).first()
    return Province(bureau, stored[0], task, ret)


def _pages(p: Province) -> dict[str, str]:
    rectification = Rectification.objects.filter(dataset=p.dataset).first()
    assert rectification is not None
    return {
        "task": f"/assessment/tasks/{p.task.pk}/",
        "dataset": f"/datasets/{p.dataset.pk}/",
        "rectifications": f"/results/{p.dataset.pk}/",
        "return": f"/monitor/return/{p.ret.pk}/",
        # every return counted (drafts included): the report reads each one's projects
        "round": f"/monitor/{p.ret.round_id}/?include=drafts",
        "rounds": "/monitor/",
        "results": "/results/",
        "public": "/public/",
    }


def _count(client: Any, user: Any, path: str) -> int:
    client.force_login(user)
    assert client.get(path).status_code == 200  # fills what the page caches
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200
    return len(queries)


@pytest.fixture
def provinces() -> tuple[Province, Province]:
    return _province("980000", "合成二省", 2), _province("970000", "合成六省", 6)


@pytest.mark.parametrize(
    "page", ["task", "dataset", "rectifications", "return", "round", "rounds", "results", "public"]
)
def test_a_page_takes_as_many_statements_for_6_departments_as_for_2(
    client: Any, provinces: tuple[Province, Province], page: str
) -> None:
    counts = [_count(client, p.bureau, _pages(p)[page]) for p in provinces]
    assert counts[0] == counts[1]


def test_the_monitoring_pages_take_as_many_statements_for_20_projects_a_unit_as_for_2(
    client: Any,
) -> None:
    """The round's report and a return's form read their projects and months as a whole
    (the round page: two statements of plain values for all its returns), not per project."""
    small = _province("960000", "合成小省", 1, projects_per_unit=2)
    large = _province("950000", "合成大省", 1, projects_per_unit=20)
    for page in ("round", "return"):
        counts = [_count(client, p.bureau, _pages(p)[page]) for p in (small, large)]
        assert counts[0] == counts[1], page


# --------------------------------------------------------------------------- the 整改 page's cache


def _row_reads(client: Any, path: str) -> int:
    """How many statements of ``path`` read a dataset row table (a conversion reads 22)."""
    tables = [f'"{model._meta.db_table}"' for model in ROW_MODELS.values()]
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return sum(1 for q in queries if any(t in q["sql"] for t in tables))


def test_the_rectification_page_evaluates_once_per_dataset_version(
    client: Any, login: Any, science: Any
) -> None:
    """The 整改 page evaluated the whole dataset on every view (17–20 s on a province's
    department); now once per version of the dataset: an edit makes it evaluate again."""
    from django.core.cache import cache

    from jixiao_web.results import services as results

    cache.clear()
    bureau = login("bureau-admin")
    path = f"/results/{science.pk}/"
    assert _row_reads(bureau, path) >= len(ROW_MODELS)  # the first view converts it
    assert _row_reads(bureau, path) == 0  # the second reads the cached result
    before = results.application_for(science)
    row = ROW_MODELS["income"].objects.filter(dataset=science).order_by("position").first()
    assert row is not None
    admin = get_user_model().objects.get(username="dept-admin")
    values = datasets.form_values(TABLES_BY_KEY["income"], row)
    values["note"] = "缓存随数据版本失效"
    datasets.save_row(
        Access.of(admin), admin, science, "income", values, row_id=row.pk, version=row.version
    )
    assert _row_reads(bureau, path) >= len(ROW_MODELS)  # a new version: evaluated again
    assert _row_reads(bureau, path) == 0
    after = results.application_for(science)
    assert after[0] == before[0] + 1 and after[1] == before[1]  # same result, new version


# --------------------------------------------------------------------------- the summaries' cache


def _demo_sheet() -> Any:
    from jixiao_web.assessment.models import ScoreSheet

    return ScoreSheet.objects.select_related("task", "dataset").get(
        task__title="2023年度部门整体支出绩效自评"
    )


def _clerk() -> tuple[Access, Any]:
    clerk = get_user_model().objects.get(username="unit-clerk")
    return Access.of(clerk), clerk


def test_a_saved_entry_changes_the_task_pages_summary() -> None:
    from jixiao_web.assessment import scoring, services

    before = services.sheet_summaries([_demo_sheet()])
    access, clerk = _clerk()
    # the demo entered 50 + 39.56 at the top; 2 (部门管理) is now typed as 30
    services.save_entry(_demo_sheet(), "2", {"score": "30"}, access=access, actor=clerk)
    sheet = _demo_sheet()
    after = services.sheet_summaries([sheet])[sheet.pk]
    scored = scoring.rescore(sheet)
    assert before[sheet.pk].entered == Decimal("89.56") and after.entered == Decimal("80")
    assert after == services.SheetSummary(
        scored.entered_total, scored.total, scored.card.grade_label
    )
    assert services.sheet_summaries([sheet])[sheet.pk] == after  # read back from the cache


def test_two_items_saved_from_the_same_opened_sheet_bump_its_version_twice() -> None:
    """Two people save different items of a sheet both opened at version v: v + 2, so the
    409 check and the summary (keyed by the version) see the second save too."""
    from jixiao_web.assessment import services

    first, second = _demo_sheet(), _demo_sheet()
    access, clerk = _clerk()
    services.save_entry(first, "1.1.7", {"actual": "50"}, access=access, actor=clerk)
    services.save_entry(second, "2.1", {"score": "4"}, access=access, actor=clerk)
    assert _demo_sheet().version == first.version + 1 == second.version


def _issue(bureau: Any, *datasets: Any) -> Any:
    return issue_task(
        access=Access.of(bureau),
        actor=bureau,
        region_id=datasets[0].region_id,
        title="摘要随下发计算",
        year=2023,
        framework_id="mof-dept-2013",
        deadline=timezone.localdate() + timedelta(days=30),
        datasets=list(datasets),
    )


def test_an_issued_tasks_page_scores_no_sheet(
    client: Any,
    login: Any,
    science: Any,
    synthetic: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    """The summaries are scored when the task is issued (from the datasets the issuer
    converted anyway): the first view of the task page reads no dataset row (a scoring
    converts the dataset: 22 row tables) and shows the engine's totals, equal to a full
    rescoring of each sheet."""
    from django.core.cache import cache

    from jixiao_web.assessment import scoring

    cache.clear()
    bureau = get_user_model().objects.get(username="bureau-admin")
    with django_capture_on_commit_callbacks(execute=True):
        task = _issue(bureau, science, synthetic)
    login("bureau-admin")
    path = f"/assessment/tasks/{task.pk}/"
    assert _row_reads(client, path) == 0
    page = client.get(path).content.decode()
    assert "计算中" not in page
    for sheet in task.sheets.select_related("task", "dataset"):
        scored = scoring.rescore(sheet)
        assert scored.total is not None and f'<td class="num">{scored.total}</td>' in page
        summary = services_summaries([sheet])[sheet.pk]
        assert summary.ready and summary.computed == scored.total
        assert (summary.entered, summary.grade) == (scored.entered_total, scored.card.grade_label)


def services_summaries(sheets: list[Any]) -> Any:
    from jixiao_web.assessment import services

    return services.sheet_summaries(sheets)


def test_a_saved_entry_is_scored_after_the_save_not_by_the_next_view(
    client: Any, login: Any, science: Any, django_capture_on_commit_callbacks: Any
) -> None:
    """A save bumps the sheet's version; the task worker (here immediate, on commit)
    scores the new version, so the next view of the task page reads no dataset row and
    shows the new 自评得分."""
    from django.core.cache import cache

    from jixiao_web.assessment import services

    cache.clear()
    bureau = get_user_model().objects.get(username="bureau-admin")
    with django_capture_on_commit_callbacks(execute=True):
        task = _issue(bureau, science)
    sheet = task.sheets.select_related("task", "dataset").get()
    clerk = get_user_model().objects.get(username="unit-clerk")
    top = [line for line in services.rescore(sheet).lines if line.depth == 0]
    with django_capture_on_commit_callbacks(execute=True):
        for line in top:  # each top-level item one point under its 分值
            score = str(line.points - 1)
            services.save_entry(
                sheet, line.code, {"score": score}, access=Access.of(clerk), actor=clerk
            )
    login("bureau-admin")
    path = f"/assessment/tasks/{task.pk}/"
    assert _row_reads(client, path) == 0
    sheet.refresh_from_db()
    expected = services.rescore(sheet).entered_total
    assert expected == sum(line.points for line in top) - len(top)
    assert f'<td class="num">{expected}</td>' in client.get(path).content.decode()


def test_score_summaries_fills_every_missing_summary(
    client: Any, login: Any, science: Any, synthetic: Any
) -> None:
    """After a cleared cache (or a new engine release) ``score_summaries`` scores them all
    beforehand; a second run finds nothing to score, and the task page reads no row."""
    from io import StringIO

    from django.core.cache import cache
    from django.core.management import call_command

    bureau = get_user_model().objects.get(username="bureau-admin")
    task = _issue(bureau, science, synthetic)
    cache.clear()
    out = StringIO()
    call_command("score_summaries", "--task", str(task.pk), stdout=out)
    assert out.getvalue().strip() == "自评表 2 份，新计算评分摘要 2 份，其余已有"
    call_command("score_summaries", "--task", str(task.pk), stdout=out)
    assert "新计算评分摘要 0 份" in out.getvalue()
    login("bureau-admin")
    assert _row_reads(client, f"/assessment/tasks/{task.pk}/") == 0
