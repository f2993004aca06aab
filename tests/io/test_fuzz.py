"""Fuzzing the importers: whatever the file holds, ``load_dataset`` returns a Dataset or
raises DatasetError with places and messages — never any other exception."""

from __future__ import annotations

import io
import tempfile
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jixiao.dataset.build import DatasetError
from jixiao.dataset.model import (
    TABLES,
    Dataset,
    Goal,
    Indicator,
    KeyTask,
    MoneyLine,
    Profile,
    Project,
    Unit,
)
from jixiao.io.excel import write_workbook
from jixiao.io.formats import load_dataset
from jixiao.io.textform import write_text_form

FUZZ = settings(
    deadline=None,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.filter_too_much,
    ],
)

BASE = Dataset(
    profile=Profile(
        department_name="广东省科学技术厅",
        year=2023,
        fill_date=date(2024, 5, 11),
        amount_unit="万元",
    ),
    units=(
        Unit(code="163001", name="本级", kind="行政机关"),
        Unit(code="163002", name="广东省科学院", kind="公益二类"),
    ),
    key_tasks=(KeyTask(plan="计划", task="任务", result="成效\n第二段"),),
    goals=(Goal(code="G1", content="目标"),),
    indicators=(
        Indicator(
            owner="G1",
            level1="产出指标",
            name="企业数",
            sign="≥",
            target=Decimal(90),
            actual=Decimal(50),
        ),
    ),
    income=(
        MoneyLine(item="事业收入", budget=Decimal("12268.70"), final=Decimal("12021.60")),
        MoneyLine(unit="163001", item="财政拨款收入", final=Decimal("592519.16")),
    ),
    projects=(Project(code="P1", name="项目", unit="163002", special=True, budget=Decimal(10)),),
)


def _base_xlsx() -> bytes:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "base.xlsx"
        write_workbook(BASE, path)
        return path.read_bytes()


BASE_XLSX = _base_xlsx()
BASE_YAML = write_text_form(BASE)


def _loads_cleanly(data: bytes, suffix: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"fuzz{suffix}"
        path.write_bytes(data)
        try:
            result = load_dataset(path)
        except DatasetError as error:
            assert error.errors
            assert all(isinstance(e.location, str) and e.message for e in error.errors)
        else:
            assert isinstance(result, Dataset)


# --------------------------------------------------------------------------- bytes

SUFFIXES = st.sampled_from([".xlsx", ".xlsm", ".yaml", ""])


@settings(FUZZ, max_examples=40)
@given(st.binary(max_size=2000), SUFFIXES)
def test_random_bytes(data: bytes, suffix: str) -> None:
    _loads_cleanly(data, suffix)


@settings(FUZZ, max_examples=40)
@given(
    st.lists(st.tuples(st.integers(0, len(BASE_XLSX) - 1), st.integers(0, 255)), max_size=8),
    st.integers(1, len(BASE_XLSX)),
)
def test_damaged_workbook_bytes(flips: list[tuple[int, int]], keep: int) -> None:
    data = bytearray(BASE_XLSX[:keep])
    for position, byte in flips:
        if position < len(data):
            data[position] = byte
    _loads_cleanly(bytes(data), ".xlsx")


# --------------------------------------------------------------------------- workbooks

_SHEET_TITLES = st.text(st.sampled_from("收入支出单位项目信息表 Sheet123"), min_size=1, max_size=10)
_CELL_VALUES: st.SearchStrategy[Any] = st.one_of(
    st.none(),
    st.text(st.characters(exclude_categories=("Cs", "Cc")), max_size=12),
    st.sampled_from(
        [
            "",
            " ",
            "12,0216",
            "-1",
            "事业收入",
            "163001",
            "G1",
            "是",
            "≥",
            "元",
            "万元",
            "=1+1",
            "#N/A",
        ]
    ),
    st.integers(-(10**20), 10**20),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.dates(date(1800, 1, 1), date(2200, 1, 1)),
    st.datetimes(datetime(1900, 3, 1), datetime(2200, 1, 1)),
    st.times(),
)


def _set_cell(sheet: int, row: int, col: int, value: Any) -> Callable[[Any], None]:
    def apply(book: Any) -> None:
        book.worksheets[sheet % len(book.worksheets)].cell(row=row, column=col).value = value

    return apply


def _rename(sheet: int, title: str) -> Callable[[Any], None]:
    def apply(book: Any) -> None:
        book.worksheets[sheet % len(book.worksheets)].title = title

    return apply


def _delete_sheet(sheet: int) -> Callable[[Any], None]:
    def apply(book: Any) -> None:
        if len(book.worksheets) > 1:
            del book[book.worksheets[sheet % len(book.worksheets)].title]

    return apply


def _insert_rows(sheet: int, row: int, amount: int) -> Callable[[Any], None]:
    def apply(book: Any) -> None:
        book.worksheets[sheet % len(book.worksheets)].insert_rows(row, amount)

    return apply


def _unhide(sheet: int) -> Callable[[Any], None]:
    def apply(book: Any) -> None:
        book.worksheets[sheet % len(book.worksheets)].sheet_state = "visible"

    return apply


_SHEETS = st.integers(0, len(TABLES) + 1)
_MUTATIONS = st.one_of(
    st.builds(_set_cell, _SHEETS, st.integers(1, 8), st.integers(1, 9), _CELL_VALUES),
    st.builds(_set_cell, _SHEETS, st.just(1), st.integers(1, 9), st.none()),  # delete a header
    st.builds(
        _rename, _SHEETS, st.one_of(_SHEET_TITLES, st.sampled_from([t.sheet for t in TABLES]))
    ),
    st.builds(_delete_sheet, _SHEETS),
    st.builds(_insert_rows, _SHEETS, st.integers(1, 4), st.integers(1, 3)),
    st.builds(_unhide, _SHEETS),
)


@settings(FUZZ, max_examples=40)
@given(st.lists(_MUTATIONS, min_size=1, max_size=6))
def test_mutated_workbooks(mutations: list[Callable[[Any], None]]) -> None:
    book = openpyxl.load_workbook(io.BytesIO(BASE_XLSX))
    for mutate in mutations:
        try:
            mutate(book)
        except ValueError:
            continue  # openpyxl refuses (a sheet title twice, an illegal value): not our input
    buffer = io.BytesIO()
    book.save(buffer)
    _loads_cleanly(buffer.getvalue(), ".xlsx")


# --------------------------------------------------------------------------- text form

_YAML_SNIPPETS = st.one_of(
    st.text(max_size=20),
    st.sampled_from(
        [
            "\n",
            ": ",
            "- ",
            "  ",
            "\t",
            "{",
            "[",
            "&a ",
            "*a",
            "!!python/object:os.system ",
            "!!binary ",
            "? ",
            "|\n",
            "'",
            '"',
            "~",
            "units:\n- code: 1\n",
            "income: 3\n",
            "profile: [1, 2]\n",
            "final: -1\n",
            "final: .nan\n",
            "final: 1e400\n",
            "year: 2023-01-01\n",
            "format: jixiao-dataset/9\n",
        ]
    ),
)


@settings(FUZZ, max_examples=60)
@given(
    st.lists(
        st.tuples(st.integers(0, len(BASE_YAML)), st.integers(0, 20), _YAML_SNIPPETS),
        min_size=1,
        max_size=5,
    )
)
def test_mutated_text_form(edits: list[tuple[int, int, str]]) -> None:
    text = BASE_YAML
    for position, delete, insert in edits:
        position = min(position, len(text))
        text = text[:position] + insert + text[position + delete :]
    _loads_cleanly(text.encode("utf-8", "surrogatepass"), ".yaml")


@settings(FUZZ, max_examples=30)
@given(st.text(max_size=300))
def test_random_text_form(text: str) -> None:
    _loads_cleanly(text.encode("utf-8", "surrogatepass"), ".yaml")
