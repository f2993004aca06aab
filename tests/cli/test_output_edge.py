"""The output edge (issue 16): input is never destroyed, every write failure is one
Chinese line with exit 2, output folders are transactions, usage errors are in Chinese."""

from __future__ import annotations

import errno
import json
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from jixiao.cli import app
from jixiao.io.formats import load_dataset
from jixiao.lib.files import MANIFEST, OutputFolder

runner = CliRunner()

RUN = ["run", "DS", "-o", "out"]


def _invoke(args: list[str], ds: Path | None = None) -> tuple[int, str]:
    result = runner.invoke(app, [str(ds) if a == "DS" and ds else a for a in args])
    return result.exit_code, result.output


@pytest.fixture
def ds(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, example_yaml: Path) -> Path:
    """A small dataset with comments, in a fresh current folder."""
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "ds.yaml"
    path.write_text(
        "# 示例：注释必须保留\nprofile: {department_name: 示例厅, year: 2023}\n"
        "income: [{item: 事业收入, budget: 10, final: 12}]\n",
        "utf-8",
    )
    return path


# --------------------------------------------------------------------------- input stays


def test_convert_onto_its_own_input_is_refused(ds: Path) -> None:
    before = ds.read_bytes()
    for args in (["convert", "ds.yaml", "ds.yaml"], ["convert", "ds.yaml", "ds.yaml", "--force"]):
        code, output = _invoke(args)
        assert code == 2, output
        assert "无法写入“ds.yaml”：这是本命令的输入文件，不能覆盖" in output
    assert ds.read_bytes() == before


def test_convert_does_not_overwrite_without_force(ds: Path) -> None:
    Path("t.xlsx").write_bytes(b"someone's workbook")
    code, output = _invoke(["convert", "ds.yaml", "t.xlsx"])
    assert code == 2 and "文件已存在；如要覆盖，请加 --force" in output
    assert Path("t.xlsx").read_bytes() == b"someone's workbook"
    code, output = _invoke(["convert", "ds.yaml", "t.xlsx", "--force"])
    assert code == 0, output
    assert load_dataset(Path("t.xlsx")).income == load_dataset(ds).income


def test_run_refuses_an_output_folder_holding_its_input(ds: Path) -> None:
    assert _invoke(["run", "ds.yaml", "-o", "out"])[0] == 0
    text_form = Path("out/ds.yaml")
    text_form.write_text(ds.read_text("utf-8") + "# 用户的修改\n", "utf-8")
    before = text_form.read_bytes()
    for extra in ([], ["--force"]):
        code, output = _invoke(["run", "out/ds.yaml", "-o", "out", *extra])
        assert code == 2, output
        assert "输入文件“out/ds.yaml”在输出目录中" in output
    assert text_form.read_bytes() == before  # 25 comment lines stay 25


@pytest.mark.parametrize("out", ["", ".", ".."])
def test_run_refuses_the_current_folder(ds: Path, out: str) -> None:
    code, output = _invoke(["run", "ds.yaml", "-o", out])
    assert code == 2, output
    assert "输出目录不能是当前目录或其上级目录" in output
    assert sorted(p.name for p in ds.parent.iterdir()) == ["ds.yaml"]


def test_results_does_not_carry_onto_its_own_input(ds: Path) -> None:
    before = ds.read_bytes()
    code, output = _invoke(["results", "ds.yaml", "--carry-to", "ds.yaml", "--force"])
    assert code == 2 and "这是本命令的输入文件" in output
    assert ds.read_bytes() == before


def test_results_updates_an_existing_next_year_dataset_only_with_force(ds: Path) -> None:
    Path("next.yaml").write_text(
        "# 明年\nprofile: {department_name: 示例厅, year: 2024}\n", "utf-8"
    )
    code, output = _invoke(["results", "ds.yaml", "--carry-to", "next.yaml"])
    assert code == 2 and "--force" in output
    assert _invoke(["results", "ds.yaml", "--carry-to", "next.yaml", "--force"])[0] == 0
    assert load_dataset(Path("next.yaml")).profile.year == 2024


# --------------------------------------------------------------------------- one edge

#: (command writing one file, the file it writes); each is tried against every obstacle.
FILE_COMMANDS: list[list[str]] = [
    ["template", "X.xlsx", "--force"],
    ["convert", "ds.yaml", "X.xlsx", "--force"],
    ["convert", "ds.yaml", "X.yaml", "--force"],
    ["score", "ds.yaml", "-f", "gd-dept-2023", "--format", "xlsx", "-o", "X.xlsx", "--force"],
    ["score", "ds.yaml", "-f", "gd-dept-2023", "--format", "json", "-o", "X.json", "--force"],
    ["targets", "library", "X.xlsx", "--force"],
    ["targets", "review", "ds.yaml", "-f", "xlsx", "-o", "X.xlsx", "--force"],
    ["results", "ds.yaml", "-f", "xlsx", "-o", "X.xlsx", "--force"],
    ["results", "ds.yaml", "--carry-to", "X.yaml", "--force"],
    ["monitor", "EXEC", "-p", "2023-06", "-f", "xlsx", "-o", "X.xlsx", "--force"],
    ["monitor", "EXEC", "-p", "2023-06", "--chart", "X.png", "--force"],
]


def _with(command: list[str], target: str, execution: Path) -> list[str]:
    names = {"EXEC": str(execution)}
    return [names.get(a, a.replace("X", target, 1) if a.startswith("X.") else a) for a in command]


@pytest.fixture
def execution(example_yaml: Path) -> Path:
    return example_yaml.parent / "gdstc-2023-execution-synthetic.yaml"


@pytest.mark.parametrize("command", FILE_COMMANDS, ids=lambda c: " ".join(c[:2]))
def test_a_directory_in_the_way_is_one_line_and_exit_2(
    ds: Path, execution: Path, command: list[str]
) -> None:
    args = _with(command, "d", execution)
    target = next(a for a in args if a.startswith("d."))
    Path(target).mkdir()
    code, output = _invoke(args)
    assert code == 2, output
    assert f"无法写入“{target}”：已有同名目录" in output
    assert "Traceback" not in output and "Exception ignored" not in output


@pytest.mark.parametrize("command", FILE_COMMANDS, ids=lambda c: " ".join(c[:2]))
def test_a_file_where_a_folder_should_be_is_one_line_and_exit_2(
    ds: Path, execution: Path, command: list[str]
) -> None:
    Path("plain").write_text("a file", "utf-8")
    args = _with(command, "plain/sub", execution)
    code, output = _invoke(args)
    assert code == 2, output
    assert "“plain”是文件，不能作为目录" in output
    assert Path("plain").read_text("utf-8") == "a file"


@pytest.mark.parametrize(
    ("code", "reason"),
    [(errno.ENOSPC, "磁盘已满"), (errno.EROFS, "文件系统只读"), (errno.EACCES, "没有访问权限")],
)
@pytest.mark.parametrize("command", FILE_COMMANDS, ids=lambda c: " ".join(c[:2]))
def test_a_failing_disk_is_one_line_exit_2_and_nothing_left(
    ds: Path,
    execution: Path,
    monkeypatch: pytest.MonkeyPatch,
    command: list[str],
    code: int,
    reason: str,
) -> None:
    def fail(*args: object, **kwargs: object) -> None:
        raise OSError(code, os.strerror(code))

    monkeypatch.setattr("jixiao.lib.files.os.replace", fail)
    before = sorted(p.name for p in ds.parent.iterdir())
    args = _with(command, "w", execution)
    exit_code, output = _invoke(args)
    assert exit_code == 2, output
    target = next(a for a in args if a.startswith("w."))
    assert f"无法写入“{target}”：{reason}" in output
    assert sorted(p.name for p in ds.parent.iterdir()) == before  # no temporary file


def test_temporary_names_are_unique_so_a_leftover_never_blocks(ds: Path) -> None:
    # The old writer used the fixed name out.yaml.tmp: this directory broke every convert.
    Path("out.yaml.tmp").mkdir()
    code, output = _invoke(["convert", "ds.yaml", "out.yaml"])
    assert code == 0, output
    assert load_dataset(Path("out.yaml")).income == load_dataset(ds).income


# --------------------------------------------------------------------------- folders


def test_a_rerun_replaces_the_whole_folder_and_marks_it_complete(ds: Path) -> None:
    assert _invoke(["run", "ds.yaml", "-o", "out"])[0] == 0
    manifest = json.loads(Path("out", MANIFEST).read_text("utf-8"))
    assert "figures.json" in manifest["files"] and manifest["command"] == "run"
    Path("out/figures.json").write_text("old", "utf-8")  # an old output of ours
    assert _invoke(["run", "ds.yaml", "-o", "out"])[0] == 0
    assert Path("out/figures.json").read_text("utf-8") != "old"
    Path("out/notes.txt").write_text("mine", "utf-8")  # not ours: refused, kept
    code, output = _invoke(["run", "ds.yaml", "-o", "out"])
    assert code == 2 and "目录中有 jixiao 之外的文件（notes.txt）" in output
    assert Path("out/notes.txt").read_text("utf-8") == "mine"
    Path("out/notes.txt").unlink()
    assert sorted(p.name for p in ds.parent.iterdir() if p.name != "ds.yaml") == ["out"]


def test_an_interrupted_run_leaves_the_old_folder_as_it_was_and_says_so(
    ds: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert _invoke(["run", "ds.yaml", "-o", "out"])[0] == 0
    before = {p: p.read_bytes() for p in Path("out").rglob("*") if p.is_file()}

    def interrupted(*args: object, **kwargs: object) -> list[Path]:
        raise KeyboardInterrupt

    monkeypatch.setattr("jixiao.reports.api.render_report", interrupted)
    code, output = _invoke(["run", "ds.yaml", "-o", "out"])
    assert code == 130, output
    assert "输出目录“out”保持原样，没有写入任何文件" in output
    assert "已中断" in output
    assert {p: p.read_bytes() for p in Path("out").rglob("*") if p.is_file()} == before
    assert sorted(p.name for p in ds.parent.iterdir()) == ["ds.yaml", "out"]


def test_a_failed_first_run_leaves_no_folder(ds: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def full(*args: object, **kwargs: object) -> list[Path]:
        raise OSError(errno.ENOSPC, "No space left on device", "x")

    monkeypatch.setattr("jixiao.reports.api.render_report", full)
    code, output = _invoke(["run", "ds.yaml", "-o", "out"])
    assert code == 2, output
    assert "磁盘已满" in output and "输出目录“out”未创建" in output
    assert sorted(p.name for p in ds.parent.iterdir()) == ["ds.yaml"]


def test_a_second_run_into_a_folder_being_written_is_refused(ds: Path) -> None:
    with OutputFolder(Path("out")):
        code, output = _invoke(["run", "ds.yaml", "-o", "out"])
    assert code == 2, output
    assert "另一个 jixiao 命令正在写入该目录" in output


def test_leftovers_of_a_killed_run_are_cleaned(ds: Path) -> None:
    Path(".out.jixiao-staging-dead/figures.json").parent.mkdir()
    Path(".out.jixiao-staging-dead/figures.json").write_text("half", "utf-8")
    assert _invoke(["run", "ds.yaml", "-o", "out"])[0] == 0
    assert sorted(p.name for p in ds.parent.iterdir()) == ["ds.yaml", "out"]


def test_a_folder_swapped_out_by_a_killed_run_is_put_back(ds: Path) -> None:
    assert _invoke(["run", "ds.yaml", "-o", "out"])[0] == 0
    Path("out").rename(".out.jixiao-old-dead")  # killed between the two renames
    with OutputFolder(Path("out")) as folder:
        assert Path("out", "figures.json").exists()  # restored before anything else
        folder.write("a.txt", b"a")
    assert sorted(p.name for p in Path("out").iterdir()) == [MANIFEST, "a.txt"]


def test_report_writes_its_set_as_one_transaction(ds: Path) -> None:
    code, output = _invoke(["report", "ds.yaml", "-o", "rep", "--format", "html,xlsx"])
    assert code == 0, output
    names = sorted(p.name for p in Path("rep").iterdir())
    assert names[0] == MANIFEST  # written last: the folder is complete
    manifest = json.loads(Path("rep", MANIFEST).read_text("utf-8"))
    assert manifest["files"] == names[1:] and len(names) == 5  # report + review file


# --------------------------------------------------------------------------- usage


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["run"], "缺少参数 DATASET_PATH（数据集：.xlsx 工作簿或 .yaml 文本格式）"),
        (["run", "ds.yaml", "--bogus"], "没有选项“--bogus”"),
        (["figures", "ds.yaml", "--formt", "json"], "是否应为 --format"),
        (["score", "ds.yaml", "--format", "pdf"], "“pdf”不是可选值（可选：text、json、xlsx）"),
        (["report", "ds.yaml", "--workers", "many"], "--workers 的值无效：应为整数"),
        (["nosuch"], "没有命令“nosuch”"),
        (["check", "ds.yaml", "extra"], "多余的参数：extra"),
        (["run", "ds.yaml", "-o"], "选项 -o 后面需要一个值"),
    ],
)
def test_usage_errors_are_in_chinese(ds: Path, args: list[str], message: str) -> None:
    code, output = _invoke(args)
    assert code == 2, output
    assert message in output, output
    if args[-1] != "-o":  # the parser has no command yet to show the usage of
        assert "用法：jixiao" in output and "--help 查看说明" in output
    for english in ("Usage:", "Error", "Missing", "No such", "Try "):
        assert english not in output


def test_a_framework_total_of_zero_is_named_not_read_as_100(ds: Path) -> None:
    Path("fw.yaml").write_text(
        "id: zero\nversion: '1'\nname: 零分框架\ntotal_points: 0\n"
        "items:\n  - {code: A, name: 指标, points: 0, rule: {type: manual}}\n",
        "utf-8",
    )
    code, output = _invoke(["score", "ds.yaml", "-f", "fw.yaml"])
    assert code == 2, output
    assert "框架总分 total_points 不能为 0" in output
    assert "100 分" not in output


def test_piped_output_keeps_each_finding_on_one_line(example_xlsx: Path) -> None:
    """Into a pipe (a log, ``| grep``) Rich would squeeze the findings table to 80 columns
    and wrap its 说明 mid-sentence; a real process with its output piped, no COLUMNS, prints
    each finding's row whole."""
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k not in {"COLUMNS", "LINES"}}
    done = subprocess.run(
        [sys.executable, "-m", "jixiao", "check", str(example_xlsx)],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert done.returncode == 1, done.stderr
    row = [line for line in done.stdout.splitlines() if "units.institution_count_mismatch" in line]
    assert len(row) == 1
    assert "声明数.事业单位数（声明）" in row[0]
    assert "报告声明事业单位数 10 个 ≠ “预算单位”表按单位性质统计的 9 个" in row[0]
