"""Registries in one shape: checks, scoring rules and aggregations are all ordered, named, selectable."""

from __future__ import annotations

import pytest

from jixiao.checks import CHECKS
from jixiao.io.formats import FORMATS
from jixiao.lib.registry import Registry, UnknownEntry
from jixiao.reports.context import SECTIONS
from jixiao.reports.render import RENDERERS
from jixiao.scoring.aggregate import AGGREGATIONS
from jixiao.scoring.rules import RULES


def _sample() -> Registry[int]:
    registry: Registry[int] = Registry("示例")
    registry.add("b", "乙", 2)
    registry.add("a", "甲", 1)
    registry.add("c", "丙", 3)
    return registry


def test_order_is_registration_order_and_a_subset_keeps_it() -> None:
    registry = _sample()
    assert registry.ids() == ["b", "a", "c"] and list(registry) == ["b", "a", "c"]
    assert [e.id for e in registry.select(["c", "b"])] == ["b", "c"]
    assert [e.name for e in registry.select()] == ["乙", "甲", "丙"]
    assert registry["a"] == 1 and registry.get("z") is None and registry.name("c") == "丙"


def test_an_unknown_identifier_is_named_in_chinese_with_the_known_ones() -> None:
    with pytest.raises(UnknownEntry) as caught:
        _sample().select(["a", "x"])
    assert str(caught.value) == "未知的示例“x”（可用：b、a、c）"
    with pytest.raises(KeyError):
        _sample()["x"]


def test_an_identifier_is_registered_once() -> None:
    with pytest.raises(ValueError, match="registered twice"):
        _sample().add("a", "再甲", 9)


@pytest.mark.parametrize(
    ("registry", "some"),
    [
        (CHECKS, "income_tree"),
        (RULES, "manual"),
        (AGGREGATIONS, "weighted_sum"),
        (RENDERERS, "docx"),
        (FORMATS, "xlsx"),
        (SECTIONS, "evaluation.conclusion"),
    ],
)
def test_the_engines_registries_share_the_shape(registry: Registry[object], some: str) -> None:
    import jixiao.checks.rules  # registers the checks
    import jixiao.reports.sections  # noqa: F401  (registers the report sections)

    assert some in registry and registry.name(some)
    assert all(e.name and not e.name.isascii() for e in registry.entries())  # Chinese names


def test_an_unknown_renderer_or_format_is_refused_in_chinese() -> None:
    from jixiao.io.formats import get_format
    from jixiao.reports.render import get_renderer

    with pytest.raises(UnknownEntry, match="未知的报告格式“odt”"):
        get_renderer("odt")
    with pytest.raises(UnknownEntry, match="未知的数据集格式“csv”"):
        get_format("csv")
