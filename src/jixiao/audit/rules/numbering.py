"""Heading numbers run 1, 2, 3… under each parent, in the body and in the table of contents."""

from __future__ import annotations

import re

from jixiao.audit.document import parse_heading
from jixiao.audit.engine import Audit
from jixiao.audit.numbers import chinese_numeral
from jixiao.audit.rules.base import W, rule

_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"


@rule("numbering", "标题序号")
def check_numbering(audit: Audit) -> None:
    """ "1. … 2. … 2. … 3." in the table of contents: the second 2 should be 3."""
    for contents in (True, False):
        counters: dict[int, int] = {}  # heading level → last number seen under the current parent
        for para in audit.doc.paragraphs:
            if (para.cells is not None and not para.toc) or para.toc != contents:
                continue
            heading = para.heading if not contents else parse_heading(para.text)
            if heading is None:
                continue
            number = marker_number(heading.marker)
            if number is None:
                continue
            for deeper in [level for level in counters if level > heading.level]:
                del counters[deeper]  # a new parent: its children start again at 1
            previous = counters.get(heading.level)
            counters[heading.level] = number
            if previous is None:
                continue  # the first item of a list (an excerpt may start anywhere)
            expected = previous + 1
            audit.extra_claims += 1
            audit.extra_checked += 1
            if number not in (expected, 1):  # 1 starts a new list (after a table of contents…)
                where = "目录" if contents else "正文"
                audit.report_at(
                    "numbering",
                    W,
                    para,
                    0,
                    len(heading.marker),
                    str(number),
                    str(expected),
                    f"{where}标题序号不连续：上一项为 {expected - 1}，此处应为 {expected}，写作“{heading.marker}”",
                )


def marker_number(marker: str) -> int | None:
    """The number a heading marker carries: "一、" 1, "（二）" 2, "3." 3, "(4)" 4, "⑤" 5."""
    inner = re.sub(r"[、.．()（）\s]", "", marker)
    if not inner:
        return None
    if inner in _CIRCLED:
        return _CIRCLED.index(inner) + 1
    if inner.isdigit():
        return int(inner)
    return chinese_numeral(inner)
