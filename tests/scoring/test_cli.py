"""``jixiao score`` end to end: text, JSON shape, xlsx round trip, exit codes."""

from __future__ import annotations

import json
from decimal import Decimal as D
from pathlib import Path

from typer.testing import CliRunner

from jixiao.cli import app
from jixiao.scoring.export import read_scorecards_xlsx

runner = CliRunner()
PROJECTS = Path(__file__).resolve().parent.parent / "data" / "scoring" / "projects.yaml"


def test_it_prints_the_scorecard_total_grade_and_findings(example_yaml: Path) -> None:
    result = runner.invoke(
        app, ["score", str(example_yaml), "--framework", "gd-dept-2023", "--what-if"]
    )
    assert result.exit_code == 0, result.output
    assert "89.56" in result.output and "良好" in result.output
    assert "优秀" in result.output  # the stated grade, reported as a finding
    assert "还差 0.44 分" in result.output


def test_it_writes_the_text_scorecard_to_a_file_when_asked(
    example_yaml: Path, tmp_path: Path
) -> None:
    out = tmp_path / "评分表.txt"
    result = runner.invoke(app, ["score", str(example_yaml), "--what-if", "-o", str(out)])
    assert result.exit_code == 0, result.output
    text = out.read_text("utf-8")
    assert "总分：89.56 分，等级：良好" in text and "还差 0.44 分" in text
    assert "\x1b" not in text  # plain text, no terminal colours
    assert "89.56" not in result.output  # the screen only says where it went


def test_it_defaults_to_the_framework_the_dataset_names(example_yaml: Path) -> None:
    result = runner.invoke(app, ["score", str(example_yaml), "--format", "json"])
    assert result.exit_code == 0
    assert json.loads(result.output)["framework"] == "gd-dept-2023"


def test_it_writes_the_documented_json_shape_with_decimal_strings(example_yaml: Path) -> None:
    result = runner.invoke(
        app, ["score", str(example_yaml), "-f", "gd-dept-2023", "--format", "json", "--what-if"]
    )
    document = json.loads(result.output)
    assert {"framework", "total", "grade", "items"} <= document.keys()
    assert document["total"] == "89.56" and document["grade"] == "良"
    efficiency = document["items"][1]
    assert (efficiency["code"], efficiency["points"], efficiency["score"]) == ("2", "50", "39.56")
    assert {"code", "name", "points", "score", "explanation", "children"} <= efficiency["children"][
        0
    ].keys()
    assert document["what_if"]["gap"] == "0.44"


def test_it_round_trips_the_scorecard_through_xlsx(example_yaml: Path, tmp_path: Path) -> None:
    out = tmp_path / "评分表.xlsx"
    result = runner.invoke(
        app, ["score", str(example_yaml), "-f", "gd-dept-2023", "--format", "xlsx", "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    (rows,) = read_scorecards_xlsx(out).values()
    by_code = {r.code: r for r in rows}
    assert (by_code["2"].level, by_code["2"].name, by_code["2"].score) == (
        1,
        "管理效率",
        D("39.56"),
    )
    assert (by_code["2.4"].level, by_code["2.4"].points, by_code["2.4"].score) == (
        2,
        D(15),
        D("13.5"),
    )
    assert "扣 1.5 分" in by_code["2.4"].explanation
    assert by_code["1.1.7"].level == 3


def test_it_scores_every_project_with_a_project_framework(tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["score", str(PROJECTS), "-f", "mof-project-2020", "--format", "json"]
    )
    document = json.loads(result.output)
    assert [p["total"] for p in document["projects"]] == ["94.95", "88.06", "59.44"]
    out = tmp_path / "projects.xlsx"
    runner.invoke(
        app, ["score", str(PROJECTS), "-f", "mof-project-2020", "--format", "xlsx", "-o", str(out)]
    )
    assert len(read_scorecards_xlsx(out)) == 3


def test_it_exits_2_and_lists_the_known_frameworks_for_an_unknown_id(example_yaml: Path) -> None:
    result = runner.invoke(app, ["score", str(example_yaml), "--framework", "gd-dept-2099"])
    assert result.exit_code == 2
    assert "未知的评分框架" in result.output and "mof-project-2020" in result.output


def test_it_exits_2_for_an_unreadable_dataset(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("projects: [ {code: P1\n", "utf-8")
    result = runner.invoke(app, ["score", str(bad), "-f", "mof-project-2020"])
    assert result.exit_code == 2


def test_it_exits_2_for_a_broken_framework_file(example_yaml: Path, tmp_path: Path) -> None:
    framework = tmp_path / "broken.yaml"
    framework.write_text(
        "id: x\nversion: '1'\nname: 坏框架\nitems:\n  - {code: '1', name: 甲, points: -5}\n",
        "utf-8",
    )
    result = runner.invoke(app, ["score", str(example_yaml), "-f", str(framework)])
    assert result.exit_code == 2
    # The console wraps at its width; a long temporary path may break the line anywhere.
    assert "broken.yaml:5" in result.output.replace("\n", "")


def test_it_needs_an_output_file_for_xlsx(example_yaml: Path) -> None:
    result = runner.invoke(app, ["score", str(example_yaml), "--format", "xlsx"])
    assert result.exit_code == 2


def test_it_says_so_when_a_project_framework_finds_no_projects(example_yaml: Path) -> None:
    result = runner.invoke(app, ["score", str(example_yaml), "-f", "mof-project-2020"])
    assert result.exit_code == 0
    assert "没有项目" in result.output
