"""The same figure, or the same clause, stated twice with different numbers."""

from __future__ import annotations

import re

from jixiao.audit.claims import Claim
from jixiao.audit.engine import Audit
from jixiao.audit.groups import group_of
from jixiao.audit.numbers import COUNT, MONEY, SCORE
from jixiao.audit.rules.base import E, W, groups, rule, show
from jixiao.lib.money import (
    round_half_up,
)

# --------------------------------------------------------------------------- 前后不一致

_RESTATE_LABEL = re.compile(r"^[\u4e00-\u9fff（）()“”]{3,24}$")


@rule("restated", "同一数据前后不一致")
def check_restatements(audit: Audit) -> None:
    """The same figure (same label, phase and unit) stated with two different values."""
    seen: dict[tuple[str, str, str, str], Claim] = {}
    for claim in audit.claims.claims:
        if (
            not claim.primary
            or claim.q.approx
            or claim.kind == SCORE
            or not _RESTATE_LABEL.match(claim.label)
        ):
            continue
        key = (
            claim.label,
            claim.phase,
            claim.kind,
            claim.q.unit.lstrip("万亿") if claim.kind == COUNT else claim.kind,
        )
        first = seen.get(key)
        if first is None:
            seen[key] = claim
            continue
        if first.para is claim.para or _same_value(first, claim):
            continue
        if not _same_parent(audit, first, claim):
            continue  # 商品和服务支出 of 基本支出 and of 项目支出 are two facts
        audit.mark(first, claim)
        # An exact amount (万元 to the fen) stated twice differently is a contradiction; a
        # count ("研发人员 135 万人") may be from another date, so it only needs a look.
        exact = claim.kind == MONEY and min(claim.q.places, first.q.places) >= 2
        audit.report(
            "restated",
            E if exact else W,
            claim,
            first.q.value / claim.q.scale,
            f"同一数据前后不一致：第 {first.line} 行写“{first.label}”为 {show(first)}，此处为 {show(claim)}",
        )


_GENERIC_CLAUSE = re.compile(r"分值|自评得分|扣|满分|^[该此其这本]")


@rule("restated-clause", "同一句子数字不同")
def check_restated_clauses(audit: Audit) -> None:
    """The very same clause ("车辆 N 辆", "下级指标得分合计 N 分") written twice with another number."""
    seen: dict[str, Claim] = {}
    for claim in audit.claims.claims:
        key = _clause_key(claim)
        if key is None:
            continue
        first = seen.setdefault(key, claim)
        if first is claim or first.para is claim.para or _same_value(first, claim):
            continue
        audit.mark(first, claim)
        audit.report(
            "restated-clause",
            W,
            claim,
            first.q.value / claim.q.scale,
            f"同一句话前后数字不同：第 {first.line} 行为 {show(first)}，此处为 {show(claim)}",
        )


def _clause_key(claim: Claim) -> str | None:
    """The clause with this number blanked out, when it is specific enough to identify a fact."""
    if claim.q.approx or claim.kind not in (COUNT, SCORE):
        return None
    clause = claim.para.clause_at(claim.q.start)
    text = (
        claim.para.text[clause.start : claim.q.start]
        + "#"
        + claim.q.unit
        + claim.para.text[claim.q.end : clause.end]
    )
    text = re.sub(r"[\s，,。；;、：:]", "", text)
    if len(re.findall(r"[\u4e00-\u9fff]", text)) < 3 or _GENERIC_CLAUSE.search(text.strip("#")):
        return None
    return f"{claim.kind}:{text}"


def parent_of(audit: Audit, claim: Claim) -> Claim | None:
    """What a figure is a part of: the total of its breakdown, or the figure its sentence is
    about when it is not that figure itself ("…支出 19,816.81 元，项目支出 0 元")."""
    group = group_of(groups(audit), claim)
    if group is not None:
        return group.total
    if claim.kind != MONEY:
        return None  # facts listed in prose ("…5000 人，研发人员达 130 万人") stand alone
    sentence = claim.para.sentence_at(claim.q.start)
    lead = next(
        (
            c
            for c in audit.claims.in_paragraph(claim.para)
            if c.q.start >= sentence.start and c.primary and c.same_measure(claim)
        ),
        None,
    )
    return lead if lead is not None and lead is not claim else None


def _same_parent(audit: Audit, a: Claim, b: Claim) -> bool:
    """Two statements of a name are one fact unless they belong to different wholes: two
    breakdowns with different totals, or a detail of another figure against a fact of its own.
    A part of a breakdown and the same name standing alone ("其中：其他收入 X" … "④ 其他收入
    X") are one fact."""
    pa, pb = parent_of(audit, a), parent_of(audit, b)
    if pa is None and pb is None:
        return True
    if pa is None or pb is None:
        found = groups(audit)
        return group_of(found, a) is not None or group_of(found, b) is not None
    return pa.label == pb.label and _same_value(pa, pb)


def _same_value(a: Claim, b: Claim) -> bool:
    places = min(a.q.places, b.q.places)
    scale = max(a.q.scale, b.q.scale)
    return round_half_up(a.q.value / scale, places) == round_half_up(b.q.value / scale, places)
