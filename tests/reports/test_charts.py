"""Chart images, drawn by Typst (templates/chart.typ): every kind, its text, its size, odd data."""

from __future__ import annotations

import io
import itertools
import subprocess
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image, ImageStat
from report_fixtures import Built

from jixiao.reports.charts import (
    CHART_KINDS,
    DPI,
    PALETTE,
    SIZE,
    chart_data,
    compile_chart,
    nice_ticks,
    render_chart,
    render_chart_svg,
)
from jixiao.reports.model import Chart, Series

D = Decimal


def _variance(png: bytes) -> float:
    image = Image.open(io.BytesIO(png)).convert("L")
    return float(ImageStat.Stat(image).var[0])


def _text(pdf: bytes) -> str:
    out = subprocess.run(["pdftotext", "-", "-"], input=pdf, check=True, capture_output=True)
    # pdftotext breaks lines where the chart does; compare without any white space
    return "".join(out.stdout.decode().split())


def _chart(kind: str, categories: tuple[str, ...], *series: Series, caption: str = "测试") -> Chart:
    return Chart(
        id=f"sample_{kind}",
        number="图1",
        caption=caption,
        kind=kind,
        categories=categories,
        series=series,
    )


SAMPLE = (
    ("财政拨款收入", "事业收入", "经营收入"),
    Series("年初预算", (D("150442.48"), D("12268.70"), D("2000.00"))),
    Series("决算", (D("592519.16"), D("12021.60"), None)),
)


@pytest.mark.parametrize(
    ("low", "high", "expected"),
    [
        ("0", "173262.26", "0 25,000 50,000 75,000 100,000 125,000 150,000 175,000"),
        ("0", "617056.54", "0 100,000 200,000 300,000 400,000 500,000 600,000 700,000"),
        ("0", "160.66", "0 25 50 75 100 125 150 175"),
        ("0", "4.46", "0 1 2 3 4 5"),
        ("0", "0.3", "0.00 0.05 0.10 0.15 0.20 0.25 0.30"),
        ("0", "0", "0.0 0.2 0.4 0.6 0.8 1.0"),  # nothing to show: 0 to 1
        ("0", "100", "0 20 40 60 80 100"),  # a value on a tick is the axis' end
        ("-20", "3000", "-500 0 500 1,000 1,500 2,000 2,500 3,000"),
        ("-6", "-2", "-6 -5 -4 -3 -2 -1 0"),  # the axis always shows 0
        (
            "0",
            "123456789012.34",
            "0 20,000,000,000 40,000,000,000 60,000,000,000 "
            "80,000,000,000 100,000,000,000 120,000,000,000 140,000,000,000",
        ),
    ],
)
def test_axis_ticks_are_nice_steps_with_thousands_separators(
    low: str, high: str, expected: str
) -> None:
    assert " ".join(label for _, label in nice_ticks(D(low), D(high))) == expected


@given(
    st.decimals(min_value=-(10**9), max_value=10**9, places=2),
    st.decimals(min_value=0, max_value=10**9, places=2),
)
def test_the_ticks_cover_the_values_and_zero_in_at_most_eight_steps(
    low: Decimal, high: Decimal
) -> None:
    ticks = [v for v, _ in nice_ticks(min(low, high), max(low, high))]
    assert ticks[0] <= min(low, 0) and ticks[-1] >= max(high, low, 0)
    assert D(0) in ticks and 2 <= len(ticks) <= 9
    steps = {b - a for a, b in itertools.pairwise(ticks)}
    assert len(steps) == 1


@pytest.mark.parametrize("kind", sorted(CHART_KINDS))
def test_each_kind_is_a_960_by_570_png_with_its_svg(kind: str) -> None:
    chart = _chart(kind, *SAMPLE)
    png = render_chart(chart)
    image = Image.open(io.BytesIO(png))
    assert image.size == (round(SIZE[0] * DPI), round(SIZE[1] * DPI)) == (960, 570)
    assert _variance(png) > 100  # a blank or single-colour image is ~0
    svg = render_chart_svg(chart)
    assert svg.startswith("<svg") and "<text" not in svg  # letters as outlines
    assert PALETTE[0] in svg.lower()


@pytest.mark.parametrize("kind", sorted(CHART_KINDS))
def test_each_kind_shows_its_title_categories_and_formatted_values(kind: str) -> None:
    """The same template compiled to PDF keeps its text as text: read back, it is there."""
    chart = _chart(kind, *SAMPLE, caption="财政拨款收入与事业收入")
    text = _text(compile_chart(chart, "pdf"))
    assert "财政拨款收入与事业收入（单位：万元）" in text
    assert "150,442.48" in text and "12,268.70" in text and "2,000.00" in text
    if kind == "pie":  # one series; the legend: 类别  金额
        assert "财政拨款收入150,442.48" in text and "事业收入12,268.70" in text
    else:
        assert all(c in text for c in SAMPLE[0])
        assert "金额（万元）" in text
    if kind == "grouped":  # the second series and its legend
        assert "592,519.16" in text and "12,021.60" in text and "决算" in text
        assert "600,000" in text  # an axis tick
    if kind == "barh":
        assert "160,000" in text  # the axis end: 8 steps of 20,000


def test_the_pie_leaves_out_zero_and_missing_slices() -> None:
    chart = _chart("pie", ("甲", "乙", "丙"), Series("年初预算", (D("5"), D("0"), None)))
    assert [s["label"] for s in chart_data(chart)["slices"]] == ["甲  5.00"]


@pytest.mark.parametrize("kind", sorted(CHART_KINDS))
@pytest.mark.parametrize(
    "series",
    [
        (Series("年初预算", (D(0), None)), Series("决算", (None, D("0.00")))),  # nothing
        (Series("年初预算", (D("-20.00"), D("4.00"))), Series("决算", (D("3"), D("-6")))),
    ],
    ids=["zero", "negative"],
)
def test_empty_zero_and_negative_series_draw(kind: str, series: tuple[Series, ...]) -> None:
    assert _variance(render_chart(_chart(kind, ("甲", "乙"), *series))) > 10


@pytest.mark.parametrize("kind", sorted(CHART_KINDS))
def test_one_category_and_twelve_categories_draw(kind: str) -> None:
    one = _chart(kind, ("财政拨款收入",), Series("年初预算", (D("150442.48"),)))
    names = tuple(f"第{i}类支出项目" for i in range(12))
    values = tuple(D(1000 * i + 7) / 3 for i in range(12))
    twelve = _chart(kind, names, Series("年初预算", values), Series("决算", values[::-1]))
    for chart in (one, twelve):
        assert Image.open(io.BytesIO(render_chart(chart))).size == (960, 570)
    text = _text(compile_chart(twelve, "pdf"))
    assert all(f"第{i}类" in text for i in range(12))


SPECIAL = st.lists(st.sampled_from(["#", "$", "*", "_", '"', "\\", "[", "]", "<", "@", "//"]))
NAME = st.one_of(
    SPECIAL.map("".join).filter(bool),
    st.tuples(SPECIAL, st.text("财政拨款收入一般公共服务支出", min_size=1, max_size=40)).map(
        lambda t: "".join(t[0]) + t[1]
    ),
)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(kind=st.sampled_from(sorted(CHART_KINDS)), names=st.lists(NAME, min_size=1, max_size=4))
def test_no_name_is_read_as_typst_markup(kind: str, names: list[str]) -> None:
    """Names go in as JSON strings: ``#``, ``$`` or ``//`` draw as they are, never as code."""
    values = tuple(D(i + 1) for i in range(len(names)))
    chart = _chart(kind, tuple(names), Series(names[0], values), caption=names[-1])
    text = _text(compile_chart(chart, "pdf"))
    assert "".join(f"{names[-1]}（单位：万元）".split()) in text


def test_every_chart_of_the_example_draws_and_is_the_same_every_time(example: Built) -> None:
    assert len(example.model.charts) == 5
    for chart in example.model.charts:
        first = render_chart(chart)
        assert _variance(first) > 100, chart.id
        assert compile_chart(chart, "png") == first, chart.id


def test_the_report_pdf_has_no_chart_text(rendered: dict[str, object], example: Built) -> None:
    """The PDF takes each chart as SVG with its letters as outlines: the audit (which reads
    the PDF's text) sees the report's words only — no tick, value or legend of a chart."""
    from pathlib import Path

    path = rendered["pdf"]
    assert isinstance(path, Path)
    text = _text(path.read_bytes())
    assert "金额（万元）" not in text
    assert "250,000" not in text and "125,000" not in text  # ticks of the example's axes
    assert "图1" in text  # the captions are the report's own text
