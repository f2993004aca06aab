"""Every finding an evaluation gives has a Chinese title (lists name kinds by it)."""

from __future__ import annotations

from pathlib import Path

import pytest

from jixiao.evaluation import evaluate, finding_codes_titled, finding_title
from jixiao.io.formats import load_dataset

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("framework", [None, "gd-dept-2023", "mof-dept-2013"])
def test_every_finding_of_the_example_has_a_title(framework: str | None) -> None:
    dataset = load_dataset(ROOT / "examples" / "gdstc-2023.xlsx")
    evaluation = evaluate(dataset, framework=framework)
    codes = {f.code for f in evaluation.findings}
    assert "score.full_marks_mismatch" in codes
    untitled = sorted(code for code in codes if not finding_title(code))
    assert untitled == []


def test_a_search_by_title_finds_the_codes() -> None:
    assert finding_codes_titled("所称满分项") == ["score.full_marks_mismatch"]
    assert finding_codes_titled("") == []
    assert finding_title("no.such_code") == ""
