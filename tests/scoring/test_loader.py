"""Framework files: the shipped ones load, and every kind of bad file is reported with file:line."""

from __future__ import annotations

from decimal import Decimal as D
from pathlib import Path

import pytest

from jixiao.cli.files import load_framework_file
from jixiao.scoring import (
    FrameworkError,
    UnknownFramework,
    known_frameworks,
    load_framework,
    parse_framework,
)

SHIPPED = ["gd-dept-2023", "mof-dept-2013", "mof-project-2020", "pefa-2016-sample"]

GOOD = """\
id: tiny
version: "1"
name: 小框架
grade_bands:
  - {grade: 优, min: 90}
  - {grade: 良, min: 80}
  - {grade: 中, min: 60}
  - {grade: 差, min: 0}
items:
  - code: "1"
    name: 预算执行
    points: 60
    rule:
      type: rate_points
      inputs: {rate: "figure:expenditure.final.ratio_to_adjusted"}
  - code: "2"
    name: 运行成本
    points: 40
    rule:
      type: deduction_per_unit
      threshold: 0
      deduction: 0.3
      inputs: {value: "figure:three_public.growth.三公经费合计"}
"""


def test_it_ships_the_four_frameworks() -> None:
    assert known_frameworks() == SHIPPED


@pytest.mark.parametrize("framework_id", SHIPPED)
def test_every_shipped_framework_loads_with_a_source_and_version(framework_id: str) -> None:
    framework = load_framework(framework_id)
    assert framework.id == framework_id
    assert framework.version and framework.name and framework.source
    assert all(node.code for node in framework.walk())


def test_it_loads_a_small_framework_with_national_bands() -> None:
    framework = parse_framework(GOOD, "tiny.yaml")
    assert [n.points for n in framework.items] == [D(60), D(40)]
    assert framework.grade_for(D("89.56")).grade == "良"  # type: ignore[union-attr]
    assert framework.grade_for(D(90)).grade == "优"  # type: ignore[union-attr]
    assert framework.items[1].rule.params["deduction"] == D("0.3")  # type: ignore[union-attr]


def problems(text: str) -> list[str]:
    with pytest.raises(FrameworkError) as caught:
        parse_framework(text, "bad.yaml")
    return [str(e) for e in caught.value.errors]


@pytest.mark.parametrize(
    ("old", "new", "where", "message"),
    [
        ("points: 40", "points: -40", "bad.yaml:18", "不能为负数"),
        ("points: 40", "points: 30", "bad.yaml:1", "下级指标分值合计 90"),
        ("points: 40", "points: 四十", "bad.yaml:18", "不是数字"),
        ("type: rate_points", "type: ratio", "bad.yaml:14", "未知的规则类型“ratio”"),
        ("figure:expenditure", "budget:expenditure", "bad.yaml:15", "未知的数据来源“budget”"),
        ("良, min: 80}", "良, min: 85, max: 95}", "bad.yaml:6", "不衔接，重叠"),
        ("良, min: 80}", "良, min: 80, max: 88}", "bad.yaml:6", "留有空档"),
        ("差, min: 0}", "差, min: 10}", "bad.yaml:8", "应从 0 开始"),
        (
            "良, min: 80}",
            "良, min: 95}",
            "bad.yaml:5",
            "按下限从低到高为 差、中、优、良（应为 差、中、良、优）",
        ),
        ("deduction: 0.3", "deduction: -0.3", "bad.yaml:20", "必须是大于 0 的数"),
        ("threshold: 0", "threshold: 零", "bad.yaml:21", "不是数字"),
        ("points: 40", "points: 1e999", "bad.yaml:18", "超出可处理的范围"),
        (
            "name: 运行成本",
            "name: 运行成本\n    name: 运行",
            "bad.yaml:18",
            "“name”重复出现（第 17 行已有）",
        ),
        ('version: "1"', 'version: "1"\nid: other', "bad.yaml:3", "“id”重复出现（第 1 行已有）"),
        (
            '      inputs: {value: "figure:three_public.growth.三公经费合计"}\n',
            "",
            "bad.yaml:20",
            "缺少输入“value”",
        ),
    ],
)
def test_it_names_the_line_of_each_problem(old: str, new: str, where: str, message: str) -> None:
    assert old in GOOD
    found = problems(GOOD.replace(old, new, 1))
    assert any(p.startswith(where) and message in p for p in found), found


def test_it_rejects_a_proportional_rule_with_a_zero_target() -> None:
    text = GOOD.replace(
        'type: rate_points\n      inputs: {rate: "figure:expenditure.final.ratio_to_adjusted"}',
        'type: proportional_positive\n      inputs: {actual: "figure:income.final.total", target: 0}',
    )
    assert any("指标值" in p and "必须大于 0" in p for p in problems(text))


def test_it_rejects_a_dataset_field_that_does_not_exist() -> None:
    text = GOOD.replace(
        "figure:expenditure.final.ratio_to_adjusted", "dataset:assets.no_such_field"
    )
    assert any("没有“no_such_field”字段" in p for p in problems(text))


def test_it_reports_every_problem_at_once() -> None:
    text = GOOD.replace("points: 40", "points: -40").replace("type: rate_points", "type: ratio")
    assert len(problems(text)) >= 3  # negative points, the sum, the unknown rule


def test_it_reports_malformed_yaml_with_its_line() -> None:
    found = problems("id: x\nitems:\n  - code: [1\n")
    assert found[0].startswith("bad.yaml:") and "YAML 格式错误" in found[0]


def test_it_lists_the_known_ids_for_an_unknown_framework() -> None:
    with pytest.raises(UnknownFramework) as caught:
        load_framework("gd-dept-2099")
    assert "gd-dept-2023" in str(caught.value) and "mof-project-2020" in str(caught.value)


def test_it_says_a_directory_is_not_a_framework_file(tmp_path: Path) -> None:
    (tmp_path / "dir.yaml").mkdir()
    with pytest.raises(FrameworkError) as info:
        load_framework_file(tmp_path / "dir.yaml")
    assert "这是一个目录" in info.value.errors[0].message


def test_an_id_is_never_a_path(tmp_path: Path) -> None:
    """A framework id names a shipped framework only: a path is an unknown id, not a file."""
    path = tmp_path / "tiny.yaml"
    path.write_text(GOOD, "utf-8")
    with pytest.raises(UnknownFramework):
        load_framework(str(path))


def test_it_loads_a_framework_file_from_disk(tmp_path: Path) -> None:
    path = tmp_path / "tiny.yaml"
    path.write_text(GOOD, "utf-8")
    assert load_framework_file(path).id == "tiny"
    with pytest.raises(FrameworkError):
        load_framework_file(tmp_path / "missing.yaml")


def _bindings(framework_id: str) -> set[str]:
    framework = load_framework(framework_id)
    specs = []
    for node in framework.walk():
        specs += [s for s in (node.rule, node.fallback, *node.reference) if s is not None]
    return {i.binding for spec in specs for i in spec.inputs.values() if i.is_binding}


@pytest.mark.parametrize("framework_id", SHIPPED)
def test_every_figure_a_shipped_framework_reads_exists(
    framework_id: str, example_yaml: Path
) -> None:
    from jixiao.figures import compute_figures
    from jixiao.io.formats import load_dataset

    synthetic = Path(__file__).resolve().parent.parent / "data" / "scoring" / "department.yaml"
    known = set(compute_figures(load_dataset(example_yaml))) | set(
        compute_figures(load_dataset(synthetic))
    )
    figures = {
        b.removeprefix("figure:") for b in _bindings(framework_id) if b.startswith("figure:")
    }
    assert figures <= known, figures - known


def _alias_bomb(levels: int = 10) -> str:
    """YAML whose aliases expand to 9^levels values (the “billion laughs”)."""
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, levels + 1)]
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("text", [_alias_bomb(), "items: &a\n  - *a\n"])
def test_it_refuses_aliases_that_expand_without_end(text: str) -> None:
    with pytest.raises(FrameworkError) as info:
        parse_framework(text, "bomb.yaml")
    assert "别名" in info.value.errors[0].message
