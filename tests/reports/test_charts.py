"""Chart images: drawn with the shipped Chinese font, non-blank, no missing glyphs."""

from __future__ import annotations

import io
import warnings
from decimal import Decimal

import pytest
from PIL import Image, ImageStat
from report_fixtures import Built

from jixiao.reports.charts import (
    _WAITING,
    CHART_KINDS,
    _new_figure,
    _save,
    render_chart,
    render_chart_svg,
)
from jixiao.reports.fonts import SANS_FAMILY, register_matplotlib
from jixiao.reports.model import Chart, Series


def _variance(png: bytes) -> float:
    image = Image.open(io.BytesIO(png)).convert("L")
    return float(ImageStat.Stat(image).var[0])


def test_it_registers_the_shipped_font_not_a_system_one() -> None:
    assert register_matplotlib() == SANS_FAMILY


def test_every_chart_of_the_example_is_a_non_blank_png_without_missing_glyphs(
    example: Built,
) -> None:
    assert len(example.model.charts) == 5
    for chart in example.model.charts:
        render_chart.cache_clear()
        _WAITING.clear()
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            png = render_chart(chart)
        assert png.startswith(b"\x89PNG"), chart.id
        assert _variance(png) > 100, chart.id  # a blank or single-colour image is ~0
        assert not [w for w in caught if "missing from font" in str(w.message)], chart.id


@pytest.mark.parametrize("kind", sorted(CHART_KINDS))
def test_each_chart_kind_draws_chinese_labels_and_values(kind: str) -> None:
    chart = Chart(
        id=f"sample_{kind}",
        number="图1",
        caption="测试图表：财政拨款收入与事业收入",
        kind=kind,
        categories=("财政拨款收入", "事业收入", "经营收入"),
        series=(
            Series("年初预算", (Decimal("150442.48"), Decimal("12268.70"), Decimal("2000.00"))),
            Series("决算", (Decimal("592519.16"), Decimal("12021.60"), None)),
        ),
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a missing glyph warning fails the test
        png = render_chart(chart)
    assert _variance(png) > 100


def test_a_chart_saved_in_both_formats_from_one_figure_is_what_a_fresh_figure_saves(
    example: Built,
) -> None:
    """Word/HTML take the PNG and the PDF the SVG of one laid-out figure: the same bytes as
    drawing the chart afresh for each format (what the renderers did before), in either order."""
    for index, chart in enumerate(example.model.charts):
        fresh = {fmt: _save(_new_figure(chart), fmt) for fmt in ("png", "svg")}
        for cache in (render_chart, render_chart_svg):
            cache.cache_clear()
        _WAITING.clear()
        first, second = (
            (render_chart_svg, render_chart) if index % 2 else (render_chart, render_chart_svg)
        )
        first(chart)  # the PDF first for every other chart (its thread may get there first)
        _figure, saved = _WAITING[chart]
        assert len(saved) == 1, chart.id
        second(chart)
        assert chart not in _WAITING, chart.id  # saved in both: let go
        png, svg = render_chart(chart), render_chart_svg(chart)
        assert png == fresh["png"], chart.id
        assert svg.encode("utf-8") == fresh["svg"], chart.id


def test_charts_saved_in_one_format_only_wait_in_a_bounded_number(example: Built) -> None:
    """A run without the PDF never asks for the SVG: its laid-out figures must not pile up."""
    from dataclasses import replace

    from jixiao.reports.charts import FIGURES_KEPT

    _WAITING.clear()
    chart = example.model.charts[0]
    for n in range(FIGURES_KEPT + 3):
        render_chart(replace(chart, id=f"{chart.id}-{n}"))
    assert len(_WAITING) == FIGURES_KEPT
    assert f"{chart.id}-{FIGURES_KEPT + 2}" in {c.id for c in _WAITING}  # the newest kept
