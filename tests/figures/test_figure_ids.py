"""Every id the engine produces is declared (FIGURE_IDS / FIGURE_PATTERNS), so bindings in
scoring frameworks and reports can be validated before any data exists."""

from __future__ import annotations

from pathlib import Path

import pytest

from jixiao.dataset.model import Dataset
from jixiao.figures import FIGURE_IDS, compute_figures, is_figure_id
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
        "indicator.5.1.completion_rate",
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
