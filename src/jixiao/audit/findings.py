"""What the audit says about a report: the summary of one audit, and the JSON shape.

Each finding is a :class:`jixiao.findings.Finding` like every other area's: its ``code`` is
the audit rule's identifier (``sum``, ``budget-ratio``…), its location
``Location(table="report", line=n, source="report.pdf:n")``, and the audit's extras hold
the sentence (``claim``), the number as stated and as it should be (``stated``,
``expected``), where the number sits in the claim (``span``) and the headings above it
(``section``). :class:`AuditResult` adds how many claims were read and checked.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from jixiao.findings import Finding, Location, Severity

#: ``Location.table`` of every audit finding: the audited report itself.
REPORT_TABLE = "report"


def report_location(line: int, file: str = "") -> Location:
    """Where an audit finding points: line ``line`` of the extracted text of ``file``."""
    return Location(table=REPORT_TABLE, line=line, source=f"{file}:{line}" if file else "")


def finding_json(finding: Finding) -> dict[str, object]:
    """One audit finding as JSON: the shared shape plus the rule id and the line, flat."""
    document = finding.to_json()
    return {
        "rule": finding.code,
        "code": finding.code,
        "severity": finding.severity.value,
        "line": finding.location.line,
        "claim": finding.claim,
        "stated": finding.stated,
        "expected": finding.expected,
        "message": finding.message,
        "section": list(finding.section),
        "location": document["location"],
        "where": document["where"],
    }


@dataclass
class AuditResult:
    """Findings plus how many claims were extracted and how many could be checked."""

    file: str
    findings: list[Finding] = field(default_factory=list)
    claims: int = 0
    checked: int = 0

    def count(self, severity: Severity) -> int:
        return sum(1 for f in self.findings if f.severity is severity)

    @property
    def errors(self) -> int:
        return self.count(Severity.ERROR)

    @property
    def warnings(self) -> int:
        return self.count(Severity.WARNING)

    def summary(self) -> dict[str, int]:
        return {
            "claims": self.claims,
            "checked": self.checked,
            "errors": self.errors,
            "warnings": self.warnings,
            "rounding": self.count(Severity.ROUNDING),
            "info": self.count(Severity.INFO),
        }

    def to_json(self) -> dict[str, object]:
        return {
            "file": self.file,
            "findings": [finding_json(f) for f in self.findings],
            "summary": self.summary(),
        }


def decimal_text(value: Decimal | int | None) -> str | None:
    """A number as ``stated``/``expected`` carry it: plain decimal text, no exponent."""
    if value is None:
        return None
    if isinstance(value, int):
        return str(value)
    return format(value, "f")
