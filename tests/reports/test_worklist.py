"""整改清单 as a work list (issue 10, item 6), read back from the workbook `jixiao run` writes."""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import date, datetime
from io import BytesIO
from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from report_fixtures import Built

from jixiao.evaluation import evaluate
from jixiao.findings import Severity
from jixiao.monitoring.results import apply_results
from jixiao.monitoring.settings import load_result_rules
from jixiao.reports.api import WORKLIST_FILENAME, worklist_file
from jixiao.reports.worklist import STATUSES, build_worklist

HEADER = (
    "序号",
    "问题类型",
    "问题",
    "整改措施",
    "责任单位",
    "责任人",
    "整改期限",
    "状态",
    "佐证材料",
    "出处",
)


def _rows(built: Built) -> list[dict[str, object]]:
    file = worklist_file(evaluate(built.dataset), report=built.model)
    assert file.filename == WORKLIST_FILENAME
    ws = load_workbook(BytesIO(file.data))["整改清单"]
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    assert rows[0] == HEADER
    return [dict(zip(HEADER, row, strict=True)) for row in rows[1:]]


def test_every_error_finding_is_a_row_with_its_place(example: Built) -> None:
    rows = _rows(example)
    errors = [f for f in evaluate(example.dataset).findings if f.severity == Severity.ERROR]
    data = [r for r in rows if r["问题类型"] == "数据差错"]
    assert [r["问题"] for r in data] == [f.message for f in errors]
    assert any("241.70%" in str(r["问题"]) and "341.70%" in str(r["问题"]) for r in data)
    assert all(r["出处"] and r["整改措施"] for r in data)


def test_deductions_manual_and_computed_each_a_row_with_the_departments_measure(
    example: Built,
) -> None:
    rows = _rows(example)
    kinds = {r["问题类型"] for r in rows}
    assert {"扣分项（自评）", "扣分项（计算）"} <= kinds
    budget = next(r for r in rows if str(r["问题"]).startswith("预算编制：扣 4 分"))
    # the department's 改进措施 of its 存在问题 about 预算编制
    assert str(budget["整改措施"]).startswith("应进一步强化预算编制的前期准备工作")
    # an unmet target that is also a computed deduction is one row, not two
    listed = [r for r in rows if str(r["问题"]).startswith("新增上市科技型企业数")]
    assert len(listed) == 1


def test_the_list_is_a_work_list_not_a_copy_of_the_report(example: Built) -> None:
    rows = _rows(example)
    deadlines = {r["问题类型"]: r["整改期限"] for r in rows}
    assert len(set(deadlines.values())) > 1  # not one default date for everything
    assert all(isinstance(r["整改期限"], datetime | date) for r in rows)
    assert all(r["状态"] == "待整改" and r["责任单位"] for r in rows)
    assert not any(str(r["问题"]).startswith("2023年，省科技厅坚持") for r in rows)


def test_the_status_is_chosen_from_a_dropdown_and_the_sheet_prints_on_a4(example: Built) -> None:
    file = worklist_file(evaluate(example.dataset), report=example.model)
    ws = load_workbook(BytesIO(file.data))["整改清单"]
    (validation,) = ws.data_validations.dataValidation
    assert validation.type == "list"
    assert validation.formula1 == '"' + ",".join(STATUSES) + '"'
    assert "H3" in validation.sqref
    assert ws.print_title_rows and ws.page_setup.fitToWidth == 1
    assert ws.page_setup.orientation == "landscape"


def test_the_countys_problems_are_all_listed(county: Built) -> None:
    rows = _rows(county)
    # the project that spent 110% of its 调整后预算 (an error of the checks)
    assert any("动物防疫补助项目" in str(r["问题"]) for r in rows if r["问题类型"] == "数据差错")
    # its unmet target (完成值 85 against 90) is the framework's computed deduction: one row
    (income,) = [r for r in rows if str(r["问题"]).startswith("农民人均可支配收入增长率")]
    assert income["问题类型"] == "扣分项（计算）" and "完成值 85" in str(income["问题"])
    assert {r["问题类型"] for r in rows} >= {"数据差错", "扣分项（自评）", "扣分项（计算）"}


@pytest.mark.parametrize(
    ("reviewed", "shown", "nature"),
    [
        ("", "保障（参考）", "参考（仅有自评，未经财政复核）"),
        ("优", "优先保障", "依据财政复核等级"),
    ],
)
def test_budget_suggestions_are_decisions_only_on_a_reviewed_grade(
    example: Built, reviewed: str, shown: str, nature: str
) -> None:
    evaluation = evaluate(example.dataset)
    result = apply_results(evaluation, load_result_rules(None), reviewed)
    worklist = build_worklist(evaluation, example.model, result)
    (department,) = [s for s in worklist.suggestions if s.level == "部门整体"]
    assert department.reference is (not reviewed)
    file = worklist_file(evaluation, reviewed, report=example.model)
    sheet = load_workbook(BytesIO(file.data))["结果应用"]
    row = next(r for r in sheet.iter_rows(min_row=2, values_only=True) if r[0] == "部门整体")
    assert (row[5], row[7]) == (shown, nature)


def test_an_unmet_project_target_is_a_row_with_its_owner_and_measure(county: Built) -> None:
    """A project's target not met (not a line of the framework): 未完成指标, its 偏差原因, the
    division that runs the project, and the 改进措施 of the 存在问题 that names it."""
    import dataclasses
    from decimal import Decimal

    from report_fixtures import built

    from jixiao.dataset.model import Indicator, Problem

    data = county.dataset
    project = data.projects[0]
    target = Indicator(
        owner=project.code,
        level1="产出指标",
        level2="数量指标",
        name="技术培训人次",
        sign="≥",
        target=Decimal(500),
        actual=Decimal(420),
        unit="人次",
        deviation="汛期停训一个月",
    )
    problem = Problem(
        title="技术培训人次未达目标", problem="技术培训人次少于计划。", measure="冬春农闲补训。"
    )
    data = dataclasses.replace(
        data,
        project_indicators=(*data.project_indicators, target),
        problems=(*data.problems, problem),
    )
    rows = _rows(built(data))
    (row,) = [r for r in rows if str(r["问题"]).startswith("技术培训人次")]
    assert row["问题类型"] == "未完成指标"
    assert "完成值 420人次" in str(row["问题"]) and "汛期停训一个月" in str(row["问题"])
    assert row["整改措施"] == "冬春农闲补训。"
    assert project.name in str(row["责任单位"])


@pytest.mark.skipif(shutil.which("libreoffice") is None, reason="LibreOffice is not installed")
def test_every_sheet_of_the_work_list_prints_its_text_whole(example: Built, tmp_path: Path) -> None:
    """A responsible unit printing the list read the first line of each 问题 and 整改措施 and
    nothing more (LibreOffice and WPS keep a row without a height one line tall), and the
    填写说明 ran off the right edge of a portrait page. Printed through LibreOffice, the end
    of every text cell of every sheet is on the page, in print no smaller than 9 pt."""
    file = worklist_file(evaluate(example.dataset), report=example.model)
    path = tmp_path / "worklist.xlsx"
    path.write_bytes(file.data)
    subprocess.run(
        ["libreoffice", "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(path)],
        check=True,
        capture_output=True,
        timeout=300,
        env={"HOME": str(tmp_path), "PATH": "/usr/bin:/bin"},
    )
    boxes = subprocess.run(
        ["pdftotext", "-bbox", str(path.with_suffix(".pdf")), "-"],
        check=True,
        capture_output=True,
        text=True,
        timeout=120,
    ).stdout
    # every word inside its page (a line of the 填写说明 ran from x = -9 to 610 on a 595 page)
    page_width = float(re.search(r'<page width="([\d.]+)"', boxes)[1])  # type: ignore[index]
    words = re.findall(
        r'<word xMin="([-\d.]+)" yMin="[-\d.]+" xMax="([-\d.]+)"[^>]*>([^<]*)<', boxes
    )
    assert [w for x0, x1, w in words if float(x0) < 0 or float(x1) > page_width] == []
    printed = "".join(w for _, _, w in words)
    workbook = load_workbook(path)
    ends = [
        (ws.title, cell.coordinate, re.sub(r"\s", "", cell.value)[-4:])
        for ws in workbook.worksheets
        for row in ws.iter_rows(min_row=2)
        for cell in row
        if isinstance(cell.value, str) and len(cell.value) > 20
    ]
    assert {title for title, _, _ in ends} == {"整改清单", "结果应用", "填写说明"}
    assert [end for end in ends if end[2] not in printed] == []
    for ws in workbook.worksheets:
        assert ws.sheet_properties.pageSetUpPr.fitToPage, ws.title
        assert (ws.page_setup.fitToWidth, ws.page_setup.fitToHeight) == (1, 0), ws.title
        landscape = ws.page_setup.orientation == "landscape"
        page_units = 135 if landscape else 92  # as the report's workbook (render/excel.py)
        widths = [
            ws.column_dimensions[get_column_letter(c)].width for c in range(1, ws.max_column + 1)
        ]
        body = ws.cell(row=ws.max_row, column=1)  # a body cell
        assert body.font.size * min(1, page_units / sum(widths)) >= 9, ws.title


def test_a_budget_suggestions_code_and_header_stay_on_one_line(county: Built) -> None:
    """结果应用 printed a project's 编码 “P101009002” over two lines (“P1010090” / “02”) in
    a column of 8 units; every 编码 fits its column on one line, and the header row is set
    as 整改清单's (centred, wrapped)."""
    from jixiao.reports.render.excel import CELL_PADDING_UNITS, CJK_UNITS
    from jixiao.reports.render.widths import text_ems

    file = worklist_file(evaluate(county.dataset), report=county.model)
    sheet = load_workbook(BytesIO(file.data))["结果应用"]
    header = [c.value for c in sheet[1]]
    column = get_column_letter(header.index("编码") + 1)
    width = sheet.column_dimensions[column].width
    codes = [c.value for c in sheet[column][1:] if c.value]
    assert len(codes) >= 3, codes  # the county's projects
    assert all(text_ems(str(code)) * CJK_UNITS + CELL_PADDING_UNITS <= width for code in codes)
    assert all(c.alignment.horizontal == "center" and c.alignment.wrap_text for c in sheet[1])
