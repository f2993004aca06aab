"""The workbook a budget unit's clerk fills in, ready for one scoring framework.

``jixiao template --framework ID`` (and the web's template download) call
:func:`template_bytes`. On top of the dataset workbook (:mod:`jixiao.io.excel`: one sheet per
table, headers with notes, dropdowns) it:

- pre-fills **自评评分** with the framework's lines — 编码, 指标名称, 分值 — so the clerk types
  only 自评得分 and 评分说明; each line's 评分标准 is the note of its 指标名称 cell and is
  listed on the 说明 sheet;
- makes 自评结论's **评分框架** a dropdown of the shipped frameworks (the chosen one filled in);
- says in **说明** what to do with the filled workbook in words, without a command line;
- (the dataset workbook itself puts the optional **声明数** sheet last, with the audit-only
  fields, and explains it in plain words on the sheet and in 说明: it is only for auditing a
  report already published.) Its 数据编号 is a dropdown of the figures' Chinese labels
  (:func:`figure_labels`, handed to the workbook writer, which sits below the figures),
  mapped back to the ids when the workbook is read.

The sheets and columns are the dataset's own, so the filled workbook reads back as it is.
"""

from __future__ import annotations

import io
from typing import Any

from jixiao.dataset.model import Dataset, ScoreItem, SelfEvaluation
from jixiao.io.excel import OPTIONAL_NOTE, OPTIONAL_SHEET

#: What the clerk does with the filled workbook (replaces the command-line step of 说明).
SUBMIT_LINE = (
    "不用的工作表可以留空或删除。合计行（如三公经费合计、基本支出、财政拨款收入）可以不填，"
    "系统按明细计算；填了则自动核对是否等于明细之和。填好后交给负责汇总的同事，或在预算绩效"
    "管理系统中上传；系统会一次列出所有问题，并写明工作表和单元格，改正后重新上传即可。"
)


def _framework_rows(framework_id: str) -> tuple[tuple[ScoreItem, ...], dict[str, str], Any]:
    from jixiao.reports.scorecard import standard_text
    from jixiao.reports.wording import load_wording
    from jixiao.scoring.loader import load_framework

    framework = load_framework(framework_id)
    wording = load_wording()
    rows, standards = [], {}
    for node in framework.walk():
        rows.append(ScoreItem(code=node.code, name=node.name, points=node.points))
        standard = standard_text(node, wording)
        if node.expand is not None:
            standard = standard or "按各项绩效指标的完成情况计分"
        if standard:
            standards[node.code] = standard
    return tuple(rows), standards, framework


def department_frameworks() -> list[tuple[str, str]]:
    """(id, name) of the shipped frameworks that score a department (the dropdown's entries)."""
    from jixiao.scoring.loader import known_frameworks, load_framework

    result = []
    for framework_id in known_frameworks():
        framework = load_framework(framework_id)
        if framework.subject == "department":
            result.append((framework_id, framework.name))
    return result


def figure_labels(dataset: Dataset) -> list[tuple[str, str]]:
    """(label, id) of every figure of ``dataset``, in the figures' order: what a clerk picks
    on 声明数 (“决算支出合计”) instead of typing ``expenditure.final.total``."""
    from jixiao.figures import compute_figures

    return [(figure.label, figure.id) for figure in compute_figures(dataset).values()]


def template_bytes(framework_id: str | None = None) -> bytes:
    """The blank workbook, with 自评评分 pre-filled from ``framework_id`` when given.

    Raises :class:`jixiao.scoring.UnknownFramework` for an id that is not shipped.
    """
    from openpyxl import load_workbook

    from jixiao.io.excel import workbook_bytes

    standards: dict[str, str] = {}
    dataset = Dataset()
    if framework_id:
        rows, standards, _ = _framework_rows(framework_id)
        dataset = Dataset(scores=rows, self_evaluation=SelfEvaluation(framework=framework_id))
    book = load_workbook(io.BytesIO(workbook_bytes(dataset, figure_labels=figure_labels(dataset))))
    frameworks = department_frameworks()
    _framework_dropdown(book, frameworks)
    _readme(book, framework_id, standards, frameworks)
    _standard_notes(book, standards)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _form_row(sheet: Any, label: str) -> int | None:
    for row in range(1, sheet.max_row + 1):
        if sheet.cell(row=row, column=1).value == label:
            return row
    return None


def _framework_dropdown(book: Any, frameworks: list[tuple[str, str]]) -> None:
    from openpyxl.worksheet.datavalidation import DataValidation

    sheet = book["自评结论"]
    row = _form_row(sheet, "评分框架")
    if row is None:
        return
    choices = DataValidation(
        type="list",
        formula1='"' + ",".join(i for i, _ in frameworks) + '"',
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="评分框架",
        error="请从下拉列表中选择评分框架",
    )
    sheet.add_data_validation(choices)
    choices.add(f"B{row}")
    listed = "；".join(f"{i}：{name}" for i, name in frameworks)
    sheet.cell(row=row, column=3, value=f"从下拉列表选择评分框架（{listed}）。")


def _readme(
    book: Any,
    framework_id: str | None,
    standards: dict[str, str],
    frameworks: list[tuple[str, str]],
) -> None:
    from openpyxl.styles import Alignment, Font

    sheet = book["说明"]
    for row in sheet.iter_rows():
        for cell in row:
            if isinstance(cell.value, str) and "jixiao " in cell.value:
                cell.value = SUBMIT_LINE
            elif isinstance(cell.value, str) and cell.value.startswith("jixiao 预算绩效数据集"):
                cell.value = "预算绩效数据集 填报说明"
    if not framework_id:
        return
    name = dict(frameworks).get(framework_id, framework_id)
    row = sheet.max_row + 2
    sheet.cell(row=row, column=1, value=f"评分标准（{name}）").font = Font(bold=True)
    sheet.cell(
        row=row + 1,
        column=1,
        value="“自评评分”表已按本框架列出全部指标和分值，只需填写自评得分和评分说明；"
        "由数据计算的指标（如预算执行率）可以不填，系统会按下列标准计算。",
    )
    row += 2
    wrap = Alignment(wrap_text=True, vertical="top")
    for code, standard in standards.items():
        sheet.cell(row=row, column=1, value=code)
        sheet.cell(row=row, column=2, value=standard).alignment = wrap
        row += 1


def _standard_notes(book: Any, standards: dict[str, str]) -> None:
    from openpyxl.comments import Comment

    sheet = book["自评评分"]
    headers = [c.value for c in sheet[1]]
    code_col, name_col = headers.index("编码") + 1, headers.index("指标名称") + 1
    for row in range(2, sheet.max_row + 1):
        code = sheet.cell(row=row, column=code_col).value
        if code in standards:
            note = Comment(f"评分标准：{standards[code]}", "评分框架")
            note.width, note.height = 300, 120
            sheet.cell(row=row, column=name_col).comment = note


__all__ = [
    "OPTIONAL_NOTE",
    "OPTIONAL_SHEET",
    "department_frameworks",
    "figure_labels",
    "template_bytes",
]
