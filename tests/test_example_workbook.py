"""The bundled workbook is in the current layout and holds the text form's data.

examples/gdstc-2023.xlsx was written by ``jixiao convert examples/gdstc-2023.yaml
examples/gdstc-2023.xlsx --force``: the audit-only statements (单位数（声明）, 自评总分和
等级（声明）, 满分项/扣分项) are on the optional 声明数 sheet, not on 基本信息/自评结论.
Round trip: workbook → text form → dataset gives the same dataset and the same figures.
"""

from __future__ import annotations

from pathlib import Path

import openpyxl

from jixiao.dataset.model import AUDIT_TABLE, TABLES_BY_KEY, audit_fields
from jixiao.figures.engine import compute_figures
from jixiao.io.formats import load_dataset
from jixiao.io.textform import load_text_form, write_text_form


def _labels(path: Path, sheet: str) -> list[str]:
    book = openpyxl.load_workbook(path, read_only=True)
    try:
        return [str(row[0]) for row in book[sheet].iter_rows(values_only=True) if row and row[0]]
    finally:
        book.close()


def test_the_audit_only_fields_are_on_the_optional_sheet(example_xlsx: Path) -> None:
    optional = _labels(example_xlsx, TABLES_BY_KEY[AUDIT_TABLE].sheet)
    for form, column in audit_fields():
        assert column.header not in _labels(example_xlsx, form.sheet), (form.sheet, column.header)
        assert column.header in optional


def test_the_workbook_round_trips_through_the_text_form_with_the_same_figures(
    example_xlsx: Path, example_yaml: Path, tmp_path: Path
) -> None:
    workbook = load_dataset(example_xlsx)
    text = tmp_path / "example.yaml"
    text.write_text(write_text_form(workbook), "utf-8")
    again = load_text_form(text)
    assert again == workbook == load_dataset(example_yaml)
    before, after = compute_figures(workbook), compute_figures(again)
    assert list(before) == list(after)
    assert {k: (f.value, f.label) for k, f in before.items()} == {
        k: (f.value, f.label) for k, f in after.items()
    }
