"""The consistency-checks registry and the helpers checks share.

A check is a small function ``(dataset, figures, settings) -> list[Finding]`` registered
with ``@check("id", "中文名")`` in :data:`CHECKS` (a :class:`~jixiao.lib.registry.Registry`).
:func:`run_checks` runs every check, or a chosen subset, in registration order; a check
never raises on partial data (missing values are skipped or reported, never taken as 0).
Thresholds live in :class:`CheckSettings`, passed explicitly to every check.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from jixiao.dataset.keys import row_key
from jixiao.dataset.model import TABLES_BY_KEY, Dataset
from jixiao.figures import FigureSet, compute_figures
from jixiao.findings import Finding, Location, Severity
from jixiao.lib.money import format_amount, format_number, plain_number
from jixiao.lib.registry import Registry


@dataclass(frozen=True)
class CheckSettings:
    """Tunable thresholds of the checks (percentages)."""

    #: 决算 below this % of 年初预算 needs an explanation.
    variance_low: Decimal = Decimal(80)
    #: 决算 above this % of 年初预算 needs an explanation.
    variance_high: Decimal = Decimal(120)
    #: project 执行率 below this % needs a reason.
    execution_min: Decimal = Decimal(90)


CheckFn = Callable[[Dataset, FigureSet, CheckSettings], list[Finding]]

#: Every registered check, in the order they run.
CHECKS: Registry[CheckFn] = Registry("检查")


def check(identifier: str, name: str) -> Callable[[CheckFn], CheckFn]:
    """Register a check: ``@check("income_tree", "收入明细之和")`` on a check function."""
    return CHECKS.register(identifier, name)


def run_checks(
    dataset: Dataset,
    figures: FigureSet | None = None,
    config: CheckSettings | None = None,
    *,
    checks: Iterable[str] | None = None,
) -> list[Finding]:
    """Run every check (or the ``checks`` chosen by id); all findings, in check order.

    Raises :class:`~jixiao.lib.registry.UnknownEntry` for an unknown check id.
    """
    import jixiao.checks.rules  # noqa: F401  (registers the checks)

    figs = compute_figures(dataset) if figures is None else figures
    settings = config or CheckSettings()
    findings: list[Finding] = []
    for entry in CHECKS.select(checks):
        findings.extend(entry.item(dataset, figs, settings))
    return findings


# --------------------------------------------------------------------------- helpers


def where(sheet: str, loc: str = "", item: str = "") -> str:
    """``收入!C7`` as given, ``收入（a.yaml:12）`` for text-form rows, ``支出性质.基本支出`` without a loc."""
    if loc:
        return loc if loc.startswith(f"{sheet}!") else f"{sheet}（{loc}）"
    return f"{sheet}.{item}" if item else sheet


def money(value: Decimal | None) -> str:
    """``617,056.54 万元`` for messages (``—`` when missing)."""
    return "—" if value is None else f"{format_amount(value)} 万元"


def pct(value: Decimal | None) -> str:
    return "—" if value is None else f"{format_number(value)}%"


def plain(value: Decimal | int | None) -> str:
    """A count or score for messages: ``898``, ``13.5``."""
    return "—" if value is None else plain_number(value)


def finding(
    code: str,
    severity: Severity,
    message: str,
    location: Location | str,
    **values: Decimal | int | str | None,
) -> Finding:
    """A :class:`Finding` with ``values`` as exact strings (blank when missing).

    For checks whose message is composed case by case; a check with one wording
    declares a :class:`~jixiao.findings.FindingKind` instead.
    """
    from jixiao.findings import value_text

    where_ = location if isinstance(location, Location) else Location(source=location)
    return Finding(code, severity, message, where_, {k: value_text(v) for k, v in values.items()})


def at(table: str, row: Any = None, *, item: str = "", column: str = "") -> Location:
    """Where a finding about ``table`` points: the row's stable key, the column, and the
    place as a person finds it (``收入!C7``, ``收入（a.yaml:12）``, ``基本信息.年度``).

    ``row`` is the dataset row the finding is about (its ``loc`` is where it was read);
    ``item`` names the subject when there is no row (a total, a form field).
    """
    sheet = TABLES_BY_KEY[table].sheet
    loc = getattr(row, "loc", "") if row is not None else ""
    key = row_key(table, row) if row is not None else ""
    return Location(table=table, row=key, column=column, source=where(sheet, loc, item))


ERROR = Severity.ERROR
WARNING = Severity.WARNING
INFO = Severity.INFO
