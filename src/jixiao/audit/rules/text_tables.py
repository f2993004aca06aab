"""The text against its own tables: a figure the prose states for a table row is in that row."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from jixiao.audit.claims import Claim
from jixiao.audit.document import Table
from jixiao.audit.engine import Audit
from jixiao.audit.numbers import COUNT, MONEY, MONEY_UNITS, PERCENT, find_quantities
from jixiao.audit.rules.base import W, figure_before, rule, show
from jixiao.lib.money import parse_decimal, round_half_up

#: Suffixes a table row name carries that the prose leaves out ("新增上市科技型企业数").
_NAME_SUFFIX = re.compile(r"(项目数|个数|人数|家数|次数|数量|数|率|情况)$")
_ASIDE = re.compile(r"[（(][^（()）]*[)）]")
_MONEY_UNIT = re.compile(r"单位[：:]\s*(万元|元|亿元)")
_NUMBER = re.compile(r"^[≥≤＞＜>=<＝约]*\s*(-?\d[\d,]*(?:\.\d+)?)\s*(%|[\u4e00-\u9fff]{0,3})$")
_MIN_NAME = 3


@dataclass(frozen=True)
class RowValue:
    value: Decimal
    kind: str  #: money (a bare number in a 万元 table), percent, or count (with its unit)
    unit: str
    header: str


@dataclass(frozen=True)
class Row:
    table: Table
    name: str
    line: int
    values: tuple[RowValue, ...]


@rule("text-table", "正文与表格")
def check_text_against_tables(audit: Audit) -> None:
    """ "财政拨款收入 592,519.16 万元" in the text and the 财政拨款收入 row of 表4 must agree."""
    rows = [row for table in audit.doc.tables for row in _rows(audit, table)]
    if not rows:
        return
    for claim in audit.claims.claims:
        if claim.q.approx or not (claim.listed or claim.kind == PERCENT or claim.para.cells):
            continue
        # A percent belongs to the figure it is a ratio or share of ("X 万元，占总收入 p%").
        subject = figure_before(audit, claim) if claim.kind == PERCENT else claim
        row = _row_for(subject, rows) if subject is not None else None
        if row is None or any(r is claim.para for r in row.table.rows):
            continue  # no row, or the claim is in that very table
        comparable = [v for v in row.values if _comparable(claim, v)]
        if not comparable:
            continue
        audit.mark(claim)
        if any(_printed(claim, v) == claim.q.printed for v in comparable):
            continue
        shown = "、".join(f"{v.header} {v.value}" for v in comparable)
        name = f"表{row.table.number}" if row.table.number else "表格"
        audit.report(
            "text-table",
            W,
            claim,
            _printed(claim, comparable[0]),
            f"正文写 {show(claim)}，{name}“{row.name}”行（第 {row.line} 行）为 {shown}",
        )


_ORDINAL = re.compile(
    r"^\s*(?:其中\s*[:：]\s*)?(?:\d{1,2}\s*[.、．](?!\d)|[（(]\s*\d{1,2}\s*[)）]|[一二三四五六七八九十]+\s*、)\s*"
)


def _rows(audit: Audit, table: Table) -> list[Row]:
    money = _MONEY_UNIT.search(_context_before(audit, table))
    rows = []
    for paragraph in table.rows:
        cells = paragraph.cells or ()
        labels = [_ORDINAL.sub("", c) for c in cells]  # "3.公务接待费", "其中:(1)…" name a row
        names = [c for c in labels if c and not re.search(r"\d", c)]
        if not names or paragraph.quoting:
            continue
        values = tuple(
            v
            for header, cell in zip(table.header, cells, strict=False)
            if (v := _value(cell, header, money.group(1) if money else "")) is not None
        )
        name = _NAME_SUFFIX.sub("", _ASIDE.sub("", names[-1] if len(names) > 1 else names[0]))
        if values and len(name) >= _MIN_NAME:
            rows.append(Row(table, name, paragraph.line, values))
    return rows


def _context_before(audit: Audit, table: Table) -> str:
    """The caption and the "单位：万元" line just above a table."""
    first = table.rows[0].index if table.rows else 0
    return " ".join(p.text for p in audit.doc.paragraphs[max(0, first - 4) : first])


def _value(cell: str, header: str, money_unit: str) -> RowValue | None:
    match = _NUMBER.match(cell.strip())
    if match is None:
        return None
    value = parse_decimal(match.group(1))
    if value is None:
        return None
    unit = match.group(2)
    if unit == "%" or "%" in header:
        return RowValue(value, PERCENT, "%", header)
    if unit:
        counted = find_quantities(f"{match.group(1)}{unit}")
        return (
            RowValue(value, COUNT, unit, header) if counted and counted[0].kind == COUNT else None
        )
    return RowValue(value, MONEY, money_unit, header) if money_unit else None


def _row_for(claim: Claim, rows: list[Row]) -> Row | None:
    """The row whose name the claim's words contain (the longest such name)."""
    after = claim.para.text[claim.q.end : claim.q.end + 16]
    words = re.sub(
        r"[\s“”]", "", _ASIDE.sub("", claim.prefix + re.split(r"[，,。；;、]", after)[0])
    )
    matching = [row for row in rows if re.sub(r"[\s“”（）()]", "", row.name) in words]
    return max(matching, key=lambda row: len(row.name), default=None)


def _comparable(claim: Claim, value: RowValue) -> bool:
    if claim.kind == MONEY:
        return value.kind == MONEY
    if claim.kind == PERCENT:
        return value.kind == PERCENT and claim.q.unit == "%"
    return claim.kind == COUNT and value.kind == COUNT and value.unit == claim.q.unit


def _printed(claim: Claim, value: RowValue) -> Decimal:
    """The table's value in the claim's unit and precision."""
    amount = value.value
    if value.kind == MONEY:
        amount = amount * MONEY_UNITS.get(value.unit, Decimal(1)) / claim.q.scale
    return round_half_up(amount, claim.q.places)
