"""Report renderers behind one contract, and the registry that finds them.

Each renderer is a small class with an ``identifier`` (``docx``), a Chinese
``verbose_name``, the file ``suffix`` and ``media_type`` of what it makes, and
``render(model) -> bytes``. Renderers only lay out a
:class:`~jixiao.reports.model.ReportModel`; they compute nothing and write no file:
the caller (the command line, a web view, a background task) decides where the bytes
go. :class:`Rendered` is one finished file: its name, media type and bytes.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar, Protocol

from jixiao.lib.registry import Registry
from jixiao.reports.model import ReportModel


@dataclass(frozen=True)
class Rendered:
    """One rendered file: ``广东省科学技术厅2023年度部门整体支出绩效自评报告.pdf``, its media type, its bytes."""

    filename: str
    media_type: str
    data: bytes

    def write_to(self, path: Path) -> None:
        """Write the bytes to ``path`` (for ``write_atomically(path, rendered.write_to)``)."""
        path.write_bytes(self.data)

    def __repr__(self) -> str:  # the bytes would flood a log or a failing test's output
        return f"Rendered({self.filename!r}, {self.media_type!r}, {len(self.data)} bytes)"


class Renderer(Protocol):
    identifier: ClassVar[str]
    verbose_name: ClassVar[str]
    suffix: ClassVar[str]
    media_type: ClassVar[str]

    def render(self, model: ReportModel) -> bytes: ...


#: identifier → "module:Class" with its Chinese name; imported on first use (Typst and
#: python-docx are slow to import, and reading the registry must not load them).
RENDERERS: Registry[str] = Registry("报告格式")
RENDERERS.add("docx", "Word 文档", "jixiao.reports.render.word:WordRenderer")
RENDERERS.add("html", "网页", "jixiao.reports.render.html_page:HtmlRenderer")
RENDERERS.add("pdf", "PDF 文档", "jixiao.reports.render.pdf:PdfRenderer")
RENDERERS.add("xlsx", "Excel 工作簿", "jixiao.reports.render.excel:ExcelRenderer")

#: Renderers laid out from the HTML template, which take ``template_dir`` (the PDF is laid
#: out by Typst from its own template: a custom HTML template restyles the HTML only).
TEMPLATED: frozenset[str] = frozenset({"html"})

__all__ = ["RENDERERS", "Rendered", "Renderer", "get_renderer"]


def get_renderer(identifier: str, template_dir: Path | None = None) -> Renderer:
    """The renderer ``identifier``; ``template_dir`` customises the HTML."""
    module_name, _, class_name = RENDERERS[identifier].partition(":")
    cls = getattr(importlib.import_module(module_name), class_name)
    if identifier in TEMPLATED:
        return cls(template_dir)  # type: ignore[no-any-return]
    return cls()  # type: ignore[no-any-return]
