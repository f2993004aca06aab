"""The report model: what a self-evaluation report says, before any layout.

:func:`jixiao.reports.builder.build_report` fills it from the dataset, the figures,
the scorecard and the findings; the renderers (Word, HTML, PDF, Excel) only lay it
out. Every generated number is a :class:`Run` or :class:`Cell` that names the figure
it prints, so a reader (and the tests, and the audit) can trace it to its formula.
The model is plain frozen dataclasses and serialises to JSON for snapshot tests.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from decimal import Decimal
from typing import Any


@dataclass(frozen=True)
class Run:
    """A piece of paragraph text; ``figure`` is set when the text is a generated number.

    ``absolute`` runs print the magnitude of a signed figure (``1,198.05`` for
    ``-1,198.05``) because the words around them (增加/减少) carry the direction.
    ``score`` names the scorecard line (``2.1``) a printed score comes from.
    """

    text: str
    figure: str = ""
    absolute: bool = False
    score: str = ""
    bold: bool = False


@dataclass(frozen=True)
class Paragraph:
    """A body paragraph made of runs (``style``: ``body``, ``note`` or ``center``)."""

    runs: tuple[Run, ...]
    style: str = "body"

    @property
    def text(self) -> str:
        return "".join(r.text for r in self.runs)


@dataclass(frozen=True)
class Cell:
    """One table cell; ``figure`` is set when it prints a computed figure.

    ``indent`` sets a sub-row's label in by that many characters (“其中：” rows: 人员经费
    under 基本支出); ``bold`` marks a 合计 row; ``anchor`` names the cell so a link can
    point at it (the review file's 数据来源 rows); ``places`` is the number of decimals a
    numeric cell is printed with, so a workbook can show the same text as a number.
    """

    text: str
    figure: str = ""
    numeric: bool = False  #: right-aligned in every renderer
    indent: int = 0
    bold: bool = False
    anchor: str = ""


@dataclass(frozen=True)
class Table:
    """A captioned table (表N) whose header row repeats on every page."""

    number: str  #: "表1"
    caption: str
    header: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]
    note: str = ""  #: e.g. "单位：万元"
    #: a sheet name for the workbook (≤ 31 characters); the caption when blank
    sheet: str = ""


@dataclass(frozen=True)
class Series:
    """One data series of a chart; ``figures`` names the figure behind each value, if any."""

    name: str
    values: tuple[Decimal | None, ...]
    figures: tuple[str, ...] = ()


@dataclass(frozen=True)
class Chart:
    """A chart spec (图N): categories, series and how to draw them; the PNG is rendered later."""

    id: str  #: stable name, also the image file stem
    number: str  #: "图1"
    caption: str
    kind: str  #: a key of :data:`jixiao.reports.charts.CHART_KINDS`
    categories: tuple[str, ...]
    series: tuple[Series, ...]
    unit: str = "万元"


Block = Paragraph | Table | Chart


@dataclass(frozen=True)
class Section:
    """A heading and the blocks under it; ``level`` 1 = 一、, 2 = （一）, 3 = 1."""

    id: str
    title: str
    level: int
    blocks: tuple[Block, ...] = ()
    in_toc: bool = True


@dataclass(frozen=True)
class CoverField:
    label: str
    value: str


@dataclass(frozen=True)
class Cover:
    department: str
    title: str  #: "2023 年度部门整体支出绩效自评报告"
    fields: tuple[CoverField, ...]


@dataclass(frozen=True)
class ScoreRow:
    """One line of 附表1 评分表, with the numbers exactly as every format prints them.

    ``points``, ``score`` and ``deduction`` are at the printed precision (the framework's
    decimals): the printed points of a parent's children add up to the parent's, a
    parent's score is the sum of its scored children (or, where the framework scores the
    parent as a whole, says so), a deduction is never negative.
    """

    code: str
    name: str
    level: int  #: 1 = 一级指标, 2 = 二级, …
    points: Decimal | None
    score: Decimal | None
    deduction: Decimal | None
    #: the department's own 评分说明 (what the report quotes); blank when it gave none
    reason: str = ""
    #: ``scored``; ``partial`` (some children lack data: the score is the sum of the
    #: scored ones); ``missing`` (cannot be scored); ``whole`` (scored as a whole by the
    #: department because its children could not all be scored)
    status: str = "scored"
    #: 评分标准: how the framework scores this line, in words (blank for a parent)
    standard: str = ""
    #: how the score was computed (the engine's 评分说明): for the review file
    explanation: str = ""
    #: names of the children that could not be scored
    unscored: tuple[str, ...] = ()
    #: where the line's data is (the 自评评分 row, the framework line): for the review file
    source: str = ""
    #: the framework computed the line from the data (its calculation explains a deduction)
    computed: bool = False


@dataclass(frozen=True)
class Scorecard:
    """The scores as the report prints them: rows, total and the grade from the framework."""

    title: str
    rows: tuple[ScoreRow, ...]
    points: Decimal | None
    total: Decimal | None
    grade: str
    framework: str = ""  #: the framework's id (for the review file)
    framework_name: str = ""  #: the framework's name as a reader knows it
    #: how the framework was chosen (the evaluation's reason), for the review file
    basis: str = ""
    places: int = 2  #: decimals of the printed scores

    @property
    def complete(self) -> bool:
        """Every top-level line is scored: the total is the score, not a lower bound."""
        return all(r.status in ("scored", "whole") for r in self.at_level(1))

    @property
    def deduction(self) -> Decimal | None:
        """The total deduction: full marks − total (None without a total or when incomplete).

        With lines unscored the total is the sum of what was scored; full marks minus it
        would count every unscored point as deducted.
        """
        if self.points is None or self.total is None or not self.complete:
            return None
        return max(self.points - self.total, Decimal(0))

    def at_level(self, level: int) -> tuple[ScoreRow, ...]:
        return tuple(r for r in self.rows if r.level == level)


@dataclass(frozen=True)
class Source:
    """数据来源: one figure used in the report, with its formula and dataset inputs."""

    figure: str
    label: str
    text: str
    unit: str
    formula: str
    inputs: tuple[tuple[str, str], ...]  #: (where in the dataset, value as text)


#: The two products made from one evaluation.
REPORT = "report"  #: the submission report the department signs (送审报告)
REVIEW = "review"  #: the review file for the finance office and reviewers (审核底稿)


@dataclass(frozen=True)
class Omitted:
    """Text the department entered that the submission report does not print, and why.

    A data note (“报告未给出本指标的完成值…”) is about the data, not the department's
    words; it is listed in the review file, so nothing entered is lost.
    """

    where: str  #: the table and row it came from (“绩效指标 核心技术突破数 完成情况说明”)
    text: str
    reason: str


@dataclass(frozen=True)
class ReportModel:
    """A whole document: cover, sections, the scorecard, and the figures it used.

    ``kind`` is :data:`REPORT` (the submission report: no codes, ids, cells or data
    notes) or :data:`REVIEW` (the review file: findings with their places, the score
    calculations and 数据来源 with figure ids). The review file carries the report it
    reviews in ``body``, so its HTML can link every printed number to its source.
    """

    title: str  #: "广东省科学技术厅2023年度部门整体支出绩效自评报告"
    cover: Cover
    sections: tuple[Section, ...]
    scorecard: Scorecard
    #: every figure the body prints, with its formula and inputs (printed by the review)
    sources: tuple[Source, ...]
    kind: str = REPORT
    #: entered text the body leaves out (data notes), listed by the review file
    omitted: tuple[Omitted, ...] = ()
    #: the review file's copy of the report's body sections (figures linked to sources)
    body: tuple[Section, ...] = ()

    @property
    def charts(self) -> tuple[Chart, ...]:
        return tuple(b for s in self.sections for b in s.blocks if isinstance(b, Chart))

    @property
    def tables(self) -> tuple[Table, ...]:
        return tuple(b for s in self.sections for b in s.blocks if isinstance(b, Table))

    def figure_runs(self) -> list[Run]:
        """Every printed figure (table cells as runs), in reading order."""
        runs: list[Run] = []
        for section in self.sections:
            for block in section.blocks:
                if isinstance(block, Paragraph):
                    runs += [r for r in block.runs if r.figure]
                elif isinstance(block, Table):
                    runs += [
                        Run(c.text, figure=c.figure) for row in block.rows for c in row if c.figure
                    ]
        return runs

    def figure_ids(self) -> set[str]:
        """Ids of every figure the report uses (text, tables and chart series)."""
        ids = {run.figure for run in self.figure_runs()}
        for chart in self.charts:
            ids.update(f for s in chart.series for f in s.figures if f)
        return ids

    def to_json(self) -> dict[str, Any]:
        """The model as plain JSON values (Decimals as exact text), for snapshots."""
        result: dict[str, Any] = _jsonable(self)
        return result


#: Block types are tagged in JSON so a snapshot shows what each block is.
_TAGGED = (Paragraph, Table, Chart)


def _jsonable(value: Any) -> Any:
    if isinstance(value, Decimal):
        return format(value, "f")
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        out: dict[str, Any] = {"type": type(value).__name__} if isinstance(value, _TAGGED) else {}
        for f in dataclasses.fields(value):
            out[f.name] = _jsonable(getattr(value, f.name))
        return out
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return value
