"""The region dashboard: who sees which departments, the stored figures, filters, Excel."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from jixiao_web.orgs.demo import SYNTHETIC_NAME

SCIENCE = "广东省科学技术厅"

#: persona → the departments its dashboard lists (the demo's two departments of 广东省).
SEES = [
    ("bureau-admin", {SCIENCE, SYNTHETIC_NAME}),
    ("bureau-reviewer", {SCIENCE, SYNTHETIC_NAME}),
    ("dept-admin", {SCIENCE}),
    ("outsider", set()),
]


def _rows(response: Any) -> list[Any]:
    return list(response.context["rows"])


@pytest.mark.django_db
@pytest.mark.parametrize(("persona", "departments"), SEES)
def test_each_persona_sees_its_scope(persona: str, departments: set[str], login: Any) -> None:
    response = login(persona).get(reverse("region:dashboard"))
    assert response.status_code == 200
    assert {r.department for r in _rows(response)} == departments
    for name in departments:
        assert name in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["division", "unit-clerk", "evaluator"])
def test_other_roles_are_refused_and_see_no_link(persona: str, login: Any) -> None:
    client = login(persona)
    assert client.get(reverse("region:dashboard")).status_code == 403
    assert "部门对比" not in client.get(reverse("datasets:home")).content.decode()


#: column key → the engine figure id the row must carry, read back from the stored evaluation.
FIGURES = [
    ("budget", "expenditure.budget.total"),
    ("final", "expenditure.final.total"),
    ("execution", "expenditure.final.ratio_to_adjusted"),
    ("deviation", "expenditure.final.ratio_to_budget"),
    ("three_public_growth", "three_public.growth.三公经费合计"),
    ("carryover", "carryover.closing"),
    ("carryover_change", "carryover.change_rate"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("key", "figure_id"), FIGURES)
def test_row_values_are_the_stored_figures(
    key: str, figure_id: str, login: Any, science: Any
) -> None:
    from jixiao_web.evaluation.services import latest

    evaluation = latest(science)
    stored = evaluation.figures.filter(figure_id=figure_id).first()
    expected = Decimal(stored.value) if stored is not None and stored.value else None
    rows = _rows(login("bureau-admin").get(reverse("region:dashboard")))
    row = next(r for r in rows if r.dataset_id == science.pk)
    assert row.values[key] == expected
    assert row.errors == evaluation.errors and row.warnings == evaluation.warnings
    assert row.grade == evaluation.grade


def test_the_science_department_has_its_main_figures(db: Any, login: Any, science: Any) -> None:
    """Money the 2023 决算 states, so a wrong id cannot pass as "None == None"."""
    rows = _rows(login("bureau-admin").get(reverse("region:dashboard")))
    row = next(r for r in rows if r.dataset_id == science.pk)
    assert row.values["final"] is not None and row.values["final"] > 0
    assert row.values["budget"] is not None and row.values["budget"] > 0
    assert row.values["deviation"] is not None


#: query → the departments left (as bureau-admin).
FILTERS = [
    ({"q": "科学"}, [SCIENCE]),
    ({"q": "没有这个部门"}, []),
    ({"year": "2023", "q": "科学"}, [SCIENCE]),
    ({"year": "1999"}, []),
    ({"year": "abc"}, None),  # a bad year is ignored, not an error
    ({"sort": "department"}, None),
    ({"sort": "nonsense"}, None),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("query", "expected"), FILTERS)
def test_filters(query: dict[str, str], expected: list[str] | None, login: Any) -> None:
    response = login("bureau-admin").get(reverse("region:dashboard"), query)
    assert response.status_code == 200
    names = [r.department for r in _rows(response)]
    if expected is None:
        assert sorted(names) == sorted([SCIENCE, SYNTHETIC_NAME])
    else:
        assert names == expected


@pytest.mark.django_db
def test_grade_filter_keeps_only_that_grade(login: Any) -> None:
    client = login("bureau-admin")
    everything = _rows(client.get(reverse("region:dashboard")))
    for grade in {r.grade for r in everything if r.grade}:
        rows = _rows(client.get(reverse("region:dashboard"), {"grade": grade}))
        assert rows and all(r.grade == grade for r in rows)


@pytest.mark.django_db
def test_sort_by_score_puts_the_higher_first(login: Any) -> None:
    rows = _rows(login("bureau-admin").get(reverse("region:dashboard"), {"sort": "score"}))
    scores = [r.total for r in rows if r.complete and r.total is not None]
    assert scores == sorted(scores, reverse=True)


@pytest.mark.django_db
def test_year_over_year_view_is_one_department(login: Any, science: Any) -> None:
    response = login("bureau-admin").get(
        reverse("region:dashboard"), {"department": science.department_id, "sort": "year"}
    )
    assert {r.department for r in _rows(response)} == {SCIENCE}
    assert f"{SCIENCE} 逐年对比" in response.content.decode()


@pytest.mark.django_db
def test_drill_down_links_to_the_evaluation_page(login: Any, science: Any) -> None:
    html = login("dept-admin").get(reverse("region:dashboard")).content.decode()
    assert reverse("evaluation:detail", args=[science.pk]) in html


@pytest.mark.django_db
def test_chart_data_is_a_json_block_and_a_static_script(login: Any) -> None:
    html = login("bureau-admin").get(reverse("region:dashboard")).content.decode()
    assert 'id="region-chart-data" type="application/json"' in html
    assert "jixiao/region.js" in html


@pytest.mark.django_db
def test_excel_export_round_trip(login: Any, science: Any) -> None:
    client = login("bureau-admin")
    page = _rows(client.get(reverse("region:dashboard"), {"q": "科学"}))
    response = client.get(reverse("region:export"), {"q": "科学"})
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    header = [c.value for c in sheet[1]]
    assert header[:4] == ["部门", "年度", "总分", "等级"]
    assert "支出执行率（%）" in header and "错误" in header
    assert sheet.max_row == 1 + len(page) == 2
    row = dict(zip(header, sheet[2], strict=True))
    assert row["部门"].value == SCIENCE and row["年度"].value == science.year
    final = row["决算支出（万元）"]
    assert abs(Decimal(str(final.value)) - page[0].values["final"]) < Decimal("0.000001")
    assert final.number_format == "#,##0.00"


@pytest.mark.django_db
def test_export_of_another_region_is_empty(login: Any) -> None:
    response = login("outsider").get(reverse("region:export"))
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.max_row == 1
