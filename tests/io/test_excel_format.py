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
from workbooks import add_rows, header_row, save, set_field, template_book

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
    audit_fields,
)
from jixiao.io.excel import (
    CODES_SHEET,
    OPTIONAL_NOTE,
    OPTIONAL_NOTE_LINES,
    OPTIONAL_SHEET,
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
    optional = [t.sheet for t in TABLES if t.key == "stated"]  # the optional 声明数 last
    main = [t.sheet for t in TABLES if t.key != "stated"]
    assert book.sheetnames == [README_SHEET, *main, *optional, CODES_SHEET]
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


# --------------------------------------------------------------------------- 声明数 (audit only)

AUDIT_LABELS = [c.header for _, c in audit_fields()]


def test_the_audit_only_fields_are_on_the_optional_sheet_explained_in_plain_words(
    tmp_path: Path,
) -> None:
    book = template_book(tmp_path)
    on_forms = {
        row[0].value for name in ("基本信息", "自评结论") for row in book[name].iter_rows(min_row=2)
    }
    assert not on_forms & set(AUDIT_LABELS)  # not on the sheets a clerk fills
    optional = book[OPTIONAL_SHEET]
    note = [optional.cell(row=r, column=1).value for r in range(1, len(OPTIONAL_NOTE_LINES) + 1)]
    assert "".join(note) == OPTIONAL_NOTE
    assert "只在审核已发布的报告时填写，可留空" in OPTIONAL_NOTE
    assert not optional.merged_cells.ranges  # every cell stays one a person can type in
    form_header = header_row(book, OPTIONAL_SHEET, "项目")
    labels = [row[0].value for row in optional.iter_rows(min_row=form_header + 1)]
    assert labels[: len(AUDIT_LABELS)] == AUDIT_LABELS
    assert [c.value for c in optional[header_row(book, OPTIONAL_SHEET, "数据编号")]] == [
        "数据编号",
        "声明值",
        "出处",
    ]
    readme = " ".join(str(c.value) for row in book[README_SHEET].iter_rows() for c in row)
    assert "“声明数”表选填，只在审核已发布的报告时填写，可留空" in readme


def _old_layout(book: openpyxl.Workbook, sheet: str, label: str, value: object) -> str:
    """A row appended to a form as workbooks of the earlier layout had it; its 值 cell."""
    ws = book[sheet]
    row = ws.max_row + 1
    ws.cell(row=row, column=1, value=label)
    ws.cell(row=row, column=2, value=value)
    return f"{sheet}!B{row}"


#: (case, value on 基本信息/自评结论 as the earlier layout had it, value on 声明数,
#:  the value read, or the message of the error naming both cells)
BOTH_PLACES: list[tuple[str, object, object, object]] = [
    ("earlier place only", 11, None, 11),
    ("new place only", None, 11, 11),
    ("both, equal", 11, 11, 11),
    ("both, equal as typed differently", 11, "11", 11),
    ("both, different", 11, 12, "“预算单位数量（声明）”填了两处且不一致"),
    ("earlier place blank", "", 12, 12),
    ("new place blank", 11, "", 11),
]


@pytest.mark.parametrize(
    ("case", "old", "new", "expected"), BOTH_PLACES, ids=[c[0] for c in BOTH_PLACES]
)
def test_a_stated_count_is_read_from_either_place_and_both_must_agree(
    tmp_path: Path, case: str, old: object, new: object, expected: object
) -> None:
    book = template_book(tmp_path)
    old_cell = _old_layout(book, "基本信息", "预算单位数量（声明）", old) if old is not None else ""
    new_cell = (
        set_field(book, OPTIONAL_SHEET, "预算单位数量（声明）", new) if new is not None else ""
    )
    path = save(book, tmp_path / "stated.xlsx")
    if isinstance(expected, int):
        assert load_dataset(path).profile.stated_unit_count == expected
        return
    with pytest.raises(DatasetError) as info:
        load_dataset(path)
    (error,) = info.value.errors
    assert error.location == new_cell
    assert str(expected) in error.message
    assert f"{old_cell} 为“11”" in error.message and f"{new_cell} 为“12”" in error.message


#: Every audit-only field, given in the earlier place, the new place, or both.
AUDIT_VALUES: dict[str, tuple[str, str, object, object]] = {
    "stated_unit_count": ("基本信息", "预算单位数量（声明）", 11, 11),
    "stated_admin_units": ("基本信息", "行政单位数（声明）", 2, 2),
    "stated_institution_units": ("基本信息", "事业单位数（声明）", 9, 9),
    "stated_total": ("自评结论", "自评总分（声明）", 90.5, Decimal("90.5")),
    "stated_grade": ("自评结论", "自评等级（声明）", "优秀", "优秀"),
    "stated_full_marks": (
        "自评结论",
        "自评结论所列满分项",
        "预算编制、信息公开",
        "预算编制、信息公开",
    ),
    "stated_deducted": ("自评结论", "自评结论所列扣分项", "资产管理", "资产管理"),
}


@pytest.mark.parametrize("place", ["earlier", "new", "both"])
def test_every_audit_only_field_reads_from_either_place(tmp_path: Path, place: str) -> None:
    assert set(AUDIT_VALUES) == {c.key for _, c in audit_fields()}
    book = template_book(tmp_path)
    for sheet, label, typed, _ in AUDIT_VALUES.values():
        if place in ("earlier", "both"):
            _old_layout(book, sheet, label, typed)
        if place in ("new", "both"):
            set_field(book, OPTIONAL_SHEET, label, typed)
    dataset = load_dataset(save(book, tmp_path / "audit.xlsx"))
    read = {**vars(dataset.profile), **vars(dataset.self_evaluation)}
    assert {key: read[key] for key in AUDIT_VALUES} == {
        key: value for key, (_, _, _, value) in AUDIT_VALUES.items()
    }


def test_a_conflict_in_two_fields_is_reported_for_each_and_nothing_loads(tmp_path: Path) -> None:
    book = template_book(tmp_path)
    _old_layout(book, "自评结论", "自评总分（声明）", 90)
    _old_layout(book, "自评结论", "自评等级（声明）", "良好")
    set_field(book, OPTIONAL_SHEET, "自评总分（声明）", 91)
    set_field(book, OPTIONAL_SHEET, "自评等级（声明）", "优秀")
    with pytest.raises(DatasetError) as info:
        load_dataset(save(book, tmp_path / "two.xlsx"))
    assert [e.message.split("填了两处")[0] for e in info.value.errors] == [
        "“自评总分（声明）”",
        "“自评等级（声明）”",
    ]


def test_an_unknown_label_on_the_optional_sheet_is_named_at_its_cell(tmp_path: Path) -> None:
    book = template_book(tmp_path)
    row = header_row(book, OPTIONAL_SHEET, "项目") + 1
    book[OPTIONAL_SHEET][f"A{row}"] = "部门名称"  # a 基本信息 field, not an audit one
    book[OPTIONAL_SHEET][f"B{row}"] = "某部门"
    with pytest.raises(DatasetError) as info:
        load_dataset(save(book, tmp_path / "unknown.xlsx"))
    (error,) = info.value.errors
    assert error.location == f"{OPTIONAL_SHEET}!A{row}"
    assert error.message.startswith("“声明数”中没有“部门名称”这一项")


def test_the_earlier_layout_round_trips_to_the_new_one(tmp_path: Path) -> None:
    """A workbook of the earlier layout (fields on 基本信息/自评结论, the 声明数 table alone
    on its sheet) reads to the same dataset; written again, the fields move to 声明数."""
    book = template_book(tmp_path)
    ws = book[OPTIONAL_SHEET]
    ws.delete_rows(1, header_row(book, OPTIONAL_SHEET, "数据编号") - 1)  # the table alone
    for sheet, label, typed, _ in AUDIT_VALUES.values():
        _old_layout(book, sheet, label, typed)
    add_rows(book, OPTIONAL_SHEET, {"数据编号": "units.count", "声明值": 11, "出处": "封面"})
    old = load_dataset(save(book, tmp_path / "old.xlsx"))
    assert old.stated[0].loc == f"{OPTIONAL_SHEET}!A2"
    assert old.profile.stated_unit_count == 11
    write_workbook(old, tmp_path / "new.xlsx")
    new_book = openpyxl.load_workbook(tmp_path / "new.xlsx")
    assert "预算单位数量（声明）" not in {r[0].value for r in new_book["基本信息"].iter_rows()}
    assert load_dataset(tmp_path / "new.xlsx") == old
