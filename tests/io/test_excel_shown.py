"""Read what Excel shows: formulas by their cached result, error values and formulas
without a result refused at their cell, percent formats as shown (issue 16)."""

from __future__ import annotations

import tempfile
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.workbook import Workbook
from workbooks import add_rows, cache_results, header_row, save, set_field, template_book

from jixiao.dataset.build import DatasetError
from jixiao.figures import compute_figures
from jixiao.io.formats import load_dataset


def _income(tmp_path: Path, final: object) -> Workbook:
    """收入 with three lines; the third (收入!E4) holds ``final``."""
    book = template_book(tmp_path)
    set_field(book, "基本信息", "部门名称", "示例厅")
    add_rows(
        book,
        "收入",
        {"收入项目": "事业收入", "决算数": 200},
        {"收入项目": "其他收入", "决算数": 10},
        {"收入项目": "财政拨款收入", "决算数": final},
    )
    return book


def _total(path: Path) -> Decimal | None:
    return compute_figures(load_dataset(path)).get("income.final.total").value  # type: ignore[union-attr]


def test_a_formula_is_read_by_its_cached_result(tmp_path: Path) -> None:
    path = save(_income(tmp_path, "=1000+100"), tmp_path / "f.xlsx")
    cache_results(path, {"收入!E4": "1100"})
    assert _total(path) == Decimal("1310.00")


def test_a_formula_without_a_cached_result_is_refused_at_its_cell(tmp_path: Path) -> None:
    # On the old reader this loaded as blank: 决算收入合计 210.00 instead of 1,310.00.
    path = save(_income(tmp_path, "=12021.6"), tmp_path / "f.xlsx")
    with pytest.raises(DatasetError) as info:
        load_dataset(path)
    (error,) = info.value.errors
    assert error.location == "收入!E4"
    assert "公式“=12021.6”没有计算结果" in error.message
    assert "请在 Excel 中打开、保存后再导入" in error.message


def test_a_formula_whose_result_is_empty_text_is_blank(tmp_path: Path) -> None:
    book = _income(tmp_path, 1100)
    book["收入"]["G4"] = '=IF(E4>0,"","差异")'  # 差异说明
    path = save(book, tmp_path / "f.xlsx")
    cache_results(path, {"收入!G4": ""})
    assert load_dataset(path).income[2].note == ""


@pytest.mark.parametrize("shown", ["#DIV/0!", "#N/A", "#VALUE!", "#REF!"])
def test_an_error_value_is_refused_at_its_cell(tmp_path: Path, shown: str) -> None:
    book = _income(tmp_path, 0)
    cell = book["收入"]["E4"]
    cell.value, cell.data_type = shown, "e"
    path = save(book, tmp_path / "e.xlsx")
    with pytest.raises(DatasetError) as info:
        load_dataset(path)
    (error,) = info.value.errors
    assert error.location == "收入!E4"
    assert f"单元格显示错误值“{shown}”" in error.message


def test_an_error_value_in_an_unused_place_does_not_matter(tmp_path: Path) -> None:
    book = _income(tmp_path, 1100)
    helper = book.create_sheet("草稿")
    helper.sheet_state = "hidden"
    helper["A1"], helper["A1"].data_type = "#DIV/0!", "e"
    assert _total(save(book, tmp_path / "e.xlsx")) == Decimal("1310.00")


def _indicator(tmp_path: Path, target: object, actual: object, fmt: str) -> Path:
    book = template_book(tmp_path)
    add_rows(book, "绩效目标", {"目标编号": "G1", "总目标内容": "目标"})
    add_rows(
        book,
        "绩效指标",
        {
            "目标编号": "G1",
            "一级指标": "产出指标",
            "三级指标": "完成率",
            "计算符号": "≥",
            "指标值": target,
            "计量单位": "%",
            "完成值": actual,
        },
    )
    sheet = book["绩效指标"]
    headers = {c.value: c.column_letter for c in sheet[1]}
    for header in ("指标值", "完成值", "指标值说明"):
        sheet[f"{headers[header]}2"].number_format = fmt
    sheet[f"{headers['指标值说明']}2"] = target
    return save(book, tmp_path / "p.xlsx")


def test_a_percent_formatted_cell_is_read_as_it_shows(tmp_path: Path) -> None:
    # 90% and 50% stored as 0.9 and 0.5: the old reader said 指标值 0.9, 完成值 0.5.
    dataset = load_dataset(_indicator(tmp_path, 0.9, 0.5, "0%"))
    (indicator,) = dataset.indicators
    assert (indicator.target, indicator.actual) == (Decimal(90), Decimal(50))
    assert indicator.target_desc == "90%"  # a text column reads the text the cell shows


def test_decimals_of_a_percentage_are_kept_exactly(tmp_path: Path) -> None:
    (indicator,) = load_dataset(_indicator(tmp_path, 0.1234, 0.075, "0.00%")).indicators
    assert (indicator.target, indicator.actual) == (Decimal("12.34"), Decimal("7.5"))


def test_a_format_that_scales_by_thousands_is_refused(tmp_path: Path) -> None:
    with pytest.raises(DatasetError) as info:
        load_dataset(_indicator(tmp_path, 12000, 13000, "#,##0,"))
    assert {e.location for e in info.value.errors} >= {"绩效指标!G2", "绩效指标!J2"}
    assert "会按千位缩放显示的数值" in info.value.errors[0].message


# --------------------------------------------------------------------------- property

#: (number format, how a cell with that format shows a value as a Decimal)
FORMATS: list[tuple[str, object]] = [
    ("General", lambda v: v),
    ("0.00", lambda v: v),
    ("#,##0.00", lambda v: v),
    ('#,##0.00"万元"', lambda v: v),
    ("0%", lambda v: v * 100),
    ("0.00%", lambda v: v * 100),
    ("0.0%;[Red]-0.0%", lambda v: v * 100),
]

values = st.decimals(
    min_value=Decimal("-1000000"), max_value=Decimal("1000000"), places=4, allow_nan=False
)
cells = st.tuples(st.sampled_from(range(len(FORMATS))), values, st.booleans())


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(cells, min_size=1, max_size=6), st.dates(date(1990, 1, 1), date(2100, 1, 1)))
def test_a_workbook_never_yields_a_number_other_than_the_cell_shows(
    rows: list[tuple[int, Decimal, bool]], filled: date
) -> None:
    """Written the way Excel-like tools write (numbers, formulas with cached results,
    number formats, a date): every 声明值 read is the number its cell shows."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        book = template_book(folder)
        set_field(book, "基本信息", "填报日期", datetime(filled.year, filled.month, filled.day))
        sheet = book["声明数"]
        below = header_row(book, "声明数", "数据编号") + 1  # the table is under the form
        expected = []
        results = {}
        for index, (fmt, value, as_formula) in enumerate(rows, start=below):
            code, shows = FORMATS[fmt]
            number = float(value)
            sheet[f"A{index}"] = f"fig.{index}"
            if as_formula:
                sheet[f"B{index}"] = f"={number!r}*1"
                results[f"声明数!B{index}"] = repr(number)
            else:
                sheet[f"B{index}"] = number
            sheet[f"B{index}"].number_format = code
            expected.append(
                Decimal(repr(number)) if number != int(number) else Decimal(int(number))
            )
            expected[-1] = shows(expected[-1])  # type: ignore[operator]
        path = save(book, folder / "p.xlsx")
        if results:
            cache_results(path, results)
        dataset = load_dataset(path)
    assert [s.value for s in dataset.stated] == expected
    assert dataset.profile.fill_date == filled
