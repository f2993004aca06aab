"""One self-contained HTML file: inline CSS, charts as embedded PNG, printable.

In the submission report every generated number is a ``<span data-figure="<figure id>">``
(scores: ``data-score``): invisible to the reader, there for a browser test, the audit or
a web page that wants to look a number up. In the review file (审核底稿) every number of
the report's body is a link to its row in 数据来源 (formula and dataset inputs), titled
with its formula, so a reviewer can click from any number to where it comes from.

The Jinja environment (and the template it compiles) is built once per process and
template folder: a web worker rendering many reports parses the template once.
"""

from __future__ import annotations

import base64
import re
from functools import cache
from pathlib import Path

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup, escape

from jixiao.reports.charts import render_chart
from jixiao.reports.model import REVIEW, Cell, ReportModel, Run, Source
from jixiao.reports.render.widths import (
    LANDSCAPE_TABLE_EMS,
    column_widths,
    is_landscape,
    long_row,
    wide_table,
)


@cache
def _environment(template_dir: Path | None = None) -> Environment:
    from jinja2 import BaseLoader, ChoiceLoader, FileSystemLoader

    loaders: list[BaseLoader] = [PackageLoader("jixiao.reports", "templates")]
    if template_dir is not None:
        loaders.insert(0, FileSystemLoader(str(template_dir)))  # a customised copy wins
    env = Environment(
        loader=ChoiceLoader(loaders),
        autoescape=select_autoescape(["html", "j2"]),
        trim_blocks=False,
    )
    env.globals.update(
        run_html=run_html,
        runs_html=runs_html,
        cell_html=cell_html,
        row_html=row_html,
        column_widths=column_widths,
        is_landscape=is_landscape,
        wide_table=wide_table,
        landscape_ems=LANDSCAPE_TABLE_EMS,
    )
    return env


@cache
def _css(template_dir: Path | None = None) -> str:
    env = _environment(template_dir)
    return env.loader.get_source(env, "report.css")[0] if env.loader else ""


_NOT_IN_ID = re.compile(r"\s")


def anchor(figure_id: str) -> str:
    """The HTML id of a figure's 数据来源 row (``src-income.final.total``)."""
    return "src-" + _NOT_IN_ID.sub("_", figure_id)


# The pieces below are joined as strings, each value through ``escape`` as
# ``Markup(...).format`` and the template's autoescape pass it (the same text): thousands
# of cells and runs a department, a Jinja loop and a ``Markup.format`` each were most of
# the page's time.


def _run_str(run: Run, sources: dict[str, Source] | None) -> str:
    html: str = escape(run.text)
    if run.figure and sources is not None:
        source = sources.get(run.figure)
        title = f"{source.label}：{source.formula}" if source else run.figure
        html = (
            f'<a class="figure" href="#{escape(anchor(run.figure))}" '
            f'data-figure="{escape(run.figure)}" title="{escape(title)}">{html}</a>'
        )
    elif run.figure:
        html = f'<span data-figure="{escape(run.figure)}">{html}</span>'
    elif run.score:
        html = f'<span data-score="{escape(run.score)}">{html}</span>'
    if run.bold:
        return f"<strong>{html}</strong>"
    return html


def run_html(run: Run, sources: dict[str, Source] | None = None) -> Markup:
    """A run as HTML: figures and scores carry their id; bold runs are ``<strong>``.

    With ``sources`` (the review file), a figure is a link to its 数据来源 row.
    """
    return Markup(_run_str(run, sources))


def runs_html(runs: tuple[Run, ...], sources: dict[str, Source] | None = None) -> Markup:
    """A paragraph's runs as HTML, one :func:`run_html` after another."""
    return Markup("".join([_run_str(run, sources) for run in runs]))


def _cell_str(cell: Cell, sources: dict[str, Source] | None) -> str:
    html: str = (
        _run_str(Run(cell.text, figure=cell.figure), sources) if cell.figure else escape(cell.text)
    )
    if cell.bold:
        return f"<strong>{html}</strong>"
    return html


def cell_html(cell: Cell, sources: dict[str, Source] | None = None) -> Markup:
    return Markup(_cell_str(cell, sources))


def row_html(
    row: tuple[Cell, ...], first: bool, sources: dict[str, Source] | None = None
) -> Markup:
    """A table's body row: ``<tr>`` (class ``first``, ``long`` for a row of a page of
    text) and a ``<td>`` for each cell (its anchor, ``num``, ``indentN``, ``total``)."""
    parts = [f'<tr class="{"first" if first else ""}{" long" if long_row(row) else ""}">']
    for cell in row:
        id_ = f' id="{escape(anchor(cell.anchor))}"' if cell.anchor else ""
        kind = "num" if cell.numeric else ""
        indent = f" indent{cell.indent}" if cell.indent else ""
        total = " total" if cell.bold else ""
        parts.append(f'<td{id_} class="{kind}{indent}{total}">{_cell_str(cell, sources)}</td>')
    parts.append("</tr>")
    return Markup("".join(parts))


def render_html(model: ReportModel, extra_css: str = "", template_dir: Path | None = None) -> str:
    """The document as one HTML page (``extra_css`` is appended, e.g. ``@font-face`` for PDF)."""
    env = _environment(template_dir)
    images = {c.id: base64.b64encode(render_chart(c)).decode("ascii") for c in model.charts}
    sources = {s.figure: s for s in model.sources} if model.kind == REVIEW else None
    template = env.get_template("report.html.j2")
    return template.render(
        model=model,
        css=Markup(_css(template_dir) + "\n" + extra_css),
        images=images,
        sources=sources,
        anchor=anchor,
    )


class HtmlRenderer:
    """Self-contained HTML page (figure ids in the report; links to sources in the review)."""

    identifier = "html"
    verbose_name = "网页（HTML）"
    suffix = ".html"
    media_type = "text/html; charset=utf-8"

    def __init__(self, template_dir: Path | None = None) -> None:
        self.template_dir = template_dir  #: a folder whose report.html.j2 / report.css win

    def render(self, model: ReportModel) -> bytes:
        return render_html(model, template_dir=self.template_dir).encode("utf-8")
