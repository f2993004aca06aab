"""``jixiao report`` on real files: what it writes, per-unit reports, exit codes."""

from __future__ import annotations

from pathlib import Path

import pytest
from docx import Document
from report_fixtures import MINI
from typer.testing import CliRunner

from jixiao.cli import app
from jixiao.evaluation import evaluate
from jixiao.io.formats import load_dataset
from jixiao.reports.api import (
    report_files,
    unit_dataset,
    unit_report_files,
    units_with_rows,
    write_reports,
)

runner = CliRunner()
STEM = "示例科技厅2023年度部门整体支出绩效自评报告"
REVIEW = "示例科技厅2023年度部门整体支出绩效自评审核底稿"


def test_it_writes_the_requested_formats_and_the_review_file(tmp_path: Path) -> None:
    result = runner.invoke(app, ["report", str(MINI), "-o", str(tmp_path), "--format", "docx,xlsx"])
    assert result.exit_code == 0, result.output
    # (and the hidden .jixiao-output.json, the manifest of a complete output folder)
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith(".")) == [
        f"{REVIEW}.html",
        f"{REVIEW}.xlsx",
        f"{STEM}.docx",
        f"{STEM}.xlsx",
    ]
    assert "数据一致性检查：" in result.output


def test_per_unit_writes_one_report_per_budget_unit_in_parallel(tmp_path: Path) -> None:
    result = runner.invoke(
        app,
        [
            "report",
            str(MINI),
            "-o",
            str(tmp_path),
            "--format",
            "html",
            "--per-unit",
            "--workers",
            "2",
        ],
    )
    assert result.exit_code == 0, result.output
    units = sorted(p.name for p in (tmp_path / "units").iterdir())
    assert units == [
        "100001-示例科技厅（本级）2023年度单位整体支出绩效自评报告.html",
        "100002-示例科技服务中心2023年度单位整体支出绩效自评报告.html",
    ]
    html = (tmp_path / "units" / units[1]).read_text("utf-8")
    # 100002's own rows: 财政拨款 500.00 + 事业收入 150.00
    assert '决算收入合计<span data-figure="income.final.total">650.00</span>万元' in html


def test_a_unit_dataset_takes_only_that_units_rows() -> None:
    dataset = load_dataset(MINI)
    units = units_with_rows(dataset)
    assert [u.code for u in units] == ["100001", "100002"]
    unit = unit_dataset(dataset, units[0])
    assert unit.profile.department_name == "示例科技厅（本级）"
    assert {(r.item, r.final) for r in unit.income if r.item == "财政拨款收入"} == {
        ("财政拨款收入", 700)
    }
    assert all(r.unit == "" for r in unit.expenditure_nature)


def test_write_reports_is_the_function_the_main_job_calls(tmp_path: Path) -> None:
    written = write_reports(load_dataset(MINI), tmp_path, ["docx"])
    assert written == [tmp_path / f"{STEM}.docx"]
    assert Document(str(written[0])).paragraphs  # a real Word file


def test_serial_and_parallel_unit_reports_are_the_same_files() -> None:
    dataset = load_dataset(MINI)
    serial = unit_report_files(dataset, ["html"], workers=1)
    parallel = unit_report_files(dataset, ["html"], workers=2)
    assert serial == parallel and len(serial) == 2


def test_the_renderers_return_named_typed_bytes_and_report_progress() -> None:
    steps: list[tuple[str, int, int]] = []
    files = report_files(
        evaluate(load_dataset(MINI)),
        ["docx", "pdf"],
        review_formats=["html"],
        progress=lambda step, done, total: steps.append((step, done, total)),
    )
    assert [(f.filename, f.media_type) for f in files] == [
        (f"{STEM}.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        (f"{STEM}.pdf", "application/pdf"),
        (f"{REVIEW}.html", "text/html; charset=utf-8"),
    ]
    assert files[1].data.startswith(b"%PDF") and files[0].data.startswith(b"PK")
    assert [s for s in steps if s[1]] == [
        ("报告 Word 文档", 1, 3),
        ("报告 PDF 文档", 2, 3),
        ("审核底稿 网页", 3, 3),
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["report", "no-such-file.yaml"], "文件不存在"),
        (["report", str(MINI), "--format", "docx,odt"], "不支持的报告格式：odt"),
        (["report", str(MINI), "--framework", "no-such-framework"], "no-such-framework"),
    ],
)
def test_unreadable_input_exits_2_with_a_chinese_message(
    tmp_path: Path, args: list[str], message: str
) -> None:
    result = runner.invoke(app, [*args, "-o", str(tmp_path)])
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert not list(tmp_path.iterdir())  # nothing half-written


def test_a_bad_wording_file_exits_2_with_the_problem(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # a short path, so the message fits the console table
    Path("w.yaml").write_text('phrases:\n  final_income: "合计 {total}"\n', "utf-8")
    result = runner.invoke(app, ["report", str(MINI), "-o", "out", "--wording", "w.yaml"])
    assert result.exit_code == 2, result.output
    assert "占位符与默认措辞不一致" in result.output


def test_the_pdf_rendered_in_a_second_process_is_complete(tmp_path: Path) -> None:
    from pypdf import PdfReader

    written = write_reports(load_dataset(MINI), tmp_path, ["html", "pdf"])
    assert [p.suffix for p in written] == [".html", ".pdf"]
    text = "".join(page.extract_text() for page in PdfReader(str(written[1])).pages).replace(
        " ", ""
    )
    assert "决算收入合计1,350.00万元，为年初预算的112.50%" in text.replace("\n", "")


def test_an_output_folder_that_is_a_file_exits_2_naming_it(tmp_path: Path) -> None:
    blocker = tmp_path / "out"
    blocker.write_text("not a folder", "utf-8")
    result = runner.invoke(app, ["report", str(MINI), "-o", str(blocker), "--format", "html"])
    assert result.exit_code == 2, result.output
    assert "无法写入" in result.output
    assert blocker.read_text("utf-8") == "not a folder"


def test_a_dataset_with_only_a_profile_still_gets_a_report_in_every_format(tmp_path: Path) -> None:
    source = tmp_path / "empty.yaml"
    source.write_text(
        "format: jixiao-dataset/1\nprofile:\n  department_name: 空部门\n  year: 2024\n", "utf-8"
    )
    result = runner.invoke(app, ["report", str(source), "-o", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert sorted(p.suffix for p in (tmp_path / "out").iterdir() if p.name[0] != ".") == [
        ".docx",
        ".html",
        ".html",
        ".pdf",
        ".xlsx",
        ".xlsx",
    ]


def test_a_template_folder_replaces_the_shipped_css_in_html_and_pdf(tmp_path: Path) -> None:
    from importlib import resources

    folder = tmp_path / "template"
    folder.mkdir()
    shipped = resources.files("jixiao.reports").joinpath("templates/report.css").read_text("utf-8")
    (folder / "report.css").write_text(
        shipped + "\n/* 本单位样式 */\nh2 { color: #8b0000; }\n", "utf-8"
    )
    out = tmp_path / "out"
    result = runner.invoke(
        app,
        ["report", str(MINI), "-o", str(out), "--format", "html,pdf", "--template", str(folder)],
    )
    assert result.exit_code == 0, result.output
    assert "/* 本单位样式 */" in (out / f"{STEM}.html").read_text("utf-8")
    assert (out / f"{STEM}.pdf").stat().st_size > 0


def test_a_missing_template_folder_exits_2(tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["report", str(MINI), "-o", str(tmp_path), "--template", str(tmp_path / "none")]
    )
    assert result.exit_code == 2
    assert "模板目录" in result.output
