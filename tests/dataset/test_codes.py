"""The shipped classification code lists (``jixiao/data/codes/*.csv``)."""

from __future__ import annotations

import csv
from importlib import resources

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jixiao.dataset.codes import CODE_LISTS, Code, load_codes

# Every code the seed report (广东省科学技术厅 2023) uses, with the name it prints.
SEED_CODES = [
    ("function", "201", "一般公共服务支出"),
    ("function", "206", "科学技术支出"),
    ("function", "207", "文化旅游体育与传媒支出"),
    ("function", "208", "社会保障和就业支出"),
    ("economic", "302", "商品和服务支出"),
    ("economic", "30227", "委托业务费"),
    ("economic", "30299", "其他商品和服务支出"),
]

# Codes most department reports use, with their official names.
COMMON_CODES = [
    ("function", "20601", "科学技术管理事务"),
    ("function", "2060101", "行政运行"),
    ("function", "20602", "基础研究"),
    ("function", "2060203", "自然科学基金"),
    ("function", "20603", "应用研究"),
    ("function", "2060302", "社会公益研究"),
    ("function", "20604", "技术研究与开发"),
    ("function", "2060404", "科技成果转化与扩散"),
    ("function", "20605", "科技条件与服务"),
    ("function", "2060503", "科技条件专项"),
    ("function", "20607", "科学技术普及"),
    ("function", "2060705", "科技馆站"),
    ("function", "20609", "科技重大项目"),
    ("function", "2060902", "重点研发计划"),
    ("function", "2069901", "科技奖励"),
    ("function", "20101", "人大事务"),
    ("function", "2010101", "行政运行"),
    ("function", "2010350", "事业运行"),
    ("function", "20805", "行政事业单位养老支出"),
    ("function", "2080505", "机关事业单位基本养老保险缴费支出"),
    ("function", "2080506", "机关事业单位职业年金缴费支出"),
    ("function", "20808", "抚恤"),
    ("function", "2080801", "死亡抚恤"),
    ("function", "21011", "行政事业单位医疗"),
    ("function", "2101101", "行政单位医疗"),
    ("function", "2101102", "事业单位医疗"),
    ("function", "22102", "住房改革支出"),
    ("function", "2210201", "住房公积金"),
    ("function", "2210202", "提租补贴"),
    ("function", "2210203", "购房补贴"),
    ("economic", "301", "工资福利支出"),
    ("economic", "30101", "基本工资"),
    ("economic", "30212", "因公出国（境）费用"),
    ("economic", "30217", "公务接待费"),
    ("economic", "30231", "公务用车运行维护费"),
    ("economic", "303", "对个人和家庭的补助"),
    ("economic", "30302", "退休费"),
    ("economic", "310", "资本性支出"),
    ("economic", "31013", "公务用车购置"),
    ("economic", "399", "其他支出"),
]

# 支出功能分类 类 of the 2023 政府收支分类科目 (一般公共预算, 政府性基金, 国有资本经营, 社保基金).
FUNCTION_CLASSES = [
    ("201", "一般公共服务支出"),
    ("202", "外交支出"),
    ("203", "国防支出"),
    ("204", "公共安全支出"),
    ("205", "教育支出"),
    ("206", "科学技术支出"),
    ("207", "文化旅游体育与传媒支出"),
    ("208", "社会保障和就业支出"),
    ("209", "社会保险基金支出"),
    ("210", "卫生健康支出"),
    ("211", "节能环保支出"),
    ("212", "城乡社区支出"),
    ("213", "农林水支出"),
    ("214", "交通运输支出"),
    ("215", "资源勘探工业信息等支出"),
    ("216", "商业服务业等支出"),
    ("217", "金融支出"),
    ("219", "援助其他地区支出"),
    ("220", "自然资源海洋气象等支出"),
    ("221", "住房保障支出"),
    ("222", "粮油物资储备支出"),
    ("223", "国有资本经营预算支出"),
    ("224", "灾害防治及应急管理支出"),
    ("227", "预备费"),
    ("229", "其他支出"),
    ("230", "转移性支出"),
    ("231", "债务还本支出"),
    ("232", "债务付息支出"),
    ("233", "债务发行费用支出"),
]

ECONOMIC_CLASSES = [
    ("301", "工资福利支出"),
    ("302", "商品和服务支出"),
    ("303", "对个人和家庭的补助"),
    ("307", "债务利息及费用支出"),
    ("309", "资本性支出（基本建设）"),
    ("310", "资本性支出"),
    ("311", "对企业补助（基本建设）"),
    ("312", "对企业补助"),
    ("313", "对社会保障基金补助"),
    ("399", "其他支出"),
]


def _raw_codes(name: str) -> list[str]:
    text = resources.files("jixiao.data").joinpath(f"codes/{name}.csv").read_text("utf-8")
    return [row["code"] for row in csv.DictReader(text.splitlines())]


@pytest.mark.parametrize(("codes", "code", "name"), SEED_CODES + COMMON_CODES)
def test_it_knows_the_code_and_its_official_name(codes: str, code: str, name: str) -> None:
    assert load_codes(codes).name_of(code) == name


@pytest.mark.parametrize(("code", "name"), FUNCTION_CLASSES)
def test_it_lists_every_function_class(code: str, name: str) -> None:
    entry = load_codes("function").by_code[code]
    assert (entry.name, entry.parent) == (name, "")


def test_it_has_no_function_class_outside_the_official_list() -> None:
    tops = [c.code for c in load_codes("function").codes if not c.parent]
    assert tops == [code for code, _ in FUNCTION_CLASSES]


@pytest.mark.parametrize(("code", "name"), ECONOMIC_CLASSES)
def test_it_lists_every_economic_class(code: str, name: str) -> None:
    entry = load_codes("economic").by_code[code]
    assert (entry.name, entry.parent) == (name, "")


@pytest.mark.parametrize("code", [c for c, _ in FUNCTION_CLASSES if c != "227"])
def test_it_gives_every_function_class_its_kuan(code: str) -> None:
    # 227 预备费 has no 款; every other 类 has at least one, ending with 99 其他 where the list has one.
    assert load_codes("function").children_of(code)


@pytest.mark.parametrize("code", [c for c, _ in ECONOMIC_CLASSES])
def test_it_gives_every_economic_class_its_kuan(code: str) -> None:
    assert load_codes("economic").children_of(code)


@pytest.mark.parametrize("name", ["function", "economic"])
def test_it_gives_every_child_an_existing_parent(name: str) -> None:
    codes = load_codes(name)
    orphans = [c.code for c in codes.codes if c.parent and c.parent not in codes]
    assert orphans == []


@pytest.mark.parametrize("name", ["function", "economic"])
def test_it_uses_the_three_five_seven_digit_coding_rule(name: str) -> None:
    lengths = {len(c.code) for c in load_codes(name).codes}
    assert all(c.isdigit() for c in _raw_codes(name))
    assert lengths <= {3, 5, 7}


@pytest.mark.parametrize("name", CODE_LISTS)
def test_it_has_no_duplicate_codes(name: str) -> None:
    raw = _raw_codes(name)
    assert len(raw) == len(set(raw))


@pytest.mark.parametrize("name", CODE_LISTS)
def test_it_gives_every_code_a_name(name: str) -> None:
    assert all(c.name for c in load_codes(name).codes)


@pytest.mark.parametrize("name", ["function", "economic"])
def test_it_lists_each_child_after_its_parent(name: str) -> None:
    # The workbook's dropdowns show the file order, so a 款 must follow its 类.
    seen: set[str] = set()
    for entry in load_codes(name).codes:
        assert not entry.parent or entry.parent in seen, entry.code
        seen.add(entry.code)


def test_it_files_the_seed_codes_under_the_right_class() -> None:
    economic = load_codes("economic")
    assert economic.parent_of("30227") == "302"
    assert economic.parent_of("30299") == "302"
    assert load_codes("function").root_of("2060101") == "206"


@given(st.sampled_from(load_codes("function").codes + load_codes("economic").codes))
def test_it_places_every_numeric_code_at_the_depth_its_length_says(entry: Code) -> None:
    # 3 digits = 类 (depth 0), 5 = 款 (1), 7 = 项 (2); the root is the 3-digit prefix.
    codes = load_codes("function") if entry.code.startswith("2") else load_codes("economic")
    assert codes.depth(entry.code) == (len(entry.code) - 3) // 2
    assert codes.root_of(entry.code) == entry.code[:3]
