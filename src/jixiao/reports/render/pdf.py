"""PDF from the HTML report with WeasyPrint, the shipped CJK fonts embedded.

The two fonts are subset to the document's own characters (HarfBuzz, once per document,
from faces read once per process) and handed to WeasyPrint from memory through its URL
fetcher: nothing is written to disk, and the fetcher fetches nothing else but the
``data:`` images of the page (and, for a customised template, files inside its folder),
so a template can never make the renderer read a server file or the network.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from jixiao.reports.fonts import FONT_SCHEME, SANS_FAMILY, SERIF_FAMILY, font_faces
from jixiao.reports.model import ReportModel
from jixiao.reports.render.html_page import render_html

#: The shipped fonts first, so the PDF looks the same on every machine: 黑体 for 一级
#: headings and captions (Noto Sans), 楷体 and 仿宋 (both Noto Serif, the only serif
#: shipped) for the rest; the heading levels differ by weight and indent as well.
FONT_RULES = f"""
html, .cover-department, .cover-title, .toc-title, h3, h4 {{ font-family: "{SERIF_FAMILY}", serif; }}
h2, figure.table figcaption, figure.chart figcaption, th {{ font-family: "{SANS_FAMILY}", sans-serif; }}
"""


#: Stands in the page's CSS for the ``@font-face`` rules until the fonts are subset: the page
#: is laid out by Jinja once, and the rules (which name the fonts by URL) are put in after.
_FONT_FACES = "/* jixiao: @font-face */"
#: The charts' base64 PNGs: megabytes of ASCII that add no character to the fonts.
_DATA_URI = re.compile(r"data:[^\"')\s]*")


def _characters(html: str) -> str:
    """Each character of the page once (a superset of what is printed): the fonts' subset."""
    return "".join(sorted(set(_DATA_URI.sub("", html))))


def _fetcher(fonts: dict[str, bytes], template_dir: Path | None) -> Any:
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    allowed = template_dir.resolve().as_uri() + "/" if template_dir is not None else None

    class _Fetcher(URLFetcher):  # type: ignore[misc]
        def fetch(self, url: str, headers: Any = None) -> Any:
            if url.startswith(FONT_SCHEME + ":"):
                return URLFetcherResponse(url, fonts[url], {"Content-Type": "font/ttf"})
            if url.startswith("data:") or (allowed and url.startswith(allowed)):
                return super().fetch(url, headers)
            raise ValueError(f"报告模板引用了不允许的地址：{url}")

    return _Fetcher(allowed_protocols=("data", "file", FONT_SCHEME))


class PdfRenderer:
    """PDF (A4), rendered from the HTML report."""

    identifier = "pdf"
    verbose_name = "PDF 文档"
    suffix = ".pdf"
    media_type = "application/pdf"

    def __init__(self, template_dir: Path | None = None) -> None:
        self.template_dir = template_dir  #: as for the HTML report, which the PDF is made from

    def render(self, model: ReportModel) -> bytes:
        import weasyprint

        from jixiao.reports.render.weasy_cjk import install

        install()  # justified Chinese and bold from the regular faces (once per process)
        # The page's characters (a superset of what is printed) decide which glyphs to embed;
        # the page is rendered once and the rules naming the subset fonts put in after.
        page = render_html(
            model, extra_css=_FONT_FACES + FONT_RULES, template_dir=self.template_dir
        )
        rules, fonts = font_faces(_characters(page))
        html = page.replace(_FONT_FACES, rules, 1)
        base = self.template_dir.resolve().as_uri() + "/" if self.template_dir else None
        document = weasyprint.HTML(
            string=html, base_url=base, url_fetcher=_fetcher(fonts, self.template_dir)
        )
        data: bytes = document.write_pdf(full_fonts=True)
        return data
