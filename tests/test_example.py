"""The bundled example holds the seed report (广东省科学技术厅 2023 年度部门整体支出绩效自评报告).

Every expected value below is a number printed in the seed report; a reviewer can check
each row against it. Values the report does not print (上年“三公”经费) are derived from the
increases it states, and the tests check that derivation too.
"""

from __future__ import annotations

from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest

from jixiao.dataset.model import ADMIN_UNIT_KINDS, INSTITUTION_UNIT_KINDS, Dataset, MoneyLine
from jixiao.figures import compute_figures
from jixiao.io.formats import load_dataset
from jixiao.io.textform import load_text_form, read_text_form, write_text_form

D = Decimal


@pytest.fixture(scope="module")
def example(example_yaml: Path) -> Dataset:
    return load_text_form(example_yaml)


def _line(lines: tuple[MoneyLine, ...], item: str) -> MoneyLine:
    (line,) = [x for x in lines if x.item == item and not x.unit]
    return line


def _sum(values: list[Decimal | None]) -> Decimal:
    return sum((v for v in values if v is not None), D(0))


# --------------------------------------------------------------------------- profile


@pytest.mark.parametrize(
    ("field", "expected"),
    [
        ("department_name", "广东省科学技术厅"),
        ("year", 2023),
        ("amount_unit", "万元"),
        ("stated_unit_count", 10),  # 封面：下属二级预算单位数量 10 家
        ("stated_admin_units", 1),  # “包括1个行政单位和10个事业单位”，照录
        ("stated_institution_units", 10),
        ("independent_accounting_units", 10),
        ("prior_unit_count", 11),  # 与上年相比减少1户
        ("headcount_total", 898),
        ("headcount_active", 590),
        ("headcount_retired", 308),
        ("headcount_retired_pension_fund", 187),
        ("headcount_survivors", 2),
        ("trips_groups", 19),
        ("trips_persons", 48),
    ],
)
def test_it_states_the_profile_as_the_seed_prints_it(
    example: Dataset, field: str, expected: object
) -> None:
    assert getattr(example.profile, field) == expected


def test_it_was_filled_on_the_seed_date(example: Dataset) -> None:
    assert example.profile.fill_date is not None
    assert example.profile.fill_date.isoformat() == "2024-05-11"


def test_it_adds_up_the_headcount(example: Dataset) -> None:
    p = example.profile
    assert p.headcount_active is not None and p.headcount_retired is not None
    assert p.headcount_active + p.headcount_retired == p.headcount_total


# --------------------------------------------------------------------------- units and divisions


@pytest.mark.parametrize(
    ("code", "name", "kind"),
    [
        ("163001", "广东省科学技术厅（本级）", "行政机关"),
        ("163002", "广东省科技创新监测研究中心", "公益二类"),
        ("163003", "广东省科技合作研究促进中心", "公益二类"),
        ("163004", "广东省技术经济研究发展中心", "公益一类"),
        ("163005", "广东省科学技术情报研究所", "公益二类"),
        ("163006", "广东省科技基础条件平台中心", "公益二类"),
        ("163011", "广东省生产力促进中心", "公益一类"),
        ("163052", "广东省实验动物监测所", "公益一类"),
        ("163057", "广东科学中心", "公益一类"),
        ("163061", "广东省基础与应用基础研究基金委员会", "公益一类"),
    ],
)
def test_it_lists_the_units_of_table_1(example: Dataset, code: str, name: str, kind: str) -> None:
    unit = example.unit_by_code()[code]
    assert (unit.name, unit.kind) == (name, kind)


def test_it_has_ten_units_one_of_them_administrative(example: Dataset) -> None:
    # Table 1 has 1 + 9 units while the text claims 1 + 10: the checks must find that.
    kinds = [u.kind for u in example.units]
    assert len(kinds) == 10
    assert sum(k in ADMIN_UNIT_KINDS for k in kinds) == 1
    assert sum(k in INSTITUTION_UNIT_KINDS for k in kinds) == 9
    p = example.profile
    assert (p.stated_admin_units or 0) + (p.stated_institution_units or 0) == 11


def test_it_lists_the_seventeen_divisions(example: Dataset) -> None:
    names = [d.name for d in example.divisions]
    assert len(names) == len(set(names)) == 17
    assert names[0] == "办公室"
    assert names[-1] == "机关党委"


# --------------------------------------------------------------------------- money


@pytest.mark.parametrize(
    ("item", "budget", "final"),
    [
        ("财政拨款收入", "150442.48", "592519.16"),
        ("一般公共预算财政拨款收入", None, "592519.16"),
        ("事业收入", "12268.70", "12021.60"),
        ("经营收入", "2000.00", "3897.12"),
        ("其他收入", "15531.75", "8618.66"),
    ],
)
def test_it_states_each_income_line(
    example: Dataset, item: str, budget: str | None, final: str
) -> None:
    line = _line(example.income, item)
    assert line.budget == (D(budget) if budget else None)
    assert line.final == D(final)


def test_it_explains_every_income_variance(example: Dataset) -> None:
    assert all(line.note for line in example.income)


def test_its_income_adds_up_to_the_seed_totals(example: Dataset) -> None:
    top = [x for x in example.income if x.item != "一般公共预算财政拨款收入"]
    assert _sum([x.budget for x in top]) == D("180242.93")  # 年初预算收入
    assert _sum([x.final for x in top]) == D("617056.54")  # 决算收入合计


@pytest.mark.parametrize(
    ("code", "budget"),
    [("206", "173262.26"), ("208", "6379.17"), ("201", "566.50"), ("207", "35")],
)
def test_it_states_the_budget_by_function(example: Dataset, code: str, budget: str) -> None:
    line = _line(example.expenditure_function, code)
    assert (line.budget, line.final) == (D(budget), None)


def test_its_function_budget_adds_up_to_the_budget_total(example: Dataset) -> None:
    assert _sum([x.budget for x in example.expenditure_function]) == D("180242.93")


@pytest.mark.parametrize(
    ("item", "budget", "final"),
    [
        ("基本支出", "39855.33", "35480.92"),
        ("人员经费", "31373.05", "29615.67"),
        ("日常公用经费", "8482.28", "5865.25"),
        ("项目支出", "140387.60", "578025.85"),
        ("经营支出", "0", "2376.96"),
    ],
)
def test_it_states_each_nature_line(example: Dataset, item: str, budget: str, final: str) -> None:
    line = _line(example.expenditure_nature, item)
    assert (line.budget, line.final) == (D(budget), D(final))


def test_its_basic_expenditure_is_personnel_plus_public(example: Dataset) -> None:
    basic, staff, public = (
        _line(example.expenditure_nature, i) for i in ("基本支出", "人员经费", "日常公用经费")
    )
    assert _sum([staff.budget, public.budget]) == basic.budget
    assert _sum([staff.final, public.final]) == basic.final


def test_its_expenditure_adds_up_to_the_seed_totals(example: Dataset) -> None:
    top = [_line(example.expenditure_nature, i) for i in ("基本支出", "项目支出", "经营支出")]
    assert _sum([x.budget for x in top]) == D("180242.93")  # 年初预算支出
    assert _sum([x.final for x in top]) == D("615883.73")  # 决算支出合计


@pytest.mark.parametrize(
    ("code", "final"), [("302", "554632.54"), ("30299", "521728.73"), ("30227", "16574.62")]
)
def test_it_states_the_project_spending_by_economic_class(
    example: Dataset, code: str, final: str
) -> None:
    (line,) = [x for x in example.expenditure_economic if x.item == code]
    assert (line.nature, line.final) == ("项目支出", D(final))


@pytest.mark.parametrize(
    ("item", "budget", "final", "prior"),
    [
        ("三公经费合计", "223.36", "160.66", "53.83"),
        ("因公出国（境）费", None, "86.03", "2.28"),
        ("公务用车购置及运行维护费", None, "70.17", "49.36"),
        ("公务用车购置费", None, "0", "0"),
        ("公务用车运行维护费", None, "70.17", "49.36"),
        ("公务接待费", None, "4.46", "2.19"),
    ],
)
def test_it_states_each_three_public_line(
    example: Dataset, item: str, budget: str | None, final: str, prior: str
) -> None:
    line = _line(example.three_public, item)
    assert line.budget == (D(budget) if budget else None)
    assert (line.final, line.prior) == (D(final), D(prior))


@pytest.mark.parametrize(
    ("item", "increase"),
    [
        ("三公经费合计", "106.83"),  # 较上年同口径增加106.83万元
        ("因公出国（境）费", "83.75"),  # 本年度比上年度增加 83.75 万元
        ("公务用车运行维护费", "20.81"),
        ("公务接待费", "2.27"),
    ],
)
def test_its_prior_three_public_reproduces_the_stated_increase(
    example: Dataset, item: str, increase: str
) -> None:
    line = _line(example.three_public, item)
    assert line.final is not None and line.prior is not None
    assert line.final - line.prior == D(increase)


def test_its_three_public_parts_add_up(example: Dataset) -> None:
    parts = [
        _line(example.three_public, i)
        for i in ("因公出国（境）费", "公务用车购置及运行维护费", "公务接待费")
    ]
    total = _line(example.three_public, "三公经费合计")
    assert _sum([x.final for x in parts]) == total.final
    assert _sum([x.prior for x in parts]) == total.prior
    assert total.budget is not None and total.final is not None
    assert total.budget - total.final == D("62.70")  # 节约62.70万元


def test_it_states_the_carry_over(example: Dataset) -> None:
    (row,) = example.carryover
    assert (row.fund, row.opening, row.closing) == ("合计", D("65197.13"), D("63999.08"))
    assert row.opening is not None and row.closing is not None
    assert row.opening - row.closing == D("1198.05")  # 减少 1,198.05 万元


@pytest.mark.parametrize(
    ("field", "expected"),
    [
        ("fixed_assets_value", D("4548.72")),
        ("building_area", D("25519.52")),
        ("vehicles", 5),
        ("large_equipment", 1),
        ("new_assets_value", D("309.09")),
        ("new_assets_desc", "信息化系统、公务用车、办公设备及家具等"),
    ],
)
def test_it_states_the_assets(example: Dataset, field: str, expected: object) -> None:
    assert getattr(example.assets, field) == expected


# --------------------------------------------------------------------------- targets and tasks


def test_it_holds_the_key_task_table(example: Dataset) -> None:
    per_plan = Counter(t.plan for t in example.key_tasks)
    assert list(per_plan.values()) == [3, 5, 4, 5, 4]
    assert list(per_plan)[4] == "实施科技助力“百千万工程”行动，促进县镇村形成创新发展新格局"
    assert all(t.result for t in example.key_tasks)


def test_it_joins_task_results_split_across_pages(example: Dataset) -> None:
    (talent,) = [t for t in example.key_tasks if t.task == "系统推进人才引育和管理服务"]
    assert "外籍“高精尖缺”人才认定标准改革" in talent.result
    assert talent.result.endswith("研发人员达 135 万人。")


def test_it_has_the_seven_overall_goals(example: Dataset) -> None:
    assert [g.code for g in example.goals] == [str(i) for i in range(1, 8)]
    assert (
        example.goals[4].content
        == "加大金融支持创新力度，促进科技金融深度融合。2023 年实现推动新增上市科技型企业 90 家的预期目标。"
    )


@pytest.mark.parametrize(
    ("name", "sign", "target", "unit", "actual", "horizon"),
    [
        ("重大基础研究原创成果数", "定性", None, "项", None, "年度"),
        ("核心技术突破数", "≥", "100", "项", None, "中期"),
        ("建设新型研发机构（高水平创新研究院）数", "≥", "230", "家", None, "年度"),
        ("支持省属科研机构高质量发展数", "≥", "33", "家", None, "年度"),
        ("建成综合类国家技术创新中心数", "≥", "1", "个", None, "中期"),
        ("新增上市科技型企业数", "≥", "90", "家", "50", "年度"),
        ("引进和培养各类高层次人才数（不含省重大人才工程）", "≥", "300", "名", None, "年度"),
        ("支持国际和粤港澳科技合作项目数", "≥", "47", "项", None, "年度"),
        ("当年评审科技奖励项目数", "≥", "180", "项", None, "年度"),
        ("乡村振兴科技服务次数", "≥", "9800", "次", None, "年度"),
        ("国家高新区综合排名", "定性", None, "", None, "年度"),
    ],
)
def test_it_states_the_goal_indicators(
    example: Dataset,
    name: str,
    sign: str,
    target: str | None,
    unit: str,
    actual: str | None,
    horizon: str,
) -> None:
    (ind,) = [i for i in example.indicators if i.name == name]
    assert (ind.sign, ind.target, ind.unit, ind.actual, ind.horizon) == (
        sign,
        D(target) if target else None,
        unit,
        D(actual) if actual else None,
        horizon,
    )


def test_its_qualitative_indicators_describe_their_target(example: Dataset) -> None:
    assert all(i.target_desc for i in example.indicators if not i.quantitative)


# --------------------------------------------------------------------------- self-evaluation


@pytest.mark.parametrize(
    ("code", "name", "points", "score", "deduction"),
    [
        ("1", "履职效能", "50", "50", None),
        ("2", "管理效率", "50", "39.56", None),
        ("2.1", "预算编制", "5", "1", "4"),
        ("2.2", "预算执行", "4", "3.42", "0.58"),
        ("2.3", "信息公开", "3", "3", None),
        ("2.4", "绩效管理", "15", "13.5", "1"),  # the seed says 扣1分 but scores 13.5 of 15
        ("2.5", "采购管理", "10", "7.5", None),
        ("2.6", "资产管理", "10", "9.5", None),
        ("2.7", "运行成本", "3", "1.64", None),
    ],
)
def test_it_states_each_score(
    example: Dataset, code: str, name: str, points: str, score: str, deduction: str | None
) -> None:
    (item,) = [s for s in example.scores if s.code == code]
    assert (item.name, item.points, item.score) == (name, D(points), D(score))
    assert item.stated_deduction == (D(deduction) if deduction else None)
    # The reason is the report's own paragraph, which restates points and score.
    assert "该指标分值" in item.reason
    assert score in item.reason.replace(" ", "")


def test_its_management_children_add_up_to_39_56(example: Dataset) -> None:
    children = [s for s in example.scores if s.parent_code == "2"]
    assert len(children) == 7
    assert _sum([s.points for s in children]) == D(50)
    assert _sum([s.score for s in children]) == D("39.56")


def test_its_scores_add_up_to_the_stated_total(example: Dataset) -> None:
    tops = [s for s in example.scores if not s.parent_code]
    assert _sum([s.score for s in tops]) == example.self_evaluation.stated_total == D("89.56")


def test_it_records_the_conclusion_as_stated(example: Dataset) -> None:
    se = example.self_evaluation
    assert (se.framework, se.stated_grade) == ("gd-dept-2023", "优秀")
    assert se.stated_full_marks.split("、") == [
        "整体效能",
        "专项效能",
        "预算编制",
        "信息公开",
        "绩效管理",
        "采购管理",
        "资产管理",
        "运行成本",
    ]
    assert se.stated_deducted.split("、") == ["预算执行", "资产管理"]


def test_it_has_the_four_problems(example: Dataset) -> None:
    assert [p.title for p in example.problems] == [
        "优化预算支出减少单位期末结转结余",
        "进一步强化预算编制的前期准备工作",
        "进一步规范编报厅整体、政策、项目支出绩效目标和指标",
        "加快推进预算绩效管理信息系统一体化建设",
    ]
    assert all(p.problem or p.measure for p in example.problems)


@pytest.mark.parametrize(
    ("key", "paragraphs"),
    [
        ("org_setup", 4),
        ("functions", 13),
        ("function_change", 2),
        ("annual_work", 1),
        ("goal_completion", 7),
        ("budget_scope", 2),
        ("performance_analysis", 1),
        ("management_analysis", 1),
        ("cost_control", 1),
        ("three_public_note", 1),
        ("carryover_note", 1),
        ("budget_variance_note", 1),
        ("conclusion", 3),
        ("other", 1),
    ],
)
def test_it_holds_the_report_text(example: Dataset, key: str, paragraphs: int) -> None:
    assert len(example.text(key)) == paragraphs


def test_it_drops_the_converters_bold_markers(example: Dataset) -> None:
    assert not any("**" in t.content for t in example.texts)
    assert example.text("conclusion")[-1] == "综上所述，省科技厅整体绩效自评为优秀等级。"


# --------------------------------------------------------------------------- round trip


def test_it_survives_a_text_form_round_trip(example: Dataset) -> None:
    assert read_text_form(write_text_form(example)) == example


@pytest.mark.parametrize(
    ("figure", "value"),
    [
        ("income.final.total", "617056.54"),
        ("income.final.ratio_to_budget", "342.35"),
        ("income.final.share.财政拨款收入", "96.02"),
        ("income.final.ratio_to_budget.财政拨款收入", "393.85"),
        ("expenditure.final.ratio_to_budget", "241.70"),  # wrong in the seed: 341.70
        ("expenditure.economic.final.share_of_parent.项目支出.30299", "94.10"),  # wrong: 94.07
        ("units.count_institution", "10"),  # wrong: table 1 has 9
        ("score.2.4.deduction", "1"),  # wrong: 15 − 13.5 = 1.5
        ("three_public.growth.因公出国（境）费", "3673.25"),
        ("carryover.change_rate", "-1.84"),  # “减幅 1.84%”
    ],
)
def test_it_records_the_stated_figures_as_printed(
    example: Dataset, figure: str, value: str
) -> None:
    (stated,) = [s for s in example.stated if s.figure == figure]
    assert stated.value == D(value)
    assert stated.source


# The seed's own errors: the figure as printed, and the value recomputed from its inputs.
SEED_ERRORS = {
    "units.count_institution": ("10", "9"),
    "expenditure.final.ratio_to_budget": ("241.70", "341.70"),
    "expenditure.economic.final.share_of_parent.项目支出.30299": ("94.10", "94.07"),
    "score.2.4.deduction": ("1", "1.50"),
}


def test_its_figures_reproduce_every_correct_stated_figure(example: Dataset) -> None:
    figures = compute_figures(example)
    wrong = {}
    for stated in example.stated:
        assert stated.figure in figures, f"unknown figure id {stated.figure}"
        rounded = figures[stated.figure].rounded
        if rounded != stated.value:
            wrong[stated.figure] = (
                format(stated.value, "f"),
                format(rounded, "f") if rounded is not None else None,
            )
    assert wrong == SEED_ERRORS


def test_its_workbook_holds_the_same_dataset_as_its_text_form(
    example: Dataset, example_xlsx: Path
) -> None:
    # Regenerate with: uv run jixiao convert examples/gdstc-2023.yaml examples/gdstc-2023.xlsx
    assert load_dataset(example_xlsx) == example


def test_it_loads_through_the_format_dispatcher(example: Dataset, example_yaml: Path) -> None:
    assert load_dataset(example_yaml) == example
