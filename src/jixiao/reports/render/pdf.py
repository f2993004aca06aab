"""PDF from the HTML report with WeasyPrint, the shipped CJK font embedded (``@font-face``)."""

from __future__ import annotations

import tempfile
from pathlib import Path

from jixiao.reports.fonts import SANS_FAMILY, SERIF_FAMILY, font_face_css
from jixiao.reports.model import ReportModel
from jixiao.reports.render import write_atomically
from jixiao.reports.render.html_page import render_html

# WeasyPrint justifies a line only by widening its spaces (U+0020/U+00A0), never between
# Chinese characters: in a justified line the few spaces around a number (“占总收入 96.02%”)
# take the whole slack and gape. A Chinese line is within a character of full anyway, so
# the PDF's paragraphs are set flush left, which reads as the browser's justified text does.
#: The shipped fonts first, so the PDF looks the same on every machine.
FONT_RULES = f"""
html, .cover-department, .cover-title, .toc-title, h3 {{ font-family: "{SERIF_FAMILY}", serif; }}
h2, figure.table figcaption, figure.chart figcaption {{ font-family: "{SANS_FAMILY}", sans-serif; }}
p {{ text-align: left; }}
"""


class PdfRenderer:
    """PDF (A4), rendered from the HTML report."""

    identifier = "pdf"
    verbose_name = "PDF 文档"
    suffix = ".pdf"

    def __init__(self, template_dir: Path | None = None) -> None:
        self.template_dir = template_dir  #: as for the HTML report, which the PDF is made from

    def render(self, model: ReportModel, path: Path) -> None:
        import weasyprint

        with tempfile.TemporaryDirectory(prefix="jixiao-fonts-") as folder:
            # The fonts are subset to the document's own characters first (the page text
            # is a superset of what is printed), so WeasyPrint embeds them as they are.
            text = render_html(model, template_dir=self.template_dir)
            css = font_face_css(text, Path(folder)) + FONT_RULES
            html = render_html(model, extra_css=css, template_dir=self.template_dir)
            document = weasyprint.HTML(string=html, base_url=str(path.parent))
            write_atomically(path, lambda tmp: document.write_pdf(str(tmp), full_fonts=True))
