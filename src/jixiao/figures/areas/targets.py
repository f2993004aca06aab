"""Performance targets (部门 and 项目 indicators), projects and the self-scores.

Indicator ids name the owner (a 目标编号 or a 项目编码) and the indicator's stable key
(:func:`jixiao.figures.ids.indicator_ids`: 指标编码, else 一级/二级/三级指标), never its
position: ``indicator.<owner>.<key>.<target|actual|completion_rate|met>`` and
``project_indicator.<project>.<key>.…``. Completion and met follow the 计算符号 as
:mod:`jixiao.domain.signs` defines it (正向 rate = 完成值 ÷ 指标值, 反向 指标值 ÷ 完成值,
none with a negative value or a zero base; ＞/＜ strict; 定性 by the 定性完成档次).
``met`` is 1 or 0; a missing 完成值 gives ``None`` for both.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import replace
from decimal import Decimal

# A module import, not names: ids.py imports this package's facts for its declared ids.
import jixiao.figures.ids as figure_ids
from jixiao.dataset.model import Indicator, Project, ScoreItem
from jixiao.domain.signs import Direction, completion_rate, is_met, sign_of
from jixiao.figures.engine import Context, area, difference, ratio, stated, summed
from jixiao.figures.model import Figure


def _places(*values: Decimal | None) -> int:
    exponents = [v.as_tuple().exponent for v in values if v is not None]
    return max([0, *(-e for e in exponents if isinstance(e, int))])


def indicator_figures(base: str, ind: Indicator, source: str) -> Iterator[Figure]:
    """Target, actual, completion rate and met (0/1) of one indicator."""
    places = _places(ind.target, ind.actual)
    target = stated(
        f"{base}.target", f"{ind.name}指标值", ind.target, ind.unit, f"{source}.指标值", places
    )
    actual = stated(
        f"{base}.actual", f"{ind.name}完成值", ind.actual, ind.unit, f"{source}.完成值", places
    )
    yield target
    yield actual
    if not ind.quantitative:
        qual_met = is_met(ind.sign, None, None, ind.qual_grade)
        met = None if qual_met is None else Decimal(qual_met)
        inputs = {f"{source}.定性完成档次": ind.qual_grade}
        yield Figure(
            f"{base}.completion_rate",
            f"{ind.name}完成率",
            None,
            "%",
            2,
            "定性指标：按定性完成档次",
            inputs,
        )
        yield Figure(
            f"{base}.met",
            f"{ind.name}是否达成",
            met,
            "",
            0,
            "定性完成档次为“达成”记 1，否则记 0",
            inputs,
        )
        return
    if sign_of(ind.sign).direction is Direction.LOWER:
        rate = ratio(f"{base}.completion_rate", f"{ind.name}完成率", target, actual)
    else:
        rate = ratio(f"{base}.completion_rate", f"{ind.name}完成率", actual, target)
    value = completion_rate(ind.sign, ind.actual, ind.target)
    if value is None and rate.value is not None:
        # A ratio of negative values reads backwards (−5 ÷ −3 = 166.67% for an unmet “＞ −3”).
        rate = replace(rate, value=None, formula=f"{rate.formula}（有负数时不计算完成率）")
    yield replace(rate, value=value)
    judged = is_met(ind.sign, ind.actual, ind.target)
    met_value = None if judged is None else Decimal(judged)
    formula = f"{actual.label} {ind.sign} {target.label} 时记 1，否则记 0"
    yield Figure(
        f"{base}.met",
        f"{ind.name}是否达成",
        met_value,
        "",
        0,
        formula,
        {**target.inputs, **actual.inputs},
    )


def _indicators(
    indicators: Sequence[Indicator], prefix: figure_ids.IndicatorTable, sheet: str
) -> Iterator[Figure]:
    met_figures = []
    for base, ind in figure_ids.indicator_ids(prefix, indicators):
        for figure in indicator_figures(base, ind, f"{sheet}[{ind.owner}/{ind.name}]"):
            if figure.id.endswith(".met"):
                met_figures.append(figure)
            yield figure
    if not indicators:
        return
    known = [f.value for f in met_figures if f.value is not None]
    count = Figure(
        f"{prefix}s.count",
        "指标个数",
        Decimal(len(indicators)),
        "个",
        0,
        "指标表行数",
        {f"{sheet}.行数": str(len(indicators))},
    )
    met = Figure(
        f"{prefix}s.met_count",
        "已达成指标个数",
        sum(known, Decimal(0)),
        "个",
        0,
        "各指标“是否达成”之和",
        {f.id: str(f.value) for f in met_figures if f.value is not None},
    )
    assessed = Figure(
        f"{prefix}s.assessed_count",
        "有完成数据的指标个数",
        Decimal(len(known)),
        "个",
        0,
        "有完成值或定性档次的指标数",
        {},
    )
    yield count
    yield met
    yield assessed
    yield ratio(f"{prefix}s.met_rate", "指标达成率", met, assessed)


@area("indicators")
def indicators(ctx: Context) -> Iterator[Figure]:
    """Every 部门 and 项目 indicator: target, actual, completion rate, met; and the counts."""
    yield from _indicators(ctx.dataset.indicators, "indicator", "绩效指标")
    yield from _indicators(ctx.dataset.project_indicators, "project_indicator", "项目绩效指标")


# --------------------------------------------------------------------------- projects


def execution_base(project: Project) -> tuple[Decimal | None, str]:
    """The budget 执行率 is measured against: 调整后预算 when given, else 年初预算."""
    if project.adjusted is not None:
        return project.adjusted, "调整后预算数"
    return project.budget, "年初预算数"


@area("projects")
def projects(ctx: Context) -> Iterator[Figure]:
    """Per project 年初预算, 执行 base, 执行数 and 执行率; and the totals."""
    totals: dict[str, list[Figure]] = {"budget": [], "base": [], "executed": []}
    for p in ctx.dataset.projects:
        source = f"项目[{p.code}]"
        base_value, base_label = execution_base(p)
        budget = stated(
            figure_ids.project_id(p.code, "budget"),
            f"{p.name}年初预算数",
            p.budget,
            "万元",
            f"{source}.年初预算数",
        )
        base = stated(
            figure_ids.project_id(p.code, "execution_base"),
            f"{p.name}{base_label}",
            base_value,
            "万元",
            f"{source}.{base_label}",
        )
        executed = stated(
            figure_ids.project_id(p.code, "executed"),
            f"{p.name}执行数",
            p.executed,
            "万元",
            f"{source}.执行数",
        )
        yield budget
        yield base
        yield executed
        yield ratio(
            figure_ids.project_id(p.code, "execution_rate"), f"{p.name}预算执行率", executed, base
        )
        totals["budget"].append(budget)
        totals["base"].append(base)
        totals["executed"].append(executed)
    if not ctx.dataset.projects:
        return
    base_total = summed(
        "projects.execution_base.total", "项目预算数合计（调整后，无则年初）", totals["base"]
    )
    executed_total = summed("projects.executed.total", "项目执行数合计", totals["executed"])
    yield summed("projects.budget.total", "项目年初预算数合计", totals["budget"])
    yield base_total
    yield executed_total
    yield ratio("projects.execution_rate", "项目预算执行率", executed_total, base_total)


# --------------------------------------------------------------------------- self-scores


@area("score")
def scores(ctx: Context) -> Iterator[Figure]:
    """Points, self-score and deduction per scorecard line; parents not given sum their children."""
    items = ctx.dataset.scores
    codes = {s.code for s in items}
    children: dict[str, list[ScoreItem]] = {}
    for item in items:
        children.setdefault(item.parent_code if item.parent_code in codes else "", []).append(item)
    made: dict[str, Figure] = {}
    for item in items:
        _score_item(item, children, made)
    for item in items:
        for field in ("points", "score", "deduction"):
            yield made[figure_ids.score_id(item.code, field)]
    roots = children.get("", [])
    if not roots:
        return
    points = summed(
        "score.points_total",
        "自评分值合计",
        [made[figure_ids.score_id(r.code, "points")] for r in roots],
        "分",
    )
    score = summed(
        "score.score_total",
        "自评得分合计",
        [made[figure_ids.score_id(r.code, "score")] for r in roots],
        "分",
    )
    yield points
    yield score
    yield difference("score.deduction_total", "自评扣分合计", points, score)


def _score_item(
    item: ScoreItem, children: dict[str, list[ScoreItem]], made: dict[str, Figure]
) -> None:
    """Compute ``item`` (after its children) into ``made``."""
    if figure_ids.score_id(item.code, "points") in made:
        return
    kids = children.get(item.code, [])
    for kid in kids:
        _score_item(kid, children, made)
    fields: tuple[tuple[figure_ids.ScoreField, str], ...] = (
        ("points", "分值"),
        ("score", "自评得分"),
    )
    for field, label in fields:
        fid = figure_ids.score_id(item.code, field)
        value = getattr(item, field)
        if value is None and kids:
            made[fid] = summed(
                fid,
                f"{item.name}{label}",
                [made[figure_ids.score_id(k.code, field)] for k in kids],
                "分",
            )
        else:
            made[fid] = stated(
                fid, f"{item.name}{label}", value, "分", f"自评评分[{item.code}].{label}"
            )
    points, score = (
        made[figure_ids.score_id(item.code, "points")],
        made[figure_ids.score_id(item.code, "score")],
    )
    made[figure_ids.score_id(item.code, "deduction")] = difference(
        figure_ids.score_id(item.code, "deduction"), f"{item.name}扣分", points, score
    )
