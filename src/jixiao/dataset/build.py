"""Turn raw cells from any importer into a :class:`~jixiao.dataset.model.Dataset`.

Importers (Excel, text form, API) only find cells and say where each came from; the
parsing of values, the code lists, references between tables and uniqueness are
checked here, once, for every format. All problems are collected and raised together
as :class:`DatasetError`; nothing is returned from input that has errors.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from jixiao.dataset.codes import load_codes
from jixiao.dataset.model import TABLES, TABLES_BY_KEY, Dataset
from jixiao.dataset.schema import YEARS, ColType, Column, TableSpec
from jixiao.lib.money import AMOUNT_UNITS, in_range, parse_decimal, to_canonical


@dataclass(frozen=True)
class InputError:
    """One problem in the input, at a place a person can find (``收入!C7``, ``a.yaml:12``)."""

    location: str
    message: str

    def __str__(self) -> str:
        return f"{self.location}: {self.message}" if self.location else self.message

    @property
    def sentence(self) -> str:
        """The problem as a Chinese sentence for a page: its place, a full-width colon, the
        message (``__str__`` keeps the ASCII colon of the command line's lists)."""
        return f"{self.location}：{self.message}" if self.location else self.message


#: Problems kept with their place and message; past this many only the count is kept, so
#: that a workbook with a million bad cells is reported at once and in bounded memory
#: (issue 16). Nobody reads a thousand messages before fixing the first few.
KEPT_PROBLEMS = 1000


class Problems(list[InputError]):
    """A list of problems that keeps the first ``cap`` and counts the rest (``total``)."""

    def __init__(self, items: Iterable[InputError] = (), cap: int = KEPT_PROBLEMS) -> None:
        super().__init__()
        self.cap = cap
        self.dropped = 0
        self.extend(items)

    def append(self, item: InputError) -> None:
        if len(self) < self.cap:
            super().append(item)
        else:
            self.dropped += 1

    def extend(self, items: Iterable[InputError]) -> None:
        for item in items:
            self.append(item)
        self.dropped += getattr(items, "dropped", 0)

    @property
    def total(self) -> int:
        return len(self) + self.dropped


class DatasetError(Exception):
    """The input could not be loaded; ``errors`` lists the problems found (the first
    :data:`KEPT_PROBLEMS`), ``total`` how many there were in all."""

    def __init__(self, errors: Sequence[InputError]) -> None:
        self.errors = list(errors)
        self.total = len(self.errors) + getattr(errors, "dropped", 0)
        super().__init__("\n".join(str(e) for e in self.errors))


@dataclass(frozen=True)
class RawCell:
    """A value as an importer found it, and where."""

    value: object
    loc: str


@dataclass
class RawTable:
    """The rows of one table as found: ``(row location, {column key: cell})``."""

    loc: str
    rows: list[tuple[str, dict[str, RawCell]]] = field(default_factory=list)


class CellProblem:
    """A cell whose stored value must not be read as it is: a formula without a cached
    result, an error value (``#DIV/0!``). Importers put it in place of the value;
    :func:`parse_cell` reports :attr:`message` at the cell."""

    __slots__ = ("message", "shown")

    def __init__(self, message: str, shown: str) -> None:
        self.message = message
        self.shown = shown

    def __str__(self) -> str:
        return self.shown

    def __repr__(self) -> str:
        return f"CellProblem({self.message!r}, {self.shown!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, CellProblem) and (self.message, self.shown) == (
            other.message,
            other.shown,
        )

    def __hash__(self) -> int:
        return hash((self.message, self.shown))


class Percent(Decimal):
    """A number as a percent-formatted cell shows it: ``Percent(50)`` for a cell showing
    50% (stored as 0.5). A number column reads 50; a text column reads “50%”."""

    def __str__(self) -> str:
        return format(self, "f") + "%"


RawForm = dict[str, RawCell]
RawDataset = Mapping[str, "RawTable | RawForm"]

#: Spellings people type for 计算符号 and other choices, mapped to the canonical value.
CHOICE_ALIASES: dict[str, str] = {
    ">=": "≥",
    "＞＝": "≥",
    "≧": "≥",
    ">": "＞",
    "=": "＝",
    "==": "＝",
    "<": "＜",
    "<=": "≤",
    "＜＝": "≤",
    "≦": "≤",
    "参公": "参照公务员法管理事业单位",
    "参公事业单位": "参照公务员法管理事业单位",
    "行政单位": "行政机关",
    "公益一类事业单位": "公益一类",
    "公益二类事业单位": "公益二类",
}
_TRUE = {"是", "y", "yes", "true", "1", "√"}
_FALSE = {"否", "n", "no", "false", "0", "×"}
_DATE_RE = re.compile(r"^\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?\s*$")


def _shown(value: object) -> str:
    """A cell as the person typed it: a workbook's -5.0 is “-5”, long text is cut, and
    characters one cannot see (zero-width space, control characters) are spelled out."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e16:
        value = int(value)
    text = visible(str(value))
    return text if len(text) <= 40 else text[:37] + "…"


#: Characters Word, Excel and PDF cannot hold (XML 1.0 forbids them, and a lone surrogate
#: cannot be encoded at all). Tab, line feed and carriage return are allowed.
_INVALID_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
#: Names of the invalid characters people actually paste.
_CHARACTER_NAMES = {
    "\x00": "空字符",
    "\x0b": "垂直制表符，常见于从 Word 粘贴的文字",
    "\x0c": "换页符",
    "\x1b": "转义符",
    "\ufffe": "非字符",
    "\uffff": "非字符",
}


def invalid_character(text: str) -> str | None:
    """The first character of ``text`` that Word and Excel cannot hold, or ``None``."""
    found = _INVALID_TEXT.search(text)
    return found.group() if found else None


def character_name(ch: str) -> str:
    """``U+000B（垂直制表符…）`` for a character shown in a message."""
    code = f"U+{ord(ch):04X}"
    if "\ud800" <= ch <= "\udfff":
        return f"{code}（不成对的 UTF-16 代理字符，不是有效的 Unicode 文字）"
    name = _CHARACTER_NAMES.get(ch, "控制字符")
    return f"{code}（{name}）"


def visible(text: str) -> str:
    """``text`` with characters one cannot see spelled out as ``⟨U+200B⟩`` (format and
    control characters, lone surrogates, unusual spaces); tabs and newlines stay."""
    if text.isprintable():
        return text
    out = []
    for ch in text:
        if ch.isprintable() or ch in " \t\n":
            out.append(ch)
        else:
            out.append(f"⟨U+{ord(ch):04X}⟩")
    return "".join(out)


def _as_text(value: object) -> str:
    if value.__class__ is str:
        return value
    if isinstance(value, Percent):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


def _is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _to_decimal(value: object) -> Decimal | None:
    if value.__class__ is float:  # the common case first: a number cell of a workbook
        return _float_decimal(value)
    if isinstance(value, bool):
        return None
    if isinstance(value, Decimal):
        if not value.is_finite():
            return None
        return value if value.__class__ is Decimal else Decimal(value)
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        return _float_decimal(value)
    if isinstance(value, str):
        return parse_decimal(value)
    return None


def _float_decimal(value: float) -> Decimal | None:
    if value != value or abs(value) == float("inf"):
        return None
    if value.is_integer():
        # A workbook stores 50 as the float 50.0, which says nothing about decimals.
        return Decimal(int(value))
    # repr() is the shortest text that reads back as the same float, so 12021.6
    # becomes Decimal("12021.6") rather than 12021.600000000000363797880709171295166015625.
    return Decimal(repr(value))


def parse_cell(cell: RawCell, column: Column, amount_unit: str) -> tuple[Any, InputError | None]:
    """Parse one cell for ``column``; returns ``(value, None)`` or ``(blank, error)``."""
    kind = column.type
    value = cell.value
    blank: Any = "" if kind in _TEXTUAL else None
    if value is None or (isinstance(value, str) and not value.strip()):
        if column.required:
            return blank, InputError(cell.loc, f"“{column.header}”必填，不能为空")
        return blank, None
    if isinstance(value, CellProblem):
        return blank, InputError(cell.loc, value.message)
    bad = invalid_character(value) if isinstance(value, str) else None
    if bad is not None:
        return blank, InputError(
            cell.loc,
            f"“{column.header}”含有无法保存到 Word/Excel 的字符 {character_name(bad)}；"
            "请删除该字符后再导入",
        )
    if kind in (ColType.TEXT, ColType.LONGTEXT):
        text = _as_text(value).strip()
        return (text if kind is ColType.LONGTEXT else " ".join(text.split())), None
    if kind is ColType.CODE:
        return _as_text(value).strip(), None  # checked against the code list later
    if kind is ColType.CHOICE:
        text = _as_text(value).strip()
        text = CHOICE_ALIASES.get(text, text)
        if text not in column.choices:
            allowed = "、".join(column.choices)
            return blank, InputError(
                cell.loc, f"“{_shown(value)}”不是有效的{column.header}（应为：{allowed}）"
            )
        return text, None
    if kind is ColType.BOOL:
        text = _as_text(value).strip().lower()
        if text in _TRUE:
            return True, None
        if text in _FALSE:
            return False, None
        return None, InputError(
            cell.loc, f"“{_shown(value)}”不是有效的{column.header}（应为：是、否）"
        )
    if kind is ColType.DATE:
        return _parse_date(cell, column)
    number = _to_decimal(value)
    if number is not None:
        if not in_range(number):
            return None, InputError(
                cell.loc,
                f"“{_shown(value)}”超出可处理的范围（{column.header}的绝对值应小于 10^21，且不小于 10^-40）",
            )
        if number.is_zero():
            number = number.copy_abs()  # a typed "-0" is 0: it must not print or export as -0
    if kind is ColType.INT:
        if number is None or number != number.to_integral_value() or number < 0:
            return None, InputError(
                cell.loc, f"“{_shown(value)}”不是有效的{column.header}（应为不小于 0 的整数）"
            )
        if column.year and not YEARS[0] <= number <= YEARS[1]:
            return None, InputError(
                cell.loc, f"“{_shown(value)}”不是有效的{column.header}（应为四位年份，如 2023）"
            )
        return int(number), None
    what = "金额" if kind is ColType.MONEY else "数值"
    if number is None:
        return None, InputError(
            cell.loc, f"“{_shown(value)}”不是有效{what}（{column.header}应为数字，如 12021.60）"
        )
    if number < 0 and not column.signed:
        return None, InputError(cell.loc, f"“{_shown(value)}”：{column.header}不能为负数")
    if kind is ColType.MONEY:
        return _cents(to_canonical(number, amount_unit)), None
    return number, None


_TEXTUAL = (ColType.TEXT, ColType.LONGTEXT, ColType.CODE, ColType.CHOICE)
_CENT = Decimal("0.01")


def _cents(amount: Decimal) -> Decimal:
    """Money with at least 2 decimals (exactly: only zeros are added), whatever the source.

    A workbook holds 2000.00 as the number 2000 and 12268.70 as 12268.7; the text form
    keeps what was typed. Either way the dataset (and every figure's inputs) reads
    ``2000.00`` and ``12268.70``.
    """
    exponent = amount.as_tuple().exponent
    return amount if isinstance(exponent, int) and exponent <= -2 else amount.quantize(_CENT)


def _parse_date(cell: RawCell, column: Column) -> tuple[date | None, InputError | None]:
    value = cell.value
    if isinstance(value, datetime):
        return value.date(), None
    if isinstance(value, date):
        return value, None
    match = _DATE_RE.match(_as_text(value))
    if match:
        try:
            return date(int(match[1]), int(match[2]), int(match[3])), None
        except ValueError:
            pass
    return None, InputError(
        cell.loc, f"“{_shown(value)}”不是有效日期（{column.header}应如 2024-05-11）"
    )


# --------------------------------------------------------------------------- build


class _Builder:
    def __init__(self, raw: RawDataset) -> None:
        self.raw = raw
        self.errors: Problems = Problems()
        self.amount_unit = "万元"

    def error(self, loc: str, message: str) -> None:
        self.errors.append(InputError(loc, message))

    def build(self) -> Dataset:
        unknown = [k for k in self.raw if k not in TABLES_BY_KEY]
        for key in unknown:
            self.error("", f"未知的数据表“{key}”")
        self.amount_unit = self._amount_unit()
        values: dict[str, Any] = {}
        for spec in TABLES:
            part = self.raw.get(spec.key)
            if spec.form:
                values[spec.key] = self._form(spec, part if isinstance(part, dict) else {})
            else:
                values[spec.key] = self._rows(spec, part if isinstance(part, RawTable) else None)
        dataset = Dataset(**values)
        self._check_references(dataset)
        if self.errors:
            raise DatasetError(self.errors)
        return dataset

    def _amount_unit(self) -> str:
        profile = self.raw.get("profile")
        if not isinstance(profile, dict) or "amount_unit" not in profile:
            return "万元"
        text = _as_text(profile["amount_unit"].value).strip()
        return text if text in AMOUNT_UNITS else "万元"  # a bad value is reported by the form

    def _form(self, spec: TableSpec, cells: RawForm) -> Any:
        kwargs: dict[str, Any] = {}
        for column in spec.columns:
            cell = cells.get(column.key)
            if cell is None:
                continue
            # Form fields are optional at load time: a blank template must load; the
            # checks report missing required facts as findings instead.
            value, err = parse_cell(
                cell, dataclasses.replace(column, required=False), self.amount_unit
            )
            if err:
                self.errors.append(err)
            elif value is not None:
                kwargs[column.key] = value
        for key, cell in cells.items():
            if key not in {c.key for c in spec.columns}:
                self.error(cell.loc, f"“{spec.sheet}”中没有“{key}”这一项")
        return spec.row_type(**kwargs)

    def _rows(self, spec: TableSpec, table: RawTable | None) -> tuple[Any, ...]:
        if table is None:
            return ()
        columns = spec.columns
        rows = []
        previous: dict[str, Any] = {}
        for row_loc, cells in table.rows:
            kwargs: dict[str, Any] = {"loc": row_loc}
            for column in columns:
                cell = cells.get(column.key)
                if cell is None:
                    if not column.required:  # blank, as parse_cell would give: no RawCell needed
                        if column.type in _TEXTUAL:
                            kwargs[column.key] = ""
                        continue
                    cell = RawCell(None, row_loc)
                if spec.key == "key_tasks" and column.key == "plan" and _is_blank(cell.value):
                    # 重点工作计划 spans several 任务 rows (merged cells in Word/Excel).
                    kwargs["plan"] = previous.get("plan", "")
                    if kwargs["plan"]:
                        continue
                value, err = parse_cell(cell, column, self.amount_unit)
                if err:
                    self.errors.append(err)
                if value is not None:
                    kwargs[column.key] = value
                if column.type is ColType.CODE and value:
                    self._check_code(cell, column, value)
            previous = kwargs
            rows.append(spec.row_type(**kwargs))
        self._check_unique(spec, rows)
        return tuple(rows)

    def _check_code(self, cell: RawCell, column: Column, value: str) -> None:
        codes = load_codes(column.ref)
        if value not in codes:
            self.error(
                cell.loc,
                f"“{_shown(value)}”不是有效的{column.header}（不在{_CODE_LIST_NAMES[column.ref]}中）",
            )

    def _check_unique(self, spec: TableSpec, rows: list[Any]) -> None:
        if not spec.unique:
            return
        seen: dict[tuple[Any, ...], Any] = {}
        for row in rows:
            key = tuple(getattr(row, k) for k in spec.unique)
            if all(v in ("", None) for v in key):
                continue
            if key in seen:
                headers = "、".join(spec.column(k).header for k in spec.unique)
                shown = "、".join(str(v) for v in key if v not in ("", None))
                self.error(row.loc, f"{headers}重复：“{shown}”已在 {seen[key].loc} 出现")
            else:
                seen[key] = row

    def _check_references(self, dataset: Dataset) -> None:
        unit_codes = {u.code for u in dataset.units}
        for spec in TABLES:
            # ``unit`` is a 预算编码 in the money tables but a 计量单位 (项, 家…) on indicators.
            if (
                spec.form
                or "unit" not in {c.key for c in spec.columns}
                or spec.column("unit").header != "单位编码"
            ):
                continue
            for row in getattr(dataset, spec.key):
                if row.unit and row.unit not in unit_codes:
                    self.error(row.loc, f"单位编码“{row.unit}”不在“预算单位”表中")
        goal_codes = {g.code for g in dataset.goals}
        for ind in dataset.indicators:
            if ind.owner not in goal_codes:
                self.error(ind.loc, f"目标编号“{ind.owner}”不在“绩效目标”表中")
        project_codes = {p.code for p in dataset.projects}
        for ind in dataset.project_indicators:
            if ind.owner not in project_codes:
                self.error(ind.loc, f"项目编码“{ind.owner}”不在“项目”表中")
        for line in dataset.execution:
            if line.project and line.project not in project_codes:
                self.error(line.loc, f"项目编码“{line.project}”不在“项目”表中")


_CODE_LIST_NAMES = {
    "function": "政府收支分类科目（支出功能分类）",
    "economic": "部门预算支出经济分类科目",
    "income": "收入项目",
    "nature": "支出性质",
    "three_public": "“三公”经费项目",
}


def build_dataset(raw: RawDataset, errors: Sequence[InputError] = ()) -> Dataset:
    """Validate and convert raw cells; raises :class:`DatasetError` listing every problem.

    ``errors`` are problems the importer already found (unknown sheets, bad layout); they
    are reported together with the cell-level ones, so the user sees everything at once.
    """
    builder = _Builder(raw)
    builder.errors.extend(errors)
    return builder.build()


# --------------------------------------------------------------------------- flatten


def table_values(dataset: Dataset, spec: TableSpec) -> list[dict[str, Any]]:
    """The rows of one table as plain values in the dataset's 金额单位 (the inverse of build).

    A form gives one dict. Money is converted back from 万元 exactly; blank fields are
    ``None`` or ``""``. Exporters only format these values.
    """
    from jixiao.lib.money import from_canonical

    unit = dataset.profile.amount_unit or "万元"
    records = [getattr(dataset, spec.key)] if spec.form else list(getattr(dataset, spec.key))
    result = []
    for record in records:
        values: dict[str, Any] = {}
        for column in spec.columns:
            value = getattr(record, column.key)
            if column.type is ColType.MONEY and value is not None:
                value = from_canonical(value, unit)
            values[column.key] = value
        result.append(values)
    return result
