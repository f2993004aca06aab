"""Many departments: the organisation hierarchy as data, and one region's consolidation.

A finance bureau (省/市/县 财政) reviews its departments (主管部门); a department has
budget units (预算单位) and internal divisions (处室). :class:`OrgTree` holds that
hierarchy as plain data, checked once (every parent known, the right kind of parent, no
cycles, no duplicate codes), and answers the questions the web system and the region's
tables ask: whose department is this unit, which region is it in, what lies under it.

:func:`consolidate` takes one :class:`~jixiao.evaluation.Evaluation` per department and
gives the region's comparison table (score, grade, the money figures people compare side
by side) and its 汇总 figures: sums over the departments and ratios recomputed from those
sums (never averages of ratios), each a :class:`~jixiao.figures.Figure` whose inputs name
every department it was computed from.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import TYPE_CHECKING

from jixiao.dataset.build import DatasetError, InputError
from jixiao.figures import Figure, FigureSet
from jixiao.findings import Severity
from jixiao.lib.money import ZERO, exact_text, ratio_percent

if TYPE_CHECKING:
    from jixiao.evaluation import Evaluation


# --------------------------------------------------------------------------- hierarchy


class OrgKind(StrEnum):
    FINANCE = "finance"  #: 财政部门 (省/市/县 财政厅、局)
    DEPARTMENT = "department"  #: 主管部门
    DIVISION = "division"  #: 主管部门的内设处室
    UNIT = "unit"  #: 预算单位


ORG_KIND_LABELS: dict[OrgKind, str] = {
    OrgKind.FINANCE: "财政部门",
    OrgKind.DEPARTMENT: "主管部门",
    OrgKind.DIVISION: "内设处室",
    OrgKind.UNIT: "预算单位",
}


class Level(StrEnum):
    PROVINCE = "province"  #: 省级
    CITY = "city"  #: 市级
    COUNTY = "county"  #: 县级


#: The kinds an organisation of each kind may sit under (a finance bureau may be the root).
#: A budget unit may sit under another unit (二级预算单位).
ALLOWED_PARENTS: dict[OrgKind, tuple[OrgKind, ...]] = {
    OrgKind.FINANCE: (OrgKind.FINANCE,),
    OrgKind.DEPARTMENT: (OrgKind.FINANCE,),
    OrgKind.DIVISION: (OrgKind.DEPARTMENT,),
    OrgKind.UNIT: (OrgKind.DEPARTMENT, OrgKind.UNIT),
}


@dataclass(frozen=True)
class Org:
    """One organisation: a code unique in the tree, its Chinese name, kind and parent."""

    code: str
    name: str
    kind: OrgKind
    parent: str = ""  #: the parent's code; ``""`` for the root (a finance bureau)
    level: Level | None = None  #: 省/市/县, for a finance bureau and what lies under it
    loc: str = ""  #: where it was read (``单位.csv:12``), for messages


class OrgTree:
    """A checked hierarchy of :class:`Org`; raises :class:`DatasetError` listing every problem."""

    def __init__(self, orgs: Iterable[Org]) -> None:
        self._orgs: dict[str, Org] = {}
        errors: list[InputError] = []
        for org in orgs:
            if org.code in self._orgs:
                errors.append(InputError(_place(org), f"编码“{org.code}”重复"))
                continue
            self._orgs[org.code] = org
        for org in self._orgs.values():
            errors.extend(self._parent_errors(org))
        errors.extend(self._cycle_errors())
        if errors:
            raise DatasetError(errors)
        self._children: dict[str, list[str]] = {}
        for org in self._orgs.values():
            self._children.setdefault(org.parent, []).append(org.code)

    def _parent_errors(self, org: Org) -> Iterator[InputError]:
        kind = ORG_KIND_LABELS[org.kind]
        if not org.parent:
            if org.kind is not OrgKind.FINANCE:
                yield InputError(_place(org), f"{kind}“{org.name}”没有上级")
            return
        parent = self._orgs.get(org.parent)
        if parent is None:
            yield InputError(_place(org), f"{kind}“{org.name}”的上级编码“{org.parent}”不存在")
        elif parent.kind not in ALLOWED_PARENTS[org.kind]:
            allowed = "或".join(ORG_KIND_LABELS[k] for k in ALLOWED_PARENTS[org.kind])
            yield InputError(
                _place(org),
                f"{kind}“{org.name}”的上级“{parent.name}”是{ORG_KIND_LABELS[parent.kind]}，应为{allowed}",
            )

    def _cycle_errors(self) -> Iterator[InputError]:
        for org in self._orgs.values():
            seen = {org.code}
            parent = self._orgs.get(org.parent)
            while parent is not None:
                if parent.code in seen:
                    yield InputError(_place(org), f"“{org.name}”的上级关系形成循环")
                    break
                seen.add(parent.code)
                parent = self._orgs.get(parent.parent)

    def __contains__(self, code: object) -> bool:
        return code in self._orgs

    def __iter__(self) -> Iterator[Org]:
        return iter(self._orgs.values())

    def __len__(self) -> int:
        return len(self._orgs)

    def get(self, code: str) -> Org:
        return self._orgs[code]

    def children(self, code: str) -> list[Org]:
        return [self._orgs[c] for c in self._children.get(code, [])]

    def ancestors(self, code: str) -> list[Org]:
        """The parents of ``code``, nearest first, up to the root."""
        result = []
        parent = self._orgs.get(self._orgs[code].parent)
        while parent is not None:
            result.append(parent)
            parent = self._orgs.get(parent.parent)
        return result

    def descendants(self, code: str) -> list[Org]:
        """Everything under ``code``, depth first, in the order given."""
        result = []
        for child in self.children(code):
            result.append(child)
            result.extend(self.descendants(child.code))
        return result

    def nearest(self, code: str, kind: OrgKind) -> Org | None:
        """``code`` itself or its nearest ancestor of ``kind`` (a unit's department …)."""
        org = self._orgs[code]
        if org.kind is kind:
            return org
        return next((a for a in self.ancestors(code) if a.kind is kind), None)

    def roots(self) -> list[Org]:
        return self.children("")


def _place(org: Org) -> str:
    return org.loc or f"单位编码 {org.code}"


# --------------------------------------------------------------------------- consolidation


@dataclass(frozen=True)
class Compared:
    """A figure every department's row shows, side by side."""

    id: str
    label: str
    unit: str


#: The figures the region's table compares, in column order.
COMPARED: tuple[Compared, ...] = (
    Compared("expenditure.budget.total", "年初预算支出", "万元"),
    Compared("expenditure.final.total", "决算支出", "万元"),
    Compared("expenditure.final.ratio_to_budget", "决算为年初预算的比例", "%"),
    Compared("income.final.total", "决算收入", "万元"),
    Compared("three_public.final.三公经费合计", "“三公”经费决算", "万元"),
    Compared("three_public.growth.三公经费合计", "“三公”经费比上年增减", "%"),
    Compared("carryover.closing", "年末结转和结余", "万元"),
    Compared("carryover.change_rate", "结转结余增减", "%"),
    Compared("units.count", "预算单位数", "个"),
)

#: Money figures summed over the departments into the region's 汇总.
SUMMED: tuple[Compared, ...] = (
    Compared("income.budget.total", "年初预算收入合计", "万元"),
    Compared("income.final.total", "决算收入合计", "万元"),
    Compared("expenditure.budget.total", "年初预算支出合计", "万元"),
    Compared("expenditure.final.total", "决算支出合计", "万元"),
    Compared("three_public.budget.三公经费合计", "“三公”经费年初预算合计", "万元"),
    Compared("three_public.final.三公经费合计", "“三公”经费决算合计", "万元"),
    Compared("three_public.prior.三公经费合计", "“三公”经费上年决算合计", "万元"),
    Compared("carryover.opening", "年初结转和结余合计", "万元"),
    Compared("carryover.closing", "年末结转和结余合计", "万元"),
    Compared("units.count", "预算单位数合计", "个"),
)


@dataclass(frozen=True)
class RegionRatio:
    """A ratio of two summed figures: ``(numerator − minus) ÷ denominator × 100``."""

    id: str
    label: str
    numerator: str
    denominator: str
    minus: str = ""


RATIOS: tuple[RegionRatio, ...] = (
    RegionRatio(
        "region.expenditure.final.ratio_to_budget",
        "决算支出合计为年初预算的比例",
        "expenditure.final.total",
        "expenditure.budget.total",
    ),
    RegionRatio(
        "region.income.final.ratio_to_budget",
        "决算收入合计为年初预算的比例",
        "income.final.total",
        "income.budget.total",
    ),
    RegionRatio(
        "region.three_public.final.ratio_to_budget",
        "“三公”经费决算为年初预算的比例",
        "three_public.final.三公经费合计",
        "three_public.budget.三公经费合计",
    ),
    RegionRatio(
        "region.three_public.growth",
        "“三公”经费决算比上年增减幅度",
        "three_public.final.三公经费合计",
        "three_public.prior.三公经费合计",
        minus="three_public.prior.三公经费合计",
    ),
    RegionRatio(
        "region.carryover.change_rate",
        "年末结转和结余比年初增减幅度",
        "carryover.closing",
        "carryover.opening",
        minus="carryover.opening",
    ),
)


@dataclass(frozen=True)
class DepartmentRow:
    """One department in the region's table."""

    key: str  #: the caller's key (an organisation code)
    name: str
    year: int | None
    framework: str
    total: Decimal | None
    grade: str
    complete: bool
    values: Mapping[str, Decimal | None]  #: :data:`COMPARED` id → value (unrounded)
    errors: int
    warnings: int

    def to_json(self) -> dict[str, object]:
        return {
            "key": self.key,
            "name": self.name,
            "year": self.year,
            "framework": self.framework,
            "total": exact_text(self.total),
            "grade": self.grade,
            "complete": self.complete,
            "values": {k: exact_text(v) for k, v in self.values.items()},
            "errors": self.errors,
            "warnings": self.warnings,
        }


@dataclass(frozen=True)
class Consolidation:
    """A region's departments side by side and its 汇总 figures."""

    rows: tuple[DepartmentRow, ...]
    totals: FigureSet
    grades: Mapping[str, int] = field(default_factory=dict)  #: 优/良/中/差/未评分 → count

    def ranked(self, by: str = "total", *, descending: bool = True) -> list[DepartmentRow]:
        """Rows ordered by the score (``total``) or a :data:`COMPARED` id; unknown values last.

        An incomplete score is a lower bound, not a score to rank: it counts as unknown.
        """

        def value(row: DepartmentRow) -> Decimal | None:
            if by == "total":
                return row.total if row.complete else None
            return row.values.get(by)

        known = [r for r in self.rows if value(r) is not None]
        known.sort(key=lambda r: value(r) or ZERO, reverse=descending)
        return known + [r for r in self.rows if value(r) is None]

    def to_json(self) -> dict[str, object]:
        return {
            "departments": [r.to_json() for r in self.rows],
            "totals": self.totals.to_json()["figures"],
            "grades": dict(self.grades),
        }


def consolidate(evaluations: Mapping[str, Evaluation]) -> Consolidation:
    """The region of ``evaluations`` (key → one department's evaluation), in the given order."""
    rows = tuple(_row(key, e) for key, e in evaluations.items())
    sums = {s.id: _summed(s, evaluations) for s in SUMMED}
    ratios = [_ratio(r, sums) for r in RATIOS]
    grades = Counter(r.grade or "未评分" for r in rows)
    return Consolidation(rows, FigureSet([*sums.values(), *ratios]), dict(grades))


def _row(key: str, evaluation: Evaluation) -> DepartmentRow:
    profile = evaluation.dataset.profile
    card = evaluation.scorecard
    return DepartmentRow(
        key=key,
        name=profile.department_name,
        year=profile.year,
        framework=evaluation.framework.id,
        total=evaluation.total,
        grade=evaluation.grade,
        complete=card.complete if card is not None else False,
        values={c.id: evaluation.figures.value(c.id) for c in COMPARED},
        errors=sum(1 for f in evaluation.findings if f.severity is Severity.ERROR),
        warnings=sum(1 for f in evaluation.findings if f.severity is Severity.WARNING),
    )


def _summed(spec: Compared, evaluations: Mapping[str, Evaluation]) -> Figure:
    """Σ over the departments that have the figure; ``None`` if none has it."""
    inputs = {
        f"{key}:{spec.id}": value
        for key, e in evaluations.items()
        if (value := e.figures.value(spec.id)) is not None
    }
    value = sum(inputs.values(), ZERO) if inputs else None
    places = 0 if spec.unit == "个" else 2
    return Figure(
        f"region.{spec.id}",
        spec.label,
        value,
        spec.unit,
        places,
        f"各部门{spec.label.removesuffix('合计')}之和",
        {k: exact_text(v) for k, v in inputs.items()},
    )


def _ratio(spec: RegionRatio, sums: Mapping[str, Figure]) -> Figure:
    numerator, denominator = sums[spec.numerator], sums[spec.denominator]
    minus = sums[spec.minus] if spec.minus else None
    parts = [numerator.value, denominator.value] + ([minus.value] if minus is not None else [])
    value: Decimal | None = None
    if numerator.value is not None and denominator.value is not None and None not in parts:
        subtracted = minus.value if minus is not None and minus.value is not None else ZERO
        value = ratio_percent(numerator.value - subtracted, denominator.value)
    formula = (
        f"（{numerator.label} − {minus.label}）÷ {denominator.label} × 100%"
        if minus is not None
        else f"{numerator.label} ÷ {denominator.label} × 100%"
    )
    inputs = {f.id: exact_text(f.value) for f in (numerator, denominator)}
    return Figure(spec.id, spec.label, value, "%", 2, formula, inputs)
