"""Chart images from the chart specs of the report model, drawn by Typst (``templates/chart.typ``).

One small function per chart kind, in :data:`CHART_KINDS`, turns a chart into the data its
drawing function in the template takes. All charts share a palette, the shipped Chinese
font, 万元 units on the axis and the values written on the chart, formatted by
:func:`jixiao.lib.money.format_amount` from the exact Decimals. Typst (already the PDF's
engine) draws a chart (SVG + PNG) in ~13 ms; matplotlib took ~75 ms, a third
of a department's report files (docs/performance.md, Province, Charts by Typst).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from decimal import Decimal
from functools import cache, lru_cache
from importlib import resources
from typing import Any

from jixiao.lib.money import format_amount
from jixiao.reports.model import Chart

#: The report palette (muted blue first, as in most government charts).
PALETTE: tuple[str, ...] = (
    "#2f5d8a",
    "#d9822b",
    "#4f9a6b",
    "#b8474b",
    "#7d6aa8",
    "#8c6d4f",
    "#c6a23a",
    "#5a8fa8",
)
DPI = 150
SIZE = (6.4, 3.8)  #: inches; the page size in ``chart.typ``
#: The most intervals an amounts' axis is cut into (as many as the matplotlib charts had).
MAX_TICKS = 8
#: Tick steps per power of ten.
NICE_STEPS = (Decimal(1), Decimal(2), Decimal("2.5"), Decimal(5), Decimal(10))

Prepare = Callable[[Chart], dict[str, Any]]
#: kind → the function giving a chart's data to the template's drawing function of that
#: kind; the builder picks a kind per chart.
CHART_KINDS: dict[str, Prepare] = {}


def chart_kind(name: str) -> Callable[[Prepare], Prepare]:
    def register(func: Prepare) -> Prepare:
        CHART_KINDS[name] = func
        return func

    return register


def _floats(values: tuple[Decimal | None, ...]) -> list[float]:
    # Floats only for drawing: the labels are formatted from the Decimals themselves.
    return [float(v) if v is not None else 0.0 for v in values]


def _labels(values: tuple[Decimal | None, ...]) -> list[str]:
    return [format_amount(v) if v is not None else "" for v in values]


def nice_ticks(low: Decimal, high: Decimal) -> list[tuple[Decimal, str]]:
    """The ticks of an amounts' axis covering ``low``..``high`` (and 0), with their labels.

    The step is 1, 2, 2.5 or 5 times a power of ten, the smallest that cuts the axis into at
    most :data:`MAX_TICKS` intervals; the labels have thousands separators and only the
    decimals the step needs (``25,000``; ``0.25``). Decimals, so ``0.1 × 3`` is ``0.3``;
    computed here rather than in Typst, which has no thousands separator and only floats.
    An axis with nothing on it (all zero) runs from 0 to 1.
    """
    low, high = min(low, Decimal(0)), max(high, Decimal(0))
    if low == high:
        high = Decimal(1)
    span = high - low
    exponent = span.adjusted() - 1  # the power of ten below span / 10
    for _ in range(3):
        unit = Decimal(1).scaleb(exponent)
        for nice in NICE_STEPS:
            step = nice * unit
            first = (low / step).to_integral_value(rounding="ROUND_FLOOR")
            last = (high / step).to_integral_value(rounding="ROUND_CEILING")
            if last - first <= MAX_TICKS:
                places = max(0, -step.normalize().as_tuple().exponent)  # type: ignore[operator]
                values = [step * i for i in range(int(first), int(last) + 1)]
                return [(v, f"{v:,.{places}f}") for v in values]
        exponent += 1
    raise AssertionError("unreachable: a step of ten times the span always fits")


def _axis(values: list[Decimal]) -> list[dict[str, Any]]:
    ticks = nice_ticks(min(values, default=Decimal(0)), max(values, default=Decimal(0)))
    return [{"value": float(v), "label": label} for v, label in ticks]


def _present(values: tuple[Decimal | None, ...]) -> list[Decimal]:
    return [v for v in values if v is not None]


@chart_kind("pie")
def _pie(chart: Chart) -> dict[str, Any]:
    """A ring chart; categories and amounts in the legend, so small slices stay readable."""
    series = chart.series[0]
    pairs = [(c, v) for c, v in zip(chart.categories, series.values, strict=True) if v]
    return {
        "slices": [
            {
                "value": float(v),
                "label": f"{c}  {format_amount(v)}",
                "colour": PALETTE[i % len(PALETTE)],
            }
            for i, (c, v) in enumerate(pairs)
            if v > 0  # a ring cannot show a negative share
        ]
    }


def _series(chart: Chart) -> list[dict[str, Any]]:
    return [
        {
            "name": s.name,
            "values": _floats(s.values),
            "labels": _labels(s.values),
            "colour": PALETTE[i % len(PALETTE)],
        }
        for i, s in enumerate(chart.series)
    ]


@chart_kind("barh")
def _barh(chart: Chart) -> dict[str, Any]:
    """Horizontal bars, the first category on top: long Chinese names stay horizontal."""
    series = chart.series[:1]
    return {"series": _series(chart)[:1], "ticks": _axis(_present(series[0].values))}


@chart_kind("grouped")
def _grouped(chart: Chart) -> dict[str, Any]:
    """Vertical bars, one group per category and one colour per series (上年/本年, 预算/决算)."""
    values = [v for s in chart.series for v in _present(s.values)]
    return {"series": _series(chart), "ticks": _axis(values)}


def chart_data(chart: Chart) -> dict[str, Any]:
    """What ``chart.typ`` is given for ``chart``: all of its text, ready formatted."""
    return {
        "kind": chart.kind,
        "title": f"{chart.caption}（单位：{chart.unit}）",
        "axis": f"金额（{chart.unit}）",
        "categories": list(chart.categories),
        **CHART_KINDS[chart.kind](chart),
    }


@cache
def template() -> bytes:
    return resources.files("jixiao.reports").joinpath("templates/chart.typ").read_bytes()


_local = threading.local()


def _compiler() -> Any:
    """This thread's Typst compiler, with the shipped fonts only (no system font scanned).

    One per thread: a compiler is not to be shared by two threads at once (the web renders
    in threads); kept, it is a little cheaper than one per chart (11.4-11.9 against
    12.0-12.2 ms a chart, docs/performance.md, Province, Charts by Typst).
    """
    compiler = getattr(_local, "compiler", None)
    if compiler is None:
        import typst

        from jixiao.reports.render.pdf import load_fonts

        compiler = typst.Compiler(font_paths=load_fonts(), ignore_system_fonts=True)
        _local.compiler = compiler
    return compiler


def compile_chart(chart: Chart, fmt: str) -> bytes:
    """``chart`` drawn by ``chart.typ`` as one ``fmt`` file (svg, png at :data:`DPI`, pdf)."""
    return draw(chart_data(chart), fmt)


def draw(data: dict[str, Any], fmt: str) -> bytes:
    """The chart ``data`` (``kind`` names the template's function) as one ``fmt`` file.

    Also the monitoring's 执行进度 chart (kind ``progress``): one template, one look.
    """
    inputs = {"chart": json.dumps(data, ensure_ascii=False)}
    options: dict[str, Any] = {"ppi": DPI} if fmt == "png" else {}
    data_ = _compiler().compile(input=template(), format=fmt, sys_inputs=inputs, **options)
    assert isinstance(data_, bytes)  # one page, so one file
    return data_


@lru_cache(maxsize=64)
def render_chart(chart: Chart) -> bytes:
    """``chart`` as PNG bytes (Word, HTML), 960 × 570 pixels.

    Cached per process (the chart spec is frozen): the Word and HTML renderers of one
    report share the same images.
    """
    return compile_chart(chart, "png")


@lru_cache(maxsize=64)
def render_chart_svg(chart: Chart) -> str:
    """``chart`` as SVG text, for the PDF: vector, and text that Typst can be handed as a string.

    Typst's SVG draws the letters as outlines, so the SVG needs no font and the PDF's text
    layer (what the audit reads) holds only the report's text.
    """
    return compile_chart(chart, "svg").decode("utf-8")


def render_charts(charts: tuple[Chart, ...]) -> dict[str, bytes]:
    """PNG bytes by chart id, drawn once and shared by every renderer."""
    return {chart.id: render_chart(chart) for chart in charts}
