"""The Excel workbook a finance officer fills in (``.xlsx``), read and written losslessly.

Layout, generated from :data:`jixiao.dataset.model.TABLES` (a table appended there gets
its sheet here with no change to this module):

- ``说明``: how to fill the workbook, the 金额单位, and the list of sheets;
- one sheet per table, in ``TABLES`` order, named ``spec.sheet``. Row tables have the
  Chinese headers in row 1 and data from row 2; forms (``spec.form``) have the columns
  项目 | 值 | 说明 and one row per field;
- the optional 声明数 sheet last of them (grey tab): only for auditing a report already
  published. Under a line saying so in plain words, it holds the audit-only form fields
  (:attr:`~jixiao.dataset.schema.Column.audit`: 自评总分（声明）…) as a 项目 | 值 | 说明
  block, then the 声明数 table. Workbooks of the earlier layout, with those fields on
  基本信息 and 自评结论, are read as well; a field given in both places must agree;
- a hidden ``代码表`` holding the code lists and choices that the dropdowns point at.

Reading takes the workbook's bytes. :mod:`jixiao.io.workbook_scan` first checks them
against the read limits and finds what python-calamine would misread (formulas without a
cached result, error values, percent formats); then python-calamine reads the values and
this module only *finds* cells: columns are matched by header text
(any order; spaces and full-width variants tolerated), and every value goes with its
``sheet!A1`` location to :func:`jixiao.dataset.build.build_dataset`, which parses and
checks it. Layout problems (unknown sheets or headers, missing required columns, a file
that is not a workbook) are reported together with the cell-level ones.

Writing uses openpyxl in write-only (streaming) mode, to a binary stream (the command
line writes the bytes through :mod:`jixiao.lib.files`). Numbers are written as numbers whenever the float reads back as the
same Decimal, and as text otherwise, so ``read(write(d)) == d`` for every dataset.
"""

from __future__ import annotations

import difflib
import io
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

from jixiao.dataset.build import (
    CellProblem,
    DatasetError,
    InputError,
    Problems,
    RawCell,
    RawForm,
    RawTable,
    _is_blank,
    _shown,
    build_dataset,
    character_name,
    invalid_character,
    parse_cell,
    table_values,
)
from jixiao.dataset.codes import CodeList, load_codes
from jixiao.dataset.docs import CODE_LIST_NAMES, column_note
from jixiao.dataset.model import AUDIT_TABLE, TABLES, TABLES_BY_KEY, Dataset, audit_fields
from jixiao.dataset.schema import ColType, Column, TableSpec
from jixiao.io.limits import DEFAULT_LIMITS, ReadLimits
from jixiao.io.workbook_scan import (
    ENCRYPTED,
    NOT_A_WORKBOOK,
    resolve,
    scan_workbook,
    sniff_container,
)
from jixiao.lib.progress import Progress, tell_or_ignore

README_SHEET = "说明"
CODES_SHEET = "代码表"
#: The hidden sheet of 数据名称 | 数据编号 pairs behind the 声明数 dropdown: the clerk picks a
#: figure by its Chinese label, the reader maps the label back to its id. The pairs come
#: from the caller (the figures are computed above this layer).
FIGURES_SHEET = "数据编号表"
FIGURES_HEADERS = ("数据名称", "数据编号")
FORM_HEADERS = ("项目", "值", "说明")
#: Rows at the top of a sheet searched for the header row (a title line above it is fine).
HEADER_SEARCH_ROWS = 10
_BOOL_CHOICES = ("是", "否")
#: The optional sheet: the 声明数 table and the audit-only form fields.
OPTIONAL_SHEET = TABLES_BY_KEY[AUDIT_TABLE].sheet
#: Its note, one short line a row (no merged cells: each line runs on over the empty cells
#: to its right, and every cell of the sheet stays one a person can type in).
OPTIONAL_NOTE_LINES = (
    "本表选填，只在审核已发布的报告时填写，可留空；编写新报告时不用填。",
    "审核一份已经写好的报告时，在下面“项目 | 值”部分填报告里写的单位数、自评总分和等级、",
    "满分项和扣分项；在“数据编号 | 声明值”部分逐个填报告文中的数字（如“决算支出为年初",
    "预算的241.70%”）。系统会与按数据计算的结果核对，列出不一致之处。",
)
OPTIONAL_NOTE = "".join(OPTIONAL_NOTE_LINES)


# --------------------------------------------------------------------------- names


def normalize_label(value: object) -> str:
    """A sheet name or header as compared: NFKC (full-width → half-width), no spaces,
    no quotes, no trailing ``*``. ``" 收入项目 "``, ``"收入项目＊"`` → ``"收入项目"``."""
    text = unicodedata.normalize("NFKC", str(value))
    text = "".join(text.split())
    text = text.translate(_QUOTES)
    return text.rstrip("*")


_QUOTES = str.maketrans("", "", "“”‘’\"'「」")


def _suggest(name: str, known: Sequence[str]) -> str:
    """``（是否应为“收入”？）`` for the closest known name, or the list of known names."""
    by_norm = {normalize_label(k): k for k in known}
    match = difflib.get_close_matches(normalize_label(name), list(by_norm), n=1, cutoff=0.5)
    if match:
        return f"（是否应为“{by_norm[match[0]]}”？）"
    return f"（可用：{'、'.join(known)}）"


def _column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


# --------------------------------------------------------------------------- read


@dataclass
class Sheet:
    """One worksheet as read: its cell values and where the first of them sits."""

    name: str
    rows: list[list[Any]]
    first_row: int = 0  #: 0-based row of ``rows[0]``
    first_col: int = 0  #: 0-based column of ``rows[i][0]``
    hidden: bool = False
    letters: list[str] = field(default_factory=list)

    def letter(self, index: int) -> str:
        while len(self.letters) <= index:
            self.letters.append(_column_letter(self.first_col + len(self.letters)))
        return self.letters[index]

    def row_number(self, index: int) -> int:
        return self.first_row + index + 1

    def loc(self, row: int, col: int) -> str:
        return f"{self.name}!{self.letter(col)}{self.row_number(row)}"

    @property
    def blank(self) -> bool:
        return all(_is_blank(v) for row in self.rows for v in row)


def read_workbook_bytes(
    data: bytes,
    name: str = "工作簿",
    limits: ReadLimits = DEFAULT_LIMITS,
    progress: Progress | None = None,
) -> Dataset:
    """Read a workbook's bytes; raises :class:`DatasetError` (and nothing else) on any bad
    input, naming ``name`` and each ``sheet!cell``."""
    if not data:
        raise DatasetError([InputError(name, "文件为空，没有数据")])
    sheets = load_sheets(data, name, limits, progress)
    raw, errors = raw_from_sheets(sheets, name)
    return build_dataset(raw, errors)


def read_workbook(path: Path, limits: ReadLimits = DEFAULT_LIMITS) -> Dataset:
    """A convenience for callers holding a path: :func:`jixiao.io.formats.load_dataset`."""
    from jixiao.io.formats import load_dataset

    return load_dataset(path, limits=limits)


def load_sheets(
    data: bytes,
    name: str = "工作簿",
    limits: ReadLimits = DEFAULT_LIMITS,
    progress: Progress | None = None,
) -> list[Sheet]:
    """Every worksheet's cell values as Excel shows them; DatasetError if not a workbook.

    The workbook is first checked against ``limits`` and scanned
    (:mod:`jixiao.io.workbook_scan`); python-calamine then reads the values, and the
    scanned cells replace what calamine returns for them (a formula without result or an
    error value becomes a :class:`CellProblem`, a percent-formatted 0.5 becomes 50).
    """
    from python_calamine import CalamineWorkbook, PasswordError, SheetTypeEnum, SheetVisibleEnum

    kind = sniff_container(data)
    if kind != "zip":
        raise DatasetError([InputError(name, kind or NOT_A_WORKBOOK)])
    scans = scan_workbook(data, name, limits)
    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheets = []
        worksheets = [m for m in book.sheets_metadata if m.typ == SheetTypeEnum.WorkSheet]
        tell = tell_or_ignore(progress)
        tell("读取工作表", 0, len(worksheets))
        for index, meta in enumerate(worksheets):
            values = book.get_sheet_by_name(meta.name)
            start = values.start or (0, 0)
            sheet = Sheet(
                name=meta.name,
                rows=values.to_python(skip_empty_area=True),  # rows[0][0] is at start
                first_row=start[0],
                first_col=start[1],
                hidden=meta.visible != SheetVisibleEnum.Visible,
            )
            del values
            scan = scans.get(meta.name)
            if scan is not None and scan.cells:
                _apply_scan(sheet, scan.cells)
            sheets.append(sheet)
            last = index + 1 == len(worksheets)
            tell("校验数据" if last else f"读取工作表 {meta.name}", index + 1, len(worksheets))
        book.close()
    except PasswordError:
        raise DatasetError([InputError(name, ENCRYPTED)]) from None
    except (KeyboardInterrupt, SystemExit, MemoryError):
        raise
    except BaseException:  # calamine's own errors, and Rust panics, which derive from BaseException
        raise DatasetError([InputError(name, NOT_A_WORKBOOK)]) from None
    return sheets


def _apply_scan(sheet: Sheet, cells: dict[tuple[int, int], object]) -> None:
    """Put the scanned cells into ``sheet``, growing its rows where calamine left a
    position out (a formula without a cached result is not in calamine's range)."""
    placed = {
        pos: marker
        for pos, marker in cells.items()
        if isinstance(marker, CellProblem) or _value_at(sheet, pos) is not None
    }
    if not placed:
        return
    ys = [pos[0] for pos in placed]
    xs = [pos[1] for pos in placed]
    height = len(sheet.rows)
    width = max(map(len, sheet.rows), default=0)
    top = min([sheet.first_row, *ys]) if height else min(ys)
    left = min([sheet.first_col, *xs]) if height else min(xs)
    bottom = max([sheet.first_row + height - 1, *ys]) if height else max(ys)
    right = max([sheet.first_col + width - 1, *xs]) if height else max(xs)
    if (top, left) != (sheet.first_row, sheet.first_col) or (
        bottom - top + 1,
        right - left + 1,
    ) != (height, width):
        grown: list[list[Any]] = [[None] * (right - left + 1) for _ in range(bottom - top + 1)]
        for index, row in enumerate(sheet.rows):
            target = grown[sheet.first_row + index - top]
            offset = sheet.first_col - left
            target[offset : offset + len(row)] = row
        sheet.rows, sheet.first_row, sheet.first_col = grown, top, left
        sheet.letters = []
    for (y, x), marker in placed.items():
        line = sheet.rows[y - sheet.first_row]
        line[x - sheet.first_col] = resolve(marker, line[x - sheet.first_col])


def _value_at(sheet: Sheet, pos: tuple[int, int]) -> Any:
    row, col = pos[0] - sheet.first_row, pos[1] - sheet.first_col
    if 0 <= row < len(sheet.rows) and 0 <= col < len(sheet.rows[row]):
        value = sheet.rows[row][col]
        return None if value == "" else value
    return None


def raw_from_sheets(
    sheets: Iterable[Sheet], name: str = "工作簿"
) -> tuple[dict[str, Any], list[InputError]]:
    """Find the tables in ``sheets``: raw cells for :func:`build_dataset` and layout errors."""
    errors: list[InputError] = Problems()
    raw: dict[str, Any] = {}
    known = {normalize_label(spec.sheet): spec for spec in TABLES}
    auxiliary = {normalize_label(README_SHEET), normalize_label(CODES_SHEET)}
    seen: dict[str, str] = {}
    figure_ids: dict[str, str] = {}  #: 数据名称 → 数据编号, from the hidden 数据编号表
    audited: dict[tuple[str, str], RawCell] = {}  #: audit-only fields found on 声明数
    found = False
    for sheet in sheets:
        key = normalize_label(sheet.name)
        spec = known.get(key)
        if key == normalize_label(FIGURES_SHEET):
            figure_ids = _figure_ids(sheet)
            continue
        if spec is None:
            if key in auxiliary or sheet.hidden or sheet.blank:
                continue  # the instructions, the code lists, helper and empty sheets
            sheet_names = [t.sheet for t in TABLES]
            errors.append(
                InputError(
                    sheet.name, f"未知的工作表“{sheet.name}”{_suggest(sheet.name, sheet_names)}"
                )
            )
            continue
        found = True
        if spec.key in seen:
            errors.append(InputError(sheet.name, f"工作表“{sheet.name}”与“{seen[spec.key]}”重复"))
            continue
        seen[spec.key] = sheet.name
        if spec.form:
            form = _read_form(spec.sheet, spec.columns, sheet, errors)
            if form:
                raw[spec.key] = form
        elif spec.key == AUDIT_TABLE:
            table = _read_optional_sheet(spec, sheet, audited, errors)
            if table is not None:
                raw[spec.key] = table
        else:
            table = _read_table(spec, sheet, errors)
            if table is not None:
                raw[spec.key] = table
    _merge_audit_fields(raw, audited, errors)
    if figure_ids and AUDIT_TABLE in raw:
        _figures_by_label(raw[AUDIT_TABLE], figure_ids)
    if not found:
        listed = "、".join(t.sheet for t in TABLES[:4])
        errors.append(
            InputError(
                name,
                f"工作簿中没有 jixiao 数据表（应有“{listed}”等工作表；可用 jixiao template 生成空白模板）",
            )
        )
    return raw, errors


def _figure_ids(sheet: Sheet) -> dict[str, str]:
    """数据名称 → 数据编号 of the hidden sheet (its first row is the header)."""
    pairs: dict[str, str] = {}
    for row in sheet.rows[1:]:
        if len(row) >= 2 and isinstance(row[0], str) and isinstance(row[1], str):
            pairs[row[0].strip()] = row[1].strip()
    return pairs


def _figures_by_label(table: RawTable, figure_ids: dict[str, str]) -> None:
    """A 数据编号 cell holding a figure's label (picked from the dropdown) becomes its id;
    an id typed as it is stays, and an unknown text is left for the checks to name."""
    for _, cells in table.rows:
        cell = cells.get("figure")
        if cell is not None and isinstance(cell.value, str):
            figure = figure_ids.get(cell.value.strip())
            if figure is not None:
                cells["figure"] = RawCell(figure, cell.loc)


def _find_header(
    sheet: Sheet, wanted: set[str], need: int, expected: str, errors: list[InputError]
) -> int | None:
    """Index of the first row (among the top ones) with at least ``need`` wanted headers;
    ``None`` (an error unless the sheet is blank) when there is none."""
    for index, row in enumerate(sheet.rows[:HEADER_SEARCH_ROWS]):
        labels = {normalize_label(v) for v in row if not _is_blank(v)}
        if len(labels & wanted) >= need:
            return index
    if not sheet.blank:
        errors.append(InputError(f"{sheet.name}!A1", f"找不到表头：第 1 行应为{expected}"))
    return None


def _header_map(
    sheet: Sheet,
    header_index: int,
    by_label: dict[str, str],
    headers: Sequence[str],
    errors: list[InputError],
) -> dict[int, str]:
    """Column index → key for the header row; unknown and repeated headers are errors."""
    mapping: dict[int, str] = {}
    where: dict[str, str] = {}
    for col, value in enumerate(sheet.rows[header_index]):
        if _is_blank(value):
            continue
        loc = sheet.loc(header_index, col)
        key = by_label.get(normalize_label(value))
        if key is None:
            errors.append(InputError(loc, f"未知的列“{value}”{_suggest(str(value), headers)}"))
        elif key in where:
            errors.append(InputError(loc, f"列“{value}”重复（已在 {where[key]}）"))
        else:
            mapping[col] = key
            where[key] = loc
    return mapping


def _read_table(spec: TableSpec, sheet: Sheet, errors: list[InputError]) -> RawTable | None:
    columns = spec.columns
    by_label = {normalize_label(c.header): c.key for c in columns}
    headers = [c.header for c in columns]
    header_index = _find_header(sheet, set(by_label), 1, f"列名（{'、'.join(headers)}）", errors)
    if header_index is None:
        return None
    mapping = _header_map(sheet, header_index, by_label, headers, errors)
    present = set(mapping.values())
    header_row = sheet.row_number(header_index)
    missing = [c.header for c in columns if c.required and c.key not in present]
    if missing:
        shown = "、".join(f"“{h}”" for h in missing)
        errors.append(InputError(f"{sheet.name}!A{header_row}", f"缺少必填列{shown}"))
        return None  # every row would repeat the same problem
    codes = {c.key: load_codes(c.ref) for c in columns if c.type is ColType.CODE and c.ref}
    required = {c.key for c in columns if c.required}
    table = RawTable(loc=f"{sheet.name}!A{header_row}")
    headless: set[int] = set()
    width = max(map(len, sheet.rows), default=0)
    prefixes = [f"{sheet.name}!{sheet.letter(col)}" for col in range(width)]  # 收入!C
    for index in range(header_index + 1, len(sheet.rows)):
        number = str(sheet.row_number(index))
        cells: dict[str, RawCell] = {}
        filled = False
        for col, value in enumerate(sheet.rows[index]):
            key = mapping.get(col)
            if value is None or value == "" or (isinstance(value, str) and not value.strip()):
                if key in required:
                    cells[key] = RawCell(None, prefixes[col] + number)
                continue
            filled = True
            if key is None:
                if col not in headless:
                    headless.add(col)
                    errors.append(
                        InputError(
                            prefixes[col] + number,
                            f"“{_shown(value)}”所在的列没有列名（第 {header_row} 行），无法识别",
                        )
                    )
                continue
            if key in codes:
                value = _code_from_label(value, codes[key])
            cells[key] = RawCell(value, prefixes[col] + number)
        if not filled:
            continue  # a blank row
        for key in required - cells.keys():
            # a short row: the required column is past its last cell
            col = next(c for c, k in mapping.items() if k == key)
            cells[key] = RawCell(None, f"{sheet.name}!{sheet.letter(col)}{number}")
        table.rows.append((f"{sheet.name}!A{number}", cells))
    return table


def _read_form(
    title: str, columns: Sequence[Column], sheet: Sheet, errors: list[InputError]
) -> RawForm:
    """The 项目 | 值 block of a sheet: ``columns`` are the fields it may list, ``title``
    names the sheet in messages."""
    labels = {normalize_label(h): h for h in FORM_HEADERS}
    expected = f"“{'”“'.join(FORM_HEADERS)}”"
    header_index = _find_header(sheet, set(labels), 2, expected, errors)
    if header_index is None:
        return {}
    mapping = _header_map(sheet, header_index, labels, FORM_HEADERS, errors)
    item_col = next((c for c, h in mapping.items() if h == FORM_HEADERS[0]), None)
    value_col = next((c for c, h in mapping.items() if h == FORM_HEADERS[1]), None)
    if item_col is None or value_col is None:
        missing = FORM_HEADERS[0] if item_col is None else FORM_HEADERS[1]
        errors.append(
            InputError(f"{sheet.name}!A{sheet.row_number(header_index)}", f"缺少列“{missing}”")
        )
        return {}
    fields = {normalize_label(c.header): c for c in columns}
    cells: RawForm = {}
    where: dict[str, str] = {}
    for index in range(header_index + 1, len(sheet.rows)):
        row = sheet.rows[index]
        label = row[item_col] if item_col < len(row) else None
        value = row[value_col] if value_col < len(row) else None
        if _is_blank(label):
            if not _is_blank(value):
                errors.append(
                    InputError(sheet.loc(index, value_col), f"“{_shown(value)}”没有对应的项目名称")
                )
            continue
        column = fields.get(normalize_label(label))
        label_loc = sheet.loc(index, item_col)
        if column is None:
            known = [c.header for c in columns]
            errors.append(
                InputError(
                    label_loc, f"“{title}”中没有“{label}”这一项{_suggest(str(label), known)}"
                )
            )
            continue
        if column.key in where:
            errors.append(InputError(label_loc, f"项目“{label}”重复（已在 {where[column.key]}）"))
            continue
        where[column.key] = label_loc
        if column.type is ColType.CODE and column.ref:
            value = _code_from_label(value, load_codes(column.ref))
        cells[column.key] = RawCell(
            None if _is_blank(value) else value, sheet.loc(index, value_col)
        )
    return cells


def _header_row(sheet: Sheet, wanted: set[str], need: int, limit: int | None = None) -> int | None:
    """Index of the first row (of the first ``limit``) with at least ``need`` wanted labels."""
    for index, row in enumerate(sheet.rows[:limit]):
        labels = {normalize_label(v) for v in row if not _is_blank(v)}
        if len(labels & wanted) >= need:
            return index
    return None


def _part(sheet: Sheet, start: int, stop: int | None) -> Sheet:
    """Rows ``start:stop`` of ``sheet`` as a sheet of their own, keeping their cell names."""
    return Sheet(
        name=sheet.name,
        rows=sheet.rows[start:stop],
        first_row=sheet.first_row + start,
        first_col=sheet.first_col,
        hidden=sheet.hidden,
    )


def _read_optional_sheet(
    spec: TableSpec,
    sheet: Sheet,
    audited: dict[tuple[str, str], RawCell],
    errors: list[InputError],
) -> RawTable | None:
    """The 声明数 sheet: a 项目 | 值 block of audit-only form fields (into ``audited``,
    by (form, field)) and the 声明数 table, in either order; either may be absent (a
    workbook of the earlier layout has the table alone)."""
    fields = audit_fields()
    form_at = _header_row(sheet, {normalize_label(h) for h in FORM_HEADERS}, 2, HEADER_SEARCH_ROWS)
    if form_at is None:
        return _read_table(spec, sheet, errors)
    table_labels = {normalize_label(c.header) for c in spec.columns}
    after = _header_row(_part(sheet, form_at + 1, None), table_labels, 1)
    before = _header_row(_part(sheet, 0, form_at), table_labels, 1)
    if after is not None:  # the form, then the table
        form_part, table_part = (
            _part(sheet, form_at, form_at + 1 + after),
            _part(sheet, form_at + 1 + after, None),
        )
    elif before is not None:  # the table, then the form
        form_part, table_part = _part(sheet, form_at, None), _part(sheet, before, form_at)
    else:
        form_part, table_part = _part(sheet, form_at, None), None
    by_key = {column.key: form.key for form, column in fields}
    cells = _read_form(spec.sheet, [column for _, column in fields], form_part, errors)
    for key, cell in cells.items():
        audited[(by_key[key], key)] = cell
    return None if table_part is None else _read_table(spec, table_part, errors)


def _merge_audit_fields(
    raw: dict[str, Any], audited: dict[tuple[str, str], RawCell], errors: list[InputError]
) -> None:
    """Put the audit-only fields read on 声明数 into their forms. A field also listed on its
    form's own sheet (the earlier layout) is taken from whichever place is filled; both
    filled with different values is an error naming both cells."""
    for form, column in audit_fields():
        new = audited.get((form.key, column.key))
        if new is None:
            continue
        cells = raw.setdefault(form.key, {})
        old = cells.get(column.key)
        if old is None or _is_blank(old.value):
            cells[column.key] = new
            continue
        if _is_blank(new.value):
            continue  # the earlier place alone is filled
        cells[column.key] = new  # a problem of its own is reported by the dataset builder
        before, bad = parse_cell(old, column, "万元")
        after, also_bad = parse_cell(new, column, "万元")
        if bad is not None:
            errors.append(bad)
        elif also_bad is None and before != after:
            errors.append(
                InputError(
                    new.loc,
                    f"“{column.header}”填了两处且不一致：{old.loc} 为“{_shown(old.value)}”，"
                    f"{new.loc} 为“{_shown(new.value)}”；请只在“{OPTIONAL_SHEET}”表填写一处",
                )
            )


def _code_from_label(value: object, codes: CodeList) -> object:
    """The dropdowns offer ``"30227 委托业务费"``; take the code when the name matches."""
    if not isinstance(value, str):
        return value
    text = value.strip()
    if text in codes:
        return text
    code, _, rest = text.partition(" ")
    if code in codes and " ".join(rest.split()) == codes.name_of(code):
        return code
    return value


# --------------------------------------------------------------------------- write


class _Styles:
    """The few cell styles of the workbook, made once."""

    def __init__(self) -> None:
        from openpyxl.styles import Alignment, Font, PatternFill

        self.header_font = Font(bold=True)
        self.required_font = Font(bold=True, color="C00000")
        self.header_fill = PatternFill("solid", fgColor="DDEBF7")
        self.header_align = Alignment(horizontal="center", vertical="center", wrap_text=True)
        self.wrap = Alignment(wrap_text=True, vertical="top")
        self.top = Alignment(vertical="top")
        self.title_font = Font(bold=True, size=14)
        self.note_font = Font(color="555555")


#: Number format of each value type (``@`` keeps codes such as 0012 as text).
NUMBER_FORMATS: dict[ColType, str] = {
    ColType.MONEY: "#,##0.00",
    ColType.INT: "0",
    ColType.DATE: "yyyy-mm-dd",
    ColType.TEXT: "@",
    ColType.CODE: "@",
}
_BASE_WIDTHS: dict[ColType, int] = {
    ColType.TEXT: 18,
    ColType.LONGTEXT: 60,
    ColType.CODE: 24,
    ColType.MONEY: 16,
    ColType.NUMBER: 12,
    ColType.INT: 10,
    ColType.DATE: 12,
    ColType.CHOICE: 14,
    ColType.BOOL: 8,
}
_MAX_EXACT_INT = 2**53
EXCEL_MAX_TEXT = 32767  #: characters in one cell; openpyxl would cut longer text silently
_OOXML_ESCAPED = re.compile(r"_(x[0-9A-Fa-f]{4}_)")
_EXCEL_EPOCH_SAFE = date(1900, 3, 1)  #: before this, Excel's serial dates are ambiguous


def _display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _column_width(column: Column) -> int:
    return min(max(_BASE_WIDTHS[column.type], _display_width(column.header) + 4), 60)


_LINE_HEIGHT = 15  #: points per line of 11-point text
_MAX_LINES = 12


def _form_widths(columns: Sequence[Column]) -> tuple[int, int, int]:
    """Widths of a form's 项目 | 值 | 说明 columns."""
    return (max((_display_width(c.header) for c in columns), default=8) + 4, 40, 70)


def _optional_form_row() -> int:
    """The row of the 项目 | 值 | 说明 header on 声明数 (under the note's lines)."""
    return len(OPTIONAL_NOTE_LINES) + 1


def _optional_table_row() -> int:
    """The row of the 声明数 table's header: under the audit fields and a blank row."""
    return _optional_form_row() + len(audit_fields()) + 2


def row_place(spec: TableSpec, index: int) -> str:
    """Where the written workbook puts the ``index``-th row (0-based) of a row table:
    ``收入!A7`` (the web names a stored row by the cell of the workbook it downloads)."""
    header = _optional_table_row() if spec.key == AUDIT_TABLE else 1
    return f"{spec.sheet}!A{header + 1 + index}"


def field_place(spec: TableSpec, key: str) -> str:
    """Where the written workbook puts a form field's value: ``基本信息!B7``; an
    audit-only field is on 声明数 (``声明数!B9``)."""
    column = spec.column(key)
    if column.audit:
        keys = [c.key for _, c in audit_fields()]
        return f"{OPTIONAL_SHEET}!B{_optional_form_row() + 1 + keys.index(key)}"
    keys = [c.key for c in spec.columns if not c.audit]
    return f"{spec.sheet}!B{2 + keys.index(key)}"


def _sheet_order() -> list[TableSpec]:
    """The data sheets in workbook order: ``TABLES`` order, the optional 声明数 last."""
    return [t for t in TABLES if t.key != AUDIT_TABLE] + [TABLES_BY_KEY[AUDIT_TABLE]]


def _row_height(cells: Iterable[tuple[Any, int]]) -> float | None:
    """Height for a row whose wrapped cells (text, column width) need several lines;
    ``None`` for one line. Excel does not grow rows written by a program on its own."""
    lines = 1
    for text, width in cells:
        if isinstance(text, str) and text:
            per_line = max(width - 2, 1)
            needed = sum(-(-_display_width(p) // per_line) or 1 for p in text.split("\n"))
            lines = max(lines, needed)
    return min(lines, _MAX_LINES) * _LINE_HEIGHT if lines > 1 else None


def _escape_text(text: str) -> str:
    """Text as Excel stores it: a literal ``_x0041_`` is escaped (Excel would read "A").
    (Characters XML cannot hold never get here: they are refused before writing.)"""
    return _OOXML_ESCAPED.sub(r"_x005F_\1", text)


def cell_value(column: Column, value: Any) -> Any:
    """What to put in the cell for ``value`` (already in the workbook's 金额单位)."""
    if value is None or value == "":
        return None
    kind = column.type
    if kind is ColType.BOOL:
        return _BOOL_CHOICES[0] if value else _BOOL_CHOICES[1]
    if kind in (ColType.MONEY, ColType.NUMBER):
        number = float(value)
        # Write a number when the float reads back (via repr, as the importer does) as the
        # same Decimal; otherwise text, which the importer parses exactly.
        read_back = Decimal(repr(number))
        if read_back == value and not (
            column.keep_places and read_back.as_tuple().exponent != value.as_tuple().exponent
        ):
            return number
        return format(value, "f")
    if kind is ColType.INT:
        return value if abs(value) <= _MAX_EXACT_INT else str(value)
    if kind is ColType.DATE:
        return value if value >= _EXCEL_EPOCH_SAFE else value.isoformat()
    return _escape_text(str(value))


@dataclass
class _Dropdowns:
    """The lists on the hidden 代码表 sheet: one column each, referenced by validations."""

    #: entries → (column title, range such as ``'代码表'!$A$2:$A$9``)
    lists: dict[tuple[str, ...], tuple[str, str]] = field(default_factory=dict)

    def add(self, title: str, entries: tuple[str, ...]) -> None:
        if entries and entries not in self.lists:
            letter = _column_letter(len(self.lists))
            ref = f"'{CODES_SHEET}'!${letter}$2:${letter}${len(entries) + 1}"
            self.lists[entries] = (title, ref)

    def range_for(self, column: Column) -> str | None:
        entries = _dropdown_entries(column)
        return self.lists[entries][1] if entries in self.lists else None


def _dropdown_entries(column: Column) -> tuple[str, ...]:
    if column.type is ColType.CODE and column.ref:
        codes = load_codes(column.ref).codes
        return tuple(c.code if c.name == c.code else f"{c.code} {c.name}" for c in codes)
    if column.type is ColType.CHOICE:
        return column.choices
    if column.type is ColType.BOOL:
        return _BOOL_CHOICES
    return ()


def _collect_dropdowns() -> _Dropdowns:
    dropdowns = _Dropdowns()
    for spec in TABLES:
        for column in spec.columns:
            title = (
                CODE_LIST_NAMES.get(column.ref, column.header)
                if column.type is ColType.CODE
                else column.header
            )
            dropdowns.add(title, _dropdown_entries(column))
    return dropdowns


def _validation(formula: str, column: Column, cells: str) -> Any:
    from openpyxl.worksheet.datavalidation import DataValidation

    dv = DataValidation(
        type="list",
        formula1=formula,
        allow_blank=True,
        showErrorMessage=True,
        errorStyle="warning",
        errorTitle=column.header,
        error=f"请从下拉列表中选择{column.header}",
        showInputMessage=True,
        promptTitle=column.header[:32],
        prompt=column_note(column)[:255],
    )
    dv.add(cells)
    return dv


def _cell_values(dataset: Dataset) -> dict[str, list[list[Any]]]:
    """Every table's cell values, row by row (a form is one row).

    Raises :class:`DatasetError`, before anything is written, for values that a
    workbook cannot hold: text longer than a cell's 32,767 characters.
    """
    errors: list[InputError] = []
    result: dict[str, list[list[Any]]] = {}
    for spec in TABLES:
        records = getattr(dataset, spec.key)
        locs = [records.loc] if spec.form else [r.loc for r in records]
        rows = []
        for record, loc in zip(table_values(dataset, spec), locs, strict=True):
            row = []
            for column in spec.columns:
                value = cell_value(column, record[column.key])
                if isinstance(value, str) and len(value) > EXCEL_MAX_TEXT:
                    errors.append(
                        InputError(
                            loc,
                            f"“{column.header}”有 {len(value):,} 个字符，超过 Excel 单元格上限 {EXCEL_MAX_TEXT:,}，无法写入工作簿",
                        )
                    )
                elif isinstance(value, str) and (bad := invalid_character(value)):
                    errors.append(
                        InputError(
                            loc,
                            f"“{column.header}”含有 Excel 无法保存的字符 {character_name(bad)}，无法写入工作簿",
                        )
                    )
                row.append(value)
            rows.append(row)
        result[spec.key] = rows
    if errors:
        raise DatasetError(errors)
    return result


class _Writer:
    def __init__(
        self, dataset: Dataset, macro: bool, figure_labels: Sequence[tuple[str, str]] = ()
    ) -> None:
        from openpyxl import Workbook

        if macro:

            class _MacroWorkbook(Workbook):  # type: ignore[misc]
                # .xlsm needs its own content type, even with no macros inside
                mime_type = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"

            self.book = _MacroWorkbook(write_only=True)
        else:
            self.book = Workbook(write_only=True)
        self.dataset = dataset
        self.styles = _Styles()
        self.dropdowns = _collect_dropdowns()
        self.values: dict[str, list[list[Any]]] = {}
        self.figure_labels = tuple(figure_labels)

    def cell(self, sheet: Any, value: Any, **style: Any) -> Any:
        from openpyxl.cell import WriteOnlyCell

        cell = WriteOnlyCell(sheet, value)
        if isinstance(value, str):
            cell.data_type = "s"  # text, even when it starts with "=" or reads "#N/A"
        for name, item in style.items():
            setattr(cell, name, item)
        return cell

    def value_style(self, column: Column) -> dict[str, Any]:
        style: dict[str, Any] = {}
        if column.type in NUMBER_FORMATS:
            style["number_format"] = NUMBER_FORMATS[column.type]
        if column.type is ColType.LONGTEXT:
            style["alignment"] = self.styles.wrap
        return style

    def header_cell(self, sheet: Any, column: Column) -> Any:
        from openpyxl.comments import Comment

        cell = self.cell(
            sheet,
            column.header,
            font=self.styles.required_font if column.required else self.styles.header_font,
            fill=self.styles.header_fill,
            alignment=self.styles.header_align,
        )
        comment = Comment(f"{column.header}：{column_note(column)}", "jixiao")
        comment.width, comment.height = 240, 120
        cell.comment = comment
        return cell

    def write(self, out: IO[bytes], progress: Progress | None = None) -> None:
        """The workbook into ``out``; ``progress`` counts its parts: the cell values (all
        checked before a byte is written), each sheet, and saving (the zip)."""
        tell = tell_or_ignore(progress)
        order = _sheet_order()
        total = len(order) + 4  # cell values, 说明, the tables' sheets, 代码表, saving
        tell("准备单元格", 0, total)
        self.values = _cell_values(self.dataset)
        tell(f"写出工作表 {README_SHEET}", 1, total)
        self.write_readme()
        for done, spec in enumerate(order, start=2):
            tell(f"写出工作表 {spec.sheet}", done, total)
            if spec.form:
                self.write_form(spec)
            elif spec.key == AUDIT_TABLE:
                self.write_optional(spec)
            else:
                self.write_table(spec)
        tell("写出代码表", total - 2, total)
        self.write_codes()
        tell("保存工作簿", total - 1, total)
        self.book.save(out)
        tell("保存工作簿", total, total)

    def new_sheet(self, title: str, header_rows: str | None = "1:1") -> Any:
        """A sheet that prints landscape, one page wide, repeating its header row."""
        from openpyxl.worksheet.properties import PageSetupProperties

        sheet = self.book.create_sheet(title)
        sheet.page_setup.orientation = "landscape"
        sheet.page_setup.fitToWidth = 1
        sheet.page_setup.fitToHeight = 0
        sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
        if header_rows:
            sheet.print_title_rows = header_rows
        return sheet

    def write_readme(self) -> None:
        sheet = self.new_sheet(README_SHEET, header_rows=None)
        widths = (16, 90, 40)
        for letter, width in zip("ABC", widths, strict=True):
            sheet.column_dimensions[letter].width = width
        unit = self.dataset.profile.amount_unit or "万元"
        lines = [
            "每张数据表一个工作表；行表的第 1 行为列名，数据从第 2 行起逐行填写，整行空白的行会被忽略。",
            "请不要修改工作表名称和列名；列的顺序可以调整。红色列名为必填列，鼠标移到列名上可看到填写说明。",
            f"金额单位：在“基本信息”表的“金额单位”中选择“万元”或“元”（当前为：{unit}），本工作簿所有金额都按该单位填写，导入时统一换算为万元。",
            "金额和数值只填数字（可以带千分位逗号，如 12,021.60），不要填单位或文字；日期填 2024-05-11 形式。",
            "带下拉箭头的列（单位性质、计算符号、分类编码、是/否等）请从列表中选择；分类编码也可以只填编码。",
            "“重点工作”表中，“重点工作计划”与上一行相同时可以留空（相当于合并单元格）。",
            "金额表的“单位编码”留空表示部门（合并）数，填“预算单位”表中的预算编码表示该单位的数。",
            "“基本信息”“资产”“自评结论”是表单：每行一个项目，在“值”列填写。",
            f"最后的“{OPTIONAL_SHEET}”表选填，只在审核已发布的报告时填写，可留空：编写新报告时不用填；"
            "审核一份已经写好的报告时，在其中填报告里写的单位数、自评总分和等级、满分项、扣分项和文中的数字，"
            "系统会与按数据计算的结果核对。",
            "不用的工作表可以留空或删除。填好后运行 jixiao check 文件.xlsx 检查；所有问题会一次列出，并写明工作表和单元格。",
        ]
        sheet.append(
            [self.cell(sheet, "jixiao 预算绩效数据集 填报说明", font=self.styles.title_font)]
        )
        sheet.append([])
        for number, line in enumerate(lines, start=1):
            height = _row_height([(line, widths[1])])
            if height:
                sheet.row_dimensions[number + 2].height = height
            sheet.append(
                [
                    self.cell(sheet, f"{number}.", alignment=self.styles.top),
                    self.cell(sheet, line, alignment=self.styles.wrap),
                ]
            )
        sheet.append([])
        header = {"font": self.styles.header_font, "fill": self.styles.header_fill}
        sheet.append([self.cell(sheet, h, **header) for h in ("工作表", "内容", "必填列")])
        for spec in _sheet_order():
            required = "" if spec.form else "、".join(c.header for c in spec.columns if c.required)
            kind = "（表单）" if spec.form else ""
            sheet.append([spec.sheet, f"{spec.help}{kind}", required])

    def write_form(self, spec: TableSpec) -> None:
        columns = [c for c in spec.columns if not c.audit]  # those are on 声明数
        (values,) = self.values[spec.key]
        by_key = dict(zip((c.key for c in spec.columns), values, strict=True))
        fields = [(column, by_key[column.key]) for column in columns]
        sheet = self.new_sheet(spec.sheet)
        widths = _form_widths(columns)
        for letter, width in zip("ABC", widths, strict=True):
            sheet.column_dimensions[letter].width = width
        sheet.freeze_panes = "A2"
        self.form_rows(sheet, fields, widths, first_row=1)

    def form_rows(
        self,
        sheet: Any,
        fields: Sequence[tuple[Column, Any]],
        widths: Sequence[int],
        first_row: int,
    ) -> int:
        """The 项目 | 值 | 说明 header at ``first_row`` and a row per field; the next row."""
        header_style = {
            "font": self.styles.header_font,
            "fill": self.styles.header_fill,
            "alignment": self.styles.header_align,
        }
        sheet.append([self.cell(sheet, h, **header_style) for h in FORM_HEADERS])
        row_number = first_row
        for row_number, (column, value) in enumerate(fields, start=first_row + 1):
            formula = self.dropdowns.range_for(column)
            if formula:
                sheet.data_validations.append(_validation(formula, column, f"B{row_number}"))
            style = {"alignment": self.styles.top, **self.value_style(column)}
            label = self.cell(
                sheet,
                column.header,
                font=self.styles.required_font if column.required else None,
                alignment=self.styles.top,
            )
            text = column_note(column)
            wrapped = [(text, widths[2])]
            if column.type is ColType.LONGTEXT:
                wrapped.append((value, widths[1]))
            height = _row_height(wrapped)
            if height:
                sheet.row_dimensions[row_number].height = height
            note = self.cell(sheet, text, alignment=self.styles.wrap)
            sheet.append([label, self.cell(sheet, value, **style), note])
        return row_number + 1

    def write_optional(self, spec: TableSpec) -> None:
        """声明数: the plain-words note, the audit-only form fields, then the 声明数 table."""
        fields = []
        for form, column in audit_fields():
            (values,) = self.values[form.key]
            by_key = dict(zip((c.key for c in form.columns), values, strict=True))
            fields.append((column, by_key[column.key]))
        sheet = self.new_sheet(spec.sheet, header_rows=None)
        sheet.sheet_properties.tabColor = "BFBFBF"  # grey: not one of the sheets to fill
        form_widths = _form_widths([c for c, _ in fields])
        widths = [
            max(form_widths[i], _column_width(c)) if i < len(form_widths) else _column_width(c)
            for i, c in enumerate(spec.columns)
        ]
        for index, width in enumerate(widths):
            sheet.column_dimensions[_column_letter(index)].width = width
        for line in OPTIONAL_NOTE_LINES:
            sheet.append([self.cell(sheet, line, font=self.styles.note_font)])
        after_form = self.form_rows(sheet, fields, widths, first_row=_optional_form_row())
        sheet.append([])  # a blank row between the two parts
        assert after_form + 1 == _optional_table_row()  # row_place names these rows
        self.table_rows(sheet, spec, header_row=_optional_table_row())

    def write_table(self, spec: TableSpec) -> None:
        sheet = self.new_sheet(spec.sheet)
        for index, column in enumerate(spec.columns):
            letter = _column_letter(index)
            dimension = sheet.column_dimensions[letter]
            dimension.width = _column_width(column)
            if column.type in NUMBER_FORMATS:
                dimension.number_format = NUMBER_FORMATS[column.type]
        sheet.freeze_panes = "A2"
        self.table_rows(sheet, spec, header_row=1)

    def table_rows(self, sheet: Any, spec: TableSpec, header_row: int) -> None:
        """The header of a row table at ``header_row``, then its rows; dropdowns below."""
        columns = spec.columns
        for index, column in enumerate(columns):
            formula = self.dropdowns.range_for(column)
            letter = _column_letter(index)
            cells = f"{letter}{header_row + 1}:{letter}1048576"
            if formula:
                sheet.data_validations.append(_validation(formula, column, cells))
            elif spec.key == AUDIT_TABLE and column.key == "figure" and self.figure_labels:
                sheet.data_validations.append(self.figure_validation(column, cells))
        sheet.append([self.header_cell(sheet, c) for c in columns])
        styles = [self.value_style(c) for c in columns]
        wrapped = [
            (i, _column_width(c)) for i, c in enumerate(columns) if c.type is ColType.LONGTEXT
        ]
        for row_number, values in enumerate(self.values[spec.key], start=header_row + 1):
            height = _row_height((values[i], width) for i, width in wrapped)
            row_styles = styles
            if height:
                sheet.row_dimensions[row_number].height = height
                row_styles = [{"alignment": self.styles.top, **style} for style in styles]
            sheet.append(
                [
                    None if value is None else self.cell(sheet, value, **style)
                    for value, style in zip(values, row_styles, strict=True)
                ]
            )

    def figure_validation(self, column: Column, cells: str) -> Any:
        """The 数据编号 dropdown: the figures' Chinese labels (an id typed instead is kept)."""
        last = len(self.figure_labels) + 1
        dv = _validation(f"'{FIGURES_SHEET}'!$A$2:$A${last}", column, cells)
        dv.error = "请从下拉列表中选择数据名称（也可以填数据编号）"
        dv.prompt = "从下拉列表选择报告中这个数字的名称，如“决算支出合计”；导入时换算为数据编号。"
        return dv

    def write_figure_labels(self) -> None:
        sheet = self.book.create_sheet(FIGURES_SHEET)
        sheet.sheet_state = "hidden"
        sheet.column_dimensions["A"].width = 40
        sheet.column_dimensions["B"].width = 40
        sheet.append(list(FIGURES_HEADERS))
        for label, figure in self.figure_labels:
            sheet.append([self.cell(sheet, label), self.cell(sheet, figure)])

    def write_codes(self) -> None:
        if self.figure_labels:
            self.write_figure_labels()
        sheet = self.book.create_sheet(CODES_SHEET)
        sheet.sheet_state = "hidden"
        lists = list(self.dropdowns.lists.items())
        for index, (entries, _) in enumerate(lists):
            sheet.column_dimensions[_column_letter(index)].width = min(
                max(map(_display_width, entries)) + 2, 50
            )
        sheet.append([title for _, (title, _) in lists])
        longest = max((len(entries) for entries, _ in lists), default=0)
        for i in range(longest):
            sheet.append([entries[i] if i < len(entries) else None for entries, _ in lists])


def write_workbook_stream(
    dataset: Dataset,
    out: IO[bytes],
    *,
    macro: bool = False,
    progress: Progress | None = None,
    figure_labels: Sequence[tuple[str, str]] = (),
) -> None:
    """Write ``dataset`` as a workbook to the binary stream ``out``.

    Raises :class:`DatasetError`, before writing a byte, when a value does not fit in a
    cell (text over 32,767 characters). ``macro`` gives the .xlsm content type;
    ``progress`` counts the sheets as they are written. ``figure_labels`` — (label, id)
    pairs of the figures, from the caller — make 声明数's 数据编号 a dropdown of labels.
    """
    _Writer(dataset, macro=macro, figure_labels=figure_labels).write(out, progress)


def workbook_bytes(
    dataset: Dataset,
    *,
    macro: bool = False,
    progress: Progress | None = None,
    figure_labels: Sequence[tuple[str, str]] = (),
) -> bytes:
    """The workbook of ``dataset`` as bytes (what an upload form offers for download)."""
    buffer = io.BytesIO()
    write_workbook_stream(
        dataset, buffer, macro=macro, progress=progress, figure_labels=figure_labels
    )
    return buffer.getvalue()


def write_workbook(dataset: Dataset, path: Path) -> None:
    """A convenience for path holders: the workbook, written atomically to ``path``."""
    from jixiao.lib.files import write_file

    write_file(path, workbook_bytes(dataset, macro=path.suffix.lower() == ".xlsm"))


def template_bytes() -> bytes:
    """The blank workbook a department fills in: every sheet, no data, 金额单位 万元."""
    return workbook_bytes(Dataset())


def write_template(path: Path) -> None:
    """A convenience: :func:`template_bytes` written atomically to ``path``."""
    write_workbook(Dataset(), path)


class ExcelFormat:
    """The Excel workbook (``.xlsx``; ``.xlsm`` is read and written the same way)."""

    identifier = "xlsx"
    verbose_name = "Excel 工作簿"
    suffixes = (".xlsx", ".xlsm")
    media_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

    def read(
        self,
        data: bytes,
        name: str,
        limits: ReadLimits = DEFAULT_LIMITS,
        progress: Progress | None = None,
    ) -> Dataset:
        return read_workbook_bytes(data, name, limits, progress)

    def write(self, dataset: Dataset, out: IO[bytes]) -> None:
        write_workbook_stream(dataset, out)


__all__ = [
    "CODES_SHEET",
    "OPTIONAL_NOTE",
    "OPTIONAL_NOTE_LINES",
    "OPTIONAL_SHEET",
    "README_SHEET",
    "ExcelFormat",
    "Sheet",
    "cell_value",
    "field_place",
    "load_sheets",
    "normalize_label",
    "raw_from_sheets",
    "read_workbook",
    "read_workbook_bytes",
    "row_place",
    "template_bytes",
    "workbook_bytes",
    "write_template",
    "write_workbook",
    "write_workbook_stream",
]
