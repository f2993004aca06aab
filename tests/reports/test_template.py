"""The template a budget unit's clerk fills (issue 10, item 7), opened as the clerk opens it."""

from __future__ import annotations

import dataclasses
from decimal import Decimal
from io import BytesIO
from pathlib import Path

import pytest
from openpyxl import load_workbook
from report_fixtures import Built
from typer.testing import CliRunner

from jixiao.cli.app import app
from jixiao.dataset.model import Dataset
from jixiao.evaluation import evaluate
from jixiao.io.excel import read_workbook_bytes
from jixiao.reports.template import OPTIONAL_NOTE, department_frameworks, template_bytes
from jixiao.scoring.loader import load_framework

runner = CliRunner()


def _readme(book: object) -> str:
    sheet = book["说明"]  # type: ignore[index]
    return "\n".join(str(c.value) for row in sheet.iter_rows() for c in row if c.value)


@pytest.mark.parametrize("framework_id", [i for i, _ in department_frameworks()])
def test_the_scorecard_is_pre_filled_from_the_framework(framework_id: str) -> None:
    data = template_bytes(framework_id)
    dataset = read_workbook_bytes(data)  # the sheets and columns read back as they are
    framework = load_framework(framework_id)
    assert [(s.code, s.name, s.points) for s in dataset.scores] == [
        (n.code, n.name, n.points) for n in framework.walk()
    ]
    assert all(s.score is None and not s.reason for s in dataset.scores)  # the clerk scores
    assert dataset.self_evaluation.framework == framework_id


def test_each_line_shows_its_standard_and_the_readme_lists_them() -> None:
    book = load_workbook(BytesIO(template_bytes("mof-dept-2013")))
    sheet = book["自评评分"]
    headers = [c.value for c in sheet[1]]
    name = headers.index("指标名称") + 1
    notes = {
        sheet.cell(row=r, column=1).value: sheet.cell(row=r, column=name).comment
        for r in range(2, sheet.max_row + 1)
    }
    computed = [code for code, note in notes.items() if note is not None]
    assert len(computed) >= 5
    assert all(notes[c].text.startswith("评分标准：") for c in computed)
    assert "评分标准（部门整体支出绩效评价共性指标体系" in _readme(book)


def test_the_framework_is_chosen_from_a_dropdown_of_the_shipped_ones() -> None:
    book = load_workbook(BytesIO(template_bytes("gd-dept-2023")))
    sheet = book["自评结论"]
    row = next(r for r in range(1, sheet.max_row + 1) if sheet.cell(r, 1).value == "评分框架")
    assert sheet.cell(row, 2).value == "gd-dept-2023"
    (validation,) = [v for v in sheet.data_validations.dataValidation if f"B{row}" in str(v.sqref)]
    assert validation.type == "list"
    ids = validation.formula1.strip('"').split(",")
    assert ids == [i for i, _ in department_frameworks()]
    assert "mof-project-2020" not in ids  # a project framework does not score a department


def test_the_readme_has_no_command_line_and_the_audit_sheet_is_optional() -> None:
    book = load_workbook(BytesIO(template_bytes()))
    readme = _readme(book)
    assert "jixiao" not in readme and "运行 " not in readme and "check" not in readme
    assert "合计行" in readme and "上传" in readme
    stated = book["声明数"]
    note = "".join(str(stated.cell(row=r, column=1).value) for r in range(1, 5))
    assert note == OPTIONAL_NOTE and "只在审核已发布的报告时填写，可留空" in OPTIONAL_NOTE
    visible = [n for n in book.sheetnames if book[n].sheet_state == "visible"]
    assert visible[-1] == "声明数"  # last: after everything a clerk must fill
    assert read_workbook_bytes(template_bytes()) == Dataset()


def test_parent_rows_are_computed_when_blank_and_checked_when_given(county: Built) -> None:
    data = county.dataset
    base = {f.message for f in evaluate(data).findings}
    blank = dataclasses.replace(
        data,
        expenditure_nature=tuple(
            line for line in data.expenditure_nature if line.item != "基本支出"
        ),
        three_public=tuple(line for line in data.three_public if line.item != "三公经费合计"),
    )
    assert {f.message for f in evaluate(blank).findings} <= base  # nothing new to fix
    wrong = dataclasses.replace(
        data,
        expenditure_nature=tuple(
            dataclasses.replace(line, final=Decimal("1600")) if line.item == "基本支出" else line
            for line in data.expenditure_nature
        ),
    )
    new = [f.message for f in evaluate(wrong).findings if f.message not in base]
    assert any(
        m.startswith("基本支出 决算数 1,600.00 万元 ≠ 其明细之和 1,612.35 万元") for m in new
    )


def test_cli_template_with_a_framework(tmp_path: Path) -> None:
    out = tmp_path / "模板.xlsx"
    result = runner.invoke(app, ["template", str(out), "--framework", "mof-dept-2013"])
    assert result.exit_code == 0, result.output
    assert "预填自评评分" in result.output
    assert len(read_workbook_bytes(out.read_bytes()).scores) == len(
        list(load_framework("mof-dept-2013").walk())
    )
    bad = runner.invoke(app, ["template", str(tmp_path / "x.xlsx"), "--framework", "gd-2099"])
    assert bad.exit_code == 2 and "没有评分框架“gd-2099”" in bad.output
    assert not (tmp_path / "x.xlsx").exists()


def test_the_clerk_picks_stated_figures_by_their_chinese_label(tmp_path: Path) -> None:
    """声明数 asked for figure ids (``headcount.total``) a clerk cannot know: 数据编号 is a
    dropdown of the figures' labels, and a label picked there reads back as the figure's id
    — through a real file saved and read again; an id typed as it is still reads."""
    book = load_workbook(BytesIO(template_bytes("mof-dept-2013")))
    labels = book["数据编号表"]
    assert labels.sheet_state == "hidden"
    pairs = {row[0]: row[1] for row in labels.iter_rows(min_row=2, values_only=True) if row[0]}
    assert pairs["年末实有人数"] == "headcount.total"
    sheet = book["声明数"]
    header = next(
        row[0].row
        for row in sheet.iter_rows()
        if [c.value for c in row][:2] == ["数据编号", "声明值"]
    )
    (validation,) = [
        dv for dv in sheet.data_validations.dataValidation if f"A{header + 1}" in dv.sqref
    ]
    assert validation.formula1 == f"'数据编号表'!$A$2:$A${len(pairs) + 1}"
    sheet.cell(row=header + 1, column=1, value="年末实有人数")
    sheet.cell(row=header + 1, column=2, value=898)
    sheet.cell(row=header + 2, column=1, value="预算单位数量")
    sheet.cell(row=header + 2, column=2, value=11)
    sheet.cell(row=header + 3, column=1, value="staff.active")
    sheet.cell(row=header + 3, column=2, value=590)
    path = tmp_path / "filled.xlsx"
    book.save(path)
    dataset = read_workbook_bytes(path.read_bytes())
    assert [(s.figure, s.value) for s in dataset.stated] == [
        ("headcount.total", Decimal("898")),
        (pairs["预算单位数量"], Decimal("11")),
        ("staff.active", Decimal("590")),
    ]
    assert dataset.stated[0].loc.startswith(f"声明数!A{header + 1}")


def _dropdown_labels(book: object) -> dict[str, str]:
    """The 声明数 dropdown's entries, read back through its data validation's range."""
    sheet = book["声明数"]  # type: ignore[index]
    (validation,) = [
        dv for dv in sheet.data_validations.dataValidation if "数据编号表" in (dv.formula1 or "")
    ]
    target, cells = validation.formula1.split("!")
    first, last = cells.replace("$", "").split(":")
    table = book[target.strip("'")]  # type: ignore[index]
    rows = table.iter_rows(min_row=int(first[1:]), max_row=int(last[1:]), values_only=True)
    return {label: figure for label, figure, *_ in rows}


@pytest.mark.parametrize(
    ("framework_id", "dataset"), [("gd-dept-2023", "example"), ("mof-dept-2013", "county")]
)
def test_the_dropdown_offers_every_figure_a_filled_dataset_produces(
    framework_id: str, dataset: str, example: Built, county: Built
) -> None:
    """A blank template listed the 34 figures a blank dataset has: none of the income,
    expenditure, “三公” lines (133 of a filled one). It now lists every figure any filled
    dataset can produce — each code of each classification list — with Chinese labels, one
    figure per label; only the lines of the department's own indicators and projects, which
    no blank template can name, are not offered."""
    book = load_workbook(BytesIO(template_bytes(framework_id)))
    offered = _dropdown_labels(book)
    assert len(set(offered.values())) == len(offered) > 10_000
    assert all(not label.isascii() for label in offered)
    from jixiao.figures import compute_figures

    built = {"example": example, "county": county}[dataset]
    own = ("indicator.", "project_indicator.", "project.")
    produced = [f.id for f in compute_figures(built.dataset).values()]
    wanted = [f for f in produced if not f.startswith(own)]
    assert len(wanted) > 200
    missing = set(wanted) - set(offered.values())
    assert not missing, sorted(missing)[:10]
    labels = {figure: label for label, figure in offered.items()}
    assert labels["income.final.total"] == "决算收入合计"
    assert labels["expenditure.function.final.206"] == "科学技术支出（206）决算数"
    assert labels["three_public.final.公务接待费"] == "公务接待费决算数"
