"""Totals and parts, shares, ratios to budget, changes against last year, savings."""

from __future__ import annotations

import functools
import itertools
import re
from dataclasses import dataclass, field
from decimal import Decimal

from jixiao.audit.claims import (
    ACCOUNTS,
    BUDGET,
    PRIOR,
    Claim,
    lcs,
    phase_of,
    similarity,
    year_in,
)
from jixiao.audit.document import Paragraph
from jixiao.audit.engine import Audit
from jixiao.audit.groups import group_of
from jixiao.audit.numbers import COUNT, MONEY, PERCENT, Quantity
from jixiao.audit.rules.base import (
    E,
    W,
    figure_before,
    first_verdict,
    groups,
    named,
    percent_claims,
    plain,
    rule,
    show,
    slack,
)
from jixiao.audit.verify import Verdict, judge, judge_amount, judge_growth, judge_percent
from jixiao.lib.money import (
    HUNDRED,
    quantum,
    round_half_up,
)

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

SHARE_PREFIX = re.compile(
    r"(?:占比|比重|所占比例|占(?P<base>[^，,。；;%\d]{0,16}?)的?(?:比重|比例)?)\s*(?:为|达|约)?\s*$"
)
_TOTAL_WORDS = re.compile(
    r"^(总|合计|全部|总额|总计|收入总额|支出总额|总收入|总支出|.*总数|.*总额|.*总量|.*合计)$"
)


@rule("share", "占比")
def check_shares(audit: Audit) -> None:
    """ "A a 万元，占总收入 p%", "占比 p%": the share recomputed against its parent.

    Precision first: the parent is the base the sentence names ("占项目支出"), the total the
    figure is a part of ("合计 X，其中：A a，占 p%"), or the sum of its siblings when the
    shares listed with it add up to 100 % ("A a，占 p%；B b，占 q%"). Larger figures nearby
    are only tried as the writer's other possible meaning: they can confirm a share, never
    condemn it. Without a parent the share is not checked.
    """
    for claim in percent_claims(audit):
        match = SHARE_PREFIX.search(claim.prefix)
        if not match or is_budget_ratio(claim.prefix):
            continue
        numerator = figure_before(audit, claim)
        if numerator is None:
            continue
        parents, others = _share_bases(audit, claim, numerator, (match.group("base") or "").strip())
        results = [
            (b, v) for b in parents + others if (v := _judge_share(claim, numerator, b)) is not None
        ]
        best = first_verdict(results)
        if best is None or (not any(b is best[0] for b in parents) and not best[1].ok):
            continue
        audit.mark(claim, numerator, *(() if isinstance(best[0], Derived) else (best[0],)))
        base, verdict = best
        if verdict.ok:
            continue
        others_text = (
            "；另试基数：" + "、".join(_named_base(b) for b, _ in results[1:]) + "，亦不符"
            if len(results) > 1
            else ""
        )
        audit.report(
            "share",
            verdict.severity or E,
            claim,
            verdict.expected,
            f"以{_named_base(base)}为基数：{show(numerator)} ÷ {_show_base(base)} × 100% = "
            f"{plain(numerator.q.value / base.q.value * HUNDRED)}%{others_text}",
        )


#: Named bases that are not a whole the figures are parts of: each item has its own task,
#: plan or budget ("占任务数的 96.3%", "占调整预算 100.93%"), so such shares do not add up.
_OWN_BASE = re.compile(r"任务|计划|预算|目标|序时|进度|上年|去年|同期|全国|全省|全市|标准")


@rule("share-sum", "并列占比之和")
def check_share_sums(audit: Audit) -> None:
    """ "A a，占 p%；B b，占 q%；C c，占 r%" in one sentence: shares of one whole, so they add up
    to at most 100 % (to 100 % when they are all of it). Shares above 100 % in all cannot all
    be of one base: a `warning` naming the sum, since which share is wrong (or whether one is
    of another base the text does not name) the numbers alone do not say. A sum that is a
    whole multiple of 100 % is two breakdowns of one whole ("按部门…；按类别…"), not read.
    """
    done: set[int] = set()
    for claim in percent_claims(audit):
        if claim.id in done:
            continue
        run = share_run(audit, claim) or _named_sentence_run(audit, claim)
        done.update(s.id for s, _ in run)
        if len(run) < 2 or _derived_parent(run) is not None:
            continue  # their sum is their parent: rule share checks each against it
        shares = [s for s, _ in run]
        if all(s.id in audit.checked for s in shares):
            continue  # each was checked against a parent the text gives (rule share)
        total = sum((s.q.value for s in shares), Decimal(0))
        tolerance = shares_tolerance(shares)
        audit.mark(*shares)
        if total <= HUNDRED + tolerance:
            continue
        whole = round_half_up(total / HUNDRED, 0)
        if abs(total - whole * HUNDRED) <= tolerance * whole:
            continue  # 200 %: two breakdowns of one whole in one sentence
        last = shares[-1]
        terms = " + ".join(f"{s.q.text}%" for s in shares)
        audit.report(
            "share-sum",
            W,
            last,
            None,
            f"同一句中并列各项的占比之和为 {terms} = {plain(total, 2)}%，超过 100%：各分项之和不能超过总数，"
            f"这些占比不可能都以同一个总数为基数；请核对各项占比及其基数",
        )


def _named_sentence_run(audit: Audit, claim: Claim) -> list[tuple[Claim, Claim]]:
    """The shares of one sentence that name the same base ("占一般公共预算收入的"), none a part
    of another, when that base is a whole (not each item's own task or budget)."""
    match = SHARE_PREFIX.search(claim.prefix)
    base = (match.group("base") or "").strip() if match else ""
    if not base or _OWN_BASE.search(ACCOUNTS.sub("", base)) or is_budget_ratio(claim.prefix):
        return []
    sentence = claim.para.sentence_at(claim.q.start)
    run: list[tuple[Claim, Claim]] = []
    for other in audit.claims.in_paragraph(claim.para):
        if not sentence.start <= other.q.start < sentence.end or other.kind != PERCENT:
            continue
        found = SHARE_PREFIX.search(other.prefix)
        if other.q.approx or not found or (found.group("base") or "").strip() != base:
            continue
        figure = figure_before(audit, other)
        if figure is None or other.para.in_parens(other.q.start):
            continue
        if run and "其中" in other.para.text[run[-1][0].q.end : figure.q.start]:
            return []  # one of them breaks down another
        run.append((other, figure))
    return run if len(run) >= 2 else []


@dataclass(eq=False)
class Derived:
    """A total the text never prints: the sum of the figures it is made of."""

    q: Quantity
    parts: list[Claim]
    label: str = "各分项之和"


def _judge_share(claim: Claim, numerator: Claim, base: Claim | Derived) -> Verdict | None:
    return judge_percent(claim.q, numerator.q, base.q)


def _named_base(base: Claim | Derived) -> str:
    if isinstance(base, Derived):
        terms = " + ".join(show(p) for p in base.parts)
        return f"各并列项之和（{terms}）{plain(base.q.value / base.q.scale)} {base.q.unit}"
    return named(base)


def _show_base(base: Claim | Derived) -> str:
    if isinstance(base, Derived):
        return f"{plain(base.q.value / base.q.scale)} {base.q.unit}"
    return show(base)


def _share_bases(
    audit: Audit, claim: Claim, numerator: Claim, base_label: str
) -> tuple[list[Claim | Derived], list[Claim | Derived]]:
    """(the parents the text gives, other bases a writer may have meant)."""
    group = group_of(groups(audit), numerator)
    enclosing: list[Claim | Derived] = [group.total] if group else []
    if base_label and not _TOTAL_WORDS.match(base_label):
        named = _labelled(audit, numerator, base_label)
        if named:
            return list(named), []
        # A base the text names but never prints ("占一般公共预算支出的"): the sum of the
        # figures whose shares of the same base are given, when it is their parent.
        derived = _derived_parent(_named_run(audit, claim, base_label))
        return ([derived] if derived is not None else []), []
    run = share_run(audit, claim)
    derived = _derived_parent(run)
    parents = enclosing + ([derived] if derived is not None else [])
    if base_label:
        return parents, []
    siblings = {id(n) for _, n in run}
    nearby: list[Claim | Derived] = [
        c
        for c in audit.claims.before(numerator)
        if c.primary
        and c.same_measure(numerator)
        and c.q.value > numerator.q.value
        and c not in enclosing
        and id(c) not in siblings
    ]
    return parents, nearby[:2]


def share_run(audit: Audit, claim: Claim) -> list[tuple[Claim, Claim]]:
    """The shares listed with ``claim`` in its sentence, as (share, its figure): "A a，占 p%；
    B b，占 q%；…", each with no base of its own, none inside another's "其中"."""
    cached = audit.cache.setdefault("share-runs", {})
    assert isinstance(cached, dict)
    if claim.id in cached:
        return cached[claim.id]  # type: ignore[no-any-return]
    para = claim.para
    sentence = para.sentence_at(claim.q.start)
    run: list[tuple[Claim, Claim]] = []
    for other in audit.claims.in_paragraph(para):
        if not sentence.start <= other.q.start < sentence.end or other.kind != PERCENT:
            continue
        match = SHARE_PREFIX.search(other.prefix)
        if other.q.approx or not match or (match.group("base") or "").strip():
            continue
        figure = figure_before(audit, other)
        if figure is None or para.in_parens(other.q.start):
            continue
        if run and "其中" in para.text[run[-1][0].q.end : figure.q.start]:
            if any(c is claim for c, _ in run):
                break
            run = []  # a breakdown of the previous item starts a new list
        run.append((other, figure))
    if not any(c is claim for c, _ in run) or len(run) < 2:
        run = []
    for share, _ in run:
        cached[share.id] = run
    cached.setdefault(claim.id, run)
    return run


def _named_run(audit: Audit, claim: Claim, base_label: str) -> list[tuple[Claim, Claim]]:
    """Every share of the document of the same named base, as (share, its figure): "基本支出
    881,300.39 元，占一般公共预算支出的 96.74%" … "项目支出 29,700 元，占一般公共预算支出的
    3.26%". A figure inside another's breakdown is not a sibling: such a list is not read."""
    run: list[tuple[Claim, Claim]] = []
    for other in percent_claims(audit):
        match = SHARE_PREFIX.search(other.prefix)
        if not match or (match.group("base") or "").strip() != base_label:
            continue
        figure = figure_before(audit, other)
        if figure is not None and not figure.para.in_parens(other.q.start):
            run.append((other, figure))
    if not any(c is claim for c, _ in run) or len(run) < 2:
        return []
    found = groups(audit)
    figures = {id(f) for _, f in run}
    for _, figure in run:
        group = group_of(found, figure)
        if group is not None and id(group.total) in figures:
            return []  # one of them is a part of another
    return run


def _derived_parent(run: list[tuple[Claim, Claim]]) -> Derived | None:
    """The sum of the siblings as their parent: when their shares add up to 100 %, or when
    every share but one is right against that sum (one of them at least not zero)."""
    if len(run) < 2 or any(not f.same_measure(run[0][1]) for _, f in run):
        return None
    figures = [f for _, f in run]
    total = sum((f.q.value for f in figures), Decimal(0))
    if total <= 0:
        return None
    unit = figures[0].q
    places = max(f.q.places for f in figures)
    derived = Derived(
        Quantity(
            unit.start, unit.end, unit.kind, unit.unit, total / unit.scale, unit.scale, places
        ),
        figures,
    )
    shares = sum((s.q.value for s, _ in run), Decimal(0))
    if abs(shares - HUNDRED) <= shares_tolerance([s for s, _ in run]):
        return derived
    verdicts = [(s, judge_percent(s.q, f.q, derived.q)) for s, f in run]
    wrong = [s for s, v in verdicts if v is None or not v.ok]
    confirmed = [s for s, v in verdicts if v is not None and v.ok and s.q.value > 0]
    return derived if len(wrong) == 1 and confirmed else None


def shares_tolerance(shares: list[Claim]) -> Decimal:
    """How far rounded shares of one whole may add up away from 100 %."""
    return sum((s.q.ulp / 2 for s in shares), Decimal(0)) + Decimal("0.005")


def _labelled(audit: Audit, numerator: Claim, base_label: str) -> list[Claim]:
    """Figures whose label names the base ("占项目支出 …" → the 项目支出 figure), nearest first."""
    found = []
    # "占项目支出" means the final figure beside a budget one; "占基本支出预算" the budget one.
    budget_base = phase_of(base_label) == BUDGET
    for other in reversed(audit.claims.claims[: numerator.id]):
        if (
            other.primary
            and other.same_measure(numerator)
            and base_label in other.label
            and (other.phase in (BUDGET, "") if budget_base else other.phase != BUDGET)
        ):
            found.append(other)
    same_paragraph = [c for c in found if c.para is numerator.para]
    return (same_paragraph + [c for c in found if c.para is not numerator.para])[:3]


# --------------------------------------------------------------------------- 为年初预算的 p%

BUDGET_RATIO = re.compile(
    r"(?:为|是|达|达到|完成|占)?(?:年初|全年|调整后)?预算(?:数)?的?\s*(?:为|达)?\s*$|预算(?:执行|完成)率(?:为|达)?\s*$"
)


@rule("budget-ratio", "与预算之比")
def check_budget_ratios(audit: Audit) -> None:
    """ "决算支出合计 X 万元，为年初预算的 p%": X over the budget figure of the same item.

    Precision first: the base is used only when the sentence names it ("完成年初预算数
    60,999 万元的 40.4%", "支出预算为 22.00 万元，支出决算为 8.77 万元，完成预算的 39.86%") or
    when exactly one budget figure of the document has the very same name as X. Otherwise
    the ratio is not checked: a neighbouring amount is never taken as the budget.
    """
    for claim in percent_claims(audit):
        if not is_budget_ratio(claim.prefix):
            continue
        pair = _named_budget(audit, claim)
        if pair is None:
            numerator = figure_before(audit, claim, (MONEY,))
            if numerator is None:
                continue
            base = sole_budget(audit, numerator)
            if base is None:
                continue
            pair = numerator, base
        numerator, base = pair
        verdict = judge_percent(claim.q, numerator.q, base.q)
        if verdict is None:
            continue
        audit.mark(claim, numerator, base)
        if not verdict.ok:
            audit.report(
                "budget-ratio",
                verdict.severity or E,
                claim,
                verdict.expected,
                f"以预算{named(base)}为基数：{show(numerator)} ÷ {show(base)} × 100% = "
                f"{plain(numerator.q.value / base.q.value * HUNDRED)}%",
            )


_BUDGET_WORDS = re.compile(r"年初|全年|调整后|预算|数|的|[“”\"\s]")


def is_budget_ratio(prefix: str) -> bool:
    """ "为年初预算的 p%", "完成预算 p%": a ratio to the figure's own budget. Not "占基本支出预算
    p%", which names another budget figure as the base of a share."""
    if not BUDGET_RATIO.search(prefix):
        return False
    share = SHARE_PREFIX.search(prefix)
    base = (share.group("base") or "") if share else ""
    return not (share and len(_BUDGET_WORDS.sub("", base)) >= 2)


_OF = re.compile(r"^\s*的?\s*(?:为|达|是)?\s*$")


def _named_budget(audit: Audit, claim: Claim) -> tuple[Claim, Claim] | None:
    """(figure, budget) when the sentence itself names the budget the percent is of."""
    sentence = claim.para.sentence_at(claim.q.start)
    before = [
        c
        for c in audit.claims.before(claim)
        if c.q.start >= sentence.start and c.kind == MONEY and not c.q.approx
    ]
    if not before:
        return None
    text = claim.para.text
    # "完成年初预算数 60,999 万元的 40.4%": the budget stands right before "的 p%".
    nearest = before[0]
    if _OF.match(text[nearest.q.end : claim.q.start]) and "预算" in nearest.prefix:
        figure = next((c for c in before[1:] if c.q.approx is False), None)
        if figure is not None and figure.same_measure(nearest):
            return figure, nearest
        return None
    # "支出预算为 22.00 万元，支出决算为 8.77 万元，完成预算的 39.86%".
    # The budget must be the same item's: not across "其中" or "；" (a sub-item's own clause).
    budgets = [
        c
        for c in before[1:]
        if c.phase == BUDGET and c.primary and not _BREAKDOWN.search(text[c.q.end : claim.q.start])
    ]
    if nearest.phase != BUDGET and len(budgets) == 1:
        return nearest, budgets[0]
    return None


_BREAKDOWN = re.compile(r"其中|[；;]")


def sole_budget(audit: Audit, figure: Claim) -> Claim | None:
    """The one budget figure of the document that names the same item as ``figure``.

    Same name first ("项目支出" ↔ "项目支出"), else a name inside the other ("人员经费" ↔
    "人员经费支出", "公用经费" ↔ "日常公用经费"); used only when exactly one budget figure
    (one value) fits, never the best of several guesses.
    """
    key = _bare(figure.core)
    if len(key) < 2:
        return None
    budgets = [
        other
        for other in audit.claims.claims
        if other is not figure
        and other.kind == MONEY
        and other.phase == BUDGET
        and (other.listed or "预算" in other.prefix)
        and not other.q.approx
        and len(_bare(other.core)) >= 2
    ]
    for fits in (
        lambda name: name == key,
        lambda name: name in key or key in name,
    ):
        found = {o.q.value: o for o in budgets if fits(_bare(o.core))}
        if found:
            return next(iter(found.values())) if len(found) == 1 else None
    return None


def _bare(core: str) -> str:
    """A name without its 收入/支出 ending ("人员经费支出" → "人员经费"), unless that leaves nothing."""
    bare = re.sub(r"(收入|支出)$", "", core)
    return bare if len(bare) >= 2 else core


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


# --------------------------------------------------------------------------- 完成预算与超支

#: "…，超支 2 万元", "超预算 2 万元", "节约 3 万元" right after a ratio to budget.
_OVER_AFTER = re.compile(
    r"\s*[，,]?\s*(?:比(?:年初|全年|调整后)?预算(?:数)?|较(?:年初|全年|调整后)?预算(?:数)?)?\s*"
    r"(?P<word>超支|超预算|超出预算|超出年初预算|超年初预算|超出|节约|节省|结余|少支出)了?\s*(?:为|达)?\s*$"
)
_OVER_WORDS = {"超支", "超预算", "超出预算", "超出年初预算", "超年初预算", "超出"}


@rule("budget-overspend", "完成预算比例与超支（节约）额")
def check_overspend(audit: Audit) -> None:
    """ "支出 22 万元，完成年初预算的 100%，超支 2 万元": the overspend (or saving) states the
    budget, B = X − 2 (X + d for a saving), and the ratio must be X ÷ B. 100 % with an
    overspend holds only when the overspend is under half a percent of the budget.

    Precision first: the figure X is the one the ratio is about (as rule `budget-ratio` finds
    it), or the budget B the sentence names; the overspend must follow the ratio directly
    ("…的 100%，超支 d"), so that it is the same item's. With neither X nor B printed, only a
    ratio that cannot be above 100 % (or below, for a saving) is an `error`; 100 % beside an
    overspend is a `warning`.
    """
    for claim in percent_claims(audit):
        if not is_budget_ratio(claim.prefix):
            continue
        amount = _overspend_after(audit, claim)
        if amount is None:
            continue
        word, d = amount
        over = word in _OVER_WORDS
        pair = _named_budget(audit, claim)
        figure = pair[0] if pair else figure_before(audit, claim, (MONEY,))
        budget = pair[1] if pair else None
        if pair is None and figure is not None:
            if figure.phase == BUDGET:  # "年初预算 20 万元，完成年初预算的 100%，超支 2 万元"
                figure, budget = None, figure
            else:
                budget = sole_budget(audit, figure)
        if figure is not None and budget is not None:
            _difference(audit, figure, budget, d, over, word)  # the ratio is rule budget-ratio's
        elif figure is not None:
            _ratio_from_figure(audit, claim, figure, d, over, word)
        elif budget is not None:
            _ratio_from_budget(audit, claim, budget, d, over, word)
        else:
            _ratio_against_direction(audit, claim, d, over, word)


def _overspend_after(audit: Audit, ratio: Claim) -> tuple[str, Claim] | None:
    claims = audit.claims.in_paragraph(ratio.para)
    after = [c for c in claims if c.q.start > ratio.q.start]
    if not after or after[0].kind != MONEY or after[0].q.approx:
        return None
    d = after[0]
    between = ratio.para.text[ratio.q.end : d.q.start]
    match = _OVER_AFTER.match(between)
    if match is None or ratio.para.sentence_at(d.q.start) != ratio.para.sentence_at(ratio.q.start):
        return None
    return match.group("word"), d


def _difference(
    audit: Audit, figure: Claim, budget: Claim, d: Claim, over: bool, word: str
) -> None:
    """X and B printed: the overspend is X − B, the saving B − X."""
    exact = figure.q.value - budget.q.value if over else budget.q.value - figure.q.value
    verdict = judge_amount(d.q, exact, slack(figure, budget))
    audit.mark(figure, budget, d)
    if not verdict.ok:
        audit.report(
            "budget-overspend",
            verdict.severity or E,
            d,
            verdict.expected,
            f"实际 {named(figure)} 与年初预算 {named(budget)} 相差 {plain(exact / d.q.scale)} {d.q.unit}",
        )


def _ratio_from_figure(
    audit: Audit, claim: Claim, figure: Claim, d: Claim, over: bool, word: str
) -> None:
    """X and d printed: B = X − d (over) or X + d (saving); p = X ÷ B."""
    sign = Decimal(-1) if over else Decimal(1)
    budget = figure.q.value + sign * d.q.value
    audit.mark(claim, figure, d)
    if budget <= 0:
        audit.report(
            "budget-overspend",
            E,
            d,
            None,
            f"{show(figure)}{word} {show(d)}，推得年初预算为 {plain(budget / figure.q.scale)} "
            f"{figure.q.unit}，不可能为负或零",
        )
        return
    corners = [
        (x, x + sign * y)
        for x in (figure.q.value - figure.q.ulp / 2, figure.q.value + figure.q.ulp / 2)
        for y in (d.q.value - d.q.ulp / 2, d.q.value + d.q.ulp / 2)
    ]
    ratios = [x / b * HUNDRED for x, b in corners if b > 0] or [figure.q.value / budget * HUNDRED]
    exact = figure.q.value / budget * HUNDRED
    verdict = judge(claim.q, exact, min(ratios), max(ratios))
    if verdict.ok:
        return
    audit.report(
        "budget-overspend",
        verdict.severity or E,
        claim,
        verdict.expected,
        f"{word} {show(d)}，年初预算应为 {show(figure)} {'−' if over else '+'} {show(d)} = "
        f"{plain(budget / figure.q.scale)} {figure.q.unit}：{show(figure)} ÷ "
        f"{plain(budget / figure.q.scale)} {figure.q.unit} × 100% = {plain(exact)}%",
    )


def _ratio_from_budget(
    audit: Audit, claim: Claim, budget: Claim, d: Claim, over: bool, word: str
) -> None:
    """B and d printed: X = B + d (over) or B − d (saving); p = X ÷ B."""
    if budget.q.value <= 0:
        return
    sign = Decimal(1) if over else Decimal(-1)
    actual = budget.q.value + sign * d.q.value
    corners = [
        (b + sign * y) / b * HUNDRED
        for b in (budget.q.value - budget.q.ulp / 2, budget.q.value + budget.q.ulp / 2)
        for y in (d.q.value - d.q.ulp / 2, d.q.value + d.q.ulp / 2)
        if b > 0
    ]
    exact = actual / budget.q.value * HUNDRED
    verdict = judge(claim.q, exact, min(corners, default=exact), max(corners, default=exact))
    audit.mark(claim, budget, d)
    if verdict.ok:
        return
    audit.report(
        "budget-overspend",
        verdict.severity or E,
        claim,
        verdict.expected,
        f"年初预算 {named(budget)}，{word} {show(d)}，实际应为 {show(budget)} {'+' if over else '−'} "
        f"{show(d)} = {plain(actual / budget.q.scale)} {budget.q.unit}："
        f"{plain(actual / budget.q.scale)} {budget.q.unit} ÷ {show(budget)} × 100% = {plain(exact)}%",
    )


def _ratio_against_direction(audit: Audit, claim: Claim, d: Claim, over: bool, word: str) -> None:
    """Neither figure printed: an overspend means above 100 %, a saving below."""
    if d.q.value - d.q.ulp / 2 <= 0:
        return  # 超支 0 万元: exactly on budget
    half = (claim.q.ulp or quantum(claim.q.places)) / 2
    low, high = claim.q.value - half, claim.q.value + half
    audit.mark(claim, d)
    if (over and high <= HUNDRED) or (not over and low >= HUNDRED):
        audit.report(
            "budget-overspend",
            E,
            claim,
            None,
            f"完成预算 {claim.q.text}%（不{'超过' if over else '低于'} 100%）却又写{word} {show(d)}："
            f"{'超支则实际大于预算，比例应高于' if over else '节约则实际小于预算，比例应低于'} 100%",
        )
    elif low < HUNDRED < high:
        audit.report(
            "budget-overspend",
            W,
            claim,
            None,
            f"完成预算 {claim.q.text}% 即与预算相当，却又写{word} {show(d)}：只有{word}额不到预算的 "
            f"{plain(half)}% 时二者才都对，请核对预算数与{word}额",
        )


# --------------------------------------------------------------------------- 比上年增减

_CHANGE = re.compile(
    r"(?:比|较|同比)(?:(?:上年度?|去年|上一年度?|\d{4}\s*年度?|上年同期)(?:预算|决算)?数?)?"
    r"(?:同口径|同期)?的?\s*"
)
_DIRECTION = re.compile(
    r"\s*(?:了)?\s*(增加|增长|上升|提高|减少|下降|降低|节约|增收|减收|增支|减支|增(?=\s*\d)|减(?=\s*\d))"
    r"\s*(?:了)?\s*"
)
_AMOUNT_AFTER = re.compile(r"\s*[，,]\s*(增收|减收|增支|减支|增加|减少)了?\s*")
_RATE = re.compile(
    r"\s*[，,]?\s*(?:增幅|减幅|降幅|增长率|下降率|增长|下降|减少|增加|上升|降低|增|减)(?:了|为|达)?\s*$"
)
_UP = {"增加", "增长", "上升", "提高", "增收", "增支", "增"}
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
    seen: set[int] = set()
    for para in audit.doc.body():
        for match in _CHANGE.finditer(para.text):
            if _AGAINST_BUDGET.match(para.text, match.start()):
                continue  # 比（年初）预算: a saving or overspend, rule saving
            change = _read_change(audit, para, match.start(), match.end())
            if change is not None:
                seen.update(id(c) for c in (change.delta, change.rate) if c is not None)
                _verify_change(audit, change)
        for change in _unmarked_changes(audit, para):
            if id(change.delta) not in seen:
                _verify_change(audit, change)
    for change in _paired_changes(audit):
        _verify_change(audit, change)


#: "比年初预算", "较预算数": against this year's budget (rule saving). "比2017年预算数" or
#: "较上年预算" compare two years' budgets: a change.
_AGAINST_BUDGET = re.compile(r"(?:比|较|同比)(?:年初|全年|调整后|当年)?预算")
_UNMARKED = re.compile(r"[，,]\s*(增加|减少|增收|减收|增支|减支)了?\s*")
_UNMARKED_RATE = re.compile(
    r"\s*[，,]\s*(增长|下降|负增长|增幅|降幅|减幅|上升|降低)(?:了|为|达)?\s*"
)


def _unmarked_changes(audit: Audit, para: Paragraph) -> list[Change]:
    """ "地方财政收入完成 80.18 亿元，增加 2.79 亿元，增长 3.6%": no 比/较 is written, but the
    rate is the change over the figure it changed from, whatever that was: p = d ÷ (a − d)."""
    found = []
    claims = audit.claims.in_paragraph(para)
    for index, current in enumerate(claims[:-2]):
        if not current.primary or current.q.approx or current.kind not in (MONEY, COUNT):
            continue
        word = _UNMARKED.match(para.text, current.q.end)
        delta, rate = claims[index + 1], claims[index + 2]
        if word is None or delta.q.start != word.end() or not delta.same_measure(current):
            continue
        after = _UNMARKED_RATE.match(para.text, delta.q.end)
        if after is None or rate.q.start != after.end() or rate.kind != PERCENT:
            continue
        if rate.q.unit != "%" or delta.q.approx or rate.q.approx:
            continue
        up = word.group(1) in _UP
        if (after.group(1) in ("增长", "增幅", "上升")) != up:
            continue  # 增加 … 下降 …: not one change
        found.append(Change(current.q.end, current=current, delta=delta, rate=rate, up=up))
    return found


_EACH = re.compile(r"各(?:自)?(?:(?P<is>是|为|达)|(?P<dir>增加|增长|上升|提高|减少|下降|降低))")
_EACH_SUBJECT_NOISE = re.compile(r"^.*相比|^.*同比|\d{4}\s*年度?|[\s，,：:]")


def _paired_changes(audit: Audit) -> list[Change]:
    """ "收、支总计各是 A、B 万元。与上年相比，收、支总计各减少 C、D 万元，各下降 p%、q%":
    values paired by position (各), this year's from the "各是" list of the same subject."""
    stated: dict[str, list[Claim]] = {}
    changes: list[Change] = []
    for para in audit.doc.body():
        for match in _EACH.finditer(para.text):
            values = _list_after(audit, para, match.end())
            if len(values) < 2:
                continue
            clause = para.clause_at(match.start())
            subject = _EACH_SUBJECT_NOISE.sub("", para.text[clause.start : match.start()])
            if match.group("is"):
                if subject:
                    stated[subject] = values
                continue
            if not subject or values[0].kind == PERCENT:
                continue
            currents = stated.get(subject)
            if currents is None or len(currents) != len(values):
                continue
            if not all(c.same_measure(v) for c, v in zip(currents, values, strict=True)):
                continue
            rates = _rates_after(audit, para, values[-1])
            up = match.group("dir") in _UP
            for index, (current, delta) in enumerate(zip(currents, values, strict=True)):
                change = Change(match.start(), current=current, delta=delta, up=up)
                if len(rates) == len(values):
                    change.rate = rates[index]
                changes.append(change)
    return changes


def _list_after(audit: Audit, para: Paragraph, offset: int) -> list[Claim]:
    """The claims listed right after ``offset``, one after the other ("A、B 万元")."""
    values: list[Claim] = []
    position = offset
    for claim in audit.claims.in_paragraph(para):
        if claim.q.start < offset:
            continue
        gap = para.text[position : claim.q.start]
        if gap.strip(" 、，,和与及") or claim.q.approx:
            break
        if values and not claim.same_measure(values[0]):
            break
        values.append(claim)
        position = claim.q.end
    return values


def _rates_after(audit: Audit, para: Paragraph, last: Claim) -> list[Claim]:
    """ "…，各下降 p%、q%" right after a paired change."""
    match = re.compile(r"\s*[，,]?\s*各(?:自)?(?:增长|下降|增加|减少|上升|降低)(?:了|为)?").match(
        para.text, last.q.end
    )
    if match is None:
        return []
    rates = _list_after(audit, para, match.end())
    return rates if rates and rates[0].kind == PERCENT and rates[0].q.unit == "%" else []


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
            if after[0].q.unit != "%":
                return None  # 增加 2.3 个百分点: a change of a share, not a growth rate
            change.rate, after = after[0], after[1:]
            # "同比增长 10.7%，增收 5,939 万元": the amount after the rate is the change.
            amount = _AMOUNT_AFTER.match(para.text, change.rate.q.end)
            if (
                amount
                and after
                and after[0].q.start == amount.end()
                and after[0].kind == MONEY
                and not after[0].q.approx
                and (amount.group(1) in _UP) == change.up
            ):
                change.delta = after[0]
        else:
            change.delta, after = after[0], after[1:]
            if after and _is_rate(para, after[0], start):
                change.rate = after[0]
    if change.delta is None and change.rate is None:
        return None
    measure = change.delta or change.prior
    change.current, prior = _sides(audit, para, start, end, measure)
    if change.prior is None:
        change.prior = prior
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
    return _sides(audit, para, start, start, measure)[0]


def _sides(
    audit: Audit, para: Paragraph, start: int, end: int, measure: Claim | None
) -> tuple[Claim | None, Claim | None]:
    """(this year's figure, last year's figure when the document states it) of a change.

    A clause with its own subject ("其中公务接待较上年同期减少 0.58 万元") is about that
    subject: its figures are those of the same name stated for this year and for the year
    compared with ("2022年…公务接待 11.8 万元", "2021年…公务接待 12.39 万元"), each used only
    when exactly one value fits. A clause without one ("…60.00 万元，较上年增加 10.00 万元")
    is about the sentence's last figure before it, or the quoted subject of the sentence.
    """
    sentence = para.sentence_at(start)
    before = [
        c
        for c in audit.claims.in_paragraph(para)
        if sentence.start <= c.q.start < start
        and c.primary
        and (measure is None or c.same_measure(measure))
    ]
    subject = change_subject(para, start)
    if not subject:
        if before:
            return before[-1], None
        quoted = _QUOTED.findall(para.text[sentence.start : start])
        if not quoted or measure is None:
            return None, None
        return _by_label(audit, quoted[-1], measure), None
    named_here = [c for c in before if _names(c, subject)]
    if named_here:
        return named_here[-1], None
    if measure is None:
        return None, None
    year = year_in(para.text[sentence.start : start]) or year_in(para.text[: sentence.start])
    if year is None:
        year = next((y for h in reversed(para.trail) if (y := year_in(h.title))), None)
    compared = _COMPARED_YEAR.search(para.text[start:end])
    prior_year = int(compared.group(1)) if compared else (year - 1 if year else None)
    current = _unique_named(audit, subject, measure, year, prior=False)
    prior = _unique_named(audit, subject, measure, prior_year, prior=True) if year else None
    return _own(audit, para, subject, current), _own(audit, para, subject, prior)


def _own(audit: Audit, para: Paragraph, subject: str, figure: Claim | None) -> Claim | None:
    """``figure`` unless it is a joint item the paragraph names the halves of: "公务用车购置及
    运行维护费 21.97 万元" is not "“公务用车购置费”" when "“公务用车运行维护费”" is named
    beside it (a report that names one half alone may mean the joint item), nor when one of
    the document's tables has the subject as a line of its own (a "公务用车运行维护费" row
    under "公务用车购置及运行维护费": the prose's "“公务用车运行维护费”…减少 0.14 万元" is that
    row's change, and checking it against the joint item's last year would be a false error)."""
    if figure is None or _core(figure.label) == _core(subject):
        return figure
    wanted = _core(subject)
    if wanted in _table_lines(audit) and wanted not in _core(figure.label):
        return None  # named by a gapped match only, and the subject has a line of its own
    for other in _QUOTED.findall(para.text):
        if (
            _core(other) != _core(subject)
            and _names(figure, other)
            and not _names_like(other, subject)
        ):
            return None
    return figure


#: "其中：", "1.", "（2）" before a table row's name.
_ROW_LEAD = re.compile(
    r"^\s*(?:其中\s*[:：]\s*)?(?:\d{1,2}\s*[.、．](?!\d)|[（(]\s*\d{1,2}\s*[)）]|[一二三四五六七八九十]+\s*、)?\s*"
)


#: A table row as a PDF gives it, one source line: "公务用车运行维护费 2.79 2.93 2.68 2.82 96.06".
_ROW_LINE = re.compile(r"\s*(?P<name>[^\d\s][^\d]*?)(?:\s+-?[\d,]+(?:\.\d+)?%?){2,}\s*$")


def _table_lines(audit: Audit) -> frozenset[str]:
    """The names (:func:`_core`) of the rows of the document's tables — table cells, or a
    source line that is a name and numbers only — computed once."""
    cached = audit.cache.get("amounts.table_lines")
    if isinstance(cached, frozenset):
        return cached
    names = {
        cell
        for table in audit.doc.tables
        for row in table.rows
        for cell in row.cells or ()
        if cell and not re.search(r"\d", cell)
    }
    for para in audit.doc.paragraphs:
        ends = [*para.line_offsets[1:], len(para.text)]
        for start, end in zip(para.line_offsets, ends, strict=True):
            if match := _ROW_LINE.match(para.text, start, end):
                names.add(match["name"])
    result = frozenset(_core(_ROW_LEAD.sub("", name)) for name in names)
    audit.cache["amounts.table_lines"] = result
    return result


def _names_like(a: str, b: str) -> bool:
    shared = lcs(_core(a), _core(b))
    return shared == min(len(_core(a)), len(_core(b)))


_SUBJECT_NOISE = re.compile(
    r"^.*其中[：:]?|^\d{1,2}\s*[.、．]|按|同口径|口径|同期|与|相比|全年|(?:本|当|今)年度?|[“”\"（）()：:\s]|\d{4}\s*年度?"
)
_COMPARED_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")


def change_subject(para: Paragraph, start: int) -> str:
    """The words a change clause is about ("其中公务接待较上年…" → "公务接待"), or ""."""
    clause = para.clause_at(start)
    text = para.text[clause.start : start]
    quoted = _QUOTED.findall(text)
    if quoted and _SUBJECT_NOISE.sub("", text[text.rfind(quoted[-1]) + len(quoted[-1]) :]) == "":
        text = quoted[-1]  # "“三公”经费支出中“因公出国（境）费”本年度比上年度…": the last name
    words = _SUBJECT_NOISE.sub("", text)
    return words if len(re.findall(r"[\u4e00-\u9fff]", words)) >= 2 else ""


_PHASE_WORDS = re.compile(r"决算|预算|年初|执行数?|实际|合计|总计|共计|总额|总数|数|[“”\"（）()]")


@functools.lru_cache(maxsize=4096)  # speed: the same labels are compared for every subject
def _core(text: str) -> str:
    return _PHASE_WORDS.sub("", text)


def _names(claim: Claim, subject: str) -> bool:
    """The claim is a figure of ``subject``: one name holds the other, phase words aside."""
    label, wanted = _core(claim.label), _core(subject)
    if len(label) < 2 or len(wanted) < 2:
        return False
    if label == wanted:
        return True
    shared = lcs(
        label, wanted
    )  # in order, gaps allowed: 公务用车运行维护费 ↔ 公务用车购置及运行维护费
    return shared >= 3 and shared == min(len(label), len(wanted))


def _unique_named(
    audit: Audit, subject: str, like: Claim, year: int | None, *, prior: bool
) -> Claim | None:
    """The one figure of ``subject`` for ``year`` (one value), or None rather than a guess."""
    found: dict[Decimal, Claim] = {}
    wanted_phase = phase_of(subject) if phase_of(subject) != PRIOR else ""
    for other in audit.claims.claims:
        if not other.listed or other.q.approx or not other.same_measure(like):
            continue
        if wanted_phase and other.phase not in (wanted_phase, ""):
            continue  # "…支出决算数比2016年度减少" is about the 决算, not the 年初预算
        if year is not None:
            if other.year != year:
                continue
        elif prior or other.phase in (BUDGET, PRIOR):
            continue
        if _names(other, subject):
            found.setdefault(other.q.value, other)
    return next(iter(found.values())) if len(found) == 1 else None


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
    if current is None and prior is None and delta is not None:
        _bounded_by_parent(audit, change, delta, rate)
        return
    base, base_ulp, change_value, change_ulp = _rate_inputs(current, prior, delta, sign)
    if base is None or change_value is None:
        return
    if base == 0 and change_value == 0:
        _unchanged_from_zero(audit, change, rate)
        return
    if base <= 0 and delta is not None:
        audit.mark(rate, current, delta)
        audit.report(
            "change",
            E,
            delta,
            None,
            f"本年 {named(current) if current else ''} {'增加' if change.up else '减少'} {show(delta)}，"
            f"推得上年数为 {plain(base)}，不可能为负或零",
        )
        return
    growth = judge_growth(rate.q, change_value, change_ulp, base, base_ulp)
    audit.mark(rate, current, prior, delta)
    if growth is None or growth.ok:
        return
    known = delta or prior or current
    scale = known.q.scale if known is not None else Decimal(1)
    unit = known.q.unit if known is not None else ""
    prior_text = f"{plain(base / scale, 6)} {unit}".strip()
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
        f"增减额 {plain(abs(change_value) / scale, 6)} {unit} ÷ 上年 {prior_text} × 100% = {plain(abs(change_value) / base * HUNDRED)}%{implied}",
    )


def _unchanged_from_zero(audit: Audit, change: Change, rate: Claim) -> None:
    """ "因公出国（境）费 0 万元，比上年增加 0 万元，增长 0%": 0 against 0 is unchanged (与上年持平),
    written as a 0 % rate; only another rate is wrong (a change of nothing has no other rate)."""
    audit.mark(rate, change.current, change.prior, change.delta)
    if rate.q.value == 0:
        return
    audit.report(
        "change",
        E,
        rate,
        Decimal(0),
        "本年与上年均为 0（与上年持平），增减幅度只能为 0%",
    )


def _bounded_by_parent(audit: Audit, change: Change, delta: Claim, rate: Claim) -> None:
    """ "基本支出预算较上年增 17.1 万元，增幅 17.18%。主要变动原因如下：" then "3. 对个人和家庭
    补助支出较上年增加 0.11 万元，增幅 0.01%": neither year's figure of the item is printed, but
    the item is a part of its parent, so last year it was at most the parent's last year
    (17.1 ÷ 17.18% = 99.53 万元), and its rate at least 0.11 ÷ 99.53 = 0.11%. A rate that would
    make the part larger than its whole is wrong; nothing else is said."""
    parent = _parent_change(audit, delta)
    if parent is None or rate.q.value <= 0:
        return
    parent_delta, parent_rate = parent
    half = (parent_rate.q.ulp or quantum(parent_rate.q.places)) / 2
    if parent_rate.q.value - half <= 0:
        return
    parent_prior = (
        (parent_delta.q.value + parent_delta.q.ulp / 2) / (parent_rate.q.value - half) * HUNDRED
    )
    part_delta = delta.q.value - delta.q.ulp / 2
    rate_half = (rate.q.ulp or quantum(rate.q.places)) / 2
    if part_delta <= 0 or (rate.q.value + rate_half) / HUNDRED * parent_prior >= part_delta:
        return  # the part's last year fits within its parent's
    audit.mark(rate, delta, parent_delta, parent_rate)
    least = round_half_up(part_delta / parent_prior * HUNDRED, rate.q.places)
    audit.report(
        "change",
        E,
        rate,
        least,
        f"增减额 {show(delta)} ÷ {rate.q.text}% 推得上年数 {plain(delta.q.value / rate.q.value * HUNDRED / delta.q.scale, 2)} "
        f"{delta.q.unit}，超过其上级项目的上年数（{show(parent_delta)} ÷ {parent_rate.q.text}%，至多 "
        f"{plain(parent_prior / delta.q.scale, 2)} {delta.q.unit}，第 {parent_delta.line} 行）；"
        f"分项不能大于总数，增幅至少为 {least}%",
    )


def _parent_change(audit: Audit, delta: Claim) -> tuple[Claim, Claim] | None:
    """(the change, its rate) of the paragraph a numbered item's list hangs from ("…增 17.1 万元，
    增幅 17.18%。主要变动原因如下：" then "1. …" "2. …"), under the same heading."""
    para = delta.para
    if para.heading is None or para.heading.level < 3:
        return None
    paragraphs = audit.doc.paragraphs
    for index in range(para.index - 1, -1, -1):
        before = paragraphs[index]
        if before.heading is not None and before.heading.level == para.heading.level:
            continue  # an earlier item of the same list
        if before.trail != para.trail[:-1] or not before.text.rstrip().endswith(("：", ":")):
            return None
        claims = audit.claims.in_paragraph(before)
        for first, second in itertools.pairwise(claims):
            if (
                first.same_measure(delta)
                and not first.q.approx
                and _ends_with_direction(before.text[: first.q.start])
                and second.q.unit == "%"
                and _is_rate(before, second, first.q.start)
            ):
                return first, second
        return None
    return None


def _ends_with_direction(text: str) -> bool:
    return bool(re.search(r"(增加|减少|增长|下降|增|减)\s*$", text))


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
