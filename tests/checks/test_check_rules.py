"""One small dataset per check that makes it fire, and a clean dataset that fires none."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from jixiao.checks import CheckSettings, Finding, Severity, run_checks
from jixiao.dataset.model import Dataset
from jixiao.io.textform import read_text_form


def check(text: str, config: CheckSettings | None = None) -> list[Finding]:
    return run_checks(read_text_form(text, "t.yaml"), config=config)


def codes(findings: list[Finding]) -> set[str]:
    return {f.code for f in findings}


UNITS = """
units:
  - {code: "001", name: 本级, kind: 行政机关}
  - {code: "002", name: 中心, kind: 公益一类}
"""

#: A small, consistent department: every total adds up, everything explained and met.
CLEAN = (
    """
profile: {department_name: 示例厅, year: 2023, stated_unit_count: 2, stated_admin_units: 1,
  stated_institution_units: 1, headcount_total: 30, headcount_active: 20, headcount_retired: 10,
  headcount_retired_pension_fund: 4}
"""
    + UNITS
    + """
goals: [{code: G1, content: 目标}]
indicators: [{owner: G1, level1: 产出指标, name: 完成项目数, sign: ≥, target: 10, actual: 12, unit: 项}]
income:
  - {item: 财政拨款收入, budget: 100, final: 110}
  - {item: 一般公共预算财政拨款收入, budget: 100, final: 110}
  - {item: 事业收入, budget: 10, final: 9}
expenditure_function:
  - {item: "206", budget: 110, final: 119}
  - {item: "20601", budget: 110, final: 119}
expenditure_nature:
  - {item: 基本支出, budget: 30, final: 29}
  - {item: 人员经费, budget: 20, final: 20}
  - {item: 日常公用经费, budget: 10, final: 9}
  - {item: 项目支出, budget: 80, final: 90}
expenditure_economic:
  - {nature: 项目支出, item: "302", final: 90}
  - {nature: 项目支出, item: "30227", final: 40}
  - {nature: 项目支出, item: "30299", final: 50}
three_public:
  - {item: 三公经费合计, budget: 10, final: 8, prior: 7}
  - {item: 公务接待费, budget: 10, final: 8, prior: 7}
carryover: [{fund: 合计, opening: 50, closing: 50}]
projects: [{code: P1, name: 项目甲, budget: 80, executed: 78}]
self_evaluation: {stated_total: 9, stated_full_marks: 信息公开, stated_deducted: 预算编制}
scores:
  - {code: "2", name: 管理效率, points: 10, score: 9}
  - {code: "2.1", name: 预算编制, points: 5, score: 4, stated_deduction: 1}
  - {code: "2.2", name: 信息公开, points: 5, score: 5}
stated:
  - {figure: income.final.total, value: 119.00}
  - {figure: three_public.change.三公经费合计, value: 1}
  - {figure: three_public.growth.三公经费合计, value: 14.29}
"""
)


def test_a_consistent_dataset_gives_no_findings() -> None:
    assert check(CLEAN) == []


#: (code, severity, dataset that makes the check fire, text the message must contain)
FIRES: list[tuple[str, Severity, str, str]] = [
    ("profile.missing", Severity.ERROR, "profile: {year: 2023}", "部门名称"),
    (
        "units.institution_count_mismatch",
        Severity.ERROR,
        "profile: {stated_institution_units: 2}" + UNITS,
        "事业单位数 2 个 ≠ “预算单位”表按单位性质统计的 1 个",
    ),
    (
        "units.count_mismatch",
        Severity.ERROR,
        "profile: {stated_unit_count: 3}" + UNITS,
        "预算单位数量 3 个",
    ),
    (
        "units.table_missing",
        Severity.WARNING,
        "profile: {stated_unit_count: 3}",
        "“预算单位”表为空",
    ),
    (
        "headcount.total_mismatch",
        Severity.ERROR,
        "profile: {headcount_total: 899, headcount_active: 590, headcount_retired: 308}",
        "年末实有人数 899 人 ≠ 在职人员 590 人 + 离退休人员 308 人 = 898 人",
    ),
    (
        "headcount.pension_exceeds_retired",
        Severity.ERROR,
        "profile: {headcount_retired: 308, headcount_retired_pension_fund: 400}",
        "多于离退休人员 308 人",
    ),
    (
        "headcount.over_authorised",
        Severity.WARNING,
        "profile: {headcount_active: 21, headcount_authorised: 20}",
        "超过编制数 20 人",
    ),
    (
        "income.total_mismatch",
        Severity.ERROR,
        """
income:
  - {item: 财政拨款收入, final: 592519.16}
  - {item: 一般公共预算财政拨款收入, final: 592000}
  - {item: 政府性基金预算财政拨款收入, final: 500}
  - {item: 国有资本经营预算财政拨款收入, final: 0}
""",
        "财政拨款收入 决算数 592,519.16 万元 ≠ 其明细之和 592,500.00 万元",
    ),
    (
        "income.children_incomplete",
        Severity.INFO,
        "income: [{item: 财政拨款收入, final: 100}, {item: 一般公共预算财政拨款收入, final: 90}]",
        "其余 10.00 万元 未列明细",
    ),
    (
        "expenditure.nature.total_mismatch",
        Severity.ERROR,
        """
expenditure_nature:
  - {item: 基本支出, final: 35480.92}
  - {item: 人员经费, final: 29615.67}
  - {item: 日常公用经费, final: 5865.52}
""",
        "基本支出 决算数 35,480.92 万元 ≠ 其明细之和 35,481.19 万元",
    ),
    (
        "expenditure.function.total_mismatch",
        Severity.ERROR,
        "expenditure_function: [{item: '206', budget: 10}, {item: '20601', budget: 11}]",
        "科学技术支出（206） 年初预算数 10.00 万元 ≠ 其明细之和 11.00 万元",
    ),
    (
        "three_public.total_mismatch",
        Severity.ERROR,
        """
three_public:
  - {item: 三公经费合计, final: 160.66}
  - {item: 因公出国（境）费, final: 86.03}
  - {item: 公务用车购置及运行维护费, final: 70.17}
  - {item: 公务接待费, final: 4.56}
""",
        "“三公”经费合计 决算数 160.66 万元 ≠ 其明细之和 160.76 万元",
    ),
    (
        "expenditure.economic.total_mismatch",
        Severity.ERROR,
        "expenditure_economic: [{nature: 项目支出, item: '302', final: 10}, {nature: 项目支出, item: '30227', final: 11}]",
        "项目支出 商品和服务支出（302） 决算数 10.00 万元 ≠ 其明细之和 11.00 万元",
    ),
    (
        "expenditure.function_nature_mismatch",
        Severity.ERROR,
        "expenditure_function: [{item: '206', final: 100}]\nexpenditure_nature: [{item: 项目支出, final: 90}]",
        "决算支出按功能分类合计 100.00 万元 ≠ 按支出性质合计 90.00 万元",
    ),
    (
        "expenditure.economic_exceeds_nature",
        Severity.ERROR,
        "expenditure_nature: [{item: 项目支出, final: 90}]\nexpenditure_economic: [{nature: 项目支出, item: '302', final: 95}]",
        "超过支出性质表中项目支出决算数 90.00 万元",
    ),
    (
        "expenditure.economic_incomplete",
        Severity.INFO,
        "expenditure_nature: [{item: 项目支出, final: 578025.85}]\nexpenditure_economic: [{nature: 项目支出, item: '302', final: 554632.54}]",
        "其余 23,393.31 万元 未列经济分类",
    ),
    (
        "carryover.total_mismatch",
        Severity.ERROR,
        "carryover: [{fund: 合计, closing: 10}, {fund: 财政拨款, closing: 6}, {fund: 非财政拨款, closing: 5}]",
        "结转结余合计年末结转和结余 10.00 万元 ≠ 财政拨款与非财政拨款之和 11.00 万元",
    ),
    (
        "consolidation.mismatch",
        Severity.ERROR,
        UNITS
        + """
income:
  - {item: 事业收入, final: 20}
  - {unit: "001", item: 事业收入, final: 12}
  - {unit: "002", item: 事业收入, final: 3}
""",
        "部门事业收入 决算数 20.00 万元 ≠ 各单位之和 15.00 万元",
    ),
    (
        "consolidation.mismatch",
        Severity.ERROR,
        UNITS
        + """
carryover:
  - {fund: 合计, closing: 63999.08}
  - {unit: "001", fund: 合计, closing: 60000}
  - {unit: "002", fund: 合计, closing: 3999.00}
""",
        "部门结转结余“合计”年末结转和结余 63,999.08 万元 ≠ 各单位之和 63,999.00 万元",
    ),
    (
        "budget.variance_unexplained",
        Severity.WARNING,
        "income: [{item: 经营收入, budget: 2000.00, final: 3897.12}]",
        "经营收入 决算 3,897.12 万元，为年初预算的 194.86%",
    ),
    (
        "budget.variance_unexplained",
        Severity.WARNING,
        "expenditure_nature: [{item: 经营支出, budget: 0, final: 2376.96}]",
        "年初预算为 0",
    ),
    (
        "project.execution_low_unexplained",
        Severity.WARNING,
        "projects: [{code: P1, name: 项目甲, budget: 100, adjusted: 80, executed: 70}]",
        "为调整后预算数 80.00 万元 的 87.50%，低于 90%",
    ),
    (
        "indicator.not_met",
        Severity.WARNING,
        "goals: [{code: '5', content: 科技金融}]\nindicators: [{owner: '5', level1: 产出指标, name: 新增上市科技型企业数, sign: ≥, target: 90, actual: 50, unit: 家}]",
        "指标值 ≥90家，完成值 50家，完成率 55.56%",
    ),
    (
        "indicator.midterm_not_yet_met",
        Severity.INFO,
        "goals: [{code: '2', content: 核心技术}]\nindicators: [{owner: '2', level1: 产出指标, name: 核心技术突破数, sign: ≥, target: 100, actual: 60, horizon: 中期}]",
        "中期指标“核心技术突破数”尚未达成",
    ),
    (
        "indicator.actual_missing",
        Severity.INFO,
        "goals: [{code: '3', content: 研发机构}]\nindicators: [{owner: '3', level1: 产出指标, name: 新型研发机构数, sign: ≥, target: 230, unit: 家}]",
        "未填写完成值",
    ),
    (
        "carryover.flow_gap",
        Severity.WARNING,
        """
income: [{item: 事业收入, final: 617056.54}]
expenditure_nature: [{item: 项目支出, final: 615883.73}]
carryover: [{fund: 合计, opening: 65197.13, closing: 63999.08}]
""",
        "= 66,369.94 万元，与年末结转和结余 63,999.08 万元 相差 -2,370.86 万元",
    ),
    (
        "three_public.over_budget",
        Severity.WARNING,
        "three_public: [{item: 公务接待费, budget: 4, final: 4.46}]",
        "超支 0.46 万元",
    ),
    (
        "score.children_mismatch",
        Severity.ERROR,
        "scores: [{code: '2', name: 管理效率, points: 50, score: 40}, {code: '2.1', name: 预算编制, points: 50, score: 39.56}]",
        "“管理效率”自评得分 40 分 ≠ 其下级（预算编制）自评得分之和 39.56 分",
    ),
    (
        "score.children_mismatch",
        Severity.ERROR,
        "scores: [{code: '2', name: 管理效率, points: 5, score: 1}, {code: '2.1', name: 预算编制, points: 5, score: 1}, {code: '2.2', name: 预算执行, points: 4, score: 3.42}]",
        "“管理效率”分值 5 分 ≠ 其下级（预算编制、预算执行）分值之和 9 分",
    ),
    (
        "score.children_incomplete",
        Severity.INFO,
        "scores: [{code: '1', name: 投入, points: 20, score: 18}, {code: '1.1', name: 预算编制, points: 5, score: 3}]",
        "已列下级（预算编制）分值之和 5 分：下级未列全",
    ),
    (
        "score.above_points",
        Severity.ERROR,
        "scores: [{code: '1', name: 信息公开, points: 3, score: 3.5}]",
        "超过分值 3 分",
    ),
    (
        "score.deduction_mismatch",
        Severity.ERROR,
        "scores: [{code: '2.4', name: 绩效管理, points: 15, score: 13.5, stated_deduction: 1}]",
        "“绩效管理”说明写扣 1 分，但分值 15 − 自评得分 13.5 = 1.5 分",
    ),
    (
        "score.total_mismatch",
        Severity.ERROR,
        "self_evaluation: {stated_total: 90}\nscores: [{code: '1', name: 履职效能, points: 50, score: 50}, {code: '2', name: 管理效率, points: 50, score: 39.56}]",
        "自评结论写总分 90 分，但评分表一级指标自评得分之和为 89.56 分",
    ),
    (
        "score.full_marks_mismatch",
        Severity.ERROR,
        "self_evaluation: {stated_full_marks: 预算编制}\nscores: [{code: '2.1', name: 预算编制, points: 5, score: 1}]",
        "自评结论称“预算编制”得满分，但评分表中分值 5 分、自评得分 1 分（扣 4 分）",
    ),
    (
        "score.deducted_mismatch",
        Severity.ERROR,
        "self_evaluation: {stated_deducted: 信息公开}\nscores: [{code: '2.3', name: 信息公开, points: 3, score: 3}]",
        "自评结论称“信息公开”有扣分，但评分表中该项得满分 3 分",
    ),
    (
        "score.stated_lists_conflict",
        Severity.ERROR,
        "self_evaluation: {stated_full_marks: 资产管理, stated_deducted: 资产管理}\nscores: [{code: '2.6', name: 资产管理, points: 10, score: 9.5}]",
        "将“资产管理”同时列为满分项和扣分项",
    ),
    (
        "score.deduction_not_listed",
        Severity.WARNING,
        "self_evaluation: {stated_deducted: 预算执行}\nscores: [{code: '2.2', name: 预算执行, points: 4, score: 3.42}, {code: '2.7', name: 运行成本, points: 3, score: 1.64}]",
        "“运行成本”扣 1.36 分，但自评结论的扣分项中未提及",
    ),
    (
        "score.stated_name_unknown",
        Severity.INFO,
        "self_evaluation: {stated_full_marks: 整体效能}",
        "自评结论所列“整体效能”不在自评评分表中",
    ),
    (
        "score.parent_missing",
        Severity.WARNING,
        "scores: [{code: '2.1', name: 预算编制, points: 5, score: 4}]",
        "“预算编制”（2.1）的上级指标“2”不在评分表中",
    ),
    (
        "score.code_malformed",
        Severity.ERROR,
        "scores: [{code: '2.', name: 预算编制, points: 5, score: 4}]",
        "“预算编制”的编码“2.”不是层级编码",
    ),
    (
        "stated.mismatch",
        Severity.ERROR,
        "income: [{item: 事业收入, budget: 180242.93}]\nexpenditure_nature: [{item: 项目支出, budget: 180242.93, final: 615883.73}]\nstated: [{figure: expenditure.final.ratio_to_budget, value: 241.70}]",
        "报告写 241.70%，按数据计算为 341.70%",
    ),
    (
        "stated.truncated",
        Severity.WARNING,
        "income: [{item: 经营收入, budget: 2000, final: 3897.12}]\nstated: [{figure: income.final.ratio_to_budget.经营收入, value: 194.85}]",
        "按四舍五入应为 194.86%（报告为截尾）",
    ),
    (
        "stated.less_precise",
        Severity.WARNING,
        "income: [{item: 经营收入, budget: 2000, final: 3897.12}]\nstated: [{figure: income.final.ratio_to_budget.经营收入, value: 194.9}]",
        "报告精度不足",
    ),
    (
        "stated.unknown_figure",
        Severity.WARNING,
        "stated: [{figure: income.final.no_such_thing, value: 1}]",
        "“income.final.no_such_thing”不是已知的计算指标",
    ),
    (
        "stated.not_computable",
        Severity.INFO,
        "stated: [{figure: carryover.change_rate, value: 1.84}]",
        "数据不足以计算",
    ),
    (
        "yoy.implied_prior_mismatch",
        Severity.ERROR,
        """
three_public: [{item: 因公出国（境）费, final: 86.03}]
stated:
  - {figure: three_public.change.因公出国（境）费, value: 83.75}
  - {figure: three_public.growth.因公出国（境）费, value: 367.33}
""",
        "隐含上年数 22.80；但本年数 86.03 减去增减额得上年数 2.28",
    ),
]


@pytest.mark.parametrize(("code", "severity", "text", "message"), FIRES, ids=[f[0] for f in FIRES])
def test_each_check_fires_on_its_dataset(
    code: str, severity: Severity, text: str, message: str
) -> None:
    found = [f for f in check(text) if f.code == code]
    assert found, f"{code} did not fire"
    assert {f.severity for f in found} == {severity}
    assert any(message in f.message for f in found), [f.message for f in found]
    assert all(f.location for f in found)


def test_the_printed_precision_is_read_from_the_quoted_source() -> None:
    # A workbook stores 94.10 as 94.1; the 出处 still quotes “占比 94.10%”.
    text = """
expenditure_economic:
  - {nature: 项目支出, item: "302", final: 554632.54}
  - {nature: 项目支出, item: "30299", final: 521728.73}
stated:
  - figure: expenditure.economic.final.share_of_parent.项目支出.30299
    value: 94.1
    source: 其他商品和服务支出 521,728.73 万元，占比 94.10%
"""
    (found,) = [f for f in check(text) if f.code.startswith("stated.")]
    assert found.code == "stated.mismatch"
    assert "报告写 94.10%" in found.message


def test_a_whole_stated_deduction_is_a_wrong_number_not_a_truncation() -> None:
    # The seed: 绩效管理 15 − 13.5 = 1.5, “扣 1 分”. 1 is not 1.5 cut to 0 decimals.
    text = """
scores: [{code: "2.4", name: 绩效管理, points: 15, score: 13.5}]
stated: [{figure: score.2.4.deduction, value: 1, source: 扣 1 分}]
"""
    (found,) = [f for f in check(text) if f.code.startswith("stated.")]
    assert found.code == "stated.mismatch"
    assert "报告写 1 分（扣 1 分），按数据计算为 1.50 分" in found.message


def test_stated_values_print_as_the_report_printed_them() -> None:
    # Trailing zeros are kept (1.00, 241.70) in every message that quotes a stated value.
    text = """
income: [{item: 事业收入, budget: 180242.93}]
expenditure_nature: [{item: 项目支出, budget: 180242.93, final: 615883.73}]
three_public: [{item: 因公出国（境）费, final: 86.03}]
stated:
  - {figure: expenditure.final.ratio_to_budget, value: 241.7, source: 为年初预算的 241.70%}
  - {figure: carryover.change_rate, value: 1.00}
  - {figure: three_public.change.因公出国（境）费, value: 83.70}
  - {figure: three_public.growth.因公出国（境）费, value: 367.30}
"""
    messages = [f.message for f in check(text) if f.code != "profile.missing"]
    assert any("报告写 241.70%" in m for m in messages), messages
    assert any("报告写 1.00，但数据不足以计算" in m for m in messages), messages
    assert any("报告写增减 83.70、幅度 367.30%" in m for m in messages), messages


def test_a_stated_change_may_drop_its_sign() -> None:
    # “减少 1,198.05 万元，减幅 1.84%” written as 1198.05 and 1.84.
    text = """
carryover: [{fund: 合计, opening: 65197.13, closing: 63999.08}]
stated:
  - {figure: carryover.change, value: 1198.05}
  - {figure: carryover.change_rate, value: 1.84}
"""
    assert codes(check(text)) == {"profile.missing"}


def test_a_correct_yoy_pair_implies_the_prior_year_it_was_computed_from() -> None:
    # 因公出国（境）费 86.03 万元, 增加 83.75 万元, 增幅 3673.25% → prior 2.28, consistent.
    text = """
three_public: [{item: 因公出国（境）费, final: 86.03}]
stated:
  - {figure: three_public.change.因公出国（境）费, value: 83.75}
  - {figure: three_public.growth.因公出国（境）费, value: 3673.25}
"""
    assert "yoy.implied_prior_mismatch" not in codes(check(text))


def test_an_explanation_in_the_variance_text_is_enough() -> None:
    text = """
income: [{item: 经营收入, budget: 2000.00, final: 3897.12}]
texts: [{key: 预决算差异原因, content: 经营收入增加主要原因为门票收入骤增。}]
"""
    assert "budget.variance_unexplained" not in codes(check(text))


def test_variance_thresholds_are_configurable() -> None:
    text = "income: [{item: 事业收入, budget: 12268.70, final: 12021.60}]"  # 97.99%
    assert "budget.variance_unexplained" not in codes(check(text))
    strict = CheckSettings(variance_low=Decimal(99), variance_high=Decimal(101))
    assert "budget.variance_unexplained" in codes(check(text, strict))


def test_findings_carry_the_numbers_as_exact_text() -> None:
    (found,) = [f for f in check(FIRES[7][2]) if f.code == "income.total_mismatch"]
    # money carries its cents whatever was typed (592500 → 592500.00), as from a workbook
    numbers = {k: found.values[k] for k in ("stated", "computed", "difference")}
    assert numbers == {"stated": "592519.16", "computed": "592500.00", "difference": "19.16"}
    # ... and the words the message was made from, so it can be rendered again
    assert found.values["item"] == "财政拨款收入" and found.values["column"] == "决算"
    assert found.place == "收入（t.yaml:3）"
    assert found.to_json()["severity"] == "error"


def test_findings_point_at_the_table_row_and_column() -> None:
    """A structured location: the web system links a finding to the stored row and field."""
    (found,) = [f for f in check(FIRES[7][2]) if f.code == "income.total_mismatch"]
    assert (found.location.table, found.location.row, found.location.column) == (
        "income",
        "|财政拨款收入",
        "final",
    )


def test_run_checks_runs_a_chosen_subset_in_registry_order(example_yaml: Path) -> None:
    from jixiao.checks import CHECKS, run_checks
    from jixiao.io.formats import load_dataset
    from jixiao.lib.registry import UnknownEntry

    dataset = load_dataset(example_yaml)
    assert {f.code for f in run_checks(dataset, checks=["headcount"])} <= {
        "headcount.total_mismatch",
        "headcount.pension_exceeds_retired",
        "headcount.over_authorised",
    }
    assert run_checks(dataset, checks=[]) == []
    every = run_checks(dataset)
    assert run_checks(dataset, checks=CHECKS.ids()) == every
    with pytest.raises(UnknownEntry, match="未知的检查“nope”"):
        run_checks(dataset, checks=["nope"])


def test_checks_never_crash_on_an_empty_dataset() -> None:
    assert codes(run_checks(Dataset())) == {"profile.missing"}


def test_every_check_code_is_documented() -> None:
    doc = (Path(__file__).resolve().parents[2] / "docs" / "checks.md").read_text("utf-8")
    assert sorted({c for c, *_ in FIRES if f"`{c}`" not in doc}) == []
