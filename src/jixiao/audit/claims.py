"""Claims: each number of the report with what it refers to.

A claim is a :class:`~jixiao.audit.numbers.Quantity` placed in its paragraph, with the
words before it in its clause (its *label*: "财政拨款收入", "决算支出合计"), whether it is
the clause's own figure (*primary*) or a term of a relation ("比上年增加 …", "占 …"),
and its *phase*: a budget figure (年初预算), a final one (决算) or last year's.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from functools import cached_property

from jixiao.audit.document import Document, Paragraph
from jixiao.audit.numbers import COUNT, MONEY, Quantity

BUDGET = "budget"
FINAL = "final"
PRIOR = "prior"

#: Words that make a number a term of a relation rather than the clause's own figure.
_RELATION_WORDS = re.compile(
    r"比|较|节约|节省|增加|减少|增长|下降|上升|降低|增幅|减幅|降幅|占|超支|为年初预算|扣|"
    r"增收|减收|增支|减支|节支|差值|差额|预算的|完成预算|完成年初预算|完成调整预算"
)
#: Phase words, checked in order inside the label, then the sentence, paragraph and headings.
_PHASES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"上年|上一年|去年|同期"), PRIOR),
    (re.compile(r"决算|执行数|实际支出|实际完成"), FINAL),
    (re.compile(r"年初预算|预算数|预算编制|预算收入|预算支出|批复|预算(?=为|是|安排|$)"), BUDGET),
)
_LABEL_NOISE = re.compile(
    r"\d{4}\s*年度?|[①-⑳]|^[（(]?\d{1,2}[)）.、]|其中|本部门|本单位|本级|全省|我省|本省|全市|我市|全县|"
    r"全年|目前|截至目前|截至年底|合计|总计|共计|累计|达到|分别|为|是|达|(?<!公)共|计|的|：|:|“|”|\"|\s"
)
_REPEATED_CATEGORY = re.compile(r"(收入|支出)(?:决算|预算|年初预算)?\1$")
_LEADING_JOINER = re.compile(r"^(和|及|与|以及|、)+")
#: Phase words inside a relation ("比年初预算的…", "较上年…") say nothing about the figure itself.
_RELATION_PHASE = re.compile(
    r"(比|较|为|是|占|完成|同比)(年初|全年|调整后)?(预算|上年度?|去年|上一年度?)(数)?(同口径|同期)?的?"
)
_PARENS = re.compile(r"[（(][^（()）]*[)）]")
_CORE_NOISE = re.compile(r"[（）()“”]|决算|年初|预算|执行|实际|完成|数额?|金额|年度?|年末|年初")


@dataclass(eq=False)
class Claim:
    """One number of the report in its context."""

    id: int
    para: Paragraph
    q: Quantity
    prefix: str  #: the clause text before the number
    primary: bool  #: the clause's own figure (not 比…/占…/增加… of another one)
    listed: bool  #: an item of an enumeration ("A a 万元、B b 万元和 C c 万元"), or primary

    @property
    def kind(self) -> str:
        return self.q.kind

    @property
    def line(self) -> int:
        return self.para.line_at(self.q.start)

    @cached_property
    def label(self) -> str:
        """The prefix without years, scope words and verbs: "财政拨款收入"."""
        label = _LABEL_NOISE.sub("", self.prefix)
        # "事业收入 2023 年决算收入合计" names 事业收入: drop the repeated category word.
        label = _REPEATED_CATEGORY.sub(r"\1", label)
        return _LEADING_JOINER.sub("", label)

    @cached_property
    def core(self) -> str:
        """The label without phase words, to match a final figure with its budget."""
        return _CORE_NOISE.sub("", self.label)

    @cached_property
    def phase(self) -> str:
        sentence = self.para.sentence_at(self.q.start)
        before = (self.para.text[sentence.start : self.q.start], self.para.text[: self.q.start])
        # Relation phrases ("为年初预算的") and asides in parentheses say nothing about this figure.
        cleaned = (_RELATION_PHASE.sub("", _PARENS.sub("", t)) for t in before)
        for text in (self.prefix, *cleaned, *self._headings()):
            phase = phase_of(text)
            if phase:
                return phase
        return ""

    @cached_property
    def year(self) -> int | None:
        """The year this figure is for: the year named nearest before it in its sentence
        ("2021年度“三公”经费合计支出 20.12 万元"), else earlier in its paragraph, else in its
        headings ("二、2021年“三公”经费决算情况"). A year a relation compares with ("较2021年度
        增加") is the other figure's, not this one's."""
        sentence = self.para.sentence_at(self.q.start)
        for text in (
            self.para.text[sentence.start : self.q.start],
            self.para.text[: sentence.start],
            *self._headings(),
        ):
            year = year_in(text)
            if year is not None:
                return year
        return None

    def _headings(self) -> list[str]:
        return [h.title for h in reversed(self.para.trail)]

    def same_measure(self, other: Claim) -> bool:
        """Both money, both percent, or counts of the same thing (人 and 万人, not 人 and 家)."""
        if self.kind != other.kind:
            return False
        if self.kind == COUNT:
            return self.q.unit.lstrip("万亿") == other.q.unit.lstrip("万亿")
        return self.kind == MONEY or self.q.unit == other.q.unit

    def clause_text(self) -> str:
        clause = self.para.clause_at(self.q.start)
        return clause.text


_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*年")
#: "较2021年度", "与2020年相比", "比上年": the year of the figure compared with, not of this one.
_COMPARED_YEAR = re.compile(r"(?:比|较|与|同比|相比)\s*(?:19|20)\d{2}\s*年度?")


@functools.lru_cache(maxsize=4096)  # speed: claims of a sentence ask about the same texts
def year_in(text: str) -> int | None:
    """The last year named in ``text`` (not one a comparison names), or None."""
    years = _YEAR.findall(_COMPARED_YEAR.sub("", text))
    return int(years[-1]) if years else None


#: Names of budget *accounts* (一般公共预算收入 is money collected, not a budget figure).
ACCOUNTS = re.compile(r"一般公共预算|公共财政预算|政府性基金预算|国有资本经营预算|社会保险基金预算")


@functools.lru_cache(maxsize=4096)  # speed: claims of a sentence ask about the same texts
def phase_of(text: str) -> str:
    """The phase word nearest the end of ``text`` decides: 年初预算 → budget, 决算 → final, 上年 → prior.

    The names of the budget accounts (一般公共预算收入, 政府性基金预算支出) say which account a
    figure is in, not that it is a budget figure: they are blanked out first.
    """
    text = ACCOUNTS.sub(lambda m: "#" * len(m.group(0)), text)
    best, where = "", -1
    for pattern, phase in _PHASES:
        for match in pattern.finditer(text):
            if match.start() > where:
                best, where = phase, match.start()
    return best


@dataclass
class ClaimSet:
    """Every claim of a document, in reading order, with look-ups by paragraph."""

    doc: Document
    claims: list[Claim]

    def in_paragraph(self, para: Paragraph) -> list[Claim]:
        return self._by_paragraph.get(para.index, [])

    @cached_property
    def _by_paragraph(self) -> dict[int, list[Claim]]:
        index: dict[int, list[Claim]] = {}
        for claim in self.claims:
            index.setdefault(claim.para.index, []).append(claim)
        return index

    def at(self, para: Paragraph, offset: int) -> Claim | None:
        return next((c for c in self.in_paragraph(para) if c.q.start == offset), None)

    def before(self, claim: Claim) -> list[Claim]:
        """Claims of the same paragraph before ``claim``, nearest first."""
        return [c for c in reversed(self.in_paragraph(claim.para)) if c.q.start < claim.q.start]


def extract_claims(doc: Document) -> ClaimSet:
    """A claim for every number with a unit outside the table of contents."""
    claims: list[Claim] = []
    for para in doc.body():
        previous_end, previous_start = 0, -1
        for q in para.quantities:  # in reading order
            clause = para.clause_at(q.start)
            # The label starts after the previous number: "…万元和其他收入 X 万元" names 其他收入.
            prefix = para.text[max(clause.start, previous_end) : q.start]
            first_in_clause = previous_start < clause.start
            primary = _is_primary(para, q, prefix, first_in_clause)
            listed = primary or _is_listed(para, q, prefix)
            claims.append(Claim(len(claims), para, q, prefix.strip(), primary, listed))
            previous_end, previous_start = q.end, q.start
    return ClaimSet(doc, claims)


def _is_primary(para: Paragraph, q: Quantity, prefix: str, first_in_clause: bool) -> bool:
    """The clause's own figure: its first number, not an aside, not a term of a relation."""
    if q.approx or para.in_parens(q.start) or not first_in_clause:
        return False
    return not _RELATION_WORDS.search(prefix)


def _is_listed(para: Paragraph, q: Quantity, between: str) -> bool:
    """An enumeration item: the words since the previous number name it and relate nothing."""
    if q.approx or para.in_parens(q.start):
        return False
    return bool(re.search(r"[\u4e00-\u9fff]", between)) and not _RELATION_WORDS.search(between)


@functools.lru_cache(maxsize=8192)  # speed: rules compare the same pairs of labels again
def lcs(a: str, b: str) -> int:
    """Length of the longest common subsequence: how much two labels share."""
    if not a or not b:
        return 0
    previous = [0] * (len(b) + 1)
    for char in a:
        current = [0]
        for j, other in enumerate(b):
            current.append(previous[j] + 1 if char == other else max(previous[j + 1], current[j]))
        previous = current
    return previous[-1]


def similarity(a: str, b: str) -> tuple[int, float]:
    """(shared characters, share of the longer label): higher is a better match."""
    shared = lcs(a, b)
    return shared, shared / max(len(a), len(b), 1)
