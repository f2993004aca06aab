"""整改清单 as a work list: one row per problem, for the people who must fix it.

The rows come from one evaluation, in this order:

1. **数据差错** — every error finding (the figures contradict each other: a 预决算 ratio
   printed wrong, a score above its points, a 满分 claimed for a line that lost points);
2. **扣分项** — every scorecard line that lost points, the department's own (自评) and the
   ones the framework computed from the data (计算), with the department's reason;
3. **未完成指标** — every target not met, with its 完成值 and the stated 偏差原因;
4. **往年未整改** — items carried from earlier years that are not yet 已整改.

Each row has 问题, 整改措施 (the dataset's own 改进措施 where a 存在问题 names the same line
or indicator; blank for the responsible unit to fill otherwise), 责任单位, 责任人 (to fill),
整改期限 (by the kind of problem, :data:`DEADLINES`), 状态 (a dropdown of 待整改/整改中/已整改),
佐证材料 (to fill) and 出处 (where the problem was found).

The budget suggestions (预算安排建议) follow on their own sheet. They are decisions only on
a reviewed grade (财政复核等级); from a self-evaluation alone each is marked 参考.
"""

from __future__ import annotations

import io
import math
from copy import copy
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from jixiao.findings import Severity
from jixiao.lib.money import normalize
from jixiao.reports.model import ReportModel, ScoreRow

if TYPE_CHECKING:
    from jixiao.dataset.model import Dataset, Problem
    from jixiao.evaluation import Evaluation
    from jixiao.monitoring.results import ResultApplication

#: 状态 a row can be in (the dropdown of the sheet), first the one every row starts in.
STATUSES: tuple[str, ...] = ("待整改", "整改中", "已整改")

#: 整改期限 by kind of problem: (month, day) of the year after the evaluated year, or, for
#: data errors and overdue items, days after the report's 填报日期 (they are corrected in
#: the report now, not next year). A target not met is met in next year's execution.
DEADLINES: dict[str, tuple[str, int, int]] = {
    "数据差错": ("after_fill", 30, 0),
    "往年未整改": ("after_fill", 30, 0),
    "扣分项": ("next_year", 6, 30),
    "未完成指标": ("next_year", 12, 31),
}

#: 整改措施 of a data error when the department gave none: what correcting one means.
DATA_ERROR_MEASURE = "核对数据来源和计算口径，更正报告及数据表中的数字后重新报送。"


@dataclass(frozen=True)
class WorkItem:
    """One problem to fix."""

    kind: str  #: 数据差错, 扣分项（自评）, 扣分项（计算）, 未完成指标, 往年未整改
    problem: str
    measure: str
    unit: str  #: 责任单位
    deadline: date | None
    source: str  #: where the problem was found (出处)
    person: str = ""  #: 责任人: filled by the department
    status: str = STATUSES[0]
    evidence: str = ""  #: 佐证材料: filled as the item is done


@dataclass(frozen=True)
class Suggestion:
    """A budget suggestion (预算安排建议) and whether it is only a reference (参考)."""

    level: str
    code: str
    name: str
    score: Decimal
    grade: str
    recommendation: str
    basis: str
    reference: bool


@dataclass(frozen=True)
class WorkList:
    department: str
    year: int | None
    items: tuple[WorkItem, ...]
    suggestions: tuple[Suggestion, ...]


def _n(value: Decimal | None) -> str:
    return format(normalize(value), "f") if value is not None else "—"


def _deadline(kind: str, dataset: Dataset) -> date | None:
    rule, a, b = DEADLINES[kind]
    year = dataset.profile.year
    if rule == "after_fill":
        start = dataset.profile.fill_date
        if start is not None:
            return start + timedelta(days=a)
        return date(year + 1, 6, 30) if year else None
    return date(year + 1, a, b) if year else None


def _measure(names: list[str], problems: tuple[Problem, ...]) -> str:
    """The department's 改进措施 of the 存在问题 that names one of ``names`` (a line or target)."""
    for problem in problems:
        text = problem.title + problem.problem
        if problem.measure and any(name and name in text for name in names):
            return problem.measure
    return ""


def _leaves(rows: tuple[ScoreRow, ...]) -> list[ScoreRow]:
    """Lines that lost points on their own: leaves, and parents scored as a whole."""
    parents = {r.code.rpartition(".")[0] for r in rows}
    return [
        r
        for r in rows
        if r.deduction is not None
        and r.deduction > 0
        and (r.code not in parents or r.status == "whole")
    ]


def _data_errors(evaluation: Evaluation) -> list[WorkItem]:
    from jixiao.reports.review import place

    dataset = evaluation.dataset
    unit = dataset.profile.department_name
    return [
        WorkItem(
            "数据差错",
            f.message,
            DATA_ERROR_MEASURE,
            unit,
            _deadline("数据差错", dataset),
            place(f.location),
        )
        for f in evaluation.findings
        if f.severity == Severity.ERROR
    ]


def _deductions(evaluation: Evaluation, report: ReportModel) -> list[WorkItem]:
    dataset = evaluation.dataset
    unit = dataset.profile.department_name
    items = []
    for row in _leaves(report.scorecard.rows):
        lost = f"扣 {_n(row.deduction)} 分（分值 {_n(row.points)}，得分 {_n(row.score)}）"
        reason = row.reason or row.explanation
        problem = f"{row.name}：{lost}" + (f"。{reason}" if reason else "")
        items.append(
            WorkItem(
                "扣分项（计算）" if row.computed else "扣分项（自评）",
                problem,
                _measure([row.name], dataset.problems),
                unit,
                _deadline("扣分项", dataset),
                f"附表1 {row.code} {row.name}",
            )
        )
    return items


def _from_results(
    evaluation: Evaluation, result: ResultApplication, deducted: set[str]
) -> list[WorkItem]:
    """Unmet targets (those not already a deduction line) and earlier years' open items."""
    dataset = evaluation.dataset
    items = []
    for r in result.rectifications:
        if r.kind == "未完成指标":
            name, _, why = r.subject.partition("：")
            if name in deducted:
                continue  # one problem, one row: its deduction line says it already
            detail = "；".join(p for p in r.detail.split("；") if p and p != why)
            problem = r.subject + (f"。{detail}" if detail else "")
            kind = "未完成指标"
        elif r.kind.startswith("往年"):
            name = r.subject
            problem = (
                f"{r.source_year or ''}年度{r.kind.partition('（')[2].rstrip('）')}：{r.subject}"
            )
            problem += f"。{r.detail}" if r.detail else ""
            kind = "往年未整改"
        else:
            continue  # deductions come from the report's scorecard (manual and computed)
        items.append(
            WorkItem(
                kind,
                problem,
                _measure([name], dataset.problems),
                r.owner or dataset.profile.department_name,
                _deadline(kind, dataset),
                r.loc or ("整改事项" if kind == "往年未整改" else "绩效指标"),
                status=r.status if kind == "往年未整改" and r.status in STATUSES else STATUSES[0],
            )
        )
    return items


def build_worklist(
    evaluation: Evaluation, report: ReportModel, result: ResultApplication
) -> WorkList:
    """The work list of one evaluation (``report`` is its submission report model)."""
    deductions = _deductions(evaluation, report)
    deducted = {row.name for row in _leaves(report.scorecard.rows)}
    items = _data_errors(evaluation) + deductions + _from_results(evaluation, result, deducted)
    suggestions = tuple(
        Suggestion(
            r.level, r.code, r.name, r.score, r.grade, r.recommendation, r.basis, r.reference
        )
        for r in result.recommendations
    )
    profile = evaluation.dataset.profile
    return WorkList(profile.department_name, profile.year, tuple(items), suggestions)


# --------------------------------------------------------------------------- workbook

_HEADER = (
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
#: column widths (Excel units) of a landscape A4 page: about 135 print at full size
#: (:data:`jixiao.reports.render.excel.LANDSCAPE_UNITS`), these at 91%, 9.6 pt; a 问题类型
#: (“扣分项（自评）”), a date and a 状态 each on one line
_WIDTHS = (6, 16, 36, 26, 12, 8, 12, 8, 10, 14)
#: the 填写说明 column: 35 characters a line (Excel's units are 7 px; LibreOffice's, without
#: Calibri's metrics, are DejaVu's 9, and 72 of them still fit a portrait A4 page)
GUIDE_UNITS = 72.0
_SUGGESTION_HEADER = ("层级", "编码", "名称", "得分", "等级", "预算安排建议", "得分来源", "性质")

_GUIDE = (
    "这份清单列出本次评价发现的每一个问题，一行一个，供各责任单位逐项整改、逐项销号。",
    "问题类型：数据差错（报告或数据表中前后不一致的数字，须在报送前更正）；"
    "扣分项（自评）为部门自评扣分的指标，扣分项（计算）为按评分框架根据数据计算扣分的指标；"
    "未完成指标为未达到目标值的绩效指标；往年未整改为以前年度尚未完成整改的事项。",
    "整改措施：已从报告“存在问题及改进措施”中带出对应的措施；空白的请责任单位填写。",
    "责任人、佐证材料：由责任单位填写；状态请在下拉列表中选择：待整改、整改中、已整改。",
    "整改期限：数据差错为填报日期后 30 日内；扣分项为次年 6 月 30 日前；"
    "未完成指标为次年 12 月 31 日前。可按实际情况调整。",
    "预算安排建议：只有经财政部门复核的评价等级才作为预算安排的依据；"
    "仅有部门自评时，建议标注为“参考”。",
)


def _texts(values: tuple[object, ...]) -> list[str]:
    """Each cell's text as printed (a date as yyyy-mm-dd), to count its wrapped lines."""
    return ["" if v is None else v.isoformat() if isinstance(v, date) else str(v) for v in values]


def worklist_xlsx(worklist: WorkList) -> bytes:
    """The work list as a workbook: 整改清单 (with the 状态 dropdown), 结果应用, 填写说明."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, Side
    from openpyxl.worksheet.datavalidation import DataValidation

    from jixiao.reports.render.excel import (
        CELL_PADDING_UNITS,
        CJK_UNITS,
        page_setup,
        print_setup,
        row_height,
    )
    from jixiao.reports.render.widths import text_ems

    thin = Side(style="thin", color="000000")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    wrap = Alignment(vertical="top", wrap_text=True)
    head_font, body_font = (
        Font(name="黑体", size=10.5, bold=True),
        Font(name="仿宋_GB2312", size=10.5),
    )

    wb = Workbook()
    ws = wb.active
    ws.title = "整改清单"
    year = f"{worklist.year}年度" if worklist.year else ""
    ws.cell(row=1, column=1, value=f"{worklist.department}{year}绩效自评问题整改清单").font = Font(
        name="黑体", size=14, bold=True
    )
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(_HEADER))
    ws.cell(row=1, column=1).alignment = Alignment(horizontal="center")
    header_row = 2
    for column, text in enumerate(_HEADER, start=1):
        cell = ws.cell(row=header_row, column=column, value=text)
        cell.font, cell.border = head_font, border
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    widths = [float(w) for w in _WIDTHS]
    row = header_row
    # Each body cell gets one of two styles: the first cell of each sets it and the rest
    # copy its style ids (openpyxl hashes a style object field by field on every
    # assignment, most of the workbook's time); the file is the same.
    styles: dict[bool, Any] = {}
    for number, item in enumerate(worklist.items, start=1):
        row += 1
        values = (
            number,
            item.kind,
            item.problem,
            item.measure,
            item.unit,
            item.person,
            item.deadline,
            item.status,
            item.evidence,
            item.source,
        )
        # a row as tall as its longest text's lines: LibreOffice and WPS show one line else
        height = row_height(_texts(values), widths)
        if height is not None:
            ws.row_dimensions[row].height = height
        for column, value in enumerate(values, start=1):
            cell = ws.cell(row=row, column=column, value=value)
            dated = isinstance(value, date)
            if dated in styles:
                cell._style = copy(styles[dated])
                continue
            cell.font, cell.border, cell.alignment = body_font, border, wrap
            if dated:
                cell.number_format = "yyyy-mm-dd"
            styles[dated] = copy(cell._style)
    status_column = "H"
    choices = DataValidation(
        type="list",
        formula1='"' + ",".join(STATUSES) + '"',
        allow_blank=False,
        showErrorMessage=True,
        errorTitle="状态",
        error="请从下拉列表中选择：" + "、".join(STATUSES),
    )
    ws.add_data_validation(choices)
    choices.add(f"{status_column}{header_row + 1}:{status_column}{max(row, header_row + 200)}")
    print_setup(ws, widths, header_row, landscape=True)

    rec = wb.create_sheet("结果应用")
    suggested: dict[bool, Any] = {}
    # a project's 编码 (“P101009002”) on one line, up to 20 characters; the rest of a
    # landscape page of 135 units (printed at 100%) to the texts
    longest = max((text_ems(s.code) for s in worklist.suggestions), default=0.0)
    code = min(max(10.0, math.ceil(longest * CJK_UNITS + CELL_PADDING_UNITS)), 26.0)
    rec_widths = [10.0, code, 44.0 - code, 8.0, 6.0, 16.0, 25.0, 26.0]
    for column, text in enumerate(_SUGGESTION_HEADER, start=1):
        cell = rec.cell(row=1, column=column, value=text)
        cell.font, cell.border = head_font, border
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for r, s in enumerate(worklist.suggestions, start=2):
        suggestion: tuple[object, ...] = (
            s.level,
            s.code,
            s.name,
            s.score,
            s.grade,
            s.recommendation + ("（参考）" if s.reference else ""),
            s.basis,
            "参考（仅有自评，未经财政复核）" if s.reference else "依据财政复核等级",
        )
        height = row_height(_texts(suggestion), rec_widths)
        if height is not None:
            rec.row_dimensions[r].height = height
        for column, shown in enumerate(suggestion, start=1):
            cell = rec.cell(row=r, column=column, value=shown)
            number = isinstance(shown, Decimal)  # as on 整改清单: one of two styles
            if number in suggested:
                cell._style = copy(suggested[number])
                continue
            cell.font, cell.border, cell.alignment = body_font, border, wrap
            if number:
                cell.number_format = "0.00"
            suggested[number] = copy(cell._style)
    print_setup(rec, rec_widths, 1, landscape=True)

    guide = wb.create_sheet("填写说明")
    # One column narrower than a portrait page, even counted in the wider units of a
    # LibreOffice without Calibri's metrics: it does not fit a one-column sheet to the page.
    guide_width = [GUIDE_UNITS]
    guide.column_dimensions["A"].width = guide_width[0]
    for r, text in enumerate(_GUIDE, start=1):
        cell = guide.cell(row=r, column=1, value=text)
        cell.font, cell.alignment = body_font, wrap
        height = row_height([text], guide_width)
        if height is not None:
            guide.row_dimensions[r].height = height
    page_setup(guide, landscape=False)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
