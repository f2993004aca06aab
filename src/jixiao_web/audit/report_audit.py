"""The report audit page's model: any report's text, its findings, the numbers they are about.

A person uploads a report (``.txt``/``.md``/``.docx``/``.pdf``); the engine extracts its
text (:func:`jixiao.audit.extract.extract_bytes`, from bytes: the browser's file name
never becomes a path) and audits it (:func:`jixiao.audit.audit_lines`), optionally
against the figures of the dataset the page belongs to. This module only lays the result
out for the page: each line of the text split into plain and marked pieces — the number a
finding is about, found through the finding's line and its ``claim``/``span`` — and each
finding numbered so the list and the text link to each other. Nothing is stored.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import PurePath

from jixiao.audit import AuditInputError, audit_lines
from jixiao.audit.extract import extract_bytes
from jixiao.findings import SEVERITY_LABELS, Finding, Severity

#: Report formats the page accepts (the engine's extractors; ``.doc`` is refused by name).
AUDIT_SUFFIXES: tuple[str, ...] = (".txt", ".md", ".docx", ".pdf")
#: Severity order of the marks: an error's colour wins over a warning's on one number.
_RANK = {s: rank for rank, s in enumerate(SEVERITY_LABELS)}


@dataclass(frozen=True)
class Piece:
    text: str
    #: the findings (their numbers on the page) this piece is the stated number of
    marks: tuple[int, ...] = ()
    severity: str = ""


@dataclass(frozen=True)
class Line:
    number: int
    pieces: tuple[Piece, ...]
    findings: tuple[int, ...] = ()


@dataclass(frozen=True)
class ShownFinding:
    number: int
    finding: Finding

    @property
    def severity_label(self) -> str:
        return SEVERITY_LABELS[self.finding.severity]

    @property
    def stated_text(self) -> str:
        """The number as the report wrote it (from the claim), blank when unknown."""
        f = self.finding
        if f.span is not None and f.claim:
            return f.claim[f.span[0] : f.span[1]]
        return ""


@dataclass
class AuditPage:
    filename: str
    lines: list[Line] = field(default_factory=list)
    findings: list[ShownFinding] = field(default_factory=list)
    claims: int = 0
    checked: int = 0
    counts: dict[str, int] = field(default_factory=dict)


class Refused(Exception):
    """The upload is not a report the page can read; the message says why (Chinese)."""


def check_upload(name: str, size: int, limit: int) -> None:
    suffix = PurePath(name).suffix.lower()
    if suffix not in AUDIT_SUFFIXES:
        raise Refused(f"“{name}”不是可审核的报告格式（可上传 {'、'.join(AUDIT_SUFFIXES)}）")
    if size > limit:
        raise Refused(f"“{name}”过大（{size / 1048576:.1f} MB，上限 {limit // 1048576} MB）")
    if size == 0:
        raise Refused(f"“{name}”是空文件")


def audit_report(data: bytes, name: str, figures: Mapping[str, object] | None) -> AuditPage:
    """Extract and audit an uploaded report; :class:`Refused` when it cannot be read."""
    try:
        extracted = extract_bytes(data, name)
    except AuditInputError as error:
        raise Refused(f"“{name}”无法读取：{error.message}") from None
    result = audit_lines(extracted.lines, name, figures=figures)
    return layout(name, extracted.lines, result.findings, result.claims, result.checked)


def layout(
    name: str, lines: Sequence[str], findings: Sequence[Finding], claims: int, checked: int
) -> AuditPage:
    page = AuditPage(name, claims=claims, checked=checked)
    by_line: dict[int, list[ShownFinding]] = {}
    for number, finding in enumerate(findings, start=1):
        shown = ShownFinding(number, finding)
        page.findings.append(shown)
        by_line.setdefault(finding.location.line, []).append(shown)
    page.counts = {
        SEVERITY_LABELS[s]: sum(1 for f in findings if f.severity is s) for s in Severity
    }
    for index, text in enumerate(lines, start=1):
        here = by_line.get(index, [])
        page.lines.append(Line(index, _pieces(text, here), tuple(f.number for f in here)))
    return page


def _pieces(text: str, findings: Sequence[ShownFinding]) -> tuple[Piece, ...]:
    """``text`` cut into plain pieces and the marked numbers the findings are about."""
    marks: dict[tuple[int, int], list[ShownFinding]] = {}
    for shown in findings:
        stated = shown.stated_text
        start = _find(text, shown.finding.claim, stated) if stated else -1
        if start >= 0:
            marks.setdefault((start, start + len(stated)), []).append(shown)
    pieces: list[Piece] = []
    cursor = 0
    for (start, end), shown_here in sorted(marks.items()):
        if start < cursor:  # overlapping marks: keep the first
            continue
        if start > cursor:
            pieces.append(Piece(text[cursor:start]))
        worst = min(shown_here, key=lambda s: _RANK[s.finding.severity]).finding.severity
        pieces.append(Piece(text[start:end], tuple(s.number for s in shown_here), worst.value))
        cursor = end
    if cursor < len(text) or not pieces:
        pieces.append(Piece(text[cursor:]))
    return tuple(pieces)


def _find(text: str, claim: str, stated: str) -> int:
    """Where ``stated`` is in the line: inside the claim's text when the line has it."""
    if claim:
        # The claim may be a clause of this line: look for the number inside it first.
        for probe in (claim, claim[:40], claim[-40:]):
            at = text.find(probe) if probe else -1
            if at >= 0:
                inner = text.find(stated, at)
                if inner >= 0:
                    return inner
    return text.find(stated)
