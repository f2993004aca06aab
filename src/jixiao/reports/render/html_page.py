"""One self-contained HTML file: inline CSS, charts as embedded PNG, printable.

Every generated number is a ``<span data-figure="<figure id>">`` (scores:
``data-score``), so a reader, a browser test or the audit can trace it; the 数据来源
appendix maps each figure id to its formula and dataset inputs.
"""

from __future__ import annotations

import base64
from functools import cache
from pathlib import Path

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup, escape

from jixiao.reports.charts import render_chart
from jixiao.reports.model import Cell, ReportModel, Run
from jixiao.reports.render import write_atomically
from jixiao.reports.render.widths import column_widths


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
    env.globals.update(run_html=run_html, cell_html=cell_html, column_widths=column_widths)
    return env


def run_html(run: Run) -> Markup:
    """A run as HTML: figures and scores carry their id; bold runs are ``<strong>``."""
    html = escape(run.text)
    if run.figure:
        html = Markup('<span data-figure="{}">{}</span>').format(run.figure, html)
    elif run.score:
        html = Markup('<span data-score="{}">{}</span>').format(run.score, html)
    if run.bold:
        html = Markup("<strong>{}</strong>").format(html)
    return html


def cell_html(cell: Cell) -> Markup:
    if cell.figure:
        return Markup('<span data-figure="{}">{}</span>').format(cell.figure, cell.text)
    return escape(cell.text)


def render_html(model: ReportModel, extra_css: str = "", template_dir: Path | None = None) -> str:
    """The report as one HTML document (``extra_css`` is appended, e.g. ``@font-face`` for PDF)."""
    env = _environment(template_dir)
    css = env.loader.get_source(env, "report.css")[0] if env.loader else ""
    images = {c.id: base64.b64encode(render_chart(c)).decode("ascii") for c in model.charts}
    template = env.get_template("report.html.j2")
    return template.render(model=model, css=Markup(css + "\n" + extra_css), images=images)


class HtmlRenderer:
    """Self-contained HTML page with figure ids and the 数据来源 appendix."""

    identifier = "html"
    verbose_name = "网页（HTML）"
    suffix = ".html"

    def __init__(self, template_dir: Path | None = None) -> None:
        self.template_dir = template_dir  #: a folder whose report.html.j2 / report.css win

    def render(self, model: ReportModel, path: Path) -> None:
        html = render_html(model, template_dir=self.template_dir)

        def write(tmp: Path) -> None:
            tmp.write_text(html, "utf-8")

        write_atomically(path, write)
