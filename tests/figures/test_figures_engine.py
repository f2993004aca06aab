"""How figures are derived: trees, consolidation, None semantics, target completion."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jixiao.dataset.model import Dataset
from jixiao.figures import AREAS, Figure, FigureSet, compute_figures
from jixiao.figures.trees import build_tree
from jixiao.io.textform import read_text_form

D = Decimal


def figures_of(text: str) -> FigureSet:
    return compute_figures(read_text_form(text, "test.yaml"))


def test_a_missing_parent_is_the_sum_of_its_children() -> None:
    figs = figures_of(
        """
income:
  - {item: 一般公共预算财政拨款收入, final: 100.10}
  - {item: 政府性基金预算财政拨款收入, final: 20.02}
  - {item: 事业收入, final: 5}
"""
    )
    assert figs["income.final.财政拨款收入"].value == D("120.12")
    assert figs["income.final.财政拨款收入"].formula == (
        "一般公共预算财政拨款收入决算数 + 政府性基金预算财政拨款收入决算数"
    )
    assert figs["income.final.total"].value == D("125.12")


def test_a_parent_given_in_the_data_is_used_as_stated() -> None:
    # The children disagree with the parent: the figure keeps the stated parent (the
    # checks report the difference).
    figs = figures_of(
        """
income:
  - {item: 财政拨款收入, final: 100}
  - {item: 一般公共预算财政拨款收入, final: 90}
"""
    )
    assert figs["income.final.财政拨款收入"].value == D(100)
    assert figs["income.final.财政拨款收入"].formula == "填报数"
    assert figs["income.final.total"].value == D(100)


def test_a_function_class_sums_its_kuan() -> None:
    figs = figures_of(
        """
expenditure_function:
  - {item: "20601", budget: 10}
  - {item: "20602", budget: 2.5}
  - {item: "20801", budget: 1}
"""
    )
    assert figs["expenditure.function.budget.206"].value == D("12.5")
    assert figs["expenditure.function.budget.total"].value == D("13.5")
    assert figs["expenditure.function.budget.share.206"].text == "92.59"


UNITS = """
units:
  - {code: "001", name: 本级, kind: 行政机关}
  - {code: "002", name: 中心, kind: 公益一类}
"""


def test_the_department_is_the_consolidation_when_only_units_are_given() -> None:
    figs = figures_of(
        UNITS
        + """
income:
  - {unit: "001", item: 事业收入, budget: 10, final: 12}
  - {unit: "002", item: 事业收入, budget: 5, final: 3}
  - {unit: "002", item: 其他收入, final: 1}
"""
    )
    assert figs["income.final.事业收入"].value == D(15)
    assert figs["income.final.total"].value == D(16)
    assert figs["income.final.ratio_to_budget.事业收入"].value == D(100)
    assert figs["unit.001.income.final.total"].value == D(12)
    assert figs["unit.002.income.final.ratio_to_budget"].text == "80.00"  # (3 + 1) ÷ 5
    assert figs["consolidated.income.final.事业收入"].value == D(15)


def test_department_rows_win_over_unit_rows() -> None:
    figs = figures_of(
        UNITS
        + """
income:
  - {item: 事业收入, final: 20}
  - {unit: "001", item: 事业收入, final: 12}
  - {unit: "002", item: 事业收入, final: 3}
"""
    )
    assert figs["income.final.事业收入"].value == D(20)
    assert figs["consolidated.income.final.事业收入"].value == D(15)


@pytest.mark.parametrize(
    ("current", "prior", "change", "growth"),
    [
        ("86.03", "2.28", "83.75", "3673.25"),
        ("4.46", "2.19", "2.27", "103.65"),
        ("1", "0", "1.00", None),  # growth on a zero base: None, never 0 or infinite
    ],
)
def test_year_on_year_change_and_growth(
    current: str, prior: str, change: str, growth: str | None
) -> None:
    figs = figures_of(
        f"three_public:\n  - {{item: 公务接待费, final: {current}, prior: {prior}}}\n"
    )
    assert figs["three_public.change.公务接待费"].text == change
    assert figs["three_public.growth.公务接待费"].json_value == growth


@pytest.mark.parametrize(
    ("sign", "target", "actual", "qual", "rate", "met"),
    [
        ("≥", "90", "50", "", "55.56", "0"),
        ("≥", "90", "90", "", "100.00", "1"),
        ("＞", "90", "90", "", "100.00", "0"),
        ("≤", "5", "4", "", "125.00", "1"),  # smaller is better: rate = target ÷ actual
        ("≤", "5", "8", "", "62.50", "0"),
        ("＜", "5", "5", "", "100.00", "0"),
        ("＝", "100", "100", "", "100.00", "1"),
        ("＝", "100", "99", "", "99.00", "0"),
        ("≥", "90", None, "", None, None),  # no actual: not computable
        ("≥", "0", "3", "", None, "1"),  # zero target: no rate, but met
        ("≤", "5", "0", "", None, "1"),  # zero actual of a “≤” target: no rate, but met
        ("＞", "-3", "-5", "", None, "0"),  # negatives: −5 ÷ −3 would read 166.67% for a miss
        ("≤", "-5", "-8", "", None, "1"),  # … and 62.50% for a hit
        ("定性", None, None, "达成", None, "1"),
        ("定性", None, None, "部分达成", None, "0"),
        ("定性", None, None, "", None, None),
    ],
)
def test_target_completion_honours_the_direction(
    sign: str, target: str | None, actual: str | None, qual: str, rate: str | None, met: str | None
) -> None:
    fields = [f"sign: '{sign}'", "name: 指标", "level1: 产出指标"]
    fields += [f"target: {target}"] if target is not None else []
    fields += [f"actual: {actual}"] if actual is not None else []
    fields += [f"qual_grade: {qual}"] if qual else []
    figs = figures_of(
        "goals:\n  - {code: G1, content: 目标}\n"
        f"indicators:\n  - {{owner: G1, {', '.join(fields)}}}\n"
    )
    assert figs["indicator.G1.指标.completion_rate"].json_value == rate
    assert figs["indicator.G1.指标.met"].json_value == met


def test_carryover_falls_back_to_the_sum_of_funds() -> None:
    figs = figures_of(
        """
carryover:
  - {fund: 财政拨款, opening: 100, closing: 80}
  - {fund: 非财政拨款, opening: 20, closing: 30}
"""
    )
    assert figs["carryover.opening"].value == D(120)
    assert figs["carryover.change"].value == D(-10)
    assert figs["carryover.财政拨款.change_rate"].text == "-20.00"


def test_the_carryover_flow_uses_income_expenditure_and_adjustments() -> None:
    figs = figures_of(
        """
income: [{item: 事业收入, final: 50}]
expenditure_nature: [{item: 项目支出, final: 40}]
carryover: [{fund: 合计, opening: 100, closing: 105, adjustments: -3}]
"""
    )
    assert figs["carryover.flow_expected"].value == D(107)
    assert figs["carryover.flow_gap"].value == D(-2)


def test_score_parents_not_given_sum_their_children() -> None:
    figs = figures_of(
        """
scores:
  - {code: "2", name: 管理效率}
  - {code: "2.1", name: 预算编制, points: 5, score: 1}
  - {code: "2.2", name: 预算执行, points: 4, score: 3.42}
"""
    )
    assert figs["score.2.points"].value == D(9)
    assert figs["score.2.score"].text == "4.42"
    assert figs["score.2.deduction"].text == "4.58"
    assert figs["score.score_total"].text == "4.42"


def test_project_execution_rate_uses_the_adjusted_budget_when_given() -> None:
    figs = figures_of(
        """
projects:
  - {code: P1, name: 项目甲, budget: 100, adjusted: 80, executed: 60}
  - {code: P2, name: 项目乙, budget: 50, executed: 50}
"""
    )
    assert figs["project.P1.execution_rate"].text == "75.00"
    assert figs["project.P2.execution_rate"].text == "100.00"
    assert figs["projects.execution_rate"].text == "84.62"


def test_an_empty_dataset_gives_fixed_figures_without_values() -> None:
    figs = compute_figures(Dataset())
    assert figs["carryover.change"].value is None
    assert figs["headcount.total"].value is None
    assert figs["units.count"].value == 0
    assert not figs.with_prefix("income.")


def test_every_area_is_registered_once() -> None:
    names = [name for name, _ in AREAS]
    assert len(names) == len(set(names))
    assert names[0] == "income"


@pytest.mark.parametrize(
    ("unit", "value", "text"),
    [
        ("万元", "617056.544", "617,056.54"),
        ("%", "342.345", "342.35"),
        ("人", "898", "898"),
        ("分", "89.555", "89.56"),
        ("万元", "-1198.045", "-1,198.05"),
        ("%", "-0.001", "0.00"),  # no “-0.00”
    ],
)
def test_figures_print_half_up_with_thousands_separators_for_money(
    unit: str, value: str, text: str
) -> None:
    places = 0 if unit == "人" else 2
    assert Figure("x", "x", D(value), unit, places).text == text


@settings(max_examples=100, deadline=None)
@given(
    st.dictionaries(
        st.sampled_from(["2060101", "2060102", "20602", "2080501", "20101"]),
        st.decimals(min_value=0, max_value=Decimal("1e9"), places=2),
        min_size=1,
    )
)
def test_a_tree_of_leaves_totals_to_their_sum_and_every_parent_to_its_children(
    given_values: dict[str, Decimal],
) -> None:
    tree = build_tree(given_values, "function")
    assert tree.total == sum(given_values.values(), Decimal(0))
    for parent, kids in tree.children.items():
        assert tree.values[parent] == sum((tree.values[k] for k in kids), Decimal(0))
    assert set(tree.post_order()) == set(tree.items()) == set(tree.values)
