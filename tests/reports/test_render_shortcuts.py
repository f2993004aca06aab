"""The Word and Excel writers' shortcuts change no byte of what they write.

The Word renderer builds each table's rows as one XML fragment and the workbook writer
reuses each cell style's id, instead of python-docx's and openpyxl's cell-by-cell calls
(speed: ``benchmarks/bench_province.py``). What they write must stay what the cell-by-cell
path wrote: the XML parts of the example's report, a synthetic department's report and a
model of awkward cells (spaces kept at the ends, tabs, line breaks, ``&<>``, empty cells,
indents, bold totals, numbers that are not numbers) are compared with the parts the
cell-by-cell writers produced, stored under ``tests/data/golden/`` — every part by its
sha256 (a workbook's ``docProps/core.xml`` holds the time it was written and is left out),
and the parts the shortcuts build (``word/document.xml``, the sheets, the workbook's
styles) also as gzipped text, so a failure shows the first place they differ.

After an intended change of the layout, rewrite the golden parts with
``JIXIAO_UPDATE_SNAPSHOTS=1`` and review the diff.
"""

from __future__ import annotations

import dataclasses
import difflib
import gzip
import hashlib
import io
import json
import os
import zipfile
from pathlib import Path

import pytest
from report_fixtures import Built, build, built

from jixiao.reports.model import Cell, Paragraph, ReportModel, Run, Section, Table
from jixiao.reports.render import get_renderer
from jixiao.synthetic import synthetic_departments

GOLDEN = Path(__file__).resolve().parent.parent / "data" / "golden"
#: The checkout's folder: the review workbook cites its data source by path
#: (".../examples/gdstc-2023.yaml:477"), which differs between clones, so it is stored as <repo>.
REPO = str(Path(__file__).resolve().parents[2]).encode()
UPDATE = os.environ.get("JIXIAO_UPDATE_SNAPSHOTS") == "1"
#: Parts that hold the time they were written.
VOLATILE = {"docProps/core.xml"}


_IF_INTENDED = (
    "If the report's content or layout changed on purpose (wording, a scorecard line), review "
    "this diff and rewrite the golden parts: JIXIAO_UPDATE_SNAPSHOTS=1 uv run pytest "
    "tests/reports/test_render_shortcuts.py"
)


def _kept_as_text(name: str) -> bool:
    return name == "word/document.xml" or name.startswith(("xl/worksheets/", "xl/styles"))


def _parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {
            n: archive.read(n).replace(REPO, b"<repo>")
            for n in archive.namelist()
            if n not in VOLATILE
        }


def _lines(xml: bytes) -> list[str]:
    return xml.decode("utf-8").replace("><", ">\n<").splitlines()


def _check(case: str, data: bytes) -> None:
    folder = GOLDEN / case
    parts = _parts(data)
    digests = {n: hashlib.sha256(b).hexdigest() for n, b in sorted(parts.items())}
    if UPDATE:
        folder.mkdir(parents=True, exist_ok=True)
        for old in folder.glob("*.gz"):
            old.unlink()
        (folder / "parts.json").write_text(json.dumps(digests, indent=1) + "\n", "utf-8")
        for name, body in parts.items():
            if _kept_as_text(name):
                target = folder / (name.replace("/", "__") + ".gz")
                target.write_bytes(gzip.compress(body, mtime=0))
        return
    expected = json.loads((folder / "parts.json").read_text("utf-8"))
    assert sorted(digests) == sorted(expected), f"{case}: the parts differ"
    for name, digest in expected.items():
        if digests[name] == digest:
            continue
        stored = folder / (name.replace("/", "__") + ".gz")
        if stored.exists():
            diff = difflib.unified_diff(
                _lines(gzip.decompress(stored.read_bytes())), _lines(parts[name]), lineterm=""
            )
            shown = "\n".join(list(diff)[:40])
            pytest.fail(f"{case}: {name} differs from the golden part:\n{shown}\n{_IF_INTENDED}")
        pytest.fail(f"{case}: {name} differs from the golden part (sha256)\n{_IF_INTENDED}")


def _awkward(base: ReportModel) -> ReportModel:
    """``base`` with a section of tables made of the cells a writer gets wrong."""
    cells = (
        Cell("  前后有空格  "),
        Cell("制表\t符"),
        Cell("第一行\n第二行\r\n第三行"),
        Cell("A&B <c> \"引号\" '单'"),
        Cell(""),
        Cell(" "),
        Cell("\t"),
        Cell("1,234.50", numeric=True),
        Cell("12.5%", numeric=True, bold=True),
        Cell("-0.01", numeric=True),
        Cell("—", numeric=True),
        Cell("", numeric=True),
        Cell("其中：人员经费", indent=1),
        Cell("　　公用经费", indent=2, bold=True),
        Cell("合计", bold=True),
        Cell("1234567", numeric=True),
    )
    rows = tuple(cells[i : i + 4] for i in range(0, len(cells), 4))
    tables = (
        Table("表91", "边界 & 单元格", ("名称&", "<数值>", " 说明 ", "备注"), rows, "单位：万元"),
        Table("表92", "一列", ("项目",), tuple((c,) for c in cells[:6]), sheet="一列:表[1]"),
        Table("表93", "没有行", ("甲", "乙"), ()),
        Table("附表9", "加粗的表头", ("甲\t乙", "丙"), ((Cell("x"), Cell("9.99", numeric=True)),)),
    )
    text = Paragraph((Run("说明："), Run("  两端空格  ", bold=True)))
    section = Section("awkward", "十、边界情况", 1, (text, *tables))
    return dataclasses.replace(base, sections=(*base.sections, section))


@pytest.fixture(scope="module")
def example() -> Built:
    """The example read by a path relative to the checkout: the review workbook cites its
    source path, and its length sets column widths and row heights, so an absolute path
    would make the parts depend on where the clone lies."""
    here = Path.cwd()
    os.chdir(REPO.decode())
    try:
        return build(Path("examples") / "gdstc-2023.yaml")
    finally:
        os.chdir(here)


@pytest.fixture(scope="module")
def department() -> Built:
    return built(synthetic_departments(1, 30)[0])


@pytest.mark.parametrize("fmt", ["docx", "xlsx"])
def test_the_examples_report_is_written_as_before(example: Built, fmt: str) -> None:
    _check(f"example-report-{fmt}", get_renderer(fmt).render(example.model))


def test_the_examples_review_workbook_is_written_as_before(example: Built) -> None:
    _check("example-review-xlsx", get_renderer("xlsx").render(example.review))


@pytest.mark.parametrize("fmt", ["docx", "xlsx"])
def test_a_synthetic_departments_report_is_written_as_before(department: Built, fmt: str) -> None:
    _check(f"department-report-{fmt}", get_renderer(fmt).render(department.model))


def test_a_synthetic_departments_review_workbook_is_written_as_before(department: Built) -> None:
    _check("department-review-xlsx", get_renderer("xlsx").render(department.review))


@pytest.mark.parametrize("fmt", ["docx", "xlsx"])
def test_awkward_cells_are_written_as_before(mini: Built, fmt: str) -> None:
    _check(f"awkward-{fmt}", get_renderer(fmt).render(_awkward(mini.model)))


def test_the_work_lists_are_written_as_before(example: Built, department: Built) -> None:
    from jixiao.reports.api import worklist_file

    _check("example-worklist-xlsx", worklist_file(example.evaluation, report=example.model).data)
    _check("department-worklist-xlsx", worklist_file(department.evaluation).data)


@pytest.mark.parametrize(
    "text", ["", "7", "617,056.54", "x" * 97, "万元", "其中：人员经费 12.5%", "　全角", "é" * 5]
)
def test_the_width_of_a_text_is_the_same_float_as_summed_per_character(text: str) -> None:
    from jixiao.reports.render.widths import _ems

    assert _ems(text) == sum(0.6 if ord(c) < 0x2E80 else 1.0 for c in text)
