"""Heading numbers run 1, 2, 3… under each parent, in the body and in the table of contents."""

from __future__ import annotations

import re

from jixiao.audit.document import Paragraph, marker_number, parse_heading
from jixiao.audit.engine import Audit
from jixiao.audit.rules.base import W, rule


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


# --------------------------------------------------------------------------- 图表编号

#: A caption: "图1 2023年预算收入结构", "表 2：…", "（图1：收、支决算总计变动情况图）", "附表1".
#: Chapter numbers ("图2-1", "表3.2") are another scheme and are not read; neither are
#: references that start a sentence ("表1所示…", "图2显示…") or a quotation ("表2：“…”").
_CAPTION_NUMBER = re.compile(
    r"[（(]?\s*(?P<kind>附表|表|图)\s*(?P<number>\d{1,3})(?![\d.．\-－—–])"
    r"(?!\s*(?:所示|中|显示|列示|可见|为|是|的|和|与|及|、))"
    # "表2：“全省5家…”" quotes what table 2 says (a table cell citing a source), no caption.
    r"(?!\s*[：:]\s*[“\"「])"
)
_KIND_NAMES = {"图": "图号", "表": "表号", "附表": "附表号"}


@rule("caption-numbering", "图表编号")
def check_caption_numbering(audit: Audit) -> None:
    """ "图1 … 图2 … 图3 … 图11": captions of figures and tables number 1, 2, 3… through the
    report (附表 on their own). A number repeated (a table continued on the next page) or a
    new start at 1 (an annex numbered on its own) is not a gap. A `warning`: a chart may have
    been left out on purpose, but the reader is sent looking for 图4 to 图10."""
    last: dict[str, tuple[int, int]] = {}  # kind → (its last number, its line)
    for para, offset in _line_starts(audit):
        match = _CAPTION_NUMBER.match(para.text, offset)
        if match is None:
            continue
        kind, number = match.group("kind"), int(match.group("number"))
        previous = last.get(kind)
        last[kind] = (number, para.line_at(offset))
        if previous is None:
            continue  # an excerpt may start anywhere
        audit.extra_claims += 1
        audit.extra_checked += 1
        before, line = previous
        if number in (before, before + 1, 1):
            continue
        audit.report_at(
            "caption-numbering",
            W,
            para,
            match.start("number"),
            match.end("number"),
            str(number),
            str(before + 1),
            f"{_KIND_NAMES[kind]}不连续：上一个为{kind}{before}（第 {line} 行），此处为{kind}{number}，"
            f"应为{kind}{before + 1}",
        )


def _line_starts(audit: Audit) -> list[tuple[Paragraph, int]]:
    """Where each source line starts, in its paragraph: a caption is a line of its own even
    when the paragraph joined it to the next ("（图1：…）" has no sentence end)."""
    starts = []
    for para in audit.doc.paragraphs:
        if para.toc or (para.cells is not None and len(para.cells) > 1):
            continue
        for offset in dict.fromkeys(para.line_offsets):
            while offset < len(para.text) and para.text[offset].isspace():
                offset += 1
            starts.append((para, offset))
    return starts
