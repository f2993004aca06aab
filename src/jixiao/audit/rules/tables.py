"""Numeric tables (ratio, share and 合计 cells) and scorecard tables."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from decimal import Decimal

from jixiao.audit.document import Paragraph, Table
from jixiao.audit.engine import Audit
from jixiao.audit.numbers import MONEY, Quantity, places_of
from jixiao.audit.rules.base import E, rule, score_slack
from jixiao.audit.verify import Verdict, judge_amount, judge_percent, rounding_slack
from jixiao.lib.money import (
    normalize,
    parse_decimal,
)

# --------------------------------------------------------------------------- 数字表格

_RATIO_HEADER = re.compile(r"(?P<num>[^（(为]+?)为(?P<base>[^（(的]+?)的?\s*[（(]?\s*%")
_SHARE_HEADER = re.compile(r"^占.*[（(]?\s*%|占比|比重|构成[（(]?\s*%")
_TOTAL_ROW = re.compile(r"^\s*(合计|总计|小计|共计)\s*$")


@dataclass(frozen=True)
class Cell:
    row: Paragraph
    q: Quantity


@rule("table", "数字表格")
def check_tables(audit: Audit) -> None:
    """Numeric tables (年初预算 | 决算 | 决算为年初预算的（%） | 占总收入（%）, a 合计 row):
    each ratio and share cell recomputed from its row, the 合计 row from the rows above it."""
    for table in audit.doc.tables:
        if table.rows and all(not r.quoting for r in table.rows):
            grid = _column_precision([_numeric_cells(row) for row in table.rows])
            _check_table_ratios(audit, table, grid)
            _check_table_shares(audit, table, grid)
            _check_table_total(audit, table, grid)


def _numeric_cells(row: Paragraph) -> list[Cell | None]:
    """The row's cells as numbers (None for text or blank), with their offset in the row."""
    cells: list[Cell | None] = []
    position = 0
    for text in row.cells or ():
        start = row.text.find(text, position) if text else position
        position = max(position, start + len(text))
        value = parse_decimal(text) if re.fullmatch(r"-?\d[\d,]*(?:\.\d+)?", text) else None
        if value is None or start < 0:
            cells.append(None)
            continue
        q = Quantity(start, start + len(text), MONEY, "", value, Decimal(1), places_of(text))
        cells.append(Cell(row, q))
    return cells


def _column_precision(grid: list[list[Cell | None]]) -> list[list[Cell | None]]:
    """A column prints one precision; a cell with fewer decimals lost its trailing zeros
    ("16" under "14.8" is 16.0, as a spreadsheet's General format or a web page prints it)."""
    width = max((len(row) for row in grid), default=0)
    places = [
        max((cell.q.places for row in grid if c < len(row) and (cell := row[c])), default=0)
        for c in range(width)
    ]
    return [
        [
            Cell(cell.row, replace(cell.q, places=max(cell.q.places, places[c])))
            if cell is not None
            else None
            for c, cell in enumerate(row)
        ]
        for row in grid
    ]


def _column(table_header: tuple[str, ...], name: str) -> int | None:
    name = name.strip()
    exact = [i for i, h in enumerate(table_header) if h.strip() == name]
    if exact:
        return exact[0]
    return next(
        (i for i, h in enumerate(table_header) if name and name in h and "%" not in h), None
    )


def _at(grid: list[list[Cell | None]], row: int, column: int | None) -> Cell | None:
    return grid[row][column] if column is not None and column < len(grid[row]) else None


def _check_table_ratios(audit: Audit, table: Table, grid: list[list[Cell | None]]) -> None:
    for column, header in enumerate(table.header):
        match = _RATIO_HEADER.search(header)
        if not match:
            continue
        numerator, base = (
            _column(table.header, match.group("num")),
            _column(table.header, match.group("base")),
        )
        for index in range(len(grid)):
            stated, top, bottom = (
                _at(grid, index, column),
                _at(grid, index, numerator),
                _at(grid, index, base),
            )
            if stated and top and bottom:
                _judge_cell(
                    audit,
                    table,
                    stated,
                    judge_percent(stated.q, top.q, bottom.q),
                    f"{top.q.text} ÷ {bottom.q.text} × 100%",
                )


def _check_table_shares(audit: Audit, table: Table, grid: list[list[Cell | None]]) -> None:
    total_row = _total_row(table)
    if total_row is None:
        return
    for column, header in enumerate(table.header):
        if not _SHARE_HEADER.search(header) or _RATIO_HEADER.search(header):
            continue
        candidates = [
            c
            for c, h in enumerate(table.header)
            if c != column and "%" not in h and _at(grid, total_row, c)
        ]
        best = max(
            candidates, key=lambda c: _share_matches(grid, column, c, total_row), default=None
        )
        for index in range(len(grid)):
            stated, part, whole = (
                _at(grid, index, column),
                _at(grid, index, best),
                _at(grid, total_row, best),
            )
            if stated and part and whole:
                _judge_cell(
                    audit,
                    table,
                    stated,
                    judge_percent(stated.q, part.q, whole.q),
                    f"{part.q.text} ÷ {whole.q.text} × 100%",
                )


def _share_matches(
    grid: list[list[Cell | None]], column: int, candidate: int, total_row: int
) -> int:
    whole = _at(grid, total_row, candidate)
    count = 0
    for index in range(len(grid)):
        stated, part = _at(grid, index, column), _at(grid, index, candidate)
        if (
            stated
            and part
            and whole
            and (verdict := judge_percent(stated.q, part.q, whole.q)) is not None
        ):
            count += verdict.ok
    return count


def _check_table_total(audit: Audit, table: Table, grid: list[list[Cell | None]]) -> None:
    """The 合计 row against the rows above it, or below it when it heads the table."""
    total_row = _total_row(table)
    if total_row is None or (total_row == 0 and len(grid) < 3):
        return
    rows = range(total_row) if total_row else range(1, _block_end(table))
    for column, header in enumerate(table.header):
        total = _at(grid, total_row, column)
        if total is None or "%" in header or not _amount_column(header):
            continue
        cells = [_at(grid, i, column) for i in rows]
        if any(c is None for c in cells) and total_row == 0:
            continue  # a blank under a leading 合计: not a column of parts
        # The text does not say which rows are children of which (Word shows it by indent):
        # rows read one by one under their parent first, else as whole subtrees (类 → 款 →
        # 项). The total is judged against the first reading that adds up, or the first.
        readings = [_top_level(cells, nested_first) for nested_first in (False, True)]
        verdicts = [_sum_verdict(total, parts) for parts in readings]
        chosen = next((i for i, v in enumerate(verdicts) if v.ok), 0)
        parts, verdict = readings[chosen], verdicts[chosen]
        terms = " + ".join(c.q.text for c in parts)
        _judge_cell(audit, table, total, verdict, f"{terms}（“{header}”列）")


def _sum_verdict(total: Cell, parts: list[Cell]) -> Verdict:
    exact = sum((c.q.value for c in parts), Decimal(0))
    return judge_amount(total.q, exact, rounding_slack(*(c.q for c in parts)))


def _total_row(table: Table) -> int | None:
    return next(
        (
            i
            for i, r in enumerate(table.rows)
            if r.cells and _TOTAL_ROW.match(re.sub(r"\s", "", r.cells[0]))
        ),
        None,
    )


def _block_end(table: Table) -> int:
    """Rows under a leading 合计 up to the next total row (a second table run together)."""
    for index, row in enumerate(table.rows[1:], start=1):
        if row.cells and _TOTAL_ROW.match(re.sub(r"\s", "", row.cells[0])):
            return index
    return len(table.rows)


#: Columns of change ("增减", "增长率") do not add up like amounts.
_NOT_ADDITIVE = re.compile(r"增减|增长|下降|变动|比上年|率|比例|%|序号|编码|代码")


def _amount_column(header: str) -> bool:
    return not _NOT_ADDITIVE.search(header)


def _top_level(cells: list[Cell | None], nested_first: bool = False) -> list[Cell]:
    """Rows of the column without the children that follow their parent and add up to it.

    Children may have children of their own (科学技术支出 → 科学技术管理事务 → 行政运行, as a
    功能分类 table prints three levels): a parent's breakdown is read as whole subtrees.
    """
    parts: list[Cell] = []
    index = 0
    while index < len(cells):
        cell = cells[index]
        if cell is None:
            index += 1
            continue
        parts.append(cell)
        index = _subtree_end(cells, index, nested_first=nested_first)
    return parts


def _subtree_end(
    cells: list[Cell | None], index: int, depth: int = 0, *, nested_first: bool = False
) -> int:
    """Where the rows under ``cells[index]`` end: after the rows that follow it and add up
    to it — one by one, or (when that does not add up) each with its own breakdown."""
    cell = cells[index]
    if cell is None:
        return index + 1
    # One by one first (人员经费, 日常公用经费 under 基本支出); whole subtrees only when the
    # rows do not add up that way, so that a sibling equal to the sum of the next rows
    # (政府性基金 200 = 事业收入 180 + 其他收入 20) is not taken for their parent.
    orders = (True, False) if nested_first else (False, True)
    for nested in orders if depth < _MAX_DEPTH else (False,):
        running, end = Decimal(0), index + 1
        while end < len(cells) and running < cell.q.value:
            child = cells[end]
            running += child.q.value if child else Decimal(0)
            if nested and child:
                end = _subtree_end(cells, end, depth + 1, nested_first=nested_first)
            else:
                end += 1
        if end > index + 1 and running == cell.q.value:
            return end  # the rows after it were its breakdown (人员经费 + 日常公用经费 = 基本支出)
    return index + 1


#: Levels of breakdown read under one row (功能分类: 类, 款, 项).
_MAX_DEPTH = 3


def _judge_cell(
    audit: Audit,
    table: Table,
    cell: Cell,
    verdict: Verdict | None,
    formula: str,
    rule_id: str = "table",
) -> None:
    audit.extra_claims += 1
    if verdict is None:
        return
    audit.extra_checked += 1
    if verdict.ok:
        return
    name = f"表{table.number}" if table.number else "表格"
    label = (cell.row.cells or ("",))[0]
    audit.report_at(
        rule_id,
        verdict.severity or E,
        cell.row,
        cell.q.start,
        cell.q.end,
        cell.q.text,
        format(verdict.expected, "f"),
        f"{name}“{label}”行：{formula} = {verdict.expected}",
    )


@rule("score-table", "评分表")
def check_score_tables(audit: Audit) -> None:
    """A scorecard table (编码 | 指标名称 | 分值 | 自评得分 | 扣分): 扣分 = 分值 − 得分 on each row,
    sub-items (编码 2.1, 2.2 … under 2) add up to their item, top items to the 合计 row."""
    for table in audit.doc.tables:
        columns = {key: _column(table.header, key) for key in ("分值", "自评得分", "扣分")}
        if columns["分值"] is None or columns["自评得分"] is None:
            continue
        grid = [_numeric_cells(row) for row in table.rows]
        codes = [(row.cells or ("",))[0].strip() for row in table.rows]
        for index in range(len(grid)):
            _check_score_row(audit, table, grid, index, columns)
        for key in ("分值", "自评得分"):
            _check_score_children(audit, table, grid, codes, columns[key], key)


def _check_score_row(
    audit: Audit,
    table: Table,
    grid: list[list[Cell | None]],
    index: int,
    columns: dict[str, int | None],
) -> None:
    points, score = _at(grid, index, columns["分值"]), _at(grid, index, columns["自评得分"])
    deduction = _at(grid, index, columns["扣分"])
    if points is None or score is None or deduction is None:
        return
    exact = points.q.value - score.q.value
    verdict = Verdict(None if deduction.q.value == exact else E, normalize(exact))
    formula = f"分值 {points.q.text} − 自评得分 {score.q.text}"
    _judge_cell(audit, table, deduction, verdict, formula, "score-table")


def _check_score_children(
    audit: Audit,
    table: Table,
    grid: list[list[Cell | None]],
    codes: list[str],
    column: int | None,
    what: str,
) -> None:
    if column is None:
        return
    by_code = {
        code: index for index, code in enumerate(codes) if re.fullmatch(r"\d+(\.\d+)*", code)
    }
    parents: dict[str, list[int]] = {}
    for code, index in by_code.items():
        parents.setdefault(code.rpartition(".")[0], []).append(index)
    total_row = next(
        (i for i, code in enumerate(codes) if not code and _TOTAL_ROW.match(_row_label(table, i))),
        None,
    )
    for parent, children in parents.items():
        row = by_code.get(parent) if parent else total_row
        whole = _at(grid, row, column) if row is not None else None
        parts = [_at(grid, child, column) for child in children]
        if whole is None or len(parts) < 2 or any(p is None for p in parts):
            continue
        present = [p for p in parts if p is not None]
        exact = sum((p.q.value for p in present), Decimal(0))
        verdict = judge_amount(whole.q, exact, score_slack(*(p.q for p in present)))
        _judge_cell(
            audit,
            table,
            whole,
            verdict,
            f"下级各项{what}之和 " + " + ".join(p.q.text for p in present),
            "score-table",
        )


def _row_label(table: Table, index: int) -> str:
    cells = table.rows[index].cells or ()
    return next((c for c in cells if c.strip()), "")
