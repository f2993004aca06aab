"""Build the report model from the dataset, the figures, the scorecard and the findings.

Pure: no files, no printing. The outline comes from the wording file; each outline id
has a section builder (``jixiao.reports.sections``, registered in
:data:`~jixiao.reports.context.SECTIONS`). After the sections, the builder writes the
数据来源 appendix from the figures they used, and the cover.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Mapping, Sequence

from jixiao.dataset.model import Dataset
from jixiao.findings import Finding
from jixiao.reports.context import (
    SECTIONS,
    SEVERITY_LABELS,
    Context,
    FigureLike,
    Figures,
)
from jixiao.reports.model import (
    Block,
    Cell,
    Cover,
    CoverField,
    FindingRow,
    ReportModel,
    Scorecard,
    Section,
    Source,
    Table,
)
from jixiao.reports.wording import Wording, load_wording

# --------------------------------------------------------------------------- entry point


# The 数据来源 appendix is written after every other section, when the used figures are known.
_SOURCES_ID = "appendix.sources"


def _sources_blocks(ctx: Context, sources: Sequence[Source]) -> list[Block]:
    rows = [
        (
            Cell(s.figure),
            Cell(s.label),
            Cell(s.text, figure=s.figure, numeric=True),
            Cell(s.unit),
            Cell(s.formula),
            Cell("；".join(f"{k} = {v}" for k, v in s.inputs)),
        )
        for s in sources
    ]
    table = Table(
        "附录表2",
        "数据来源",
        ("编号", "名称", "数值", "单位", "计算公式", "所依据的数据"),
        tuple(rows),
    )
    return [ctx.para("sources_lead"), table]


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


def _finding_rows(findings: Sequence[Finding]) -> tuple[FindingRow, ...]:
    return tuple(
        FindingRow(SEVERITY_LABELS[f.severity], f.code, f.message, f.place) for f in findings
    )


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


def build_report(
    dataset: Dataset,
    figures: Mapping[str, FigureLike],
    scorecard: Scorecard,
    findings: Sequence[Finding] = (),
    wording: Wording | None = None,
    omit_empty: bool = False,
) -> ReportModel:
    """The report model of ``dataset``: pure, deterministic, every number bound to a figure.

    With ``omit_empty`` (a budget unit's report, which has no free text, goals or scores
    of its own), headings with nothing under them are left out and the rest renumbered.
    """
    import jixiao.reports.sections  # noqa: F401  (registers the section builders)

    ctx = Context(dataset, Figures(figures), scorecard, findings, wording or load_wording())
    sections: list[Section] = []
    for entry in ctx.wording.outline:
        title = entry.title.format(year=ctx.year, department=dataset.profile.department_name)
        if entry.id == _SOURCES_ID:
            sections.append(Section(entry.id, title, entry.level))  # filled below
            continue
        builder = SECTIONS.get(entry.id)
        blocks = tuple(builder(ctx)) if builder else ()
        sections.append(Section(entry.id, title, entry.level, blocks))
    sources = _sources(ctx.figs)
    sections = [
        Section(s.id, s.title, s.level, tuple(_sources_blocks(ctx, sources)))
        if s.id == _SOURCES_ID
        else s
        for s in sections
    ]
    if omit_empty:
        sections = without_empty_sections(sections)
    cover = _cover(ctx)
    return ReportModel(
        title=f"{dataset.profile.department_name}{cover.title}",
        cover=cover,
        sections=tuple(sections),
        scorecard=scorecard,
        findings=_finding_rows(findings),
        sources=sources,
    )
