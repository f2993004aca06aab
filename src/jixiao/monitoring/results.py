"""Result application (绩效评价结果应用): budget recommendations and the 整改 list.

:func:`apply_results` grades the department and each project from their scores and
maps the grade to the recommendation a finance bureau applies (优 → 优先保障 … 差 →
取消, from the rule file; the grade is the scoring framework's, never a copy of its bands); every deduction in the scorecard and every unmet target
becomes a rectification item with owner, deadline and status. :func:`carry_forward`
puts the items into next year's dataset (table 整改事项), so they are tracked there.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from jixiao.dataset.keys import indicator_key
from jixiao.dataset.model import Dataset, Indicator, Profile, Rectification
from jixiao.domain.grades import same_grade
from jixiao.domain.signs import completion_rate, is_met
from jixiao.findings import Finding, Location, Severity, kind, value_text
from jixiao.lib.money import ZERO, normalize, round_half_up
from jixiao.monitoring.settings import ResultRules

if TYPE_CHECKING:
    from jixiao.evaluation import Evaluation


NO_SCORE = kind(
    "results.no_score", Severity.WARNING, "{why}，无法确定部门整体评价等级", "无评价等级"
)
GRADE_DIFFERS = kind(
    "results.grade_differs",
    Severity.INFO,
    "报告自评等级为“{stated_grade}”，按等级线 {score:n} 分为“{grade}”",
    "声明等级与评定等级不同",
)
NO_ACTUAL = kind(
    "results.no_actual", Severity.INFO, "“{indicator}”没有完成值，未判断是否完成", "无完成值"
)


def _n(value: Decimal) -> str:
    return format(normalize(value), "f")


@dataclass(frozen=True)
class Recommendation:
    """The grade of one scored subject and what it means for next year's budget."""

    level: str  #: 部门整体 or 项目
    code: str
    name: str
    score: Decimal
    grade: str
    recommendation: str
    basis: str  #: where the score came from
    #: True while the grade is only the self-evaluation's (参考): a budget decision waits
    #: for the finance office's reviewed grade (复核等级)
    reference: bool = True

    def to_json(self) -> dict[str, object]:
        return {
            "level": self.level,
            "code": self.code,
            "name": self.name,
            "score": value_text(self.score),
            "grade": self.grade,
            "recommendation": self.recommendation,
            "basis": self.basis,
            "reference": self.reference,
        }


@dataclass(frozen=True)
class ResultApplication:
    recommendations: tuple[Recommendation, ...]
    rectifications: tuple[Rectification, ...]
    findings: tuple[Finding, ...]

    def to_json(self) -> dict[str, object]:
        return {
            "recommendations": [r.to_json() for r in self.recommendations],
            "rectifications": [rectification_json(r) for r in self.rectifications],
            "findings": [f.to_json() for f in self.findings],
        }


def rectification_json(item: Rectification) -> dict[str, object]:
    return {
        "source_year": item.source_year,
        "kind": item.kind,
        "subject": item.subject,
        "detail": item.detail,
        "owner": item.owner,
        "deadline": item.deadline.isoformat() if item.deadline else "",
        "status": item.status,
    }


def department_score(evaluation: Evaluation) -> tuple[Decimal | None, str, str]:
    """The department's total score, its grade and its basis.

    The evaluation's score comes first: the framework the evaluation used, so the
    recommendation shows the same total and grade as the report and the scorecard of the
    same run (the grade is the framework's own). A framework that could not total the data
    gives no score (a lower bound would understate the grade). Only an evaluation without
    a framework falls back to the department's own scorecard (the sum of its 一级 lines),
    else the total its report states, graded by the national bands
    (:mod:`jixiao.scoring.grading`; result rules keep no bands of their own).
    """
    from jixiao.scoring.grading import grade_total

    card = evaluation.scorecard
    if card is not None:
        if card.total is None or not card.complete:
            return None, "", f"按《{card.framework_name}》评分不完整"
        return card.total, card.grade, f"按《{card.framework_name}》计算得分"
    dataset = evaluation.dataset
    top = [s.score for s in dataset.scores if "." not in s.code and s.score is not None]
    if top:
        total, basis = sum(top, ZERO), "自评评分表一级指标得分合计"
    elif dataset.self_evaluation.stated_total is not None:
        total, basis = dataset.self_evaluation.stated_total, "报告声明的自评总分"
    else:
        return None, "", ""
    band = grade_total(total)
    return total, band.grade if band else "", basis


def _recommendations(
    evaluation: Evaluation, rules: ResultRules, reviewed_grade: str = ""
) -> tuple[list[Recommendation], list[Finding]]:
    from jixiao.scoring.grading import grade_total

    dataset = evaluation.dataset
    findings = []
    result = []
    total, grade, basis = department_score(evaluation)
    name = dataset.profile.department_name or "部门整体"
    if reviewed_grade and total is not None:
        # The finance office's reviewed grade decides; the self-evaluation's total is shown.
        result.append(
            Recommendation(
                "部门整体",
                "",
                name,
                total,
                reviewed_grade,
                rules.recommendation(reviewed_grade),
                "财政复核等级",
                reference=False,
            )
        )
    elif total is None:
        findings.append(
            NO_SCORE.at(
                Location(table="scores", source="自评评分"),
                why=basis or "数据集没有自评得分",
            )
        )
    else:
        result.append(
            Recommendation("部门整体", "", name, total, grade, rules.recommendation(grade), basis)
        )
        stated = dataset.self_evaluation.stated_grade
        if stated and grade and not same_grade(stated, grade):
            findings.append(
                GRADE_DIFFERS.at(
                    Location(
                        table="self_evaluation",
                        column="stated_grade",
                        source=dataset.self_evaluation.loc or "自评结论",
                    ),
                    score=normalize(total),
                    stated_grade=stated,
                    grade=grade,
                )
            )
    for project in dataset.projects:
        if project.self_score is None:
            continue
        band = grade_total(project.self_score)
        grade = band.grade if band else ""
        result.append(
            Recommendation(
                "项目",
                project.code,
                project.name,
                project.self_score,
                grade,
                rules.recommendation(grade),
                "项目自评得分",
            )
        )
    return result, findings


def _deadline(year: int | None, rules: ResultRules) -> date | None:
    if year is None:
        return None
    month, day = (int(p) for p in rules.deadline.split("-"))
    return date(year + 1, month, day)


def _deductions(dataset: Dataset, deadline: date | None) -> list[Rectification]:
    """Every leaf of the scorecard that lost points (parents only sum their children)."""
    parents = {s.parent_code for s in dataset.scores}
    owner = dataset.profile.department_name
    items = []
    for item in dataset.scores:
        if (
            item.code in parents
            or item.points is None
            or item.score is None
            or item.score >= item.points
        ):
            continue
        lost = item.points - item.score
        items.append(
            Rectification(
                dataset.profile.year,
                "扣分项",
                f"{item.code} {item.name}：扣 {_n(lost)} 分（分值 {_n(item.points)}，得分 {_n(item.score)}）",
                item.reason,
                owner,
                deadline,
                "待整改",
                item.loc,
            )
        )
    return items


def unmet(ind: Indicator) -> str:
    """Why ``ind`` is not met (Chinese), or ``""`` when it is met or cannot be judged.

    Met and 完成率 are :mod:`jixiao.domain.signs`'s: ``＞ 10`` with 完成值 10 is not met.
    """
    if is_met(ind.sign, ind.actual, ind.target, ind.qual_grade) is not False:
        return ""
    if not ind.quantitative:
        return f"定性指标完成档次为“{ind.qual_grade}”"
    assert ind.target is not None and ind.actual is not None
    rate = completion_rate(ind.sign, ind.actual, ind.target)
    shown = f"，完成率 {_n(round_half_up(rate, 2))}%" if rate is not None else ""
    return f"指标值 {ind.sign}{_n(ind.target)}{ind.unit}，完成值 {_n(ind.actual)}{ind.unit}{shown}"


def _unmet_targets(
    dataset: Dataset, deadline: date | None
) -> tuple[list[Rectification], list[Finding]]:
    projects = {p.code: p for p in dataset.projects}
    department = dataset.profile.department_name
    items, findings = [], []
    subjects = [(i, "indicators", f"{department}（目标 {i.owner}）") for i in dataset.indicators]
    units = dataset.unit_by_code()
    for ind in dataset.project_indicators:
        p = projects.get(ind.owner)
        if p is None:
            subjects.append((ind, "project_indicators", ind.owner))
            continue
        who = p.division or (units[p.unit].name if p.unit in units else p.unit)
        owner = f"{who}（项目 {p.code} {p.name}）" if who else f"项目 {p.code} {p.name}"
        subjects.append((ind, "project_indicators", owner))
    for ind, table, owner in subjects:
        if (
            ind.horizon == "年度"
            and ind.quantitative
            and ind.target is not None
            and ind.actual is None
        ):
            findings.append(
                NO_ACTUAL.at(
                    Location(table=table, row=indicator_key(ind), column="actual", source=ind.loc),
                    indicator=ind.name,
                )
            )
        reason = unmet(ind)
        if reason:
            detail = "；".join(t for t in (reason, ind.actual_desc, ind.deviation) if t)
            items.append(
                Rectification(
                    dataset.profile.year,
                    "未完成指标",
                    f"{ind.name}：{reason}",
                    detail,
                    owner,
                    deadline,
                    "待整改",
                    ind.loc,
                )
            )
    return items, findings


def _still_open(dataset: Dataset) -> list[Rectification]:
    """Items carried from earlier years that are not yet rectified stay on the list."""
    return [
        dataclasses.replace(r, kind=f"往年未完成整改（{r.kind}）")
        for r in dataset.rectifications
        if r.status != "已整改"
    ]


def apply_results(
    evaluation: Evaluation, rules: ResultRules, reviewed_grade: str = ""
) -> ResultApplication:
    """Recommendations from the grades, and the 整改 list of deductions and unmet targets.

    A budget recommendation is decided only on a reviewed grade (``reviewed_grade``, the
    finance office's 复核等级 of the department); from a self-evaluation alone every
    recommendation is ``reference`` (参考): what the grade would mean, not a decision.
    """
    dataset = evaluation.dataset
    recommendations, findings = _recommendations(evaluation, rules, reviewed_grade)
    deadline = _deadline(dataset.profile.year, rules)
    unmet_items, unmet_findings = _unmet_targets(dataset, deadline)
    items = _deductions(dataset, deadline) + unmet_items + _still_open(dataset)
    return ResultApplication(tuple(recommendations), tuple(items), tuple(findings + unmet_findings))


def carry_forward(
    dataset: Dataset, items: tuple[Rectification, ...], next_year: Dataset | None = None
) -> Dataset:
    """Next year's dataset with ``items`` in its 整改事项 table.

    With ``next_year`` given, its items from the same source year are replaced (running
    twice does not duplicate them); otherwise a new dataset is started with the
    department's profile, divisions and units.
    """
    if next_year is None:
        profile = Profile(
            department_name=dataset.profile.department_name,
            year=dataset.profile.year + 1 if dataset.profile.year else None,
            amount_unit=dataset.profile.amount_unit,
        )
        next_year = Dataset(profile=profile, divisions=dataset.divisions, units=dataset.units)
    years = {i.source_year for i in items}
    kept = tuple(r for r in next_year.rectifications if r.source_year not in years)
    fresh = tuple(dataclasses.replace(i, loc="") for i in items)
    return dataclasses.replace(next_year, rectifications=kept + fresh)
