"""The review file (审核底稿): what the finance office and the reviewers check a report with.

Built from the same evaluation as the submission report, after it (it lists what the
report printed):

- 审核摘要: the framework and why it was used, total and grade, counts;
- 数据检查发现的问题: every finding of the evaluation with its place (sheet and cell,
  table, row, column) and its code;
- 评分核对: every scoring line with its points, score, deduction, how it is scored and
  the engine's calculation; then every deduction with its reason, and those without one;
- 未写入报告的数据说明: entered notes about the data that the report leaves out;
- 数据来源: every figure the report prints — its id, formula and dataset inputs.

Its HTML carries the report's body too, with each number linked to its 数据来源 row.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import Decimal
from typing import TYPE_CHECKING

from jixiao.dataset.model import TABLES, Dataset
from jixiao.findings import SEVERITY_LABELS, Finding, Location, Severity, kind
from jixiao.reports.context import score_text
from jixiao.reports.model import (
    REVIEW,
    Block,
    Cell,
    Chart,
    Cover,
    CoverField,
    Paragraph,
    ReportModel,
    Run,
    Scorecard,
    ScoreRow,
    Section,
    Table,
)
from jixiao.reports.reasons import is_reason
from jixiao.reports.wording import Wording, load_wording

if TYPE_CHECKING:
    from jixiao.evaluation import Evaluation

DEDUCTION_UNEXPLAINED = kind(
    "report.deduction_unexplained",
    Severity.WARNING,
    "“{name}”扣{shown}分，评分说明未说明扣分理由，请部门补充",
    "扣分未说明理由",
)
SCORE_ABOVE_POINTS = kind(
    "report.score_above_points",
    Severity.ERROR,
    "“{name}”得分{shown}分超过其分值{points_shown}分",
    "得分超过分值",
)

_ORDER = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.ROUNDING: 2, Severity.INFO: 3}


def _table_label(key: str) -> str:
    return next((t.sheet for t in TABLES if t.key == key), key)


def _column_label(table: str, column: str) -> str:
    for spec in TABLES:
        if spec.key == table:
            try:
                return spec.column(column).header
            except KeyError:
                return column
    return column


def place(location: Location) -> str:
    """Where a finding points, as a person finds it: ``收入!E7`` or ``“项目”表 P001 执行数``."""
    if location.source:
        return location.source
    if location.line:
        return f"第{location.line}行"
    parts = []
    if location.table:
        parts.append(f"“{_table_label(location.table)}”")
    if location.row:
        parts.append(location.row)
    if location.column:
        parts.append(f"“{_column_label(location.table, location.column)}”")
    return " ".join(parts)


def _explained(row: ScoreRow, reason: str, cues: Sequence[str]) -> bool:
    """A deduction is explained by the rule's calculation or by a text that names a shortfall."""
    if row.computed:
        return True
    return is_reason(reason, cues)


def _score_location(dataset: Dataset, row: ScoreRow) -> Location:
    item = next((s for s in dataset.scores if s.code == row.code), None)
    return Location(table="scores", row=row.code, column="reason", source=item.loc if item else "")


def score_findings(card: Scorecard, dataset: Dataset, wording: Wording) -> list[Finding]:
    """Deductions without a reason, and scores above their points (the report prints neither)."""
    cues = wording.data.get("deduction_cues", [])
    parents = {r.code.rpartition(".")[0] for r in card.rows}
    found = []
    for row in card.rows:
        where = _score_location(dataset, row)
        if row.score is not None and row.points is not None and row.score > row.points:
            found.append(
                SCORE_ABOVE_POINTS.at(
                    where,
                    name=row.name,
                    score=row.score,
                    points=row.points,
                    shown=score_text(row.score),
                    points_shown=score_text(row.points),
                )
            )
            continue
        is_line = row.code not in parents or row.status == "whole"
        if is_line and row.deduction and not _explained(row, row.reason, cues):
            found.append(
                DEDUCTION_UNEXPLAINED.at(
                    where, name=row.name, deduction=row.deduction, shown=score_text(row.deduction)
                )
            )
    return found


# --------------------------------------------------------------------------- sections


def _para(text: str) -> Paragraph:
    return Paragraph((Run(text),))


def _summary(
    evaluation: Evaluation,
    report: ReportModel,
    findings: Sequence[Finding],
    unexplained: int,
    wording: Wording,
) -> list[Block]:
    phrases = wording.data["phrases"]
    card = report.scorecard
    choice = evaluation.framework
    blocks: list[Block] = [_para(phrases["review_summary"].format(report=report.title))]
    if choice.framework is not None:
        blocks.append(
            _para(
                phrases["review_framework"].format(
                    framework=f"{choice.framework.name}（{choice.framework.id}）",
                    basis=choice.reason,
                )
            )
        )
    else:
        blocks.append(_para(phrases["review_no_framework"].format(basis=choice.reason)))
    if card.total is not None:
        blocks.append(
            _para(
                phrases["review_total"].format(
                    total=score_text(card.total),
                    points=score_text(card.points),
                    grade=card.grade or "—",
                )
            )
        )
    counts = {s: sum(1 for f in findings if f.severity is s) for s in Severity}
    if findings:
        blocks.append(
            _para(
                phrases["review_counts"].format(
                    count=len(findings),
                    errors=counts[Severity.ERROR],
                    warnings=counts[Severity.WARNING],
                    infos=counts[Severity.INFO] + counts[Severity.ROUNDING],
                )
            )
        )
    else:
        blocks.append(_para(phrases["review_none"]))
    if unexplained:
        blocks.append(_para(phrases["review_unexplained"].format(count=unexplained)))
    blocks.append(_para(phrases["review_figures"].format(count=len(report.sources))))
    return blocks


def _findings_table(findings: Sequence[Finding]) -> Table:
    ordered = sorted(findings, key=lambda f: _ORDER[f.severity])
    rows = tuple(
        (
            Cell(str(i), numeric=True),
            Cell(SEVERITY_LABELS[f.severity]),
            Cell(f.message),
            Cell(place(f.location)),
            Cell(f.code),
        )
        for i, f in enumerate(ordered, start=1)
    )
    return Table(
        "审核表1",
        "数据检查发现的问题",
        ("序号", "级别", "问题", "位置", "编号"),
        rows,
        sheet="问题清单",
    )


def _rule_name(rule: str) -> str:
    from jixiao.scoring.rules import RULES

    if rule.startswith("fallback:"):
        return "本项整体评分"
    found = RULES.get(rule)
    return found.verbose_name if found is not None else ""


def _scored_children(card: Scorecard, row: ScoreRow) -> str:
    """Beside a line scored as a whole (the framework's ``fallback``): what its scored
    children add up to, and which were not scored — the reviewer compares the department's
    own score with what the indicators support (履职效能 50 against 整体效能 1.16)."""
    children = [r for r in card.rows if r.code.rpartition(".")[0] == row.code]
    scored = [r for r in children if r.score is not None]
    unscored = [r.name for r in children if r.score is None]
    total = sum((r.score for r in scored if r.score is not None), Decimal(0))
    parts = "，".join(f"{r.name} {score_text(r.score)}" for r in scored)
    text = f"已评分的下级指标合计 {score_text(total)} 分" + (f"（{parts}）" if parts else "")
    if unscored:
        text += f"，{'、'.join(unscored)}暂未评分"
    whole = score_text(row.score) if row.score is not None else "—"
    return (
        f"{text}；按评分框架，总分计入本项整体评分 {whole} 分（部门整体自评得分，未经逐项指标核实）"
    )


def _score_table(card: Scorecard, explanations: dict[str, tuple[str, str]]) -> Table:
    rows = []
    for r in card.rows:
        rule, explanation = explanations.get(r.code, ("", r.explanation))
        if r.status == "whole":
            beside = _scored_children(card, r)
            explanation = f"{explanation.rstrip('。')}。{beside}" if explanation else beside
        rows.append(
            (
                Cell(r.code),
                Cell(r.name, indent=r.level - 1),
                Cell(score_text(r.points), numeric=True),
                Cell(score_text(r.score) if r.score is not None else "—", numeric=True),
                Cell(score_text(r.deduction) if r.deduction is not None else "—", numeric=True),
                Cell(rule),
                Cell(explanation),
            )
        )
    rows.append(
        (
            Cell(""),
            Cell("合计", bold=True),
            Cell(score_text(card.points), numeric=True, bold=True),
            Cell(score_text(card.total), numeric=True, bold=True),
            Cell(
                score_text(card.deduction) if card.deduction is not None else "—",
                numeric=True,
                bold=True,
            ),
            Cell(""),
            Cell(card.grade),
        )
    )
    return Table(
        "审核表2",
        "评分核对",
        ("编码", "指标", "分值", "得分", "扣分", "计分方式", "计算过程"),
        tuple(rows),
        sheet="评分核对",
    )


def _deduction_table(card: Scorecard, unexplained: set[str], cues: Sequence[str]) -> Table:
    parents = {r.code.rpartition(".")[0] for r in card.rows}
    rows = []
    for r in card.rows:
        if not r.deduction or (r.code in parents and r.status != "whole"):
            continue
        if r.code in unexplained:
            state = "未说明理由"
        elif r.computed:
            state = "按计分规则计算"
        else:
            state = "部门说明"
        rows.append(
            (
                Cell(r.code),
                Cell(r.name),
                Cell(score_text(r.deduction), numeric=True),
                Cell(state),
                Cell(r.reason or "—"),
            )
        )
    return Table(
        "审核表3",
        "扣分及理由",
        ("编码", "指标", "扣分", "理由来源", "评分说明"),
        tuple(rows),
        sheet="扣分理由",
    )


def _omitted_table(report: ReportModel) -> Table:
    rows = tuple(
        (Cell(str(i), numeric=True), Cell(o.where), Cell(o.text), Cell(o.reason))
        for i, o in enumerate(report.omitted, start=1)
    )
    return Table(
        "审核表4",
        "未写入报告的数据说明",
        ("序号", "填写位置", "内容", "未写入原因"),
        rows,
        sheet="数据说明",
    )


def _sources_table(report: ReportModel) -> Table:
    rows = tuple(
        (
            Cell(s.figure, anchor=s.figure),
            Cell(s.label),
            Cell(s.text, figure=s.figure, numeric=True),
            Cell(s.unit),
            Cell(s.formula),
            Cell("；".join(f"{k} = {v}" for k, v in s.inputs)),
        )
        for s in report.sources
    )
    return Table(
        "审核表5",
        "数据来源",
        ("编号", "名称", "数值", "单位", "计算公式", "所依据的数据"),
        rows,
        sheet="数据来源",
    )


def _cover(evaluation: Evaluation, report: ReportModel, wording: Wording) -> Cover:
    profile = evaluation.dataset.profile
    title = wording.data["phrases"]["review_title"].format(year=profile.year or "")
    fields = [CoverField("报告", report.title)]
    if evaluation.framework.framework is not None:
        fields.append(CoverField("评分框架", evaluation.framework.framework.name))
    return Cover(profile.department_name, title, tuple(fields))


_SPACES = re.compile(r"\s+")


def build_review(
    evaluation: Evaluation, report: ReportModel, wording: Wording | None = None
) -> ReportModel:
    """The review file of ``report`` (the submission report built from ``evaluation``)."""
    wording = wording or load_wording()
    card = report.scorecard
    extra = score_findings(card, evaluation.dataset, wording)
    findings = [*evaluation.findings, *extra]
    unexplained = {
        f.location.row for f in extra if f.code == DEDUCTION_UNEXPLAINED.code and f.location.row
    }
    explanations = {}
    if evaluation.scorecard is not None:
        explanations = {
            item.code: (_rule_name(item.rule), _SPACES.sub(" ", item.explanation))
            for item in evaluation.scorecard.walk()
        }
    cues = wording.data.get("deduction_cues", [])
    sections = [
        Section(
            "review.summary",
            "一、审核摘要",
            1,
            tuple(_summary(evaluation, report, findings, len(unexplained), wording)),
        ),
        Section("review.findings", "二、数据检查发现的问题", 1, (_findings_table(findings),)),
    ]
    if card.rows:
        sections.append(
            Section(
                "review.scores",
                "三、评分核对",
                1,
                (_score_table(card, explanations), _deduction_table(card, unexplained, cues)),
            )
        )
    if report.omitted:
        sections.append(
            Section(
                "review.omitted",
                "四、未写入报告的数据说明",
                1,
                (_para(wording.data["phrases"]["review_omitted"]), _omitted_table(report)),
            )
        )
    sections.append(Section("review.sources", "五、数据来源", 1, (_sources_table(report),)))
    from jixiao.reports.builder import without_empty_sections

    title = _cover(evaluation, report, wording).title
    return ReportModel(
        title=f"{evaluation.dataset.profile.department_name}{title}",
        cover=_cover(evaluation, report, wording),
        sections=tuple(without_empty_sections(sections)),
        scorecard=card,
        sources=report.sources,
        kind=REVIEW,
        omitted=report.omitted,
        # the report's body for the HTML's linked copy (its charts are in the report itself)
        body=tuple(
            Section(s.id, s.title, s.level, tuple(b for b in s.blocks if not isinstance(b, Chart)))
            for s in report.sections
        ),
    )
