"""Text out of a report file: ``.txt``/``.md``, ``.docx`` (paragraphs and tables), ``.pdf``.

Each format is a small class behind one contract (``identifier``, Chinese
``verbose_name``, ``suffixes``, ``extract(data, name) -> list[str]``), chosen by suffix
or, failing that, by the file's first bytes. Anything that is not a readable report —
empty, binary, encrypted, corrupt, a scan without a text layer, too large — raises
:class:`AuditInputError` with a Chinese message; never anything else.

For ``.docx`` each paragraph is one line and each table row one line with its cells
separated by tabs, in document order, so findings can name the paragraph or row.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar, Protocol

if TYPE_CHECKING:
    from docx.document import Document as DocxDocument
    from docx.table import Table as DocxTable

#: Larger files are refused: a 300-page report is a few MB as .docx or .pdf.
MAX_BYTES = 50 * 1024 * 1024
#: …and so is more text than this (about 3,000 pages).
MAX_CHARS = 3_000_000
#: Share of control characters above which "text" is binary junk.
_MAX_CONTROL_SHARE = 0.01
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f\ufffd]")
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # encrypted .docx and old .doc are OLE containers


class AuditInputError(Exception):
    """The file cannot be audited; ``message`` says why, in Chinese."""

    def __init__(self, location: str, message: str) -> None:
        super().__init__(f"{location}：{message}")
        self.location = location
        self.message = message


@dataclass(frozen=True)
class Extracted:
    lines: list[str]
    pages: int | None = None  #: for PDF; None when the format has no pages


class Extractor(Protocol):
    identifier: ClassVar[str]
    verbose_name: ClassVar[str]
    suffixes: ClassVar[tuple[str, ...]]

    def extract(self, data: bytes, name: str) -> Extracted: ...


class TextExtractor:
    identifier: ClassVar[str] = "text"
    verbose_name: ClassVar[str] = "纯文本 / Markdown"
    suffixes: ClassVar[tuple[str, ...]] = (".txt", ".md", ".markdown", ".text")

    def extract(self, data: bytes, name: str) -> Extracted:
        text = decode_text(data, name)
        return Extracted(_checked_text(text, name).splitlines())


class DocxExtractor:
    identifier: ClassVar[str] = "docx"
    verbose_name: ClassVar[str] = "Word 文档（.docx）"
    suffixes: ClassVar[tuple[str, ...]] = (".docx",)

    def extract(self, data: bytes, name: str) -> Extracted:
        if data.startswith(_OLE):
            raise AuditInputError(
                name, "文件已加密，或是旧版 .doc 格式；请另存为未加密的 .docx 后再审核"
            )
        try:
            import docx

            document = docx.Document(io.BytesIO(data))
            lines = list(_docx_lines(document))
        except AuditInputError:
            raise
        except Exception:  # python-docx/lxml raise many types on a broken package
            raise AuditInputError(name, "无法读取 Word 文件：文件已损坏或不是 .docx 格式") from None
        _checked_text("\n".join(lines), name)
        return Extracted(lines)


def _docx_lines(document: DocxDocument) -> list[str]:
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    lines: list[str] = []
    body = document.element.body
    for child in body.iterchildren():
        tag = child.tag.rpartition("}")[2]
        if tag == "p":
            lines.append(Paragraph(child, document).text)
        elif tag == "tbl":
            lines += _table_lines(Table(child, document))
    return lines


def _table_lines(table: DocxTable) -> list[str]:
    lines = []
    for row in table.rows:
        seen: list[object] = []
        cells = []
        for cell in row.cells:
            if any(cell._tc is s for s in seen):  # a merged cell repeats; keep it once
                continue
            seen.append(cell._tc)
            cells.append(" ".join(cell.text.split()))
        lines.append("\t".join(cells))
    return lines


class PdfExtractor:
    identifier: ClassVar[str] = "pdf"
    verbose_name: ClassVar[str] = "PDF（文字层）"
    suffixes: ClassVar[tuple[str, ...]] = (".pdf",)

    def extract(self, data: bytes, name: str) -> Extracted:
        try:
            from pypdf import PdfReader

            reader = PdfReader(io.BytesIO(data))
            if reader.is_encrypted and not reader.decrypt(""):
                raise AuditInputError(name, "PDF 已加密，无法读取文字；请提供未加密的文件")
            pages = [page.extract_text() or "" for page in reader.pages]
        except AuditInputError:
            raise
        except Exception:  # pypdf raises many types on a corrupt or truncated file
            raise AuditInputError(name, "无法读取 PDF 文件：文件已损坏或不是 PDF 格式") from None
        text = "\n".join(pages)
        if not text.strip():
            raise AuditInputError(
                name, "PDF 没有文字层（可能是扫描件），请先做文字识别（OCR）后再审核"
            )
        return Extracted(_checked_text(text, name).splitlines(), len(pages))


#: Extractors in the order suffixes are tried; sniffing falls back to text.
EXTRACTORS: tuple[Extractor, ...] = (TextExtractor(), DocxExtractor(), PdfExtractor())


def extractor_for(name: str, data: bytes) -> Extractor:
    suffix = Path(name).suffix.lower()
    for extractor in EXTRACTORS:
        if suffix in extractor.suffixes:
            return extractor
    if data.startswith(b"%PDF"):
        return EXTRACTORS[2]
    if data.startswith((b"PK\x03\x04", _OLE)):
        return EXTRACTORS[1]
    return EXTRACTORS[0]


def extract_bytes(data: bytes, name: str) -> Extracted:
    """The text lines of a report given as bytes (``name`` picks the format)."""
    if not data.strip():
        raise AuditInputError(name, "文件为空，没有可审核的文字")
    if len(data) > MAX_BYTES:
        raise AuditInputError(
            name, f"文件过大（{len(data) // 1024 // 1024} MB，上限 {MAX_BYTES // 1024 // 1024} MB）"
        )
    return extractor_for(name, data).extract(data, name)


def extract_file(path: Path) -> Extracted:
    """The text lines of the report at ``path``; :class:`AuditInputError` if unreadable."""
    name = str(path)
    if not path.exists():
        raise AuditInputError(name, "文件不存在")
    if path.is_dir():
        raise AuditInputError(name, "这是一个目录，不是报告文件")
    if path.stat().st_size > MAX_BYTES:
        raise AuditInputError(name, f"文件过大（上限 {MAX_BYTES // 1024 // 1024} MB）")
    try:
        data = path.read_bytes()
    except OSError as error:
        raise AuditInputError(name, f"无法读取文件：{error.strerror or error}") from None
    return extract_bytes(data, name)


def decode_text(data: bytes, name: str) -> str:
    """UTF-8 (with or without BOM), UTF-16 with BOM, or GB18030, as Chinese offices save text."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        encodings: tuple[str, ...] = ("utf-16",)
    else:
        if b"\x00" in data:
            raise AuditInputError(name, "不是文本文件（含二进制内容）；支持 .txt、.md、.docx、.pdf")
        encodings = ("utf-8-sig", "gb18030")
    for encoding in encodings:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise AuditInputError(name, "无法识别文字编码（支持 UTF-8、UTF-16、GB18030）")


def _checked_text(text: str, name: str) -> str:
    if not text.strip():
        raise AuditInputError(name, "文件中没有文字")
    if len(text) > MAX_CHARS:
        raise AuditInputError(name, f"文字过多（{len(text):,} 字，上限 {MAX_CHARS:,} 字）")
    controls = len(_CONTROL.findall(text))
    if controls > max(1, len(text) * _MAX_CONTROL_SHARE):
        raise AuditInputError(
            name, "不是可读的文本（含大量控制字符或乱码）；支持 .txt、.md、.docx、.pdf"
        )
    return text
