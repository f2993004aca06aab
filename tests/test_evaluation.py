"""The evaluation service: one framework rule, one evaluation, the same numbers everywhere."""

from __future__ import annotations

import dataclasses
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import resources
from pathlib import Path

import pytest
from typer.testing import CliRunner

from jixiao.cli import app
from jixiao.dataset.model import Dataset
from jixiao.evaluation import FrameworkSourceKind, choose_framework, evaluate
from jixiao.findings import Severity
from jixiao.io.formats import load_dataset
from jixiao.scoring import UnknownFramework, load_framework

runner = CliRunner()


@pytest.fixture(scope="module")
def example(example_yaml: Path) -> Dataset:
    return load_dataset(example_yaml)


def _naming(dataset: Dataset, framework: str) -> Dataset:
    return dataclasses.replace(
        dataset, self_evaluation=dataclasses.replace(dataset.self_evaluation, framework=framework)
    )


# (the caller's choice, the dataset's 评分框架) → (framework used, where the choice came from)
CHOICES = [
    ("mof-dept-2013", "gd-dept-2023", "mof-dept-2013", FrameworkSourceKind.EXPLICIT),
    ("", "gd-dept-2023", "gd-dept-2023", FrameworkSourceKind.DATASET),
    ("", "mof-dept-2013", "mof-dept-2013", FrameworkSourceKind.DATASET),
    ("", "", "", FrameworkSourceKind.NONE),
    ("", "gd-dept-2099", "", FrameworkSourceKind.NONE),
    ("", "/etc/passwd", "", FrameworkSourceKind.NONE),
    ("", "../../scoring/frameworks/gd-dept-2023.yaml", "", FrameworkSourceKind.NONE),
]


@pytest.mark.parametrize(("given", "named", "used", "source"), CHOICES)
def test_one_rule_chooses_the_framework(
    example: Dataset, given: str, named: str, used: str, source: FrameworkSourceKind
) -> None:
    choice, findings = choose_framework(_naming(example, named), given or None)
    assert (choice.id, choice.source) == (used, source)
    if source is FrameworkSourceKind.NONE:
        assert [f.location.column for f in findings] == ["framework"]
        assert choice.reason == findings[0].message


def test_a_framework_the_caller_names_must_exist(example: Dataset) -> None:
    with pytest.raises(UnknownFramework):
        evaluate(example, framework="gd-dept-2099")


def test_no_framework_means_no_score_and_a_message_not_a_default(example: Dataset) -> None:
    evaluation = evaluate(_naming(example, ""))
    assert evaluation.scorecard is None and evaluation.total is None
    assert evaluation.grade == "" and evaluation.report_scorecard.grade == ""
    [message] = [f for f in evaluation.findings if f.code == "evaluation.no_framework"]
    assert "未指定评分框架" in message.message


@contextmanager
def _opened_files() -> Iterator[list[str]]:
    """The files Python opens while the block runs (a real audit hook, not a patch)."""
    seen: list[str] = []
    recording = [True]

    def hook(event: str, args: tuple[object, ...]) -> None:
        if recording[0] and event == "open" and isinstance(args[0], str | bytes | Path):
            seen.append(str(args[0]))

    sys.addaudithook(hook)  # hooks cannot be removed: this one stops recording on exit
    try:
        yield seen
    finally:
        recording[0] = False


def test_a_dataset_naming_a_file_as_its_framework_is_refused_and_nothing_is_opened(
    example: Dataset, tmp_path: Path
) -> None:
    """An uploaded workbook may name any text as 评分框架: it must never reach the file system."""
    bait = tmp_path / "framework.yaml"  # a valid framework: opening it would score the data
    shipped = resources.files("jixiao.scoring.frameworks").joinpath("gd-dept-2023.yaml")
    bait.write_text(shipped.read_text("utf-8"), "utf-8")
    dataset = _naming(example, str(bait))
    load_framework("gd-dept-2023")  # the shipped files are parsed before we start watching
    with _opened_files() as opened:
        evaluation = evaluate(dataset)
    assert not [p for p in opened if str(tmp_path) in p]
    assert evaluation.scorecard is None
    [refused] = [f for f in evaluation.findings if f.code == "evaluation.framework_unknown"]
    assert refused.severity is Severity.ERROR
    assert str(bait) in refused.message and "不是可用的评分框架" in refused.message
    assert (refused.location.table, refused.location.column) == ("self_evaluation", "framework")


def test_a_project_framework_does_not_score_a_department(example: Dataset) -> None:
    evaluation = evaluate(_naming(example, "mof-project-2020"))
    assert evaluation.scorecard is None
    assert "evaluation.framework_not_department" in {f.code for f in evaluation.findings}


def test_the_evaluation_lists_the_checks_and_the_scoring_findings_once(example: Dataset) -> None:
    evaluation = evaluate(example)
    assert evaluation.framework.id == "gd-dept-2023"
    assert evaluation.scorecard is not None
    assert str(evaluation.total) == "89.56" and evaluation.grade == "良"
    messages = [f.message for f in evaluation.findings]
    assert len(set(messages)) == len(messages)
    assert evaluation.report_scorecard.total == evaluation.total


@pytest.mark.parametrize("framework", ["mof-dept-2013", "gd-dept-2023"])
def test_run_with_a_framework_gives_one_total_in_its_whole_output_folder(
    example_yaml: Path, tmp_path: Path, framework: str
) -> None:
    """The report, the scorecard and the result application of one run agree."""
    from openpyxl import load_workbook

    out = tmp_path / "out"
    result = runner.invoke(
        app, ["run", str(example_yaml), "-o", str(out), "--framework", framework]
    )
    assert result.exit_code == 0, result.output
    card = json.loads((out / "scorecard.json").read_text("utf-8"))
    assert card["framework"] == framework
    sheet = load_workbook(out / "结果应用与整改清单.xlsx")["结果应用"]
    department = [r for r in sheet.iter_rows(min_row=2, values_only=True) if r[0] == "部门整体"]
    if card["complete"]:
        assert [str(r[3]) for r in department] == [card["total"]]
        assert department[0][6] == f"按《{card['framework_name']}》计算得分"
    else:  # a partial total is a lower bound: no grade, no budget recommendation from it
        assert department == []
    html = next(out.glob("*.html")).read_text("utf-8")
    if card["total"] is not None:
        assert f">{card['total']}<" in html
    findings = json.loads((out / "findings.json").read_text("utf-8"))["findings"]
    assert len({f["message"] for f in findings}) == len(findings)
