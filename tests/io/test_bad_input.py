"""Bad workbooks: each kind of mistake gets its place (sheet!cell) and a Chinese message."""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest
from openpyxl.workbook import Workbook
from workbooks import add_rows, save, set_field, template_book

from jixiao.dataset.build import DatasetError
from jixiao.dataset.model import TABLES_BY_KEY
from jixiao.io.formats import load_dataset


def _base(tmp_path: Path) -> Workbook:
    """A valid workbook: two units, two income lines (收入 rows 2 and 3)."""
    book = template_book(tmp_path)
    set_field(book, "基本信息", "部门名称", "广东省科学技术厅")
    set_field(book, "基本信息", "年度", 2023)
    add_rows(
        book,
        "预算单位",
        {"预算编码": "163001", "单位名称": "本级", "单位性质": "行政机关"},
        {"预算编码": "163002", "单位名称": "广东省科学院", "单位性质": "公益二类"},
    )
    add_rows(
        book,
        "收入",
        {"收入项目": "事业收入", "年初预算数": 12268.7, "决算数": 12021.6},
        {"单位编码": "163001", "收入项目": "财政拨款收入", "决算数": "592,519.16"},
    )
    return book


def test_the_base_workbook_is_valid(tmp_path: Path) -> None:
    dataset = load_dataset(save(_base(tmp_path), tmp_path / "base.xlsx"))
    assert len(dataset.units) == 2 and len(dataset.income) == 2


def _set(sheet: str, cell: str, value: object) -> Callable[[Workbook], None]:
    def mutate(book: Workbook) -> None:
        book[sheet][cell] = value

    return mutate


def _rename(old: str, new: str) -> Callable[[Workbook], None]:
    def mutate(book: Workbook) -> None:
        book[old].title = new

    return mutate


def _headers(sheet: str, *values: object) -> Callable[[Workbook], None]:
    def mutate(book: Workbook) -> None:
        for column, value in enumerate(values, start=1):
            book[sheet].cell(row=1, column=column, value=value)

    return mutate


def _form_row(label: str, value: object) -> Callable[[Workbook], None]:
    def mutate(book: Workbook) -> None:
        book["基本信息"].append([label, value])

    return mutate


#: header, then one row per field (the audit-only ones are on 声明数)
_NEXT_FORM_ROW = sum(not c.audit for c in TABLES_BY_KEY["profile"].columns) + 2

# (case, change to the valid workbook, location, fragment of the message)
WORKBOOK_CASES: list[tuple[str, Callable[[Workbook], None], str, str]] = [
    ("unknown sheet", _rename("收入", "收人"), "收人", "未知的工作表“收人”（是否应为“收入”？）"),
    ("missing required column", _set("收入", "B1", None), "收入!A1", "缺少必填列“收入项目”"),
    (
        "no header row",
        _headers("预算单位", "编号", "名字", "类型", "附注"),
        "预算单位!A1",
        "找不到表头：第 1 行应为列名（预算编码、单位名称、单位性质、备注）",
    ),
    ("unknown header", _set("收入", "H1", "备注栏"), "收入!H1", "未知的列“备注栏”"),
    ("repeated header", _set("收入", "H1", "决算数"), "收入!H1", "列“决算数”重复（已在 收入!E1）"),
    ("data without a header", _set("收入", "J3", "x"), "收入!J3", "“x”所在的列没有列名"),
    (
        "text in a number cell",
        _set("收入", "E2", "12,0216"),
        "收入!E2",
        "“12,0216”不是有效金额（决算数应为数字",
    ),
    ("words in a number cell", _set("收入", "C3", "约五百万"), "收入!C3", "“约五百万”不是有效金额"),
    ("negative amount", _set("收入", "E2", -5), "收入!E2", "决算数不能为负数"),
    ("unknown code", _set("收入", "B2", "财政收入"), "收入!B2", "“财政收入”不是有效的收入项目"),
    ("required cell blank", _set("收入", "B3", None), "收入!B3", "“收入项目”必填，不能为空"),
    (
        "duplicate unit",
        _set("预算单位", "A3", "163001"),
        "预算单位!A3",
        "预算编码重复：“163001”已在 预算单位!A2 出现",
    ),
    ("unknown unit", _set("收入", "A3", "999999"), "收入!A3", "单位编码“999999”不在“预算单位”表中"),
    (
        "bad choice",
        _set("预算单位", "C3", "公益九类"),
        "预算单位!C3",
        "“公益九类”不是有效的单位性质",
    ),
    ("bad date", _set("基本信息", "B4", "2024-13-45"), "基本信息!B4", "“2024-13-45”不是有效日期"),
    (
        "unknown form item",
        _form_row("部门名字", "甲"),
        f"基本信息!A{_NEXT_FORM_ROW}",
        "“基本信息”中没有“部门名字”这一项（是否应为“部门名称”？）",
    ),
    (
        "repeated form item",
        _form_row("年度", 2024),
        f"基本信息!A{_NEXT_FORM_ROW}",
        "项目“年度”重复（已在 基本信息!A3）",
    ),
    (
        "bad whole number",
        _set("基本信息", "B3", "二〇二三"),
        "基本信息!B3",
        "“二〇二三”不是有效的年度",
    ),
    (
        "bad amount unit",
        _set("基本信息", "B7", "千元"),
        "基本信息!B7",
        "“千元”不是有效的金额单位（应为：万元、元）",
    ),
]


@pytest.mark.parametrize(
    ("mutate", "location", "fragment"),
    [c[1:] for c in WORKBOOK_CASES],
    ids=[c[0] for c in WORKBOOK_CASES],
)
def test_each_mistake_is_reported_at_its_cell(
    tmp_path: Path, mutate: Callable[[Workbook], None], location: str, fragment: str
) -> None:
    book = _base(tmp_path)
    mutate(book)
    with pytest.raises(DatasetError) as info:
        load_dataset(save(book, tmp_path / "bad.xlsx"))
    found = [(e.location, e.message) for e in info.value.errors]
    assert any(loc == location and fragment in message for loc, message in found), found


def test_all_mistakes_are_reported_at_once(tmp_path: Path) -> None:
    book = _base(tmp_path)
    together = {"unknown header", "data without a header", "text in a number cell"}
    together |= {"words in a number cell", "unknown code", "required cell blank", "duplicate unit"}
    for case, mutate, _, _ in WORKBOOK_CASES:
        if case in together:
            mutate(book)
    with pytest.raises(DatasetError) as info:
        load_dataset(save(book, tmp_path / "bad.xlsx"))
    expected = {loc for case, _, loc, _ in WORKBOOK_CASES if case in together}
    assert expected == {e.location for e in info.value.errors}


def _file_cases(tmp_path: Path) -> dict[str, tuple[Path, str]]:
    empty = tmp_path / "empty.xlsx"
    empty.write_bytes(b"")
    text = tmp_path / "notes.xlsx"
    text.write_text("部门名称,年度\n科技厅,2023\n", "utf-8")
    good = save(_base(tmp_path), tmp_path / "good.xlsx")
    truncated = tmp_path / "truncated.xlsx"
    truncated.write_bytes(good.read_bytes()[:2000])
    no_sheets = tmp_path / "other.xlsx"
    other = openpyxl.Workbook()
    other.active.append(["姓名", "电话"])
    other.active.append(["张三", "123"])
    other.save(no_sheets)
    zipped = tmp_path / "zipped.xlsx"
    with zipfile.ZipFile(zipped, "w") as archive:
        archive.writestr("readme.txt", "not a workbook")
    return {
        "empty file": (empty, "文件为空，没有数据"),
        "csv named .xlsx": (text, "不是有效的 Excel 工作簿"),
        "truncated workbook": (truncated, "不是有效的 Excel 工作簿"),
        "a zip that is no workbook": (zipped, "不是有效的 Excel 工作簿"),
        "none of the expected sheets": (no_sheets, "工作簿中没有 jixiao 数据表"),
    }


@pytest.mark.parametrize(
    "case",
    [
        "empty file",
        "csv named .xlsx",
        "truncated workbook",
        "a zip that is no workbook",
        "none of the expected sheets",
    ],
)
def test_files_that_are_not_a_workbook_of_ours(tmp_path: Path, case: str) -> None:
    path, fragment = _file_cases(tmp_path)[case]
    with pytest.raises(DatasetError) as info:
        load_dataset(path)
    found = [(e.location, e.message) for e in info.value.errors]
    assert any(loc == str(path) and fragment in message for loc, message in found), found


def test_an_unknown_sheet_is_named_with_the_known_ones_when_nothing_is_close(
    tmp_path: Path,
) -> None:
    book = _base(tmp_path)
    book.create_sheet("Sheet9").append(["x"])
    with pytest.raises(DatasetError) as info:
        load_dataset(save(book, tmp_path / "extra.xlsx"))
    (error,) = info.value.errors
    assert error.location == "Sheet9" and "可用：基本信息、内设机构" in error.message


def test_empty_unknown_and_hidden_helper_sheets_are_ignored(tmp_path: Path) -> None:
    book = _base(tmp_path)
    book.create_sheet("Sheet1")
    helper = book.create_sheet("辅助计算")
    helper.append([1, 2, 3])
    helper.sheet_state = "hidden"
    del book["支出功能分类"]  # a table left out is simply empty
    dataset = load_dataset(save(book, tmp_path / "extra.xlsx"))
    assert dataset.expenditure_function == ()
