"""The scorecard every format prints, and 附表1 评分表 made from it.

:func:`printed_scorecard` takes the evaluation's scorecard (:mod:`jixiao.reports.scores`)
and fixes what a reviewer checks line by line:

- every number at the printed precision (the framework's decimals, 2.08 not 2.0833);
- a deduction is points − score, never negative and never “-0” (a score above its points
  is not printed as a deduction: the review file lists it);
- 评分标准: how the framework scores the line, in words, from the rule and its parameters
  (``standards`` of the wording file, one phrase per rule type);
- the 合计 line has 分值, 得分 and 扣分.

:func:`scores_table` lays that scorecard out as one :class:`~jixiao.reports.model.Table`;
Word, PDF, HTML and Excel all print that table, so they cannot disagree.
"""

from __future__ import annotations

import dataclasses
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from jixiao.lib.money import round_half_up
from jixiao.reports.context import score_text
from jixiao.reports.model import Cell, Scorecard, ScoreRow, Table
from jixiao.reports.wording import Wording

if TYPE_CHECKING:
    from jixiao.scoring import Framework
    from jixiao.scoring.model import Node

ZERO = Decimal(0)


def _at(value: Decimal | None, places: int) -> Decimal | None:
    return None if value is None else round_half_up(value, places)


def printed_scorecard(
    card: Scorecard, wording: Wording, framework: Framework | None = None, basis: str = ""
) -> Scorecard:
    """``card`` as printed: rounded to the printed precision, with 评分标准 and clean deductions."""
    places = framework.places if framework is not None else card.places
    rows = []
    for row in card.rows:
        points, score = _at(row.points, places), _at(row.score, places)
        deduction = None
        if row.deduction is not None and points is not None and score is not None:
            deduction = points - score
            if deduction < 0:  # above its points: not a deduction (the review lists it)
                deduction = None
        node = framework.node(row.code) if framework is not None else None
        rows.append(
            dataclasses.replace(
                row,
                points=points,
                score=score,
                deduction=deduction,
                standard=row.standard or (standard_text(node, wording) if node else ""),
            )
        )
    return dataclasses.replace(
        card,
        rows=tuple(rows),
        points=_at(card.points, places),
        total=_at(card.total, places),
        places=places,
        basis=basis or card.basis,
        framework_name=card.framework_name or (framework.name if framework else ""),
    )


def standard_text(node: Node, wording: Wording) -> str:
    """评分标准 of a framework line in words: its rule's phrase filled from the parameters."""
    phrases: dict[str, str] = wording.data.get("standards", {})
    if node.expand is not None:
        return phrases.get("expand", "")
    if node.rule is None:
        return ""
    direction = node.rule.params.get("direction", "")
    template = phrases.get(f"{node.rule.type}_{direction}") or phrases.get(node.rule.type)
    if template is None:
        from jixiao.scoring.rules import RULES

        rule = RULES.get(node.rule.type)
        return rule.verbose_name if rule is not None else ""
    params: dict[str, Any] = {k: _param(v) for k, v in node.rule.params.items()}
    params.setdefault("label", node.name)
    params.setdefault("unit", "")
    params.setdefault("step", "1")
    if "bands" in node.rule.params:
        params["bands"] = "；".join(
            f"{b.describe()}得{score_text(b.score) if b.score is not None else score_text(b.percent) + '%'}"
            for b in node.rule.params["bands"]
        )
    try:
        return template.format(**params)
    except (KeyError, IndexError, ValueError):
        from jixiao.scoring.rules import RULES

        rule = RULES.get(node.rule.type)
        return rule.verbose_name if rule is not None else ""


def _param(value: Any) -> Any:
    return score_text(value) if isinstance(value, Decimal) else value


# --------------------------------------------------------------------------- 附表1


#: 序号 is the line's number in the framework (1, 1.1, 1.1.2): how a reader finds a line
#: and how the levels show (the audit checks each level's sum by it).
SCORE_HEADER = ("序号", "指标", "分值", "评分标准", "自评得分", "扣分", "评分说明")


def score_note(row: ScoreRow, wording: Wording, reason: str) -> str:
    """评分说明 of one line: what is unscored, then the reason (the department's or the rule's)."""
    phrases = wording.data["phrases"]
    parts = []
    if row.status == "whole" and row.unscored:
        parts.append(phrases["note_whole"].format(names="、".join(row.unscored)))
    elif row.status == "partial" and row.unscored:
        parts.append(phrases["note_partial"].format(count=len(row.unscored)))
    elif row.status == "missing":
        parts.append(phrases["note_missing"])
    if reason:
        parts.append(reason)
    return "".join(p if p.endswith(("。", "；")) else p + "。" for p in parts if p)


def score_cells(row: ScoreRow, note: str, with_standard: bool = True) -> tuple[Cell, ...]:
    """One line of 附表1: the name indented by level, numbers as printed everywhere."""
    scored = row.status in ("scored", "whole", "partial") and row.score is not None
    cells = [
        Cell(row.code),
        Cell(row.name, indent=row.level - 1, bold=row.level == 1),
        Cell(score_text(row.points), numeric=True),
    ]
    if with_standard:
        cells.append(Cell(row.standard))
    cells += [
        Cell(score_text(row.score) if scored else "—", numeric=True),
        Cell(score_text(row.deduction) if row.deduction is not None else "—", numeric=True),
        Cell(note),
    ]
    return tuple(cells)


def total_cells(card: Scorecard, wording: Wording, with_standard: bool = True) -> tuple[Cell, ...]:
    cells = [
        Cell(""),
        Cell("合计", bold=True),
        Cell(score_text(card.points), numeric=True, bold=True),
    ]
    if with_standard:
        cells.append(Cell(""))
    deduction = card.deduction
    cells += [
        Cell(score_text(card.total), numeric=True, bold=True),
        Cell(score_text(deduction) if deduction is not None else "—", numeric=True, bold=True),
        Cell(_total_note(card, wording), bold=True),
    ]
    return tuple(cells)


def _total_note(card: Scorecard, wording: Wording) -> str:
    if card.grade:
        return f"等级：{card.grade}"
    if card.total is not None and not card.complete:
        return str(wording.data["phrases"]["note_total_partial"])
    return ""


def scores_table(card: Scorecard, wording: Wording, notes: dict[str, str]) -> Table:
    """附表1 评分表: every line of ``card`` and the 合计 line, as every format prints it.

    ``notes`` is the 评分说明 of each line by code (the builder cleans the department's text).
    """
    with_standard = any(r.standard for r in card.rows)
    header = SCORE_HEADER if with_standard else tuple(h for h in SCORE_HEADER if h != "评分标准")
    rows = [score_cells(r, notes.get(r.code, ""), with_standard) for r in card.rows]
    rows.append(total_cells(card, wording, with_standard))
    return Table("附表1", card.title, header, tuple(rows), sheet="附表1 评分表")
