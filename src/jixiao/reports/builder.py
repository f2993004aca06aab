"""Build the submission report of one evaluation: the model every format prints.

Pure: no files, no printing. The outline comes from the wording file; each outline id
has a section builder (``jixiao.reports.sections``, registered in
:data:`~jixiao.reports.context.SECTIONS`); ``evaluation.items`` stands for one section
per top-level item of the scoring framework. The figures the sections print are kept
(``sources``) for the review file, which lists them with their formulas.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from jixiao.reports.context import SECTIONS, Context, Figures
from jixiao.reports.model import (
    REPORT,
    Cover,
    CoverField,
    ReportModel,
    Section,
    Source,
)
from jixiao.reports.scorecard import printed_scorecard
from jixiao.reports.wording import Wording, load_wording

if TYPE_CHECKING:
    from jixiao.evaluation import Evaluation

# --------------------------------------------------------------------------- entry point

#: The outline entry that stands for one section per top-level item of the framework.
ITEMS_ID = "evaluation.items"


def _unit_count(ctx: Context) -> str | None:
    p = ctx.dataset.profile
    count = (
        p.stated_unit_count if p.stated_unit_count is not None else (len(ctx.dataset.units) or None)
    )
    return None if count is None else ctx.wording.text("cover", "unit_count_value", count=count)


def _budget_code(ctx: Context) -> str | None:
    # Only a one-unit report (a budget unit's own) has one 预算编码 to print.
    units = ctx.dataset.units
    return units[0].code if len(units) == 1 else None


def _fill_date(ctx: Context) -> str:
    day = ctx.dataset.profile.fill_date
    if day is None:
        return ""
    return ctx.wording.text("cover", "date_format", year=day.year, month=day.month, day=day.day)


#: The value of each cover line (``cover_fields`` of the wording); ``None`` leaves it out.
COVER_VALUES: dict[str, Callable[[Context], str | None]] = {
    "department": lambda ctx: ctx.dataset.profile.department_name,
    "unit_count": _unit_count,
    "budget_code": _budget_code,
    "preparer": lambda ctx: ctx.dataset.profile.preparer,
    "phone": lambda ctx: ctx.dataset.profile.phone,
    "fill_date": _fill_date,
}


def _cover(ctx: Context) -> Cover:
    w = ctx.wording
    fields = []
    for key in w.data["cover_fields"]:
        value = COVER_VALUES[key](ctx)
        if value is not None:
            fields.append(CoverField(w.text("cover", key), value))
    title = str(w.data["title"]).format(year=ctx.year)
    name = ctx.dataset.profile.department_name
    return Cover(department=name, title=title, fields=tuple(fields))


def _sources(figs: Figures) -> tuple[Source, ...]:
    result = []
    for figure_id in figs.used:
        f = figs.figures[figure_id]
        result.append(
            Source(
                figure=f.id,
                label=f.label,
                text=f.text,
                unit=f.unit,
                formula=f.formula,
                inputs=tuple((k, v) for k, v in f.inputs.items()),
            )
        )
    return tuple(result)


_NUMERALS = "一二三四五六七八九十"
#: The numbering of a heading at each level (1 = 一、, 2 = （一）, 3 = 1.) and how to write it.
_NUMBERING: dict[int, tuple[re.Pattern[str], Callable[[int], str]]] = {
    1: (re.compile(rf"^[{_NUMERALS}]+、"), lambda n: f"{_chinese(n)}、"),
    2: (re.compile(rf"^（[{_NUMERALS}]+）"), lambda n: f"（{_chinese(n)}）"),
    3: (re.compile(r"^\d+[.．]"), lambda n: f"{n}."),
}


def _chinese(n: int) -> str:
    """1–99 in Chinese numerals (一, 十, 十一, 二十三)."""
    tens, ones = divmod(n, 10)
    head = "" if tens == 0 else ("十" if tens == 1 else f"{_NUMERALS[tens - 1]}十")
    return head + (_NUMERALS[ones - 1] if ones else "")


def without_empty_sections(sections: Sequence[Section]) -> list[Section]:
    """``sections`` without the headings that have nothing under them, renumbered.

    A section is kept when it has blocks or a kept section below it; the numbered
    headings that remain run 一、二、…, （一）（二）…, 1. 2. … again under each parent.
    """
    kept: list[Section] = []
    for i, s in enumerate(sections):
        below = []
        for t in sections[i + 1 :]:
            if t.level <= s.level:
                break
            below.append(t)
        if s.blocks or any(t.blocks for t in below):
            kept.append(s)
    counters: dict[int, int] = {}
    result = []
    for s in kept:
        counters = {level: n for level, n in counters.items() if level <= s.level}
        title = s.title
        if s.level in _NUMBERING and (match := _NUMBERING[s.level][0].match(title)):
            counters[s.level] = counters.get(s.level, 0) + 1
            title = _NUMBERING[s.level][1](counters[s.level]) + title[match.end() :]
        result.append(dataclasses.replace(s, title=title))
    return result


def build_report(evaluation: Evaluation, wording: Wording | None = None) -> ReportModel:
    """The submission report of one evaluation: pure, deterministic, every number a figure.

    The outline comes from the wording; ``evaluation.items`` stands for one section per
    top-level item of the framework. Headings with nothing under them are left out and
    the rest renumbered (一、（一）1. run on without gaps).
    """
    import jixiao.reports.sections  # noqa: F401  (registers the section builders)

    wording = wording or load_wording()
    dataset = evaluation.dataset
    choice = evaluation.framework
    scorecard = printed_scorecard(
        evaluation.report_scorecard, wording, choice.framework, choice.reason
    )
    ctx = Context(dataset, Figures(evaluation.figures), scorecard, wording)
    sections: list[Section] = []
    for entry in ctx.wording.outline:
        if entry.id == ITEMS_ID:
            sections += _item_sections(ctx, entry.title, entry.level)
            continue
        title = entry.title.format(year=ctx.year, department=dataset.profile.department_name)
        builder = SECTIONS.get(entry.id)
        blocks = tuple(builder(ctx)) if builder else ()
        sections.append(Section(entry.id, title, entry.level, blocks))
    cover = _cover(ctx)
    return ReportModel(
        title=f"{dataset.profile.department_name}{cover.title}",
        cover=cover,
        sections=tuple(without_empty_sections(sections)),
        scorecard=scorecard,
        sources=_sources(ctx.figs),
        kind=REPORT,
        omitted=tuple(ctx.omitted),
    )


def _item_sections(ctx: Context, title: str, level: int) -> list[Section]:
    """One section per top-level item of the scorecard (投入, 过程, … or 履职效能, 管理效率)."""
    from jixiao.reports.sections.evaluation import item_blocks

    sections = []
    for row in ctx.scorecard.at_level(1):
        text = title.format(name=row.name, year=ctx.year, department=ctx.department)
        sections.append(
            Section(f"{ITEMS_ID}.{row.code}", text, level, tuple(item_blocks(ctx, row)))
        )
    return sections
