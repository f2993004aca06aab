"""The whole form as one workbook, and back.

Sheets: 基本信息 (one field a row: 项目 | 内容), 主要任务 (年度 …), 绩效指标 (the indicator
columns, plus the engine's 审核标记 on the way out, ignored on the way in). Reading goes
through the engine's workbook reader (limits, zip-bomb and formula checks, what Excel
shows) and the engine's cell parser, so every problem names its ``sheet!cell`` and
nothing is saved unless the whole workbook is accepted.
"""

from __future__ import annotations

import io
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from jixiao.dataset.build import DatasetError, InputError, RawCell
from jixiao.io.excel import Sheet, load_sheets, normalize_label
from jixiao_web.targets.schema import IndicatorRow, TaskRow, columns

if TYPE_CHECKING:
    from openpyxl import Workbook

    from jixiao_web.targets.models import TargetForm
    from jixiao_web.targets.review import Flags
    from jixiao_web.targets.services import Content

INFO, TASKS, INDICATORS = "基本信息", "主要任务", "绩效指标"
FLAG_HEADER = "审核标记（系统生成，导入时忽略）"
# openpyxl is imported by the functions that write (with numpy, lxml and Pillow it was
# half of what the web's first request loads: docs/performance.md, "Start-up").


def _cell(value: Any) -> Any:
    if isinstance(value, Decimal):
        return (
            float(value)
            if value == value.to_integral_value() and abs(value) < 10**15
            else format(value, "f")
        )
    if value is True:
        return "是"
    if value is False:
        return "否"
    return value


def workbook(form: TargetForm, content: Content, flags: Flags | None = None) -> bytes:
    """The form's content as an ``.xlsx`` a clerk can fill and import again."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    book = Workbook()
    info = book.active
    assert info is not None
    info.title = INFO
    info.append(["项目", "内容"])
    info.append(["预算年度", form.year])
    info.append(["主管部门", form.department.name])
    if form.kind == "project":
        info.append(["实施单位", form.unit.name if form.unit else ""])
        info.append(["主管处室", form.division.name if form.division else ""])
    for column in columns(type(content.header)):
        info.append([column.header, _cell(getattr(content.header, column.key))])
    info.column_dimensions["A"].width = 18
    info.column_dimensions["B"].width = 80
    bold = Font(bold=True)
    for cell in info["A"]:
        cell.font = bold
    for cell in info["B"]:
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    _table(
        book, TASKS, TaskRow, [[getattr(t, c.key) for c in columns(TaskRow)] for t in content.tasks]
    )
    rows = []
    for i, r in enumerate(content.indicators):
        labels = "、".join(flags.labels.get(i, [])) if flags else ""
        rows.append([*(getattr(r, c.key) for c in columns(IndicatorRow)), labels])
    sheet = _table(book, INDICATORS, IndicatorRow, rows, extra=(FLAG_HEADER,))
    _choices(sheet, IndicatorRow, len(rows) + 200)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _table(
    book: Workbook, title: str, row_type: type, rows: list[list[Any]], extra: tuple[str, ...] = ()
) -> Any:
    from openpyxl.styles import Font, PatternFill

    sheet = book.create_sheet(title)
    headers = [c.header for c in columns(row_type)] + list(extra)
    sheet.append(headers)
    bold, head = Font(bold=True), PatternFill("solid", fgColor="DDE7F5")
    for cell in sheet[1]:
        cell.font = bold
        cell.fill = head
    for row in rows:
        sheet.append([_cell(v) for v in row])
    for index, header in enumerate(headers):
        letter = sheet.cell(row=1, column=index + 1).column_letter
        sheet.column_dimensions[letter].width = max(8, min(40, len(header) * 2 + 2))
    sheet.freeze_panes = "A2"
    return sheet


def _choices(sheet: Any, row_type: type, last: int) -> None:
    """Drop-down lists for the choice columns (计算符号, 一级指标, 取值依据, 新增指标)."""
    from openpyxl.worksheet.datavalidation import DataValidation

    for index, column in enumerate(columns(row_type)):
        options = column.choices or (("是", "否") if column.type.value == "bool" else ())
        if not options:
            continue
        letter = sheet.cell(row=1, column=index + 1).column_letter
        check = DataValidation(
            type="list", formula1='"' + ",".join(options) + '"', allow_blank=True
        )
        check.add(f"{letter}2:{letter}{last}")
        sheet.add_data_validation(check)


# --------------------------------------------------------------------------- read


def read(form: TargetForm, data: bytes, name: str) -> Content:
    """The workbook's content for ``form``; :class:`DatasetError` with every problem."""
    from jixiao_web.targets import services

    sheets = {normalize_label(s.name): s for s in load_sheets(data, name)}
    errors: list[InputError] = []
    for wanted in (INFO, TASKS, INDICATORS):
        if normalize_label(wanted) not in sheets:
            errors.append(InputError(name, f"缺少工作表“{wanted}”"))
    if errors:
        raise DatasetError(errors)
    header = _info(form, sheets[normalize_label(INFO)], errors)
    tasks = _rows(sheets[normalize_label(TASKS)], TaskRow, errors)
    indicators = _rows(sheets[normalize_label(INDICATORS)], IndicatorRow, errors)
    content, problems = services.parse(form, header, tasks, indicators, require_header=True)
    errors += problems
    if errors:
        raise DatasetError(errors)
    return content


def _info(form: TargetForm, sheet: Sheet, errors: list[InputError]) -> dict[str, RawCell]:
    from jixiao_web.targets.services import header_type

    by_label = {normalize_label(c.header): c.key for c in columns(header_type(form))}
    cells: dict[str, RawCell] = {}
    for r, row in enumerate(sheet.rows):
        if not row or row[0] in (None, ""):
            continue
        label = normalize_label(row[0])
        value = row[1] if len(row) > 1 else None
        other_year = str(value).strip().removesuffix(".0") != str(form.year)
        if label == normalize_label("预算年度") and value not in (None, "") and other_year:
            errors.append(
                InputError(sheet.loc(r, 1), f"工作簿是 {value} 年度的，本申报表是 {form.year} 年度")
            )
        if label in by_label:
            cells[by_label[label]] = RawCell(value, sheet.loc(r, 1))
    if form.kind == "project" and "code" in cells:
        code = str(cells["code"].value or "").strip()
        if code and code != form.code:
            errors.append(
                InputError(
                    cells["code"].loc, f"工作簿是项目“{code}”的，本申报表是项目“{form.code}”"
                )
            )
    return cells


def _rows(
    sheet: Sheet, row_type: type, errors: list[InputError]
) -> list[tuple[str, dict[str, RawCell]]]:
    if not sheet.rows:
        return []
    by_label = {normalize_label(c.header): c.key for c in columns(row_type)}
    head = sheet.rows[0]
    keys: dict[int, str] = {}
    for c, value in enumerate(head):
        label = normalize_label(value) if value not in (None, "") else ""
        if label in by_label:
            keys[c] = by_label[label]
        elif label and not label.startswith(normalize_label("审核标记")):
            errors.append(InputError(sheet.loc(0, c), f"未知的列“{value}”"))
    missing = [c.header for c in columns(row_type) if c.required and c.key not in keys.values()]
    if missing:
        errors.append(InputError(sheet.loc(0, 0), f"{sheet.name}缺少列：{'、'.join(missing)}"))
        return []
    result = []
    for r, row in enumerate(sheet.rows[1:], start=1):
        cells = {
            key: RawCell(row[c] if c < len(row) else None, sheet.loc(r, c))
            for c, key in keys.items()
        }
        if all(cell.value in (None, "") for cell in cells.values()):
            continue
        result.append((f"{sheet.name}!{sheet.row_number(r)}", cells))
    return result


# --------------------------------------------------------------------------- dataset layout


def dataset_workbook(form: TargetForm, content: Content) -> bytes:
    """The approved targets in the dataset's own workbook layout (项目 + 项目绩效指标, or
    绩效目标 + 绩效指标 for the department), ready to go into the year's dataset."""
    from jixiao.dataset.model import Dataset, Division, Goal, Indicator, Profile, Project
    from jixiao.io.excel import workbook_bytes

    header: Any = content.header
    owner = "1" if form.kind == "department" else form.code
    indicators = tuple(
        Indicator(
            owner=owner,
            code=r.code,
            level1=r.level1,
            level2=r.level2,
            name=r.name,
            sign=r.sign,
            target=r.target,
            target_desc=r.target_desc,
            unit=r.unit,
            weight=r.weight,
        )
        for r in content.indicators
        if r.year == form.year
    )
    profile = Profile(department_name=form.department.name, year=form.year)
    if form.kind == "department":
        dataset = Dataset(
            profile=profile, goals=(Goal(code="1", content=header.goal),), indicators=indicators
        )
    else:
        project = Project(
            code=form.code,
            name=form.name,
            unit=form.unit.code if form.unit else "",
            division=form.division.name if form.division else "",
            fund=header.fund_source,
            budget=header.budget,
        )
        dataset = Dataset(
            profile=profile,
            divisions=(Division(name=form.division.name),) if form.division else (),
            units=(_unit(form),) if form.unit else (),
            projects=(project,),
            project_indicators=indicators,
        )
    return workbook_bytes(dataset)


def _unit(form: TargetForm) -> Any:
    """The implementing unit as the department's latest dataset describes it (单位性质)."""
    from jixiao.dataset.model import Unit
    from jixiao_web.datasets.models import ROW_MODELS

    assert form.unit is not None
    stored = (
        ROW_MODELS["units"]
        .objects.filter(dataset__department_id=form.department_id, code=form.unit.code)
        .order_by("-dataset__year")
        .first()
    )
    return Unit(code=form.unit.code, name=form.unit.name, kind=stored.kind if stored else "其他")
