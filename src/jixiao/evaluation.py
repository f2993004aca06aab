"""One evaluation of a dataset: the service every caller uses.

:func:`evaluate` computes, once, everything jixiao knows about one department's dataset:
the figures, the consistency findings, the score under one framework and the scorecard
the report prints. The command line (``run``, ``report``, ``score``, ``results``), the web
views and the background tasks call it and only *format* its result, so every screen and
every file of one run shows the same numbers.

Which framework scores the dataset is decided here, by one documented rule
(:func:`choose_framework`):

1. the framework the caller names (a shipped id, or a :class:`Framework` the command line
   parsed from a file the user named);
2. otherwise the framework the dataset names (自评结论 → 评分框架), looked up **by id
   among the shipped frameworks only** — data never names a file;
3. otherwise none: the evaluation has no score, and a finding says so. There is no silent
   default framework.

The engine is pure: no files, no process-wide settings; the settings are passed in.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

from jixiao.checks import CheckSettings, run_checks
from jixiao.dataset.model import Dataset
from jixiao.figures import FigureSet, compute_figures
from jixiao.findings import Finding, FindingKind, Location, Severity, kind
from jixiao.lib.progress import Progress, tell_or_ignore
from jixiao.reports.model import Scorecard as ReportScorecard
from jixiao.reports.scores import scorecard_from_dataset, scorecard_from_engine
from jixiao.scoring import Framework, FrameworkError, Scorecard, UnknownFramework, score_dataset
from jixiao.scoring.loader import SHIPPED, FrameworkSource


class FrameworkSourceKind(StrEnum):
    EXPLICIT = "explicit"  #: the caller named it (command line option, web form, task)
    DATASET = "dataset"  #: the dataset's 自评结论 → 评分框架
    NONE = "none"  #: no framework: not scored


@dataclass(frozen=True)
class FrameworkChoice:
    """The framework an evaluation used, where the choice came from, and why (Chinese)."""

    framework: Framework | None
    source: FrameworkSourceKind
    reason: str

    @property
    def id(self) -> str:
        return self.framework.id if self.framework is not None else ""


@dataclass(frozen=True)
class EvaluationSettings:
    """Everything tunable about an evaluation, passed explicitly (never process-wide)."""

    checks: CheckSettings = field(default_factory=CheckSettings)


@dataclass(frozen=True)
class Evaluation:
    """Everything computed about one dataset, once; callers only format it."""

    dataset: Dataset
    figures: FigureSet
    #: every finding of the checks, the scoring and the framework choice, each listed once
    findings: tuple[Finding, ...]
    #: the framework's scorecard, or None when the dataset was not scored
    scorecard: Scorecard | None
    #: the scorecard the report prints: the framework's, or the department's own 自评评分
    report_scorecard: ReportScorecard
    framework: FrameworkChoice

    @property
    def total(self) -> Decimal | None:
        """The framework's total (None when not scored); a lower bound when some item
        lacks data (``scorecard.complete`` is False), and then it has no grade."""
        return self.scorecard.total if self.scorecard is not None else None

    @property
    def grade(self) -> str:
        """优/良/中/差 from the framework's bands; ``""`` without a complete score."""
        return self.scorecard.grade if self.scorecard is not None else ""

    @property
    def grade_label(self) -> str:
        """优秀/良好/…; ``""`` without a complete score."""
        return self.scorecard.grade_label if self.scorecard is not None else ""

    def errors(self) -> Iterator[Finding]:
        return (f for f in self.findings if f.severity is Severity.ERROR)


# --------------------------------------------------------------------------- framework choice

_WHERE = Location(table="self_evaluation", column="framework")

FRAMEWORK_UNKNOWN = kind(
    "evaluation.framework_unknown",
    Severity.ERROR,
    "“自评结论”中的评分框架“{framework}”不是可用的评分框架（可用：{known}），未评分",
    "评分框架不可用",
)
FRAMEWORK_NOT_DEPARTMENT = kind(
    "evaluation.framework_not_department",
    Severity.ERROR,
    "评分框架“{framework}”是项目评分框架，不能为部门整体评分，未评分",
    "评分框架不适用",
)
FRAMEWORK_NONE = kind(
    "evaluation.no_framework",
    Severity.INFO,
    "数据集未指定评分框架（“自评结论”中的评分框架），未按框架评分；可在该栏选择评分框架后重新评价",
    "未指定评分框架",
)


def choose_framework(
    dataset: Dataset,
    framework: str | Framework | None = None,
    *,
    frameworks: FrameworkSource = SHIPPED,
) -> tuple[FrameworkChoice, list[Finding]]:
    """The framework that scores ``dataset``, by the rule in the module docstring.

    A framework the *caller* names must exist: an unknown id raises
    :class:`UnknownFramework` (the caller made the mistake, not the data). A framework
    the *dataset* names that is not among ``frameworks`` — a typing error, or a path
    such as ``/etc/passwd`` — is a finding, and nothing is opened.
    """
    if isinstance(framework, Framework):
        return FrameworkChoice(
            framework, FrameworkSourceKind.EXPLICIT, f"按指定的评分框架“{framework.name}”评分"
        ), []
    if framework:
        chosen = frameworks.get(framework)
        return FrameworkChoice(
            chosen, FrameworkSourceKind.EXPLICIT, f"按指定的评分框架“{chosen.name}”评分"
        ), []
    named = dataset.self_evaluation.framework.strip()
    where = Location(table=_WHERE.table, column=_WHERE.column, source=dataset.self_evaluation.loc)
    if not named:
        return _not_scored(FRAMEWORK_NONE.at(where))
    if named not in frameworks.ids():
        known = "、".join(frameworks.ids())
        return _not_scored(FRAMEWORK_UNKNOWN.at(where, framework=named, known=known))
    chosen = frameworks.get(named)
    return FrameworkChoice(
        chosen,
        FrameworkSourceKind.DATASET,
        f"按数据集“自评结论”所填的评分框架“{chosen.name}”评分",
    ), []


def _not_scored(finding: Finding) -> tuple[FrameworkChoice, list[Finding]]:
    return FrameworkChoice(None, FrameworkSourceKind.NONE, finding.message), [finding]


# --------------------------------------------------------------------------- the service

#: The stages :func:`evaluate` reports to its ``progress`` (as each begins).
STAGES: tuple[str, ...] = ("计算指标", "一致性检查", "评分")


def evaluate(
    dataset: Dataset,
    *,
    framework: str | Framework | None = None,
    settings: EvaluationSettings | None = None,
    frameworks: FrameworkSource = SHIPPED,
    progress: Progress | None = None,
) -> Evaluation:
    """Evaluate ``dataset``: figures, findings, score and the report's scorecard, once each.

    ``framework`` is the caller's choice (see :func:`choose_framework`); raises
    :class:`UnknownFramework` when the caller names an id ``frameworks`` does not have.
    ``progress`` follows the stages (:data:`STAGES`: 计算指标, 一致性检查, 评分) by the
    contract of :mod:`jixiao.lib.progress`.
    """
    tell = tell_or_ignore(progress)
    total = len(STAGES)
    settings = settings or EvaluationSettings()
    choice, choice_findings = choose_framework(dataset, framework, frameworks=frameworks)
    tell(STAGES[0], 0, total)
    figures = compute_figures(dataset)
    tell(STAGES[1], 1, total)
    findings = [*run_checks(dataset, figures, settings.checks), *choice_findings]
    tell(STAGES[2], 2, total)
    scorecard: Scorecard | None = None
    chosen = choice.framework
    if chosen is not None:
        if chosen.subject != "department":
            choice, refused = _not_scored(FRAMEWORK_NOT_DEPARTMENT.at(_WHERE, framework=chosen.id))
            findings += refused
        else:
            scorecard = score_dataset(dataset, chosen, figures=figures)
            # scoring reports only what depends on the framework; the department's own
            # scorecard is checked by the checks alone, so nothing is listed twice
            findings += scorecard.findings
    printed = (
        scorecard_from_engine(scorecard, dataset)
        if scorecard is not None
        else scorecard_from_dataset(dataset, graded=False)
    )
    tell("评价完成", total, total)
    return Evaluation(dataset, figures, tuple(findings), scorecard, printed, choice)


def _kinds() -> dict[str, FindingKind]:
    """Every finding kind an evaluation can give: the checks', the scoring engine's and this
    module's (the first two register theirs when imported)."""
    import jixiao.checks.rules
    import jixiao.scoring.engine  # noqa: F401
    from jixiao.findings import KINDS

    return KINDS


def finding_title(code: str) -> str:
    """The Chinese title of a finding code an evaluation can give; "" for a code no area
    declares."""
    declared = _kinds().get(code)
    return declared.title if declared is not None else ""


def finding_codes_titled(text: str) -> list[str]:
    """The finding codes whose Chinese title contains ``text`` (a search by 类别)."""
    return [code for code, declared in _kinds().items() if text and text in declared.title]


__all__ = [
    "STAGES",
    "Evaluation",
    "EvaluationSettings",
    "FrameworkChoice",
    "FrameworkError",
    "FrameworkSourceKind",
    "UnknownFramework",
    "choose_framework",
    "evaluate",
    "finding_codes_titled",
    "finding_title",
]
