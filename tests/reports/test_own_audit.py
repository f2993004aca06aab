"""Its own reports audit clean (issue 10, item 8).

The reports jixiao renders are read back by its own audit, as a reviewer's tool would read
them: the example under every shipped department framework, the synthetic county
department (mof-dept-2013, every field filled) — in Word, and for the county also in PDF —
give no error finding. And the audit is not blind:
a score planted above its points in the county's Word file is caught.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from docx import Document
from report_fixtures import Built, build

from jixiao.audit import audit_file
from jixiao.findings import Severity
from jixiao.reports.render.pdf import PdfRenderer
from jixiao.reports.render.word import WordRenderer
from jixiao.reports.template import department_frameworks


def _errors(path: Path) -> list[tuple[int | None, str]]:
    result = audit_file(path)
    return [(f.location.line, f.message) for f in result.findings if f.severity == Severity.ERROR]


@pytest.mark.parametrize("framework", [i for i, _ in department_frameworks()])
def test_the_example_report_audits_clean_under_every_framework(
    framework: str, example_yaml: Path, tmp_path: Path
) -> None:
    built = build(example_yaml, framework)
    path = tmp_path / "example.docx"
    path.write_bytes(WordRenderer().render(built.model))
    assert _errors(path) == []


@pytest.mark.parametrize("fmt", ["docx", "pdf"])
def test_the_example_report_audits_clean_in_word_and_pdf(
    rendered: dict[str, Path], fmt: str
) -> None:
    """What `jixiao run examples/gdstc-2023.xlsx` writes, read back: a PDF gives the running
    "（续）" caption of a continued table in the middle of a sentence, lines that end at the
    margin with "。" inside a numbered list, numbered items wrapped after "分值" — none of
    them is an error."""
    assert _errors(rendered[fmt]) == []


@pytest.mark.parametrize("fmt", ["docx", "pdf"])
def test_the_county_report_audits_clean(county: Built, tmp_path: Path, fmt: str) -> None:
    renderer = WordRenderer() if fmt == "docx" else PdfRenderer()
    path = tmp_path / f"county.{fmt}"
    path.write_bytes(renderer.render(county.model))
    assert _errors(path) == []


def test_a_score_planted_above_its_points_is_caught(county: Built, tmp_path: Path) -> None:
    path = tmp_path / "county.docx"
    path.write_bytes(WordRenderer().render(county.model))
    doc = Document(str(path))
    (paragraph,) = [p for p in doc.paragraphs if p.text.startswith("产出分值20分，自评得分20分")]
    score = [r for r in paragraph.runs if r.text == "20"][1]  # 自评得分
    score.text = "20.01"
    planted = tmp_path / "planted.docx"
    doc.save(str(planted))
    assert any("自评得分 20.01 分 超过分值 20 分" in message for _, message in _errors(planted))
