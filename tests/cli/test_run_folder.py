"""``jixiao run FOLDER``: a province of department datasets in one run (serial or a process pool).

Behaviour only — the speed is measured by ``benchmarks/bench_province.py``: the pool writes
exactly what one process writes, each department's folder holds what ``jixiao run`` writes
for that dataset alone, and an unreadable dataset stops the run with every problem listed
and nothing written.
"""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from jixiao.cli import app
from jixiao.io.formats import save_dataset
from jixiao.lib.files import MANIFEST
from jixiao.synthetic import synthetic_departments

runner = CliRunner()
#: openpyxl stamps each workbook with the time it was written (docProps/core.xml).
_TIMES = re.compile(rb"<dcterms:(created|modified)[^>]*>[^<]*</dcterms:\1>")


@pytest.fixture(scope="module")
def province(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Three small departments (2 units each), as a finance bureau keeps them: one file each."""
    folder = tmp_path_factory.mktemp("province")
    for dataset in synthetic_departments(3, 2):
        save_dataset(dataset, folder / f"{dataset.profile.department_name}.yaml")
    (folder / "说明.txt").write_text("不是数据集：不读", "utf-8")
    return folder


def _run(*args: str) -> str:
    result = runner.invoke(app, ["run", *args], terminal_width=200)
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture(scope="module")
def serial_and_parallel(
    province: Path, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, Path, str]:
    root = tmp_path_factory.mktemp("runs")
    _run(str(province), "-o", str(root / "serial"), "--workers", "1")
    output = _run(str(province), "-o", str(root / "parallel"), "--workers", "2")
    return root / "serial", root / "parallel", output


def _contents(folder: Path) -> dict[str, bytes]:
    """Every file below ``folder`` by relative path; Office files by their parts, time stamps out."""
    found: dict[str, bytes] = {}
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        name = path.relative_to(folder).as_posix()
        if path.suffix in {".docx", ".xlsx"}:
            with zipfile.ZipFile(path) as archive:
                for part in archive.namelist():
                    found[f"{name}!{part}"] = _TIMES.sub(b"", archive.read(part))
        else:
            found[name] = path.read_bytes()
    return found


def test_the_pool_writes_exactly_what_one_process_writes(
    serial_and_parallel: tuple[Path, Path, str],
) -> None:
    serial, parallel, _ = serial_and_parallel
    one, pool = _contents(serial), _contents(parallel)
    assert sorted(one) == sorted(pool)
    assert [name for name in one if one[name] != pool[name]] == []


def test_each_department_gets_its_folder_and_the_summary_lists_them(
    serial_and_parallel: tuple[Path, Path, str],
) -> None:
    _, parallel, output = serial_and_parallel
    folders = sorted(p.name for p in parallel.iterdir() if p.is_dir())
    assert folders == ["合成第1厅", "合成第2厅", "合成第3厅"]  # 说明.txt is not a dataset
    for name in folders:
        files = {p.name for p in (parallel / name).iterdir()}
        assert {"figures.json", "findings.json", "scorecard.json", f"{name}.yaml"} <= files
        assert f"{name}2023年度部门整体支出绩效自评报告.pdf" in files
        assert "结果应用与整改清单.xlsx" in files
    summary = json.loads((parallel / "汇总.json").read_text("utf-8"))
    assert summary["formats"] == ["docx", "html", "pdf", "xlsx"]
    rows = summary["departments"]
    assert [r["department"] for r in rows] == ["合成第1厅", "合成第2厅", "合成第3厅"]
    for row in rows:
        scorecard = json.loads((parallel / row["folder"] / "scorecard.json").read_text("utf-8"))
        assert row["framework"] == "mof-dept-2013"
        assert row["total"] and row["total"] in output
        assert str(scorecard["total"]).startswith(row["total"].rstrip("0").rstrip("."))
        findings = json.loads((parallel / row["folder"] / "findings.json").read_text("utf-8"))
        errors = sum(1 for f in findings["findings"] if f["severity"] == "error")
        assert row["errors"] == errors
    assert "已写入 3 个部门" in output


def test_a_department_folder_is_what_a_single_run_writes(
    province: Path, serial_and_parallel: tuple[Path, Path, str], tmp_path: Path
) -> None:
    _, parallel, _ = serial_and_parallel
    _run(str(province / "合成第2厅.yaml"), "-o", str(tmp_path / "single"))
    single = {k: v for k, v in _contents(tmp_path / "single").items() if k != MANIFEST}
    assert single == _contents(parallel / "合成第2厅")


def test_the_formats_asked_for_are_the_formats_written(province: Path, tmp_path: Path) -> None:
    _run(str(province), "-o", str(tmp_path / "out"), "--format", "docx,xlsx", "--workers", "2")
    names = {p.name for p in (tmp_path / "out" / "合成第1厅").iterdir()}
    assert "合成第1厅2023年度部门整体支出绩效自评报告.docx" in names
    assert not [n for n in names if n.endswith(".pdf")]
    assert json.loads((tmp_path / "out" / "汇总.json").read_text("utf-8"))["formats"] == [
        "docx",
        "xlsx",
    ]


def test_an_unreadable_dataset_stops_the_run_with_every_problem_and_nothing_written(
    province: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "province"
    folder.mkdir()
    for path in province.glob("*.yaml"):
        (folder / path.name).write_bytes(path.read_bytes())
    (folder / "坏的.yaml").write_text("profile: [\n", "utf-8")
    (folder / "空的.xlsx").write_bytes(b"not a workbook")
    out = tmp_path / "out"
    result = runner.invoke(app, ["run", str(folder), "-o", str(out)], terminal_width=200)
    assert result.exit_code == 2, result.output
    assert "无法读取 2 个数据集" in result.output
    assert "坏的.yaml" in result.output and "空的.xlsx" in result.output
    assert "没有写入任何文件" in result.output
    assert not out.exists()
    assert not list(tmp_path.glob(".out.jixiao-*"))


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        (lambda folder: None, "中没有数据集"),
        (lambda folder: (folder / "a.yaml").write_text("", "utf-8"), "未知的评分框架"),
    ],
)
def test_a_folder_without_datasets_or_an_unknown_framework_is_refused_before_any_work(
    tmp_path: Path, setup: object, message: str
) -> None:
    folder = tmp_path / "province"
    folder.mkdir()
    setup(folder)  # type: ignore[operator]
    args = ["run", str(folder), "-o", str(tmp_path / "out")]
    if "框架" in message:
        args += ["--framework", "no-such-framework"]
    result = runner.invoke(app, args, terminal_width=200)
    assert result.exit_code == 2, result.output
    assert message in result.output.replace("\n", "")
    assert not (tmp_path / "out").exists()


def test_a_pdf_after_typst_forgot_its_layouts_is_the_same_bytes() -> None:
    """A province worker ages Typst's cache out after each department: the PDF must not change."""
    from jixiao.evaluation import evaluate
    from jixiao.reports.api import report_model
    from jixiao.reports.render.pdf import forget_layouts, render_pdf

    first, second = (report_model(evaluate(d)) for d in synthetic_departments(2, 2))
    before = render_pdf(first)
    render_pdf(second)  # its layouts cached; the first's too
    forget_layouts()
    assert render_pdf(first) == before
    forget_layouts()
    forget_layouts()  # with nothing cached
    assert render_pdf(first) == before
