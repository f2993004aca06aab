"""``jixiao figures`` and ``jixiao check`` on real files: output shapes and exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from jixiao.cli import app

DATA = Path(__file__).resolve().parent.parent / "data"
SEED = DATA / "seed-money.yaml"

runner = CliRunner()


def test_figures_json_gives_every_figure_rounded_as_printed() -> None:
    result = runner.invoke(app, ["figures", str(SEED), "--format", "json"])
    assert result.exit_code == 0, result.output
    figures = {f["id"]: f for f in json.loads(result.stdout)["figures"]}
    assert figures["income.final.total"]["value"] == "617056.54"
    assert figures["expenditure.final.ratio_to_budget"]["value"] == "341.70"
    assert figures["three_public.growth.因公出国（境）费"]["value"] == "3673.25"
    assert figures["expenditure.nature.final.ratio_to_budget.经营支出"]["value"] is None


def test_figures_text_groups_by_area_and_can_filter_by_prefix() -> None:
    result = runner.invoke(
        app, ["figures", str(SEED), "--prefix", "income.final."], terminal_width=200
    )
    assert result.exit_code == 0, result.output
    assert "收入" in result.stdout
    assert "617,056.54 万元" in result.stdout
    assert "342.35%" in result.stdout
    assert "three_public" not in result.stdout


def test_check_exits_1_when_the_data_has_errors(tmp_path: Path) -> None:
    result = runner.invoke(app, ["check", str(SEED), "--format", "json"])
    assert result.exit_code == 1
    findings = json.loads(result.stdout)["findings"]
    assert {"code", "severity", "message", "location", "values"} <= set(findings[0])
    assert any(f["code"] == "stated.mismatch" and "241.70" in f["message"] for f in findings)


def test_check_text_groups_findings_by_severity() -> None:
    result = runner.invoke(app, ["check", str(SEED)], terminal_width=200)
    assert result.exit_code == 1
    out = result.stdout
    assert out.index("错误") < out.index("警告") < out.index("提示")
    assert "共 " in out and "条检查结果" in out


def test_check_exits_0_on_clean_data(tmp_path: Path) -> None:
    clean = tmp_path / "clean.yaml"
    clean.write_text(
        "profile: {department_name: 示例厅, year: 2023}\nincome: [{item: 事业收入, final: 1}]\n",
        "utf-8",
    )
    result = runner.invoke(app, ["check", str(clean)])
    assert result.exit_code == 0, result.output
    assert "共 0 条检查结果" in result.stdout


@pytest.mark.parametrize("command", ["figures", "check"])
@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("missing.yaml", None, "文件不存在"),
        ("empty.yaml", "", "文件为空"),
        ("bad.yaml", "income:\n  - item: 事业收入\n    final: 12,0216\n", "不是有效金额"),
    ],
)
def test_unreadable_input_exits_2_with_a_chinese_message(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    command: str,
    name: str,
    content: str | None,
    message: str,
) -> None:
    monkeypatch.chdir(tmp_path)  # a short path keeps the error table narrow
    if content is not None:
        Path(name).write_text(content, "utf-8")
    result = runner.invoke(app, [command, name])
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output
