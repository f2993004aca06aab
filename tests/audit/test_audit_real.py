"""The audit on real public reports (tests/data/real): must-find recall and false errors.

Each ``NAME.txt`` is a report (or the section of one) as published, ``NAME.json`` its answer
key written by hand: the source address, the province and genre, every arithmetic claim
checked (``checked``) and the errors the report's own numbers prove (``must_find``: line,
stated, expected, severity and why). A must-find is *found* when a finding on its line states
the same number and expects the same value with a severity other than ``info``. A *false
error* is an ``error`` finding that is not a must-find. ``notes`` are differences the text's
rounding can explain (so no must-find): the audit must still name them, as ``info``.

The issue's target (recall ≥ 95 %, no error on a clean file) is a test; the measured numbers
are also pinned as floors so that they can only improve (see docs/audit.md, "Real reports").
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pytest

from jixiao.audit import audit_file
from jixiao.findings import Finding, Severity

REAL = Path(__file__).resolve().parents[1] / "data" / "real"
REPORTS = sorted(REAL.glob("*.txt"))


def _same(a: str | None, b: str | None) -> bool:
    return a is not None and b is not None and Decimal(a) == Decimal(b)


@dataclass
class Score:
    must_find: int = 0
    found: int = 0
    notes: int = 0
    notes_found: int = 0
    false_errors: int = 0  #: error findings that are no must-find, in any file
    clean_files_with_errors: int = 0
    files: int = 0
    provinces: frozenset[str] = frozenset()

    @property
    def recall(self) -> float:
        return self.found / self.must_find if self.must_find else 1.0


def _matches(finding: Finding, expected: dict[str, object]) -> bool:
    return (
        finding.location.line == expected["line"]
        and finding.severity is not Severity.INFO
        and _same(finding.stated, str(expected["stated"]))
        and _same(finding.expected, str(expected["expected"]))
    )


def score_corpus() -> tuple[Score, list[str]]:
    score, notes, provinces = Score(), [], set()
    for path in REPORTS:
        key = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
        provinces.add(key["province"])
        findings = audit_file(path).findings
        score.files += 1
        score.must_find += len(key["must_find"])
        for expected in key["must_find"]:
            if any(_matches(f, expected) for f in findings):
                score.found += 1
            else:
                notes.append(f"missed {path.name}:{expected['line']} {expected['stated']}")
        for expected in key.get("notes", []):
            score.notes += 1
            if any(
                f.location.line == expected["line"]
                and _same(f.stated, str(expected["stated"]))
                and _same(f.expected, str(expected["expected"]))
                for f in findings
            ):
                score.notes_found += 1
            else:
                notes.append(
                    f"note not reported {path.name}:{expected['line']} {expected['stated']}"
                )
        false = [
            f
            for f in findings
            if f.severity is Severity.ERROR and not any(_matches(f, e) for e in key["must_find"])
        ]
        score.false_errors += len(false)
        score.clean_files_with_errors += bool(key["clean"] and false)
        notes += [f"false error {path.name}:{f.location.line} {f.code} {f.stated}" for f in false]
    score.provinces = frozenset(p for p in provinces if not p.startswith("unknown"))
    return score, notes


@pytest.fixture(scope="module")
def measured() -> tuple[Score, list[str]]:
    return score_corpus()


@pytest.mark.parametrize("path", REPORTS, ids=[p.stem for p in REPORTS])
def test_every_report_has_an_answer_key_with_its_source(path: Path) -> None:
    key = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
    assert key["source"].startswith("http")
    assert key["checked"], "every arithmetic claim checked by hand is listed"
    assert key["clean"] is (not key["must_find"])
    lines = path.read_text(encoding="utf-8").splitlines()
    for expected in key["must_find"]:
        assert expected["find"] in lines[expected["line"] - 1]
        assert expected["severity"] in ("error", "rounding", "warning")


def test_the_corpus_spans_regions_and_genres() -> None:
    keys = [json.loads(p.with_suffix(".json").read_text(encoding="utf-8")) for p in REPORTS]
    provinces = {k["province"] for k in keys if not k["province"].startswith("unknown")}
    assert len(keys) >= 40
    assert len(provinces) >= 10, sorted(provinces)
    genres = " ".join(k["genre"] for k in keys)
    for genre in ("三公", "决算", "预算公开", "预算执行", "自评表", "评价报告", "第三方"):
        assert genre in genres


def test_recall_and_false_errors_never_get_worse(measured: tuple[Score, list[str]]) -> None:
    score, notes = measured
    # Measured on this corpus; raise the floors as the audit improves.
    assert score.found >= 10, notes
    assert score.false_errors <= 0, notes
    assert score.clean_files_with_errors <= 0, notes
    assert score.notes_found == score.notes, notes


def test_the_issue_target_recall_95_and_no_error_on_clean_files(
    measured: tuple[Score, list[str]],
) -> None:
    score, notes = measured
    assert score.recall >= 0.95 and score.clean_files_with_errors == 0, notes
