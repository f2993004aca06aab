"""A year that does not belong to the report: "2022 年" over the 2023 report's own figures."""

from __future__ import annotations

import re
from collections import Counter

from jixiao.audit.claims import Claim, lcs
from jixiao.audit.document import Clause, Paragraph
from jixiao.audit.engine import Audit
from jixiao.audit.numbers import MONEY, PERCENT
from jixiao.audit.rules.base import W, rule, show

_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*年")
#: A year a comparison, a span or a list names ("较2022年", "2021—2023年", "2021、2022 年"),
#: or a balance carried across the year end ("2022年末结转结余" is the 2023 report's opening
#: balance): not the year the sentence's figures are for.
_OTHER_BEFORE = re.compile(r"(?:比|较|与|同比|相比|对比|从|自|至|到|截至|截止|[—\-~～、至]\s*)\s*$")
_OTHER_AFTER = re.compile(r"^\s*年度?\s*(?:末|底|初|以来|起|前|之前|后|以后|[—\-~～、至]|\d)")
#: Names of balances and of last year's figures: they are of two years by nature.
_CROSS_YEAR = re.compile(r"年初(?!预算)|年末|上年|去年|结转|结余|同期|以前年度|历年|累计")
#: Enough money or percent figures (of the report's own years) to tell which year it is for.
_MIN_FIGURES = 3


@rule("year", "年份与报告年度")
def check_years(audit: Audit) -> None:
    """A sentence that names another year than the report's but states the report year's own
    figures ("2022 年……本部门 2023 年决算收入合计 617,056.54 万元" in a 2023 report, where
    617,056.54 is the 2023 figure stated elsewhere): the year is probably a slip. A `warning`
    with the figures and the line that states them for the report's year.

    Precision first: the report's year is the year most of its money figures are for; the
    sentence's year is the first it names outside a comparison ("较2022年"), a span or a year
    end; every specific figure of the sentence (three significant digits or more, not a
    balance carried across years) must be stated elsewhere in the report for the report's year
    under a similar name, and at least one must be.
    """
    year = report_year(audit)
    if year is None:
        return
    own = _own_figures(audit, year)
    for para in audit.doc.body():
        if para.cells is not None:
            continue
        for sentence in para.sentences:
            named = _subject_year(para, sentence)
            if named is None or named[0] == year:
                continue
            claims = [
                c
                for c in audit.claims.in_paragraph(para)
                if sentence.start <= c.q.start < sentence.end and _specific(c)
            ]
            if not claims:
                continue
            matches = [_stated_for(c, own) for c in claims]
            if any(m is None for m in matches):
                continue
            pairs = [(c, m) for c, m in zip(claims, matches, strict=True) if m is not None]
            audit.mark(*(c for c, _ in pairs), *(m for _, m in pairs))
            figures = "、".join(f"{show(c)}（第 {m.line} 行）" for c, m in pairs)
            start = named[1]
            audit.report_at(
                "year",
                W,
                para,
                start,
                start + 4,
                str(named[0]),
                str(year),
                f"此句写“{named[0]} 年”，但所引 {figures} 是本报告 {year} 年的数据；"
                f"年份疑为 {year} 年，请核对",
            )


def report_year(audit: Audit) -> int | None:
    """The year most of the report's money figures are for (None when it cannot be told)."""
    cached = audit.cache.get("report-year", 0)
    if cached != 0:
        return cached  # type: ignore[return-value]
    years = Counter(
        c.year
        for c in audit.claims.claims
        if c.kind == MONEY and not c.q.approx and c.year is not None
    )
    found = None
    if years:
        best, count = years.most_common(1)[0]
        if count >= _MIN_FIGURES and count * 2 > sum(years.values()):
            found = best
    audit.cache["report-year"] = found
    return found


def _own_figures(audit: Audit, year: int) -> dict[tuple[str, object], list[Claim]]:
    found: dict[tuple[str, object], list[Claim]] = {}
    for claim in audit.claims.claims:
        if claim.year == year and _specific(claim):
            found.setdefault((claim.kind, claim.q.value), []).append(claim)
    return found


def _subject_year(para: Paragraph, sentence: Clause) -> tuple[int, int] | None:
    """The first year the sentence names as its own (not compared, spanned or a year end)."""
    for match in _YEAR.finditer(para.text, sentence.start, sentence.end):
        before = para.text[max(sentence.start, match.start() - 4) : match.start()]
        after = para.text[match.end(1) : match.end(1) + 6]
        if _OTHER_BEFORE.search(before) or _OTHER_AFTER.match(after):
            continue
        return int(match.group(1)), match.start(1)
    return None


def _specific(claim: Claim) -> bool:
    """A figure specific enough that two equal ones are one fact: three significant digits."""
    if claim.q.approx or claim.kind not in (MONEY, PERCENT):
        return False
    if _CROSS_YEAR.search(claim.prefix) or _CROSS_YEAR.search(claim.label):
        return False
    digits = claim.q.text.replace(".", "").lstrip("0").rstrip("0")
    return len(digits) >= 3


def _stated_for(claim: Claim, own: dict[tuple[str, object], list[Claim]]) -> Claim | None:
    """The same figure stated in another sentence for the report's year, under a like name."""
    for other in own.get((claim.kind, claim.q.value), []):
        here = claim.para.sentence_at(claim.q.start)
        if other.para is claim.para and other.para.sentence_at(other.q.start) == here:
            continue
        if other.q.places != claim.q.places or other.q.unit != claim.q.unit:
            continue
        shared = lcs(_name(claim), _name(other))
        if shared >= 2 or (not _name(claim) and not _name(other)):
            return other
    return None


def _name(claim: Claim) -> str:
    return re.sub(r"本部门|本单位|省科技厅|[（）()“”]", "", claim.label)
