"""What the audit says about a report: findings and the summary, and their JSON shape."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum


class AuditSeverity(StrEnum):
    ERROR = "error"  #: the numbers contradict each other
    WARNING = "warning"  #: probably wrong (or a convention we cannot confirm); a person should look
    ROUNDING = "rounding"  #: the value is the truncation of the right one, not its rounding
    INFO = "info"  #: explainable by rounding of the parts, or worth knowing


@dataclass(frozen=True)
class AuditFinding:
    """One number (or statement) of the report that does not add up."""

    rule: str  #: identifier of the rule in :data:`jixiao.audit.rules.RULES`
    severity: AuditSeverity
    line: int  #: 1-based line of the extracted text
    claim: str  #: the sentence fragment that states it
    stated: str | None  #: the number as stated, plain decimal text, or None
    expected: str | None  #: what it should be, plain decimal text, or None
    message: str  #: Chinese: what was recomputed from what
    section: tuple[str, ...] = ()  #: the headings above the claim (for grouping)
    span: tuple[int, int] | None = None  #: where ``stated`` sits inside ``claim``

    def to_json(self) -> dict[str, object]:
        return {
            "rule": self.rule,
            "severity": self.severity.value,
            "line": self.line,
            "claim": self.claim,
            "stated": self.stated,
            "expected": self.expected,
            "message": self.message,
        }


@dataclass
class AuditResult:
    """Findings plus how many claims were extracted and how many could be checked."""

    file: str
    findings: list[AuditFinding] = field(default_factory=list)
    claims: int = 0
    checked: int = 0

    def count(self, severity: AuditSeverity) -> int:
        return sum(1 for f in self.findings if f.severity is severity)

    @property
    def errors(self) -> int:
        return self.count(AuditSeverity.ERROR)

    def to_json(self) -> dict[str, object]:
        return {
            "file": self.file,
            "findings": [f.to_json() for f in self.findings],
            "summary": {
                "claims": self.claims,
                "checked": self.checked,
                "errors": self.errors,
                "warnings": self.count(AuditSeverity.WARNING),
            },
        }


def decimal_text(value: Decimal | int | None) -> str | None:
    """A number as ``stated``/``expected`` carry it: plain decimal text, no exponent."""
    if value is None:
        return None
    if isinstance(value, int):
        return str(value)
    return format(value, "f")
