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
    DPI,
    SIZE,
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
        render_chart_svg.cache_clear()
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


def _grey(png: bytes) -> Image.Image:
    return Image.open(io.BytesIO(png)).convert("L")


def test_the_png_is_the_svg_drawn_at_the_chart_size_and_looks_as_matplotlibs_own_png(
    example: Built,
) -> None:
    """Word/HTML take the PNG rasterised by Typst from the PDF's SVG (one drawing for both):
    the same size as matplotlib's own PNG of the figure and the same picture — pixels
    differ only in anti-aliasing (the glyph edges: unhinted outlines against hinted
    glyphs), never by a moved or missing element. Compared in 10 × 10 pixel blocks, where
    anti-aliasing averages out: the example's charts differ by < 0.8 of 255 on average and
    < 50 at most, while the same chart moved down by 6 pixels differs by > 4 and > 95."""
    from PIL import ImageChops

    for chart in example.model.charts:
        render_chart.cache_clear()
        render_chart_svg.cache_clear()
        ours = _grey(render_chart(chart))
        agg = _grey(_save(_new_figure(chart), "png"))
        assert ours.size == agg.size == (round(SIZE[0] * DPI), round(SIZE[1] * DPI)), chart.id
        blocks = ImageChops.difference(ours.reduce(10), agg.reduce(10))
        assert ImageStat.Stat(blocks).mean[0] < 1.5, chart.id
        assert blocks.getextrema()[1] < 75, chart.id


def test_a_chart_is_the_same_png_every_time(example: Built) -> None:
    chart = example.model.charts[0]
    first = render_chart(chart)
    render_chart.cache_clear()
    render_chart_svg.cache_clear()
    assert render_chart(chart) == first


def test_a_chart_is_laid_out_once_and_drawn_once(
    example: Built, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``figure.tight_layout()`` left a placeholder layout engine on the figure, and saving a
    figure with an engine draws it once more without output first: a second pass over
    every text. The layout is the same; nothing is left on the figure to redo it."""
    from matplotlib.figure import Figure

    chart = example.model.charts[0]
    assert _new_figure(chart).get_layout_engine() is None
    draws: list[object] = []
    original = Figure.draw

    def counted(self: Figure, renderer: object) -> None:
        draws.append(renderer)
        original(self, renderer)

    monkeypatch.setattr(Figure, "draw", counted)
    render_chart_svg.cache_clear()
    render_chart_svg(chart)
    assert len(draws) == 1
