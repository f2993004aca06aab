"""Chart images from the chart specs of the report model (matplotlib SVG; PNG by Typst).

One small drawing function per chart kind, in :data:`CHART_KINDS`. All charts share a
palette, the shipped Chinese font, 万元 units on the axis and the values written on the
chart, formatted by :func:`jixiao.lib.money.format_amount` from the exact Decimals.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from decimal import Decimal
from functools import lru_cache
from typing import Any

from jixiao.lib.money import format_amount
from jixiao.reports.fonts import chart_rc
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
SIZE = (6.4, 3.8)
BAR_LABEL_SIZE = 8  #: points, the values printed on grouped bars

Drawer = Callable[[Any, Chart], None]
#: kind → drawing function; the builder picks a kind per chart.
CHART_KINDS: dict[str, Drawer] = {}


def chart_kind(name: str) -> Callable[[Drawer], Drawer]:
    def register(func: Drawer) -> Drawer:
        CHART_KINDS[name] = func
        return func

    return register


def _floats(values: tuple[Decimal | None, ...]) -> list[float]:
    # Floats only for drawing: the labels are formatted from the Decimals themselves.
    return [float(v) if v is not None else 0.0 for v in values]


def _labels(values: tuple[Decimal | None, ...]) -> list[str]:
    return [format_amount(v) if v is not None else "" for v in values]


@chart_kind("pie")
def _pie(ax: Any, chart: Chart) -> None:
    """A ring chart; categories and amounts in the legend, so small slices stay readable."""
    series = chart.series[0]
    pairs = [(c, v) for c, v in zip(chart.categories, series.values, strict=True) if v]
    values = tuple(v for _, v in pairs)
    colours = [PALETTE[i % len(PALETTE)] for i in range(len(pairs))]
    ax.pie(
        _floats(values),
        colors=colours,
        startangle=90,
        counterclock=False,
        wedgeprops={"width": 0.45, "edgecolor": "white"},
    )
    legend = [f"{c}  {t}" for (c, _), t in zip(pairs, _labels(values), strict=True)]
    ax.legend(legend, loc="center left", bbox_to_anchor=(1.0, 0.5), frameon=False, fontsize=9)
    ax.set_aspect("equal")


@chart_kind("barh")
def _barh(ax: Any, chart: Chart) -> None:
    """Horizontal bars, largest at the top: long Chinese category names stay horizontal."""
    series = chart.series[0]
    order = list(reversed(range(len(chart.categories))))
    cats = [chart.categories[i] for i in order]
    values = tuple(series.values[i] for i in order)
    bars = ax.barh(cats, _floats(values), color=PALETTE[0])
    ax.bar_label(bars, labels=_labels(values), padding=3, fontsize=8)
    ax.set_xlabel(f"金额（{chart.unit}）")
    ax.margins(x=0.25)
    ax.xaxis.set_major_formatter(_thousands())
    _tidy(ax)


@chart_kind("grouped")
def _grouped(ax: Any, chart: Chart) -> None:
    """Vertical bars, one group per category and one colour per series (上年/本年, 预算/决算)."""
    count = len(chart.series)
    width = 0.8 / count
    positions = range(len(chart.categories))
    labels = [_labels(series.values) for series in chart.series]
    # Level labels read best; they stand upright only where they would be wider than
    # their bar's slot and run into the neighbour's value.
    slot = SIZE[0] * 0.8 * 72 / max(1, len(chart.categories) * count)  # points per bar
    longest = max((len(t) for row in labels for t in row), default=0)
    level = longest * BAR_LABEL_SIZE * 0.6 <= slot
    for i, series in enumerate(chart.series):
        xs = [p - 0.4 + width * (i + 0.5) for p in positions]
        bars = ax.bar(
            xs, _floats(series.values), width, label=series.name, color=PALETTE[i % len(PALETTE)]
        )
        ax.bar_label(
            bars, labels=labels[i], padding=2, fontsize=BAR_LABEL_SIZE, rotation=0 if level else 90
        )
    ax.set_xticks(list(positions), chart.categories, fontsize=8)
    ax.set_ylabel(f"金额（{chart.unit}）")
    # Above the plot, under the title: never on top of a bar or its value.
    ax.legend(frameon=False, fontsize=9, loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=count)
    ax.margins(y=0.3)
    ax.yaxis.set_major_formatter(_thousands())
    _tidy(ax)


def _thousands() -> Any:
    from matplotlib.ticker import FuncFormatter

    return FuncFormatter(lambda value, _pos: f"{value:,.0f}")


def _tidy(ax: Any) -> None:
    ax.tick_params(labelsize=8)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)


@lru_cache(maxsize=64)
def render_chart(chart: Chart) -> bytes:
    """``chart`` as PNG bytes (Word, HTML): its SVG (:func:`render_chart_svg`) rasterised.

    One drawing serves both formats: matplotlib lays the figure out and draws it once, as
    SVG, and Typst (already loaded for the PDF) turns that SVG into pixels at :data:`DPI`.
    Matplotlib's own PNG drew the figure a second time, text layout included — about a
    third of a chart's cost (docs/performance.md, Province). Cached per process (the chart
    spec is frozen): the Word and HTML renderers of one report share the same images.
    """
    return rasterise(render_chart_svg(chart))


@lru_cache(maxsize=64)
def render_chart_svg(chart: Chart) -> str:
    """``chart`` as SVG text, for the PDF: vector, and text that Typst can be handed as a string.

    The letters are drawn as outlines (matplotlib's default ``svg.fonttype``), so the SVG
    needs no font; the PDF's text layer (what the audit reads) holds only the report's text.
    A fresh Figure, no pyplot global state; the font and the minus sign are set inside
    ``rc_context`` for this figure only: no process-wide ``rcParams`` change.
    """
    figure = _new_figure(chart)
    return _save(figure, "svg").decode("utf-8")


def _rc() -> dict[Any, Any]:
    # A fixed hash salt keeps the SVG's ids (and so the PDF) the same from run to run.
    return {**chart_rc(), "svg.hashsalt": "jixiao"}


#: A page exactly the chart's size holding the SVG and nothing else: Typst's PNG of it is
#: the chart at :data:`DPI` (960 × 570 pixels, as matplotlib's own PNG was).
_RASTER_PAGE = (
    f"#set page(width: {SIZE[0]}in, height: {SIZE[1]}in, margin: 0pt, fill: white)\n"
    '#image(bytes(sys.inputs.svg), format: "svg", width: 100%, height: 100%)\n'
).encode("ascii")


def rasterise(svg: str) -> bytes:
    """The PNG of a chart's ``svg`` at :data:`DPI`, drawn by Typst from the SVG's outlines.

    The SVG holds no text (letters are outlines), so no font is looked up; a compiler per
    call, as for the PDF (a web worker may render in two threads), with the shipped fonts
    so that no system font is ever scanned.
    """
    import typst

    from jixiao.reports.render.pdf import load_fonts

    compiler = typst.Compiler(font_paths=load_fonts(), ignore_system_fonts=True)
    data = compiler.compile(input=_RASTER_PAGE, format="png", ppi=DPI, sys_inputs={"svg": svg})
    assert isinstance(data, bytes)  # one page, so one image
    return data


def _new_figure(chart: Chart) -> Any:
    import matplotlib
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.layout_engine import TightLayoutEngine

    with matplotlib.rc_context(_rc()):
        figure = Figure(figsize=SIZE, dpi=DPI)
        FigureCanvasAgg(figure)
        ax = figure.add_subplot()
        CHART_KINDS[chart.kind](ax, chart)
        ax.set_title(
            f"{chart.caption}（单位：{chart.unit}）",
            fontsize=11,
            pad=22 if len(chart.series) > 1 else 6,
        )
        # The tight layout computed here, as ``figure.tight_layout()`` does (same engine,
        # same padding), but not left on the figure: ``tight_layout()`` leaves a placeholder
        # layout engine, and a figure with any engine is drawn once more, without output,
        # before it is saved — a whole second text layout pass per chart for nothing.
        TightLayoutEngine().execute(figure)
    return figure


def _save(figure: Any, fmt: str) -> bytes:
    import matplotlib

    with matplotlib.rc_context(_rc()):
        buffer = io.BytesIO()
        figure.savefig(
            buffer, format=fmt, dpi=DPI, metadata={"Date": None} if fmt == "svg" else None
        )
    return buffer.getvalue()


def render_charts(charts: tuple[Chart, ...]) -> dict[str, bytes]:
    """PNG bytes by chart id, drawn once and shared by every renderer."""
    return {chart.id: render_chart(chart) for chart in charts}
