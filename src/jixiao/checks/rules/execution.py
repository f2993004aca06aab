"""Execution: 决算 vs 年初预算 without explanation, low 执行率, unmet targets, the
carry-over flow and "三公"经费 above budget."""

from __future__ import annotations

from jixiao.checks.registry import CheckSettings, at, check, pct, plain
from jixiao.dataset.model import Dataset, Indicator
from jixiao.figures import FigureSet
from jixiao.figures.areas.money import MONEY_AREAS
from jixiao.figures.areas.targets import execution_base
from jixiao.figures.ids import IndicatorTable, indicator_ids, project_id
from jixiao.figures.trees import item_name, name_of
from jixiao.findings import Finding, Severity, kind
from jixiao.lib.money import HUNDRED

#: Money tables whose 决算 is compared with 年初预算 (not "三公": see three_public_over_budget).
VARIANCE_AREAS = tuple(a for a in MONEY_AREAS if a.key != "three_public")


def codes_name(item: str, list_name: str) -> str:
    """The plain name of an item, as a text would mention it (科学技术支出, not 206)."""
    return name_of(item, list_name)


VARIANCE = kind(
    "budget.variance_unexplained",
    Severity.WARNING,
    "{scope}{item} 决算 {final:万元}，{shown}（超出 {low:n}%–{high:n}%），但该行无差异说明，“预决算差异原因”中也未提及",
    "预决算差异未说明",
)
EXECUTION_LOW = kind(
    "project.execution_low_unexplained",
    Severity.WARNING,
    "项目“{project}”执行数 {executed:万元}，为{base_label} {base:万元} 的 {rate:%}，低于 {minimum:n}%，但未说明原因",
    "项目执行率偏低未说明",
)
OVER_BUDGET = kind(
    "project.over_budget",
    Severity.ERROR,
    "项目“{project}”执行数 {executed:万元} 超过{base_label} {base:万元}，为其 {rate:%}，超支 {over:万元}",
    "项目执行数超过预算",
)
ACTUAL_MISSING = kind(
    "indicator.actual_missing",
    Severity.INFO,
    "指标“{indicator}”（指标值 {sign}{target:n}{unit}）未填写完成值，无法判断是否达成",
    "指标未填完成值",
)
MIDTERM_NOT_YET_MET = kind(
    "indicator.midterm_not_yet_met",
    Severity.INFO,
    "中期指标“{indicator}”尚未达成：{shown}{reason}",
    "中期指标尚未达成",
)
NOT_MET = kind(
    "indicator.not_met",
    Severity.WARNING,
    "指标“{indicator}”未达成：{shown}{reason}",
    "指标未达成",
)
FLOW_GAP = kind(
    "carryover.flow_gap",
    Severity.WARNING,
    "年初结转和结余 {opening:万元} + 决算收入 {income:万元} − 决算支出 {expenditure:万元} = {expected:万元}，"
    "与年末结转和结余 {closing:万元} 相差 {gap:万元}（可能有结余分配、缴回等未填报的调整）",
    "结转结余衔接差异",
)
THREE_PUBLIC_OVER = kind(
    "three_public.over_budget",
    Severity.WARNING,
    "{scope}{item} 决算 {final:万元} 超过年初预算 {budget:万元}，超支 {over:万元}",
    "“三公”经费超预算",
)


def _explained(name: str, note: str, texts: list[str]) -> bool:
    """A line is explained by its own note, or by a 预决算差异原因 paragraph naming it."""
    return bool(note.strip()) or any(name in t for t in texts)


@check("budget_variance", "预决算差异须有说明")
def budget_variance(dataset: Dataset, figures: FigureSet, settings: CheckSettings) -> list[Finding]:
    """决算 outside [variance_low %, variance_high %] of 年初预算 needs an explanation."""
    config = settings
    texts = dataset.text("budget_variance_note")
    result = []
    for spec in VARIANCE_AREAS:
        for row in getattr(dataset, spec.table):
            if row.budget is None or row.final is None or (row.budget == 0 and row.final == 0):
                continue
            rate = row.final / row.budget * HUNDRED if row.budget else None
            if rate is not None and config.variance_low <= rate <= config.variance_high:
                continue
            name = item_name(row.item, spec.codes)
            if _explained(codes_name(row.item, spec.codes), row.note, texts):
                continue
            result.append(
                VARIANCE.at(
                    at(spec.table, row, item=row.item, column="final"),
                    scope=f"单位 {row.unit} " if row.unit else "",
                    item=name,
                    shown=f"为年初预算的 {pct(rate)}" if rate is not None else "年初预算为 0",
                    low=config.variance_low,
                    high=config.variance_high,
                    budget=row.budget,
                    final=row.final,
                    rate=rate,
                )
            )
    return result


@check("project_execution", "项目执行率偏低须说明原因")
def project_execution(
    dataset: Dataset, figures: FigureSet, settings: CheckSettings
) -> list[Finding]:
    """Project 执行率 below ``execution_min`` % needs a reason in 执行情况说明."""
    minimum = settings.execution_min
    result = []
    for project in dataset.projects:
        rate = figures.value(project_id(project.code, "execution_rate"))
        if rate is None or rate >= minimum or project.note.strip():
            continue
        base, base_label = execution_base(project)
        result.append(
            EXECUTION_LOW.at(
                at("projects", project, item=project.code, column="note"),
                project=project.name,
                base_label=base_label,
                minimum=minimum,
                executed=project.executed,
                base=base,
                rate=rate,
            )
        )
    return result


@check("project_over_budget", "项目执行数不得超过预算")
def project_over_budget(
    dataset: Dataset, figures: FigureSet, settings: CheckSettings
) -> list[Finding]:
    """A project's 执行数 above its 调整后预算 (else 年初预算): money spent without a budget."""
    result = []
    for project in dataset.projects:
        base, base_label = execution_base(project)
        if base is None or project.executed is None or project.executed <= base:
            continue
        result.append(
            OVER_BUDGET.at(
                at("projects", project, item=project.code, column="executed"),
                project=project.name,
                base_label=base_label,
                executed=project.executed,
                base=base,
                rate=figures.value(f"project.{project.code}.execution_rate"),
                over=project.executed - base,
            )
        )
    return result


def _indicator_findings(
    prefix: IndicatorTable, table: str, indicators: tuple[Indicator, ...], figures: FigureSet
) -> list[Finding]:
    result = []
    for base, ind in indicator_ids(prefix, indicators):
        met = figures.value(f"{base}.met")
        if met is None:
            if ind.quantitative and ind.actual is None and ind.horizon != "中期":
                result.append(
                    ACTUAL_MISSING.at(
                        at(table, ind, item=ind.name, column="actual"),
                        indicator=ind.name,
                        sign=ind.sign,
                        unit=ind.unit,
                        target=ind.target,
                    )
                )
            continue
        if met == 1:
            continue
        rate = figures.value(f"{base}.completion_rate")
        if ind.quantitative:
            shown = f"指标值 {ind.sign}{plain(ind.target)}{ind.unit}，完成值 {plain(ind.actual)}{ind.unit}，完成率 {pct(rate)}"
        else:
            shown = f"定性完成档次为“{ind.qual_grade}”"
        reason = "；已说明偏差原因" if ind.deviation.strip() else "；未说明偏差原因及改进措施"
        found = MIDTERM_NOT_YET_MET if ind.horizon == "中期" else NOT_MET
        result.append(
            found.at(
                at(table, ind, item=ind.name, column="actual"),
                indicator=ind.name,
                shown=shown,
                reason=reason,
                target=ind.target,
                actual=ind.actual,
                rate=rate,
            )
        )
    return result


@check("targets_met", "绩效指标完成情况")
def targets_met(dataset: Dataset, figures: FigureSet, settings: CheckSettings) -> list[Finding]:
    """Annual targets not met (warning, with the completion rate); missing actuals (info)."""
    return [
        *_indicator_findings("indicator", "indicators", dataset.indicators, figures),
        *_indicator_findings(
            "project_indicator", "project_indicators", dataset.project_indicators, figures
        ),
    ]


@check("carryover_flow", "结转结余的年度衔接")
def carryover_flow(dataset: Dataset, figures: FigureSet, settings: CheckSettings) -> list[Finding]:
    """年初结转和结余 + 决算收入 − 决算支出 (+ 调整) vs 年末结转和结余: report the gap."""
    gap = figures.value("carryover.flow_gap")
    if gap is None or gap == 0:
        return []
    return [
        FLOW_GAP.at(
            at("carryover", item="合计", column="closing"),
            opening=figures.value("carryover.opening"),
            income=figures.value("income.final.total"),
            expenditure=figures.value("expenditure.final.total"),
            expected=figures.value("carryover.flow_expected"),
            closing=figures.value("carryover.closing"),
            gap=gap,
        )
    ]


@check("three_public_over_budget", "“三公”经费不超预算")
def three_public_over_budget(
    dataset: Dataset, figures: FigureSet, settings: CheckSettings
) -> list[Finding]:
    """“三公”经费 决算 above 年初预算 (per line, where both are given)."""
    result = []
    for row in dataset.three_public:
        if row.budget is None or row.final is None or row.final <= row.budget:
            continue
        result.append(
            THREE_PUBLIC_OVER.at(
                at("three_public", row, item=row.item, column="final"),
                scope=f"单位 {row.unit} " if row.unit else "",
                item=item_name(row.item, "three_public"),
                budget=row.budget,
                final=row.final,
                over=row.final - row.budget,
            )
        )
    return result
