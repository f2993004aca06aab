"""A customised report template (``report --template DIR``) with a mistake in it: one
Chinese line naming the template file and line, exit 2, no output folder (issue 16)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from jixiao.cli import app

runner = CliRunner()

SHIPPED = Path(__file__).parents[2] / "src" / "jixiao" / "reports" / "templates"

#: (what the user typed into line 6 of report.html.j2, formats, what the message says);
#: the template restyles the HTML only (the PDF is laid out by Typst from the model).
MISTAKES = [
    ("{% if %}", "html", "report.html.j2:6：模板语法错误"),
    ("{% for x in y %}", "html", "模板语法错误"),
    ("{{ model.nothing.deeper }}", "html", "report.html.j2:6：使用了未定义的名称或属性"),
    ("{{ 1 / 0 }}", "html", "report.html.j2:6：模板运行出错（division by zero）"),
    ("{{ 1 / 0 }}", "html,pdf", "report.html.j2:6：模板运行出错（division by zero）"),
    ('{% include "missing.j2" %}', "html,pdf", "report.html.j2:6：找不到引用的模板"),
]


@pytest.fixture
def small(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "ds.yaml"
    path.write_text(
        "profile: {department_name: 示例厅, year: 2023}\n"
        "income: [{item: 事业收入, budget: 10, final: 12}]\n",
        "utf-8",
    )
    return path


def _template_with(tmp_path: Path, line: str) -> Path:
    folder = tmp_path / "tpl"
    shutil.copytree(SHIPPED, folder)
    page = folder / "report.html.j2"
    lines = page.read_text("utf-8").splitlines(keepends=True)
    lines.insert(5, line + "\n")
    page.write_text("".join(lines), "utf-8")
    return folder


@pytest.mark.parametrize(("line", "formats", "message"), MISTAKES)
def test_a_template_mistake_names_its_file_and_line(
    small: Path, tmp_path: Path, line: str, formats: str, message: str
) -> None:
    template = _template_with(tmp_path, line)
    result = runner.invoke(
        app, ["report", str(small), "-o", "out", "--template", str(template), "--format", formats]
    )
    assert result.exit_code == 2, result.output
    assert "报告模板有误" in result.output
    assert message in result.output.replace("\n", "")
    assert "Traceback" not in result.output
    assert not (tmp_path / "out").exists()


def test_a_template_that_is_not_utf8_is_named(small: Path, tmp_path: Path) -> None:
    template = tmp_path / "tpl"
    template.mkdir()
    (template / "report.html.j2").write_bytes("<p>{{ 1 }}</p>".encode("gbk") + b"\xff\xfe")
    result = runner.invoke(app, ["report", str(small), "-o", "out", "--template", str(template)])
    assert result.exit_code == 2, result.output
    assert "不是 UTF-8 编码的文本文件" in result.output


def test_a_correct_template_still_renders(small: Path, tmp_path: Path) -> None:
    template = _template_with(tmp_path, "{# a comment the user added #}")
    result = runner.invoke(
        app, ["report", str(small), "-o", "out", "--template", str(template), "--format", "html"]
    )
    assert result.exit_code == 0, result.output
    assert list((tmp_path / "out").glob("*.html"))
