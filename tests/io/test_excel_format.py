"""The Excel workbook: template, filled-in workbooks, layout tolerance, exact values."""

from __future__ import annotations

import errno
import io
import os
from datetime import date
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner
from workbooks import add_rows, save, set_field, template_book

from jixiao.cli import app
from jixiao.dataset.build import DatasetError
from jixiao.dataset.model import (
    TABLES,
    TABLES_BY_KEY,
    Dataset,
    EconomicLine,
    MoneyLine,
    Profile,
    TextBlock,
    Unit,
)
from jixiao.io.excel import (
    CODES_SHEET,
    README_SHEET,
    ExcelFormat,
    normalize_label,
    read_workbook,
    write_template,
    write_workbook,
)
from jixiao.io.formats import load_dataset, save_dataset
from jixiao.lib.files import OutputError


def test_the_template_loads_as_an_empty_dataset(tmp_path: Path) -> None:
    path = tmp_path / "t.xlsx"
    write_template(path)
    assert load_dataset(path) == Dataset()


def test_the_template_has_the_instructions_every_table_and_the_hidden_code_lists(
    tmp_path: Path,
) -> None:
    path = tmp_path / "t.xlsx"
    write_template(path)
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == [README_SHEET, *(t.sheet for t in TABLES), CODES_SHEET]
    assert book[CODES_SHEET].sheet_state == "hidden"
    readme = "\n".join(
        str(c.value) for row in book[README_SHEET].iter_rows() for c in row if c.value
    )
    assert "金额单位" in readme and "重点工作计划" in readme
    assert all(t.sheet in readme for t in TABLES)

    income = book["收入"]
    assert [c.value for c in income[1]] == [c.header for c in TABLES_BY_KEY["income"].columns]
    assert income.freeze_panes == "A2"
    assert "上年决算数" in {c.value for c in income[1]}
    assert income["C1"].comment is not None and "金额单位" in income["C1"].comment.text
    assert income.column_dimensions["C"].number_format == "#,##0.00"
    lists = {
        str(dv.sqref).split(":")[0]: dv.formula1 for dv in income.data_validations.dataValidation
    }
    assert lists["B2"].startswith(f"'{CODES_SHEET}'!")  # 收入项目 dropdown

    units = book["预算单位"]
    assert any(dv.formula1 for dv in units.data_validations.dataValidation)  # 单位性质
    profile = book["基本信息"]
    assert [c.value for c in profile[1]] == ["项目", "值", "说明"]
    assert profile["B7"].value == "万元" and profile["A7"].value == "金额单位"


def _filled(tmp_path: Path, unit: str, sy_budget: object, sy_final: object) -> Dataset:
    book = template_book(tmp_path)
    set_field(book, "基本信息", "部门名称", "广东省科学技术厅")
    set_field(book, "基本信息", "年度", 2023)
    set_field(book, "基本信息", "填报日期", date(2024, 5, 11))
    set_field(book, "基本信息", "金额单位", unit)
    add_rows(
        book,
        "预算单位",
        {"预算编码": "163001", "单位名称": "广东省科学技术厅本级", "单位性质": "行政机关"},
        {"预算编码": "163002", "单位名称": "广东省科学院", "单位性质": "参公"},
    )
    add_rows(
        book,
        "收入",
        {
            "收入项目": "事业收入",
            "年初预算数": sy_budget,
            "决算数": sy_final,
            "差异说明": "与预算基本持平",
        },
        {"单位编码": "163002", "收入项目": "事业收入", "决算数": sy_final},
    )
    add_rows(
        book,
        "经济分类",
        {"支出性质": "项目支出", "经济分类编码": "30227 委托业务费", "决算数": sy_final},
    )
    add_rows(
        book,
        "重点工作",
        {"重点工作计划": "计划甲", "主要工作任务": "任务1"},
        {"主要工作任务": "任务2"},
    )
    return read_workbook(save(book, tmp_path / "filled.xlsx"))


@pytest.mark.parametrize(
    ("unit", "budget", "final"),
    [
        ("万元", 12268.70, 12021.60),
        ("万元", "12,268.70", "12,021.60"),
        ("元", 122687000, 120216000.0),
        ("元", "122,687,000.00", "１２０，２１６，０００"),
    ],
)
def test_a_filled_workbook_reads_to_exact_decimals_in_wan(
    tmp_path: Path, unit: str, budget: object, final: object
) -> None:
    dataset = _filled(tmp_path, unit, budget, final)
    assert dataset.profile == Profile(
        department_name="广东省科学技术厅", year=2023, fill_date=date(2024, 5, 11), amount_unit=unit
    )
    assert dataset.units[1] == Unit(
        code="163002", name="广东省科学院", kind="参照公务员法管理事业单位"
    )
    assert dataset.income == (
        MoneyLine(
            item="事业收入",
            budget=Decimal("12268.70"),
            final=Decimal("12021.60"),
            note="与预算基本持平",
        ),
        MoneyLine(unit="163002", item="事业收入", final=Decimal("12021.60")),
    )
    assert dataset.income[0].loc == "收入!A2"
    assert dataset.expenditure_economic == (
        EconomicLine(nature="项目支出", item="30227", final=Decimal("12021.60")),
    )
    assert [t.plan for t in dataset.key_tasks] == ["计划甲", "计划甲"]


def test_columns_are_found_by_header_in_any_order_with_spaces_and_full_width(
    tmp_path: Path,
) -> None:
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = " 收入 "
    ws.append(["决算数", "  收入项目", "单位编码＊", "差异 说明", None, "年初预算数"])
    ws.append([12021.6, "事业收入", None, "持平", None, "12268.70"])
    ws.append([])
    ws.append([None, None, None, None, None, None])
    ws.append([100, "其他收入"])
    dataset = read_workbook(save(book, tmp_path / "any-order.xlsx"))
    assert dataset.income == (
        MoneyLine(
            item="事业收入", budget=Decimal("12268.70"), final=Decimal("12021.6"), note="持平"
        ),
        MoneyLine(item="其他收入", final=Decimal(100)),
    )
    assert dataset.income[1].loc == " 收入 !A5"
    assert normalize_label("（“三公”经费项目）") == normalize_label("(三公经费项目)")


def test_a_title_line_above_the_header_is_skipped_and_locations_stay_right(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "收入"
    ws["C3"] = "收入表（单位：万元）"
    ws["C4"], ws["D4"] = "收入项目", "决算数"
    ws["C5"], ws["D5"] = "事业收入", "abc"
    with pytest.raises(DatasetError) as info:
        read_workbook(save(book, tmp_path / "title.xlsx"))
    assert [(e.location, e.message) for e in info.value.errors] == [
        ("收入!D5", "“abc”不是有效金额（决算数应为数字，如 12021.60）")
    ]


@pytest.mark.parametrize(
    "text",
    [
        "=1+1",
        "#N/A",
        "_x0041_",
        "a_x005F_b",
        "0012",
        "12021.60",
        "TRUE",
        "2023-01-01",
        "行一\n\n行三",
        "tab\there",
    ],
)
def test_texts_that_excel_would_take_for_something_else_survive(tmp_path: Path, text: str) -> None:
    dataset = Dataset(
        units=(Unit(code=" ".join(text.split()), name="单位", kind="公益一类"),),
        texts=(TextBlock(key="主要职能", content=text),),
    )
    path = tmp_path / "texts.xlsx"
    write_workbook(dataset, path)
    assert read_workbook(path) == dataset


@pytest.mark.parametrize(
    "amount",
    [
        "12021.60",
        "0.01",
        "123456789012.34",
        "0.123456789012345678901",
        "98765432109876543.21",
        "-0",
    ],
)
@pytest.mark.parametrize("unit", ["万元", "元"])
def test_money_round_trips_exactly_whether_or_not_a_float_can_hold_it(
    tmp_path: Path, amount: str, unit: str
) -> None:
    dataset = Dataset(
        profile=Profile(amount_unit=unit),
        income=(MoneyLine(item="事业收入", final=Decimal(amount)),),
    )
    path = tmp_path / "money.xlsx"
    write_workbook(dataset, path)
    back = read_workbook(path)
    assert back == dataset and back.income[0].final == Decimal(amount)


def test_money_is_written_in_the_workbooks_unit(tmp_path: Path) -> None:
    dataset = Dataset(
        profile=Profile(amount_unit="元"),
        income=(MoneyLine(item="事业收入", final=Decimal("12021.60")),),
    )
    path = tmp_path / "yuan.xlsx"
    write_workbook(dataset, path)
    cell = openpyxl.load_workbook(path)["收入"]["E2"]
    assert cell.value == 120216000 and cell.number_format == "#,##0.00"


def test_xlsm_is_read_and_written(tmp_path: Path) -> None:
    dataset = Dataset(profile=Profile(department_name="甲"))
    path = tmp_path / "macro.xlsm"
    save_dataset(dataset, path)
    assert load_dataset(path) == dataset


def test_text_too_long_for_a_cell_is_an_error_and_no_file_is_written(tmp_path: Path) -> None:
    dataset = Dataset(texts=(TextBlock(key="主要职能", content="长" * 40000, loc="a.yaml:3"),))
    stream = io.BytesIO()
    with pytest.raises(DatasetError) as info:
        ExcelFormat().write(dataset, stream)
    assert info.value.errors[0].location == "a.yaml:3"
    assert "超过 Excel 单元格上限" in info.value.errors[0].message
    assert stream.getvalue() == b""  # refused before a byte is written


def test_a_failed_write_leaves_the_old_file_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "keep.xlsx"
    path.write_bytes(b"old")

    real_fdopen = os.fdopen

    def half_then_full(fd: int, mode: str) -> object:
        stream = real_fdopen(fd, mode)
        stream.write(b"half")
        stream.close()
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fdopen", half_then_full)
    with pytest.raises(OutputError, match="磁盘已满"):
        write_workbook(Dataset(), path)
    assert path.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["keep.xlsx"]


def test_cli_template_and_convert(tmp_path: Path) -> None:
    runner = CliRunner()
    out = tmp_path / "sub" / "模板.xlsx"
    result = runner.invoke(app, ["template", str(out)])
    assert result.exit_code == 0, result.output
    assert load_dataset(out) == Dataset()
    again = runner.invoke(app, ["template", str(out)])
    assert again.exit_code == 2 and "--force" in again.output
    assert runner.invoke(app, ["template", str(out), "--force"]).exit_code == 0
    assert runner.invoke(app, ["template", str(tmp_path / "t.yaml")]).exit_code == 2

    yaml_path = tmp_path / "t.yaml"
    assert runner.invoke(app, ["convert", str(out), str(yaml_path)]).exit_code == 0
    back = tmp_path / "back.xlsx"
    assert runner.invoke(app, ["convert", str(yaml_path), str(back)]).exit_code == 0
    assert load_dataset(back) == Dataset()


def test_a_stated_value_keeps_its_printed_decimals_through_the_workbook(tmp_path: Path) -> None:
    from decimal import Decimal

    from jixiao.dataset.model import Dataset, StatedFigure
    from jixiao.io.excel import ExcelFormat

    stated = (StatedFigure(figure="expenditure.final.ratio_to_budget", value=Decimal("241.70")),)
    stream = io.BytesIO()
    ExcelFormat().write(Dataset(stated=stated), stream)
    value = ExcelFormat().read(stream.getvalue(), "stated.xlsx").stated[0].value
    assert value is not None and str(value) == "241.70"  # a statement to 2 places, not 241.7
