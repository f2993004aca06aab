"""Every figure the seed report prints, recomputed exactly as printed.

Each row is (figure id, the text the seed prints). The seed's own wrong figures are
listed with the correct value and the wrong one in a comment: 决算支出 is 341.70% of
the budget (the seed prints 241.70%), 其他商品和服务支出 is 94.07% of 商品和服务支出
(the seed prints 94.10%). Runs on the small fixture and on the bundled example.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from jixiao.figures import FigureSet, compute_figures
from jixiao.io.formats import load_dataset
from jixiao.io.textform import load_text_form

SEED_FIXTURE = Path(__file__).resolve().parent.parent / "data" / "seed-money.yaml"

#: (figure id, value as the seed prints it)
SEED_FIGURES: list[tuple[str, str]] = [
    # 2. 部门预算编制情况
    ("income.budget.total", "180,242.93"),
    ("income.budget.财政拨款收入", "150,442.48"),
    ("income.budget.事业收入", "12,268.70"),
    ("income.budget.经营收入", "2,000.00"),
    ("income.budget.其他收入", "15,531.75"),
    ("expenditure.budget.total", "180,242.93"),
    ("expenditure.function.budget.total", "180,242.93"),
    ("expenditure.function.budget.206", "173,262.26"),
    ("expenditure.function.budget.208", "6,379.17"),
    ("expenditure.function.budget.201", "566.50"),
    ("expenditure.function.budget.207", "35.00"),
    ("expenditure.nature.budget.基本支出", "39,855.33"),
    ("expenditure.nature.budget.人员经费", "31,373.05"),
    ("expenditure.nature.budget.日常公用经费", "8,482.28"),
    ("expenditure.nature.budget.项目支出", "140,387.60"),
    # 3.(1) 决算收入
    ("income.final.total", "617,056.54"),
    ("income.final.ratio_to_budget", "342.35"),
    ("income.final.财政拨款收入", "592,519.16"),
    ("income.final.一般公共预算财政拨款收入", "592,519.16"),
    ("income.final.share.财政拨款收入", "96.02"),
    ("income.final.事业收入", "12,021.60"),
    ("income.final.share.事业收入", "1.95"),
    ("income.final.其他收入", "8,618.66"),
    ("income.final.share.其他收入", "1.40"),
    ("income.final.经营收入", "3,897.12"),
    ("income.final.share.经营收入", "0.63"),
    ("income.final.ratio_to_budget.财政拨款收入", "393.85"),
    ("income.final.ratio_to_budget.经营收入", "194.86"),
    ("income.final.ratio_to_budget.其他收入", "55.49"),
    # 3.(2) 决算支出
    ("expenditure.final.total", "615,883.73"),
    ("expenditure.final.ratio_to_budget", "341.70"),  # the seed prints 241.70
    ("expenditure.nature.final.基本支出", "35,480.92"),
    ("expenditure.nature.final.ratio_to_budget.基本支出", "89.02"),
    ("expenditure.nature.final.人员经费", "29,615.67"),
    ("expenditure.nature.final.ratio_to_budget.人员经费", "94.40"),
    ("expenditure.nature.final.日常公用经费", "5,865.25"),
    ("expenditure.nature.final.ratio_to_budget.日常公用经费", "69.15"),
    ("expenditure.nature.final.项目支出", "578,025.85"),
    ("expenditure.nature.final.ratio_to_budget.项目支出", "411.74"),
    ("expenditure.economic.final.项目支出.302", "554,632.54"),
    ("expenditure.economic.final.share_of_nature.项目支出.302", "95.95"),
    ("expenditure.economic.final.项目支出.30299", "521,728.73"),
    ("expenditure.economic.final.share_of_parent.项目支出.30299", "94.07"),  # the seed prints 94.10
    ("expenditure.economic.final.项目支出.30227", "16,574.62"),
    ("expenditure.economic.final.share_of_parent.项目支出.30227", "2.99"),
    ("expenditure.nature.final.经营支出", "2,376.96"),
    # 二、(三) 7.(2) “三公”经费
    ("three_public.final.total", "160.66"),
    ("three_public.budget.total", "223.36"),
    ("three_public.saving", "62.70"),
    ("three_public.final.因公出国（境）费", "86.03"),
    ("three_public.final.公务用车购置及运行维护费", "70.17"),
    ("three_public.final.公务接待费", "4.46"),
    ("three_public.trips.groups", "19"),
    ("three_public.trips.persons", "48"),
    ("three_public.change", "106.83"),
    ("three_public.growth", "198.46"),
    ("three_public.change.因公出国（境）费", "83.75"),
    ("three_public.growth.因公出国（境）费", "3673.25"),
    ("three_public.change.公务用车运行维护费", "20.81"),
    ("three_public.growth.公务用车运行维护费", "42.16"),
    ("three_public.change.公务接待费", "2.27"),
    ("three_public.growth.公务接待费", "103.65"),
    # 二、(四) 1. 结转结余: 减少 1,198.05 万元，减幅 1.84%
    ("carryover.closing", "63,999.08"),
    ("carryover.opening", "65,197.13"),
    ("carryover.change", "-1,198.05"),
    ("carryover.change_rate", "-1.84"),
    # 一、(一) 机构设置: 人员、单位
    ("headcount.total", "898"),
    ("headcount.active_plus_retired", "898"),
    ("headcount.active", "590"),
    ("headcount.retired", "308"),
    ("headcount.retired_pension_fund", "187"),
    ("headcount.survivors", "2"),
    ("units.count", "10"),
    ("units.count_admin", "1"),
    ("units.count_institution", "9"),  # the seed says 10 事业单位; its table 1 lists 9
    ("units.change_vs_prior", "-1"),
    # 新增上市科技型企业 90 家 vs 50
    ("indicator.5.新增上市科技型企业数.completion_rate", "55.56"),
    ("indicator.5.新增上市科技型企业数.met", "0"),
    # 二、(一)(三) 自评得分
    ("score.score_total", "89.56"),
    ("score.2.score", "39.56"),
    ("score.2.1.deduction", "4.00"),
    ("score.2.2.deduction", "0.58"),
    ("score.2.4.deduction", "1.50"),  # the seed says 扣 1 分
    ("score.2.7.score", "1.64"),
]


@pytest.fixture(scope="module")
def seed_figures() -> FigureSet:
    return compute_figures(load_text_form(SEED_FIXTURE))


@pytest.mark.parametrize(("figure_id", "printed"), SEED_FIGURES)
def test_it_reproduces_each_seed_figure_as_printed(
    seed_figures: FigureSet, figure_id: str, printed: str
) -> None:
    assert seed_figures[figure_id].text == printed


#: The same ids on the bundled example (its goal numbering differs from the fixture's).
EXAMPLE_FIGURES = [(i, p) for i, p in SEED_FIGURES if not i.startswith("indicator.")]


@pytest.fixture(scope="module", params=["yaml", "xlsx"])
def example_figures(
    request: pytest.FixtureRequest, example_yaml: Path, example_xlsx: Path
) -> FigureSet:
    return compute_figures(load_dataset(example_yaml if request.param == "yaml" else example_xlsx))


@pytest.mark.parametrize(("figure_id", "printed"), EXAMPLE_FIGURES)
def test_the_bundled_example_reproduces_each_seed_figure(
    example_figures: FigureSet, figure_id: str, printed: str
) -> None:
    assert example_figures[figure_id].text == printed


def test_the_example_finds_the_unmet_listing_target(example_figures: FigureSet) -> None:
    (rate,) = [
        f
        for f in example_figures.values()
        if f.id.endswith(".completion_rate") and f.label.startswith("新增上市科技型企业")
    ]
    assert rate.text == "55.56"
    assert example_figures[rate.id.replace("completion_rate", "met")].value == 0


def test_it_prints_json_values_rounded_without_separators(seed_figures: FigureSet) -> None:
    document = seed_figures.to_json()
    by_id = {f["id"]: f for f in document["figures"]}
    assert by_id["income.final.total"]["value"] == "617056.54"
    assert by_id["income.final.ratio_to_budget"]["value"] == "342.35"
    assert by_id["income.final.ratio_to_budget"]["unit"] == "%"
    assert by_id["income.final.ratio_to_budget"]["inputs"] == {
        "income.final.total": "617056.54",
        "income.budget.total": "180242.93",
    }
    assert set(by_id["carryover.change"]) == {"id", "label", "value", "unit", "formula", "inputs"}


def test_a_ratio_against_a_zero_budget_is_none_not_zero(seed_figures: FigureSet) -> None:
    # 经营支出: 年初预算 0, 决算 2,376.96 — "年初预算为 0", no ratio.
    figure = seed_figures["expenditure.nature.final.ratio_to_budget.经营支出"]
    assert figure.value is None
    assert figure.json_value is None
    assert figure.text == "—"


def test_it_labels_figures_in_chinese_with_a_readable_formula(seed_figures: FigureSet) -> None:
    figure = seed_figures["income.final.ratio_to_budget"]
    assert figure.label == "决算收入合计为年初预算的比例"
    assert figure.formula == "决算收入合计 ÷ 年初预算收入合计 × 100%"
