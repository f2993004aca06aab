"""mof-project-2020 on three projects whose scores can be checked by hand."""

from __future__ import annotations

from decimal import Decimal as D
from pathlib import Path

import pytest

from jixiao.io.formats import load_dataset
from jixiao.scoring import Scorecard, score_projects
from jixiao.scoring.rules import FLAG_TARGET_TOO_LOW

DATA = Path(__file__).resolve().parent.parent / "data" / "scoring" / "projects.yaml"


@pytest.fixture(scope="module")
def cards() -> dict[str, Scorecard]:
    return {c.subject.split()[0]: c for c in score_projects(load_dataset(DATA), "mof-project-2020")}


@pytest.mark.parametrize(
    ("project", "code", "score"),
    [
        ("P1", "1", "9.00"),  # 执行 1080 ÷ 调整后预算 1200 = 90% × 10
        ("P1", "2.1", "20.00"),  # 12 ≥ 10 个: full 20
        ("P1", "2.2", "18.95"),  # 90 ÷ 95 × 20 = 18.947…
        ("P1", "2.3", "10.00"),  # ＝ 100%
        ("P1", "3", "27.00"),  # 16000 is 320% of 5000 > 200%: 目标值设定偏低, 30 × 90%
        ("P1", "4", "10.00"),
        ("P2", "1", "8.00"),  # 400 ÷ 年初预算 500 (no adjusted budget)
        ("P2", "2.1", "23.75"),  # 950 ÷ 1000 × 25 (no weights: 50 shared equally)
        ("P2", "2.2", "17.50"),  # 部分达成 70% × 25
        ("P2", "3", "30.00"),  # 达成 100%
        ("P3", "2", "20.00"),  # 人均成本 20 ÷ 25 × 25; 接待人次 has no 完成值
        ("P3", "4", "9.44"),  # 85 ÷ 90 × 10
    ],
)
def test_it_scores_each_indicator_by_the_national_rules(
    cards: dict[str, Scorecard], project: str, code: str, score: str
) -> None:
    item = cards[project].item(code)
    assert item is not None and item.score == D(score), item


def test_it_totals_and_grades_a_complete_project(cards: dict[str, Scorecard]) -> None:
    card = cards["P1"]
    assert (card.total, card.grade, card.complete) == (D("94.95"), "优", True)
    assert FLAG_TARGET_TOO_LOW in card.item("3.1").flags  # type: ignore[union-attr]


def test_it_rescales_to_100_when_a_group_does_not_apply(cards: dict[str, Scorecard]) -> None:
    card = cards["P2"]
    # 8 + 41.25 + 30 = 79.25 of the 90 points that apply → 88.06 of 100.
    assert (card.total, card.grade) == (D("88.06"), "良")
    assert "不适用" in card.item("4").flags  # type: ignore[union-attr]


def test_it_keeps_missing_data_apart_from_zero(cards: dict[str, Scorecard]) -> None:
    card = cards["P3"]
    assert card.item("1").score is None and card.item("2.1").score is None  # type: ignore[union-attr]
    assert card.item("2").status.value == "partial"  # type: ignore[union-attr]
    assert card.total == D("59.44") and not card.complete
    assert card.grade == ""  # an incomplete total is not graded
    assert {f.code for f in card.findings} >= {"scoring.missing_data", "scoring.incomplete"}


def test_it_reports_a_stated_project_score_that_differs(cards: dict[str, Scorecard]) -> None:
    found = [f for f in cards["P1"].findings if f.code == "scoring.project_total_mismatch"]
    assert found and found[0].values == {
        "project": "科技创新平台建设",
        "stated": "95",
        "computed": "94.95",
    }
    where = found[0].location
    assert (where.table, where.row, where.column) == ("projects", "P1", "self_score")
    assert where.source.endswith("projects.yaml:7")


def test_every_score_is_explained_in_chinese(cards: dict[str, Scorecard]) -> None:
    for card in cards.values():
        for item in card.walk():
            assert item.explanation and any("\u4e00" <= ch <= "\u9fff" for ch in item.explanation)


def test_what_if_lifts_a_project_to_the_next_grade_only_when_its_total_is_complete(
    cards: dict[str, Scorecard],
) -> None:
    from jixiao.scoring import load_framework, what_if

    framework = load_framework("mof-project-2020")
    assert what_if(cards["P1"], framework) is None  # already 优
    assert what_if(cards["P3"], framework) is None  # incomplete: no grade to improve on
    hint = what_if(cards["P2"], framework)
    assert hint is not None and hint.target.grade == "优" and hint.gap == D("1.94")
    # Re-scaled from 90 points: 79.25 + 1.75 = 81 of 90 → 90.00 of 100.
    assert {c.increase for c in hint.single} == {D("1.75")}
