"""The core indicator library: shipped data, name lookup, YAML/CSV/Excel with error places."""

from __future__ import annotations

from pathlib import Path

import pytest

from jixiao.cli.files import load_history_dir
from jixiao.dataset.build import DatasetError
from jixiao.monitoring.excel import read_library_xlsx, write_library_xlsx
from jixiao.monitoring.library import (
    IndicatorLibrary,
    read_library_text,
    shipped_library,
)


def test_the_starter_library_covers_every_common_category() -> None:
    library = shipped_library()
    categories = {(d.level1, d.level2) for d in library.indicators}
    for level2 in ("数量指标", "质量指标", "时效指标", "成本指标"):
        assert ("产出指标", level2) in categories
    for level2 in ("经济效益指标", "社会效益指标", "生态效益指标", "可持续影响指标"):
        assert ("效益指标", level2) in categories
    assert ("满意度指标", "服务对象满意度指标") in categories


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("新增上市科技型企业数", "KJ-BM-02"),
        ("建设新型研发机构（高水平创新研究院）数", "KJ-BM-01"),
        ("引进和培养各类高层次人才数（不含省重大人才工程）", "KJ-BM-03"),
        ("支持国际和粤港澳科技合作项目数", "KJ-BM-04"),
        ("当年评审科技奖励项目数", "KJ-BM-05"),
        ("乡村振兴科技服务次数", "KJ-BM-06"),
        ("培训人员满意度", "GX-MY-01"),
        ("不存在的指标", ""),
    ],
)
def test_names_and_aliases_resolve_to_codes(name: str, code: str) -> None:
    assert shipped_library().code_for_name(name) == code


def test_bad_library_rows_are_reported_together_with_their_lines() -> None:
    text = """format: jixiao-indicator-library/1
indicators:
  - code: A
    name: 甲
    level1: 产出
    level2: 数量指标
    sign: ">="
  - code: A
    name: 乙
    level1: 效益指标
    level2: 社会效益指标
    sign: "≥"
    expected: 很多
"""
    with pytest.raises(DatasetError) as info:
        read_library_text(text, "lib.yaml")
    messages = [str(e) for e in info.value.errors]
    assert any(m.startswith("lib.yaml:5") and "“产出”不是有效的一级指标" in m for m in messages)
    assert any(m.startswith("lib.yaml:13") and "“很多”不是有效数值" in m for m in messages)
    assert any(m.startswith("lib.yaml:8") and "指标编码“A”重复" in m for m in messages)


def test_history_csv_errors_name_file_and_line(tmp_path: Path) -> None:
    (tmp_path / "history.csv").write_text(
        "# 注释\n指标编码,年度,主体,完成值\nKJ-BM-01,二〇二二,测试,100\n", "utf-8"
    )
    with pytest.raises(DatasetError) as info:
        load_history_dir(tmp_path)
    assert any(
        e.location.startswith(f"{tmp_path / 'history.csv'}:3") and "年度" in e.message
        for e in info.value.errors
    )


def test_a_missing_history_folder_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(DatasetError):
        load_history_dir(tmp_path / "nowhere")


def test_the_library_round_trips_through_excel(
    library_with_history: IndicatorLibrary, tmp_path: Path
) -> None:
    path = tmp_path / "library.xlsx"
    write_library_xlsx(library_with_history, path)
    back = read_library_xlsx(path.read_bytes(), str(path))
    assert back.indicators == library_with_history.indicators
    assert back.history == library_with_history.history
    assert back.allocations == library_with_history.allocations


def test_a_workbook_without_the_library_sheet_is_refused(tmp_path: Path) -> None:
    from openpyxl import Workbook

    path = tmp_path / "other.xlsx"
    Workbook().save(path)
    with pytest.raises(DatasetError) as info:
        read_library_xlsx(path.read_bytes(), str(path))
    assert "缺少“指标库”工作表" in str(info.value)
