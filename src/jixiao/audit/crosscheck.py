"""Cross-check mode: each figure the report states against the dataset's own figures.

The figures engine (:func:`jixiao.figures.compute_figures`) names every figure with a
Chinese label ("财政拨款收入决算数", "决算支出合计为年初预算的比例"). A report figure is
matched to the dataset figure of the same unit, phase (预算/决算/上年) and relation
(amount, share, ratio to budget, growth) whose label best matches the words before the
number. A report figure that equals one of its best matches at the precision it is
printed is confirmed; otherwise the difference is reported (``error`` when the labels
match exactly, ``warning`` when the match is only close).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

from jixiao.audit.claims import BUDGET, FINAL, PRIOR, Claim, lcs
from jixiao.audit.engine import Audit
from jixiao.audit.numbers import COUNT, MONEY, PERCENT
from jixiao.findings import Severity
from jixiao.lib.money import round_half_up

RULE = "dataset"


class FigureLike(Protocol):
    @property
    def label(self) -> str: ...
    @property
    def value(self) -> Decimal | None: ...
    @property
    def unit(self) -> str: ...


@dataclass(frozen=True)
class Target:
    """A dataset figure prepared for matching."""

    id: str
    label: str
    core: str
    value: Decimal
    unit: str
    phase: str
    relation: str  #: "amount", "share", "ratio", "growth", "change"


_RELATIONS: tuple[tuple[str, str], ...] = (
    ("ratio_to_budget", "ratio"),
    ("share", "share"),
    ("growth", "growth"),
    ("change_rate", "growth"),
    ("change", "change"),
    ("saving", "change"),
)
_FIGURE_NOISE = re.compile(
    r"（\d+）|\(\d+\)|年初预算数|上年决算数|决算数|年初预算|决算|上年|合计|总计|的比例|比例|为年初预算|占|数量|“|”|本年"
)
_CLAIM_NOISE = re.compile(r"决算|年初|预算|上年|合计|总计|数|“|”|（|）|\(|\)")


def crosscheck(audit: Audit, figures: Mapping[str, FigureLike]) -> None:
    """Add a finding for every report figure that differs from the dataset's."""
    targets = [t for key, figure in figures.items() if (t := _target(key, figure)) is not None]
    for claim in audit.claims.claims:
        in_table = claim.para.cells is not None
        if claim.q.approx or (not claim.listed and claim.kind != PERCENT and not in_table):
            continue
        _check_claim(audit, claim, targets)


#: Per-item figures that a report prints in its tables (指标值/完成值 of each indicator).
_TABLE_FIGURES = re.compile(r"^indicator\.[^.]+\.(target|actual)$")


def _target(key: str, figure: FigureLike) -> Target | None:
    if figure.value is None or key.startswith(("unit.", "project")):
        return None
    if key.startswith("indicator") and not _TABLE_FIGURES.match(key):
        return None
    relation = next((name for marker, name in _RELATIONS if marker in key), "amount")
    phase = BUDGET if ".budget" in key else PRIOR if ".prior" in key or "opening" in key else FINAL
    core = _FIGURE_NOISE.sub("", figure.label)
    return Target(key, figure.label, core, figure.value, figure.unit, phase, relation)


def _check_claim(audit: Audit, claim: Claim, targets: list[Target]) -> None:
    relation, subject = _relation_of(audit, claim)
    if subject is None:
        return
    core = _CLAIM_NOISE.sub(
        "", _row_label(audit, subject) or _counted_noun(subject) or subject.label
    )
    candidates = [
        t
        for t in targets
        if t.relation == relation and _same_unit(claim, t) and _phase_fits(subject, t)
    ]
    strong = sorted(
        (item for t in candidates if (item := _match(core, t)) is not None),
        key=lambda item: item[0],
        reverse=True,
    )
    if not strong:
        return
    audit.mark(claim)
    if any(_printed(claim, t) == claim.q.printed for _, t in strong):
        return
    best = [t for _, t in strong]
    target = best[0]
    exact = core == target.core
    audit.report(
        RULE,
        Severity.ERROR if exact else Severity.WARNING,
        claim,
        _printed(claim, target),
        f"数据集中“{target.label}”（{target.id}）为 {_printed(claim, target)}，报告写 {claim.q.text}",
    )


def _match(core: str, target: Target) -> tuple[tuple[float, int, bool], Target] | None:
    """How well a report label matches a dataset label: share of the dataset label covered first."""
    shared = lcs(core, target.core)
    if (
        not core
        or shared < max(2, 0.8 * min(len(core), len(target.core)))
        or shared < 0.6 * len(core)
    ):
        return None
    return (shared / len(target.core), shared, "parent" in target.id), target


_NOUN_AFTER = re.compile(r"^([\u4e00-\u9fff“”（）()]{2,12}?)(?=[，,。；;、和及与（(]|$)")


def _row_label(audit: Audit, claim: Claim) -> str:
    """In a table row: the row's name (its last text cell before the number) + the column's header."""
    cells = claim.para.cells
    if cells is None or claim.q.start < 0:
        return ""
    column = claim.para.text[: claim.q.start].count("\t")
    table = next((t for t in audit.doc.tables if any(r is claim.para for r in t.rows)), None)
    if table is None or column >= len(table.header) or column >= len(cells):
        return ""
    names = [c for c in cells[:column] if c and not re.search(r"\d", c)]
    return (names[-1] if names else "") + table.header[column] if names else ""


def _counted_noun(claim: Claim) -> str:
    """Chinese counts name what they count after the number: "10 个事业单位" counts 事业单位."""
    if claim.kind != COUNT:
        return ""
    match = _NOUN_AFTER.match(claim.para.text[claim.q.end : claim.q.end + 16])
    return match.group(1) if match else ""


def _relation_of(audit: Audit, claim: Claim) -> tuple[str, Claim | None]:
    if claim.kind != PERCENT:
        return "amount", claim
    from jixiao.audit.rules.amounts import SHARE_PREFIX, is_budget_ratio
    from jixiao.audit.rules.base import figure_before

    subject = figure_before(audit, claim)
    if is_budget_ratio(claim.prefix):
        return "ratio", subject
    if SHARE_PREFIX.search(claim.prefix):
        return "share", subject
    if re.search(r"增幅|减幅|降幅|增长|下降", claim.prefix):
        return "growth", subject
    return "", None


def _same_unit(claim: Claim, target: Target) -> bool:
    if claim.kind == MONEY:
        return target.unit == "万元"
    if claim.kind == PERCENT:
        return target.unit == "%"
    return claim.kind == COUNT and target.unit == claim.q.unit.lstrip("万亿")


def _phase_fits(subject: Claim, target: Target) -> bool:
    return subject.phase in ("", target.phase) or (subject.phase == FINAL and target.phase == FINAL)


def _printed(claim: Claim, target: Target) -> Decimal:
    """The dataset's figure as the report would print it (its unit and precision)."""
    value = abs(target.value) if target.relation in ("growth", "change") else target.value
    return round_half_up(value / claim.q.scale, claim.q.places)
