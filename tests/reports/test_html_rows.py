"""The HTML page's rows and runs, joined in Python, are the text the Jinja loop wrote.

``html_page.row_html`` / ``runs_html`` replaced a Jinja loop over the cells (and one over a
paragraph's runs) and ``Markup.format`` calls (most of the page's time). The references
below are those: the template's row as it was, and ``run_html`` / ``cell_html`` as they
were; any cell or run — ``&<>"'`` in its text, figure, score or anchor, a source or none,
a row of a page of text — must give the same characters.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from jinja2 import Environment
from markupsafe import Markup, escape

from jixiao.reports.model import Cell, Run, Source
from jixiao.reports.render.html_page import anchor, row_html, runs_html


def _run_html(run: Run, sources: dict[str, Source] | None = None) -> Markup:
    html = escape(run.text)
    if run.figure and sources is not None:
        source = sources.get(run.figure)
        title = f"{source.label}：{source.formula}" if source else run.figure
        html = Markup('<a class="figure" href="#{}" data-figure="{}" title="{}">{}</a>').format(
            anchor(run.figure), run.figure, title, html
        )
    elif run.figure:
        html = Markup('<span data-figure="{}">{}</span>').format(run.figure, html)
    elif run.score:
        html = Markup('<span data-score="{}">{}</span>').format(run.score, html)
    if run.bold:
        html = Markup("<strong>{}</strong>").format(html)
    return html


def _cell_html(cell: Cell, sources: dict[str, Source] | None = None) -> Markup:
    html = escape(cell.text)
    if cell.figure:
        html = _run_html(Run(cell.text, figure=cell.figure), sources)
    if cell.bold:
        html = Markup("<strong>{}</strong>").format(html)
    return html


_ENV = Environment(autoescape=True)
_ENV.globals.update(run_html=_run_html, cell_html=_cell_html, anchor=anchor)
_ROW = _ENV.from_string(
    """{% for row in rows %}<tr class="{% if loop.first %}first{% endif %}{% if row|map(attribute='text')|map('length')|max > 120 %} long{% endif %}">{% for cell in row %}<td{% if cell.anchor %} id="{{ anchor(cell.anchor) }}"{% endif %} class="{% if cell.numeric %}num{% endif %}{% if cell.indent %} indent{{ cell.indent }}{% endif %}{% if cell.bold %} total{% endif %}">{{ cell_html(cell, sources) }}</td>{% endfor %}</tr>{% endfor %}"""
)
_RUNS = _ENV.from_string("{% for run in runs %}{{ run_html(run, sources) }}{% endfor %}")

_TEXT = st.one_of(
    st.sampled_from(["", " ", "1,234.56", "—", "<b>&amp;</b>", "a \"b\" 'c'", "a b\tc\nd"]),
    st.text(alphabet="a1.,<>&\"' 　中文—%\n", max_size=130),
)
_IDS = st.sampled_from(["", "income.final.total", "a b<&>\"'", "unknown.figure"])
_SOURCES = st.one_of(
    st.none(),
    st.just(
        {
            "income.final.total": Source(
                "income.final.total", "收入<合计>", "1", "万元", "a & b", ()
            ),
            "a b<&>\"'": Source("a b<&>\"'", '"标签"', "2", "", "x < y", ()),
        }
    ),
)
_CELLS = st.builds(
    Cell,
    text=_TEXT,
    figure=_IDS,
    numeric=st.booleans(),
    indent=st.integers(0, 3),
    bold=st.booleans(),
    anchor=_IDS,
)
_RUNS_ = st.builds(Run, text=_TEXT, figure=_IDS, score=_IDS, bold=st.booleans())


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.lists(_CELLS, min_size=1, max_size=6).map(tuple), min_size=1, max_size=4),
    _SOURCES,
)
def test_a_row_is_the_text_the_template_loop_wrote(
    rows: list[tuple[Cell, ...]], sources: dict[str, Source] | None
) -> None:
    ours = "".join(row_html(row, i == 0, sources) for i, row in enumerate(rows))
    assert ours == _ROW.render(rows=rows, sources=sources)


@settings(max_examples=300, deadline=None)
@given(st.lists(_RUNS_, max_size=6).map(tuple), _SOURCES)
def test_a_paragraphs_runs_are_the_text_the_template_loop_wrote(
    runs: tuple[Run, ...], sources: dict[str, Source] | None
) -> None:
    assert runs_html(runs, sources) == _RUNS.render(runs=runs, sources=sources)
