"""Result application: grade → recommendation, the 整改 list, and carrying it into next year."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from jixiao.dataset.build import DatasetError
from jixiao.dataset.model import Dataset, Indicator
from jixiao.evaluation import evaluate
from jixiao.io.formats import load_dataset, save_dataset
from jixiao.monitoring.results import apply_results, carry_forward, unmet
from jixiao.monitoring.settings import RuleTexts, load_result_rules
from jixiao.scoring.grading import grade_total

RULES = load_result_rules()


@pytest.mark.parametrize(
    ("score", "grade", "recommendation"),
    [
        ("100", "优", "优先保障"),
        ("90", "优", "优先保障"),
        ("89.56", "良", "保障"),
        ("80", "良", "保障"),
        ("79.99", "中", "压缩"),
        ("60", "中", "压缩"),
        ("59.9", "差", "取消"),
        ("0", "差", "取消"),
    ],
)
def test_grades_follow_the_national_bands(score: str, grade: str, recommendation: str) -> None:
    band = grade_total(Decimal(score))
    assert band is not None and band.grade == grade
    assert RULES.recommendation(grade) == recommendation
    assert RULES.recommendation(band.label) == recommendation  # 优秀 reads as 优


def test_the_rule_file_holds_no_bands_of_its_own(tmp_path: Path) -> None:
    rules = tmp_path / "results.yaml"
    rules.write_text(
        "grade_bands: [{grade: 优, min: 95}]\nrecommendations: {优: 优先保障}\n", "utf-8"
    )
    with pytest.raises(DatasetError, match="评分框架的 grade_bands"):
        load_result_rules(_texts(rules, "results.yaml"))
    rules.write_text("recommendations: {优秀: 优先保障, 甲: 保障}\n", "utf-8")
    with pytest.raises(DatasetError, match="“甲”不是优、良、中、差之一"):
        load_result_rules(_texts(rules, "results.yaml"))


def test_projects_and_department_get_recommendations(targets_dataset: Dataset) -> None:
    result = apply_results(evaluate(targets_dataset), RULES)
    assert [
        (r.level, r.code, r.score, r.grade, r.recommendation) for r in result.recommendations
    ] == [
        ("部门整体", "", Decimal(88), "良", "保障"),
        ("项目", "P1", Decimal(92), "优", "优先保障"),
        ("项目", "P2", Decimal(75), "中", "压缩"),
        ("项目", "P3", Decimal(55), "差", "取消"),
    ]


def test_every_deduction_and_unmet_target_is_a_rectification(targets_dataset: Dataset) -> None:
    items = apply_results(evaluate(targets_dataset), RULES).rectifications
    assert [(i.kind, i.subject.split("：")[0], i.owner) for i in items] == [
        ("扣分项", "1.1 整体效能", "测试科技厅"),
        ("扣分项", "2.2 预算执行", "测试科技厅"),
        ("未完成指标", "新增上市科技型企业数", "测试科技厅（目标 1）"),
        ("未完成指标", "验收合格率", "测试科技厅本级（项目 P2 平台运行）"),
        ("未完成指标", "长效管理机制健全性", "社会发展科技处（项目 P1 科普活动）"),
    ]
    assert all(i.deadline == date(2024, 6, 30) and i.status == "待整改" for i in items)
    assert "扣 2 分（分值 50，得分 48）" in items[0].subject
    assert "完成率 55.56%" in items[2].subject


@pytest.mark.parametrize(
    ("sign", "target", "actual", "met"),
    [
        ("≥", "90", "50", False),
        ("≥", "90", "90", True),
        ("＞", "90", "90", False),
        ("≤", "5", "6", False),
        ("≤", "5", "5", True),
        ("＜", "5", "5", False),
        ("＝", "100", "99", False),
    ],
)
def test_unmet_follows_the_sign(sign: str, target: str, actual: str, met: bool) -> None:
    ind = Indicator(
        owner="1",
        level1="产出指标",
        name="甲",
        sign=sign,
        target=Decimal(target),
        actual=Decimal(actual),
        unit="个",
    )
    assert (unmet(ind) == "") is met


def test_the_seed_unmet_listed_companies_target_is_on_the_list(example_yaml: Path) -> None:
    result = apply_results(evaluate(load_dataset(example_yaml)), RULES)
    subjects = [i.subject for i in result.rectifications if i.kind == "未完成指标"]
    assert subjects == ["新增上市科技型企业数：指标值 ≥90家，完成值 50家，完成率 55.56%"]
    # The total comes from the scoring engine with the framework the dataset names.
    (department,) = [r for r in result.recommendations if r.level == "部门整体"]
    assert (department.score, department.grade, department.recommendation) == (
        Decimal("89.56"),
        "良",
        "保障",
    )
    assert (
        department.basis == "按《广东省部门整体支出绩效自评指标评分表（2023 年度，重构）》计算得分"
    )
    # The report says 优秀 at 89.56; the national bands say 良 — shown, not hidden.
    assert any(f.code == "results.grade_differs" for f in result.findings)


def test_items_carry_into_next_years_dataset_and_round_trip(
    targets_dataset: Dataset, tmp_path: Path
) -> None:
    items = apply_results(evaluate(targets_dataset), RULES).rectifications
    path = tmp_path / "next.yaml"
    save_dataset(carry_forward(targets_dataset, items), path)
    next_year = load_dataset(path)
    assert next_year.profile.year == 2024
    assert [r.subject for r in next_year.rectifications] == [i.subject for i in items]
    # Running again replaces the items of the same source year instead of duplicating them.
    again = carry_forward(targets_dataset, items, next_year)
    assert len(again.rectifications) == len(items)


def test_open_items_of_earlier_years_stay_on_the_list(targets_dataset: Dataset) -> None:
    items = apply_results(evaluate(targets_dataset), RULES).rectifications
    next_year = carry_forward(targets_dataset, items)
    done = next_year.rectifications[0].__class__(
        **{**next_year.rectifications[0].__dict__, "status": "已整改"}
    )
    next_year = carry_forward(targets_dataset, (done, *next_year.rectifications[1:]), next_year)
    still_open = apply_results(evaluate(next_year), RULES).rectifications
    assert len(still_open) == len(items) - 1
    assert all(i.kind.startswith("往年未完成整改") for i in still_open)


def _texts(path: Path, name: str) -> RuleTexts:
    """A rule file's text as a caller hands it to the engine (the engine opens no path)."""
    return RuleTexts({name: (path.read_text("utf-8"), path.name)})
