"""Chart images: drawn with the shipped Chinese font, non-blank, no missing glyphs."""

from __future__ import annotations

import io
import warnings
from decimal import Decimal

import pytest
from PIL import Image, ImageStat
from report_fixtures import Built

from jixiao.reports.charts import (
    CHART_KINDS,
    _laid_out,
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
        _laid_out.cache_clear()
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
        for cache in (render_chart, render_chart_svg, _laid_out):
            cache.cache_clear()
        if index % 2:  # the PDF first (its thread may get there first)
            svg, png = render_chart_svg(chart), render_chart(chart)
        else:
            png, svg = render_chart(chart), render_chart_svg(chart)
        assert _laid_out.cache_info().misses == 1, chart.id  # laid out once for both
        assert png == fresh["png"], chart.id
        assert svg.encode("utf-8") == fresh["svg"], chart.id
