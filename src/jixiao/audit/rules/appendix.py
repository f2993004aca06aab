"""A report's own 数据来源 appendix: every body figure against the row that sources it.

A report jixiao renders states each figure it computed twice: in the body ("财政拨款收入
592,519.16 万元，占总收入 96.02%") and in 附录 数据来源, one row per figure
(``编号 | 名称 | 数值 | 单位 | 计算公式 | 所依据的数据``). The appendix is a quoting section
that no other rule reads; this rule reads it as the report's own table of figures and
checks every body number whose label names one of its rows against that row, so that a
number changed on either side no longer agrees with the other. A report without such an
appendix is not affected.

Matching reuses the cross-check's figure ids (relation, phase) and labels, more leniently
than ``--dataset`` does: the appendix belongs to this very report, so every figure the
body states for a row's label is that row's figure. A body number equal to any row that
its label matches is confirmed; otherwise the difference is an ``error`` when the row's
whole name is in the label, else a ``warning``.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from jixiao.audit.claims import Claim
from jixiao.audit.crosscheck import (
    _CLAIM_NOISE,
    _FIGURE_NOISE,
    Target,
    _counted_noun,
    _phase_fits,
    _printed,
    _relation_of,
    _row_label,
    _same_unit,
    _target,
)
from jixiao.audit.document import Document
from jixiao.audit.engine import Audit
from jixiao.audit.numbers import COUNT, MONEY, PERCENT
from jixiao.audit.rules.base import E, W, rule

_HEADER = ("编号", "名称", "数值", "单位")
#: Figure ids: ASCII words joined by dots, the last parts may be Chinese ("income.final.事业收入").
_ID = re.compile(r"^[a-z][a-z_0-9]*(\.[^\s.]+)+$")
#: Relation phrases of a figure's name; the cross-check's id already says which relation it is.
_RELATION_NOISE = re.compile(
    r"比上年增减幅度|比上年增减额|比年初预算节约额|为年初预算的比例|占.+的比例|的比例"
)
#: Money stated as a change against another figure ("比上年增加 106.83 万元", "节约 62.70 万元").
_CHANGE_WORDS = re.compile(r"增加|减少|节约|节省|超支|增长|下降|降低|上升")
_DIGITS = re.compile(r"[\d.,%]+")
#: Words that introduce a figure without naming it ("主要是商品和服务支出").
_LEAD_NOISE = re.compile(r"^(主要是|主要为|主要有|主要用于|主要|其中|包括)")
_LIGHT_NOISE = re.compile(r"（\d+）|\(\d+\)|数量|数|“|”|（|）|的")


@dataclass(frozen=True)
class SourceRow:
    """One row of 附录 数据来源: a figure the report computed."""

    id: str
    label: str
    value: Decimal | None
    unit: str


def source_rows(doc: Document) -> list[SourceRow]:
    """The rows of every 数据来源 table (header ``编号 名称 数值 单位 …``) of the document."""
    rows: list[SourceRow] = []
    inside = False
    # (a PDF's rows come from its text lines instead: see text_rows)
    for para in doc.paragraphs:
        cells = para.cells
        if cells is None:
            inside = False
            continue
        stripped = tuple(c.strip() for c in cells)
        if stripped[: len(_HEADER)] == _HEADER:
            inside = True
        elif inside and len(stripped) >= len(_HEADER) and _ID.match(stripped[0]):
            rows.append(SourceRow(stripped[0], stripped[1], _value(stripped[2]), stripped[3]))
    return rows


#: A PDF text layer breaks every cell over several lines and runs the cells of a row together.
#: A row starts on a line that starts with a figure id not followed by "=" (an input of the
#: 所依据的数据 column, "income.final.total = 617056.54", starts with an id too).
_PDF_ROW_START = re.compile(r"^[a-z][a-z_0-9]*\.\S*(?!\S)(?!\s*=)")
_PDF_HEADER = re.compile(r"^编号\s+名称\s+数值\s+单位")
_PDF_NOISE = re.compile(r"^(?:[—-]\s*\d+\s*[—-]|编号\s+名称\s+数值.*)$")
_PDF_END = re.compile(r"^附录")
#: The figure's value and unit: the first number of the row followed by a unit.
_PDF_VALUE = re.compile(
    r"(?<![\d.,])(-?\d{1,3}(?:,\d{3})+(?:\.\d+)?|-?\d+(?:\.\d+)?)\s*(万元|%|人次|个|人|项|家|分|元)(?=\s|$)"
)
_ASCII_ID = re.compile(r"^[A-Za-z0-9_.\u0400-\u04ff]+")  # Cyrillic: a PDF font's "fi" ligature
#: The Chinese part inside an id: "….项目支出.30299".
_INNER_ID = re.compile(r"^[\u4e00-\u9fff（）()]+\.[A-Za-z0-9_.]+")
_ID_PART = re.compile(r"[A-Za-z0-9_.\u0400-\u04ff]+")


def text_rows(lines: Sequence[str]) -> list[SourceRow]:
    """The 数据来源 rows of a PDF text layer (no cells): rebuilt from the lines between ids.

    A row's text before its value is the id run into the name ("income.budget.财" "政拨款收入"
    "财政拨款" "收入年初" "预算数"); the ASCII part of the id says the relation and phase, and
    the name is what follows it, without the id's own Chinese tail when the name repeats it.
    """
    start = next((i for i, line in enumerate(lines) if _PDF_HEADER.match(line.strip())), None)
    if start is None:
        return []
    chunks: list[list[str]] = []
    for line in lines[start + 1 :]:
        text = line.strip()
        if _PDF_END.match(text):
            break
        if not text or _PDF_NOISE.match(text):
            continue
        # A wrapped id ("expenditure.functi" "on.budget.206") goes on until the name starts.
        wrapped_id = bool(chunks) and all(_ID_PART.fullmatch(part) for part in chunks[-1])
        if not chunks or (_PDF_ROW_START.match(text) and not wrapped_id):
            chunks.append([])
        chunks[-1].append(text)
    return [row for chunk in chunks if (row := _text_row(" ".join(chunk))) is not None]


def _text_row(text: str) -> SourceRow | None:
    value = _PDF_VALUE.search(text)
    if value is None:
        return None
    head = re.sub(r"\s+", "", text[: value.start()])
    ident = _ASCII_ID.match(head)
    if ident is None:
        return None
    key = ident.group(0)
    name = head[ident.end() :]
    inner = _INNER_ID.match(name)
    if inner is not None:
        key += inner.group(0)
        name = name[inner.end() :]
    name = name.replace("“", "").replace("”", "")
    # "财政拨款收入财政拨款收入年初预算数": the id's tail, then the name that starts with it.
    for size in range(len(name) // 2, 1, -1):
        if name[:size] == name[size : 2 * size]:
            name = name[size:]
            break
    return SourceRow(key.rstrip("."), name, _value(value.group(1)), value.group(2))


def _value(cell: str) -> Decimal | None:
    try:
        return Decimal(cell.replace(",", ""))
    except InvalidOperation:
        return None


def _targets(rows: list[SourceRow]) -> list[tuple[Target, tuple[str, ...]]]:
    """Each row as a cross-check target, with its name as the body would say it.

    Two forms of the name: without phase words and totals ("“三公”经费合计决算比上年增减幅度"
    → "三公经费"), and with them ("预算单位数量" → "预算单位"); a form shorter than three
    characters ("决算支出合计" → "支出") names too many things to be matched.
    """
    targets = []
    for row in rows:
        target = _target(row.id, row)
        if target is None:
            continue
        # Labels of claims lose 的 (claims._LABEL_NOISE); so do the names.
        bare = _RELATION_NOISE.sub("", row.label)
        heavy = _CLAIM_NOISE.sub("", _FIGURE_NOISE.sub("", bare)).replace("的", "")
        forms = (heavy, _LIGHT_NOISE.sub("", bare))
        targets.append((target, tuple(dict.fromkeys(f for f in forms if len(f) >= 3))))
    return targets


@rule("appendix", "正文与附录数据来源")
def check_against_appendix(audit: Audit) -> None:
    """Every body figure that names a row of the report's 数据来源 appendix equals that row."""
    lines = audit.cache.get("lines")
    rows = source_rows(audit.doc)
    if not rows and isinstance(lines, Sequence):
        rows = text_rows(lines)
    targets = _targets(rows)
    if not targets:
        return
    for claim in audit.claims.claims:
        if claim.q.approx or claim.kind not in (MONEY, PERCENT, COUNT):
            continue
        relation, core = _subject(audit, claim)
        if not relation:
            continue
        matches = list(_matches(claim, relation, core, targets))
        if not matches:
            continue
        audit.mark(claim)
        if any(_printed(claim, t) == claim.q.printed for _, _, t in matches):
            continue
        # The row the words name best (both ways), not merely one whose short name they contain.
        whole, _, target = max(matches, key=lambda m: (m[1], m[0]))
        expected = _printed(claim, target)
        audit.report(
            "appendix",
            E if whole else W,
            claim,
            expected,
            f"附录“数据来源”中“{target.label}”（{target.id}）为 {expected}，正文写 {claim.q.text}",
        )


def _subject(audit: Audit, claim: Claim) -> tuple[str, str]:
    """The relation the number states and the words that name its figure."""
    if claim.kind == PERCENT:
        relation, subject = _relation_of(audit, claim)
        if not relation:
            return "", ""
        if subject is None:
            # "“因公出国（境）费”本年度比上年度增加 83.75 万元，增幅 …%": the sentence names it.
            sentence = claim.para.sentence_at(claim.q.start)
            words = _DIGITS.sub("", claim.para.text[sentence.start : claim.q.start])
            return relation, _CLAIM_NOISE.sub("", words)
        return relation, _core(audit, subject)
    if _CHANGE_WORDS.search(claim.prefix):
        return "change", _CLAIM_NOISE.sub("", _DIGITS.sub("", _sentence_before(claim)))
    return "amount", _core(audit, claim)


def _core(audit: Audit, claim: Claim) -> str:
    words = _row_label(audit, claim) or _counted_noun(claim) or claim.label
    return _CLAIM_NOISE.sub("", _LEAD_NOISE.sub("", words))


def _sentence_before(claim: Claim) -> str:
    sentence = claim.para.sentence_at(claim.q.start)
    return claim.para.text[sentence.start : claim.q.start]


def _matches(
    claim: Claim,
    relation: str,
    core: str,
    targets: list[tuple[Target, tuple[str, ...]]],
) -> Iterator[tuple[bool, float, Target]]:
    """The rows the claim's words name: (whole name in the words, how well, row)."""
    fitting = [
        (t, names)
        for t, names in targets
        if t.relation == relation
        and _same_unit(claim, t)
        and (claim.kind != MONEY or _phase_fits(claim, t))
    ]
    if not core:
        # "团组 19 个、48 人次": an unnamed count is the only row of its measure, if any.
        if claim.kind == COUNT and len(fitting) == 1:
            yield False, 0.0, fitting[0][0]
        return
    words = Counter(core)
    for target, names in fitting:
        best: tuple[bool, float] | None = None
        for name in names:
            # Characters in common, in any order: "离退休人员中由养老保险基金发放养老金的"
            # names "由养老保险基金发放养老金的离退休人员".
            shared = sum((words & Counter(name)).values())
            if shared >= 0.8 * len(name) or shared >= 0.8 * len(core):
                score = (shared == len(name), shared / len(name) + shared / len(core))
                best = score if best is None else max(best, score)
        if best is not None:
            yield best[0], best[1], target
