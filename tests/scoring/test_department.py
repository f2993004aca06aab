"""gd-dept-2023 reproduces the seed's scorecard and finds its contradictions; the PEFA sample."""

from __future__ import annotations

from decimal import Decimal as D
from pathlib import Path

import pytest

from jixiao.checks import run_checks
from jixiao.dataset.model import Dataset, ScoreItem, SelfEvaluation
from jixiao.io.formats import load_dataset
from jixiao.scoring import (
    FrameworkError,
    Scorecard,
    load_framework,
    parse_framework,
    score_dataset,
    what_if,
)


@pytest.fixture(scope="module")
def dataset(example_yaml: Path) -> Dataset:
    return load_dataset(example_yaml)


@pytest.fixture(scope="module")
def card(dataset: Dataset) -> Scorecard:
    return score_dataset(dataset, "gd-dept-2023")


@pytest.mark.parametrize(
    ("code", "points", "score"),
    [
        ("1", "50", "50"),  # the department's own 履职效能 score (not broken down in the seed)
        ("2", "50", "39.56"),
        ("2.1", "5", "1"),
        ("2.2", "4", "3.42"),
        ("2.3", "3", "3"),
        ("2.4", "15", "13.5"),
        ("2.5", "10", "7.5"),
        ("2.6", "10", "9.5"),
        ("2.7", "3", "1.64"),
    ],
)
def test_it_reproduces_the_seed_scorecard(
    card: Scorecard, code: str, points: str, score: str
) -> None:
    item = card.item(code)
    assert item is not None
    assert (item.points, item.score) == (D(points), D(score))


def test_it_totals_89_56_and_grades_it_by_the_national_bands(card: Scorecard) -> None:
    assert card.total == D("89.56")
    assert (card.grade, card.grade_label) == ("良", "良好")
    assert card.complete


def finding(card: Scorecard, code: str) -> list[str]:
    return [f.message for f in card.findings if f.code == code]


def test_it_reports_the_stated_grade_as_a_finding_not_an_override(card: Scorecard) -> None:
    (message,) = finding(card, "scoring.grade_mismatch")
    assert "优秀" in message and "良好" in message and "89.56" in message


def test_the_departments_scorecard_against_itself_is_left_to_the_checks(
    card: Scorecard, dataset: Dataset
) -> None:
    """扣N分 sentences and the 满分项 list are the checks' findings, listed there once."""
    assert not [
        f for f in card.findings if f.code.startswith("scoring.") and "扣 1 分" in f.message
    ]
    assert not finding(card, "scoring.full_marks_mismatch")
    codes = [f.code for f in run_checks(dataset)]
    assert codes.count("score.deduction_mismatch") == 1
    assert codes.count("score.full_marks_mismatch") == 5


def test_it_explains_manual_scores_with_the_departments_reason(card: Scorecard) -> None:
    item = card.item("2.4")
    assert item is not None and item.rule == "manual"
    assert "扣 1.5 分" in item.explanation and "预算目标编制" in item.explanation


def test_it_computes_the_reconstructed_references_next_to_the_manual_score(card: Scorecard) -> None:
    item = card.item("2.7")
    assert item is not None
    assert any("198.46%" in r and "得 0 分" in r for r in item.references)
    assert any("运行成本" in m for m in finding(card, "scoring.reference_differs"))


def test_it_says_which_change_reaches_the_next_grade(card: Scorecard) -> None:
    hint = what_if(card, load_framework("gd-dept-2023"))
    assert hint is not None and hint.target.label == "优秀" and hint.gap == D("0.44")
    codes = {c.code for c in hint.single}
    assert "2.1" in codes and "2.6" in codes
    assert not any(code.startswith("1.") for code in codes)  # 履职效能 stood in for its children


def test_it_rejects_a_project_framework_for_a_department(dataset: Dataset) -> None:
    with pytest.raises(FrameworkError):
        score_dataset(dataset, "mof-project-2020")


def test_the_pefa_sample_combines_dimensions_by_m1_and_m2(dataset: Dataset) -> None:
    card = score_dataset(dataset, "pefa-2016-sample")
    ratings = {i.code: i.rating for i in card.walk()}
    # Expenditure 341.7% of budget → D; 基本支出 89.0% → C; 项目支出 411.7% → D; 人员经费 94.4% → B.
    assert ratings["PI-1"] == "D"
    assert (ratings["2.1"], ratings["2.2"], ratings["2.3"], ratings["PI-2"]) == (
        "C",
        "D",
        "B",
        "D+",
    )
    # Revenue 342.3% → D, 事业收入 98.0% → A; M2 averages D and A to C+.
    assert (ratings["3.1"], ratings["3.2"], ratings["PI-3"]) == ("D", "A", "C+")
    assert card.total is None and card.grade == ""


def test_mof_dept_2013_scores_what_the_data_holds_and_grades_nothing_partial(
    dataset: Dataset,
) -> None:
    card = score_dataset(dataset, "mof-dept-2013")
    assert card.item("2.1.7").score == D("3.00")  # type: ignore[union-attr]  # 三公 71.93% of budget
    assert card.item("1.2.2").score == D("0.00")  # type: ignore[union-attr]  # 三公 +198.46%
    assert card.item("1.1.1").score is None  # type: ignore[union-attr]  # qualitative: no reviewer score
    assert not card.complete and card.grade == ""


VETO = """\
id: veto-test
version: "1"
name: 否决与要素
grade_bands: [{grade: 合格, min: 60}, {grade: 不合格, min: 0}]
items:
  - code: "1"
    name: 信息公开
    points: 60
    rule:
      type: checklist
      elements:
        - {name: 机构设置, points: 30, input: "dataset:profile.department_name"}
        - {name: 编制数, points: 30, input: "dataset:profile.headcount_authorised"}
  - code: "2"
    name: 资金安全
    points: 40
    children:
      - code: "2.1"
        name: 资金使用
        points: 40
        rule: {type: manual, inputs: {score: "self_score:2.1"}}
      - code: "2.2"
        name: 重大违规
        points: 0
        rule:
          type: veto
          scope: total
          label: 审计发现的重大违规
          inputs: {condition: "dataset:self_evaluation.stated_deducted"}
"""


def test_it_counts_checklist_elements_and_applies_a_veto_to_the_total() -> None:
    framework = parse_framework(VETO, "veto.yaml")
    data = Dataset(
        scores=(
            ScoreItem(
                code="2.1", name="资金使用", points=D(40), score=D(38), reason="个别报销凭证不全"
            ),
        ),
        self_evaluation=SelfEvaluation(stated_deducted="挪用专项资金"),
    )
    card = score_dataset(data, framework)
    assert card.item("1").score == D("0.00")  # type: ignore[union-attr]  # neither element is there
    assert card.item("2.2").flags == ("一票否决",)  # type: ignore[union-attr]
    assert card.total == D(0) and card.grade == "不合格"
    clean = score_dataset(Dataset(scores=data.scores), framework)
    assert clean.total == D("38.00")


def test_it_reuses_figures_the_caller_already_computed(dataset: Dataset) -> None:
    from jixiao.figures import compute_figures

    figures = compute_figures(dataset)
    card = score_dataset(dataset, "pefa-2016-sample", figures=figures)
    assert card.item("PI-3").rating == "C+"  # type: ignore[union-attr]
    # A figure that is not there is missing data, not zero.
    blank = score_dataset(dataset, "pefa-2016-sample", figures={})
    assert blank.item("1.1").score is None and blank.item("PI-1").score is None  # type: ignore[union-attr]


SYNTHETIC = Path(__file__).resolve().parent.parent / "data" / "scoring" / "department.yaml"


@pytest.mark.parametrize(
    ("code", "score"),
    [
        ("1.2.1", "4.00"),  # 在职 95 ÷ 编制 100 = 95% ≤ 100%
        ("1.2.2", "4.00"),  # “三公” 30 vs 上年 34: −11.76%
        ("2.1.1", "3.82"),  # 决算 1070 ÷ 调整后预算 1120 = 95.54% × 4
        ("2.1.7", "3.00"),  # “三公” 30 ÷ 预算 35 = 85.71%
        ("2.1.8", "1.90"),  # 采购 190 ÷ 200 = 95% × 2
        ("2.3.3", "1.90"),  # 在用 950 ÷ 1000 = 95% × 2
        ("3.1", "19.00"),  # 18 ÷ 20 × 10 + 10
        ("4.1", "15.00"),  # 定性 达成 100%
        ("1", "18.50"),
        ("2", "37.62"),
    ],
)
def test_mof_dept_2013_scores_a_complete_synthetic_department(code: str, score: str) -> None:
    card = score_dataset(load_dataset(SYNTHETIC), "mof-dept-2013")
    assert card.item(code).score == D(score)  # type: ignore[union-attr]
    assert (card.total, card.grade, card.complete) == (D("95.12"), "优", True)


@pytest.mark.parametrize(
    ("data", "framework_id"),
    [
        ("example", "gd-dept-2023"),
        ("example", "mof-dept-2013"),
        ("example", "pefa-2016-sample"),
        ("synthetic", "mof-dept-2013"),
        ("synthetic", "gd-dept-2023"),
    ],
)
def test_every_department_framework_round_trips_through_xlsx(
    dataset: Dataset, tmp_path: Path, data: str, framework_id: str
) -> None:
    from jixiao.scoring.export import read_scorecards_xlsx, write_scorecards_xlsx

    source = dataset if data == "example" else load_dataset(SYNTHETIC)
    card = score_dataset(source, framework_id)
    write_scorecards_xlsx([card], tmp_path / "评分表.xlsx")
    (rows,) = read_scorecards_xlsx(tmp_path / "评分表.xlsx").values()
    expected = [
        (i.code, i.name, i.points, i.score if not i.rating else None, i.rating, i.explanation)
        for i in card.walk()
    ]
    assert [(r.code, r.name, r.points, r.score, r.rating, r.explanation) for r in rows] == expected


def test_it_checks_the_departments_scorecard_against_the_framework() -> None:
    scores = (
        ScoreItem(code="2", name="管理效率", points=D(50), score=D(40), reason="合计"),
        ScoreItem(code="2.1", name="预算编制", points=D(6), score=D(6), reason="满分"),
        ScoreItem(code="2.2", name="预算执行", points=D(4), score=D("3.42"), reason="扣0.58分"),
    )
    evaluation = SelfEvaluation(stated_total=D(90), stated_grade="优秀", stated_deducted="预算编制")
    card = score_dataset(Dataset(scores=scores, self_evaluation=evaluation), "gd-dept-2023")
    codes = {f.code for f in card.findings}
    assert "scoring.points_mismatch" in codes  # 预算编制 is 5 points in gd-dept-2023, not 6
    # 40 ≠ 6 + 3.42 and “预算编制 has a deduction” are the checks' (score.children_mismatch …)
    assert not codes & {"scoring.self_score_sum", "scoring.deducted_mismatch"}
    assert "scoring.missing_data" in codes and card.grade == ""  # most leaves have no score


def test_findings_point_at_the_row_they_are_about(card: Scorecard) -> None:
    """An item generated from an indicator points at that indicator's row; others at the item."""
    missing = [f for f in card.findings if f.code == "scoring.missing_data"]
    indicator = next(f for f in missing if "核心技术突破数" in f.message)
    assert (indicator.location.table, indicator.location.row) == (
        "indicators",
        "2/产出指标/数量指标/核心技术突破数",
    )
    assert indicator.location.source.endswith("gdstc-2023.yaml:247")
    grade = next(f for f in card.findings if f.code == "scoring.grade_mismatch")
    assert (grade.location.table, grade.location.column) == ("self_evaluation", "stated_grade")
    assert grade.values["stated"] == "优秀" and grade.values["total"] == "89.56"


def test_every_scoring_finding_is_of_a_declared_kind(card: Scorecard) -> None:
    from jixiao.findings import KINDS

    assert card.findings
    for found in card.findings:
        declared = KINDS[found.code]
        assert declared.severity is found.severity
        assert found.message == declared.at(found.location, **found.values).message
