"""Evaluation stored from the engine's one service: figures, findings linked to rows, scorecard.

The demo's 广东省科学技术厅 2023 is evaluated when the demo loads; these tests evaluate
again through the page and read what was stored, comparing with the engine's own answer
on the same stored dataset (never a number typed here that the engine did not say,
except the example's published total 89.56, which the report states).
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.urls import reverse

from jixiao.evaluation import evaluate
from jixiao_web.datasets.convert import to_engine
from jixiao_web.datasets.models import ROW_MODELS
from jixiao_web.evaluation.models import Evaluation, StoredFinding

pytestmark = pytest.mark.django_db


def _evaluate(client: Any, dataset: Any) -> Evaluation:
    response = client.post(reverse("evaluation:evaluate", args=[dataset.pk]))
    assert response.status_code == 302, response.content.decode()[:500]
    return Evaluation.objects.filter(dataset=dataset).order_by("-pk").first()


def test_the_demo_is_evaluated_when_it_loads(science: Any, synthetic: Any) -> None:
    assert Evaluation.objects.filter(dataset=science).exists()
    assert Evaluation.objects.filter(dataset=synthetic).exists()


def test_an_evaluation_stores_what_the_engine_says(login: Any, science: Any) -> None:
    stored = _evaluate(login("dept-admin"), science)
    engine = evaluate(to_engine(science)[0])
    assert stored.total == "89.56" == format(engine.total, "f")
    assert (stored.grade, stored.grade_label) == ("良", "良好")
    assert stored.dataset_version == science.version
    assert stored.figures.count() == len(engine.figures)
    figure = stored.figures.get(figure_id="expenditure.final.total")
    assert (figure.text, figure.unit) == (engine.figures["expenditure.final.total"].text, "万元")
    assert [f.message for f in stored.findings.order_by("position")] == [
        f.message for f in engine.findings
    ]
    assert stored.errors == sum(1 for f in engine.errors())
    assert [i.code for i in stored.items.order_by("position")] == [
        r.code for r in engine.report_scorecard.rows
    ]
    assert stored.scorecard_total == "89.56"


#: finding code, the engine's location (table/row/column) → the stored row's table and field
LINKED = """
code                               table          column
indicator.not_met                  indicators     actual
units.institution_count_mismatch   profile        stated_institution_units
stated.mismatch                    stated         value
scoring.grade_mismatch             self_evaluation stated_grade
score.deduction_mismatch           scores         -
"""


@pytest.mark.parametrize(
    ("code", "table", "column"),
    [tuple(line.split()) for line in LINKED.strip().splitlines()[1:]],
)
def test_each_finding_links_to_its_stored_row_and_field(
    login: Any, science: Any, code: str, table: str, column: str
) -> None:
    stored = _evaluate(login("dept-admin"), science)
    finding = stored.findings.filter(code=code).order_by("position").first()
    assert finding is not None, code
    assert finding.row_table == table
    assert finding.row_column == ("" if column == "-" else column)
    row = ROW_MODELS[table].objects.get(pk=finding.row_id)
    assert row.dataset_id == science.pk


def test_the_not_met_indicator_is_the_row_that_says_so(login: Any, science: Any) -> None:
    stored = _evaluate(login("dept-admin"), science)
    finding = stored.findings.get(code="indicator.not_met")
    row = ROW_MODELS["indicators"].objects.get(pk=finding.row_id)
    assert row.name == "新增上市科技型企业数"
    assert finding.place == "绩效指标!A8"


def test_scorecard_findings_point_at_their_item(login: Any, science: Any) -> None:
    stored = _evaluate(login("dept-admin"), science)
    finding = stored.findings.filter(code="scoring.reference_differs").first()
    assert finding.score_code == "2.2"
    assert stored.items.filter(code="2.2").exists()


def test_an_edit_makes_the_stored_evaluation_out_of_date(login: Any, science: Any) -> None:
    client = login("dept-admin")
    _evaluate(client, science)
    page = client.get(reverse("datasets:detail", args=[science.pk])).content.decode()
    assert "89.56" in page and "结果可能已过时" not in page
    row = ROW_MODELS["indicators"].objects.get(dataset=science, name="新增上市科技型企业数")
    from jixiao_web.datasets.services import form_values

    values = form_values(row.spec, row)
    values["actual"] = "95"
    response = client.post(
        reverse("datasets:row_edit", args=[science.pk, "indicators", row.pk]),
        {**values, "version": row.version},
    )
    assert response.status_code in (200, 302), response.content.decode()[:800]
    page = client.get(reverse("datasets:detail", args=[science.pk])).content.decode()
    assert "结果可能已过时" in page
    stored = _evaluate(client, science)
    assert not stored.findings.filter(code="indicator.not_met", row_id=row.pk).exists()
    item = stored.items.get(code="1.1.7")  # 新增上市科技型企业数: now met, full marks
    assert item.score == item.points == "2.08"


def test_the_evaluation_page_shows_score_findings_and_scorecard(login: Any, science: Any) -> None:
    client = login("bureau-admin")
    response = client.get(reverse("evaluation:detail", args=[science.pk]))
    page = response.content.decode()
    assert response.status_code == 200
    for text in ("89.56", "良好", "发现的问题", "新增上市科技型企业数", "管理效率", "绩效指标!A8"):
        assert text in page, text


#: filter / sort / search of the findings list: query → codes that must (+) or must not (−) show
FILTERS = """
query                                 shows                          hides
severity=error                        +stated.mismatch               -indicator.not_met
severity=warning                      +indicator.not_met             -stated.mismatch
table=indicators                      +indicator.actual_missing      -stated.mismatch
table=scorecard                       +scoring.reference_differs     -indicator.not_met
q=上市科技型                          +indicator.not_met             -stated.mismatch
q=绩效指标!A8                         +indicator.not_met             -units.institution_count_mismatch
q=所称满分项                          +score.full_marks_mismatch     -indicator.not_met
"""


@pytest.mark.parametrize(
    ("query", "shows", "hides"),
    [tuple(line.split()) for line in FILTERS.strip().splitlines()[1:]],
)
def test_findings_filter_and_search(
    login: Any, science: Any, query: str, shows: str, hides: str
) -> None:
    client = login("dept-admin")
    page = client.get(reverse("evaluation:detail", args=[science.pk]) + "?" + query)
    listed = page.content.decode().split('id="finding-list"')[1].split("</table>")[0]
    assert shows[1:] in listed
    assert hides[1:] not in listed


def test_findings_sort_by_severity_puts_errors_first(login: Any, science: Any) -> None:
    client = login("dept-admin")
    page = client.get(reverse("evaluation:detail", args=[science.pk]) + "?sort=severity")
    listed = page.content.decode().split('id="finding-list"')[1]
    assert listed.index("sev-error") < listed.index("sev-warning") < listed.index("sev-info")


def test_a_finding_links_to_the_field_for_an_editor_and_the_table_line_for_others(
    login: Any, science: Any
) -> None:
    finding = StoredFinding.objects.filter(dataset=science, code="indicator.not_met").first()
    edit = reverse("datasets:row_edit", args=[science.pk, "indicators", finding.row_id])
    as_admin = login("dept-admin").get(reverse("evaluation:detail", args=[science.pk]))
    assert f"{edit}#f-actual" in as_admin.content.decode()
    as_bureau = login("bureau-admin").get(reverse("evaluation:detail", args=[science.pk]))
    table = reverse("datasets:table", args=[science.pk, "indicators"])
    assert f"{table}?page=1#row-{finding.row_id}" in as_bureau.content.decode()
    # and the table page has that line
    assert f'id="row-{finding.row_id}"' in login("bureau-admin").get(table).content.decode()


def test_figures_page_searches_the_stored_figures(login: Any, science: Any) -> None:
    client = login("evaluator")
    page = client.get(
        reverse("evaluation:figures", args=[science.pk]) + "?q=expenditure.final.total"
    )
    assert "expenditure.final.total" in page.content.decode()
    assert "income.final.total" not in page.content.decode()


def test_a_clerk_sees_no_evaluation_on_the_dataset_page(login: Any, science: Any) -> None:
    page = login("unit-clerk").get(reverse("datasets:detail", args=[science.pk])).content.decode()
    assert "评价结果" not in page


#: the home list (工作台) as the bureau sees it: query → departments listed, in order
HOME = """
query                 listed
q=科学技术            广东省科学技术厅
q=合成                合成示范厅（演示）
sort=name             合成示范厅（演示）,广东省科学技术厅
year=2023&sort=name   合成示范厅（演示）,广东省科学技术厅
year=1999             广东省科学技术厅,合成示范厅（演示）
"""


@pytest.mark.parametrize(
    ("query", "listed"), [tuple(line.split()) for line in HOME.strip().splitlines()[1:]]
)
def test_the_home_list_filters_sorts_and_searches(login: Any, query: str, listed: str) -> None:
    page = login("bureau-admin").get(reverse("datasets:home") + "?" + query).content.decode()
    table = page.split("<tbody>")[1].split("</tbody>")[0] if "<tbody>" in page else ""
    names = re.findall(r'<a href="/datasets/\d+/">([^<]+)</a>', table)
    assert names == listed.split(",")


def test_the_findings_kind_is_named_in_chinese_with_its_code_on_hover(
    login: Any, science: Any
) -> None:
    """类别 showed codes (score.full_marks_mismatch, project.over_budget) to a 财务处 officer."""
    import re

    client = login("dept-admin")
    page = client.get(reverse("evaluation:detail", args=[science.pk])).content.decode()
    listed = page.split('id="finding-list"')[1].split("</table>")[0]
    kinds = re.findall(r'<td title="([a-z_.]+)">([^<]*)</td>', listed)
    assert kinds
    assert ("score.full_marks_mismatch", "所称满分项实有扣分") in kinds
    assert all(re.search(r"[\u4e00-\u9fff]", title) for _, title in kinds), kinds
