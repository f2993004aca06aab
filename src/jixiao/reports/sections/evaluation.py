"""二、绩效自评情况: 自评结论, 履职效能, 管理效率, “三公”经费, 问题及改进措施, 其他."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from jixiao.reports.context import (
    THREE_PUBLIC_TOTAL,
    Context,
    clean,
    code_name,
    codes_with,
    dept_lines,
    fid,
    paragraphs,
    score_run,
    score_text,
    section,
    series_for,
    texts,
)
from jixiao.reports.model import (
    Block,
    Cell,
    Paragraph,
    Run,
    Scorecard,
    ScoreRow,
)
from jixiao.reports.reasons import is_reason
from jixiao.reports.sections.appendix import score_reason
from jixiao.reports.wording import Fill, join_runs, merge_runs

# --------------------------------------------------------------------------- 二、绩效自评情况


@section("evaluation.conclusion", "自评结论")
def _conclusion(ctx: Context) -> list[Block]:
    card = ctx.scorecard
    # The department's own conclusion text is kept only where it does not talk about
    # scores: the scores themselves are stated from the scorecard, never from prose.
    blocks = texts(ctx, "conclusion")
    if card.total is None:
        return blocks
    runs = ctx.runs(
        "conclusion_total" if card.complete else "conclusion_total_partial",
        total=Run(score_text(card.total), score="total"),
        points=Run(score_text(card.points), score="points"),
    )
    # The lines under the top-level items (二级指标): full marks, deducted, not scored.
    level2 = card.at_level(2) or card.at_level(1)
    # A line scored as a whole by the department (``whole``) has no deduction of its own:
    # it is named neither 满分 nor 扣分, its unscored lines are (整体效能、专项效能暂未评分).
    scored = [r for r in level2 if r.status == "scored" and r.deduction is not None]
    full = [r.name for r in scored if r.deduction == 0]
    deducted = [r.name for r in scored if r.deduction]
    unscored = [
        r.name
        for r in level2
        if r.status == "missing" or (r.status == "partial" and r.score is None)
    ]
    partial = [r.name for r in level2 if r.status == "partial" and r.score is not None]
    clauses = []
    if full:
        clauses.append(ctx.runs("conclusion_full", names="、".join(full)))
    if deducted:
        clauses.append(ctx.runs("conclusion_deducted", names="、".join(deducted)))
    if partial:
        clauses.append(ctx.runs("conclusion_partial", names="、".join(partial)))
    if unscored:
        clauses.append(ctx.runs("conclusion_unscored", names="、".join(unscored)))
    if clauses:
        runs += [*ctx.runs("conclusion_levels"), *join_runs(clauses, "；")]
    runs.append(Run("。"))
    blocks.append(Paragraph(tuple(merge_runs(runs))))
    if card.grade:
        blocks.append(ctx.para("conclusion_grade", grade=Run(card.grade, bold=True, score="grade")))
    elif not card.complete:
        blocks.append(ctx.para("conclusion_ungraded"))
    return blocks


def _children(card: Scorecard, row: ScoreRow) -> list[ScoreRow]:
    return [r for r in card.rows if r.code.rpartition(".")[0] == row.code]


def _names(ctx: Context, names: Sequence[str]) -> str:
    """Names of unscored lines: listed when few, counted when many (12 indicators)."""
    if len(names) <= 3:
        return "、".join(names)
    return str(ctx.wording.data["phrases"]["item_count"]).format(count=len(names))


def score_line(ctx: Context, row: ScoreRow) -> list[Run]:
    """分值 N 分，自评得分 M 分，扣 D 分 — or what was not scored and how the score was made."""
    points, score = score_run(row, "points"), score_run(row, "score")
    if row.status == "whole":
        return ctx.runs("item_whole", points=points, score=score, names=_names(ctx, row.unscored))
    if row.status == "partial" and row.score is not None:
        return ctx.runs("item_partial", points=points, score=score, names=_names(ctx, row.unscored))
    if row.score is None or row.deduction is None:
        return ctx.runs("item_missing", points=points)
    if row.deduction == 0:
        return ctx.runs("item_full", points=points, score=score)
    return ctx.runs(
        "item_deducted", points=points, score=score, deduction=score_run(row, "deduction")
    )


def _sentence(text: str) -> str:
    return text if not text or text.endswith(("。", "！", "？", "；")) else text + "。"


def _leaf_deductions(ctx: Context, rows: Sequence[ScoreRow]) -> list[Block]:
    """The lines under a line that lost points: one paragraph each, all of them.

    A paragraph of its own, so each states one line's 分值, 得分 and 扣分 together (a
    reader, and the audit, pair the numbers of a paragraph). Every line is listed once
    any lost points — full marks too — so the 分值 and 得分 printed under a line add up
    to the line's own (a reader checks the sum; a list of the deducted ones alone reads
    as all the parts).
    """
    if not any(r.deduction and r.status == "scored" for r in rows):
        return []
    blocks: list[Block] = []
    for n, row in enumerate(rows, 1):
        reason = _deduction_reason(ctx, row) if row.deduction else ""
        common: dict[str, Fill] = {
            "n": str(n),
            "name": row.name,
            "points": score_run(row, "points"),
        }
        if row.score is None or row.deduction is None:
            runs = ctx.runs("leaf_missing", **common)
        elif row.deduction:
            runs = ctx.runs(
                "leaf_deduction",
                score=score_run(row, "score"),
                deduction=score_run(row, "deduction"),
                **common,
            )
        else:
            runs = ctx.runs("leaf_full", score=score_run(row, "score"), **common)
        if reason:
            runs.append(Run(_sentence(reason)))
        blocks.append(Paragraph(tuple(merge_runs(runs))))
    return blocks


def item_blocks(ctx: Context, row: ScoreRow) -> list[Block]:
    """One top-level item: its score, the department's analysis, each line under it.

    Each line under the item states its points and score (or that it was not scored),
    the department's reason, and the deductions of the lines under it with their reasons.
    """
    blocks: list[Block] = [
        Paragraph(tuple(merge_runs([Run(f"{row.name}"), *score_line(ctx, row)])))
    ]
    analysis = _analysis_texts(ctx, row)
    blocks += analysis or _reason_paragraphs(ctx, row)
    if analysis and _says(analysis, score_reason(ctx, row)):
        ctx.printed_reasons.add(row.code)  # its 评分说明 is the analysis printed here
    for n, child in enumerate(_children(ctx.scorecard, row), start=1):
        runs = [*ctx.runs("item_heading", n=str(n), name=child.name)]
        runs[0] = Run(runs[0].text, bold=True) if len(runs) == 1 else runs[0]
        reason = _deduction_reason(ctx, child) if child.deduction else score_reason(ctx, child)
        if child.deduction and not reason and score_reason(ctx, child):
            # Work done, not a reason: said before the score, so “扣N分。” is not followed
            # by it (the department's description stays in the body).
            ctx.printed_reasons.add(child.code)
            runs.append(Run(_sentence(score_reason(ctx, child))))
        runs += score_line(ctx, child)
        if reason:
            ctx.printed_reasons.add(child.code)
            runs.append(Run(_sentence(reason)))
        blocks.append(Paragraph(tuple(merge_runs(runs))))
        blocks += _leaf_deductions(ctx, _children(ctx.scorecard, child))
    return blocks


def _says(blocks: Sequence[Block], text: str) -> bool:
    """Whether the paragraphs of ``blocks`` contain ``text`` (spaces aside)."""
    printed = "".join(
        run.text for b in blocks if isinstance(b, Paragraph) for run in b.runs
    ).replace(" ", "")
    wanted = text.replace(" ", "").rstrip("。")
    return bool(wanted) and wanted in printed


def _deduction_reason(ctx: Context, row: ScoreRow) -> str:
    """The text printed after a line's “扣N分。”: the department's, if it names a shortfall.

    A text of work done (“开展了基础信息更新工作。”) read there as the cause of the lost
    points: it is not printed after the deduction (附表1 keeps it as the line's 评分说明, and
    the review file lists the line as 扣分未说明理由). A line computed from the data carries
    the rule's calculation. See :mod:`jixiao.reports.reasons`.
    """
    reason = score_reason(ctx, row)
    if row.computed or is_reason(reason, ctx.wording.data.get("deduction_cues", [])):
        ctx.printed_reasons.add(row.code)
        return reason
    return ""


def _reason_paragraphs(ctx: Context, row: ScoreRow) -> list[Block]:
    text = score_reason(ctx, row, printed=True)
    return [Paragraph((Run(_sentence(text)),))] if text else []


def _analysis_texts(ctx: Context, row: ScoreRow) -> list[Block]:
    """The department's analysis paragraphs that belong under this item (``analysis_texts``)."""
    top = [r.name for r in ctx.scorecard.at_level(1)]
    blocks: list[Block] = []
    for key, names in ctx.wording.data.get("analysis_texts", {}).items():
        home = next((n for n in names if n in top), None)
        if home == row.name and key not in ctx.printed_texts:
            blocks += texts(ctx, key)
    return blocks


def unplaced_analysis(ctx: Context) -> list[Block]:
    """Analysis paragraphs no item of the framework took (printed under 其他自评情况)."""
    blocks: list[Block] = []
    for key in ctx.wording.data.get("analysis_texts", {}):
        if key not in ctx.printed_texts:
            blocks += texts(ctx, key)
    return blocks


@section("evaluation.three_public", "“三公”经费")
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
    from jixiao.reports.sections.money import money_table

    table = money_table(
        ctx,
        "three_public",
        "",
        "three_public",
        "项目",
        "three_public_table",
        notes=dept_lines(ctx.dataset.three_public),
    )
    blocks += [ctx.para("three_public_table_lead", table=table.number), table]
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


@section("evaluation.problems", "存在问题和改进措施")
def _problems(ctx: Context) -> list[Block]:
    blocks = _carryover(ctx)
    for n, problem in enumerate(ctx.dataset.problems, start=1):
        title = clean(ctx, problem.title, f"问题及措施“{problem.title}”标题")
        blocks.append(Paragraph((Run(f"{n}.{title}", bold=True),), "subhead"))
        for label, t in (("存在问题", problem.problem), ("改进措施", problem.measure)):
            for p in paragraphs(t):
                if text := clean(ctx, p, f"问题及措施“{problem.title}”{label}"):
                    blocks.append(Paragraph((Run(text),)))
    blocks += _rectifications(ctx)
    return blocks


def _carryover(ctx: Context) -> list[Block]:
    """结转结余 and its change (unless the department's problem text states it), its funds,
    the adjustments and the department's explanation."""
    ids = [
        fid(k)
        for k in (
            "carryover.closing",
            "carryover.opening",
            "carryover.change",
            "carryover.change_rate",
        )
    ]
    blocks: list[Block] = []
    if ctx.figs.has(*ids):
        closing, opening, change, rate = ids
        stated = any(
            ctx.figs.figures[closing].text in f"{p.problem}{p.measure}"
            for p in ctx.dataset.problems
        )
        if not stated:  # the department's own problem text states it (and its reasons) already
            direction, word = _direction(ctx, change)
            blocks.append(
                ctx.para(
                    "carryover",
                    year=ctx.year,
                    closing=ctx.figs.run(closing),
                    opening=ctx.figs.run(opening),
                    direction=direction,
                    change=ctx.figs.run(change, absolute=True),
                    rate_word=word,
                    rate=ctx.figs.run(rate, absolute=True),
                )
            )
    funds = []
    for row in ctx.dataset.carryover:
        if row.unit or row.fund == "合计":
            continue
        o = fid("carryover.fund.opening", fund=row.fund)
        c = fid("carryover.fund.closing", fund=row.fund)
        if ctx.figs.has(o, c):
            funds.append(
                ctx.runs(
                    "carryover_fund",
                    fund=row.fund,
                    closing=ctx.figs.run(c),
                    opening=ctx.figs.run(o),
                )
            )
    if funds:
        blocks.append(ctx.para("carryover_funds", items=join_runs(funds, "；")))
    adjustments = fid("carryover.adjustments")
    if ctx.figs.value(adjustments):
        direction = "调增" if (ctx.figs.value(adjustments) or 0) > 0 else "调减"
        blocks.append(
            ctx.para(
                "carryover_adjustments",
                direction=direction,
                amount=ctx.figs.run(adjustments, absolute=True),
            )
        )
    notes = [
        note
        for row in ctx.dataset.carryover
        if not row.unit and (note := clean(ctx, row.note, f"结转结余“{row.fund}”说明"))
    ]
    if notes:
        blocks.append(Paragraph((Run("".join(_sentence(n) for n in notes)),)))
    return blocks + texts(ctx, "carryover_note")


def _rectifications(ctx: Context) -> list[Block]:
    """上年度整改情况: the 整改 items carried into this year's dataset, with their state."""
    items = ctx.dataset.rectifications
    if not items:
        return []
    rows = [
        (
            Cell(str(r.source_year or "")),
            Cell(r.kind),
            Cell(clean(ctx, r.subject, "整改事项")),
            Cell(clean(ctx, r.detail, f"整改事项“{r.subject}”问题说明")),
            Cell(r.owner),
            Cell(
                f"{r.deadline.year}年{r.deadline.month}月{r.deadline.day}日" if r.deadline else ""
            ),
            Cell(r.status),
        )
        for r in items
    ]
    header = ("来源年度", "类型", "事项", "问题说明", "责任主体", "整改期限", "整改状态")
    table = ctx.table("rectification_table", header, rows)
    return [ctx.para("rectification_lead", table=table.number), table]


@section("other", "其他需要说明的情况")
def _other(ctx: Context) -> list[Block]:
    blocks = unplaced_analysis(ctx) + texts(ctx, "other")
    # The default sentence points to 附表1, so it is written only when there are scores.
    if not blocks and ctx.scorecard.rows:
        blocks = [ctx.para("other_default")]
    return blocks
