"""Every Excel and text writer is linear in its rows (issue 15, item 1).

Measured by operation count, not by time: the lines of Python executed and the cells
openpyxl's scanning properties visit, while writing n rows and 4n rows. Linear work grows about 4×; the quadratic writers this
guards against (openpyxl's ``max_row`` asked once per row or per cell: a scan of every
written cell) grew 16× and more.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from decimal import Decimal
from functools import partial
from typing import Any

import pytest
from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from jixiao.dataset.model import Dataset, MoneyLine, Profile, Unit
from jixiao.io.excel import workbook_bytes
from jixiao.io.textform import text_form_bytes
from jixiao.monitoring.excel import tables_xlsx_bytes
from jixiao.monitoring.tables import Table as MonitoringTable
from jixiao.reports.model import Cell as ReportCell
from jixiao.reports.model import Table as ReportTable
from jixiao.reports.render.excel import write_table

ROWS = 500
#: Allowed growth of the operation count for 4× the rows (linear: about 4).
LINEAR = 5.0


#: openpyxl's properties that scan every written cell (in C: ``max(self._cells)``,
#: which no line count sees); each call is counted as that many operations.
SCANS = ("max_row", "max_column", "min_row", "min_column")


def _calls(work: Callable[[], Any]) -> int:
    """Operations of ``work``: lines of Python executed, plus the cells openpyxl's
    scanning properties visit."""
    count = 0
    originals = {name: getattr(Worksheet, name) for name in SCANS}

    def counted(prop: property) -> property:
        def get(ws: Worksheet) -> Any:
            nonlocal count
            count += len(ws._cells)
            return prop.fget(ws)  # type: ignore[misc]

        return property(get)

    def trace(frame: Any, event: str, arg: Any) -> Any:
        nonlocal count
        count += 1
        return trace

    for name, prop in originals.items():
        setattr(Worksheet, name, counted(prop))
    sys.settrace(trace)
    try:
        work()
    finally:
        sys.settrace(None)
        for name, prop in originals.items():
            setattr(Worksheet, name, prop)
    return count


def _monitoring(rows: int) -> Callable[[], Any]:
    table = MonitoringTable(
        "预警",
        ("单位", "项目", "预算数", "执行数"),
        tuple((f"单位{n}", f"项目{n}", Decimal("1234.50"), Decimal(n)) for n in range(rows)),
        money=frozenset({2, 3}),
    )
    return lambda: tables_xlsx_bytes([table])


def _report(rows: int) -> Callable[[], Any]:
    table = ReportTable(
        "表1",
        "预算执行情况",
        ("项目", "预算数", "执行数", "执行率"),
        tuple(
            (
                ReportCell(f"项目{n}"),
                ReportCell("1,234.50"),
                ReportCell(f"{n}.00"),
                ReportCell("98.5%"),
            )
            for n in range(rows)
        ),
    )
    return lambda: write_table(Workbook().active, table)


def _dataset(rows: int) -> Dataset:
    units = tuple(Unit(code=f"{163000 + n}", name=f"单位{n}", kind="行政机关") for n in range(rows))
    income = tuple(
        MoneyLine(unit=u.code, item="事业收入", budget=Decimal("12.30"), final=Decimal(n))
        for n, u in enumerate(units)
    )
    return Dataset(profile=Profile(department_name="示例厅", year=2023), units=units, income=income)


WRITERS: dict[str, Callable[[int], Callable[[], Any]]] = {
    "monitoring tables (write_tables_xlsx)": _monitoring,
    "report table (reports/render/excel.py)": _report,
    "dataset workbook": lambda rows: partial(workbook_bytes, _dataset(rows)),
    "dataset text form": lambda rows: partial(text_form_bytes, _dataset(rows)),
}


@pytest.mark.parametrize("writer", WRITERS)
def test_writing_four_times_the_rows_costs_about_four_times_the_operations(writer: str) -> None:
    make = WRITERS[writer]
    small, large = _calls(make(ROWS)), _calls(make(4 * ROWS))
    growth = large / small
    assert growth < LINEAR, f"{writer}: {small:,} → {large:,} calls ({growth:.1f}× for 4× rows)"


def test_the_measure_catches_a_quadratic_writer() -> None:
    """The old report writer asked openpyxl for ``max_row`` once per row."""

    def quadratic(rows: int) -> Callable[[], Any]:
        def work() -> None:
            ws = Workbook().active
            for n in range(rows):
                ws.cell(row=ws.max_row + 1, column=1, value=n)

        return work

    assert _calls(quadratic(4 * ROWS)) / _calls(quadratic(ROWS)) > 2 * LINEAR
