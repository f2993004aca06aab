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
def test_year_over_year_view_links_back_to_all_departments(login: Any, science: Any) -> None:
    response = login("bureau-admin").get(
        reverse("region:dashboard"), {"department": science.department_id, "sort": "year"}
    )
    crumbs = response.content.decode().split('class="crumbs"', 1)[1].split("</p>", 1)[0]
    assert f'<a href="{reverse("region:dashboard")}">部门评价对比</a>' in crumbs


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
    assert sheet.max_row == 1 + len(page) + 1 == 3  # header, the department, its 汇总
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


# --------------------------------------------------------------------------- 汇总 rows
# A region of its own with round numbers, so every total can be checked by eye:
#
#            年初预算 调整后预算 决算  三公上年 三公决算 结转年初 结转年末 总分 等级 错误 警告
#   甲 2024    100      120     90     10       11      20       30    90   优    1    4
#   乙 2024    340      280    240     30       18      80       70    70   中    2    0
#   丙 2024     60       —      60      —        —       —        —     —   —     0    1
#   甲 2023     50       50     50      —        —       —        —     —   —     0    0
#
# 2024 汇总: 年初预算 500, 决算 390, 执行率 (90+240)/(120+280) = 82.50 (丙 has no 调整后预算:
# left out), 预决算比例 390/500 = 78.00, 三公增减 (29−40)/40 = −27.50 (not the mean of
# +10 and −40 = −15), 结转年末 100, 结转增减 (100−100)/100 = 0.00 (not the mean 18.75),
# 平均分 (90+70)/2 = 80.00, errors 3, warnings 5.

TOTALS_REGION = [
    # (department, year, {figure id: value}, total, grade, errors, warnings)
    (
        "甲局",
        2024,
        {
            "expenditure.budget.total": "100",
            "expenditure.adjusted.total": "120",
            "expenditure.final.total": "90",
            "expenditure.final.ratio_to_adjusted": "75",
            "expenditure.final.ratio_to_budget": "90",
            "three_public.prior.三公经费合计": "10",
            "three_public.final.三公经费合计": "11",
            "three_public.growth.三公经费合计": "10",
            "carryover.opening": "20",
            "carryover.closing": "30",
            "carryover.change_rate": "50",
        },
        "90",
        "优",
        1,
        4,
    ),
    (
        "乙局",
        2024,
        {
            "expenditure.budget.total": "340",
            "expenditure.adjusted.total": "280",
            "expenditure.final.total": "240",
            "expenditure.final.ratio_to_adjusted": "85.7142857142857142857142857",
            "expenditure.final.ratio_to_budget": "70.5882352941176470588235294",
            "three_public.prior.三公经费合计": "30",
            "three_public.final.三公经费合计": "18",
            "three_public.growth.三公经费合计": "-40",
            "carryover.opening": "80",
            "carryover.closing": "70",
            "carryover.change_rate": "-12.5",
        },
        "70",
        "中",
        2,
        0,
    ),
    (
        "丙局",
        2024,
        {
            "expenditure.budget.total": "60",
            "expenditure.final.total": "60",
            "expenditure.final.ratio_to_budget": "100",
        },
        "",
        "",
        0,
        1,
    ),
    (
        "甲局",
        2023,
        {
            "expenditure.budget.total": "50",
            "expenditure.adjusted.total": "50",
            "expenditure.final.total": "50",
            "expenditure.final.ratio_to_adjusted": "100",
            "expenditure.final.ratio_to_budget": "100",
        },
        "",
        "",
        0,
        0,
    ),
]


@pytest.fixture
def totals_region(db: Any) -> Any:
    """The region above and its 财政 administrator ``totals-bureau``; returns the client login."""
    from django.contrib.auth import get_user_model

    from jixiao_web.datasets.models import Dataset
    from jixiao_web.evaluation.models import Evaluation, StoredFigure
    from jixiao_web.orgs.models import Department, Membership, Region, Role

    region = Region.objects.create(code="990000", name="汇总测试市", level=Region.Level.CITY)
    departments: dict[str, Any] = {}
    for position, (name, year, figures, total, grade, errors, warnings) in enumerate(TOTALS_REGION):
        if name not in departments:
            departments[name] = Department.objects.create(
                region=region, code=f"9{len(departments)}", name=name
            )
        department = departments[name]
        dataset = Dataset.objects.create(region=region, department=department, year=year)
        evaluation = Evaluation.objects.create(
            region=region,
            department=department,
            dataset=dataset,
            dataset_version=dataset.version,
            total=total,
            grade=grade,
            grade_label={"优": "优秀", "中": "中等"}.get(grade, ""),
            complete=bool(total),
            errors=errors,
            warnings=warnings,
        )
        for index, (figure_id, value) in enumerate(figures.items()):
            StoredFigure.objects.create(
                evaluation=evaluation,
                position=position * 100 + index,
                figure_id=figure_id,
                label=figure_id,
                value=value,
                text=value,
            )
    user = get_user_model().objects.create_user("totals-bureau")
    Membership.objects.create(user=user, role=Role.BUREAU_ADMIN, region=region)
    return user


def _total_cells(html: str) -> list[list[str]]:
    """The 汇总 rows of the page as lists of cell texts."""
    import re

    foot = html.split("<tfoot>")[1].split("</tfoot>")[0]
    return [
        [
            re.sub(r"<[^>]+>", "", cell).strip()
            for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", r)
        ]
        for r in re.findall(r"<tr[^>]*>(.*?)</tr>", foot, re.S)
    ]


@pytest.mark.django_db
def test_total_rows_sum_money_and_weigh_ratios(client: Any, totals_region: Any) -> None:
    client.force_login(totals_region)
    response = client.get(reverse("region:dashboard"))
    [t2024, t2023] = response.context["totals"]
    assert (t2024.year, t2024.departments, t2023.year, t2023.departments) == (2024, 3, 2023, 1)
    assert t2024.values == {
        "budget": Decimal(500),
        "final": Decimal(390),
        "execution": Decimal("82.5"),
        "deviation": Decimal(78),
        "three_public_growth": Decimal("-27.5"),
        "carryover": Decimal(100),
        "carryover_change": Decimal(0),
    }
    assert t2024.counted["execution"] == 2 and t2024.counted["final"] == 3
    assert t2024.cells[2] == ("82.50", "按 2 个部门计算（其余缺少数据）")
    assert t2024.cells[1] == ("390.00", "")
    assert (t2024.errors, t2024.warnings, t2024.average_score) == (3, 5, Decimal(80))
    assert t2024.grades == {"优": 1, "中": 1}
    assert t2023.values["execution"] == Decimal(100) and t2023.values["carryover"] is None
    cells = _total_cells(response.content.decode())
    assert cells[0] == [
        "汇总（2024 年，3 个部门）",
        "2024",
        "平均 80.00",
        "优 1，中 1",
        "500.00",
        "390.00",
        "82.50*",
        "78.00",
        "-27.50*",
        "100.00*",
        "0.00*",
        "3",
        "5",
        "",
    ]
    assert cells[1][:8] == [
        "汇总（2023 年，1 个部门）",
        "2023",
        "—",
        "—",
        "50.00",
        "50.00",
        "100.00",
        "100.00",
    ]


@pytest.mark.django_db
def test_total_follows_the_filters(client: Any, totals_region: Any) -> None:
    client.force_login(totals_region)
    [only] = client.get(reverse("region:dashboard"), {"q": "乙"}).context["totals"]
    assert (only.departments, only.values["final"], only.values["deviation"]) == (
        1,
        Decimal(240),
        Decimal(240) / Decimal(340) * 100,
    )
    one_department = client.get(reverse("region:dashboard"), {"department": "x"})
    assert one_department.status_code == 200


@pytest.mark.django_db
def test_the_year_over_year_view_has_no_total(client: Any, totals_region: Any) -> None:
    from jixiao_web.orgs.models import Department

    client.force_login(totals_region)
    department = Department.objects.get(name="甲局")
    response = client.get(reverse("region:dashboard"), {"department": department.pk})
    assert len(response.context["rows"]) == 2 and response.context["totals"] == []
    assert "<tfoot>" not in response.content.decode()


@pytest.mark.django_db
def test_excel_has_the_total_rows_in_bold(client: Any, totals_region: Any) -> None:
    client.force_login(totals_region)
    sheet = load_workbook(io.BytesIO(client.get(reverse("region:export")).content)).active
    header = [c.value for c in sheet[1]]
    assert sheet.max_row == 1 + 4 + 2
    total = dict(zip(header, sheet[6], strict=True))
    assert total["部门"].value == "汇总（2024 年，3 个部门；总分列为平均分）"
    assert total["部门"].font.bold
    assert Decimal(str(total["决算支出（万元）"].value)) == 390
    assert Decimal(str(total["支出执行率（%）"].value)) == Decimal("82.5")
    assert total["总分"].value == 80 and total["等级"].value == "优 1，中 1"
    assert total["错误"].value == 3


@pytest.mark.django_db
def test_a_year_with_no_evaluation_totals_no_error_count(client: Any, totals_region: Any) -> None:
    """汇总 of a year none of whose datasets is evaluated: 错误/警告 “—” like its rows, not 0."""
    from jixiao_web.datasets.models import Dataset
    from jixiao_web.orgs.models import Department

    department = Department.objects.get(name="甲局")
    Dataset.objects.create(region=department.region, department=department, year=2025)
    client.force_login(totals_region)
    response = client.get(reverse("region:dashboard"), {"year": "2025"})
    [row] = _total_cells(response.content.decode())
    assert row[0] == "汇总（2025 年，1 个部门）"
    assert row[-3:-1] == ["—", "—"], row
    sheet = load_workbook(
        io.BytesIO(client.get(reverse("region:export"), {"year": "2025"}).content)
    )
    total = dict(zip([c.value for c in sheet.active[1]], sheet.active[3], strict=True))
    assert (total["错误"].value, total["警告"].value) == (None, None)
