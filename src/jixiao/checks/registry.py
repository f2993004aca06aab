"""The consistency-checks registry and the helpers checks share.

A check is a small function ``(dataset, figures) -> list[Finding]`` registered with
:func:`check`. :func:`run_checks` runs every check in registration order; a check never
raises on partial data (missing values are skipped or reported, never taken as 0).
Thresholds live in :class:`CheckSettings`; :func:`run_checks` makes the settings it is
given visible to the checks through :func:`settings`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from decimal import Decimal

from jixiao.dataset.model import Dataset
from jixiao.figures import FigureSet, compute_figures
from jixiao.findings import Finding, Location, Severity
from jixiao.lib.money import format_amount, format_number

CheckFn = Callable[[Dataset, FigureSet], list[Finding]]

#: Every registered check, in the order they run.
CHECKS: list[CheckFn] = []


def check(fn: CheckFn) -> CheckFn:
    """Register a check: ``@check`` on a ``(dataset, figures) -> list[Finding]`` function."""
    CHECKS.append(fn)
    return fn


@dataclass(frozen=True)
class CheckSettings:
    """Tunable thresholds of the checks (percentages)."""

    #: 决算 below this % of 年初预算 needs an explanation.
    variance_low: Decimal = Decimal(80)
    #: 决算 above this % of 年初预算 needs an explanation.
    variance_high: Decimal = Decimal(120)
    #: project 执行率 below this % needs a reason.
    execution_min: Decimal = Decimal(90)


_SETTINGS: ContextVar[CheckSettings | None] = ContextVar("jixiao_check_settings", default=None)


def settings() -> CheckSettings:
    """The settings of the current :func:`run_checks` call."""
    return _SETTINGS.get() or CheckSettings()


@contextmanager
def _using(value: CheckSettings) -> Iterator[None]:
    token = _SETTINGS.set(value)
    try:
        yield
    finally:
        _SETTINGS.reset(token)


def run_checks(
    dataset: Dataset, figures: FigureSet | None = None, config: CheckSettings | None = None
) -> list[Finding]:
    """Run every check; returns all findings (errors, warnings, infos), in check order."""
    import jixiao.checks.rules  # noqa: F401  (registers the checks)

    figs = compute_figures(dataset) if figures is None else figures
    findings: list[Finding] = []
    with _using(config or CheckSettings()):
        for fn in CHECKS:
            findings.extend(fn(dataset, figs))
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
    if value is None:
        return "—"
    if isinstance(value, int):
        return str(value)
    return (
        format(value.normalize(), "f") if value == value.to_integral_value() else format(value, "f")
    )


def finding(
    code: str, severity: Severity, message: str, location: str, **values: Decimal | int | str | None
) -> Finding:
    """A :class:`Finding` with ``values`` as exact strings (blank when missing)."""
    from jixiao.findings import value_text

    return Finding(
        code,
        severity,
        message,
        Location(source=location),
        {k: value_text(v) for k, v in values.items()},
    )


ERROR = Severity.ERROR
WARNING = Severity.WARNING
INFO = Severity.INFO
