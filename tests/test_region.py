"""A region: the organisation hierarchy as data, and many departments consolidated."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from jixiao.dataset.build import DatasetError
from jixiao.evaluation import Evaluation, evaluate
from jixiao.io.formats import load_dataset
from jixiao.region import Level, Org, OrgKind, OrgTree, consolidate
from jixiao.synthetic import synthetic_departments

F, D, V, U = OrgKind.FINANCE, OrgKind.DEPARTMENT, OrgKind.DIVISION, OrgKind.UNIT

PROVINCE = (
    Org("440000", "广东省财政厅", F, level=Level.PROVINCE),
    Org("440100", "广州市财政局", F, "440000", Level.CITY),
    Org("144", "广东省科学技术厅", D, "440000"),
    Org("144-1", "财务处", V, "144"),
    Org("144001", "广东省科学技术厅本级", U, "144"),
    Org("144002", "广东省科学技术情报研究所", U, "144"),
    Org("144002-1", "二级单位", U, "144002"),
    Org("201", "广州市科学技术局", D, "440100"),
)


def test_the_tree_answers_whose_department_and_which_region() -> None:
    tree = OrgTree(PROVINCE)
    assert [o.code for o in tree.roots()] == ["440000"]
    assert [o.code for o in tree.children("144")] == ["144-1", "144001", "144002"]
    assert tree.nearest("144002-1", D) == tree.get("144")
    assert tree.nearest("144002-1", F) == tree.get("440000")
    assert tree.nearest("201", F) == tree.get("440100")
    assert [o.code for o in tree.ancestors("144002-1")] == ["144002", "144", "440000"]
    assert len(tree.descendants("440000")) == len(PROVINCE) - 1


# (an organisation added to the province) → the message naming what is wrong
BAD = [
    (Org("144", "重复", D, "440000"), "编码“144”重复"),
    (Org("300", "无上级部门", D), "主管部门“无上级部门”没有上级"),
    (Org("301", "孤儿单位", U, "999"), "上级编码“999”不存在"),
    (Org("302", "挂错的单位", U, "440000"), "上级“广东省财政厅”是财政部门，应为主管部门或预算单位"),
    (Org("303", "挂在处室下的处室", V, "144-1"), "应为主管部门"),
]


@pytest.mark.parametrize(("org", "message"), BAD)
def test_a_bad_tree_is_refused_with_every_problem_named(org: Org, message: str) -> None:
    with pytest.raises(DatasetError) as caught:
        OrgTree((*PROVINCE, org))
    assert any(message in e.message for e in caught.value.errors), caught.value.errors


def test_a_cycle_is_named() -> None:
    cycle = (
        Org("1", "甲财政", F, "2"),
        Org("2", "乙财政", F, "1"),
    )
    with pytest.raises(DatasetError) as caught:
        OrgTree(cycle)
    assert all("循环" in e.message for e in caught.value.errors)


@pytest.fixture(scope="module")
def region(example_yaml: Path) -> dict[str, Evaluation]:
    evaluations = {f"D{i}": evaluate(d) for i, d in enumerate(synthetic_departments(3, 5))}
    evaluations["GDSTC"] = evaluate(load_dataset(example_yaml))
    return evaluations


def test_the_region_sums_exactly_and_recomputes_its_ratios(
    region: dict[str, Evaluation],
) -> None:
    result = consolidate(region)
    total = result.totals["region.expenditure.final.total"]
    parts = [e.figures.value("expenditure.final.total") for e in region.values()]
    assert total.value == sum((p for p in parts if p is not None), Decimal(0))
    assert set(total.inputs) == {f"{k}:expenditure.final.total" for k in region}
    budget = result.totals["region.expenditure.budget.total"].value
    ratio = result.totals["region.expenditure.final.ratio_to_budget"]
    assert budget is not None and total.value is not None
    assert ratio.value == total.value / budget * 100  # of the sums, not an average of ratios
    assert result.totals["region.units.count"].value == 3 * 5 + 10


def test_the_table_shows_each_department_once_ranked_by_complete_scores(
    region: dict[str, Evaluation],
) -> None:
    result = consolidate(region)
    assert [r.key for r in result.rows] == list(region)
    gdstc = next(r for r in result.rows if r.key == "GDSTC")
    assert (gdstc.name, str(gdstc.total), gdstc.grade, gdstc.complete) == (
        "广东省科学技术厅",
        "89.56",
        "良",
        True,
    )
    assert str(gdstc.values["expenditure.final.total"]) == "615883.73"
    ranked = result.ranked()
    totals = [r.total for r in ranked if r.complete]
    assert totals == sorted(totals, reverse=True)
    assert sum(result.grades.values()) == len(region)
    by_ratio = result.ranked("expenditure.final.ratio_to_budget")
    assert by_ratio[0].key == "GDSTC"  # 341.70%: the largest 预决算偏离 of the region


def test_synthetic_departments_are_scored_completely_under_their_framework() -> None:
    evaluation = evaluate(synthetic_departments(1, 3)[0])
    assert evaluation.scorecard is not None and evaluation.scorecard.complete
    assert evaluation.grade in {"优", "良", "中", "差"}
