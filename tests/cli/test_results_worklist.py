"""`jixiao results -f xlsx` writes the same work list as `jixiao run` (issue 10, item 6).

One implementation (jixiao.reports.worklist): 问题, 整改措施, 责任单位, 责任人, 期限, a 状态
dropdown, 佐证, and the budget suggestions marked 参考 when only a self-evaluation exists.
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import load_workbook
from typer.testing import CliRunner

from jixiao.cli import app
from jixiao.reports.api import WORKLIST_FILENAME

runner = CliRunner()


def _sheets(path: Path) -> dict[str, list[tuple[object, ...]]]:
    book = load_workbook(path)
    return {ws.title: list(ws.iter_rows(values_only=True)) for ws in book.worksheets}


def test_results_writes_the_work_list_that_run_writes(example_yaml: Path, tmp_path: Path) -> None:
    results = tmp_path / "results.xlsx"
    code = runner.invoke(app, ["results", str(example_yaml), "-f", "xlsx", "-o", str(results)])
    assert code.exit_code == 0, code.output
    run = runner.invoke(app, ["run", str(example_yaml), "-o", str(tmp_path / "run")])
    assert run.exit_code == 0, run.output
    from_run = tmp_path / "run" / WORKLIST_FILENAME
    written = _sheets(results)
    assert written == _sheets(from_run)

    rows = written["整改清单"]
    header = next(r for r in rows if r and r[0] == "序号")
    for column in ("问题", "整改措施", "责任单位", "责任人", "整改期限", "状态", "佐证材料"):
        assert column in header
    status = load_workbook(results)["整改清单"].data_validations.dataValidation
    assert any("待整改" in str(v.formula1) for v in status)
    suggestions = [c for sheet in written.values() for r in sheet for c in r if c]
    assert any("参考" in str(c) for c in suggestions)
