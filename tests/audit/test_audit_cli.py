"""``jixiao audit``: text and JSON output, exit codes, and the dataset cross-check."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from conftest import SEED
from jixiao.cli import app

runner = CliRunner()


def test_it_prints_findings_grouped_by_section_with_the_numbers() -> None:
    result = runner.invoke(app, ["audit", str(SEED)])
    assert result.exit_code == 0
    assert "部门整体支出情况" in result.stdout
    assert "文中 241.70，应为 341.70" in result.stdout
    assert "错误 10 处" in result.stdout


def test_it_writes_the_json_shape_of_the_issue() -> None:
    result = runner.invoke(app, ["audit", str(SEED), "--format", "json"])
    assert result.exit_code == 0
    document = json.loads(result.stdout)
    assert set(document) == {"file", "findings", "summary"}
    assert set(document["summary"]) == {"claims", "checked", "errors", "warnings"}
    [units] = [f for f in document["findings"] if f["rule"] == "unit-kinds"]
    assert set(units) == {"rule", "severity", "line", "claim", "stated", "expected", "message"}
    assert (units["line"], units["severity"], units["stated"], units["expected"]) == (
        55,
        "error",
        "10",
        "9",
    )


def test_it_exits_2_with_a_chinese_message_on_unreadable_input(tmp_path: Path) -> None:
    empty = tmp_path / "empty.docx"
    empty.write_bytes(b"")
    result = runner.invoke(app, ["audit", str(empty)])
    assert result.exit_code == 2
    assert "文件为空" in result.stderr
    assert "Traceback" not in result.output


def test_it_says_so_when_nothing_is_wrong(tmp_path: Path) -> None:
    clean = tmp_path / "clean.txt"
    clean.write_text(
        "收入合计 200.00 万元，其中：财政拨款收入 150.00 万元、其他收入 50.00 万元。",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["audit", str(clean)])
    assert result.exit_code == 0
    assert "未发现问题" in result.stdout
