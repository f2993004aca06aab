"""A unit's name spelt two ways in one report: "广东省生力促进中心" beside "广东省生产力促进中心"."""

from __future__ import annotations

import re

from jixiao.audit.document import Paragraph
from jixiao.audit.engine import Audit
from jixiao.audit.rules.base import W, rule

#: How the names of units end (中心, 研究所, 委员会, 局, 医院…).
_UNIT_END = re.compile(r"(?:中心|所|院|会|室|局|厅|处|站|馆|队|校|公司|园|团|社|部|办)$")
_NAME = re.compile(r"^[\u4e00-\u9fff（）()]{6,30}$")
_LIST = re.compile(r"(?:分别是|分别为|包括|具体为|即)[：:]?(?P<items>[^。；;]+)")
_ITEM_SPLIT = re.compile(r"[、，,和及]")
_MAX_DROPPED = 2  #: characters a variant leaves out of the full name


@rule("unit-name", "单位名称前后不一")
def check_unit_names(audit: Audit) -> None:
    """A unit named in full where the report lists its units (the unit table, "分别是：A、B、C")
    and elsewhere with one or two characters left out ("广东省生力促进中心" for 广东省生产力促进
    中心): a `warning`. Precision first: the variant must begin and end like the full name
    (the same place and the same kind of unit), keep its characters in order, drop at most two,
    and not be a unit the report lists itself; standard abbreviations that drop more
    ("省科技厅") are not read."""
    known = _listed_names(audit)
    if not known:
        return
    reported: set[tuple[int, str]] = set()
    for name, (line, _) in known.items():
        lengths = _variant_lengths(name)
        if not lengths:
            continue
        head = name[:2]
        for para in audit.doc.paragraphs:
            # every variant begins with the name's first two characters (speed: most
            # paragraphs do not hold them, and the patterns look at every position)
            if para.toc or head not in para.text:
                continue
            for start, variant in _variants(para, name, lengths):
                if variant in known or any(variant in other for other in known):
                    continue
                if (para.index, variant) in reported:
                    continue
                reported.add((para.index, variant))
                audit.extra_claims += 1
                audit.extra_checked += 1
                dropped = _dropped(variant, name)
                audit.report_at(
                    "unit-name",
                    W,
                    para,
                    start,
                    start + len(variant),
                    None,
                    None,
                    f"“{variant}”与本报告所列单位“{name}”（第 {line} 行）只差“{dropped}”字，"
                    f"像是同一单位的两种写法（笔误或简称），请统一为全称",
                )


def _listed_names(audit: Audit) -> dict[str, tuple[int, Paragraph]]:
    """The units the report lists: table cells and the items of "分别是：A、B、C"."""
    names: dict[str, tuple[int, Paragraph]] = {}
    for para in audit.doc.paragraphs:
        candidates: list[str] = []
        if para.cells is not None:
            candidates += [c.strip() for c in para.cells]
        else:
            for match in _LIST.finditer(para.text):
                candidates += [i.strip() for i in _ITEM_SPLIT.split(match.group("items"))]
        for candidate in candidates:
            if _NAME.match(candidate) and _UNIT_END.search(candidate):
                where = para.text.find(candidate)
                names.setdefault(candidate, (para.line_at(max(where, 0)), para))
    return names


def _variant_lengths(name: str) -> list[int]:
    """The lengths of a variant of ``name``: one or two characters shorter, and at least one
    character between its first two and its last two."""
    return [n for n in range(len(name) - _MAX_DROPPED, len(name)) if n - 4 >= 1]


def _variants(para: Paragraph, name: str, lengths: list[int]) -> list[tuple[int, str]]:
    """Spans of ``para`` that are ``name`` with one or two characters left out: for each
    length, every span (overlapping ones too) that begins with the name's first two
    characters, ends with its last two, has only Chinese characters (U+4E00–U+9FFF) between,
    and keeps the name's characters in order. Found with ``str.find``, not a pattern per
    name and length: compiling a pattern with a Chinese character class costs about 1 ms,
    and a report lists dozens of units."""
    found = []
    text, head, tail = para.text, name[:2], name[-2:]
    for length in lengths:
        start = text.find(head)
        while start >= 0:
            span = text[start : start + length]
            if (
                len(span) == length
                and span.endswith(tail)
                and all("\u4e00" <= char <= "\u9fff" for char in span[2:-2])
                and _is_subsequence(span, name)
            ):
                found.append((start, span))
            start = text.find(head, start + 1)
    return found


def _is_subsequence(short: str, long: str) -> bool:
    chars = iter(long)
    return all(char in chars for char in short)


def _dropped(short: str, long: str) -> str:
    """The characters of ``long`` that ``short`` leaves out ("生产力…" − "生力…" → "产")."""
    left, index = [], 0
    for char in long:
        if index < len(short) and short[index] == char:
            index += 1
        else:
            left.append(char)
    return "".join(left)
