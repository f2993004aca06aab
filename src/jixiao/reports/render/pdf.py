"""PDF (A4, 公文 layout) laid out by Typst from the report model.

The model is handed to ``templates/report.typ`` as JSON, with each table's column widths
(:func:`~jixiao.reports.render.widths.column_widths`, the same the Word file uses) and each
chart as SVG text: the template computes nothing and reads no file, and the renderer writes
none. The fonts are the shipped ones only (Noto Serif/Sans SC, Jixiao Kai), loaded once per
process; no system font is looked at, so the PDF is the same on every machine.

The HTML template (``--template``) does not reach the PDF: it restyles the HTML page only.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

from jixiao.reports.charts import render_chart_svg
from jixiao.reports.fonts import kai_path, sans_path, serif_path
from jixiao.reports.model import Cell, Chart, Paragraph, ReportModel, Section, Table
from jixiao.reports.render.widths import (
    LANDSCAPE_TABLE_EMS,
    TABLE_EMS,
    column_widths,
    is_landscape,
    long_row,
)

#: The shortest line a PDF table's text column is wrapped to (characters): the Word
#: layout's 6 left 附表1's 评分说明 a fifth of the width and the table seven pages long.
PDF_READABLE_EMS = 4.0
#: A PDF table's header may wrap to this many lines before a column is widened for it
#: (表5's “决算为年初预算的（%）” took 31% of the width to be set on one line).
PDF_HEADER_LINES = 3


@cache
def _template() -> bytes:
    return resources.files("jixiao.reports").joinpath("templates/report.typ").read_bytes()


@cache
def load_fonts() -> Any:
    """The shipped fonts, read once per process (a web worker renders many reports)."""
    import typst

    folders = sorted({str(p.parent) for p in (sans_path(), serif_path(), kai_path())})
    return typst.Fonts(include_system_fonts=False, include_embedded_fonts=False, font_paths=folders)


#: Compilations after which typst-py drops a memoized layout nobody used: it calls
#: ``comemo::evict(10)`` after each compilation.
TYPST_CACHE_AGE = 10


def forget_layouts() -> None:
    """Drop Typst's memoized layouts of the documents compiled before (a batch's workers call it).

    typst-py keeps what the last ten compilations used, so a process rendering one
    different document after another holds the layouts of the last ten: about 30 MB each
    for a department's PDF (a province worker grew to ~500 MB; ~210 MB with this after
    every department, docs/performance.md, Province). Ten compilations of an empty document
    age them out, about 3 ms each. The PDFs are the same bytes: the cache only saves work.
    """
    import typst

    compiler = typst.Compiler(font_paths=load_fonts(), ignore_system_fonts=True)
    for _ in range(TYPST_CACHE_AGE):
        compiler.compile(input=b"", format="pdf")


def _cell(cell: Cell) -> dict[str, Any]:
    return {"text": cell.text, "numeric": cell.numeric, "indent": cell.indent, "bold": cell.bold}


def _block(
    block: Paragraph | Table | Chart, title: str = "", table_ems: float = TABLE_EMS
) -> dict[str, Any]:
    if isinstance(block, Paragraph):
        runs = [{"text": r.text, "bold": r.bold} for r in block.runs]
        return {"type": "Paragraph", "style": block.style, "runs": runs}
    if isinstance(block, Table):
        rows = [{"cells": [_cell(c) for c in row], "long": long_row(row)} for row in block.rows]
        widths = column_widths(
            block,
            table_ems,
            readable=PDF_READABLE_EMS,
            indents=True,
            header_lines=PDF_HEADER_LINES,
            spare_to_text=True,
        )
        return {
            "type": "Table",
            "number": block.number,
            "caption": block.caption,
            "note": block.note,
            # under a heading that already names it (附表1：…评分表), the table's caption
            # is not printed a second time
            "captioned": not (block.number in title and block.caption in title),
            "header": list(block.header),
            "widths": widths,
            "rows": rows,
        }
    return {"type": "Chart", "id": block.id, "number": block.number, "caption": block.caption}


def _section(section: Section, landscape: bool = True) -> dict[str, Any]:
    turned = landscape and is_landscape(section)
    ems = LANDSCAPE_TABLE_EMS if turned else TABLE_EMS
    return {
        "id": section.id,
        "title": section.title,
        "level": section.level,
        "in_toc": section.in_toc,
        "landscape": turned,
        "blocks": [_block(b, section.title, ems) for b in section.blocks],
        # whether a table follows a paragraph of text: only there may the template move it
        # to the next page, deciding from where the paragraph ends (a place the move does
        # not change; after a heading or a sub-head the move took them along, and from the
        # table's own place the layout never settled: “document did not converge”)
        "movable": [
            isinstance(p, Paragraph) and p.style != "subhead" for p in (None, *section.blocks[:-1])
        ],
    }


def document(model: ReportModel) -> dict[str, Any]:
    """What the Typst template is given: the model's text, the tables' column widths."""
    return {
        "title": model.title,
        "cover": {
            "department": model.cover.department,
            "title": model.cover.title,
            "fields": [{"label": f.label, "value": f.value} for f in model.cover.fields],
        },
        "sections": [_section(s) for s in model.sections],
        "body": [_section(s, landscape=False) for s in model.body],
    }


def render_pdf(model: ReportModel) -> bytes:
    import typst

    inputs = {"model": json.dumps(document(model), ensure_ascii=False)}
    charts = [*model.charts, *(b for s in model.body for b in s.blocks if isinstance(b, Chart))]
    for chart in charts:
        inputs[f"chart-{chart.id}"] = render_chart_svg(chart)
    # A compiler per document (they are cheap; the fonts are shared): one may be in use by
    # another thread of a web worker.
    compiler = typst.Compiler(font_paths=load_fonts(), ignore_system_fonts=True)
    data = compiler.compile(input=_template(), format="pdf", sys_inputs=inputs)
    assert isinstance(data, bytes)  # one file, not a page per image
    return data


class PdfRenderer:
    """PDF (A4, 公文 layout), laid out by Typst from the model."""

    identifier = "pdf"
    verbose_name = "PDF 文档"
    suffix = ".pdf"
    media_type = "application/pdf"

    def render(self, model: ReportModel) -> bytes:
        return render_pdf(model)
