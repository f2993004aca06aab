"""The `restated` rule on the reports jixiao itself writes, as Word and PDF files.

A scorecard states a 完成率 for every indicator, in the text ("（2）指标1：…完成率81%") and in
附表1's rows ("3.1.2 | 指标1 | … | 完成值81，指标值100，完成率81%"): the demo's synthetic
department (合成示范厅, ``jixiao serve --demo``) drew 43 "同一数据前后不一致" warnings that
compared 指标1's 完成率 with 指标7's. Each indicator's rate is its own fact; the same
indicator's rate stated twice differently is still one fact restated.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from docx import Document

from jixiao.audit import audit_file
from jixiao.dataset.model import Dataset
from jixiao.io.formats import load_dataset
from jixiao.reports.api import write_reports
from jixiao.synthetic import synthetic_province

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "gdstc-2023.xlsx"


def _synthetic() -> Dataset:
    """The demo's 合成示范厅 (src/jixiao_web/orgs/demo.py: one department of four units)."""
    dataset = synthetic_province(departments=1, units_per_department=4, framework="mof-dept-2013")
    profile = dataclasses.replace(dataset.profile, department_name="合成示范厅（演示）")
    return dataclasses.replace(dataset, profile=profile)


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], Path]:
    out = tmp_path_factory.mktemp("own-reports")
    paths = {}
    for name, dataset in (("example", load_dataset(EXAMPLE)), ("synthetic", _synthetic())):
        for path in write_reports(dataset, out / name, ("docx", "pdf")):
            paths[(name, path.suffix[1:])] = path
    return paths


def _restated(path: Path) -> list[tuple[int | None, str]]:
    return [(f.location.line, f.message) for f in audit_file(path).findings if f.code == "restated"]


@pytest.mark.parametrize("fmt", ["docx", "pdf"])
def test_the_synthetic_departments_indicators_are_not_one_figure(
    reports: dict[tuple[str, str], Path], fmt: str
) -> None:
    text = "\n".join(p.text for p in Document(str(reports[("synthetic", "docx")])).paragraphs)
    assert "完成率81%" in text and "完成率83%" in text  # the rates that were compared
    assert _restated(reports[("synthetic", fmt)]) == []


@pytest.mark.parametrize("fmt", ["docx", "pdf"])
def test_the_example_keeps_only_its_own_restated_facts(
    reports: dict[tuple[str, str], Path], fmt: str
) -> None:
    """The example's text (copied from the department's real report) restates three facts
    with other numbers (docs/example.md): those stay, nothing else is added."""
    messages = [message for _, message in _restated(reports[("example", fmt)])]
    assert len(messages) == 3
    assert all(
        any(fact in message for fact in ("产业集群", "科技信贷余额", "研发人员"))
        for message in messages
    )


def test_one_indicators_rate_restated_differently_is_still_found(
    reports: dict[tuple[str, str], Path], tmp_path: Path
) -> None:
    """指标1's text says 82 % (its formula still adds up), its scorecard row 81 %."""
    doc = Document(str(reports[("synthetic", "docx")]))
    (paragraph,) = [p for p in doc.paragraphs if p.text.startswith("（2）指标1：")]
    old = "完成值81，指标值100，完成率81%，得分 = 81% × 0.5 = 0.41分。"
    assert old in paragraph.text
    text = paragraph.text.replace(
        old, "完成值82，指标值100，完成率82%，得分 = 82% × 0.5 = 0.41分。"
    )
    for run in paragraph.runs[1:]:
        run.text = ""
    paragraph.runs[0].text = text
    planted = tmp_path / "planted.docx"
    doc.save(str(planted))
    findings = [f for f in audit_file(planted).findings if f.code == "restated"]
    assert [(f.stated, f.expected) for f in findings] == [("81", "82")]
    assert "写“指标1”的“完成率”为 82%，此处为 81%" in findings[0].message
