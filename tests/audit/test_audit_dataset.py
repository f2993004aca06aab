"""Audit against a dataset, and of the report jixiao itself renders.

- ``--dataset``: each figure the seed states is compared with the bundled example's figures;
  241.70% (决算支出合计为年初预算的比例) differs from the dataset's 341.70%, and 10 事业单位
  from its 9.
- Honesty: the Word report rendered from the bundled example audits with no error.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import SEED
from jixiao.audit import audit_file
from jixiao.figures import compute_figures
from jixiao.io.formats import load_dataset

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "gdstc-2023.yaml"


@pytest.fixture(scope="module")
def example_figures() -> object:
    return compute_figures(load_dataset(EXAMPLE))


def test_it_compares_the_seed_with_the_example_dataset(example_figures: object) -> None:
    result = audit_file(SEED, example_figures)  # type: ignore[arg-type]
    crosschecked = [
        (f.line, f.severity.value, f.stated, f.expected)
        for f in result.findings
        if f.rule == "dataset"
    ]
    errors = [
        (line, stated, expected)
        for line, severity, stated, expected in crosschecked
        if severity == "error"
    ]
    # 决算支出合计为年初预算的比例 and 事业单位数量 (“10 个事业单位” counts what follows the number)
    assert errors == [(55, "10", "9"), (245, "241.70", "341.70")]


@pytest.fixture(scope="module")
def rendered_report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from jixiao.reports.api import write_reports

    outdir = tmp_path_factory.mktemp("rendered")
    [path] = write_reports(load_dataset(EXAMPLE), outdir, ("docx",))
    return path


def test_the_report_jixiao_renders_audits_with_no_error(
    rendered_report: Path, example_figures: object
) -> None:
    alone = audit_file(rendered_report)
    crossed = audit_file(rendered_report, example_figures)  # type: ignore[arg-type]
    assert [
        (f.line, f.rule, f.message) for f in alone.findings if f.severity.value == "error"
    ] == []
    assert [
        (f.line, f.rule, f.message) for f in crossed.findings if f.severity.value == "error"
    ] == []
    assert alone.checked > 100
