"""Totals and their components: "合计 X，其中：A a、B b", "按…分类，A a、B b", ①②③ lists.

Finding the groups is separate from checking them because other rules need them too:
"占总收入 p%" is a share of the group's total.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from jixiao.audit.claims import Claim, ClaimSet
from jixiao.audit.document import Paragraph, marker_number
from jixiao.audit.numbers import COUNT, MONEY

_OF_WHICH = re.compile(r"其中")
_BY_CLASS = re.compile(r"按[^，。；,;]{1,15}?分类")
#: Words in the total's clause that say the parts are all of it.
_EXHAUSTIVE = re.compile(r"合计|总计|共计|总额|总数|实有|总收入|总支出|总人数")
#: Words right after the trigger that say only the main parts follow.
_PARTIAL = re.compile(r"主要|部分|包括|重点")


@dataclass
class SumGroup:
    total: Claim
    parts: list[Claim]
    exhaustive: bool  #: the parts claim to be all of the total (else: only some of it)


def find_groups(claims: ClaimSet) -> list[SumGroup]:
    groups: list[SumGroup] = []
    paragraphs = list(claims.doc.body())
    for position, para in enumerate(paragraphs):
        nested: list[tuple[int, int]] = []
        for match in _OF_WHICH.finditer(para.text):
            group, scope = _of_which(claims, paragraphs, position, match.start(), match.end())
            if scope is not None:
                nested.append(scope)
            if group is not None:
                groups += _columns(claims, group)
        groups += _by_class(claims, para, nested)
        groups += _added_up(claims, para)
    return groups


_ADD = re.compile(r"加上(?P<parts>[^。]*?)后[，,]\s*(?=[^。，,；;]*?(?:总计|合计))")
_SIDE = re.compile(r"收入|支出")


def _added_up(claims: ClaimSet, para: Paragraph) -> list[SumGroup]:
    """ "一般公共预算支出完成 59.69 亿元……加上上解支出 1.4 亿元、……结转下年 3.48 亿元后，
    支出总计 66.05 亿元": the paragraph's own figure plus the amounts added is the total.

    The figure added to is the paragraph's first amount on the same side (收入 or 支出) as
    the total; without one the sentence is not read.
    """
    found = []
    for match in _ADD.finditer(para.text):
        inside = [
            c
            for c in claims.in_paragraph(para)
            if match.start("parts") <= c.q.start < match.end("parts")
            and c.kind == MONEY
            and not c.q.approx
        ]
        total = next(
            (c for c in claims.in_paragraph(para) if c.q.start >= match.end() and c.kind == MONEY),
            None,
        )
        if not inside or total is None or total.q.approx:
            continue
        if para.sentence_at(total.q.start) != para.sentence_at(match.start()):
            continue
        side = _SIDE.findall(total.label)
        base = next(
            (
                c
                for c in claims.in_paragraph(para)
                if c.q.start < match.start() and c.primary and c.kind == MONEY
            ),
            None,
        )
        if base is None or not side or side[-1] not in base.label or base.q.approx:
            continue
        found.append(SumGroup(total, [base, *inside], exhaustive=True))
    return found


def _of_which(
    claims: ClaimSet, paragraphs: list[Paragraph], position: int, start: int, end: int
) -> tuple[SumGroup | None, tuple[int, int] | None]:
    para = paragraphs[position]
    total = _total_before(claims, para, start)
    if total is None:
        return None, None
    scope_end = _scope_end(para, start, end)
    parts = [
        c
        for c in claims.in_paragraph(para)
        if end <= c.q.start < scope_end and _part_of(c, total, para, start)
    ]
    enumerated = False
    if not parts and not para.text[end:scope_end].strip(" ：:，,"):
        parts, enumerated = _enumerated_parts(claims, paragraphs[position + 1 :], total), True
        if not parts:
            parts, enumerated = _paragraph_parts(claims, paragraphs[position + 1 :], total), False
    if not parts:
        return None, (start, scope_end)
    if len(parts) == 1 and not para.in_parens(start):
        parts += _parallel_sentences(claims, para, parts[0], scope_end)
    partial = bool(_PARTIAL.search(para.text[end : parts[0].q.start])) if not enumerated else False
    exhaustive = not partial and len(parts) >= 2 and (enumerated or _says_all(total, parts))
    if not exhaustive:
        # Only some of the total: its parts stay within the clause chain up to the first "；".
        stop = para.text.find("；", end)
        parts = [p for p in parts if stop < 0 or p.q.start < stop]
        if not parts:
            return None, (start, scope_end)
    return SumGroup(total, parts, exhaustive), (start, scope_end)


def _columns(claims: ClaimSet, group: SumGroup) -> list[SumGroup]:
    """ "支出 2.05 万元，年初预算为 2.95 万元。其中：A 0 万元，年初预算为 0 万元；B 2.05 万元，
    年初预算为 2 万元": each part states several figures, so the breakdown has columns. Each
    column is summed against the figure of the same name before "其中" (the unnamed first
    figures against the first one); a column without its total is not read."""
    labels = Counter(p.label for p in group.parts if p.label)
    repeated = {label for label, count in labels.items() if count >= 2}
    if not repeated:
        return [group]
    total = group.total
    sentence = total.para.sentence_at(total.q.start)
    heads = [
        c
        for c in claims.in_paragraph(total.para)
        if sentence.start <= c.q.start <= total.q.start and c.listed and c.same_measure(total)
    ]
    found = []
    lead_parts = [p for p in group.parts if p.label not in repeated]
    lead = next((h for h in heads if h.label not in repeated), None)
    if lead is not None and len(lead_parts) >= 2:
        found.append(SumGroup(lead, lead_parts, _says_all(lead, lead_parts)))
    for label in sorted(repeated):
        named = {h.q.value: h for h in heads if h.label == label}
        parts = [p for p in group.parts if p.label == label]
        if len(named) == 1:
            head = next(iter(named.values()))
            found.append(SumGroup(head, parts, _says_all(head, parts)))
    return found


def _parallel_sentences(claims: ClaimSet, para: Paragraph, first: Claim, after: int) -> list[Claim]:
    """ "其中：人员经费决算支出 a 万元，…。公用经费决算支出 b 万元，…。": parallel sentences go on listing."""
    more: list[Claim] = []
    for sentence in para.sentences:
        if sentence.start < after:
            continue
        lead = next((c for c in claims.in_paragraph(para) if c.q.start >= sentence.start), None)
        if (
            lead is None
            or lead.q.start >= sentence.end
            or not lead.primary
            or not lead.same_measure(first)
        ):
            break
        if len(_common_suffix(lead.label, first.label)) < 2 or lead.label == first.label:
            break
        more.append(lead)
    return more


def _common_suffix(a: str, b: str) -> str:
    size = 0
    while size < min(len(a), len(b)) and a[-1 - size] == b[-1 - size]:
        size += 1
    return a[len(a) - size :]


def _says_all(total: Claim, parts: list[Claim]) -> bool:
    return (
        bool(_EXHAUSTIVE.search(total.prefix))
        or (len(parts) >= 2 and parts[-1].label.startswith("其他"))
        or _by_definition(total, parts)
    )


def _by_definition(total: Claim, parts: list[Claim]) -> bool:
    """Breakdowns that are whole by definition (财政部 部门预算/决算 terms): 基本支出 is
    人员经费 and 公用经费 (日常公用经费)."""
    names = [p.label for p in parts]
    return (
        "基本支出" in total.label
        and len(names) == 2
        and any(n.startswith("人员经费") for n in names)
        and any(re.match(r"(日常)?公用经费", n) for n in names)
    )


def _total_before(claims: ClaimSet, para: Paragraph, offset: int) -> Claim | None:
    """The figure the 其中 breaks down: the last primary amount before it in its sentence."""
    sentences = para.sentences
    here = para.sentence_at(offset)
    candidates = [
        c
        for c in claims.in_paragraph(para)
        if c.q.start < offset and c.listed and c.kind in (MONEY, COUNT)
    ]
    if para.in_parens(offset):
        candidates = [c for c in candidates if not para.in_parens(c.q.start)]
    in_sentence = [c for c in candidates if c.q.start >= here.start]
    if in_sentence:
        return in_sentence[-1]
    index = sentences.index(here)
    if index == 0 or para.text[here.start : offset].strip():
        return None
    previous = sentences[index - 1]
    in_previous = [c for c in candidates if c.q.start >= previous.start]
    return in_previous[-1] if in_previous else None


def _scope_end(para: Paragraph, start: int, end: int) -> int:
    """其中 reaches to the end of its sentence, its parenthesis, or the next 其中."""
    if para.in_parens(start):
        level = para.depth[start]
        for offset in range(end, len(para.text)):
            if para.depth[offset] < level or (
                para.depth[offset] == level and para.text[offset] in "）)"
            ):
                return offset
        return len(para.text)
    sentence_end = para.sentence_at(start).end
    following = [
        m.start()
        for m in _OF_WHICH.finditer(para.text, end, sentence_end)
        if not para.in_parens(m.start())
    ]
    return min([sentence_end, *following])


def _part_of(claim: Claim, total: Claim, para: Paragraph, trigger: int) -> bool:
    if not claim.same_measure(total) or claim.q.approx:
        return False
    if para.in_parens(trigger):
        return para.clause_at(claim.q.start).start >= trigger or claim.prefix != ""
    return claim.listed


def _enumerated_parts(claims: ClaimSet, following: list[Paragraph], total: Claim) -> list[Claim]:
    """ "…合计 X 万元，其中：" then ① A …  ② B …: the first figure of each numbered paragraph.

    An unnumbered paragraph between two items that follow each other (② … then ③) is the
    rest of the item before it: a PDF's text layer starts a new line after a sentence that
    happened to end at the right margin, and nothing tells a new paragraph from a wrapped one.
    """
    parts: list[Claim] = []
    marker_level = None
    last_number: int | None = None
    for index, para in enumerate(following):
        tail = para.heading is None and para.cells is None and last_number is not None
        if tail and _next_item(following[index + 1 :], marker_level, last_number or 0):
            continue
        level = para.heading.level if para.heading else None
        if level is None or level < 3 or (marker_level is not None and level != marker_level):
            break
        marker_level = level
        first = next(
            (c for c in claims.in_paragraph(para) if c.primary and c.same_measure(total)), None
        )
        if first is None:
            break
        parts.append(first)
        last_number = marker_number(para.heading.marker) if para.heading else None
    return parts if len(parts) >= 2 else []


def _next_item(rest: list[Paragraph], level: int | None, number: int) -> bool:
    """The next paragraph with a heading continues the list: same level, the next number."""
    for para in rest[:_MAX_ITEM_TAIL]:
        if para.cells is not None:
            return False
        if para.heading is not None:
            return para.heading.level == level and marker_number(para.heading.marker) == number + 1
    return False


#: Unnumbered paragraphs read as the tail of a list item at most (a wrapped item is one or two).
_MAX_ITEM_TAIL = 3


def _paragraph_parts(claims: ClaimSet, following: list[Paragraph], total: Claim) -> list[Claim]:
    """ "基本支出 911,000.39 元，其中：" then "人员经费 809,961.19 元，主要包括：…" and "公用经费
    71,339.2 元，主要包括：…" as paragraphs of their own: each starts with its figure."""
    parts: list[Claim] = []
    for para in following:
        if para.heading is not None or para.cells is not None:
            break
        first = next(iter(claims.in_paragraph(para)), None)
        if (
            first is None
            or not first.primary
            or not first.same_measure(total)
            or first.q.approx
            or len(first.prefix) > 20
            or para.text[: first.q.start].strip() != first.prefix
        ):
            break
        parts.append(first)
    return parts  # one part is still a part: it names what it belongs to


def _by_class(claims: ClaimSet, para: Paragraph, nested: list[tuple[int, int]]) -> list[SumGroup]:
    """ "年初预算支出 X 万元，按功能分类，A a、B b…；按性质分类，C c、D d": one group per 按."""
    triggers = [m for m in _BY_CLASS.finditer(para.text) if not para.in_parens(m.start())]
    if not triggers:
        return []
    total = _total_before(claims, para, triggers[0].start())
    if total is None or total.kind != MONEY:
        return []
    groups = []
    ends = [t.start() for t in triggers[1:]] + [len(para.text)]
    for trigger, end in zip(triggers, ends, strict=True):
        parts = [
            c
            for c in claims.in_paragraph(para)
            if trigger.end() <= c.q.start < end
            and c.listed
            and c.same_measure(total)
            and not any(a <= c.q.start < b for a, b in nested)
        ]
        if len(parts) >= 2:
            partial = bool(_PARTIAL.search(para.text[trigger.end() : parts[0].q.start]))
            groups.append(SumGroup(total, parts, not partial))
    return groups


def group_of(groups: list[SumGroup], part: Claim) -> SumGroup | None:
    """The group in which ``part`` is a component, if any."""
    return next((g for g in groups if any(p is part for p in g.parts)), None)
