"""附表1 评分表: the printed scorecard as one table (every format prints the same cells)."""

from __future__ import annotations

from jixiao.reports.context import Context, clean, section, without_scores
from jixiao.reports.model import Block, ScoreRow
from jixiao.reports.scorecard import score_note, scores_table


def score_reason(ctx: Context, row: ScoreRow, printed: bool = False) -> str:
    """The reason the report prints for a line: the department's text without score talk.

    ``printed`` records that the body prints it (附表1 then needs it only for a deduction).
    """
    if printed:
        ctx.printed_reasons.add(row.code)
    where = f"自评评分“{row.name}”评分说明"
    return without_scores(ctx, clean(ctx, row.reason, where))


@section("appendix.scores", "附表：评分表")
def _scores_appendix(ctx: Context) -> list[Block]:
    card = ctx.scorecard
    if not card.rows:
        return []
    parents = {r.code.rpartition(".")[0] for r in card.rows}
    notes = {}
    for row in card.rows:
        # A line's deduction always shows its reason; another line — a parent, whose
        # deduction is its lines' — shows it unless the body prints it (no text twice).
        printed = row.code in ctx.printed_reasons
        own = bool(row.deduction) and row.code not in parents
        reason = score_reason(ctx, row) if own or not printed else ""
        notes[row.code] = score_note(row, ctx.wording, reason)
    return [scores_table(card, ctx.wording, notes)]
