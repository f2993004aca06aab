"""Findings: what a check, a scoring run or an import says about the data.

A finding never stops the work: the checks return them, the CLI prints them, reports
list them in an appendix. Only unreadable input is an error that stops a command.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from jixiao.lib.money import exact_text


class Severity(StrEnum):
    ERROR = "error"  #: the figures contradict each other; the data must be corrected
    WARNING = "warning"  #: probably wrong or unexplained; a person should look
    INFO = "info"  #: worth knowing (e.g. a target not met, a rounding difference)


@dataclass(frozen=True)
class Finding:
    """One finding: a stable ``code``, a severity, a Chinese message and where it is."""

    code: str
    severity: Severity
    message: str
    location: str = ""  #: sheet/field/row, e.g. ``收入!第3行`` or ``支出性质.基本支出``
    values: dict[str, str] = field(default_factory=dict)  #: the numbers involved, as text

    def to_json(self) -> dict[str, object]:
        return {
            "code": self.code,
            "severity": self.severity.value,
            "message": self.message,
            "location": self.location,
            "values": self.values,
        }


#: A number as it goes into ``Finding.values``: exact decimal text, no exponent.
value_text = exact_text
