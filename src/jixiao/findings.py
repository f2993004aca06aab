"""Findings: what a check, a scoring run, the monitoring or the audit says about the data.

One type for every area, so a list of findings can be merged, stored (the web system keeps
them in a table linked to the row and field they are about), filtered and rendered the
same way wherever it came from.

- :class:`Location` is structured: the dataset table, the row's stable key and the column
  a finding is about, plus the place in the file it was read from (``收入!E7``,
  ``a.yaml:12``, a report's line). A finding about a whole table or about the report
  leaves the parts it does not know blank.
- :class:`FindingKind` declares one finding code with its severity and its Chinese message
  template; :meth:`FindingKind.at` makes a finding whose ``values`` hold the exact numbers
  and whose message is rendered from the template. Areas declare their kinds once, at
  module level, so every code and its wording can be listed (``docs/checks.md``).
- The audit's extras (the claim, the stated and expected values, the span of the stated
  number in the claim, the headings above it) are optional fields, blank elsewhere.

A finding never stops the work. Unreadable input is a ``DatasetError`` instead.
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import Any

from jixiao.lib.money import exact_text, format_amount, format_number, plain_number


class Severity(StrEnum):
    ERROR = "error"  #: the figures contradict each other; the data must be corrected
    WARNING = "warning"  #: probably wrong or unexplained; a person should look
    ROUNDING = "rounding"  #: (audit) the value is the truncation of the right one, not its rounding
    INFO = "info"  #: worth knowing (e.g. a target not met, a rounding difference)


#: Chinese labels, in the order lists show them.
SEVERITY_LABELS: dict[Severity, str] = {
    Severity.ERROR: "错误",
    Severity.WARNING: "警告",
    Severity.ROUNDING: "截尾",
    Severity.INFO: "提示",
}


@dataclass(frozen=True)
class Location:
    """Where a finding points: a table, a row, a column, and the place in the source file.

    ``table`` is a dataset table key (``income``, ``indicators`` … see
    :data:`jixiao.dataset.model.TABLES`) or an area's own subject (``framework``,
    ``report``); ``row`` is the row's stable key (:func:`jixiao.dataset.keys.row_key`);
    ``column`` a field key of the row type (``final``). ``source`` is the place as a
    person finds it in the file (``收入!E7``, ``gdstc-2023.yaml:212``); ``line`` the
    1-based line of a text file (the audited report), 0 when not a line.
    """

    table: str = ""
    row: str = ""
    column: str = ""
    source: str = ""
    line: int = 0

    def __str__(self) -> str:
        if self.source:
            return self.source
        if self.line:
            return f"第 {self.line} 行"
        return ".".join(part for part in (self.table, self.row, self.column) if part)

    def __bool__(self) -> bool:
        return any((self.table, self.row, self.column, self.source, self.line))

    def to_json(self) -> dict[str, object]:
        return {
            "table": self.table,
            "row": self.row,
            "column": self.column,
            "source": self.source,
            "line": self.line,
        }


def _as_location(value: Location | str) -> Location:
    return value if isinstance(value, Location) else Location(source=value)


@dataclass(frozen=True)
class Finding:
    """One finding: a stable ``code``, a severity, a Chinese message and where it is.

    ``values`` are the numbers involved as exact decimal text (no exponent, blank when
    missing).
    """

    code: str
    severity: Severity
    message: str
    location: Location = field(default_factory=Location)
    values: Mapping[str, str] = field(default_factory=dict)
    # The audit's extras: the sentence that states the number, the number as stated and as
    # it should be (plain decimal text), where ``stated`` sits in ``claim``, the headings above.
    claim: str = ""
    stated: str | None = None
    expected: str | None = None
    span: tuple[int, int] | None = None
    section: tuple[str, ...] = ()

    @property
    def place(self) -> str:
        """The location as a person reads it (``收入!E7``)."""
        return str(self.location)

    def to_json(self) -> dict[str, object]:
        document: dict[str, object] = {
            "code": self.code,
            "severity": self.severity.value,
            "message": self.message,
            "location": str(self.location),
            "where": self.location.to_json(),
            "values": dict(self.values),
        }
        if self.claim or self.stated is not None or self.expected is not None:
            document |= {"claim": self.claim, "stated": self.stated, "expected": self.expected}
        return document


#: A number as it goes into ``Finding.values``: exact decimal text, no exponent.
value_text = exact_text


# --------------------------------------------------------------------------- kinds and templates


class _MessageFormatter(string.Formatter):
    """``str.format`` with the project's number formats as format specs.

    ``{x:万元}`` → ``617,056.54 万元``; ``{x:%}`` → ``341.70%``; ``{x:n}`` → ``13.5`` (a
    count or score without trailing zeros); a blank value prints ``—``. The values are
    the finding's exact texts, so the message and the values can never disagree.
    """

    def format_field(self, value: Any, format_spec: str) -> str:
        if format_spec in ("万元", "%", "n"):
            if value in (None, ""):
                return "—"
            number = Decimal(str(value))
            if format_spec == "万元":
                return f"{format_amount(number)} 万元"
            if format_spec == "%":
                return f"{format_number(number)}%"
            return plain_number(number)
        return str(super().format_field(value, format_spec))


_FORMATTER = _MessageFormatter()


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal | int) and not isinstance(value, bool):
        return value_text(value)
    return str(value)


@dataclass(frozen=True)
class FindingKind:
    """One finding code: its severity, Chinese title and message template.

    ``template`` is a ``str.format`` string over the finding's values with the number
    formats of :class:`_MessageFormatter` (``{final:万元}``, ``{rate:%}``, ``{score:n}``).
    """

    code: str
    severity: Severity
    template: str
    title: str = ""  #: a short Chinese name for lists and documentation

    def at(self, location: Location | str = "", /, **values: object) -> Finding:
        """A finding of this kind at ``location``; ``values`` also fill the template."""
        texts = {k: _text(v) for k, v in values.items()}
        return Finding(
            self.code,
            self.severity,
            _FORMATTER.format(self.template, **texts),
            _as_location(location),
            texts,
        )


#: Every declared kind by code (areas register theirs with :func:`kind`).
KINDS: dict[str, FindingKind] = {}


def kind(code: str, severity: Severity, template: str, title: str = "") -> FindingKind:
    """Declare (and register) a finding kind; a code may be declared once."""
    if code in KINDS:
        raise ValueError(f"finding code {code!r} is declared twice")
    declared = FindingKind(code, severity, template, title)
    KINDS[code] = declared
    return declared


def composed(code: str, severity: Severity, title: str) -> FindingKind:
    """Declare a kind whose check composes each message case by case (with
    ``jixiao.checks.registry.finding``): its code, severity and Chinese title are registered
    as every other kind's, so lists can name it; the template is the whole message."""
    return kind(code, severity, "{message}", title)
