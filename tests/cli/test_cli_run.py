"""``jixiao run``, the main job, on the bundled example: outputs, summary, each finding once."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from jixiao.cli import app
from jixiao.io.formats import load_dataset

runner = CliRunner()


@pytest.fixture(scope="module")
def example_run(tmp_path_factory: pytest.TempPathFactory, example_xlsx: Path) -> tuple[str, Path]:
    out = tmp_path_factory.mktemp("run") / "out"
    result = runner.invoke(app, ["run", str(example_xlsx), "-o", str(out)], terminal_width=250)
    assert result.exit_code == 0, result.output  # 0 whatever the findings
    return result.output, out


def test_it_writes_every_output_and_the_text_form_reads_back(
    example_run: tuple[str, Path], example_xlsx: Path
) -> None:
    _, out = example_run
    names = {p.name for p in out.iterdir()}
    assert {"figures.json", "findings.json", "scorecard.json", "gdstc-2023.yaml"} <= names
    assert not [n for n in names if n.endswith(".tmp")]
    assert load_dataset(out / "gdstc-2023.yaml").income == load_dataset(example_xlsx).income


def test_it_prints_the_key_figures_the_score_and_the_grade(example_run: tuple[str, Path]) -> None:
    output, _ = example_run
    for text in ("617,056.54 万元", "342.35%", "341.70%", "-1.84%", "898 人"):
        assert text in output
    assert "评分（gd-dept-2023）：总分 89.56 分，等级 良好" in output


def test_it_lists_each_finding_once(example_run: tuple[str, Path]) -> None:
    _, out = example_run
    findings = json.loads((out / "findings.json").read_text("utf-8"))["findings"]
    messages = [f["message"] for f in findings]
    assert len(messages) == len(set(messages))
    # the department's own scorecard is checked by the checks only, never again by scoring
    assert not {f["code"] for f in findings} & {
        "scoring.stated_deduction_mismatch",
        "scoring.self_score_sum",
        "scoring.full_marks_mismatch",
        "scoring.deducted_mismatch",
    }
    # the seed's “扣 1 分” for 绩效管理 (15 − 13.5 = 1.5), stated on the scorecard and on 声明数
    assert sum("扣 1 分" in m for m in messages) == 1


def test_a_wrong_stated_total_is_listed_once(tmp_path: Path, example_yaml: Path) -> None:
    # Both the checks (Σ self-scores) and scoring (the framework's total) compare 自评总分;
    # with the example the two totals are equal, so it is one finding.
    text = example_yaml.read_text("utf-8").replace("stated_total: 89.56", "stated_total: 90")
    dataset = tmp_path / "total.yaml"
    dataset.write_text(text, "utf-8")
    result = runner.invoke(app, ["run", str(dataset), "-o", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    findings = json.loads((tmp_path / "out" / "findings.json").read_text("utf-8"))["findings"]
    assert [f["code"] for f in findings if "总分 90 分" in f["message"]] == ["score.total_mismatch"]
