"""The scores of every project of a dataset: totals up front, full scorecards when read.

:func:`jixiao.scoring.score_projects` returns a :class:`ProjectScores`. A province has
100,000 projects; what most callers need first is each project's total and grade (a
ranking, the result application, a list screen), and a full scorecard — every item with
its Chinese 评分说明 and findings — for the projects a person opens. So:

- ``totals`` (one :class:`ProjectTotal` per project, table order) are computed when the
  object is made: by the polars bulk path (:mod:`jixiao.scoring.bulk`) where it is exact
  for this framework and these numbers, else per item. ``path`` says which, ``reason``
  why not bulk.
- ``scores[i]``, iteration and :meth:`ProjectScores.scorecard` build the full
  :class:`~jixiao.scoring.model.Scorecard` per item (the reference implementation). The
  property test in ``tests/scoring/test_bulk.py`` holds the bulk totals equal to them.

Both paths are linear: indicators are grouped by project once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import overload

from jixiao.dataset.model import Dataset, Project
from jixiao.scoring.model import Framework, Scorecard

PATHS = ("auto", "bulk", "per_item")


@dataclass(frozen=True)
class ProjectTotal:
    """One project's total and grade under the framework."""

    code: str
    name: str
    total: Decimal | None  #: None when nothing could be scored
    grade: str  #: 优/良/中/差 (the framework's band); "" when the total is incomplete
    grade_label: str
    complete: bool  #: False when some item lacks data (the total is a lower bound)

    def to_json(self) -> dict[str, object]:
        return {
            "code": self.code,
            "name": self.name,
            "total": None if self.total is None else format(self.total, "f"),
            "grade": self.grade,
            "grade_label": self.grade_label,
            "complete": self.complete,
        }


class ProjectScores(Sequence[Scorecard]):
    """One scorecard per project (built when read) and every total (computed up front)."""

    def __init__(
        self,
        framework: Framework,
        projects: Sequence[Project],
        totals: tuple[ProjectTotal, ...],
        score_one: Callable[[Project], Scorecard],
        path: str,
        reason: str = "",
        cards: Sequence[Scorecard] | None = None,
    ) -> None:
        self.framework = framework
        self.totals = totals
        self.path = path  #: ``bulk`` or ``per_item``: how the totals were computed
        self.reason = reason  #: why the bulk path was not used (Chinese), "" when it was
        self._projects = tuple(projects)
        self._score_one = score_one
        self._cards = tuple(cards) if cards is not None else None
        self._index = {p.code: n for n, p in enumerate(self._projects)}

    @classmethod
    def build(
        cls,
        framework: Framework,
        dataset: Dataset,
        score_one: Callable[[Project], Scorecard],
        path: str = "auto",
    ) -> ProjectScores:
        if path not in PATHS:
            raise ValueError(f"path must be one of {PATHS}, not {path!r}")
        projects = dataset.projects
        if path != "per_item":
            from jixiao.scoring.bulk import BulkUnsupported, bulk_totals

            try:
                totals = bulk_totals(framework, projects, dataset.project_indicators)
            except BulkUnsupported as error:
                if path == "bulk":
                    raise
                reason = str(error)
            else:
                return cls(framework, projects, totals, score_one, "bulk")
        else:
            reason = "按要求逐项计算"
        cards = [score_one(p) for p in projects]
        totals = tuple(_total_of(p, c) for p, c in zip(projects, cards, strict=True))
        return cls(framework, projects, totals, score_one, "per_item", reason, cards)

    def __len__(self) -> int:
        return len(self._projects)

    @overload
    def __getitem__(self, index: int) -> Scorecard: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[Scorecard]: ...
    def __getitem__(self, index: int | slice) -> Scorecard | Sequence[Scorecard]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        if self._cards is not None:
            return self._cards[index]
        return self._score_one(self._projects[index])

    def __iter__(self) -> Iterator[Scorecard]:
        if self._cards is not None:
            yield from self._cards
            return
        for project in self._projects:
            yield self._score_one(project)

    def scorecard(self, code: str) -> Scorecard:
        """The full scorecard of the project with 项目编码 ``code``; ``KeyError`` if none."""
        return self[self._index[code]]

    def total(self, code: str) -> ProjectTotal:
        return self.totals[self._index[code]]


def _total_of(project: Project, card: Scorecard) -> ProjectTotal:
    return ProjectTotal(
        project.code, project.name, card.total, card.grade, card.grade_label, card.complete
    )
