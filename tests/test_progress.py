"""The progress contract (jixiao.lib.progress) kept by every long operation, on real runs.

Each operation is run on the bundled example (or real reports) with a recorder as its
``progress``; the calls must start at 0, never go back, keep one total and end at it.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from jixiao.audit.batch import audit_files
from jixiao.cli.run import department_files
from jixiao.dataset.model import TABLES, Dataset
from jixiao.evaluation import STAGES, Evaluation, evaluate
from jixiao.io.excel import workbook_bytes
from jixiao.io.formats import load_dataset
from jixiao.io.textform import READ_STEPS, WRITE_STEP, text_form_document, write_text_form
from jixiao.reports.api import report_files
from jixiao.synthetic import synthetic_departments

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


def test_reading_the_text_form_counts_the_parse_and_the_checks(example_yaml: Path) -> None:
    recorder = Recorder()
    load_dataset(example_yaml, progress=recorder)
    recorder.assert_contract(len(READ_STEPS))
    assert [step for step, _, _ in recorder.calls] == [*READ_STEPS, READ_STEPS[1]]


def _rows(document: dict[str, object]) -> int:
    return sum(len(v) if isinstance(v, list) else 1 for k, v in document.items() if k != "format")


def test_writing_the_text_form_counts_its_rows() -> None:
    """A province's text form took tens of seconds with nothing said: now every
    ``CHUNK_ROWS`` rows are counted (here a 30-unit department, in chunks of 100)."""
    dataset = synthetic_departments(1, 30)[0]
    recorder = Recorder()
    text = write_text_form(dataset, progress=recorder, chunk=100)
    rows = _rows(text_form_document(dataset))
    recorder.assert_contract(rows)
    assert rows > 1000
    assert len(recorder.calls) > rows // 100  # counted as it goes, not only at the end
    assert {step for step, _, _ in recorder.calls} == {WRITE_STEP}
    assert text == write_text_form(dataset)  # the same text as written without a count


def test_writing_the_workbook_counts_its_sheets(dataset: Dataset) -> None:
    from python_calamine import CalamineWorkbook

    recorder = Recorder()
    data = workbook_bytes(dataset, progress=recorder)
    sheets = CalamineWorkbook.from_filelike(io.BytesIO(data)).sheet_names
    recorder.assert_contract(len(sheets) + 2)  # the cell values, every sheet, saving
    steps = [step for step, _, _ in recorder.calls]
    assert steps[0] == "准备单元格" and steps[-1] == "保存工作簿"
    assert f"写出工作表 {TABLES[0].sheet}" in steps


def test_run_counts_each_of_its_steps(evaluation: Evaluation) -> None:
    """``jixiao run``'s files: the JSON results, each report format, the work list and the
    text form (its rows), each step told with its count."""
    recorder = Recorder()
    names = [name for name, _ in department_files(evaluation, "x", ["xlsx"], progress=recorder)]
    assert names[:3] == ["figures.json", "scorecard.json", "findings.json"]
    steps = [step for step, _, _ in recorder.calls]
    for step in ("写出 figures.json", "写出 findings.json", "报告 Excel 工作簿", WRITE_STEP):
        assert step in steps
    written = [(done, total) for step, done, total in recorder.calls if step == WRITE_STEP]
    assert written[0][0] == 0 and written[-1][0] == written[-1][1] > 0
    assert recorder.calls[-1] == ("数据集（文本格式）", 2, 2)


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
