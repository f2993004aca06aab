"""Execution: 决算 vs 年初预算 without explanation, low 执行率, unmet targets, the
carry-over flow and "三公"经费 above budget."""

from __future__ import annotations

from jixiao.checks.registry import INFO, WARNING, check, finding, money, pct, plain, settings, where
from jixiao.dataset.model import Dataset, Indicator
from jixiao.figures import FigureSet
from jixiao.figures.areas.money import MONEY_AREAS
from jixiao.figures.areas.targets import execution_base, numbered
from jixiao.figures.trees import item_name, name_of
from jixiao.findings import Finding
from jixiao.lib.money import HUNDRED

#: Money tables whose 决算 is compared with 年初预算 (not "三公": see three_public_over_budget).
VARIANCE_AREAS = tuple(a for a in MONEY_AREAS if a.key != "three_public")


def codes_name(item: str, list_name: str) -> str:
    """The plain name of an item, as a text would mention it (科学技术支出, not 206)."""
    return name_of(item, list_name)


def _explained(name: str, note: str, texts: list[str]) -> bool:
    """A line is explained by its own note, or by a 预决算差异原因 paragraph naming it."""
    return bool(note.strip()) or any(name in t for t in texts)


@check
def budget_variance(dataset: Dataset, figures: FigureSet) -> list[Finding]:
    """决算 outside [variance_low %, variance_high %] of 年初预算 needs an explanation."""
    config = settings()
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
            scope = f"单位 {row.unit} " if row.unit else ""
            shown = f"为年初预算的 {pct(rate)}" if rate is not None else "年初预算为 0"
            message = (
                f"{scope}{name} 决算 {money(row.final)}，{shown}（超出 {plain(config.variance_low)}%–{plain(config.variance_high)}%），"
                "但该行无差异说明，“预决算差异原因”中也未提及"
            )
            loc = where(spec.sheet, row.loc, row.item)
            result.append(
                finding(
                    "budget.variance_unexplained",
                    WARNING,
                    message,
                    loc,
                    budget=row.budget,
                    final=row.final,
                    rate=rate,
                )
            )
    return result


@check
def project_execution(dataset: Dataset, figures: FigureSet) -> list[Finding]:
    """Project 执行率 below ``execution_min`` % needs a reason in 执行情况说明."""
    minimum = settings().execution_min
    result = []
    for project in dataset.projects:
        rate = figures.value(f"project.{project.code}.execution_rate")
        if rate is None or rate >= minimum or project.note.strip():
            continue
        base, base_label = execution_base(project)
        message = (
            f"项目“{project.name}”执行数 {money(project.executed)}，为{base_label} {money(base)} 的 {pct(rate)}，"
            f"低于 {plain(minimum)}%，但未说明原因"
        )
        loc = where("项目", project.loc, project.code)
        result.append(
            finding(
                "project.execution_low_unexplained",
                WARNING,
                message,
                loc,
                executed=project.executed,
                base=base,
                rate=rate,
            )
        )
    return result


def _indicator_findings(
    prefix: str, sheet: str, indicators: tuple[Indicator, ...], figures: FigureSet
) -> list[Finding]:
    result = []
    for base, ind in numbered(indicators, prefix):
        met = figures.value(f"{base}.met")
        loc = where(sheet, ind.loc, ind.name)
        if met is None:
            if ind.quantitative and ind.actual is None and ind.horizon != "中期":
                message = f"指标“{ind.name}”（指标值 {ind.sign}{plain(ind.target)}{ind.unit}）未填写完成值，无法判断是否达成"
                result.append(
                    finding("indicator.actual_missing", INFO, message, loc, target=ind.target)
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
        if ind.horizon == "中期":
            message = f"中期指标“{ind.name}”尚未达成：{shown}{reason}"
            result.append(
                finding(
                    "indicator.midterm_not_yet_met",
                    INFO,
                    message,
                    loc,
                    target=ind.target,
                    actual=ind.actual,
                    rate=rate,
                )
            )
        else:
            message = f"指标“{ind.name}”未达成：{shown}{reason}"
            result.append(
                finding(
                    "indicator.not_met",
                    WARNING,
                    message,
                    loc,
                    target=ind.target,
                    actual=ind.actual,
                    rate=rate,
                )
            )
    return result


@check
def targets_met(dataset: Dataset, figures: FigureSet) -> list[Finding]:
    """Annual targets not met (warning, with the completion rate); missing actuals (info)."""
    return [
        *_indicator_findings("indicator", "绩效指标", dataset.indicators, figures),
        *_indicator_findings(
            "project_indicator", "项目绩效指标", dataset.project_indicators, figures
        ),
    ]


@check
def carryover_flow(dataset: Dataset, figures: FigureSet) -> list[Finding]:
    """年初结转和结余 + 决算收入 − 决算支出 (+ 调整) vs 年末结转和结余: report the gap."""
    gap = figures.value("carryover.flow_gap")
    if gap is None or gap == 0:
        return []
    expected = figures.value("carryover.flow_expected")
    closing = figures.value("carryover.closing")
    message = (
        f"年初结转和结余 {money(figures.value('carryover.opening'))} + 决算收入 {money(figures.value('income.final.total'))}"
        f" − 决算支出 {money(figures.value('expenditure.final.total'))} = {money(expected)}，"
        f"与年末结转和结余 {money(closing)} 相差 {money(gap)}（可能有结余分配、缴回等未填报的调整）"
    )
    return [
        finding(
            "carryover.flow_gap",
            WARNING,
            message,
            where("结转结余", item="合计"),
            expected=expected,
            closing=closing,
            gap=gap,
        )
    ]


@check
def three_public_over_budget(dataset: Dataset, figures: FigureSet) -> list[Finding]:
    """“三公”经费 决算 above 年初预算 (per line, where both are given)."""
    result = []
    for row in dataset.three_public:
        if row.budget is None or row.final is None or row.final <= row.budget:
            continue
        scope = f"单位 {row.unit} " if row.unit else ""
        name = item_name(row.item, "three_public")
        message = f"{scope}{name} 决算 {money(row.final)} 超过年初预算 {money(row.budget)}，超支 {money(row.final - row.budget)}"
        result.append(
            finding(
                "three_public.over_budget",
                WARNING,
                message,
                where("三公经费", row.loc, row.item),
                budget=row.budget,
                final=row.final,
            )
        )
    return result
