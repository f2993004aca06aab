"""Every id the engine produces is declared (FIGURE_IDS / FIGURE_PATTERNS), so bindings in
scoring frameworks and reports can be validated before any data exists."""

from __future__ import annotations

from pathlib import Path

import pytest

from jixiao.dataset.model import Dataset, Indicator
from jixiao.figures import FIGURE_IDS, compute_figures, is_figure_id
from jixiao.figures.ids import indicator_id, indicator_ids, project_id, score_id
from jixiao.io.formats import load_dataset

SEED_FIXTURE = Path(__file__).resolve().parent.parent / "data" / "seed-money.yaml"


def test_every_fixed_id_exists_even_for_an_empty_dataset() -> None:
    assert set(FIGURE_IDS) <= set(compute_figures(Dataset()))


@pytest.mark.parametrize("which", ["fixture", "example"])
def test_every_produced_id_is_declared(which: str, example_yaml: Path) -> None:
    figures = compute_figures(load_dataset(SEED_FIXTURE if which == "fixture" else example_yaml))
    assert [i for i in figures if not is_figure_id(i)] == []


@pytest.mark.parametrize(
    "figure_id",
    [
        "income.final.total",
        "income.final.ratio_to_budget.财政拨款收入",
        "expenditure.function.budget.share.206",
        "expenditure.economic.final.share_of_parent.项目支出.30299",
        "three_public.growth.三公经费合计",
        "carryover.change_rate",
        "indicator.5.新增上市科技型企业数.completion_rate",
        "project_indicator.P01.KJ-BM-02#2.met",
        "score.2.4.deduction",
        "unit.163002.income.final.ratio_to_budget",
        "consolidated.expenditure.nature.final.基本支出",
    ],
)
def test_it_accepts_the_ids_reports_and_frameworks_use(figure_id: str) -> None:
    assert is_figure_id(figure_id)


@pytest.mark.parametrize(
    "figure_id",
    [
        "income.final.事业收入入",  # typo in a named item
        "income.finall.total",
        "expenditure.function.budget.20",  # not a 3/5/7-digit code
        "three_public.growth.三公经费",
        "carryover.changerate",
    ],
)
def test_it_rejects_typos(figure_id: str) -> None:
    assert not is_figure_id(figure_id)


def _indicator(name: str, code: str = "", owner: str = "5") -> Indicator:
    return Indicator(owner=owner, level1="产出指标", name=name, code=code, sign="≥")


def test_indicator_ids_are_stable_keys_not_positions() -> None:
    """指标编码 when given, else the 三级指标 name; inserting a row renames nothing."""
    rows = [_indicator("新增上市科技型企业数"), _indicator("人才数", code="KJ-BM-03")]
    before = dict(indicator_ids("indicator", rows))
    inserted = [_indicator("新插入的指标"), *rows, _indicator("人才数", owner="6")]
    after = dict(indicator_ids("indicator", inserted))
    assert set(before) <= set(after)
    assert sorted(after) == [
        "indicator.5.KJ-BM-03",
        "indicator.5.新增上市科技型企业数",
        "indicator.5.新插入的指标",
        "indicator.6.人才数",
    ]


def test_repeated_and_dotted_keys_stay_distinct_and_dotless() -> None:
    rows = [_indicator("PM2.5年均浓度"), _indicator("培训人数"), _indicator("培训人数")]
    assert [base for base, _ in indicator_ids("project_indicator", rows)] == [
        "project_indicator.5.PM2·5年均浓度",
        "project_indicator.5.培训人数",
        "project_indicator.5.培训人数#2",
    ]
    assert all(is_figure_id(indicator_id("indicator", "5", "培训人数#2", f)) for f in ("met",))


def test_the_constructors_spell_the_ids_the_engine_makes(example_yaml: Path) -> None:
    figures = compute_figures(load_dataset(example_yaml))
    assert project_id("P1", "execution_rate") == "project.P1.execution_rate"
    assert score_id("2.4", "deduction") in figures
    (base, _), *_ = indicator_ids("indicator", load_dataset(example_yaml).indicators)
    assert f"{base}.met" in figures
