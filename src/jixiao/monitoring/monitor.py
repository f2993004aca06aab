"""In-year monitoring (绩效运行监控): execution against 序时进度 and the warning lines.

:func:`monitor_execution` takes a dataset with monthly cumulative execution
(``Dataset.execution``), the month to report on and a warning-line rule set, and
returns the 预算执行进度通报 (units ranked by lag), the warning list (units and projects
below the line, and projects whose money pace and indicator progress part ways), the
约谈 list (units below the line at the last N checkpoints) and the monthly series for
the chart. Bad lines (months malformed, out of order or after the report month,
cumulative execution that falls, execution above the budget) become findings and, where
they cannot be used, are left out — never an exception.

The bulk work (ordering, forward-filling months without a report, sums per unit and
month) is done by polars on exact decimals; only the rows that are printed are turned
into Python objects.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from operator import attrgetter
from string import Formatter
from typing import Any

import polars as pl

from jixiao.dataset.keys import row_key
from jixiao.dataset.model import Dataset
from jixiao.findings import Finding, FindingKind, Location, Severity, kind, value_text
from jixiao.lib.money import HUNDRED, ZERO, normalize, round_half_up
from jixiao.monitoring.frames import DECIMAL, decimal_series
from jixiao.monitoring.settings import WarningLines

PERIOD_RE = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
_MONEY = DECIMAL
_MAX_LISTED = 20  #: findings of one kind listed one by one; the rest are counted
#: What the 通报 can be grouped by: the budget unit, or the project's 资金来源.
GROUPINGS: dict[str, str] = {"unit": "单位", "fund": "资金来源"}
NO_FUND = "未注明资金来源"


def parse_period(text: str) -> tuple[int, int] | None:
    """``"2023-06"`` → ``(2023, 6)``; ``None`` when it is not a YYYY-MM month."""
    match = PERIOD_RE.match(text.strip())
    return (int(match[1]), int(match[2])) if match else None


def pace_of(month: int) -> Decimal:
    """序时进度: the elapsed share of the year at the end of ``month``, in percent."""
    return Decimal(month) * HUNDRED / Decimal(12)


def _ratio_text(value: Decimal | None) -> str:
    """A percentage for JSON: 4 decimals (half-up), enough to re-derive the shown 2."""
    return value_text(normalize(round_half_up(value, 4))) if value is not None else ""


def _rate(cumulative: Decimal, budget: Decimal) -> Decimal | None:
    return cumulative * HUNDRED / budget if budget else None


@dataclass(frozen=True)
class UnitStatus:
    """One row of the 通报 table."""

    rank: int
    unit: str
    name: str
    budget: Decimal
    cumulative: Decimal
    rate: Decimal | None  #: 执行率 (%), unrounded
    pace: Decimal  #: 序时进度 (%)
    line: Decimal | None  #: the warning line in force (%)
    checkpoints: tuple[tuple[int, Decimal | None], ...]  #: 执行率 at each checkpoint month
    below_line: bool
    interview: bool

    @property
    def lag(self) -> Decimal:
        return self.pace - (self.rate or ZERO)

    def to_json(self) -> dict[str, object]:
        return {
            "rank": self.rank,
            "unit": self.unit,
            "name": self.name,
            "budget": value_text(self.budget),
            "cumulative": value_text(self.cumulative),
            "rate": _ratio_text(self.rate),
            "pace": _ratio_text(self.pace),
            "lag": _ratio_text(self.lag),
            "line": _ratio_text(self.line),
            "checkpoints": {str(m): _ratio_text(r) for m, r in self.checkpoints},
            "below_line": self.below_line,
            "interview": self.interview,
        }


#: Alert kind → how its message reads (rate, reference and 序时进度 filled in when printed).
ALERT_MESSAGES: dict[str, str] = {
    "低于预警线": "执行率 {rate} 低于预警线 {reference}",
    "资金快于产出": "执行率 {rate}，指标完成进度仅 {reference}：资金已按进度支出，产出滞后",
    "产出快于资金": "指标完成进度 {reference}，执行率仅 {rate}：产出已完成，资金支付滞后",
}


@dataclass(frozen=True)
class Alert:
    """One entry of the warning list."""

    level: str  #: 单位 or 项目
    code: str
    name: str
    unit: str
    kind: str  #: a key of :data:`ALERT_MESSAGES`
    rate: Decimal | None
    reference: Decimal | None  #: the warning line or the indicator progress it is compared with

    @property
    def message(self) -> str:
        return ALERT_MESSAGES[self.kind].format(
            rate=_pct(self.rate), reference=_pct(self.reference)
        )

    def to_json(self) -> dict[str, object]:
        return {
            "level": self.level,
            "code": self.code,
            "name": self.name,
            "unit": self.unit,
            "kind": self.kind,
            "rate": _ratio_text(self.rate),
            "reference": _ratio_text(self.reference),
            "message": self.message,
        }


@dataclass(frozen=True)
class SeriesPoint:
    month: int
    rate: Decimal | None
    pace: Decimal
    line: Decimal | None


@dataclass(frozen=True)
class MonitoringReport:
    period: str
    rule_set: str
    pace: Decimal
    line: Decimal | None
    total_budget: Decimal
    total_cumulative: Decimal
    units: tuple[UnitStatus, ...]  #: ranked by lag, largest first
    alerts: tuple[Alert, ...]
    interviews: tuple[UnitStatus, ...]
    series: tuple[SeriesPoint, ...]
    findings: tuple[Finding, ...]
    by: str = "unit"  #: what ``units`` are: 预算单位 (``unit``) or 资金来源 (``fund``)

    @property
    def rate(self) -> Decimal | None:
        return _rate(self.total_cumulative, self.total_budget)

    def to_json(self) -> dict[str, object]:
        return {
            "period": self.period,
            "rule_set": self.rule_set,
            "by": self.by,
            "pace": _ratio_text(self.pace),
            "line": _ratio_text(self.line),
            "total_budget": value_text(self.total_budget),
            "total_cumulative": value_text(self.total_cumulative),
            "rate": _ratio_text(self.rate),
            "units": [u.to_json() for u in self.units],
            "alerts": [a.to_json() for a in self.alerts],
            "interviews": [u.unit for u in self.interviews],
            "series": [
                {
                    "month": p.month,
                    "rate": _ratio_text(p.rate),
                    "pace": _ratio_text(p.pace),
                    "line": _ratio_text(p.line),
                }
                for p in self.series
            ],
            "findings": [f.to_json() for f in self.findings],
        }


# --------------------------------------------------------------------------- input


def _lines_frame(dataset: Dataset) -> pl.DataFrame:
    lines = dataset.execution

    def column(name: str) -> list[Any]:
        return list(map(attrgetter(name), lines))  # map + attrgetter: the fastest loop here

    return pl.DataFrame(
        {
            "row": pl.Series(range(len(lines)), dtype=pl.Int64),
            "period": pl.Series(column("period"), dtype=pl.String),
            "unit_in": pl.Series(column("unit"), dtype=pl.String),
            "project": pl.Series(column("project"), dtype=pl.String),
            "cumulative": decimal_series(column("cumulative")),
            "budget_in": decimal_series(column("budget")),
            "progress": decimal_series(column("indicator_progress")),
        }
    )


def _projects_frame(dataset: Dataset) -> pl.DataFrame:
    projects = dataset.projects
    return pl.DataFrame(
        {
            "project": pl.Series([p.code for p in projects], dtype=pl.String),
            "project_unit": pl.Series([p.unit for p in projects], dtype=pl.String),
            "project_fund": pl.Series([p.fund for p in projects], dtype=pl.String),
            "project_budget": decimal_series(
                [p.adjusted if p.adjusted is not None else p.budget for p in projects]
            ),
        }
    )


def _plain(value: object) -> object:
    return format(normalize(value), "f") if isinstance(value, Decimal) else value


_LINE = Location(table="execution", source="执行进度")  #: the table as a whole
BAD_PERIOD = kind(
    "monitor.bad_period",
    Severity.ERROR,
    "月份“{period}”应为 YYYY-MM 格式（如 2023-06），该行未计入",
    "月份格式错误",
)
FUTURE_MONTH = kind(
    "monitor.future_month",
    Severity.WARNING,
    "月份“{period}”在今天（{today}）之后，是未来月份，该行未计入",
    "未来月份",
)
OTHER_YEAR = kind(
    "monitor.other_year",
    Severity.WARNING,
    "月份“{period}”不属于 {year} 年度，该行未计入",
    "其他年度",
)
AFTER_PERIOD = kind(
    "monitor.after_period",
    Severity.INFO,
    "{lines} 行执行数据的月份晚于监控期 {period}，未计入本期监控",
    "晚于监控期",
)
NO_UNIT = kind(
    "monitor.no_unit", Severity.ERROR, "项目“{project}”没有单位编码，该行未计入", "缺单位编码"
)
NO_BUDGET = kind(
    "monitor.no_budget",
    Severity.ERROR,
    "“{entity}”没有预算数（执行进度和项目表都未填），该行未计入",
    "缺预算数",
)
OUT_OF_ORDER = kind(
    "monitor.out_of_order",
    Severity.INFO,
    "“{entity}”的月份 {period} 排在更晚的月份之后（已按月份排序后计算）",
    "月份顺序",
)
REPEATED_MONTH = kind(
    "monitor.repeated_month",
    Severity.ERROR,
    "“{entity}”的月份 {period} 重复出现（单位编码不同），只计第一行",
    "月份重复",
)
DECREASE = kind(
    "monitor.decrease",
    Severity.ERROR,
    "“{entity}”{period} 的累计执行数 {cumulative} 万元小于上月的 {previous} 万元：累计数不应减少",
    "累计数减少",
)
ABOVE_BUDGET = kind(
    "monitor.above_budget",
    Severity.ERROR,
    "“{entity}”{period} 的累计执行数 {cumulative} 万元超过预算数 {budget} 万元",
    "超过预算数",
)
PERIOD_YEAR = kind(
    "monitor.period_year",
    Severity.WARNING,
    "监控期 {period} 与数据集年度 {year} 不一致",
    "监控期与年度不一致",
)
NO_LINES = kind(
    "monitor.no_lines", Severity.WARNING, "没有 {period} 及以前的可用执行数据", "无执行数据"
)


class _Findings:
    """Collects line findings, listing the first few of each kind and counting the rest."""

    def __init__(self, dataset: Dataset) -> None:
        self.lines = dataset.execution
        self.items: list[Finding] = []

    def add(
        self, frame: pl.DataFrame, found: FindingKind, column: str = "", **fixed: object
    ) -> None:
        """One finding per line of ``frame`` (the first :data:`_MAX_LISTED`), then a count.

        The template reads the frame's columns (``{period}``, ``{entity}`` …) and ``fixed``.
        """
        if frame.is_empty():
            return
        wanted = [name for _, name, _, _ in Formatter().parse(found.template) if name]
        for values in frame.head(_MAX_LISTED).iter_rows(named=True):
            line = self.lines[values["row"]]
            where = Location(
                table="execution",
                row=row_key("execution", line),
                column=column,
                source=line.loc,
            )
            shown = {k: _plain(values[k]) for k in wanted if k in values}
            self.items.append(found.at(where, **{**shown, **fixed}))
        if frame.height > _MAX_LISTED:
            rest = frame.height - _MAX_LISTED
            blanks = dict.fromkeys(frame.columns, "…")
            what = found.template.split("：")[0].format(**blanks, **fixed)
            # the same code and severity, counted: a variant of the declared kind
            more = replace(found, template="另有 {rest} 行同类问题（{what}）")
            self.items.append(more.at(_LINE, rest=rest, what=what))


def _clean(
    dataset: Dataset, year: int, month: int, today: date | None, out: _Findings
) -> pl.DataFrame:
    """Valid lines up to the report month, sorted by entity and month; the rest are findings."""
    frame = _lines_frame(dataset).join(
        _projects_frame(dataset), on="project", how="left", maintain_order="left"
    )
    frame = frame.with_columns(
        ok=pl.col("period").str.contains(PERIOD_RE.pattern),
        unit=pl.when(pl.col("unit_in") != "")
        .then("unit_in")
        .otherwise(pl.col("project_unit").fill_null("")),
        budget=pl.coalesce("budget_in", "project_budget"),
        fund=pl.when(pl.col("project_fund").fill_null("") != "")
        .then("project_fund")
        .otherwise(pl.lit(NO_FUND)),
        entity=pl.when(pl.col("project") != "")
        .then("project")
        .otherwise(pl.lit("单位:") + pl.col("unit_in")),
    )
    out.add(frame.filter(~pl.col("ok")), BAD_PERIOD, "period")
    frame = frame.filter("ok").with_columns(
        year=pl.col("period").str.slice(0, 4).cast(pl.Int32),
        month=pl.col("period").str.slice(5, 2).cast(pl.Int32),
    )
    if today is not None:
        # A month that has not happened yet cannot have execution data: a data error.
        out.add(
            frame.filter(pl.col("period") > f"{today.year:04d}-{today.month:02d}"),
            FUTURE_MONTH,
            "period",
            today=today.isoformat(),
        )
        frame = frame.filter(pl.col("period") <= f"{today.year:04d}-{today.month:02d}")
    out.add(frame.filter(pl.col("year") != year), OTHER_YEAR, "period", year=year)
    later = frame.filter((pl.col("year") == year) & (pl.col("month") > month)).height
    if later:
        # Normal when monitoring an earlier month of a year already reported further.
        out.items.append(AFTER_PERIOD.at(_LINE, lines=later, period=f"{year}-{month:02d}"))
    frame = frame.filter((pl.col("year") == year) & (pl.col("month") <= month))
    out.add(frame.filter(pl.col("unit") == ""), NO_UNIT, "unit")
    out.add(frame.filter(pl.col("budget").is_null()), NO_BUDGET, "budget")
    frame = frame.filter((pl.col("unit") != "") & pl.col("budget").is_not_null())
    return _order_findings(frame, out)


def _same_entity(offset: int) -> pl.Expr:
    return pl.col("entity") == pl.col("entity").shift(offset)


def _order_findings(frame: pl.DataFrame, out: _Findings) -> pl.DataFrame:
    """Months out of order (as given), repeated months, falling cumulative, above budget.

    After sorting by entity and month, neighbours of the same entity are compared with
    ``shift`` — linear scans, cheaper than window functions over 1.2 million lines.
    """
    by_month = frame.sort("entity", "month", "row")
    out.add(
        by_month.filter(_same_entity(-1) & (pl.col("row") > pl.col("row").shift(-1))),
        OUT_OF_ORDER,
        "period",
    )
    repeated = _same_entity(1) & (pl.col("month") == pl.col("month").shift(1))
    out.add(by_month.filter(repeated), REPEATED_MONTH, "period")
    by_month = by_month.filter(~repeated.fill_null(False)).with_columns(
        previous=pl.when(_same_entity(1)).then(pl.col("cumulative").shift(1))
    )
    out.add(by_month.filter(pl.col("cumulative") < pl.col("previous")), DECREASE, "cumulative")
    out.add(by_month.filter(pl.col("cumulative") > pl.col("budget")), ABOVE_BUDGET, "cumulative")
    return by_month


def _fill_within_entity(name: str, backward: bool = False) -> pl.Expr:
    """Forward (or backward) fill ``name`` without crossing into the next entity.

    The frame is sorted by entity: a value is carried only when the row it comes from
    belongs to the same entity (a linear scan instead of a window per entity).
    """
    source = pl.when(pl.col(name).is_not_null()).then(pl.col("entity"))
    owner, filled = (
        (source.backward_fill(), pl.col(name).backward_fill())
        if backward
        else (source.forward_fill(), pl.col(name).forward_fill())
    )
    return pl.when(owner == pl.col("entity")).then(filled).alias(name)


def _grid(frame: pl.DataFrame, month: int) -> pl.DataFrame:
    """One row per entity and month 1..``month``; a month without a report keeps the last one.

    Before an entity's first report its cumulative execution counts as 0 (nothing was
    reported as spent) and its budget is the one of its first report. ``frame`` is
    sorted by entity and month with no repeated month; when every entity reported every
    month it already is the grid.
    """
    columns = ["entity", "unit", "fund", "project", "month", "cumulative", "budget", "progress"]
    entities = frame.select(pl.col("entity").n_unique()).item()
    if frame.height == entities * month:
        grid = frame.select(columns)
    else:
        keys = frame.group_by("entity").agg(
            pl.col("unit").last(), pl.col("fund").last(), pl.col("project").last()
        )
        months = pl.DataFrame({"month": pl.Series(range(1, month + 1), dtype=pl.Int32)})
        grid = (
            keys.join(months, how="cross")
            .join(
                frame.select("entity", "month", "cumulative", "budget", "progress"),
                on=["entity", "month"],
                how="left",
            )
            .sort("entity", "month")
            .select(columns)
        )
        grid = grid.with_columns(
            _fill_within_entity("cumulative").fill_null(pl.lit(0, dtype=_MONEY)),
            _fill_within_entity("budget"),
        ).with_columns(pl.coalesce("budget", _fill_within_entity("budget", backward=True)))
    return grid.with_columns(_fill_within_entity("progress"))


# --------------------------------------------------------------------------- output


def _unit_statuses(
    grid: pl.DataFrame, dataset: Dataset, month: int, lines: WarningLines, by: str
) -> list[UnitStatus]:
    """One 通报 row per unit (or 资金来源); only units can be called in (约谈)."""
    checkpoints = lines.checkpoints_until(month)
    wanted = sorted({*checkpoints, month})
    sums = (
        grid.filter(pl.col("month").is_in(wanted))
        .group_by(by, "month")
        .agg(pl.col("cumulative").sum(), pl.col("budget").sum())
    )
    by_unit: dict[str, dict[int, tuple[Decimal, Decimal]]] = {}
    for unit, m, cumulative, budget in sums.iter_rows():
        by_unit.setdefault(unit, {})[m] = (normalize(cumulative), normalize(budget))
    names = {u.code: u.name for u in dataset.units} if by == "unit" else {}
    line = lines.line_at(month)
    statuses = []
    for unit, months in by_unit.items():
        cumulative, budget = months[month]
        rates = tuple((c, _rate(*months[c])) for c in checkpoints)
        below = [r is not None and r < dict(lines.lines)[c] for c, r in rates]
        recent = below[-lines.interview_after :] if lines.interview_after else []
        statuses.append(
            UnitStatus(
                0,
                unit,
                names.get(unit, ""),
                budget,
                cumulative,
                _rate(cumulative, budget),
                pace_of(month),
                line[1] if line else None,
                rates,
                line is not None and (_rate(cumulative, budget) or ZERO) < line[1],
                by == "unit" and len(recent) == lines.interview_after and all(recent),
            )
        )
    statuses.sort(key=lambda s: (-s.lag, s.unit))
    return [_ranked(s, i) for i, s in enumerate(statuses, start=1)]


def _ranked(status: UnitStatus, rank: int) -> UnitStatus:
    return replace(status, rank=rank)


def _pct(value: Decimal | None) -> str:
    return "—" if value is None else f"{normalize(round_half_up(value, 2))}%"


def _unit_alerts(statuses: list[UnitStatus], by: str) -> list[Alert]:
    level = GROUPINGS[by]
    return [
        Alert(level, s.unit, s.name, s.unit if by == "unit" else "", "低于预警线", s.rate, s.line)
        for s in statuses
        if s.below_line
    ]


def _project_alerts(
    grid: pl.DataFrame, dataset: Dataset, month: int, lines: WarningLines
) -> list[Alert]:
    """Projects below the line, and projects whose money and outputs part by more than the gap.

    The comparisons are exact decimal arithmetic in polars (``cumulative × 100 < line ×
    budget`` rather than a divided rate), so only the projects that alert reach Python.
    """
    line = lines.line_at(month)
    level = line[1] if line else None
    gap = pl.lit(format(lines.progress_gap, "f")).cast(_MONEY)
    spent = pl.col("cumulative") * 100
    rows = grid.filter(
        (pl.col("month") == month) & (pl.col("project") != "") & (pl.col("budget") > 0)
    ).with_columns(
        below=spent < pl.lit(format(level, "f")).cast(_MONEY) * pl.col("budget")
        if level is not None
        else pl.lit(False),
        money_ahead=(spent - pl.col("progress") * pl.col("budget")) > gap * pl.col("budget"),
        outputs_ahead=(pl.col("progress") * pl.col("budget") - spent) > gap * pl.col("budget"),
    )
    rows = rows.filter(
        pl.col("below")
        | pl.col("money_ahead").fill_null(False)
        | pl.col("outputs_ahead").fill_null(False)
    )
    names = {p.code: p.name for p in dataset.projects}
    alerts = []
    for (
        project,
        unit,
        cumulative,
        budget,
        progress,
        below,
        money_ahead,
        outputs_ahead,
    ) in rows.select(
        "project",
        "unit",
        "cumulative",
        "budget",
        "progress",
        "below",
        "money_ahead",
        "outputs_ahead",
    ).iter_rows():
        rate = normalize(cumulative * HUNDRED / budget)
        name = names.get(project, "")
        if below:
            alerts.append(Alert("项目", project, name, unit, "低于预警线", rate, level))
        if money_ahead:
            alerts.append(
                Alert("项目", project, name, unit, "资金快于产出", rate, normalize(progress))
            )
        elif outputs_ahead:
            alerts.append(
                Alert("项目", project, name, unit, "产出快于资金", rate, normalize(progress))
            )
    return alerts


def _series(grid: pl.DataFrame, month: int, lines: WarningLines) -> list[SeriesPoint]:
    totals = (
        grid.group_by("month").agg(pl.col("cumulative").sum(), pl.col("budget").sum()).sort("month")
    )
    by_month = {m: (normalize(c), normalize(b)) for m, c, b in totals.iter_rows()}
    checkpoints = dict(lines.lines)
    return [
        SeriesPoint(
            m, _rate(*by_month[m]) if m in by_month else None, pace_of(m), checkpoints.get(m)
        )
        for m in range(1, month + 1)
    ]


def monitor_execution(
    dataset: Dataset,
    period: str,
    lines: WarningLines,
    today: date | None = None,
    by: str = "unit",
) -> MonitoringReport:
    """Compare cumulative execution up to ``period`` (YYYY-MM) with 序时进度 and ``lines``.

    ``today`` (the CLI passes the current date) makes months after it findings: execution
    cannot be reported for a month that has not happened. Lines after ``period`` are left
    out with one note, since monitoring an earlier month of a year is normal.

    ``by`` groups the 通报 by ``unit`` (预算单位) or ``fund`` (the projects' 资金来源).

    Raises ``ValueError`` only when ``period`` itself is not a YYYY-MM month or ``by`` is
    unknown (the CLI checks both first); every problem in the data is a finding.
    """
    parsed = parse_period(period)
    if parsed is None:
        raise ValueError(f"监控期“{period}”应为 YYYY-MM 格式，如 2023-06")
    if by not in GROUPINGS:
        raise ValueError(f"分组“{by}”无效（可用：{'、'.join(GROUPINGS)}）")
    year, month = parsed
    out = _Findings(dataset)
    if dataset.profile.year and dataset.profile.year != year:
        out.items.append(
            PERIOD_YEAR.at(
                Location(table="profile", column="year", source="基本信息"),
                period=period,
                year=dataset.profile.year,
            )
        )
    frame = _clean(dataset, year, month, today, out)
    if frame.is_empty():
        out.items.append(NO_LINES.at(_LINE, period=period))
        return MonitoringReport(
            period, lines.name, pace_of(month), None, ZERO, ZERO, (), (), (), (), tuple(out.items)
        )
    grid = _grid(frame, month)
    statuses = _unit_statuses(grid, dataset, month, lines, by)
    series = _series(grid, month, lines)
    total = (
        grid.filter(pl.col("month") == month)
        .select(pl.col("budget").sum(), pl.col("cumulative").sum())
        .row(0)
    )
    line = lines.line_at(month)
    return MonitoringReport(
        period,
        lines.name,
        pace_of(month),
        line[1] if line else None,
        normalize(total[0]),
        normalize(total[1]),
        tuple(statuses),
        tuple(_unit_alerts(statuses, by) + _project_alerts(grid, dataset, month, lines)),
        tuple(s for s in statuses if s.interview),
        tuple(series),
        tuple(out.items),
        by,
    )
