"""The data of scoring: frameworks (what the YAML files say) and scorecards (the results).

Everything here is a frozen dataclass with ``Decimal`` numbers. A :class:`Framework` is
loaded once from a YAML file by :mod:`jixiao.scoring.loader`; a :class:`Scorecard` is
what :func:`jixiao.scoring.score_dataset` returns: the scored tree, the total, the grade
and the findings about the data.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import Any

# GradeBand and OverAchievement are the domain's (one definition); frameworks hold them.
from jixiao.domain.grades import GradeBand as GradeBand
from jixiao.domain.grades import grade_for
from jixiao.domain.over_achievement import OverAchievement as OverAchievement
from jixiao.findings import Finding

# --------------------------------------------------------------------------- framework


@dataclass(frozen=True)
class Input:
    """One input of a rule: a constant or a binding (``figure:…``, ``dataset:…`` …)."""

    binding: str = ""  #: where the value comes from; empty for a constant
    constant: Any = None  #: Decimal, str or bool when ``binding`` is empty

    @property
    def is_binding(self) -> bool:
        return bool(self.binding)


@dataclass(frozen=True)
class RuleSpec:
    """A typed rule on a leaf: its registry identifier, inputs and parameters."""

    type: str
    inputs: Mapping[str, Input] = field(default_factory=dict)
    params: Mapping[str, Any] = field(default_factory=dict)
    loc: str = ""


@dataclass(frozen=True)
class Expand:
    """Children generated at scoring time, one per performance indicator (绩效指标).

    ``source`` is ``indicators`` (部门整体) or ``project_indicators`` (the project being
    scored); ``level1`` filters on 一级指标. The node's points are shared among the
    indicators by their 权重 (equally when any weight is blank), each scored by ``rule``.
    """

    source: str
    level1: str = ""
    rule: RuleSpec = field(default_factory=lambda: RuleSpec("completion"))


@dataclass(frozen=True)
class Node:
    """One indicator of the framework tree (一级/二级/三级 …)."""

    code: str
    name: str
    points: Decimal
    children: tuple[Node, ...] = ()
    rule: RuleSpec | None = None
    expand: Expand | None = None
    #: how children combine: ``weighted_sum`` (Chinese frameworks), ``m1``/``m2`` (PEFA)
    aggregation: str = "weighted_sum"
    #: references: rules computed alongside a manual leaf and reported, never scored
    reference: tuple[RuleSpec, ...] = ()
    #: a parent's own rule used when some child has no data (e.g. the department scored
    #: 履职效能 as a whole without breaking it down into 整体效能 and 专项效能)
    fallback: RuleSpec | None = None
    #: says why the leaf is modelled as it is (e.g. "重构：官方三级指标未公开")
    note: str = ""
    loc: str = ""

    @property
    def is_leaf(self) -> bool:
        return not self.children and self.expand is None

    def walk(self) -> Iterator[Node]:
        yield self
        for child in self.children:
            yield from child.walk()


@dataclass(frozen=True)
class Framework:
    """A versioned indicator framework (指标体系), as loaded from its YAML file."""

    id: str
    version: str
    name: str
    items: tuple[Node, ...]
    description: str = ""
    source: str = ""
    #: ``department`` scores a dataset; ``project`` scores each project of it
    subject: str = "department"
    #: ``points`` (分值/得分) or ``pefa`` (A–D ratings aggregated by M1/M2)
    scale: str = "points"
    total_points: Decimal = Decimal(100)
    grade_bands: tuple[GradeBand, ...] = ()
    places: int = 2  #: leaf scores and the total are rounded half-up to this many decimals
    #: ``rescale``: when a top-level item does not apply (no indicators), the others are
    #: scaled up to ``total_points`` (按百分制折算); ``partial``: the total is what is known
    not_applicable: str = "partial"
    over_achievement: OverAchievement | None = None
    qualitative: Mapping[str, Decimal] = field(default_factory=dict)  #: 定性档次 → percent
    path: str = ""

    def walk(self) -> Iterator[Node]:
        for item in self.items:
            yield from item.walk()

    def node(self, code: str) -> Node | None:
        return next((n for n in self.walk() if n.code == code), None)

    def grade_for(self, total: Decimal) -> GradeBand | None:
        return grade_for(self.grade_bands, total)


# --------------------------------------------------------------------------- results


class Status(StrEnum):
    SCORED = "scored"  #: computed from data or entered with a reason
    MISSING = "missing"  #: the data the rule needs is not there: not zero, unknown
    PARTIAL = "partial"  #: a parent some of whose children are missing


@dataclass(frozen=True)
class ItemScore:
    """The result for one node: points, score and the Chinese 评分说明."""

    code: str
    name: str
    points: Decimal
    score: Decimal | None
    explanation: str
    status: Status = Status.SCORED
    rule: str = ""  #: rule identifier for leaves, aggregation for parents
    rating: str = ""  #: PEFA letter (A, B+, …) on ``pefa`` frameworks
    flags: tuple[str, ...] = ()  #: e.g. 目标值设定偏低, 一票否决
    children: tuple[ItemScore, ...] = ()
    note: str = ""
    references: tuple[str, ...] = ()  #: explanations of reference (reconstructed) rules
    loc: str = ""

    def walk(self) -> Iterator[ItemScore]:
        yield self
        for child in self.children:
            yield from child.walk()

    @property
    def is_leaf(self) -> bool:
        return not self.children

    def to_json(self) -> dict[str, object]:
        data: dict[str, object] = {
            "code": self.code,
            "name": self.name,
            "points": decimal_text(self.points),
            "score": decimal_text(self.score),
            "explanation": self.explanation,
            "status": self.status.value,
        }
        if self.rating:
            data["rating"] = self.rating
        if self.flags:
            data["flags"] = list(self.flags)
        if self.references:
            data["references"] = list(self.references)
        data["children"] = [c.to_json() for c in self.children]
        return data


@dataclass(frozen=True)
class Scorecard:
    """A scored framework: the tree, the total, the grade and the findings."""

    framework: str  #: framework id
    framework_name: str
    version: str
    subject: str  #: department name or project code/name
    items: tuple[ItemScore, ...]
    total: Decimal | None
    grade: str = ""  #: short grade (优/良/中/差), empty without bands or total
    grade_label: str = ""  #: 优秀/良好/…
    complete: bool = True  #: False when some leaf is missing data
    findings: tuple[Finding, ...] = ()

    def walk(self) -> Iterator[ItemScore]:
        for item in self.items:
            yield from item.walk()

    def item(self, code: str) -> ItemScore | None:
        return next((i for i in self.walk() if i.code == code), None)

    @property
    def points(self) -> Decimal:
        """The full marks: the points of the top-level items."""
        return sum((i.points for i in self.items), Decimal(0))

    def to_json(self) -> dict[str, object]:
        """The documented JSON shape, numbers as decimal strings."""
        return {
            "framework": self.framework,
            "framework_name": self.framework_name,
            "version": self.version,
            "subject": self.subject,
            "total": decimal_text(self.total),
            "grade": self.grade,
            "grade_label": self.grade_label,
            "complete": self.complete,
            "items": [i.to_json() for i in self.items],
            "findings": [f.to_json() for f in self.findings],
        }


def decimal_text(value: Decimal | None) -> str | None:
    """A Decimal as JSON text without exponent (``None`` stays ``null``)."""
    return None if value is None else format(value, "f")
