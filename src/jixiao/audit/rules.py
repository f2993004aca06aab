"""The audit rules: one small function per relation a report's sentences state.

Each rule finds its relation in the claims ("合计 … 其中 …", "占 … %", "为年初预算的 …%",
"比上年增加 …，增幅 …%", "分值 … 自评得分 … 扣 …"…), recomputes the stated number
from the others and reports through :meth:`Audit.report`. Rules are registered in
:data:`RULES` by the :func:`rule` decorator, in the order they run.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from jixiao.audit.claims import BUDGET, PRIOR, Claim, similarity
from jixiao.audit.document import Heading, Paragraph, Table
from jixiao.audit.engine import Audit, Rule
from jixiao.audit.findings import AuditSeverity
from jixiao.audit.groups import SumGroup, find_groups, group_of
from jixiao.audit.numbers import COUNT, MONEY, PERCENT, SCORE, Quantity, chinese_numeral, places_of
from jixiao.audit.verify import Verdict, judge_amount, judge_growth, judge_percent, rounding_slack
from jixiao.dataset.model import ADMIN_UNIT_KINDS, INSTITUTION_UNIT_KINDS
from jixiao.lib.money import (
    HUNDRED,
    format_amount,
    normalize,
    parse_decimal,
    round_half_up,
    truncate,
)

E = AuditSeverity.ERROR
W = AuditSeverity.WARNING

RULES: list[Rule] = []


def rule(
    identifier: str, verbose_name: str
) -> Callable[[Callable[[Audit], None]], Callable[[Audit], None]]:
    """Register a rule under ``identifier`` with its Chinese name."""

    def register(check: Callable[[Audit], None]) -> Callable[[Audit], None]:
        RULES.append(Rule(identifier, verbose_name, check))
        return check

    return register


# --------------------------------------------------------------------------- helpers


def show(claim: Claim) -> str:
    """A claim's number as the text printed it, with its unit: "617,056.54 万元"."""
    q = claim.q
    if q.kind == MONEY:
        return f"{format_amount(q.printed, q.places)} {q.unit}"
    if q.kind == PERCENT:
        return f"{q.text}{q.unit}"
    return f"{q.text} {q.unit}"


def named(claim: Claim) -> str:
    """ "“财政拨款收入” 592,519.16 万元（第 12 行）"."""
    label = claim.label or claim.prefix or "（无名称）"
    return f"“{label}” {show(claim)}（第 {claim.line} 行）"


def slack(*claims: Claim) -> Decimal:
    """How far the rounding of these printed figures can move a sum of them."""
    return rounding_slack(*(c.q for c in claims))


def score_slack(*parts: Quantity) -> Decimal:
    """Whole and half points are exact; parts printed to the hundredth may have been rounded."""
    return rounding_slack(*(p for p in parts if p.places >= 2))


def plain(value: Decimal, places: int = 4) -> str:
    return format(normalize(round_half_up(value, places)), "f")


def groups(audit: Audit) -> list[SumGroup]:
    cached = audit.cache.get("groups")
    if cached is None:
        cached = find_groups(audit.claims)
        audit.cache["groups"] = cached
    return cached  # type: ignore[return-value]


def percent_claims(audit: Audit) -> Iterable[Claim]:
    return (
        c for c in audit.claims.claims if c.kind == PERCENT and c.q.unit == "%" and not c.q.approx
    )


def figure_before(
    audit: Audit, claim: Claim, kinds: tuple[str, ...] = (MONEY, COUNT)
) -> Claim | None:
    """The figure a percent refers to: the nearest listed figure before it in its sentence."""
    sentence = claim.para.sentence_at(claim.q.start)
    for other in audit.claims.before(claim):
        if other.q.start < sentence.start:
            return None
        if other.kind in kinds and other.listed:
            return other
    return None


def first_verdict(results: list[tuple[Claim, Verdict]]) -> tuple[Claim, Verdict] | None:
    """Any base that makes the statement right wins; otherwise the first (most likely) base."""
    if not results:
        return None
    for base, verdict in results:
        if verdict.ok:
            return base, verdict
    return results[0]


# --------------------------------------------------------------------------- 合计与分项


@rule("sum", "合计与分项")
def check_sums(audit: Audit) -> None:
    """A total and its components: "合计 X 万元，其中：A a 万元、B b 万元"."""
    for group in groups(audit):
        total, parts = group.total, group.parts
        exact = sum((p.q.value for p in parts), Decimal(0))
        audit.mark(total, *parts)
        terms = " + ".join(f"{p.label or '分项'} {show(p)}" for p in parts)
        if group.exhaustive:
            verdict = judge_amount(total.q, exact, slack(*parts))
            if not verdict.ok:
                audit.report(
                    "sum",
                    verdict.severity or E,
                    total,
                    verdict.expected,
                    f"各分项相加为 {plain(exact / total.q.scale)}（{terms}），与所写合计 {show(total)} 不符",
                )
        elif len(parts) >= 2 and _nearly(exact, total.q.value) and exact != total.q.value:
            verdict = judge_amount(total.q, exact, slack(*parts))
            if verdict.severity in (E, None):
                audit.report(
                    "sum",
                    W,
                    total,
                    verdict.expected,
                    f"“其中”各项相加为 {plain(exact / total.q.scale)}（{terms}），与总数 {show(total)} 相差不到 "
                    f"{NEARLY_ALL:%}，像是完整分解却不相等",
                )
        elif exact - slack(*parts) > total.q.value + total.q.ulp / 2:
            audit.report(
                "sum",
                E,
                total,
                round_half_up(exact / total.q.scale, total.q.places),
                f"所列“其中”各项之和 {plain(exact / total.q.scale)}（{terms}）已超过总数 {show(total)}",
            )


#: Parts of an undeclared breakdown that come this close to the total are taken as all of it.
NEARLY_ALL = Decimal("0.005")


def _nearly(exact: Decimal, total: Decimal) -> bool:
    return total > 0 and abs(exact - total) <= total * NEARLY_ALL


# --------------------------------------------------------------------------- 占比

_SHARE_PREFIX = re.compile(
    r"(?:占比|比重|所占比例|占(?P<base>[^，,。；;%\d]{0,16}?)的?(?:比重|比例)?)\s*(?:为|达|约)?\s*$"
)
_TOTAL_WORDS = re.compile(
    r"^(总|合计|全部|总额|总计|收入总额|支出总额|总收入|总支出|.*总数|.*总额|.*总量|.*合计)$"
)


@rule("share", "占比")
def check_shares(audit: Audit) -> None:
    """ "A a 万元，占总收入 p%", "占比 p%": the share recomputed against the candidate bases."""
    for claim in percent_claims(audit):
        match = _SHARE_PREFIX.search(claim.prefix)
        if not match or "预算" in (match.group("base") or ""):
            continue
        numerator = figure_before(audit, claim)
        if numerator is None:
            continue
        bases = _share_bases(audit, numerator, (match.group("base") or "").strip())
        results = [
            (b, v) for b in bases if (v := judge_percent(claim.q, numerator.q, b.q)) is not None
        ]
        best = first_verdict(results)
        if best is None:
            continue
        audit.mark(claim, numerator, best[0])
        base, verdict = best
        if verdict.ok:
            continue
        others = (
            "；另试基数：" + "、".join(named(b) for b, _ in results[1:]) + "，亦不符"
            if len(results) > 1
            else ""
        )
        audit.report(
            "share",
            verdict.severity or E,
            claim,
            verdict.expected,
            f"以{named(base)}为基数：{show(numerator)} ÷ {show(base)} × 100% = "
            f"{plain(numerator.q.value / base.q.value * HUNDRED)}%{others}",
        )


def _share_bases(audit: Audit, numerator: Claim, base_label: str) -> list[Claim]:
    group = group_of(groups(audit), numerator)
    enclosing = [group.total] if group else []
    if base_label and not _TOTAL_WORDS.match(base_label):
        return _labelled(audit, numerator, base_label)
    if base_label:
        return enclosing
    nearby = [
        c
        for c in audit.claims.before(numerator)
        if c.primary
        and c.same_measure(numerator)
        and c.q.value > numerator.q.value
        and c not in enclosing
    ]
    return enclosing + nearby[:2]


def _labelled(audit: Audit, numerator: Claim, base_label: str) -> list[Claim]:
    """Figures whose label names the base ("占项目支出 …" → the 项目支出 figure), nearest first."""
    found = []
    for other in reversed(audit.claims.claims[: numerator.id]):
        if (
            other.primary
            and other.same_measure(numerator)
            and base_label in other.label
            and other.phase != BUDGET
        ):
            found.append(other)
    same_paragraph = [c for c in found if c.para is numerator.para]
    return (same_paragraph + [c for c in found if c.para is not numerator.para])[:3]


# --------------------------------------------------------------------------- 为年初预算的 p%

_BUDGET_RATIO = re.compile(
    r"(?:为|是|达|达到|完成|占)?(?:年初|全年|调整后)?预算(?:数)?的?\s*(?:为|达)?\s*$|预算(?:执行|完成)率(?:为|达)?\s*$"
)


@rule("budget-ratio", "与预算之比")
def check_budget_ratios(audit: Audit) -> None:
    """ "决算支出合计 X 万元，为年初预算的 p%": X over the budget figure of the same item."""
    for claim in percent_claims(audit):
        if not _BUDGET_RATIO.search(claim.prefix):
            continue
        numerator = figure_before(audit, claim, (MONEY,))
        if numerator is None:
            continue
        bases = budget_candidates(audit, numerator)
        results = [
            (b, v) for b in bases if (v := judge_percent(claim.q, numerator.q, b.q)) is not None
        ]
        best = first_verdict(results)
        if best is None:
            continue
        base, verdict = best
        audit.mark(claim, numerator, base)
        if not verdict.ok:
            audit.report(
                "budget-ratio",
                verdict.severity or E,
                claim,
                verdict.expected,
                f"以年初预算{named(base)}为基数：{show(numerator)} ÷ {show(base)} × 100% = "
                f"{plain(numerator.q.value / base.q.value * HUNDRED)}%",
            )


def budget_candidates(audit: Audit, figure: Claim) -> list[Claim]:
    """Budget figures of the same item as ``figure``, best label match first."""
    scored = []
    for other in audit.claims.claims:
        stated_budget = other.listed or "预算" in other.prefix  # "（年初预算 4,100,000.00 元）"
        if other is figure or other.kind != MONEY or other.phase != BUDGET or not stated_budget:
            continue
        shared, share = similarity(figure.core, other.core)
        if not other.core and other.para is figure.para and _same_sentence(other, figure):
            shared, share = (
                99,
                1.0,
            )  # "X 万元，为年初预算（Y 万元）的 p%": the budget named right there
        if shared >= 2:
            scored.append(((-shared, -share, abs(other.id - figure.id)), other))
    return [c for _, c in sorted(scored, key=lambda item: item[0])][:4]


def _same_sentence(a: Claim, b: Claim) -> bool:
    return a.para.sentence_at(a.q.start) == b.para.sentence_at(b.q.start)


# --------------------------------------------------------------------------- 比上年增减

_CHANGE = re.compile(
    r"(?:比|较|同比)(?:上年度?|去年|上一年度?|\d{4}\s*年度?|上年同期)?(?:同口径|同期)?的?\s*"
)
_DIRECTION = re.compile(r"\s*(?:了)?\s*(增加|增长|上升|提高|减少|下降|降低|节约)\s*(?:了)?\s*")
_RATE = re.compile(
    r"\s*[，,]?\s*(?:增幅|减幅|降幅|增长率|下降率|增长|下降|减少|增加|上升|降低)(?:了|为|达)?\s*$"
)
_UP = {"增加", "增长", "上升", "提高"}
_QUOTED = re.compile(r"[“\"]([^”\"]{2,20})[”\"]")


@dataclass
class Change:
    marker_start: int
    current: Claim | None = None
    prior: Claim | None = None
    delta: Claim | None = None
    rate: Claim | None = None
    up: bool = True
    subject: str = ""
    others: list[Claim] = field(default_factory=list)


@rule("change", "比上年增减")
def check_changes(audit: Audit) -> None:
    """ "比上年（的 P）增加 D 万元，增幅 p%": D = X − P and p = D ÷ P, with P implied when not written."""
    for para in audit.doc.body():
        for match in _CHANGE.finditer(para.text):
            if "预算" in para.text[match.end() : match.end() + 4] or "预算" in match.group(0):
                continue
            change = _read_change(audit, para, match.start(), match.end())
            if change is not None:
                _verify_change(audit, change)


def _read_change(audit: Audit, para: Paragraph, start: int, end: int) -> Change | None:
    after = [c for c in audit.claims.in_paragraph(para) if c.q.start >= end]
    change = Change(start)
    position = end
    if after and after[0].q.start == end and after[0].kind in (MONEY, COUNT):
        change.prior, position = after[0], after[0].q.end
        after = after[1:]
    direction = _DIRECTION.match(para.text, position)
    if direction is None:
        return None
    change.up = direction.group(1) in _UP
    position = direction.end()
    if after and after[0].q.start == position and not after[0].q.approx:
        if after[0].kind == PERCENT:
            change.rate, after = after[0], after[1:]
        else:
            change.delta, after = after[0], after[1:]
            if after and _is_rate(para, after[0], start):
                change.rate = after[0]
    if change.delta is None and change.rate is None:
        return None
    measure = change.delta or change.prior
    change.current = _current_of(audit, para, start, measure)
    return change


def _is_rate(para: Paragraph, claim: Claim, start: int) -> bool:
    """ "…增加 D 万元，增幅 p%": a percent right after the change, in the same sentence."""
    return (
        claim.kind == PERCENT
        and not claim.q.approx
        and bool(_RATE.search(para.text[max(0, claim.q.start - 8) : claim.q.start]))
        and para.sentence_at(claim.q.start) == para.sentence_at(start)
    )


def _current_of(audit: Audit, para: Paragraph, start: int, measure: Claim | None) -> Claim | None:
    """This year's figure: the last one before 比 in the sentence, or the quoted subject's."""
    sentence = para.sentence_at(start)
    before = [
        c
        for c in audit.claims.in_paragraph(para)
        if sentence.start <= c.q.start < start
        and c.primary
        and (measure is None or c.same_measure(measure))
    ]
    if before:
        return before[-1]
    subject = _QUOTED.findall(para.text[sentence.start : start])
    if not subject or measure is None:
        return None
    return _by_label(audit, subject[-1], measure)


def _by_label(audit: Audit, label: str, like: Claim) -> Claim | None:
    """The figure this year whose label best matches a quoted subject (“公务接待费”)."""
    best, best_score = None, (0, 0.0)
    wanted = re.sub(r"[“”\"（）()]", "", label)
    for other in audit.claims.claims:
        if not other.listed or not other.same_measure(like) or other.phase in (BUDGET, PRIOR):
            continue
        shared, share = similarity(wanted, re.sub(r"[（）()]", "", other.label))
        if shared >= len(wanted) - 0 and (shared, share) > best_score:
            best, best_score = other, (shared, share)
    return best


def _verify_change(audit: Audit, change: Change) -> None:
    current, prior, delta, rate = change.current, change.prior, change.delta, change.rate
    sign = Decimal(1) if change.up else Decimal(-1)
    if current is not None and prior is not None and delta is not None:
        audit.mark(current, prior, delta)
        exact = (current.q.value - prior.q.value) * sign
        verdict = judge_amount(delta.q, exact, slack(current, prior))
        if not verdict.ok:
            word = "增加" if change.up else "减少"
            audit.report(
                "change",
                verdict.severity or E,
                delta,
                verdict.expected,
                f"本年 {named(current)} 与上年 {show(prior)} 相比{word} {plain(exact / delta.q.scale)} {delta.q.unit}",
            )
    if rate is None:
        return
    base, base_ulp, change_value, change_ulp = _rate_inputs(current, prior, delta, sign)
    if base is None or change_value is None:
        return
    if base <= 0 and delta is not None:
        audit.mark(rate, current, delta)
        audit.report(
            "change",
            E,
            delta,
            None,
            f"本年 {named(current) if current else ''} 增加 {show(delta)}，推得上年数为 {plain(base)}，不可能为负或零",
        )
        return
    growth = judge_growth(rate.q, change_value, change_ulp, base, base_ulp)
    audit.mark(rate, current, prior, delta)
    if growth is None or growth.ok:
        return
    known = prior or delta or current
    prior_text = f"{plain(base, 6)} {'万元' if known and known.kind == MONEY else ''}".strip()
    implied = (
        ""
        if prior is not None
        else f"（上年数由本年 {show(current) if current else ''} 与增减额 {show(delta) if delta else ''} 推得）"
    )
    audit.report(
        "change",
        growth.severity or E,
        rate,
        growth.expected,
        f"增减额 {plain(abs(change_value), 6)} ÷ 上年 {prior_text} × 100% = {plain(abs(change_value) / base * HUNDRED)}%{implied}",
    )


def _rate_inputs(
    current: Claim | None, prior: Claim | None, delta: Claim | None, sign: Decimal
) -> tuple[Decimal | None, Decimal, Decimal | None, Decimal]:
    """(prior value, its rounding, change, its rounding) from whatever the sentence gives."""
    if prior is not None and current is not None:
        return (
            prior.q.value,
            prior.q.ulp,
            current.q.value - prior.q.value,
            (current.q.ulp + prior.q.ulp) / 2,
        )
    if prior is not None and delta is not None:
        return prior.q.value, prior.q.ulp, sign * delta.q.value, delta.q.ulp / 2
    if current is not None and delta is not None:
        base = current.q.value - sign * delta.q.value
        return base, current.q.ulp + delta.q.ulp, sign * delta.q.value, delta.q.ulp / 2
    return None, Decimal(0), None, Decimal(0)


# --------------------------------------------------------------------------- 比预算节约

_SAVING = re.compile(r"比(?:年初|全年|调整后)?预算(?:数)?的?\s*")
_SAVING_WORD = re.compile(r"\s*(节约|节省|结余|少支出|减少|超支|超出|增加)\s*")


@rule("saving", "比预算节约（超支）")
def check_savings(audit: Audit) -> None:
    """ "X 万元，比年初预算（的 B 万元）节约 D 万元": D = B − X."""
    for para in audit.doc.body():
        for match in _SAVING.finditer(para.text):
            _verify_saving(audit, para, match.start(), match.end())


def _verify_saving(audit: Audit, para: Paragraph, start: int, end: int) -> None:
    after = [c for c in audit.claims.in_paragraph(para) if c.q.start >= end and c.kind == MONEY]
    budget = after.pop(0) if after and after[0].q.start == end else None
    position = budget.q.end if budget else end
    word = _SAVING_WORD.match(para.text, position)
    if word is None or not after or after[0].q.start != word.end() or after[0].q.approx:
        return
    saving = after[0]
    current = _current_of(audit, para, start, saving)
    if current is None:
        return
    over = word.group(1) in {"超支", "超出", "增加"}
    candidates = [budget] if budget else budget_candidates(audit, current)
    results = []
    for base in candidates:
        exact = (current.q.value - base.q.value) if over else (base.q.value - current.q.value)
        results.append((base, judge_amount(saving.q, exact, slack(current, base)), exact))
    if not results:
        return
    chosen = next((r for r in results if r[1].ok), results[0])
    base, verdict, exact = chosen
    audit.mark(current, base, saving)
    if not verdict.ok:
        audit.report(
            "saving",
            verdict.severity or E,
            saving,
            verdict.expected,
            f"年初预算 {named(base)} 与实际 {show(current)} 相差 {plain(exact / saving.q.scale)} {saving.q.unit}",
        )


# --------------------------------------------------------------------------- 分值、得分与扣分


@dataclass(eq=False)
class ScoreItem:
    name: str
    heading: Heading | None
    para: Paragraph
    points: Claim | None = None
    score: Claim | None = None
    deductions: list[Claim] = field(default_factory=list)
    children: list[ScoreItem] = field(default_factory=list)


@dataclass
class Scorecard:
    items: list[ScoreItem]
    total: Claim | None  #: "自评得分为 89.56 分" outside any item
    restated_totals: list[Claim] = field(default_factory=list)  #: later "自评总分 … 分" statements
    full_marks: list[Claim] = field(default_factory=list)  #: "（满分 100 分）" beside a total

    def roots(self) -> list[ScoreItem]:
        inner = {id(child) for item in self.items for child in item.children}
        return [i for i in self.items if id(i) not in inner]

    def find(self, name: str) -> ScoreItem | None:
        wanted = _clean_name(name)
        return next((i for i in self.items if _clean_name(i.name) == wanted), None)


#: How a report states its total score: "整体指标自评得分为", "自评总分", "综合得分".
_TOTAL_SCORE = re.compile(r"(总分|总得分|综合得分|整体[^，,。；]*得分)\s*(?:为|是|达)?\s*$")
#: The full score of a scorecard.
TOTAL_POINTS = Decimal(100)
_TITLE_SUFFIX = re.compile(r"(的?情况分析|情况|分析)$")
_NAME_NOISE = re.compile(r"其中|指标|情况|方面|分析|等|的|自评|均|都|二级|一级|三级|\s|“|”")


def _clean_name(name: str) -> str:
    return _NAME_NOISE.sub("", name)


def scorecard(audit: Audit) -> Scorecard:
    cached = audit.cache.get("scorecard")
    if cached is None:
        cached = _read_scorecard(audit)
        audit.cache["scorecard"] = cached
    return cached  # type: ignore[return-value]


def _read_scorecard(audit: Audit) -> Scorecard:
    items: list[ScoreItem] = []
    total: Claim | None = None
    restated: list[Claim] = []
    full: list[Claim] = []
    for para in audit.doc.body():
        scores = [c for c in audit.claims.in_paragraph(para) if c.kind == SCORE and not c.q.approx]
        if not scores:
            continue
        item = _score_item(para, scores)
        if item is not None:
            items.append(item)
            continue
        totals = [c for c in scores if _TOTAL_SCORE.search(c.prefix)]
        full.extend(c for c in scores if re.search(r"满分\s*(?:为)?\s*$", c.prefix))
        if totals and total is None:
            total, totals = totals[0], totals[1:]
        restated.extend(totals)
    _link(items)
    return Scorecard(items, total, restated, full)


def _score_item(para: Paragraph, scores: list[Claim]) -> ScoreItem | None:
    # "分值 N 分" makes an item; "（满分 100 分）" beside a total is the scorecard's, not an item's.
    points = next((c for c in scores if "分值" in c.prefix), None)
    if points is None:
        return None
    heading = para.heading or (para.trail[-1] if para.trail else None)
    name = _TITLE_SUFFIX.sub("", heading.title) if heading else ""
    item = ScoreItem(name, heading, para, points)
    item.score = next((c for c in scores if "得分" in c.prefix and c is not points), None)
    item.deductions = [c for c in scores if re.search(r"扣(?:除|减)?\s*$", c.prefix)]
    return item


def _link(items: list[ScoreItem]) -> None:
    """An item's parent is the latest earlier item whose heading encloses it."""
    for position, item in enumerate(items):
        for parent in reversed(items[:position]):
            if (
                parent.heading is not None
                and parent.heading in item.para.trail
                and parent.heading is not item.heading
            ):
                parent.children.append(item)
                break


@rule("score", "分值、得分与扣分")
def check_scores(audit: Audit) -> None:
    """ "该指标分值 15 分，自评得分 13.5 分……扣 1 分": the deduction is 分值 − 得分."""
    for item in scorecard(audit).items:
        points, score = item.points, item.score
        if points is None or score is None:
            continue
        audit.mark(points, score)
        if score.q.value > points.q.value:
            audit.report(
                "score",
                E,
                score,
                points.q.value,
                f"“{item.name}”自评得分 {show(score)} 超过分值 {show(points)}",
            )
        if item.deductions:
            stated = sum((d.q.value for d in item.deductions), Decimal(0))
            expected = points.q.value - score.q.value
            audit.mark(*item.deductions)
            if stated != expected:
                audit.report(
                    "score",
                    E,
                    item.deductions[-1],
                    normalize(expected),
                    f"“{item.name}”分值 {show(points)}、自评得分 {show(score)}，应扣 {plain(expected)} 分，文中写扣 {plain(stated)} 分",
                    stated=normalize(stated),
                )


@rule("score-total", "得分汇总")
def check_score_totals(audit: Audit) -> None:
    """Sub-items add up to their item, and the top items to the total score."""
    card = scorecard(audit)
    for item in card.items:
        if len(item.children) >= 2:
            _check_children(
                audit, item.name, item.score, [c.score for c in item.children], "自评得分"
            )
            _check_children(
                audit, item.name, item.points, [c.points for c in item.children], "分值"
            )
    _check_restated_totals(audit, card)
    roots = card.roots()
    if card.total is not None and len(roots) >= 2:
        _check_children(audit, "总分", card.total, [r.score for r in roots], "自评得分")
        _check_full_hundred(audit, roots)


def _check_restated_totals(audit: Audit, card: Scorecard) -> None:
    """Every later statement of the total score says the same; "满分 N 分" is the scorecard's 100."""
    total = card.total
    if total is not None:
        for again in card.restated_totals:
            audit.mark(total, again)
            if again.q.value != total.q.value:
                message = (
                    f"总分前后不一致：第 {total.line} 行写 {show(total)}，此处为 {show(again)}"
                )
                audit.report("score-total", E, again, total.q.value, message)
    for full in card.full_marks:
        audit.mark(full)
        if full.q.value != TOTAL_POINTS:
            audit.report("score-total", E, full, TOTAL_POINTS, f"评分表满分应为 {TOTAL_POINTS} 分")


def _check_full_hundred(audit: Audit, roots: list[ScoreItem]) -> None:
    """The top items of a scorecard share 100 points (财预〔2020〕10号: 总分 100 分)."""
    points = [r.points for r in roots if r.points is not None]
    if len(points) != len(roots):
        return
    total = sum((p.q.value for p in points), Decimal(0))
    if total != TOTAL_POINTS:
        terms = " + ".join(f"“{r.name}” {plain(r.points.q.value)}" for r in roots if r.points)
        audit.report(
            "score-total",
            W,
            points[-1],
            None,
            f"一级指标分值合计 {terms} = {plain(total)} 分，评分表总分应为 {TOTAL_POINTS} 分",
        )


def _check_children(
    audit: Audit, name: str, parent: Claim | None, children: list[Claim | None], what: str
) -> None:
    present = [c for c in children if c is not None]
    if parent is None or len(present) != len(children):
        return
    exact = sum((c.q.value for c in present), Decimal(0))
    audit.mark(parent, *present)
    # Scores are exact (an evaluator's points), unless printed rounded (25 / 12 = 2.08);
    # a one-unit gap is only a rounding matter when scores are printed to the hundredth.
    verdict = judge_amount(parent.q, exact, score_slack(*(c.q for c in present)))
    if verdict.severity is AuditSeverity.INFO and parent.q.places < 2:
        verdict = Verdict(E, verdict.expected)
    if not verdict.ok:
        terms = " + ".join(plain(c.q.value) for c in present)
        audit.report(
            "score-total",
            verdict.severity or E,
            parent,
            verdict.expected,
            f"“{name}”的{what}应为下级各项之和 {terms} = {plain(exact)} 分",
        )


# --------------------------------------------------------------------------- 自评结论

#: The list a conclusion names sits right before these words, after the last clause break.
_FULL_MARKS = re.compile(r"(?:的)?(?:自评)?(?:均|都|全部)?(?:为|得|获得|取得)?满分")
_DEDUCTED = re.compile(r"等?(?:方面|指标)?(?:均)?(?:有|存在|出现)(?:所)?扣分")
_LIST_START = {_FULL_MARKS: "。；;：:", _DEDUCTED: "。；;：:，,"}
_LIST_SPLIT = re.compile(r"[、，,及和与]")


@rule("conclusion", "自评结论与各项得分")
def check_conclusions(audit: Audit) -> None:
    """ "A、B、C 的自评得满分；D 和 E 等方面有扣分" against each item's own score."""
    card = scorecard(audit)
    if not card.items:
        return
    for para in audit.doc.body():
        full = _named_items(card, para, _FULL_MARKS)
        deducted = _named_items(card, para, _DEDUCTED)
        for item, start, end in full:
            _full_marks_claim(audit, item, para, start, end)
        _contradictions(audit, para, full, deducted)
        if deducted:
            _omissions(audit, para, full, deducted, card)


def _named_items(
    card: Scorecard, para: Paragraph, pattern: re.Pattern[str]
) -> list[tuple[ScoreItem, int, int]]:
    found: list[tuple[ScoreItem, int, int]] = []
    word = "满分" if pattern is _FULL_MARKS else "扣分"
    if word not in para.text:
        return found
    for match in pattern.finditer(para.text):
        breaks = _LIST_START[pattern]
        offset = max((para.text.rfind(b, 0, match.start()) for b in breaks), default=-1) + 1
        for name in _LIST_SPLIT.split(para.text[offset : match.start()]):
            item = card.find(name)
            position = para.text.find(name, offset)
            if item is not None and name.strip():
                found.append((item, position, position + len(name)))
    return found


def _full_marks_claim(audit: Audit, item: ScoreItem, para: Paragraph, start: int, end: int) -> None:
    audit.extra_claims += 1
    if item.points is None or item.score is None:
        return
    audit.extra_checked += 1
    if item.score.q.value < item.points.q.value:
        audit.report_at(
            "conclusion",
            E,
            para,
            start,
            end,
            item.points.q.text,
            item.score.q.text,
            f"自评结论称“{item.name}”得满分（{show(item.points)}），但该项自评得分为 {show(item.score)}（第 {item.score.line} 行）",
        )


def _contradictions(
    audit: Audit,
    para: Paragraph,
    full: list[tuple[ScoreItem, int, int]],
    deducted: list[tuple[ScoreItem, int, int]],
) -> None:
    full_items = {id(i) for i, _, _ in full}
    for item, start, end in deducted:
        audit.extra_claims += 1
        audit.extra_checked += 1
        if id(item) in full_items:
            audit.report_at(
                "conclusion",
                E,
                para,
                start,
                end,
                None,
                None,
                f"自评结论既称“{item.name}”得满分，又称其有扣分，前后矛盾",
            )
        elif (
            item.points is not None
            and item.score is not None
            and item.score.q.value >= item.points.q.value
        ):
            audit.report_at(
                "conclusion",
                E,
                para,
                start,
                end,
                item.score.q.text,
                item.points.q.text,
                f"自评结论称“{item.name}”有扣分，但该项自评得分 {show(item.score)} 已为满分",
            )


def _omissions(
    audit: Audit,
    para: Paragraph,
    full: list[tuple[ScoreItem, int, int]],
    deducted: list[tuple[ScoreItem, int, int]],
    card: Scorecard,
) -> None:
    named_ids = {id(i) for i, _, _ in full + deducted}
    levels = {i.heading.level for i, _, _ in full + deducted if i.heading}
    missed = [
        i
        for i in card.items
        if id(i) not in named_ids
        and i.heading is not None
        and i.heading.level in levels
        and i.points is not None
        and i.score is not None
        and i.score.q.value < i.points.q.value
    ]
    if missed:
        _, start, end = deducted[0]
        names = "、".join(
            f"“{i.name}”（{i.score.q.text}/{i.points.q.text} 分）"
            for i in missed
            if i.score and i.points
        )
        audit.report_at(
            "conclusion",
            W,
            para,
            start,
            end,
            None,
            None,
            f"自评结论所列扣分项未包括同样有扣分的 {names}",
        )


# --------------------------------------------------------------------------- 等级

_GRADE = re.compile(
    r"(?:自评|评价|评定|考核|绩效)(?:结果|等级)?(?:为|是|评定为|评为|属于|达到)\s*[“\"]?\s*(优秀|良好|中等|合格|较差|差|优|良|中)\s*[”\"]?\s*(等级|等次|档次|级)?"
)
#: National grade bands (财预〔2020〕10号): lower bound of the score → grade.
GRADE_BANDS: tuple[tuple[Decimal, str, frozenset[str]], ...] = (
    (Decimal(90), "优", frozenset({"优秀", "优"})),
    (Decimal(80), "良", frozenset({"良好", "良"})),
    (Decimal(60), "中", frozenset({"中等", "中", "合格"})),
    (Decimal(0), "差", frozenset({"较差", "差"})),
)


@rule("grade", "等级与总分")
def check_grades(audit: Audit) -> None:
    """ "自评为优秀等级" against the total score, by the national bands (a province may differ)."""
    total = scorecard(audit).total
    if total is None:
        return
    for para in audit.doc.body():
        for match in _GRADE.finditer(para.text):
            audit.extra_claims += 1
            audit.extra_checked += 1
            band = next(b for b in GRADE_BANDS if total.q.value >= b[0])
            if match.group(1) not in band[2]:
                audit.report_at(
                    "grade",
                    W,
                    para,
                    match.start(1),
                    match.end(1),
                    None,
                    None,
                    f"总分 {show(total)}（第 {total.line} 行）按财预〔2020〕10号的等级划分（90 分及以上为优、80–90 分为良、60–80 分为中、60 分以下为差）应为“{band[1]}”，"
                    f"文中为“{match.group(1)}”；如本地通知另有标准，请核对",
                )


# --------------------------------------------------------------------------- 单位性质计数

_N = r"(\d+|[一二两三四五六七八九十]+)"
_UNIT_KINDS = re.compile(
    _N
    + r"\s*(?:个|家|户)\s*行政(?:单位|机关)[^。，；\d]{0,4}?"
    + _N
    + r"\s*(?:个|家|户)\s*(?:[^\d。，；]{0,6}?)事业单位"
)
_UNIT_TOTAL = re.compile(
    r"(?:预算单位|单户单位|下属单位|所属单位|二级预算单位)(?:数量|共|总数)?\s*(?:为|共|计)?\s*"
    + _N
    + r"\s*(?:个|家|户)"
)


def count_value(text: str) -> int | None:
    return int(text) if text.isdigit() else chinese_numeral(text)


@rule("unit-kinds", "单位性质计数")
def check_unit_kinds(audit: Audit) -> None:
    """ "包括 1 个行政单位和 10 个事业单位" against the unit table's 单位性质 column."""
    for para in audit.doc.body():
        for match in _UNIT_KINDS.finditer(para.text):
            admin, institutions = count_value(match.group(1)), count_value(match.group(2))
            if admin is None or institutions is None:
                continue
            audit.extra_claims += 1
            kinds = _unit_kinds_from_table(audit)
            if kinds is not None:
                audit.extra_checked += 1
                _compare_kinds(audit, para, match, (admin, institutions), kinds)
                continue
            total = _stated_unit_total(audit)
            if total is not None and total[0] != admin + institutions:
                audit.extra_checked += 1
                audit.report_at(
                    "unit-kinds",
                    E,
                    para,
                    match.start(),
                    match.end(),
                    str(admin + institutions),
                    str(total[0]),
                    f"行政单位 {admin} 个 + 事业单位 {institutions} 个 = {admin + institutions} 个，与文中所写预算单位 {total[0]} 个（第 {total[1]} 行）不符",
                )


def _compare_kinds(
    audit: Audit,
    para: Paragraph,
    match: re.Match[str],
    stated: tuple[int, int],
    kinds: tuple[int, int, str],
) -> None:
    admin_rows, institution_rows, where = kinds
    for group, said, actual, label in (
        (1, stated[0], admin_rows, "行政单位"),
        (2, stated[1], institution_rows, "事业单位"),
    ):
        if said != actual:
            audit.report_at(
                "unit-kinds",
                E,
                para,
                match.start(group),
                match.end(group),
                str(said),
                str(actual),
                f"{where}共 {admin_rows + institution_rows} 行：行政单位 {admin_rows} 个、事业单位 {institution_rows} 个；文中写{label} {said} 个",
            )


def _unit_kinds_from_table(audit: Audit) -> tuple[int, int, str] | None:
    for table in audit.doc.tables:
        column = next((i for i, h in enumerate(table.header) if "性质" in h or "类型" in h), None)
        if column is None or not table.rows:
            continue
        values = [r.cells[column] if r.cells and column < len(r.cells) else "" for r in table.rows]
        admin = sum(1 for v in values if v in ADMIN_UNIT_KINDS or ("行政" in v and "事业" not in v))
        institutions = sum(
            1 for v in values if v in INSTITUTION_UNIT_KINDS or "事业" in v or "公益" in v
        )
        if admin + institutions:
            name = f"表{table.number}" if table.number else "单位表"
            return (
                admin,
                institutions,
                f"{name}（第 {table.rows[0].line}–{table.rows[-1].line} 行）",
            )
    return None


def _stated_unit_total(audit: Audit) -> tuple[int, int] | None:
    for para in audit.doc.body():
        match = _UNIT_TOTAL.search(para.text)
        if match:
            value = count_value(match.group(1))
            if value is not None:
                return value, para.line_at(match.start())
    return None


# --------------------------------------------------------------------------- 表格行数

_SEE_TABLE = re.compile(r"^[^。]{0,12}?[（(]?\s*(?:详见|见|如)\s*表\s*(\d+)")


@rule("table-rows", "计数与表格行数")
def check_table_rows(audit: Audit) -> None:
    """ "共 10 个单户单位（详见表1）" against the number of rows of 表1."""
    for claim in audit.claims.claims:
        if claim.kind != COUNT or claim.q.approx:
            continue
        match = _SEE_TABLE.match(claim.para.text[claim.q.end :])
        if not match:
            continue
        table = audit.doc.table(match.group(1))
        if table is None or not table.rows:
            continue
        audit.mark(claim)
        if claim.q.value != len(table.rows):
            audit.report(
                "table-rows",
                E,
                claim,
                len(table.rows),
                f"表{table.number}（第 {table.rows[0].line}–{table.rows[-1].line} 行）共列 {len(table.rows)} 行，文中写 {show(claim)}",
            )


# --------------------------------------------------------------------------- 列举与计数

_LIST_TAIL = re.compile(r"(等|共|合计|总计|计|这|此|\s)+$")
_LIST_AFTER = re.compile(r"^[^。]{0,24}?(?:分别是|分别为|包括|具体为|即)[：:]?")
_PARENS = re.compile(r"[（(][^（()）]*[)）]")


@rule("list-count", "列举项与计数")
def check_list_counts(audit: Audit) -> None:
    """ "A、B、C 和 D 共 4 个…", "9 个单位……分别是：A、B、…": the count against the list."""
    for claim in audit.claims.claims:
        if claim.kind != COUNT or claim.q.approx or claim.q.scale != 1:
            continue
        listed = _list_before(claim) or _list_after(claim)
        if listed is None:
            continue
        items, open_ended = listed
        audit.mark(claim)
        wrong = len(items) > claim.q.value if open_ended else len(items) != claim.q.value
        if wrong:
            audit.report(
                "list-count",
                E,
                claim,
                len(items),
                f"文中列举了 {len(items)} 项（{'、'.join(items[:3])}……{items[-1]}），与所写 {show(claim)} 不符",
            )


def _list_before(claim: Claim) -> tuple[list[str], bool] | None:
    sentence = claim.para.sentence_at(claim.q.start)
    before = claim.para.text[sentence.start : claim.q.start]
    tail = _LIST_TAIL.search(before)
    open_ended = bool(tail and "等" in tail.group(0))
    region = before[: tail.start()] if tail else before
    region = re.split(r"[：:，,；;。]", _PARENS.sub("", region))[-1]
    return _items(region, open_ended)


def _list_after(claim: Claim) -> tuple[list[str], bool] | None:
    rest = claim.para.text[claim.q.end :]
    match = _LIST_AFTER.match(rest)
    if not match:
        return None
    region = re.split(r"[。；;]", _PARENS.sub("", rest[match.end() :]))[0]
    return _items(region, bool(re.search(r"等\S{0,4}$", region)))


def _items(region: str, open_ended: bool) -> tuple[list[str], bool] | None:
    if "、" not in region or re.search(r"\d", region):
        return None
    items = [i.strip() for i in region.split("、")]
    items = items[:-1] + _split_last(items[-1])
    if any(not i or len(i) > 30 for i in items) or len(items) < 3:
        return None
    return items, open_ended


def _split_last(item: str) -> list[str]:
    """ "东源和英德" is two items; "社会保障和就业支出" or "参与制定" is one."""
    parts = re.split(r"以及|和|及", item, maxsplit=1)
    if len(parts) == 2 and all(2 <= len(p.strip()) <= 6 for p in parts):
        return [p.strip() for p in parts]
    return [item]


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


def _same_value(a: Claim, b: Claim) -> bool:
    places = min(a.q.places, b.q.places)
    scale = max(a.q.scale, b.q.scale)
    return round_half_up(a.q.value / scale, places) == round_half_up(b.q.value / scale, places)


# --------------------------------------------------------------------------- 算式

_OPERAND = r"\d[\d,]*(?:\.\d+)?\s*(?:%|万元|亿元|元|分|个|家|人)?"
_FORMULA = re.compile(
    rf"(?P<expr>{_OPERAND}(?:\s*[+\-−×*÷/]\s*{_OPERAND})+)\s*[=＝]\s*(?P<result>{_OPERAND})"
)
_TOKEN = re.compile(r"(\d[\d,]*(?:\.\d+)?)\s*(%|万元|亿元|元|分|个|家|人)?|([+\-−×*÷/])")
_RATE_OF = re.compile(
    rf"(?:完成值|执行数|实际数|实际完成)\s*(?:为)?\s*(?P<actual>{_OPERAND})[^。；]{{0,12}}?"
    rf"(?:指标值|目标值|预算数|计划数)\s*(?:为)?\s*(?P<target>{_OPERAND})[^。；]{{0,12}}?"
    rf"(?:完成率|执行率|完成比例)\s*(?:为|达)?\s*(?P<rate>\d[\d,]*(?:\.\d+)?)\s*%"
)


@rule("formula", "文中算式")
def check_formulas(audit: Audit) -> None:
    """ "得分 = 55.56% × 2.08 = 1.16 分", "完成值 50，指标值 90，完成率 55.56%": the arithmetic written out."""
    for para in audit.doc.body():
        for match in _FORMULA.finditer(para.text):
            exact = _evaluate(match.group("expr"), match.group("result"))
            if exact is not None:
                _judge_written(
                    audit, para, match.start("result"), match.group("result"), exact, match.group(0)
                )
        for match in _RATE_OF.finditer(para.text):
            actual, target = (
                _operand_value(match.group("actual")),
                _operand_value(match.group("target")),
            )
            if actual is None or target is None or target == 0:
                continue
            exact = actual / target * HUNDRED
            text = f"{match.group('actual')} ÷ {match.group('target')} × 100%"
            _judge_written(audit, para, match.start("rate"), match.group("rate") + "%", exact, text)


def _judge_written(
    audit: Audit, para: Paragraph, start: int, result: str, exact: Decimal, expression: str
) -> None:
    number = re.match(r"\d[\d,]*(?:\.\d+)?", result)
    claim = audit.claims.at(para, start)
    if number is None:
        return
    stated = normalize(Decimal(number.group(0).replace(",", "")))
    places = len(number.group(0).partition(".")[2])
    audit.extra_claims += claim is None
    audit.extra_checked += claim is None
    audit.mark(claim)
    expected = round_half_up(exact, places)
    if Decimal(number.group(0).replace(",", "")) == expected:
        return
    severity = (
        AuditSeverity.ROUNDING
        if Decimal(number.group(0).replace(",", "")) == truncate(exact, places)
        else E
    )
    audit.report_at(
        "formula",
        severity,
        para,
        start,
        start + len(number.group(0)),
        format(stated, "f"),
        format(expected, "f"),
        f"按文中算式“{expression.strip()}”重算为 {plain(exact)}",
    )


def _operand_value(text: str) -> Decimal | None:
    match = _TOKEN.match(text.strip())
    if match is None or match.group(1) is None:
        return None
    return Decimal(match.group(1).replace(",", ""))


def _evaluate(expression: str, result: str) -> Decimal | None:
    """Left-to-right with × ÷ before + −; a % operand counts as a hundredth unless all are %."""
    tokens = [(m.group(1), m.group(2) or "", m.group(3)) for m in _TOKEN.finditer(expression)]
    numbers = [(Decimal(n.replace(",", "")), unit) for n, unit, op in tokens if n]
    operators = [op for _, _, op in tokens if op]
    if len(numbers) != len(operators) + 1:
        return None
    result_percent = result.strip().endswith("%")
    all_percent = all(unit == "%" for _, unit in numbers)
    values = [v / HUNDRED if unit == "%" and not all_percent else v for v, unit in numbers]
    terms, signs = [values[0]], []
    for op, value in zip(operators, values[1:], strict=True):
        if op in "×*":
            terms[-1] *= value
        elif op in "÷/":
            if value == 0:
                return None
            terms[-1] /= value
        else:
            signs.append(op)
            terms.append(value)
    total = terms[0]
    for op, term in zip(signs, terms[1:], strict=True):
        total = total + term if op == "+" else total - term
    return total * HUNDRED if result_percent and not all_percent else total


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
            grid = [_numeric_cells(row) for row in table.rows]
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
    total_row = next(
        (i for i, r in enumerate(table.rows) if r.cells and _TOTAL_ROW.match(r.cells[0])), None
    )
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
    total_row = next(
        (i for i, r in enumerate(table.rows) if r.cells and _TOTAL_ROW.match(r.cells[0])), None
    )
    if total_row is None or total_row == 0:
        return
    for column, header in enumerate(table.header):
        total = _at(grid, total_row, column)
        if total is None or "%" in header:
            continue
        cells = [_at(grid, i, column) for i in range(total_row)]
        parts = _top_level(cells)
        exact = sum((c.q.value for c in parts), Decimal(0))
        verdict = judge_amount(total.q, exact, rounding_slack(*(c.q for c in parts)))
        terms = " + ".join(c.q.text for c in parts)
        _judge_cell(audit, table, total, verdict, f"{terms}（“{header}”列）")


def _top_level(cells: list[Cell | None]) -> list[Cell]:
    """Rows of the column without the children that follow their parent and add up to it."""
    parts: list[Cell] = []
    index = 0
    while index < len(cells):
        cell = cells[index]
        index += 1
        if cell is None:
            continue
        parts.append(cell)
        running, end = Decimal(0), index
        while end < len(cells) and running < cell.q.value:
            child = cells[end]
            running += child.q.value if child else Decimal(0)
            end += 1
        if end > index and running == cell.q.value:
            index = end  # the rows after it were its breakdown (人员经费 + 日常公用经费 = 基本支出)
    return parts


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
