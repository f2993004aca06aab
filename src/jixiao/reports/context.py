"""What every section builder shares: figure ids, the figure printer, the context, helpers.

Builders write numbers only through :class:`Figures`, which prints a figure exactly as
the figures engine does and remembers its id, so the report can list its data sources
and every number stays traceable. A sentence whose figure cannot be computed is left
out rather than printed with a blank. Section builders register with :func:`section`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Protocol

from jixiao.dataset.model import Dataset, MoneyLine
from jixiao.lib.money import format_number
from jixiao.lib.registry import Registry
from jixiao.reports.model import (
    Block,
    Cell,
    Chart,
    Omitted,
    Paragraph,
    Run,
    Scorecard,
    ScoreRow,
    Section,
    Series,
    Table,
)
from jixiao.reports.wording import Fill, Wording, join_runs


class FigureLike(Protocol):
    """What the report needs of a figure (:class:`jixiao.figures.model.Figure`)."""

    @property
    def id(self) -> str: ...
    @property
    def label(self) -> str: ...
    @property
    def value(self) -> Decimal | None: ...
    @property
    def unit(self) -> str: ...
    @property
    def formula(self) -> str: ...
    @property
    def inputs(self) -> Mapping[str, str]: ...
    @property
    def text(self) -> str: ...


#: Figure ids the report prints, by role (``{item}`` = the money line's item).
IDS: dict[str, str] = {
    "income.budget": "income.budget.{item}",
    "income.final": "income.final.{item}",
    "income.budget.total": "income.budget.total",
    "income.final.total": "income.final.total",
    "income.share": "income.final.share.{item}",
    "income.ratio": "income.final.ratio_to_budget.{item}",
    "income.ratio.total": "income.final.ratio_to_budget",
    "function.budget": "expenditure.function.budget.{item}",
    "function.final": "expenditure.function.final.{item}",
    "function.budget.total": "expenditure.function.budget.total",
    "nature.budget": "expenditure.nature.budget.{item}",
    "nature.final": "expenditure.nature.final.{item}",
    "nature.ratio": "expenditure.nature.final.ratio_to_budget.{item}",
    "expenditure.budget.total": "expenditure.budget.total",
    "expenditure.final.total": "expenditure.final.total",
    "expenditure.ratio.total": "expenditure.final.ratio_to_budget",
    "economic.final": "expenditure.economic.final.{nature}.{item}",
    "economic.share_nature": "expenditure.economic.final.share_of_nature.{nature}.{item}",
    "economic.share_parent": "expenditure.economic.final.share_of_parent.{nature}.{item}",
    "three_public.budget": "three_public.budget.{item}",
    "three_public.final": "three_public.final.{item}",
    "three_public.prior": "three_public.prior.{item}",
    "three_public.change": "three_public.change.{item}",
    "three_public.growth": "three_public.growth.{item}",
    "three_public.saving": "three_public.saving.{item}",
    "carryover.opening": "carryover.opening",
    "carryover.closing": "carryover.closing",
    "carryover.change": "carryover.change",
    "carryover.change_rate": "carryover.change_rate",
    "carryover.adjustments": "carryover.adjustments",
    "units.count": "units.count",
    "units.prior": "units.prior_count",
    "headcount.authorised": "headcount.authorised",
    "project.budget": "project.{code}.budget",
    "project.base": "project.{code}.execution_base",
    "project.executed": "project.{code}.executed",
    "project.rate": "project.{code}.execution_rate",
    "projects.budget": "projects.budget.total",
    "projects.base": "projects.execution_base.total",
    "projects.executed": "projects.executed.total",
    "projects.rate": "projects.execution_rate",
    "assets": "assets.{key}",
    "carryover.fund.opening": "carryover.{fund}.opening",
    "carryover.fund.closing": "carryover.{fund}.closing",
    "carryover.fund.change": "carryover.{fund}.change",
    "units.admin": "units.count_admin",
    "units.institution": "units.count_institution",
    "headcount.total": "headcount.total",
    "headcount.active": "headcount.active",
    "headcount.retired": "headcount.retired",
    "headcount.pension": "headcount.retired_pension_fund",
    "headcount.survivors": "headcount.survivors",
    "trips.groups": "three_public.trips.groups",
    "trips.persons": "three_public.trips.persons",
}

THREE_PUBLIC_TOTAL = "三公经费合计"


def fid(role: str, **parts: str) -> str:
    """The figure id of ``role`` (a key of :data:`IDS`) for ``parts``."""
    return IDS[role].format(**parts)


class Figures:
    """Prints figures and records which ones the report used, in first-use order."""

    def __init__(self, figures: Mapping[str, FigureLike]) -> None:
        self.figures = figures
        self.used: dict[str, None] = {}

    def has(self, *ids: str) -> bool:
        return all(self._get(i) is not None for i in ids)

    def _get(self, figure_id: str) -> FigureLike | None:
        figure = self.figures.get(figure_id)
        return figure if figure is not None and figure.value is not None else None

    def value(self, figure_id: str) -> Decimal | None:
        figure = self._get(figure_id)
        return None if figure is None else figure.value

    def run(self, figure_id: str, absolute: bool = False) -> Run:
        """The printed figure; call :meth:`has` first (a missing figure is a bug here)."""
        figure = self._get(figure_id)
        if figure is None:
            raise KeyError(figure_id)
        self.used[figure_id] = None
        text = figure.text.lstrip("-") if absolute else figure.text
        return Run(text, figure=figure_id, absolute=absolute)

    def count(self, figure_id: str, fallback: object) -> Run:
        """A count (人, 个) as its figure when the engine has it, else as plain text."""
        return self.run(figure_id) if self.has(figure_id) else Run(str(fallback))

    def cell(self, figure_id: str) -> Cell:
        if not self.has(figure_id):
            return Cell("", numeric=True)
        run = self.run(figure_id)
        return Cell(run.text, figure=figure_id, numeric=True)


@dataclass
class Context:
    dataset: Dataset
    figs: Figures
    scorecard: Scorecard
    wording: Wording
    tables: int = 0
    charts: int = 0
    extra_sections: list[Section] = field(default_factory=list)
    #: entered text the report leaves out (data notes), for the review file
    omitted: list[Omitted] = field(default_factory=list)
    #: 文字说明 keys already printed (an analysis text is printed once, where it fits)
    printed_texts: set[str] = field(default_factory=set)
    #: scorecard lines whose reason the body prints (附表1 prints the others')
    printed_reasons: set[str] = field(default_factory=set)

    @property
    def department(self) -> str:
        return self.dataset.profile.department_name

    @property
    def year(self) -> str:
        return str(self.dataset.profile.year or "")

    @property
    def prior_year(self) -> str:
        year = self.dataset.profile.year
        return str(year - 1) if year else "上"

    def runs(self, key: str, **values: Fill) -> list[Run]:
        return self.wording.runs(key, **values)

    def para(self, key: str, **values: Fill) -> Paragraph:
        return Paragraph(tuple(self.runs(key, **values)))

    def subhead(self, key: str) -> Paragraph:
        return Paragraph(tuple(self.runs(key)), "subhead")

    def caption(self, key: str) -> str:
        return self.wording.text("captions", key, year=self.year, prior=self.prior_year)

    def table(
        self, key: str, header: Sequence[str], rows: Iterable[Sequence[Cell]], note: str = ""
    ) -> Table:
        self.tables += 1
        return Table(
            f"表{self.tables}",
            self.caption(key),
            tuple(header),
            tuple(tuple(r) for r in rows),
            note,
        )

    def chart(
        self, id: str, key: str, kind: str, categories: Sequence[str], series: Sequence[Series]
    ) -> Chart:
        self.charts += 1
        return Chart(
            id, f"图{self.charts}", self.caption(key), kind, tuple(categories), tuple(series)
        )


SectionBuilder = Callable[[Context], list[Block]]
#: outline id → the function that writes that section's blocks.
SECTIONS: Registry[SectionBuilder] = Registry("报告章节")


def section(section_id: str, name: str) -> Callable[[SectionBuilder], SectionBuilder]:
    """Register the builder of outline section ``section_id`` (``name`` is its Chinese name)."""
    return SECTIONS.register(section_id, name)


def texts(ctx: Context, key: str, restated: str = "") -> list[Block]:
    """The department's paragraphs under ``key``, minus what the report generates itself.

    A paragraph matching a ``superseded`` pattern is left out; so is a sentence matching a
    ``superseded_sentences`` pattern or found word for word in ``restated`` (text the
    report prints next to it), so that each fact is stated once. Data notes (sentences
    about the data rather than the department's words) are left out and kept for the
    review file.
    """
    from jixiao.dataset.model import TEXT_KEYS

    ctx.printed_texts.add(key)
    data = ctx.wording.data
    patterns = [re.compile(p) for p in data.get("superseded", {}).get(key, [])]
    sentence_patterns = [re.compile(p) for p in data.get("superseded_sentences", {}).get(key, [])]
    result: list[Block] = []
    for block in ctx.dataset.text(key):
        for p in paragraphs(block):
            if any(pattern.search(p) for pattern in patterns):
                continue
            kept = [
                s
                for s in sentences(p)
                if not any(pattern.search(s) for pattern in sentence_patterns)
                and not (restated and s.strip() in restated)
            ]
            text = clean(ctx, "".join(kept), f"文字说明“{TEXT_KEYS[key]}”")
            if text := without_scores(ctx, text):
                result.append(Paragraph((Run(text),)))
    return result


def clean(ctx: Context, text: str, where: str) -> str:
    """``text`` without its data notes (``data_notes`` of the wording), which go to the review.

    A data note is a sentence about the data rather than the department's own words
    (“报告未给出本指标的完成值……”): the submission report leaves it out, the review file
    lists it with ``where`` it was entered, so nothing entered is lost.
    """
    data = ctx.wording.data
    notes = [re.compile(p) for p in data.get("data_notes", [])]
    asides = [re.compile(p) for p in data.get("data_note_asides", [])]
    kept = []
    for sentence in sentences(text or ""):
        if any(p.search(sentence) for p in notes):
            _omit(ctx, Omitted(where, sentence.strip(), "数据说明，不属于报告正文"))
            continue
        for pattern in asides:
            for match in pattern.finditer(sentence):
                _omit(ctx, Omitted(where, match.group(0), "数据说明，不属于报告正文"))
            sentence = pattern.sub("", sentence)
        kept.append(sentence)
    return tight("".join(kept))


def _omit(ctx: Context, omitted: Omitted) -> None:
    if omitted not in ctx.omitted:  # the same text may be cleaned for the body and 附表1
        ctx.omitted.append(omitted)


#: An ASCII space between a Chinese character and a number or Latin letter (“执行率达 100%”).
_LOOSE = re.compile(
    r"(?<=[\u2e80-\u9fff\uff00-\uffef“”（）、，。；：])[ \u00a0]+(?=[0-9A-Za-z%])|(?<=[0-9A-Za-z%])[ \u00a0]+(?=[\u2e80-\u9fff\uff00-\uffef“”（）、，。；：])"
)


def tight(text: str) -> str:
    """``text`` without the spaces between Chinese and numbers that Chinese type does not use.

    Text copied from a PDF or typed in a spreadsheet often has them (“截至 2023 年 12 月”);
    in a justified line they are the only place the slack can go, and they gape.
    """
    return _LOOSE.sub("", text).strip()


def sentences(text: str) -> list[str]:
    """``text`` cut after each full stop (。！？), the stops kept: joined, they are ``text``."""
    return [s for s in re.split(r"(?<=[。！？])", text) if s]


def without_scores(ctx: Context, text: str) -> str:
    """``text`` without the score sentences the department wrote (the scorecard states them)."""
    for pattern in ctx.wording.data.get("score_statements", []):
        text = re.sub(pattern, "", text)
    return text.strip()


def paragraphs(text: str) -> list[str]:
    return [p.strip() for p in text.splitlines() if p.strip()]


def dept_lines(rows: Sequence[MoneyLine]) -> list[MoneyLine]:
    """The department's own lines (blank unit) of a money table."""
    return [r for r in rows if not r.unit]


def items_by_amount(ctx: Context, role: str, items: Iterable[str]) -> list[str]:
    """Items with a non-zero figure, largest first (the genre lists the big lines first)."""
    present = [i for i in items if ctx.figs.value(fid(role, item=i))]
    return sorted(present, key=lambda i: -(ctx.figs.value(fid(role, item=i)) or Decimal(0)))


def codes_with(
    ctx: Context, role: str, list_name: str, parent: str = "", **parts: str
) -> list[str]:
    """Codes under ``parent`` (top level by default) that the engine has a ``role`` figure for.

    Taken from the figures, not the rows: a parent line the dataset leaves out is
    still summed from its children by the engine, and still reported.
    """
    from jixiao.dataset.codes import load_codes

    return [
        c.code
        for c in load_codes(list_name).codes
        if c.parent == parent and fid(role, item=c.code, **parts) in ctx.figs.figures
    ]


def all_codes(ctx: Context, roles: Sequence[str], list_name: str) -> list[str]:
    """Every code, at any depth, with a figure for one of ``roles``, in code-list order."""
    from jixiao.dataset.codes import load_codes

    return [
        c.code
        for c in load_codes(list_name).codes
        if any(fid(role, item=c.code) in ctx.figs.figures for role in roles)
    ]


def code_name(item: str, list_name: str) -> str:
    from jixiao.dataset.codes import load_codes

    try:
        return load_codes(list_name).name_of(item)
    except FileNotFoundError:
        return item


def amount_list(
    ctx: Context, role: str, items: Sequence[str], list_name: str, phrase: str
) -> list[Run]:
    parts = [
        ctx.runs(phrase, name=code_name(i, list_name), amount=ctx.figs.run(fid(role, item=i)))
        for i in items
    ]
    return join_runs(parts, "、")


def series_for(ctx: Context, name: str, role: str, items: Sequence[str]) -> Series:
    return series_of(ctx, name, [fid(role, item=i) for i in items])


def series_of(ctx: Context, name: str, ids: Sequence[str]) -> Series:
    ctx.figs.used.update({i: None for i in ids if ctx.figs.has(i)})
    return Series(name, tuple(ctx.figs.value(i) for i in ids), tuple(ids))


def note_of(rows: Sequence[MoneyLine], item: str) -> str:
    for row in dept_lines(rows):
        if row.item == item and row.note:
            return row.note.strip()
    return ""


def score_text(value: Decimal | None) -> str:
    """A score as printed: at most 2 decimals, trailing zeros dropped, never “-0”."""
    if value is None:
        return "—"
    text = format_number(value, 2)
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "-0.0") else text


def score_run(row: ScoreRow, which: str) -> Run:
    value = {"points": row.points, "score": row.score, "deduction": row.deduction}[which]
    return Run(score_text(value), score=f"{row.code}.{which}" if row.code else which)
