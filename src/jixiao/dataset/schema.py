"""Column and table specifications shared by every dataset format.

The dataset is a set of *tables*. Each table is either a list of rows (预算单位, 收入, …)
or a key/value form (基本信息, 资产, …). A row is a frozen dataclass whose fields carry
:func:`col` metadata: the Chinese header, the value type and the help text. The Excel
template, the Excel and text importers/exporters and ``docs/dataset.md`` are all
generated from this one description, so the formats cannot drift apart.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cached_property
from typing import Any


class ColType(StrEnum):
    """How a cell is parsed and written."""

    TEXT = "text"  #: one-line text
    LONGTEXT = "longtext"  #: paragraphs
    CODE = "code"  #: a code checked against a shipped code list (``ref``)
    MONEY = "money"  #: an amount in the workbook's 金额单位, normalised to 万元
    NUMBER = "number"  #: a plain decimal number (not converted)
    INT = "int"  #: a whole number ≥ 0 (counts, years)
    DATE = "date"  #: a calendar date
    CHOICE = "choice"  #: one of ``choices``
    BOOL = "bool"  #: 是/否


#: The years a 年度 may be: any budget year, and far enough inside ``date``'s range that
#: the year after (a 整改 deadline) and the one before (上年) are dates too.
YEARS: tuple[int, int] = (1900, 2100)


@dataclass(frozen=True)
class Column:
    """One column of a table (or one field of a key/value form)."""

    key: str  #: English field name, used in the text form and the API
    header: str  #: Chinese header in the workbook
    type: ColType
    required: bool = False
    help: str = ""
    choices: tuple[str, ...] = ()
    ref: str = ""  #: code list name for CODE columns
    signed: bool = False  #: MONEY/NUMBER: negative values allowed
    unit: str = ""  #: unit shown in docs (万元, 平方米, 人, %)
    #: NUMBER: the printed decimal places are part of the value (a report's "94.10" is a
    #: statement to 2 places), so formats must keep trailing zeros, not only the number.
    keep_places: bool = False
    year: bool = False  #: INT: a four-digit year (:data:`YEARS`)
    #: A form field that only audits a report already published (what the report itself
    #: states: 自评总分（声明）…). The workbook puts it on the optional 声明数 sheet, away
    #: from the sheets a clerk fills; the dataset and the text form keep it in its form.
    audit: bool = False


def col(
    header: str,
    type: ColType,
    *,
    required: bool = False,
    help: str = "",
    choices: tuple[str, ...] = (),
    ref: str = "",
    signed: bool = False,
    unit: str = "",
    year: bool = False,
    keep_places: bool = False,
    audit: bool = False,
    default: Any = None,
) -> Any:
    """Declare a dataclass field that is also a dataset column."""
    meta = {
        "column": {
            "header": header,
            "type": type,
            "required": required,
            "help": help,
            "choices": choices,
            "ref": ref,
            "signed": signed,
            "unit": unit or ("万元" if type is ColType.MONEY else ""),
            "keep_places": keep_places,
            "year": year,
            "audit": audit,
        }
    }
    if type in (ColType.TEXT, ColType.LONGTEXT, ColType.CODE, ColType.CHOICE) and default is None:
        default = ""
    return field(default=default, metadata=meta)


def loc_field() -> Any:
    """Where a row came from (``收入!A7`` or ``gdstc.yaml:42``); not part of equality."""
    return field(default="", compare=False, repr=False, metadata={"internal": True})


def columns_of(cls: type) -> tuple[Column, ...]:
    """The :class:`Column` list of a row or form dataclass, in declaration order."""
    result = []
    for f in dataclasses.fields(cls):
        meta = f.metadata.get("column")
        if meta is None:
            continue
        result.append(Column(key=f.name, **meta))
    return tuple(result)


@dataclass(frozen=True)
class TableSpec:
    """One sheet of the workbook / one top-level key of the text form."""

    key: str  #: attribute of :class:`~jixiao.dataset.model.Dataset` and text-form key
    sheet: str  #: sheet name in the workbook
    row_type: type
    form: bool = False  #: key/value form (one record) instead of a list of rows
    help: str = ""
    unique: tuple[str, ...] = ()  #: columns whose combined value must be unique
    #: Tables that share a row type (the money tables share ``MoneyLine``) differ only in
    #: the code list and header of their ``item`` column.
    item_ref: str = ""
    item_header: str = ""

    @cached_property
    def columns(self) -> tuple[Column, ...]:
        cols = columns_of(self.row_type)
        if not (self.item_ref or self.item_header):
            return cols
        return tuple(
            dataclasses.replace(c, ref=self.item_ref or c.ref, header=self.item_header or c.header)
            if c.key == "item"
            else c
            for c in cols
        )

    def column(self, key: str) -> Column:
        for c in self.columns:
            if c.key == key:
                return c
        raise KeyError(key)
