"""The scorecard as the report prints it, adapted from the scoring engine or the dataset.

The report never computes a score: it prints what it is given. :func:`report_scorecard`
is the one place that decides where the scores come from.
"""

from __future__ import annotations

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

    Scores, points, grade and status come from the engine; the 评分说明 is the
    department's own text where the dataset gives one for that code (it is what the
    report quotes), else the engine's explanation.
    """
    reasons = {item.code: item.reason for item in dataset.scores if item.reason}
    rows = tuple(
        ScoreRow(
            code=item.code,
            name=item.name,
            level=level,
            points=item.points,
            score=item.score,
            deduction=item.points - item.score if item.score is not None else None,
            reason=reasons.get(item.code, item.explanation),
            status=str(item.status),
        )
        for item, level in _walk(card.items, 1)
    )
    return Scorecard(
        title=card.framework_name or SCORECARD_TITLE,
        rows=rows,
        points=card.points,
        total=card.total,
        grade=card.grade_label or card.grade,
        framework=card.framework,
    )


def _walk(items: Sequence[ItemScore], level: int) -> Iterator[tuple[ItemScore, int]]:
    for item in items:
        yield item, level
        yield from _walk(item.children, level + 1)
