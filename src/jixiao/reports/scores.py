"""The scorecard as the report prints it, adapted from the scoring engine or the dataset.

The report never computes a score: it prints what it is given. :func:`report_scorecard`
is the one place that decides where the scores come from.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING

from jixiao.dataset.model import Dataset, ScoreItem
from jixiao.reports.model import Scorecard, ScoreRow
from jixiao.scoring.grading import GRADING_FRAMEWORK as GRADING_FRAMEWORK

if TYPE_CHECKING:
    from jixiao.scoring import Framework, ItemScore
    from jixiao.scoring import Scorecard as EngineScorecard

SCORECARD_TITLE = "部门整体支出绩效自评指标评分表"


def grade_label(total: Decimal | None, framework: Framework | None = None) -> str:
    """The grade of ``total`` as the framework's bands label it; ``""`` if no total or band.

    Without ``framework``, the national bands (:mod:`jixiao.scoring.grading`).
    """
    from jixiao.scoring.grading import grade_total

    band = grade_total(total, framework)
    return band.label if band else ""


def _row(item: ScoreItem) -> ScoreRow:
    deduction = (
        item.points - item.score if item.points is not None and item.score is not None else None
    )
    return ScoreRow(
        code=item.code,
        name=item.name,
        level=item.code.count(".") + 1,
        points=item.points,
        score=item.score,
        deduction=deduction,
        reason=item.reason,
    )


def _sum(values: Sequence[Decimal | None]) -> Decimal | None:
    if not values or any(v is None for v in values):
        return None
    return sum((v for v in values if v is not None), Decimal(0))


def scorecard_from_dataset(
    dataset: Dataset, framework: Framework | None = None, *, graded: bool = True
) -> Scorecard:
    """The scorecard as the department filled it (自评评分), totalled over the 一级 lines.

    The total is graded by ``framework``'s bands (default: the national bands of
    :data:`jixiao.scoring.grading.GRADING_FRAMEWORK`); with ``graded=False`` (an
    evaluation without a framework) it carries no grade.
    """
    rows = tuple(_row(item) for item in dataset.scores)
    top = [r for r in rows if r.level == 1]
    total = _sum([r.score for r in top])
    return Scorecard(
        title=SCORECARD_TITLE,
        rows=rows,
        points=_sum([r.points for r in top]),
        total=total,
        grade=grade_label(total, framework) if graded else "",
        framework=dataset.self_evaluation.framework,
    )


def scorecard_from_engine(card: EngineScorecard, dataset: Dataset) -> Scorecard:
    """The scoring engine's scorecard as the report prints it.

    Scores, points, grade and status come from the engine. ``reason`` is what the
    submission report may print: the department's own 评分说明 for that code where the
    dataset gives one, else — for a line the framework computed from the data — the
    engine's calculation (“…变动率 198.46%，超过0% …，扣 4 分”), which is a reason a
    department would write. A manual line without the department's text has no reason:
    the review file lists its deduction. ``explanation`` keeps the engine's text for the
    review file. A parent the department scored as a whole because its children could
    not all be scored (the framework's fallback) is ``whole`` and names those children.
    """
    reasons = {item.code: item.reason for item in dataset.scores if item.reason}
    rows = []
    for item, level in _walk(card.items, 1):
        whole = item.rule.startswith("fallback:")
        status = "whole" if whole else str(item.status)
        score = item.score if status in ("scored", "whole", "partial") else None
        # Only a line scored from its own data has a deduction. A line the department
        # scored as a whole, over children that could not be scored, is its claim: printed
        # as such, with “—” for 扣分, never as 满分 (履职效能 50/50 “扣0” over 整体效能 1.16
        # and 专项效能 unscored could not be defended).
        deduction = None
        if status == "scored" and score is not None:
            deduction = item.points - score
        unscored = (
            tuple(c.name for c in item.children if str(c.status) != "scored")
            if whole
            else _unscored(item.children)
        )
        automatic = item.is_leaf and item.rule not in ("manual", "") and status == "scored"
        rows.append(
            ScoreRow(
                code=item.code,
                name=item.name,
                level=level,
                points=item.points,
                score=score,
                deduction=deduction,
                reason=reasons.get(item.code, _in_words(item.explanation) if automatic else ""),
                status=status,
                explanation=item.explanation,
                unscored=unscored,
                source=item.loc,
                computed=automatic,
            )
        )
    return Scorecard(
        title=SCORECARD_TITLE,
        rows=tuple(rows),
        points=card.points,
        total=card.total,
        grade=card.grade_label or card.grade,
        framework=card.framework,
        framework_name=card.framework_name,
    )


def _unscored(children: Sequence[ItemScore]) -> tuple[str, ...]:
    """The lines below that could not be scored, down to the unscored ones themselves.

    A partly scored child is not “unscored”: its own unscored lines are named instead (产出:
    “粮食播种面积、新建高标准农田面积暂未评分”, not “职责履行暂未评分” when one of its three
    indicators is scored).
    """
    names: list[str] = []
    for child in children:
        status = str(child.status)
        if status == "partial" and not child.rule.startswith("fallback:"):
            names += _unscored(child.children)
        elif status != "scored":
            names.append(child.name)
    return tuple(names)


def _walk(items: Sequence[ItemScore], level: int) -> Iterator[tuple[ItemScore, int]]:
    for item in items:
        yield item, level
        yield from _walk(item.children, level + 1)


#: The engine's explanation of a computed line, as the report says it: the 分值 column
#: already shows the points a full score is (“得满分 6.67 分” reads as a second total of the
#: scorecard), and the rate of a step rule (“每超过 1% 扣 0.4 分”) is the framework's
#: 评分标准, printed in its own column. The review file keeps the engine's full text.
_REPORT_WORDING: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"得满分\s*\d+(?:\.\d+)?\s*分"), "得满分"),
    (re.compile(r"，?每[^，。；]*?扣\s*\d+(?:\.\d+)?\s*分"), ""),
    # the line's 得分 and 扣分 are stated beside it; said twice, they read as two deductions
    (re.compile(r"，扣\s*\d+(?:\.\d+)?\s*分，得\s*\d+(?:\.\d+)?\s*分"), ""),
)


def _in_words(explanation: str) -> str:
    for pattern, replacement in _REPORT_WORDING:
        explanation = pattern.sub(replacement, explanation)
    return explanation
