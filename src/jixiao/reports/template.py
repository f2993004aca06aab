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

import dataclasses
import io
from collections import Counter
from decimal import Decimal
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
    on 声明数 (“决算支出合计”) instead of typing ``expenditure.final.total``.

    Labels are made unique (a clerk picks by label, the reader maps it back to one id): a
    label two figures share names its column (年初预算/决算/上年决算) or, failing that, its id.
    """
    from jixiao.figures import compute_figures

    return _unique([(f.label, f.id) for f in compute_figures(dataset).values()])


#: A blank template's stand-ins for the rows only a department can name (its indicators,
#: its projects): their own figures are left out of the catalogue, the totals over them kept.
_PLACEHOLDER = "〇样例"


def catalogue_dataset(scores: tuple[ScoreItem, ...] = ()) -> Dataset:
    """A dataset with every table filled — every code of every classification list (收入,
    支出功能分类 类/款/项, 支出性质, 经济分类 under each 支出性质, “三公”经费), every unit kind,
    结转结余 fund, asset and headcount field — so that its figures are every figure a filled
    dataset can produce: what a blank template's 声明数 dropdown offers.

    ``scores`` are the framework's lines when the template is made for one (the score
    figures follow them). The values are placeholders; only the figures' ids and labels are used.
    """
    from jixiao.dataset.codes import load_codes
    from jixiao.dataset.model import (
        CARRYOVER_FUNDS,
        EXPENDITURE_NATURES,
        UNIT_KINDS,
        Assets,
        CarryOver,
        EconomicLine,
        Goal,
        Indicator,
        MoneyLine,
        Profile,
        Project,
        Unit,
    )

    one, two, three = Decimal(1), Decimal(2), Decimal(3)

    def money(codes: str) -> tuple[MoneyLine, ...]:
        return tuple(
            MoneyLine(item=c.code, budget=two, adjusted=three, final=three, prior=one)
            for c in load_codes(codes).codes
        )

    placeholder = _PLACEHOLDER
    return Dataset(
        profile=Profile(
            department_name=placeholder,
            year=2000,
            stated_unit_count=1,
            stated_admin_units=1,
            stated_institution_units=1,
            independent_accounting_units=1,
            prior_unit_count=1,
            headcount_total=1,
            headcount_active=1,
            headcount_retired=1,
            headcount_retired_pension_fund=1,
            headcount_survivors=1,
            headcount_authorised=1,
            trips_groups=1,
            trips_persons=1,
        ),
        units=tuple(
            Unit(code=f"{placeholder}{i}", name=f"{placeholder}{i}", kind=kind)
            for i, kind in enumerate(UNIT_KINDS)
        ),
        goals=(Goal(code="1", content=placeholder),),
        indicators=tuple(
            Indicator(
                owner="1",
                level1=level1,
                name=f"{placeholder}{level1}",
                sign="≥",
                target=one,
                actual=one,
                weight=one,
            )
            for level1 in ("产出指标", "效益指标", "满意度指标")
        ),
        income=money("income"),
        expenditure_function=money("function"),
        expenditure_nature=money("nature"),
        expenditure_economic=tuple(
            EconomicLine(nature=nature, item=c.code, budget=two, final=three, prior=one)
            for nature in EXPENDITURE_NATURES
            for c in load_codes("economic").codes
        ),
        three_public=money("three_public"),
        carryover=tuple(
            CarryOver(fund=fund, opening=two, closing=one, adjustments=Decimal(0))
            for fund in CARRYOVER_FUNDS
        ),
        assets=Assets(
            fixed_assets_value=three,
            fixed_assets_in_use=two,
            prior_fixed_assets_value=two,
            building_area=one,
            vehicles=1,
            large_equipment=1,
            new_assets_value=one,
            procurement_budget=two,
            procurement_actual=one,
        ),
        projects=(
            Project(
                code=placeholder,
                name=placeholder,
                special=True,
                budget=two,
                adjusted=three,
                executed=two,
                self_score=one,
            ),
        ),
        project_indicators=(
            Indicator(
                owner=placeholder,
                level1="产出指标",
                name=placeholder,
                sign="≥",
                target=one,
                actual=one,
            ),
        ),
        scores=tuple(
            dataclasses.replace(item, score=item.points) for item in scores if item.points
        ),
    )


def catalogue_labels(scores: tuple[ScoreItem, ...] = ()) -> list[tuple[str, str]]:
    """(label, id) of every figure a filled dataset can produce (:func:`catalogue_dataset`),
    without those of one indicator, project or unit (named by the department)."""
    return [
        (label, figure)
        for label, figure in figure_labels(catalogue_dataset(scores))
        if _PLACEHOLDER not in label and _PLACEHOLDER not in figure
    ]


#: A figure id's column, to tell apart two figures with one label.
_COLUMNS = {"budget": "年初预算", "adjusted": "调整后预算", "final": "决算", "prior": "上年决算"}


def _unique(pairs: list[tuple[str, str]]) -> list[tuple[str, str]]:
    count = Counter(label for label, _ in pairs)
    named = []
    for label, figure in pairs:
        if count[label] > 1:
            column = next((_COLUMNS[p] for p in figure.split(".") if p in _COLUMNS), "")
            label = f"{label}（{column}）" if column else f"{label}（{figure}）"
        named.append((label, figure))
    again = Counter(label for label, _ in named)
    return [
        (f"{label}（{figure}）" if again[label] > 1 else label, figure) for label, figure in named
    ]


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
    labels = catalogue_labels(dataset.scores)
    book = load_workbook(io.BytesIO(workbook_bytes(dataset, figure_labels=labels)))
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
    "catalogue_dataset",
    "catalogue_labels",
    "department_frameworks",
    "figure_labels",
    "template_bytes",
]
