"""The audit engine: extracted lines in, claims and findings out. Pure; no files.

:func:`audit_lines` builds the :class:`~jixiao.audit.document.Document`, extracts the
claims and runs every rule of :data:`jixiao.audit.rules.RULES`. Rules report through
:class:`Audit`, which also remembers which claims could be checked.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from jixiao.audit.claims import Claim, ClaimSet, extract_claims
from jixiao.audit.document import Document, Paragraph, build_document
from jixiao.audit.findings import AuditResult, decimal_text, report_location
from jixiao.findings import Finding, Severity

_CLAIM_WIDTH = 60  #: characters of context kept around a claim in a finding


@dataclass
class Audit:
    """The state one audit run shares between its rules."""

    doc: Document
    claims: ClaimSet
    file: str = ""  #: the report's name, for the findings' ``source`` (``report.pdf:12``)
    findings: list[Finding] = field(default_factory=list)
    checked: set[int] = field(default_factory=set)  #: ids of claims some rule verified
    extra_claims: int = 0  #: statements that are claims without a number (结论、等级)
    extra_checked: int = 0  #: how many of those could be verified
    cache: dict[str, object] = field(default_factory=dict)  #: results rules share (sum groups…)
    seen: set[tuple[object, ...]] = field(default_factory=set)  #: findings already reported

    def mark(self, *claims: Claim | None) -> None:
        self.checked.update(c.id for c in claims if c is not None)

    def report(
        self,
        rule: str,
        severity: Severity,
        claim: Claim,
        expected: Decimal | int | None,
        message: str,
        *,
        stated: Decimal | int | str | None = "",
    ) -> None:
        """A finding about ``claim``'s number (``stated`` defaults to it)."""
        stated_text = (
            claim.q.text
            if stated == ""
            else (stated if isinstance(stated, str) else decimal_text(stated))
        )
        self.report_at(
            rule,
            severity,
            claim.para,
            claim.q.start,
            claim.q.end,
            stated_text,
            decimal_text(expected),
            message,
        )

    def report_at(
        self,
        rule: str,
        severity: Severity,
        para: Paragraph,
        start: int,
        end: int,
        stated: str | None,
        expected: str | None,
        message: str,
    ) -> None:
        """A finding about the text ``para.original[start:end]``."""
        claim, span = _excerpt(para, start, end)
        line = para.line_at(start)
        values = {k: v for k, v in (("stated", stated), ("expected", expected)) if v is not None}
        finding = Finding(
            rule,
            severity,
            message,
            report_location(line, self.file),
            values,
            claim=claim,
            stated=stated,
            expected=expected,
            span=span,
            section=para.section,
        )
        key = (finding.code, line, finding.span, finding.stated, finding.message)
        if key not in self.seen:
            self.seen.add(key)
            self.findings.append(finding)


@dataclass(frozen=True)
class Rule:
    identifier: str
    verbose_name: str  #: Chinese name, shown in docs and the text output
    check: Callable[[Audit], None]


def audit_lines(
    lines: Sequence[str],
    file: str = "",
    *,
    figures: Mapping[str, object] | None = None,
    rules: Iterable[Rule] | None = None,
) -> AuditResult:
    """Audit the extracted text of a report: every relation its sentences state.

    With ``figures`` (a dataset's :class:`~jixiao.figures.model.FigureSet`), every
    figure the report states is also compared with the dataset's own.
    """
    from jixiao.audit.rules import RULES

    doc = build_document(lines)
    audit = Audit(doc, extract_claims(doc), file)
    audit.cache["lines"] = lines  # rules that read a layout paragraphs do not keep (PDF tables)
    for rule in RULES if rules is None else rules:
        rule.check(audit)
    if figures is not None:
        from jixiao.audit.crosscheck import crosscheck

        crosscheck(audit, figures)  # type: ignore[arg-type]
    findings = sorted(audit.findings, key=lambda f: (f.location.line, f.code))
    claims = len(audit.claims.claims) + audit.extra_claims
    return AuditResult(file, findings, claims, len(audit.checked) + audit.extra_checked)


def _excerpt(para: Paragraph, start: int, end: int) -> tuple[str, tuple[int, int]]:
    """The clause around ``start`` (widened to the sentence when short), and the number's span in it."""
    sentence = para.sentence_at(start)
    left = max(sentence.start, start - _CLAIM_WIDTH)
    right = min(sentence.end, end + _CLAIM_WIDTH // 2)
    text = para.original[left:right]
    stripped = text.lstrip()
    offset = left + len(text) - len(stripped)
    return stripped.rstrip(), (start - offset, end - offset)
