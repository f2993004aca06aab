"""The progress contract (jixiao.lib.progress) kept by every long operation, on real runs.

Each operation is run on the bundled example (or real reports) with a recorder as its
``progress``; the calls must start at 0, never go back, keep one total and end at it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pytest

from jixiao.audit.batch import audit_files
from jixiao.dataset.model import Dataset
from jixiao.evaluation import STAGES, Evaluation, evaluate
from jixiao.io.formats import load_dataset
from jixiao.reports.api import report_files

REAL = Path(__file__).parent / "data" / "real"


@dataclass
class Recorder:
    """A progress callback that keeps every call."""

    calls: list[tuple[str, int, int]] = field(default_factory=list)

    def __call__(self, step: str, done: int, total: int, /) -> None:
        self.calls.append((step, done, total))

    def assert_contract(self, total: int) -> None:
        assert self.calls, "no progress was reported"
        counts = [done for _, done, _ in self.calls]
        assert counts[0] == 0
        assert counts == sorted(counts), f"counts went back: {counts}"
        assert {t for _, _, t in self.calls} == {total}
        assert counts[-1] == total
        assert all(step for step, _, _ in self.calls)


@pytest.fixture(scope="module")
def dataset(example_yaml: Path) -> Dataset:
    return load_dataset(example_yaml)


@pytest.fixture(scope="module")
def evaluation(dataset: Dataset) -> Evaluation:
    return evaluate(dataset)


def test_reading_a_workbook_counts_its_worksheets(example_xlsx: Path) -> None:
    from python_calamine import CalamineWorkbook, SheetTypeEnum

    book = CalamineWorkbook.from_path(str(example_xlsx))
    worksheets = [m for m in book.sheets_metadata if m.typ == SheetTypeEnum.WorkSheet]
    recorder = Recorder()
    load_dataset(example_xlsx, progress=recorder)
    recorder.assert_contract(len(worksheets))
    assert recorder.calls[-1][0] == "校验数据"
    assert f"读取工作表 {worksheets[0].name}" in [step for step, _, _ in recorder.calls]


def test_reading_the_text_form_is_one_unit(example_yaml: Path) -> None:
    recorder = Recorder()
    load_dataset(example_yaml, progress=recorder)
    recorder.assert_contract(1)


def test_evaluate_reports_each_stage(dataset: Dataset) -> None:
    recorder = Recorder()
    evaluate(dataset, progress=recorder)
    recorder.assert_contract(len(STAGES))
    assert [step for step, _, _ in recorder.calls][:3] == list(STAGES)


@pytest.mark.parametrize(
    ("formats", "review"),
    [
        (("docx", "html", "pdf", "xlsx"), ("html", "xlsx")),  # what jixiao run writes
        (("xlsx",), ()),
        ((), ("html",)),
    ],
)
def test_the_report_set_counts_every_file(
    evaluation: Evaluation, formats: tuple[str, ...], review: tuple[str, ...]
) -> None:
    recorder = Recorder()
    files = report_files(
        evaluation, formats, review_formats=review, parallel=False, progress=recorder
    )
    recorder.assert_contract(len(formats) + len(review))
    assert len(files) == len(formats) + len(review)
    steps = [step for step, _, _ in recorder.calls]
    if "pdf" in formats:
        assert "报告 PDF 文档" in steps


def test_a_folder_audit_counts_every_report_unreadable_ones_too(tmp_path: Path) -> None:
    reports = sorted(REAL.glob("*.txt"))[:5]
    paths = [*reports, tmp_path / "缺失的报告.pdf"]
    recorder = Recorder()
    audits = audit_files(paths, progress=recorder)
    recorder.assert_contract(len(paths))
    assert [a.path for a in audits] == paths  # in order, the unreadable one kept
    assert audits[-1].result is None and "不存在" in audits[-1].problem
    # one call before the first report and one after each, in the files' order
    assert [done for _, done, _ in recorder.calls] == list(range(len(paths) + 1))
    assert recorder.calls[1][0].endswith(reports[0].name)


def test_an_empty_folder_audit_reports_nothing_to_do() -> None:
    recorder = Recorder()
    assert audit_files([], progress=recorder) == []
    assert recorder.calls == [("审核", 0, 0)]


def test_auditing_with_the_reader_ahead_gives_the_same_result_as_one_by_one() -> None:
    """Reading the next file in a second thread changes nothing in the findings."""
    reports = sorted(REAL.glob("*.txt"))[:6]
    together = audit_files(reports)
    alone = [audit_files([path])[0] for path in reports]
    assert [a.result.to_json() if a.result else None for a in together] == [
        a.result.to_json() if a.result else None for a in alone
    ]
