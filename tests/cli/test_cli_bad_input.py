"""A finance officer's worst files, through every dataset command: a clear Chinese message
naming the place and exit 2 — never a traceback (the review of issue 2's “Bad input”)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from jixiao.cli import app

runner = CliRunner()

PROFILE = "profile: {department_name: 示例厅, year: 2023}\n"

#: (file name, content, place, what the error says). Every one must exit 2.
UNREADABLE: list[tuple[str, str, str, str]] = [
    (
        "tabs.yaml",
        "profile:\n\tdepartment_name: x\n",
        "tabs.yaml:2",
        "用制表符",
    ),
    (
        "indent.yaml",
        "profile:\n  department_name: x\n year: 2023\n",
        "indent.yaml:3",
        "YAML 格式错误：缩进不一致",
    ),
    (
        "repeated.yaml",
        "profile:\n  department_name: 甲\n  department_name: 乙\n",
        "repeated.yaml:3",
        "“department_name”重复出现（第 2 行已有）",
    ),
    (
        "table-twice.yaml",
        "income: []\nincome:\n  - {item: 事业收入, final: 1}\n",
        "table-twice.yaml:2",
        "“income”重复出现",
    ),
    (
        "unclosed.yaml",
        "units: [{code: '1', name: 甲, kind: 行政机关}\n",
        "unclosed.yaml",
        "没有闭合",
    ),
    ("deep.yaml", "units: " + "[" * 1100 + "]" * 1100 + "\n", "deep.yaml:1", "嵌套层次过深"),
    ("key.yaml", "? [a, b]\n: 1\n", "key.yaml:1", "键应为表名或字段名，不能是列表或映射"),
    ("list.yaml", "profile:\n  - department_name: x\n", "list.yaml:2", "应为“字段: 值”的映射"),
    ("map.yaml", "units: {code: '1'}\n", "map.yaml:1", "“预算单位”应为行的列表"),
    (
        "nan.yaml",
        PROFILE + "income: [{item: 事业收入, final: .nan}]\n",
        "nan.yaml:2",
        "不是有效金额",
    ),
    (
        "huge.yaml",
        PROFILE + "income: [{item: 事业收入, final: 1e999}]\n",
        "huge.yaml:2",
        "超出可处理的范围",
    ),
    (
        "tiny.yaml",
        PROFILE + "income: [{item: 事业收入, final: 1e-99}]\n",
        "tiny.yaml:2",
        "超出可处理的范围",
    ),
    (
        "digits.yaml",
        PROFILE + "income: [{item: 事业收入, final: 99999999999999999999999999999999}]\n",
        "digits.yaml:2",
        "超出可处理的范围",
    ),
    (
        "date.yaml",
        "profile: {department_name: x, year: 2023, fill_date: 2024-02-30}\n",
        "date.yaml:1",
        "“2024-02-30”不是有效日期",
    ),
    ("binary.yaml", "\udcff", "binary.yaml", "不是 UTF-8 编码的文本文件"),
    (  # aliases that would expand to 9^10 values: refused at once, not walked
        "bomb.yaml",
        "a: &a [x, x, x, x, x, x, x, x, x]\n"
        + "".join(
            f"a{i}: &a{i} [{', '.join(['*a' + ('' if i == 1 else str(i - 1))] * 9)}]\n"
            for i in range(1, 11)
        )
        + "units: *a10\n",
        "bomb.yaml:11",
        "“预算单位”应为“字段: 值”的映射",
    ),
    # Text that looks like Rich markup is shown as typed (it used to crash the error table).
    (
        "markup.yaml",
        PROFILE + "income: [{item: 事业收入, final: '[/red]'}]\n",
        "markup.yaml:2",
        "“[/red]”不是有效金额",
    ),
]


def _write(path: Path, content: str) -> None:
    path.write_bytes(content.encode("utf-8", "surrogateescape"))


@pytest.mark.parametrize("command", [["figures"], ["check"], ["score"], ["run", "-o", "out"]])
@pytest.mark.parametrize(("name", "content", "place", "message"), UNREADABLE)
def test_it_exits_2_naming_the_place(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    command: list[str],
    name: str,
    content: str,
    place: str,
    message: str,
) -> None:
    monkeypatch.chdir(tmp_path)  # short paths keep the error table narrow
    _write(Path(name), content)
    result = runner.invoke(app, [command[0], name, *command[1:]], terminal_width=250)
    assert result.exit_code == 2, result.output
    assert place in result.output and message in result.output
    assert "Traceback" not in result.output
    assert not Path("out").exists()  # nothing half-written


def test_convert_writes_nothing_from_a_file_with_errors(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    _write(Path("huge.yaml"), PROFILE + "income: [{item: 事业收入, final: 1e25}]\n")
    result = runner.invoke(app, ["convert", "huge.yaml", "out.yaml"], terminal_width=250)
    assert result.exit_code == 2
    assert "超出可处理的范围" in result.output
    assert not Path("out.yaml").exists()


def test_a_typed_negative_zero_is_zero(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    _write(Path("zero.yaml"), PROFILE + "income: [{item: 事业收入, budget: -0, final: -0.00}]\n")
    result = runner.invoke(app, ["convert", "zero.yaml", "out.yaml"])
    assert result.exit_code == 0, result.output
    text = Path("out.yaml").read_text("utf-8")
    assert "budget: 0.00\n" in text and "final: 0.00\n" in text
    assert "-0" not in text


def test_markup_like_names_print_as_typed_in_every_command(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    _write(
        Path("names.yaml"),
        "profile: {department_name: '[/x]厅[bold]', year: 2023, stated_unit_count: 3}\n"
        "units: [{code: U1, name: '[red]单位', kind: 行政机关}]\n"
        "income: [{item: 事业收入, budget: 1, final: 1}]\n",
    )
    outputs = {}
    for command in (["figures"], ["check"], ["score", "-f", "gd-dept-2023"], ["run", "-o", "out"]):
        result = runner.invoke(app, [command[0], "names.yaml", *command[1:]], terminal_width=250)
        assert result.exit_code in (0, 1), result.output
        assert "Traceback" not in result.output
        outputs[command[0]] = result.output
    assert "[/x]厅[bold] 2023 年度" in outputs["run"]
    assert "报告声明预算单位数量 3 个" in outputs["run"]


def test_check_and_run_keep_their_exit_codes_on_odd_but_readable_data(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Zero bases, 指标值 0, only unit rows: findings, not failures; run still exits 0."""
    monkeypatch.chdir(tmp_path)
    _write(
        Path("odd.yaml"),
        PROFILE
        + "units: [{code: U1, name: 甲, kind: 行政机关}, {code: U2, name: 乙, kind: 公益一类}]\n"
        "goals: [{code: G1, content: 目标}]\n"
        "indicators:\n"
        "  - {owner: G1, level1: 产出指标, name: 零目标, sign: '≥', target: 0, actual: 0, unit: 个}\n"
        "  - {owner: G1, level1: 产出指标, name: 零完成, sign: '≤', target: 5, actual: 0, unit: 个}\n"
        "income:\n"
        "  - {unit: U1, item: 财政拨款收入, budget: 0, final: 12, prior: 0}\n"
        "  - {unit: U2, item: 财政拨款收入, budget: 0, final: 6, prior: 0}\n"
        "three_public: [{item: 公务接待费, budget: 0, final: 0, prior: 0}]\n"
        "carryover: [{fund: 合计, opening: 0, closing: 0}]\n",
    )
    figures = runner.invoke(app, ["figures", "odd.yaml", "--format", "json"])
    assert figures.exit_code == 0, figures.output
    values = {f["id"]: f["value"] for f in json.loads(figures.stdout)["figures"]}
    assert values["income.final.total"] == "18.00"  # consolidated from the unit rows
    assert values["income.final.ratio_to_budget"] is None  # base 0: no ratio, not a crash
    assert values["three_public.growth"] is None
    check = runner.invoke(app, ["check", "odd.yaml", "--format", "json"])
    assert check.exit_code in (0, 1), check.output
    run = runner.invoke(app, ["run", "odd.yaml", "-o", "out"], terminal_width=250)
    assert run.exit_code == 0, run.output
    assert Path("out/figures.json").exists()


def test_run_names_an_unknown_framework_and_still_completes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    _write(Path("fw.yaml"), PROFILE + "self_evaluation: {framework: nope-2099}\n")
    run = runner.invoke(app, ["run", "fw.yaml", "-o", "out"], terminal_width=250)
    assert run.exit_code == 0, run.output
    assert "评分：“自评结论”中的评分框架“nope-2099”不是可用的评分框架" in run.output
    score = runner.invoke(app, ["score", "fw.yaml"], terminal_width=250)
    assert score.exit_code == 2
    assert "未知的评分框架“nope-2099”" in score.output


#: (command, the output in the way): a directory where a file goes, a file where a folder goes.
UNWRITABLE: list[tuple[list[str], str]] = [
    (["convert", "EXAMPLE", "out.yaml"], "out.yaml"),
    (["score", "EXAMPLE", "-f", "gd-dept-2023", "--format", "json", "-o", "out.json"], "out.json"),
    (["score", "EXAMPLE", "-f", "gd-dept-2023", "--format", "xlsx", "-o", "out.xlsx"], "out.xlsx"),
]


@pytest.mark.parametrize(("command", "in_the_way"), UNWRITABLE)
def test_an_output_that_cannot_be_written_is_named_with_exit_2(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    example_yaml: Path,
    command: list[str],
    in_the_way: str,
) -> None:
    monkeypatch.chdir(tmp_path)
    Path(in_the_way).mkdir(parents=True)
    args = [str(example_yaml) if a == "EXAMPLE" else a for a in command]
    result = runner.invoke(app, args, terminal_width=250)
    assert result.exit_code == 2, result.output
    assert f"无法写入“{in_the_way}”：已有同名目录" in result.output
    assert "Traceback" not in result.output
    assert not list(tmp_path.rglob("*.tmp"))  # no temporary file left behind


def test_run_refuses_a_folder_holding_files_it_did_not_write(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, example_yaml: Path
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("out/figures.json").mkdir(parents=True)
    result = runner.invoke(app, ["run", str(example_yaml), "-o", "out"], terminal_width=250)
    assert result.exit_code == 2, result.output
    assert "无法写入“out”：目录中已有不是 jixiao 写入的文件（figures.json）" in result.output
    assert Path("out/figures.json").is_dir()  # left as it was
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]  # no staging folder, no lock


def test_run_says_so_when_a_file_stands_where_the_output_folder_goes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, example_yaml: Path
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("out").write_text("", "utf-8")
    result = runner.invoke(app, ["run", str(example_yaml), "-o", "out"], terminal_width=250)
    assert result.exit_code == 2
    assert "无法写入“out”：已有同名文件，无法作为目录" in result.output


def test_run_scores_nothing_when_the_dataset_names_no_framework(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    _write(Path("blank.yaml"), PROFILE)
    result = runner.invoke(app, ["run", "blank.yaml", "-o", "out"], terminal_width=250)
    assert result.exit_code == 0, result.output
    # No framework named: no silent default, a clear message instead of a score.
    assert "评分：数据集未指定评分框架" in result.output
    assert "None" not in result.output


@pytest.mark.parametrize(
    ("command", "message"),
    [
        (["check", "LONG.yaml"], "无法读取文件：文件名过长"),
        (["convert", "EXAMPLE", "LONG.yaml"], "文件名过长"),
        (["score", "EXAMPLE", "-f", "LONG.yaml"], "无法读取框架文件（文件名过长）"),
    ],
)
def test_a_file_name_too_long_for_the_system_is_a_message_not_a_traceback(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    example_yaml: Path,
    command: list[str],
    message: str,
) -> None:
    monkeypatch.chdir(tmp_path)
    names = {"LONG.yaml": "长" * 300 + ".yaml", "EXAMPLE": str(example_yaml)}
    result = runner.invoke(app, [names.get(a, a) for a in command], terminal_width=250)
    assert result.exit_code == 2, result.output
    assert message in "".join(result.output.split())  # the long name wraps the table cell
    assert "Traceback" not in result.output
