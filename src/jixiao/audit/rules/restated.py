"""The same figure, or the same clause, stated twice with different numbers."""

from __future__ import annotations

import re
from decimal import Decimal

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
    seen: dict[tuple[str, str, str, str, str], Claim] = {}
    reported: set[int] = set()
    for claim in audit.claims.claims:
        if (
            not claim.primary
            or claim.q.approx
            or claim.kind == SCORE
            or not _RESTATE_LABEL.match(claim.label)
        ):
            continue
        subject = _subject(claim) if _MEASURE_ONLY.match(claim.label) else ""
        key = (
            claim.label,
            subject,
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
        if first.year is not None and claim.year is not None and first.year != claim.year:
            continue  # 2022 年's figure and 2023 年's: two facts
        if not _same_parent(audit, first, claim):
            continue  # 商品和服务支出 of 基本支出 and of 项目支出 are two facts
        audit.mark(first, claim)
        reported.add(claim.id)
        whose = f"“{subject}”的" if subject else ""
        # An exact amount (万元 to the fen) stated twice differently is a contradiction; a
        # count ("研发人员 135 万人") may be from another date, so it only needs a look.
        exact = claim.kind == MONEY and min(claim.q.places, first.q.places) >= 2
        audit.report(
            "restated",
            E if exact else W,
            claim,
            first.q.value / claim.q.scale,
            f"同一数据前后不一致：第 {first.line} 行写{whose}“{first.label}”为 {show(first)}，此处为 {show(claim)}",
        )
    _check_restated_facts(audit, reported)


#: A measure that names no subject of its own ("完成率", "执行率", "满意度", "完成值"): whose
#: it is, the row or numbered item it stands in says.
_MEASURE_ONLY = re.compile(r"^[\u4e00-\u9fff]{0,4}(?:率|值|度|比例|比重)$")
#: A scorecard row as a PDF's text layer runs its cells together: "3.1.2 指标1 0.5 0.41 …"
#: (code, name, points; a name wrapped in its cell comes back joined to the points:
#: "1.1.7 新增上市科技型企业数2.08 1.16 …"), maybe after the page's repeated header or the
#: row before it.
_CODED_ROW = re.compile(
    r"\d{1,2}(?:\.\d{1,2}){1,3}\s+"
    r"(?P<name>[\u4e00-\u9fffA-Za-z（）()“”《》·\-][\u4e00-\u9fffA-Za-z0-9（）()“”《》·\-]{0,29})"
    r"(?=\s*\d+(?:\.\d+)?\s)"
)
#: A table cell that is a name ("指标1", "服务对象满意度"), not a number, a target or a sentence.
_NAME_CELL = re.compile(r"^(?=.*[\u4e00-\u9fff])[\u4e00-\u9fffA-Za-z0-9（）()“”《》·\-]{1,30}$")


def _subject(claim: Claim) -> str:
    """What a measure that names no subject is of: the name of its table row (the last name
    cell before its own: "指标1" of "3.1.2 | 指标1 | 0.5 | … | 完成率81%"), of its scorecard
    row run together by a PDF ("3.1.2 指标1 0.5 …") or of the numbered item it is in
    ("（2）指标1：…完成率81%"); "" when it has none or its label already names it."""
    para = claim.para
    name = ""
    if para.cells is not None:
        name = next((c for c in reversed(_cells_before(claim)) if _NAME_CELL.match(c)), "")
    elif rows := list(_CODED_ROW.finditer(para.text, 0, claim.q.start)):
        name = rows[-1].group("name")
    elif para.trail and para.trail[-1].level >= 3:
        name = next(iter(para.trail[-1].title.split()), "")
    return "" if name in claim.label else name


def _cells_before(claim: Claim) -> tuple[str, ...]:
    """The cells of a table row before the one the claim is in (none if it is not found)."""
    cells, text, position = claim.para.cells or (), claim.para.text, 0
    for index, cell in enumerate(cells):
        at = text.find(cell, position) if cell else position
        if at < 0:
            break
        if at <= claim.q.start < at + len(cell):
            return cells[:index]
        position = at + len(cell)
    return ()


# --------------------------------------------------------------------------- the same fact, worded twice

#: Words around a fact's name that do not change the fact: scope, "预计", "实现".
_SCOPE_HEAD = re.compile(
    r"^(?:预计?|实现|完成|达到|全省|我省|本省|全市|我市|全县|全区|全国|全年|年末|年底|目前|现有|已|共)+"
)
_BOUND_TAIL = re.compile(r"(?:超过|超|约|近|逾|不足|不到|多达|达|余|为|已)+$")
#: A name that only says "the total": the fact is the one the clause before it names.
_TOTAL_ONLY = re.compile(r"^(?:总数|总量|数量|总计|合计|累计|共|总共)?$")
_NEW_HEAD = re.compile(r"^(?:新增|新建|新获批|新认定|新引进|新培育)")
#: Generic measure words of things (个 and 家 count the same clusters, enterprises…).
_THING_UNITS = {"个", "家", "所", "座"}
_LOWER = re.compile(r"(?:超过|超|逾|多达)\s*$")
_UPPER = re.compile(r"(?:近|不足|不到)\s*$")
_MIN_NAME = 4  #: CJK characters a name needs to identify a fact
_CLOSE = Decimal(
    "1.25"
)  #: a fact restated wrongly is near itself; values further apart are two facts
_LONG_NAME = 8  #: a name this long, repeated with a qualifier before it, is the same fact


def _check_restated_facts(audit: Audit, reported: set[int]) -> None:
    """The same fact written with other words, another measure word or as a rough figure:
    "新增国家级创新型产业集群 3 个，全省总数达 20 个" and "全省高新区国家级创新型产业集群达 17
    家"; "科技信贷余额超过 2.3 万亿元" and "预计…科技信贷余额超 2.2 万亿元". Counts and rough
    figures only, always a `warning` (a count may be from another date; two bounds may both
    hold): exact amounts are the first pass's. A bound consistent with an exact figure
    ("超 130 万人" beside "135 万人") is no difference."""
    buckets: dict[tuple[str, str], list[tuple[Claim, str]]] = {}
    for claim in audit.claims.claims:
        if claim.kind not in (COUNT, MONEY) or (claim.kind == MONEY and not claim.q.approx):
            continue
        if claim.id in reported or _table_cell(claim) or claim.para.in_parens(claim.q.start):
            continue
        name = _fact_name(audit, claim)
        if len(re.findall(r"[\u4e00-\u9fff]", name)) < _MIN_NAME:
            continue
        key = (name[-_MIN_NAME:], _measure(claim))
        for first, first_name in buckets.get(key, []):
            if _same_fact(first, first_name, claim, name) and _differ(first, claim):
                audit.mark(first, claim)
                audit.report(
                    "restated",
                    W,
                    claim,
                    None if claim.q.approx or first.q.approx else first.q.value / claim.q.scale,
                    f"同一数据前后不一致：第 {first.line} 行写“{first_name}”{_bound_text(first)}"
                    f"{show(first)}，此处写“{name}”{_bound_text(claim)}{show(claim)}；请核对是否为同一口径、同一时点",
                )
                break
        buckets.setdefault(key, []).append((claim, name))


def _table_cell(claim: Claim) -> bool:
    """A number of a table of numbers (not of a table whose cells are prose, like 表2's tasks)."""
    cells = claim.para.cells
    return cells is not None and max((len(c) for c in cells), default=0) < 30


def _fact_name(audit: Audit, claim: Claim) -> str:
    name = _BOUND_TAIL.sub("", _SCOPE_HEAD.sub("", re.sub(r"[“”\"《》]", "", claim.label)))
    if _TOTAL_ONLY.match(name):
        sentence = claim.para.sentence_at(claim.q.start)
        before = [
            c
            for c in audit.claims.before(claim)
            if c.q.start >= sentence.start and c.same_measure(claim)
        ]
        if not before:
            return ""
        name = _BOUND_TAIL.sub("", _SCOPE_HEAD.sub("", before[0].label))
        name = _NEW_HEAD.sub("", name)
    return name


def _measure(claim: Claim) -> str:
    if claim.kind == MONEY:
        return MONEY
    unit = claim.q.unit.lstrip("万亿")
    return "thing" if unit in _THING_UNITS else unit


def _same_fact(a: Claim, a_name: str, b: Claim, b_name: str) -> bool:
    if a.para is b.para or (a.year is not None and b.year is not None and a.year != b.year):
        return False
    if a_name == b_name:
        return True
    short, long = sorted((a_name, b_name), key=len)
    if not long.endswith(short):
        return False
    head = long[: -len(short)]
    return len(short) >= _LONG_NAME or not _SCOPE_HEAD.sub("", head)


def _bound(claim: Claim) -> str:
    before = claim.para.text[max(0, claim.q.start - 4) : claim.q.start]
    if _LOWER.search(before) or re.match(r"\s*(?:余|多|以上)", claim.para.text[claim.q.end :]):
        return "lower"
    if _UPPER.search(before):
        return "upper"
    return "about" if claim.q.approx else ""


def _bound_text(claim: Claim) -> str:
    return {"lower": "超过 ", "upper": "不足 ", "about": "约 "}.get(_bound(claim), "")


def _differ(a: Claim, b: Claim) -> bool:
    """Two statements that cannot be one value: an exact figure outside the other's bound,
    two exact or two rough figures that differ."""
    if _same_value(a, b):
        return False
    low, high = sorted((a.q.value, b.q.value))
    if low <= 0 or high > low * _CLOSE:
        return False  # 12 万家 and 1 万家 are two facts that share a name, not one restated
    bounds = (_bound(a), _bound(b))
    if bounds.count("") == 1:
        exact, rough = (a, b) if bounds[0] == "" else (b, a)
        bound = _bound(rough)
        if bound == "lower":
            return exact.q.value <= rough.q.value
        if bound == "upper":
            return exact.q.value >= rough.q.value
        return not _same_value(exact, rough)
    return True


#: Clauses that speak of "this item" without naming it ("已评分的各项合计得分 N 分", "N 项下级
#: 指标暂未评分"): the same words under two items are two facts.
_GENERIC_CLAUSE = re.compile(r"分值|自评得分|^得分#|扣|满分|已评分|暂未评分|各项|^[该此其这本]")


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
    wa, wb = _share_whole(a), _share_whole(b)
    if wa and wb and wa != wb:
        return False  # "商品和服务支出 911.20 万元，占基本支出…" and "…，占项目支出…"
    pa, pb = parent_of(audit, a), parent_of(audit, b)
    if pa is None and pb is None:
        return True
    if pa is None or pb is None:
        found = groups(audit)
        return group_of(found, a) is not None or group_of(found, b) is not None
    return pa.label == pb.label and _same_value(pa, pb)


#: "…万元，占基本支出43.49%": the share right after a figure names the whole it is part of.
_SHARE_OF = re.compile(
    r"^\s*[，,]?\s*占(?P<whole>[\u4e00-\u9fff“”（）()]{2,16}?)的?(?:比重|比例)?\s*(?:为|达|约)?\s*\d"
)


def _share_whole(claim: Claim) -> str:
    """The whole a figure's own share names right after it ("占项目支出 51.99%"), or "".

    Spaces are dropped first: a justified PDF line that a text layer gives with gaps
    ("占项目" | "支 出9 0.71%") names the same whole as the unbroken sentence."""
    after = claim.para.text[claim.q.end : claim.q.end + 40].replace(" ", "")
    match = _SHARE_OF.match(after)
    return match.group("whole") if match else ""


def _same_value(a: Claim, b: Claim) -> bool:
    places = min(a.q.places, b.q.places)
    scale = max(a.q.scale, b.q.scale)
    return round_half_up(a.q.value / scale, places) == round_half_up(b.q.value / scale, places)
