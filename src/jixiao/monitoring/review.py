"""Target review (绩效目标审核): completeness, direction, ambition against history and money.

:func:`review_targets` takes a dataset, the indicator library (with history and
allocations) and the review settings, and returns one :class:`ReviewRow` per target
plus findings. Each flag is a :class:`~jixiao.findings.Finding` whose Chinese
message carries the numbers behind it. The per-indicator checks are a registry of
small functions (:data:`INDICATOR_CHECKS`); the group checks (every 一级/二级 category
present) run once per 目标 owner.

History is summarised with polars (last, highest and lowest prior actuals per
indicator and owner), so 100k targets against three years of history stay fast.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal

import polars as pl

from jixiao.dataset.codes import load_codes
from jixiao.dataset.keys import indicator_key
from jixiao.dataset.model import Dataset, Indicator
from jixiao.domain.over_achievement import exceeds, over_rate
from jixiao.domain.signs import Direction, direction
from jixiao.findings import Finding, FindingKind, Location, Severity, kind, value_text
from jixiao.lib.money import HUNDRED, round_half_up
from jixiao.monitoring.frames import decimal_series
from jixiao.monitoring.library import IndicatorDef, IndicatorLibrary
from jixiao.monitoring.settings import ReviewSettings

#: Finding code → the short Chinese label shown in the 审核 table.
FLAG_LABELS: dict[str, str] = {
    "target.incomplete": "不完整",
    "target.missing_value": "不完整",
    "target.missing_unit": "不完整",
    "target.qualitative": "宜定量",
    "target.direction": "方向存疑",
    "target.low_history": "偏低",
    "target.low_library": "偏低",
    "target.high": "偏高",
    "target.money": "与资金不一致",
    "target.set_too_low": "目标设定偏低",
    "target.unknown_code": "未知指标编码",
    "target.no_history": "无历史数据",
    "target.not_in_library": "未入库",
}
_D = Decimal

_TARGET = "“{indicator}”（{owner}）："
MISSING_VALUE = kind(
    "target.missing_value", Severity.WARNING, _TARGET + "定量指标（{sign}）未填指标值", "未填指标值"
)
MISSING_UNIT = kind(
    "target.missing_unit", Severity.WARNING, _TARGET + "定量指标未填计量单位", "未填计量单位"
)
QUALITATIVE = kind(
    "target.qualitative",
    Severity.WARNING,
    _TARGET + "指标库中为定量指标（{library_sign}，单位 {library_unit}），宜按定量设置",
    "宜定量",
)
DIRECTION = kind("target.direction", Severity.WARNING, _TARGET + "{reason}", "方向存疑")
LOW_HISTORY = kind(
    "target.low_history",
    Severity.WARNING,
    _TARGET + "指标值 {target:n}{unit} {word} {last_year} 年完成值 {last_actual:n}{unit}，目标偏低",
    "低于历史完成值",
)
LOW_LIBRARY = kind(
    "target.low_library",
    Severity.WARNING,
    _TARGET
    + "指标值 {target:n}{unit} {word}指标库预期值 {expected:n}{library_unit}（{basis}），目标偏低",
    "低于指标库预期值",
)
HIGH = kind("target.high", Severity.WARNING, _TARGET + "{reason}", "偏高")
MONEY = kind("target.money", Severity.WARNING, _TARGET + "{reason}", "与资金不一致")
SET_TOO_LOW = kind(
    "target.set_too_low",
    Severity.WARNING,
    _TARGET + "{measured}，超过 {threshold:n}%，目标设定偏低",
    "目标设定偏低",
)
UNKNOWN_CODE = kind(
    "target.unknown_code", Severity.WARNING, "{what}不在核心指标库中{consequence}", "未知指标编码"
)
NO_HISTORY = kind(
    "target.no_history",
    Severity.INFO,
    "“{indicator}”（{owner}）没有往年历史值，无法与历史比较",
    "无历史数据",
)
NOT_IN_LIBRARY = kind(
    "target.not_in_library",
    Severity.INFO,
    "“{indicator}”未在核心指标库中找到（可申请纳入指标库）",
    "未入库",
)
INCOMPLETE = kind(
    "target.incomplete", Severity.WARNING, "{owner} 的绩效指标缺少：{missing}", "不完整"
)


def _n(value: Decimal) -> str:
    """A number as people write it in a sentence: ``230``, ``1.5``, ``95.5``.

    ``Decimal.normalize`` drops the trailing zeros of polars decimals (``50.0000000000``);
    formatting with ``f`` turns its ``5E+1`` back into ``50``. Same text as
    :func:`jixiao.lib.money.normalize`, at a fraction of the cost for 100k targets.
    """
    return format(value.normalize(), "f")


def _value(value: Decimal | int | str | None) -> str:
    """A number for ``Finding.values``, without the trailing zeros of polars decimals."""
    return _n(value) if isinstance(value, Decimal) else value_text(value)


@dataclass(frozen=True, slots=True)
class HistorySummary:
    """What the history says about one indicator of one owner, before the review year."""

    last_year: int
    last_target: Decimal | None
    last_actual: Decimal | None
    max_actual: Decimal | None
    min_actual: Decimal | None
    years: int


@dataclass(frozen=True)
class ReviewRow:
    """One reviewed target."""

    owner: str  #: 目标编号 or 项目编码
    owner_name: str
    code: str  #: library code ("" if not in the library)
    level1: str
    level2: str
    name: str
    sign: str
    target: Decimal | None
    unit: str
    actual: Decimal | None
    history: HistorySummary | None
    flags: tuple[str, ...]  #: Chinese labels of the flags raised on this target
    location: str

    def to_json(self) -> dict[str, object]:
        h = self.history
        return {
            "owner": self.owner,
            "owner_name": self.owner_name,
            "code": self.code,
            "level1": self.level1,
            "level2": self.level2,
            "name": self.name,
            "sign": self.sign,
            "target": value_text(self.target),
            "unit": self.unit,
            "actual": value_text(self.actual),
            "last_year": h.last_year if h else None,
            "last_actual": _value(h.last_actual) if h else "",
            "max_actual": _value(h.max_actual) if h else "",
            "flags": list(self.flags),
            "location": self.location,
        }


@dataclass(frozen=True)
class TargetReview:
    rows: tuple[ReviewRow, ...]
    findings: tuple[Finding, ...]

    def count(self, label: str) -> int:
        return sum(1 for f in self.findings if FLAG_LABELS.get(f.code) == label)

    def to_json(self) -> dict[str, object]:
        return {
            "rows": [r.to_json() for r in self.rows],
            "findings": [f.to_json() for f in self.findings],
        }


@dataclass(frozen=True, slots=True)
class TargetContext:
    """Everything a per-indicator check needs about one target."""

    indicator: Indicator
    table: str  #: ``indicators`` or ``project_indicators``
    owner_key: str  #: the owner as the history names it (部门名称 or 项目编码)
    definition: IndicatorDef | None
    history: HistorySummary | None
    money_now: Decimal | None
    money_before: Decimal | None
    year: int | None
    settings: ReviewSettings

    @property
    def annual(self) -> bool:
        """Only annual targets compare with annual history (a 中期 target spans years)."""
        return self.indicator.horizon != "中期"

    def finding(
        self, kind: FindingKind, column: str = "", **values: Decimal | int | str | None
    ) -> Finding:
        """A finding about this target's row; ``values`` are the numbers behind it."""
        return kind.at(
            _at(self.table, self.indicator, column),
            indicator=self.indicator.name,
            owner=self.owner_key,
            **{k: v.normalize() if isinstance(v, Decimal) else v for k, v in values.items()},
        )


def _at(table: str, indicator: Indicator, column: str = "") -> Location:
    """The indicator's row: its stable key, and where it was read (``绩效指标!C7``, ``a.yaml:12``)."""
    source = indicator.loc or f"{indicator.owner}/{indicator.name}"  # a row built in code
    return Location(table=table, row=indicator_key(indicator), column=column, source=source)


IndicatorCheck = Callable[[TargetContext], Iterable[Finding]]
INDICATOR_CHECKS: list[IndicatorCheck] = []


def indicator_check(func: IndicatorCheck) -> IndicatorCheck:
    INDICATOR_CHECKS.append(func)
    return func


def _direction(sign: str) -> int:
    """+1 for 正向, −1 for 反向, 0 otherwise (:mod:`jixiao.domain.signs`)."""
    return {Direction.HIGHER: 1, Direction.LOWER: -1}.get(direction(sign), 0)


@indicator_check
def check_value_and_unit(ctx: TargetContext) -> Iterable[Finding]:
    ind = ctx.indicator
    if not ind.quantitative:
        return
    if ind.target is None:
        yield ctx.finding(MISSING_VALUE, "target", sign=ind.sign)
    if not ind.unit:
        yield ctx.finding(MISSING_UNIT, "unit")


@indicator_check
def check_quantitative_where_possible(ctx: TargetContext) -> Iterable[Finding]:
    d = ctx.definition
    if not ctx.indicator.quantitative and d is not None and d.quantitative:
        yield ctx.finding(QUALITATIVE, "sign", library_sign=d.sign, library_unit=d.unit or "—")


@indicator_check
def check_direction(ctx: TargetContext) -> Iterable[Finding]:
    ind, d = ctx.indicator, ctx.definition
    if (
        d is not None
        and ind.quantitative
        and d.quantitative
        and _direction(ind.sign) != _direction(d.sign)
    ):
        yield ctx.finding(
            DIRECTION,
            "sign",
            reason=f"计算符号为“{ind.sign}”，指标库为“{d.sign}”，方向不一致",
            sign=ind.sign,
            library_sign=d.sign,
        )
    if ind.level1 == "满意度指标" and _direction(ind.sign) < 0:
        yield ctx.finding(
            DIRECTION,
            "sign",
            reason=f"满意度指标不应使用“{ind.sign}”（满意度越高越好）",
            sign=ind.sign,
        )
    if (
        ind.unit == "%"
        and _direction(ind.sign) > 0
        and ind.target is not None
        and ind.target > HUNDRED
    ):
        yield ctx.finding(
            DIRECTION, "target", reason=f"比率指标值 {_n(ind.target)}% 超过 100%", target=ind.target
        )


@indicator_check
def check_low_against_history(ctx: TargetContext) -> Iterable[Finding]:
    if not ctx.annual:
        return
    ind, h = ctx.indicator, ctx.history
    if ind.target is None or h is None or h.last_actual is None:
        return
    sense = _direction(ind.sign)
    if sense * (ind.target - h.last_actual) < 0:
        word = "低于" if sense > 0 else "高于"
        yield ctx.finding(
            LOW_HISTORY,
            "target",
            target=ind.target,
            unit=ind.unit,
            word=word,
            last_actual=h.last_actual,
            last_year=h.last_year,
        )


@indicator_check
def check_low_against_library(ctx: TargetContext) -> Iterable[Finding]:
    ind, d = ctx.indicator, ctx.definition
    if ind.target is None or d is None or d.expected is None:
        return
    sense = _direction(ind.sign)
    if sense * (ind.target - d.expected) < 0:
        word = "低于" if sense > 0 else "高于"
        yield ctx.finding(
            LOW_LIBRARY,
            "target",
            target=ind.target,
            unit=ind.unit,
            word=word,
            expected=d.expected,
            library_unit=d.unit,
            basis=d.basis or "取值依据未注明",
        )


@indicator_check
def check_high_against_trend(ctx: TargetContext) -> Iterable[Finding]:
    if not ctx.annual:
        return
    ind, h, k = ctx.indicator, ctx.history, ctx.settings.high_factor
    if ind.target is None or h is None:
        return
    if (
        _direction(ind.sign) > 0
        and h.max_actual is not None
        and h.max_actual > 0
        and ind.target > k * h.max_actual
    ):
        yield ctx.finding(
            HIGH,
            "target",
            reason=f"指标值 {_n(ind.target)}{ind.unit} 超过历史最高完成值 {_n(h.max_actual)}{ind.unit} 的 {_n(k)} 倍，目标偏高，请说明实施基础",
            target=ind.target,
            max_actual=h.max_actual,
            factor=k,
        )
    if _direction(ind.sign) < 0 and h.min_actual is not None and ind.target * k < h.min_actual:
        yield ctx.finding(
            HIGH,
            "target",
            reason=f"指标值 {_n(ind.target)}{ind.unit} 不到历史最低完成值 {_n(h.min_actual)}{ind.unit} 的 1/{_n(k)}，目标偏高",
            target=ind.target,
            min_actual=h.min_actual,
            factor=k,
        )


@indicator_check
def check_money(ctx: TargetContext) -> Iterable[Finding]:
    if not ctx.annual:
        return
    ind, h = ctx.indicator, ctx.history
    if (
        ind.target is None
        or h is None
        or ctx.year is None
        or h.last_year != ctx.year - 1
        or h.last_target is None
    ):
        return
    now, before = ctx.money_now, ctx.money_before
    if now is None or before is None or before == 0:
        return
    change = (now - before) / before * HUNDRED
    ambition = _direction(ind.sign) * (ind.target - h.last_target)
    limit = ctx.settings.money_change_pct
    values = {
        "target": ind.target,
        "last_target": h.last_target,
        "budget": now,
        "last_budget": before,
    }
    if ambition > 0 and change < -limit:
        yield ctx.finding(
            MONEY,
            "target",
            reason=f"指标值由 {_n(h.last_target)} 提高到 {_n(ind.target)}，而预算由 {_n(before)} 万元减少到 {_n(now)} 万元（{_n(round_half_up(change, 2))}%），请说明实施条件",
            **values,
        )
    elif ambition < 0 and change > limit:
        yield ctx.finding(
            MONEY,
            "target",
            reason=f"预算由 {_n(before)} 万元增加到 {_n(now)} 万元（+{_n(round_half_up(change, 2))}%），而指标值由 {_n(h.last_target)} 降低到 {_n(ind.target)}",
            **values,
        )


@indicator_check
def check_set_too_low_at_self_evaluation(ctx: TargetContext) -> Iterable[Finding]:
    """财预〔2020〕10号: an actual far beyond its target means the target was set too low.

    The policy is :mod:`jixiao.domain.over_achievement`'s (the same test scoring deducts
    by), with ``review.yaml``'s threshold.
    """
    if not ctx.annual:
        return
    ind, policy = ctx.indicator, ctx.settings.over_achievement
    if not exceeds(policy, ind.sign, ind.actual, ind.target):
        return
    rate = over_rate(ind.sign, ind.actual, ind.target)
    assert rate is not None and ind.actual is not None and ind.target is not None
    actual, target, shown = _n(ind.actual), _n(ind.target), _n(round_half_up(rate, 2))
    if _direction(ind.sign) < 0:
        measured = f"指标值 {target}{ind.unit} 为完成值 {actual}{ind.unit} 的 {shown}%（反向指标）"
    else:
        measured = f"完成值 {actual}{ind.unit} 为指标值 {target}{ind.unit} 的 {shown}%"
    yield ctx.finding(
        SET_TOO_LOW,
        "actual",
        measured=measured,
        threshold=policy.threshold,
        target=ind.target,
        actual=ind.actual,
        ratio=round_half_up(rate / HUNDRED, 4),
    )


# --------------------------------------------------------------------------- history


def _history_frame(library: IndicatorLibrary) -> tuple[pl.DataFrame, list[Finding]]:
    """The history as a frame with every row's library code; unknown indicators are findings."""
    records = library.history
    names = pl.Series([r.name for r in records], dtype=pl.String)
    frame = pl.DataFrame(
        {
            "index": pl.Series(range(len(records)), dtype=pl.Int64),
            "code": pl.Series([r.code for r in records], dtype=pl.String),
            "owner": pl.Series([r.owner for r in records], dtype=pl.String),
            "year": pl.Series([r.year for r in records], dtype=pl.Int32),
            "target": decimal_series(r.target for r in records),
            "actual": decimal_series(r.actual for r in records),
        }
    )
    # Rows without a code are found by name (or alias) in the library.
    by_name = {name: code for name in set(names.to_list()) if (code := library.code_for_name(name))}
    frame = frame.with_columns(
        code=pl.when(pl.col("code") != "")
        .then("code")
        .otherwise(names.replace_strict(by_name, default=""))
    )
    known = pl.col("code").is_in(list(library.by_code))
    findings = []
    for index in frame.filter(~known).get_column("index").to_list():
        rec = records[index]
        what = f"指标编码“{rec.code}”" if rec.code else f"指标“{rec.name}”"
        findings.append(
            UNKNOWN_CODE.at(
                Location(
                    table="history",
                    row="|".join((rec.code or rec.name, rec.owner, str(rec.year))),
                    column="code" if rec.code else "name",
                    source=rec.loc,
                ),
                what=f"历史值中的{what}",
                consequence="，已忽略",
                code=rec.code,
            )
        )
    return frame.filter(known), findings


def summarise_history(
    library: IndicatorLibrary, before_year: int | None
) -> tuple[dict[tuple[str, str], HistorySummary], list[Finding]]:
    """Per ``(indicator code, owner)``: the last, highest and lowest actuals before ``before_year``."""
    if not library.history:
        return {}, []
    frame, findings = _history_frame(library)
    if before_year is not None:
        frame = frame.filter(pl.col("year") < before_year)
    summary = (
        frame.sort("year")
        .group_by("code", "owner")
        .agg(
            pl.col("year").last().alias("last_year"),
            pl.col("target").last().alias("last_target"),
            pl.col("actual").last().alias("last_actual"),
            pl.col("actual").max().alias("max_actual"),
            pl.col("actual").min().alias("min_actual"),
            pl.len().alias("years"),
        )
    )
    columns = [summary.get_column(c).to_list() for c in summary.columns]
    result = {
        (code, owner): HistorySummary(last_year, last_target, last_actual, top, bottom, count)
        for code, owner, last_year, last_target, last_actual, top, bottom, count in zip(
            *columns, strict=True
        )
    }
    return result, findings


# --------------------------------------------------------------------------- review


def _department_budget(dataset: Dataset) -> Decimal | None:
    """The department's own (合并) expenditure budget: top-level 支出性质 rows without a unit.

    Only top-level natures count: 人员经费 and 日常公用经费 are parts of 基本支出.
    """
    natures = load_codes("nature").by_code
    amounts = [
        line.adjusted if line.adjusted is not None else line.budget
        for line in dataset.expenditure_nature
        if not line.unit and line.item in natures and not natures[line.item].parent
    ]
    known = [a for a in amounts if a is not None]
    return sum(known, _D(0)) if known else None


def _targets(dataset: Dataset) -> Iterable[tuple[Indicator, str, str, str, Decimal | None]]:
    """Every target with its table, history owner, display name and the owner's budget."""
    department = dataset.profile.department_name
    budget = _department_budget(dataset)
    for ind in dataset.indicators:
        yield ind, "indicators", department, department, budget
    projects = {p.code: p for p in dataset.projects}
    for ind in dataset.project_indicators:
        project = projects.get(ind.owner)
        money = (project.adjusted or project.budget) if project else None
        name = project.name if project else ind.owner
        yield ind, "project_indicators", ind.owner, name, money


def _resolve(
    ind: Indicator, table: str, library: IndicatorLibrary
) -> tuple[str, IndicatorDef | None, Finding | None]:
    if ind.code:
        definition = library.by_code.get(ind.code)
        if definition is None:
            return (
                ind.code,
                None,
                UNKNOWN_CODE.at(
                    _at(table, ind, "code"),
                    what=f"“{ind.name}”的指标编码“{ind.code}”",
                    consequence="",
                    code=ind.code,
                ),
            )
        return ind.code, definition, None
    code = library.code_for_name(ind.name)
    if not code:
        return "", None, NOT_IN_LIBRARY.at(_at(table, ind, "name"), indicator=ind.name)
    return code, library.by_code[code], None


def check_completeness(dataset: Dataset, settings: ReviewSettings) -> list[Finding]:
    """Every required 一级 category, and 二级 within it, is present in each owner's targets."""
    present: dict[tuple[str, str], set[tuple[str, str]]] = defaultdict(set)
    department = dataset.profile.department_name or "部门整体"
    for ind in dataset.indicators:
        present[("", department)].add((ind.level1, ind.level2))
    for ind in dataset.project_indicators:
        present[(ind.owner, f"项目 {ind.owner}")].add((ind.level1, ind.level2))
    level2 = [(l1, l2) for l1, l2s in settings.required_level2 for l2 in l2s]
    findings = []
    for (project, owner), pairs in present.items():
        level1 = {l1 for l1, _ in pairs}
        missing = [c for c in settings.required_level1 if c not in level1]
        missing += [f"{l1}/{l2}" for l1, l2 in level2 if l1 in level1 and (l1, l2) not in pairs]
        if missing:
            text = "、".join(missing)
            # the department's targets as a whole, or one project's
            table, row = ("projects", project) if project else ("indicators", "")
            where = Location(table=table, row=row, source=owner)
            findings.append(INCOMPLETE.at(where, owner=owner, missing=text))
    return findings


def review_targets(
    dataset: Dataset, library: IndicatorLibrary, settings: ReviewSettings | None = None
) -> TargetReview:
    """Review every 部门 and 项目 target against the library, its history and the money."""
    settings = settings or ReviewSettings()
    year = dataset.profile.year
    history, findings = summarise_history(library, year)
    allocations = {(a.owner, a.year): a.budget for a in library.allocations}
    findings.extend(check_completeness(dataset, settings))
    rows = []
    for ind, table, owner_key, owner_name, money in _targets(dataset):
        code, definition, problem = _resolve(ind, table, library)
        own: list[Finding] = [problem] if problem else []
        summary = history.get((code, owner_key)) if code else None
        if (
            definition is not None
            and summary is None
            and ind.quantitative
            and ind.horizon != "中期"
        ):
            own.append(NO_HISTORY.at(_at(table, ind), indicator=ind.name, owner=owner_key))
        ctx = TargetContext(
            ind,
            table,
            owner_key,
            definition,
            summary,
            money,
            allocations.get((owner_key, year - 1)) if year else None,
            year,
            settings,
        )
        for check in INDICATOR_CHECKS:
            own.extend(check(ctx))
        findings.extend(own)
        labels = tuple(
            dict.fromkeys(FLAG_LABELS[f.code] for f in own if f.severity is not Severity.INFO)
        )
        rows.append(
            ReviewRow(
                ind.owner,
                owner_name,
                code,
                ind.level1,
                ind.level2,
                ind.name,
                ind.sign,
                ind.target,
                ind.unit,
                ind.actual,
                summary,
                labels,
                ind.loc,
            )
        )
    return TargetReview(tuple(rows), tuple(findings))
