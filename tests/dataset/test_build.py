"""Loading raw cells: types, units, codes, references — all errors at once, with places."""

from __future__ import annotations

from decimal import Decimal

import pytest

from jixiao.dataset.build import DatasetError, RawCell, RawTable, build_dataset


def _table(sheet: str, *rows: dict[str, object]) -> RawTable:
    table = RawTable(loc=sheet)
    for i, row in enumerate(rows, start=2):
        table.rows.append(
            (f"{sheet}!A{i}", {k: RawCell(v, f"{sheet}!{k}{i}") for k, v in row.items()})
        )
    return table


def test_it_normalises_yuan_to_wan() -> None:
    raw = {
        "profile": {"amount_unit": RawCell("元", "基本信息!B7")},
        "income": _table(
            "收入", {"item": "事业收入", "budget": "122,687,000.00", "final": 120216000}
        ),
    }
    dataset = build_dataset(raw)
    assert dataset.income[0].budget == Decimal("12268.70")
    assert dataset.income[0].final == Decimal("12021.6")


@pytest.mark.parametrize(
    ("cell", "message"),
    [
        ({"item": "事业收入", "final": "12,0216"}, "“12,0216”不是有效金额"),
        ({"item": "事业收入", "final": -1}, "决算数不能为负数"),
        ({"item": "事业收入", "final": -5.0}, "“-5”：决算数不能为负数"),  # a workbook's float
        ({"item": "事业收入", "final": 1e30}, "“1e+30”超出可处理的范围"),
        ({"item": "财政收入"}, "“财政收入”不是有效的收入项目"),
        ({"item": "事业收入", "unit": "999"}, "单位编码“999”不在“预算单位”表中"),
    ],
)
def test_it_names_the_place_of_each_error(cell: dict[str, object], message: str) -> None:
    with pytest.raises(DatasetError) as info:
        build_dataset({"income": _table("收入", cell)})
    assert any(message in str(e) and e.location.startswith("收入!") for e in info.value.errors)


def test_it_reports_all_errors_at_once() -> None:
    raw = {
        "units": _table(
            "预算单位",
            {"code": "163001", "name": "甲", "kind": "行政机关"},
            {"code": "163001", "name": "乙", "kind": "公益九类"},
        ),
        "income": _table("收入", {"item": "事业收入", "final": "abc"}),
    }
    with pytest.raises(DatasetError) as info:
        build_dataset(raw)
    messages = [str(e) for e in info.value.errors]
    assert len(messages) == 3, messages
    assert any("预算编码重复" in m and "预算单位!A2" in m for m in messages)


def test_key_task_plan_carries_down_like_merged_cells() -> None:
    raw = {"key_tasks": _table("重点工作", {"plan": "甲计划", "task": "任务1"}, {"task": "任务2"})}
    tasks = build_dataset(raw).key_tasks
    assert [t.plan for t in tasks] == ["甲计划", "甲计划"]


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        (50.0, "50"),  # a workbook keeps 50 as the float 50.0: no decimals are implied
        (94.1, "94.1"),
        (-0.0, "0"),
        ("-0.00", "0.00"),
        ("１２３.４", "123.4"),
    ],
)
def test_a_number_cell_keeps_only_the_decimals_it_has(cell: object, expected: str) -> None:
    dataset = build_dataset(
        {"scores": _table("自评评分", {"code": "1", "name": "甲", "score": cell})}
    )
    score = dataset.scores[0].score
    assert score is not None and str(score) == expected


def test_money_has_its_cents_whichever_way_it_was_entered() -> None:
    # A workbook gives 2000.00 as 2000 and 12268.70 as 12268.7; the text form as typed.
    raw = {
        "income": _table(
            "收入",
            {"item": "经营收入", "budget": 2000.0, "final": "2000", "prior": "3897.123"},
            {"item": "事业收入", "budget": 12268.7, "final": "12268.70"},
        )
    }
    rows = build_dataset(raw).income
    assert [str(rows[0].budget), str(rows[0].final), str(rows[0].prior)] == [
        "2000.00",
        "2000.00",
        "3897.123",  # finer than cents stays exact
    ]
    assert str(rows[1].budget) == str(rows[1].final) == "12268.70"


@pytest.mark.parametrize(("year", "ok"), [(2023, True), (2100, True), (10235, False), (0, False)])
def test_a_year_is_four_digits(year: int, ok: bool) -> None:
    # 10235 used to load and crash the main job when it made the 整改 deadline (year + 1).
    raw = {"profile": {"year": RawCell(year, "基本信息!B3")}}
    if ok:
        assert build_dataset(raw).profile.year == year
        return
    with pytest.raises(DatasetError) as info:
        build_dataset(raw)
    assert (
        str(info.value.errors[0]) == f"基本信息!B3: “{year}”不是有效的年度（应为四位年份，如 2023）"
    )
