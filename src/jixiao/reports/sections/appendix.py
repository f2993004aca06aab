"""附表1 评分表 and 附录1 数据一致性检查结果 (附录2 数据来源 is written by the builder)."""

from __future__ import annotations

from jixiao.findings import Severity
from jixiao.reports.context import (
    SEVERITY_LABELS,
    Context,
    score_text,
    section,
    without_scores,
)
from jixiao.reports.model import (
    Block,
    Cell,
    Run,
    ScoreRow,
    Table,
)

# --------------------------------------------------------------------------- 附表、附录


@section("appendix.scores")
def _scores_appendix(ctx: Context) -> list[Block]:
    card = ctx.scorecard
    if not card.rows:
        return []
    rows = [
        (
            Cell(r.code),
            Cell(("　" * (r.level - 1)) + r.name),
            Cell(score_text(r.points), numeric=True),
            # An item not scored in full shows no score: its parent was scored as a whole,
            # and a partial sum would read as a deduction.
            Cell(score_text(r.score) if r.status == "scored" else "—", numeric=True),
            Cell(
                score_text(r.deduction) if r.deduction and r.status == "scored" else "",
                numeric=True,
            ),
            Cell(_unscored_note(r) + without_scores(ctx, r.reason)),
        )
        for r in card.rows
    ]
    rows.append(
        (
            Cell(""),
            Cell("合计"),
            Cell(score_text(card.points), numeric=True),
            Cell(score_text(card.total), numeric=True),
            Cell(""),
            Cell(card.grade),
        )
    )
    lead = ctx.para(
        "scores_lead",
        # A reader knows the framework by its name; the id (gd-dept-2023) is for --framework.
        framework=f"{card.title}（{card.framework}）" if card.framework else "—",
        total=Run(score_text(card.total), score="total"),
        grade=Run(card.grade or "—", score="grade"),
    )
    # 附表 are numbered on their own, apart from the 表N of the body.
    table = Table(
        "附表1",
        card.title,
        ("编码", "指标名称", "分值", "自评得分", "扣分", "评分说明"),
        tuple(rows),
    )
    return [lead, table]


_STATUS_NOTES = {"partial": "未完整评分：", "missing": "无法评分："}


def _unscored_note(row: ScoreRow) -> str:
    return _STATUS_NOTES.get(row.status, "")


@section("appendix.findings")
def _findings_appendix(ctx: Context) -> list[Block]:
    findings = ctx.findings
    if not findings:
        return [ctx.para("findings_none")]
    counts = {s: sum(1 for f in findings if f.severity is s) for s in Severity}
    lead = ctx.para(
        "findings_lead",
        count=str(len(findings)),
        errors=str(counts[Severity.ERROR]),
        warnings=str(counts[Severity.WARNING]),
        infos=str(counts[Severity.INFO]),
    )
    rows = [
        (
            Cell(str(i)),
            Cell(SEVERITY_LABELS[f.severity]),
            Cell(f.code),
            Cell(f.place),
            Cell(f.message),
        )
        for i, f in enumerate(findings, start=1)
    ]
    table = Table(
        "附录表1", "数据一致性检查结果", ("序号", "级别", "编号", "位置", "说明"), tuple(rows)
    )
    return [lead, table]
