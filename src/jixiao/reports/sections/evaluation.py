"""二、绩效自评情况: 自评结论, 履职效能, 管理效率, “三公”经费, 问题及改进措施, 其他."""

from __future__ import annotations

from decimal import Decimal

from jixiao.reports.context import (
    THREE_PUBLIC_TOTAL,
    Context,
    code_name,
    codes_with,
    fid,
    paragraphs,
    score_run,
    score_text,
    section,
    series_for,
    texts,
    without_scores,
)
from jixiao.reports.model import (
    Block,
    Paragraph,
    Run,
    Scorecard,
    ScoreRow,
)
from jixiao.reports.wording import join_runs, merge_runs

# --------------------------------------------------------------------------- 二、绩效自评情况


@section("evaluation.conclusion")
def _conclusion(ctx: Context) -> list[Block]:
    card = ctx.scorecard
    # The department's own conclusion text is kept only where it does not talk about
    # scores: the scores themselves are stated from the scorecard, never from prose.
    blocks = texts(ctx, "conclusion")
    if card.total is None:
        return blocks
    # Only items scored in full are named: a partly scored or unscored item is neither
    # “满分” nor “扣分” (its parent was scored as a whole).
    level2 = [r for r in card.at_level(2) if r.status == "scored" and r.score is not None]
    full = [r.name for r in level2 if r.deduction == 0]
    deducted = [r.name for r in level2 if r.deduction and r.deduction > 0]
    unscored = [r.name for r in card.at_level(2) if r.status != "scored"]
    runs = ctx.runs(
        "conclusion_total",
        total=Run(score_text(card.total), score="total"),
        points=Run(score_text(card.points), score="points"),
    )
    clauses = []
    if full:
        clauses.append(ctx.runs("conclusion_full", names="、".join(full)))
    if deducted:
        clauses.append(ctx.runs("conclusion_deducted", names="、".join(deducted)))
    if unscored:
        clauses.append(ctx.runs("conclusion_unscored", names="、".join(unscored)))
    runs += [*join_runs(clauses, "；"), Run("。")]
    blocks.append(Paragraph(tuple(merge_runs(runs))))
    if card.grade:
        blocks.append(ctx.para("conclusion_grade", grade=Run(card.grade, bold=True, score="grade")))
    return blocks


def _top_row(card: Scorecard, keyword: str, index: int) -> ScoreRow | None:
    top = card.at_level(1)
    for row in top:
        if keyword in row.name:
            return row
    return top[index] if len(top) > index else None


#: The phrase of an item the framework did not score in full, by status.
_UNSCORED_PHRASES = {"partial": "item_partial", "missing": "item_missing"}


def _item_score(ctx: Context, row: ScoreRow) -> list[Run]:
    unscored = _UNSCORED_PHRASES.get(row.status)
    if unscored:
        return ctx.runs(unscored, points=score_run(row, "points"))
    return ctx.runs("item_score", points=score_run(row, "points"), score=score_run(row, "score"))


def _reason(ctx: Context, row: ScoreRow | None) -> list[Block]:
    text = without_scores(ctx, row.reason) if row else ""
    return [Paragraph((Run(text),))] if text else []


def _children(card: Scorecard, row: ScoreRow) -> list[ScoreRow]:
    return [r for r in card.rows if r.code.rpartition(".")[0] == row.code]


@section("evaluation.performance")
def _performance(ctx: Context) -> list[Block]:
    row = _top_row(ctx.scorecard, "履职效能", 0)
    blocks = texts(ctx, "performance_analysis") or _reason(ctx, row)
    if row is not None:
        blocks.append(Paragraph(tuple(_item_score(ctx, row))))
        blocks += [
            _score_item_paragraph(ctx, n, child)
            for n, child in enumerate(_children(ctx.scorecard, row), 1)
        ]
    return blocks


@section("evaluation.management")
def _management(ctx: Context) -> list[Block]:
    row = _top_row(ctx.scorecard, "管理效率", 1)
    blocks = texts(ctx, "management_analysis") or _reason(ctx, row)
    if row is not None:
        blocks.append(Paragraph(tuple(_item_score(ctx, row))))
        blocks += [
            _score_item_paragraph(ctx, n, child)
            for n, child in enumerate(_children(ctx.scorecard, row), 1)
        ]
    blocks += texts(ctx, "cost_control")
    return blocks


def _score_item_paragraph(ctx: Context, n: int, row: ScoreRow) -> Paragraph:
    name = row.name.removesuffix("情况")
    runs = [Run(f"{n}. {name}情况。", bold=True), *_item_score(ctx, row)]
    if row.status in _UNSCORED_PHRASES:
        # What is missing is listed item by item in 附表1; the partial sum is no score.
        return Paragraph(tuple(merge_runs(runs)))
    reason = without_scores(ctx, row.reason)
    if reason:
        runs.append(Run(reason if reason.endswith("。") else reason + "。"))
    if row.deduction and row.deduction > 0:
        runs += ctx.runs("item_deduction", deduction=score_run(row, "deduction"))
    return Paragraph(tuple(merge_runs(runs)))


@section("evaluation.three_public")
def _three_public(ctx: Context) -> list[Block]:
    total = THREE_PUBLIC_TOTAL
    final = fid("three_public.final", item=total)
    if not ctx.figs.has(final):
        return []
    items = [
        i
        for i in codes_with(ctx, "three_public.final", "three_public", total)
        if ctx.figs.has(fid("three_public.final", item=i))
    ]
    listing = join_runs(
        [
            ctx.runs(
                "three_public_item",
                name=code_name(i, "three_public"),
                amount=ctx.figs.run(fid("three_public.final", item=i)),
            )
            for i in items
        ],
        "，",
    )
    blocks: list[Block] = [
        ctx.para(
            "three_public_total",
            year=ctx.year,
            total=ctx.figs.run(final),
            vs_budget=_vs_budget(ctx, total),
            items=listing,
        )
    ]
    p = ctx.dataset.profile
    if p.trips_groups is not None and p.trips_persons is not None:
        blocks.append(
            ctx.para(
                "three_public_trips",
                year=ctx.year,
                groups=ctx.figs.count(fid("trips.groups"), p.trips_groups),
                persons=ctx.figs.count(fid("trips.persons"), p.trips_persons),
            )
        )
    blocks += _three_public_growth(ctx, total)
    blocks += texts(ctx, "three_public_note")
    return blocks


def _vs_budget(ctx: Context, item: str) -> list[Run]:
    budget, saving = fid("three_public.budget", item=item), fid("three_public.saving", item=item)
    if not ctx.figs.has(budget, saving):
        return []
    value = ctx.figs.value(saving) or Decimal(0)
    key, slot = (
        ("three_public_vs_budget_saved", "saved")
        if value >= 0
        else ("three_public_vs_budget_over", "over")
    )
    return ctx.runs(key, budget=ctx.figs.run(budget), **{slot: ctx.figs.run(saving, absolute=True)})


def _direction(ctx: Context, change_id: str) -> tuple[str, str]:
    phrases = ctx.wording.data["phrases"]
    if (ctx.figs.value(change_id) or Decimal(0)) < 0:
        return phrases["decrease"], phrases["decrease_rate"]
    return phrases["increase"], phrases["increase_rate"]


def _three_public_growth(ctx: Context, total: str) -> list[Block]:
    change, rate = fid("three_public.change", item=total), fid("three_public.growth", item=total)
    if not ctx.figs.has(change, rate):
        return []
    leaves = [
        i
        for i in _three_public_leaves(ctx)
        if ctx.figs.has(fid("three_public.final", item=i))
        or ctx.figs.has(fid("three_public.prior", item=i))
    ]
    chart = ctx.chart(
        "three_public",
        "three_public_chart",
        "grouped",
        [code_name(i, "three_public") for i in [total, *leaves]],
        [
            series_for(ctx, f"{ctx.prior_year}年", "three_public.prior", [total, *leaves]),
            series_for(ctx, f"{ctx.year}年", "three_public.final", [total, *leaves]),
        ],
    )
    direction, word = _direction(ctx, change)
    blocks: list[Block] = [
        ctx.para(
            "three_public_growth",
            year=ctx.year,
            prior=ctx.prior_year,
            total=ctx.figs.run(fid("three_public.final", item=total)),
            direction=direction,
            change=ctx.figs.run(change, absolute=True),
            rate_word=word,
            rate=ctx.figs.run(rate, absolute=True),
            chart=chart.number,
        ),
        chart,
    ]
    growth_runs: list[Run] = []
    for item in leaves:
        c, r = fid("three_public.change", item=item), fid("three_public.growth", item=item)
        if ctx.figs.has(c, r) and ctx.figs.value(c) != 0:
            d, w = _direction(ctx, c)
            growth_runs += ctx.runs(
                "three_public_item_growth",
                name=code_name(item, "three_public"),
                direction=d,
                change=ctx.figs.run(c, absolute=True),
                rate_word=w,
                rate=ctx.figs.run(r, absolute=True),
            )
    if growth_runs:
        blocks.append(Paragraph(tuple(merge_runs(growth_runs))))
    return blocks


def _three_public_leaves(ctx: Context) -> list[str]:
    """The lines drawn and compared: 出国, 车辆 (split when given), 接待."""
    from jixiao.dataset.codes import load_codes

    codes = load_codes("three_public")
    result = []
    for child in codes.children_of(THREE_PUBLIC_TOTAL):
        grandchildren = [
            g
            for g in codes.children_of(child)
            if fid("three_public.final", item=g) in ctx.figs.figures
        ]
        result += grandchildren or [child]
    return result


@section("evaluation.problems")
def _problems(ctx: Context) -> list[Block]:
    blocks = _carryover(ctx)
    for n, problem in enumerate(ctx.dataset.problems, start=1):
        blocks.append(Paragraph((Run(f"{n}. {problem.title}", bold=True),), "subhead"))
        blocks += [
            Paragraph((Run(p),)) for t in (problem.problem, problem.measure) for p in paragraphs(t)
        ]
    return blocks


def _carryover(ctx: Context) -> list[Block]:
    ids = [
        fid(k)
        for k in (
            "carryover.closing",
            "carryover.opening",
            "carryover.change",
            "carryover.change_rate",
        )
    ]
    if not ctx.figs.has(*ids):
        return []
    closing, opening, change, rate = ids
    if any(
        ctx.figs.figures[closing].text in f"{p.problem}{p.measure}" for p in ctx.dataset.problems
    ):
        return []  # the department's own problem text states it (and its reasons) already
    direction, word = _direction(ctx, change)
    text = ctx.para(
        "carryover",
        year=ctx.year,
        closing=ctx.figs.run(closing),
        opening=ctx.figs.run(opening),
        direction=direction,
        change=ctx.figs.run(change, absolute=True),
        rate_word=word,
        rate=ctx.figs.run(rate, absolute=True),
    )
    return [text, *texts(ctx, "carryover_note")]


@section("other")
def _other(ctx: Context) -> list[Block]:
    # The default sentence points to 附表1, so it is written only when there are scores.
    return texts(ctx, "other") or ([ctx.para("other_default")] if ctx.scorecard.rows else [])
