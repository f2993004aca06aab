"""Report renderers behind one contract, and the registry that finds them.

Each renderer is a small class with an ``identifier`` (``docx``), a Chinese
``verbose_name``, the file ``suffix`` it writes and ``render(model, path)``. Renderers
only lay out a :class:`~jixiao.reports.model.ReportModel`; they compute nothing.
They write to a temporary file first, so a failed render never leaves half a file.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import ClassVar, Protocol

from jixiao.lib.files import write_atomically
from jixiao.reports.model import ReportModel


class Renderer(Protocol):
    identifier: ClassVar[str]
    verbose_name: ClassVar[str]
    suffix: ClassVar[str]

    def render(self, model: ReportModel, path: Path) -> None: ...


#: identifier → "module:Class"; imported on first use (WeasyPrint and python-docx are slow to import).
__all__ = ["RENDERERS", "Renderer", "get_renderer", "write_atomically"]

RENDERERS: dict[str, str] = {
    "docx": "jixiao.reports.render.word:WordRenderer",
    "html": "jixiao.reports.render.html_page:HtmlRenderer",
    "pdf": "jixiao.reports.render.pdf:PdfRenderer",
    "xlsx": "jixiao.reports.render.excel:ExcelRenderer",
}


#: Renderers laid out from the HTML template, which take ``template_dir``.
TEMPLATED: frozenset[str] = frozenset({"html", "pdf"})


def get_renderer(identifier: str, template_dir: Path | None = None) -> Renderer:
    """The renderer ``identifier``; ``template_dir`` customises the HTML (and so the PDF)."""
    module_name, _, class_name = RENDERERS[identifier].partition(":")
    cls = getattr(importlib.import_module(module_name), class_name)
    if identifier in TEMPLATED:
        return cls(template_dir)  # type: ignore[no-any-return]
    return cls()  # type: ignore[no-any-return]
