"""Wording as data: phrases fill into runs, overrides replace keys, bad overrides are reported."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from report_fixtures import MINI

from jixiao.cli.files import load_wording_file
from jixiao.dataset.build import DatasetError
from jixiao.io.formats import load_dataset
from jixiao.reports.api import prepare_report
from jixiao.reports.builder import COVER_VALUES
from jixiao.reports.model import Paragraph, Run
from jixiao.reports.wording import COVER_FIELDS, VARIANTS, load_wording, placeholders


def test_a_figure_keeps_its_id_wherever_the_phrase_places_it() -> None:
    wording = load_wording()
    runs = wording.runs(
        "three_public_item",
        name="公务接待费",
        amount=Run("4.46", figure="three_public.final.公务接待费"),
    )
    assert runs == [
        Run("公务接待费支出"),
        Run("4.46", figure="three_public.final.公务接待费"),
        Run("万元"),
    ]


@given(
    name=st.text(min_size=0, max_size=20),
    amount=st.text(min_size=1, max_size=12),
    share=st.text(min_size=1, max_size=8),
)
def test_the_runs_of_a_phrase_read_as_the_formatted_template(
    name: str, amount: str, share: str
) -> None:
    wording = load_wording()
    runs = wording.runs(
        "final_income_item",
        name=name,
        amount=Run(amount, figure="a"),
        detail="",
        share=Run(share, figure="b"),
    )
    template = wording.data["phrases"]["final_income_item"]
    assert "".join(r.text for r in runs) == template.format(
        name=name, amount=amount, detail="", share=share
    )
    assert [r.figure for r in runs if r.figure] == ["a", "b"]


def test_an_override_file_rewords_and_reorders(tmp_path: Path) -> None:
    custom = tmp_path / "wording.yaml"
    custom.write_text(
        "phrases:\n"
        '  final_income: "{year}年度本部门收入决算数合计 {total} 万元，为年初预算的 {ratio}%，具体为：{items}。"\n'
        "outline:\n"
        "  - {id: spending.final, title: 一、决算情况, level: 1}\n"
        "  - {id: evaluation.conclusion, title: 二、自评结论, level: 1}\n",
        "utf-8",
    )
    model, _ = prepare_report(load_dataset(MINI), wording=load_wording_file(custom))
    assert [s.title for s in model.sections] == ["一、决算情况", "二、自评结论"]
    text = "".join(b.text for s in model.sections for b in s.blocks if isinstance(b, Paragraph))
    assert "2023年度本部门收入决算数合计 1,350.00 万元，为年初预算的 112.50%，具体为：" in text


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('phrases:\n  final_income: "合计 {total} 万元"\n', "占位符与默认措辞不一致"),
        ('phrases:\n  no_such_phrase: "x"\n', "未知的措辞项"),
        ("outline:\n  - {id: basic}\n", "大纲每项应有 id、title、level"),
        ("cover_fields: [department, seal]\n", "未知的封面项：seal"),
        ("- 不是映射\n", "措辞文件顶层应为映射"),
        ("phrases: [\n", "YAML 格式错误"),
    ],
)
def test_a_bad_override_is_reported_with_its_place(
    tmp_path: Path, content: str, message: str
) -> None:
    custom = tmp_path / "wording.yaml"
    custom.write_text(content, "utf-8")
    with pytest.raises(DatasetError) as info:
        load_wording_file(custom)
    assert any(
        message in e.message and e.location.startswith(str(custom)) for e in info.value.errors
    )


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_a_shipped_variant_keeps_every_phrases_placeholders(variant: str) -> None:
    department, varied = load_wording(), load_wording(variant=variant)
    for key, template in varied.data["phrases"].items():
        assert placeholders(template) == placeholders(department.data["phrases"][key]), key
    assert set(varied.data["cover_fields"]) <= set(COVER_FIELDS)


def test_the_unit_wording_says_unit_where_the_department_says_department() -> None:
    unit = load_wording(variant="unit")
    assert unit.text("cover", "department") == "单位名称（公章）"
    assert "unit_count" not in unit.data["cover_fields"]
    assert "单位整体支出绩效自评报告" in unit.data["title"]
    assert not [k for k, v in unit.data["phrases"].items() if "本部门" in v]


def test_an_override_file_lays_over_the_unit_wording(tmp_path: Path) -> None:
    custom = tmp_path / "wording.yaml"
    custom.write_text('title: "{year}年度单位自评报告（送审稿）"\n', "utf-8")
    wording = load_wording_file(custom, variant="unit")
    assert wording.data["title"] == "{year}年度单位自评报告（送审稿）"
    assert wording.text("cover", "department") == "单位名称（公章）"


def test_every_cover_field_has_a_value_in_the_builder() -> None:
    assert set(COVER_VALUES) == set(COVER_FIELDS)
