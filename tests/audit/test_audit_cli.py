"""``jixiao audit``: text, JSON and Excel output, exit codes (0 clean, 1 errors, 2 unreadable),
and a folder of reports audited into one summary table."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import openpyxl
from typer.testing import CliRunner

from conftest import SEED
from jixiao.cli import app

runner = CliRunner()

CLEAN = "收入合计 200.00 万元，其中：财政拨款收入 150.00 万元、其他收入 50.00 万元。"
WARNING_ONLY = "本部门整体支出绩效自评得分为85分，评价等级为优秀。"


def test_it_prints_findings_grouped_by_section_and_exits_1_on_errors() -> None:
    result = runner.invoke(app, ["audit", str(SEED)])
    assert result.exit_code == 1
    assert "部门整体支出情况" in result.stdout
    assert "文中 241.70，应为 341.70" in result.stdout
    assert "错误 10 处" in result.stdout


def test_it_writes_the_json_shape_with_rule_line_and_numbers() -> None:
    result = runner.invoke(app, ["audit", str(SEED), "--format", "json"])
    assert result.exit_code == 1
    document = json.loads(result.stdout)
    assert set(document) == {"file", "findings", "summary"}
    assert document["summary"]["errors"] == 10
    assert document["summary"]["warnings"] == 9
    [units] = [f for f in document["findings"] if f["rule"] == "unit-kinds"]
    assert {"rule", "code", "severity", "line", "claim", "stated", "expected", "message"} <= set(
        units
    )
    assert (units["line"], units["severity"], units["stated"], units["expected"]) == (
        55,
        "error",
        "10",
        "9",
    )
    assert units["where"] == {
        "table": "report",
        "row": "",
        "column": "",
        "source": f"{SEED}:55",
        "line": 55,
    }


def test_it_exits_2_with_a_chinese_message_on_unreadable_input(tmp_path: Path) -> None:
    empty = tmp_path / "empty.docx"
    empty.write_bytes(b"")
    result = runner.invoke(app, ["audit", str(empty)])
    assert result.exit_code == 2
    assert "文件为空" in result.stderr
    assert "Traceback" not in result.output


def test_it_exits_0_when_nothing_is_wrong(tmp_path: Path) -> None:
    clean = tmp_path / "clean.txt"
    clean.write_text(CLEAN, encoding="utf-8")
    result = runner.invoke(app, ["audit", str(clean)])
    assert result.exit_code == 0
    assert "未发现问题" in result.stdout


def test_warnings_alone_exit_0(tmp_path: Path) -> None:
    path = tmp_path / "grade.txt"
    path.write_text(WARNING_ONLY, encoding="utf-8")
    result = runner.invoke(app, ["audit", str(path), "--format", "json"])
    assert result.exit_code == 0
    assert json.loads(result.stdout)["summary"]["warnings"] == 1


def _folder(tmp_path: Path, *, broken: bool = False) -> Path:
    folder = tmp_path / "reports"
    folder.mkdir()
    shutil.copy(SEED, folder / "seed.txt")
    (folder / "clean.txt").write_text(CLEAN, encoding="utf-8")
    (folder / "notes.csv").write_text("not a report", encoding="utf-8")  # not picked up
    if broken:
        (folder / "broken.pdf").write_bytes(b"%PDF-1.7\n1 0 obj << /Type /Catalog")
    return folder


def test_a_folder_is_audited_into_one_summary_table(tmp_path: Path) -> None:
    result = runner.invoke(app, ["audit", str(_folder(tmp_path))])
    assert result.exit_code == 1
    assert "审核汇总：共 2 份报告" in result.stdout
    assert "clean.txt" in result.stdout
    assert "未发现问题" in result.stdout
    assert "有错误" in result.stdout
    assert "notes.csv" not in result.stdout


def test_a_folder_as_json_lists_each_report_and_the_totals(tmp_path: Path) -> None:
    result = runner.invoke(app, ["audit", str(_folder(tmp_path, broken=True)), "-f", "json"])
    assert result.exit_code == 2  # one report could not be read
    document = json.loads(result.stdout)
    by_name = {Path(r["file"]).name: r for r in document["reports"]}
    assert set(by_name) == {"broken.pdf", "clean.txt", "seed.txt"}
    assert "无法读取 PDF" in by_name["broken.pdf"]["error"]
    assert by_name["clean.txt"]["summary"]["errors"] == 0
    assert by_name["seed.txt"]["summary"]["errors"] == 10
    assert document["summary"]["files"] == 3
    assert document["summary"]["unreadable"] == 1
    assert document["summary"]["errors"] == 10


def test_a_folder_as_xlsx_has_a_summary_and_a_findings_sheet(tmp_path: Path) -> None:
    out = tmp_path / "out" / "审核汇总.xlsx"
    result = runner.invoke(app, ["audit", str(_folder(tmp_path)), "-f", "xlsx", "-o", str(out)])
    assert result.exit_code == 1
    book = openpyxl.load_workbook(out)
    summary = [tuple(r) for r in book["汇总"].iter_rows(values_only=True)]
    assert summary[0] == ("报告", "状态", "数据陈述", "已核对", "错误", "警告", "截尾", "提示")
    assert [(r[0], r[1], r[4]) for r in summary[1:]] == [
        ("clean.txt", "未发现问题", 0),
        ("seed.txt", "有错误", 10),
    ]
    findings = [tuple(r) for r in book["问题"].iter_rows(values_only=True)]
    assert ("seed.txt", 245, "budget-ratio", "错误", "241.70", "341.70") in [
        r[:6] for r in findings
    ]


def test_xlsx_needs_an_output_file_and_an_empty_folder_is_refused(tmp_path: Path) -> None:
    result = runner.invoke(app, ["audit", str(SEED), "-f", "xlsx"])
    assert result.exit_code == 2
    assert "-o" in result.stderr
    empty = tmp_path / "empty"
    empty.mkdir()
    result = runner.invoke(app, ["audit", str(empty)])
    assert result.exit_code == 2
    assert "没有可审核的报告" in result.stderr


def test_text_and_json_can_go_to_a_file(tmp_path: Path) -> None:
    for fmt in ("text", "json"):
        out = tmp_path / f"audit.{fmt}"
        result = runner.invoke(app, ["audit", str(SEED), "-f", fmt, "-o", str(out)])
        assert result.exit_code == 1
        assert "241.70" in out.read_text(encoding="utf-8")


EXIT_PROBE = """
import atexit, gc, io, sys
from contextlib import redirect_stdout
# Registered first, so run last of the exit functions: what the final collection meets.
atexit.register(lambda: print("frozen at exit:", gc.get_freeze_count() > 0, file=sys.stderr))
from jixiao.cli import app
try:
    with redirect_stdout(io.StringIO()):
        app(["audit", sys.argv[1], "-f", "json"])
except SystemExit:
    pass
print("frozen before exit:", gc.get_freeze_count() > 0, file=sys.stderr)
"""


def test_the_process_skips_the_final_collection_but_collects_until_exit() -> None:
    """``jixiao audit`` freezes the objects only at the interpreter's exit: its final
    garbage collection has nothing to do (issue 15 item 4), and a process that runs the
    command and goes on (a test run) keeps collecting."""
    import subprocess
    import sys

    err = subprocess.run(
        [sys.executable, "-c", EXIT_PROBE, str(SEED)], capture_output=True, text=True, check=True
    ).stderr
    assert "frozen before exit: False" in err
    assert "frozen at exit: True" in err
