"""The 附表 评分表 as an Excel workbook, and reading it back (an edge module: files).

One sheet per scorecard: 一级指标 / 二级指标 / 三级指标 (one column per level, as deep
as the tree), 分值, 得分, 评分说明, then the total and the grade. Numbers are written as
numbers with the framework's decimals; reading back returns the same Decimals, which the
round-trip test checks.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from jixiao.lib.files import write_atomically
from jixiao.lib.money import parse_decimal
from jixiao.scoring.model import ItemScore, Scorecard

LEVEL_NAMES = ("一级指标", "二级指标", "三级指标", "四级指标", "五级指标", "六级指标")
TAIL_HEADERS = ("分值", "得分", "评分说明")
TOTAL_LABEL = "合计"
GRADE_LABEL = "评价等级"


@dataclass(frozen=True)
class SheetRow:
    """One indicator row as it stands in the workbook."""

    level: int
    code: str
    name: str
    points: Decimal | None
    score: Decimal | None
    explanation: str
    rating: str = ""  #: PEFA letter, written in the 得分 column instead of a number


def _depth(items: Sequence[ItemScore], level: int = 1) -> int:
    return max((max(level, _depth(i.children, level + 1)) for i in items), default=level - 1)


def _rows(items: Sequence[ItemScore], level: int = 1) -> Iterator[tuple[int, ItemScore]]:
    for item in items:
        yield level, item
        yield from _rows(item.children, level + 1)


def _sheet_title(card: Scorecard, used: set[str]) -> str:
    base = "评分表" if len(card.subject) == 0 else f"评分表-{card.subject}"
    title = "".join(ch for ch in base if ch not in "[]:*?/\\")[:28]
    candidate, n = title, 2
    while candidate in used:
        candidate, n = f"{title[:25]}-{n}", n + 1
    used.add(candidate)
    return candidate


def write_scorecards_xlsx(cards: Sequence[Scorecard], path: Path) -> None:
    """Write the 评分表 of each scorecard to ``path`` (written whole or not at all)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    book = Workbook()
    book.remove(book.active)
    used: set[str] = set()
    for card in cards:
        sheet = book.create_sheet(_sheet_title(card, used))
        depth = max(_depth(card.items), 3)
        sheet.append([f"{card.framework_name}（{card.framework} {card.version}）：{card.subject}"])
        sheet.append([*LEVEL_NAMES[:depth], "编码", *TAIL_HEADERS])
        for cell in sheet[2]:
            cell.font = Font(bold=True)
        for level, item in _rows(card.items):
            names = [""] * depth
            names[level - 1] = item.name
            sheet.append(
                [
                    *names,
                    item.code,
                    _number(item.points),
                    item.rating or _number(item.score),
                    item.explanation,
                ]
            )
        sheet.append(
            [TOTAL_LABEL, *[""] * (depth - 1), "", _number(card.points), _number(card.total), ""]
        )
        sheet.append([GRADE_LABEL, *[""] * (depth - 1), "", None, card.grade_label, ""])
        for column, width in zip("ABCDEFGHI", [14] * depth + [8, 8, 8, 80], strict=False):
            sheet.column_dimensions[column].width = width
        for row in sheet.iter_rows(min_row=3):
            row[-1].alignment = Alignment(wrap_text=True, vertical="top")
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomically(path, book.save)


def _number(value: Decimal | None) -> float | str | None:
    # Excel stores numbers as binary doubles; the text of a score (≤ 6 decimals) survives
    # the trip exactly through repr(), which read_scorecards_xlsx parses back to Decimal.
    return None if value is None else float(value)


def read_scorecards_xlsx(path: Path) -> dict[str, list[SheetRow]]:
    """The indicator rows of every sheet written by :func:`write_scorecards_xlsx`."""
    from openpyxl import load_workbook

    book = load_workbook(path, read_only=True)
    result: dict[str, list[SheetRow]] = {}
    for sheet in book.worksheets:
        rows = list(sheet.iter_rows(values_only=True))
        header = list(rows[1])
        depth = header.index("编码")
        parsed = []
        for row in rows[2:]:
            if row[0] in (TOTAL_LABEL, GRADE_LABEL):
                continue
            level = next(i for i in range(depth) if row[i])
            parsed.append(
                SheetRow(
                    level + 1,
                    str(row[depth]),
                    str(row[level]),
                    _decimal(row[depth + 1]),
                    _decimal(row[depth + 2]) if not _is_rating(row[depth + 2]) else None,
                    str(row[depth + 3] or ""),
                    rating=str(row[depth + 2]) if _is_rating(row[depth + 2]) else "",
                )
            )
        result[sheet.title] = parsed
    book.close()
    return result


def _is_rating(value: object) -> bool:
    return isinstance(value, str) and value.rstrip("+") in ("A", "B", "C", "D")


def _decimal(value: object) -> Decimal | None:
    if value is None or value == "":
        return None
    return parse_decimal(repr(value) if isinstance(value, float) else str(value))
