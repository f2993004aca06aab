"""Limits before reading and text Office can hold (issue 16): each case used to abort the
process, exhaust memory or load silently; now it is one Chinese message naming its place."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from workbooks import add_rows, save, template_book

from jixiao.dataset.build import DatasetError
from jixiao.io.formats import load_dataset, read_dataset
from jixiao.io.limits import ReadLimits


def _problems(path: Path) -> list[tuple[str, str]]:
    with pytest.raises(DatasetError) as info:
        load_dataset(path)
    return [(e.location, e.message) for e in info.value.errors]


def test_one_value_at_the_last_cell_is_refused_before_the_reader_allocates(tmp_path: Path) -> None:
    book = template_book(tmp_path)
    helper = book.create_sheet("辅助")
    helper["A1"], helper["XFD1048576"] = "起点", "终点"  # 17 billion cells of used range
    [(place, message)] = _problems(save(book, tmp_path / "far.xlsx"))
    assert place == "辅助"
    assert "使用区域有 17,179,869,184 个单元格" in message and "请删除远处无用的单元格" in message


def test_a_zip_bomb_is_refused_from_the_zip_directory(tmp_path: Path) -> None:
    source = save(template_book(tmp_path), tmp_path / "t.xlsx")
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(source) as book, zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as out:
        for info in book.infolist():
            out.writestr(info, book.read(info))
        # 300 MB of one repeated string compresses to about 300 KB
        out.writestr("xl/sharedStrings.xml", b"<sst>" + b"<si><t>a</t></si>" * 20_000_000)
    [(place, message)] = _problems(bomb)
    assert place == str(bomb)
    assert "超过单个部件上限 256 MB" in message and "压缩炸弹" in message


def test_a_part_larger_than_it_declares_is_caught_by_its_checksum(tmp_path: Path) -> None:
    source = save(template_book(tmp_path), tmp_path / "t.xlsx")
    data = bytearray(source.read_bytes())
    # Tamper with the declared size of sheet1 in the central directory (claims 10 bytes).
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as book:
        info = book.getinfo("xl/worksheets/sheet1.xml")
    needle = info.file_size.to_bytes(4, "little")
    where = bytes(data).rfind(needle)
    data[where : where + 4] = (10).to_bytes(4, "little")
    with pytest.raises(DatasetError, match="不是有效的 Excel 工作簿"):
        read_dataset(bytes(data), "t.xlsx")


def test_the_limits_are_the_callers_to_choose(tmp_path: Path, example_xlsx: Path) -> None:
    tight = ReadLimits(sheet_cells=100)
    with pytest.raises(DatasetError, match="超过上限 100"):
        read_dataset(example_xlsx.read_bytes(), "a.xlsx", limits=tight)
    with pytest.raises(DatasetError, match="超出可读取的上限"):
        read_dataset(example_xlsx.read_bytes(), "a.xlsx", limits=ReadLimits(file_bytes=1000))


def test_yaml_aliases_that_repeat_too_much_are_refused() -> None:
    text = "units: &u\n" + "".join(
        f"  - {{code: '{i}', name: 单位{i}, kind: 行政机关}}\n" for i in range(100)
    )
    text += "".join(f"income{i}: *u\n" for i in range(3))  # unknown tables, still walked
    bomb = (
        "a: &a ["
        + ", ".join(["x"] * 1000)
        + "]\n"
        + "".join(f"b{i}: &b{i} [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n" for i in range(20))
    )
    with pytest.raises(DatasetError) as info:
        read_dataset(
            (bomb + "goals: [*b0, *b1, *b2, *b3, *b4, *b5, *b6, *b7, *b8, *b9]\n").encode(),
            "a.yaml",
        )
    assert any("YAML 别名（*名称）重复引用的内容过多" in e.message for e in info.value.errors)


def test_a_text_form_with_too_many_values_is_refused_before_parsing() -> None:
    text = "units: [" + ",".join(["x"] * 2000) + "]\n"
    with pytest.raises(DatasetError, match="超过上限 1,000"):
        read_dataset(text.encode(), "a.yaml", limits=ReadLimits(yaml_values=1000))


@pytest.mark.parametrize(
    ("character", "named"),
    [
        ("\x0b", "U+000B（垂直制表符，常见于从 Word 粘贴的文字）"),
        ("\x01", "U+0001（控制字符）"),
    ],
)
def test_characters_word_and_excel_cannot_hold_are_refused_at_load(
    tmp_path: Path, character: str, named: str
) -> None:
    book = template_book(tmp_path)
    escaped = f"甲_x{ord(character):04X}_乙"  # how Excel stores a character XML cannot hold
    add_rows(book, "预算单位", {"预算编码": "1", "单位名称": escaped, "单位性质": "行政机关"})
    path = save(book, tmp_path / "c.xlsx")
    [(place, message)] = _problems(path)
    assert place == "预算单位!B2"
    assert f"“单位名称”含有无法保存到 Word/Excel 的字符 {named}" in message


def test_a_lone_surrogate_in_the_text_form_is_refused_with_its_line() -> None:
    text = 'profile:\n  department_name: "甲\\ud800乙"\n'
    with pytest.raises(DatasetError) as info:
        read_dataset(text.encode(), "a.yaml")
    [error] = info.value.errors
    assert error.location == "a.yaml:2" and "不成对的 UTF-16 代理字符" in error.message


def test_a_noncharacter_in_the_text_form_is_refused() -> None:
    text = 'profile:\n  department_name: "甲\\ufffe乙"\n'
    with pytest.raises(DatasetError, match="U\\+FFFE（非字符）"):
        read_dataset(text.encode(), "a.yaml")


def test_invisible_characters_are_shown_escaped(tmp_path: Path) -> None:
    text = 'income: [{item: "事业收入\u200b", final: 1}]\n'
    with pytest.raises(DatasetError) as info:
        read_dataset(text.encode(), "a.yaml")
    assert "事业收入⟨U+200B⟩" in info.value.errors[0].message


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600 + "Workbook".encode("utf-16-le"),
            "a.xls",
            "另存为",
        ),
        (
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
            + b"\0" * 600
            + "EncryptedPackage".encode("utf-16-le"),
            "a.xlsx",
            "工作簿已加密",
        ),
        ("部门名称".encode("gbk") + b": x\n", "a.yaml", "GBK"),
    ],
)
def test_files_of_another_kind_say_what_to_do(data: bytes, name: str, message: str) -> None:
    with pytest.raises(DatasetError, match=message):
        read_dataset(data, name)


def test_problems_past_the_cap_are_counted_not_kept(tmp_path: Path) -> None:
    """A million bad cells used to take 3.2 GB and never print: the first
    KEPT_PROBLEMS are kept with their places, the rest only counted."""
    from typer.testing import CliRunner

    from jixiao.cli import app
    from jixiao.dataset.build import KEPT_PROBLEMS

    book = template_book(tmp_path)
    rows = [{"收入项目": f"不存在的收入{n}", "决算数": f"x{n}"} for n in range(KEPT_PROBLEMS)]
    add_rows(book, "收入", *rows)
    path = save(book, tmp_path / "many.xlsx")
    with pytest.raises(DatasetError) as info:
        load_dataset(path)
    error = info.value
    assert error.total == 2 * KEPT_PROBLEMS
    assert len(error.errors) == KEPT_PROBLEMS
    assert error.errors[0].location.startswith("收入!") and error.errors[0].location.endswith("2")
    result = CliRunner().invoke(app, ["check", str(path)])
    assert result.exit_code == 2
    assert f"共 {2 * KEPT_PROBLEMS:,} 处问题" in result.output
    assert f"另有 {2 * KEPT_PROBLEMS - 200:,} 项问题未列出" in result.output
