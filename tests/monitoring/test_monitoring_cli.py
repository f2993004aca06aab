"""The three commands end to end: text, JSON and Excel on real files; exit 2 on bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from jixiao.cli import app

ROOT = Path(__file__).resolve().parent.parent.parent
DATA = ROOT / "tests" / "data" / "monitoring"
SYNTHETIC = ROOT / "examples" / "gdstc-2023-execution-synthetic.yaml"
runner = CliRunner()


def _run(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args), env={"COLUMNS": "200"})
    return result.exit_code, result.output


def test_targets_review_prints_flags_with_history() -> None:
    code, out = _run(
        "targets", "review", str(DATA / "targets-2023.yaml"), "--history", str(DATA / "history")
    )
    assert code == 0, out
    assert "目标设定偏低" in out and "偏高" in out and "与资金不一致" in out


def test_targets_review_json_has_rows_and_findings() -> None:
    code, out = _run("targets", "review", str(DATA / "targets-2023.yaml"), "--format", "json")
    assert code == 0
    document = json.loads(out)
    assert {r["name"] for r in document["rows"]} >= {"新增上市科技型企业数", "验收合格率"}
    assert all(
        {"code", "severity", "message", "location"} <= f.keys() for f in document["findings"]
    )


def test_monitor_synthetic_example_to_excel(tmp_path: Path) -> None:
    out_file, chart = tmp_path / "monitor.xlsx", tmp_path / "chart.png"
    code, out = _run(
        "monitor",
        str(SYNTHETIC),
        "--period",
        "2023-08",
        "-f",
        "xlsx",
        "-o",
        str(out_file),
        "--chart",
        str(chart),
    )
    assert code == 0, out
    workbook = load_workbook(out_file)
    assert workbook.sheetnames == ["执行进度通报", "预警清单", "约谈名单", "数据问题"]
    interviews = [row[0] for row in workbook["约谈名单"].iter_rows(min_row=2, values_only=True)]
    assert interviews == ["163002", "163004", "163061"]
    assert chart.read_bytes().startswith(b"\x89PNG")


def test_monitor_json_ranks_by_lag() -> None:
    code, out = _run("monitor", str(SYNTHETIC), "--period", "2023-06", "--format", "json")
    assert code == 0
    document = json.loads(out)
    assert document["units"][0]["unit"] == "163002"
    assert document["interviews"] == ["163002", "163061", "163004"]  # ranked by lag at June
    # data after the report month are left out with a note, not silently used
    (note,) = [f for f in document["findings"] if f["code"] == "monitor.after_period"]
    assert note["values"] == {"lines": "22", "period": "2023-06"}


@pytest.mark.parametrize("period", ["2023-13", "2023/06", "六月"])
def test_monitor_refuses_a_bad_period(period: str) -> None:
    code, out = _run("monitor", str(SYNTHETIC), "--period", period)
    assert code == 2
    assert "YYYY-MM" in out


def test_results_text_lists_the_unmet_target_and_carries_it(
    example_yaml: Path, tmp_path: Path
) -> None:
    next_year = tmp_path / "gdstc-2024.yaml"
    code, out = _run("results", str(example_yaml), "--carry-to", str(next_year))
    assert code == 0, out
    assert "新增上市科技型企业数" in out and "保障" in out
    assert "rectifications:" in next_year.read_text("utf-8")


def test_results_excel_has_the_rectification_sheet(example_yaml: Path, tmp_path: Path) -> None:
    out_file = tmp_path / "results.xlsx"
    code, _ = _run("results", str(example_yaml), "-f", "xlsx", "-o", str(out_file))
    assert code == 0
    sheet = load_workbook(out_file)["整改清单"]  # the work list of `jixiao run` (tests/cli)
    problems = [str(row[2]) for row in sheet.iter_rows(min_row=3, values_only=True)]
    assert any(p.startswith("新增上市科技型企业数") for p in problems)


def test_xlsx_without_output_is_an_input_error(example_yaml: Path) -> None:
    code, _ = _run("results", str(example_yaml), "-f", "xlsx")
    assert code == 2


def test_unreadable_dataset_exits_2(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "format: jixiao-dataset/1\nexecution:\n  - {period: 2023-06, project: X9, cumulative: 1}\n",
        "utf-8",
    )
    code, out = _run("monitor", str(bad), "--period", "2023-06")
    assert code == 2
    assert "X9" in out


def test_library_export_and_reimport(tmp_path: Path) -> None:
    path = tmp_path / "library.xlsx"
    code, out = _run("targets", "library", str(path), "--history", str(DATA / "history"))
    assert code == 0, out
    code, out = _run("targets", "review", str(DATA / "targets-2023.yaml"), "--library", str(path))
    assert code == 0 and "偏高" in out


def test_targets_review_to_excel(tmp_path: Path) -> None:
    out_file = tmp_path / "review.xlsx"
    code, out = _run(
        "targets",
        "review",
        str(DATA / "targets-2023.yaml"),
        "--history",
        str(DATA / "history"),
        "-f",
        "xlsx",
        "-o",
        str(out_file),
    )
    assert code == 0, out
    sheet = load_workbook(out_file)["目标审核"]
    flags = {row[3]: row[11] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert flags["新增上市科技型企业数"] == "偏低"
    assert flags["新型研发机构数"] == "目标设定偏低"


def test_an_unknown_warning_line_set_exits_2() -> None:
    code, out = _run("monitor", str(SYNTHETIC), "--period", "2023-06", "--lines", "guangdong")
    assert code == 2
    assert "没有预警线规则集“guangdong”" in out


def test_the_synthetic_2024_targets_are_reviewed_against_the_seed_history() -> None:
    code, out = _run(
        "targets",
        "review",
        str(ROOT / "examples" / "gdstc-2024-targets-synthetic.yaml"),
        "--history",
        str(ROOT / "examples" / "gdstc-2023-history"),
        "-f",
        "json",
    )
    assert code == 0
    flags = {r["name"]: r["flags"] for r in json.loads(out)["rows"]}
    assert flags == {
        "新增上市科技型企业数": ["偏低"],
        "国家级创新型产业集群数": ["偏高"],
        "支持国际和粤港澳科技合作项目数": ["与资金不一致"],
    }


def test_a_rule_file_the_user_names_is_read_by_the_command_line(
    example_yaml: Path, tmp_path: Path
) -> None:
    """``--rules`` replaces the shipped rules; a file that cannot be read is exit 2, in Chinese."""
    rules = tmp_path / "results.yaml"
    rules.write_text("recommendations: {优: 优先保障, 良: 适当压减, 中: 压缩, 差: 取消}\n", "utf-8")
    code, out = _run("results", str(example_yaml), "--rules", str(rules))
    assert code == 0, out
    assert "适当压减" in out  # the example grades 良 under its framework
    code, out = _run("results", str(example_yaml), "--rules", str(tmp_path / "none.yaml"))
    assert code == 2 and "无法读取" in out
    rules.write_bytes("recommendations: {优: 优先保障}\n".encode("gbk") + b"\xff\xfe")
    code, out = _run("results", str(example_yaml), "--rules", str(rules))
    assert code == 2 and "不是 UTF-8 编码" in out
