"""Text out of a report file: ``.txt``/``.md``, ``.docx`` (paragraphs and tables), ``.pdf``.

Each format is a small class behind one contract (``identifier``, Chinese
``verbose_name``, ``suffixes``, ``extract(data, name) -> list[str]``), chosen by suffix
or, failing that, by the file's first bytes. Anything that is not a readable report —
empty, binary, encrypted, corrupt, a scan without a text layer, too large — raises
:class:`AuditInputError` with a Chinese message; never anything else.

For ``.docx`` each paragraph is one line and each table row one line with its cells
separated by tabs, in document order, so findings can name the paragraph or row.

A ``.pdf``'s text layer is read by the first of :data:`PDF_READERS` that can: poppler's
``pdftotext`` (a system package, run as a process), then PDFium, then pypdf.
"""

from __future__ import annotations

import html
import io
import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar, NamedTuple, Protocol

from jixiao.audit.poppler import (
    ARGUMENTS,
    MAX_BYTES,
    MAX_CHARS,
    MAX_TEXT_BYTES,
    PopplerRun,
    take_read_ahead,
)

if TYPE_CHECKING:
    from docx.document import Document as DocxDocument
    from docx.table import Table as DocxTable

#: A .docx is a zip: its XML parts (the text, styles, numbering) may unpack to at most this
#: (a 300-page report's document.xml is 10–20 MB), and all its parts together to at most
#: this — checked in the zip directory before anything is unpacked.
MAX_UNPACKED_XML = 64 * 1024 * 1024
MAX_UNPACKED = 2 * MAX_BYTES
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
        _check_unpacked_sizes(data, name)
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


def _check_unpacked_sizes(data: bytes, name: str) -> None:
    """Refuse a package whose parts unpack to more than the limits, before reading any.

    The sizes are the zip directory's own: Python's zip reader never returns more than an
    entry's declared size, so a part cannot unpack to more than it declares.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            parts = package.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise AuditInputError(name, "无法读取 Word 文件：文件已损坏或不是 .docx 格式") from None
    xml = sum(p.file_size for p in parts if p.filename.lower().endswith((".xml", ".rels")))
    total = sum(p.file_size for p in parts)
    mb = 1024 * 1024
    if xml > MAX_UNPACKED_XML or total > MAX_UNPACKED:
        size, limit = (xml, MAX_UNPACKED_XML) if xml > MAX_UNPACKED_XML else (total, MAX_UNPACKED)
        raise AuditInputError(
            name,
            f"Word 文件解压后过大（{size / mb:,.0f} MB，上限 {limit // mb} MB），"
            "可能是异常或恶意构造的文件，未读取",
        )


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


class PdfReader(Protocol):
    """One way to read a PDF's text layer: each page's text, or None when this reader
    cannot (not installed, or the file is beyond it), so that the next reader tries.
    :class:`AuditInputError` when the file is definitely unreadable (a password)."""

    identifier: ClassVar[str]
    verbose_name: ClassVar[str]

    def pages(self, data: bytes, name: str) -> list[str] | None: ...


class PopplerReader:
    """poppler's ``pdftotext`` (poppler-utils, a system package), run as a process.

    The fastest reader measured (``benchmarks/bench_audit_pdf.py``): the text layer of the
    77-page benchmark PDF in about half the CPU time of PDFium. It runs in ``-raw`` mode
    (the text in the order the page draws it), which is what PDFium's text follows: on the
    real-report corpus typeset as PDFs and on jixiao's own rendered reports the audit
    finds exactly what it finds in PDFium's text (test). Its other modes read tables
    worse: ``-layout`` puts a table's columns side by side on one line, mixing the
    sentences of its text cells (a repeated figure in a rendered report was lost); the
    default (reading order) mode separates each cell into a block of its own, so a
    continued table's row tail ("0 得满分。") joined the wrong item (a false error).

    The argument list is fixed and the PDF goes in through standard input, so no
    user-supplied name ever reaches a command line; the output is read up to a bound and
    the process is killed after :data:`POPPLER_TIMEOUT`. Not installed, failing (a
    password, a damaged file) or too slow: None, and PDFium tries.
    """

    identifier: ClassVar[str] = "poppler"
    verbose_name: ClassVar[str] = "poppler（pdftotext）"
    arguments: ClassVar[tuple[str, ...]] = ARGUMENTS

    def pages(self, data: bytes, name: str) -> list[str] | None:
        run = take_read_ahead(data) or PopplerRun.start(data)
        if run is None:
            return None
        (code, output), words = run.result()
        if len(output) > MAX_TEXT_BYTES:
            raise AuditInputError(name, f"文字过多（超过 {MAX_CHARS:,} 字）")
        if code != 0:
            return None
        # pdftotext ends every page with a form feed, after the page's last line break.
        pages = output.decode("utf-8", errors="replace").split("\f")
        pages = [page.removesuffix("\n") for page in pages[:-1]]
        boxes = _words(*words)
        if boxes is not None and len(boxes) == len(pages):
            pages = [_rejoin(page, words) for page, words in zip(pages, boxes, strict=True)]
        return pages


def _words(code: int, output: bytes) -> list[list[_Word]] | None:
    """Each page's words with their boxes (``-raw -bbox``), in the same (drawing) order as the
    text; None when that run failed."""
    if code != 0 or len(output) > 4 * MAX_TEXT_BYTES:
        return None
    text = output.decode("utf-8", errors="replace")
    return [
        [
            _Word(float(x0), float(y0), float(x1), float(y1), html.unescape(word))
            for x0, y0, x1, y1, word in _WORD_BOX.findall(page)
        ]
        for page in text.split("<page ")[1:]
    ]


class _Word(NamedTuple):
    """A word of ``-raw -bbox`` and its box (a tuple: a long PDF has thousands)."""

    x_min: float
    y_min: float
    x_max: float
    y_max: float
    text: str


_WORD_BOX = re.compile(
    r'<word xMin="([-\d.]+)" yMin="([-\d.]+)" xMax="([-\d.]+)" yMax="([-\d.]+)">([^<]*)</word>'
)


def _rejoin(page: str, words: list[_Word]) -> str:
    """``page`` (``-raw`` text) with the lines poppler broke inside a printed line joined.

    poppler's raw mode starts a new line when a word begins more than 0.2 em left of the
    end of the word before it. A typesetter that sets Chinese punctuation half-width
    (Typst does, at a line's end and to fit a justified line: “入0.47%；事业收入…”) draws
    the next character over the rest of the punctuation's full-width box, so one printed
    line came out as several, and a sum split over them lost a part. Two words on the same
    baseline, the second starting inside the first's box, are one line: the break between
    them is taken out. Every other break and space is poppler's. The words of ``-raw
    -bbox`` are those of ``-raw`` in the same order; where they do not match, the page is
    left as poppler gave it.
    """
    out: list[str] = []
    position = 0
    previous: _Word | None = None
    for word in words:
        found = page.find(word.text, position) if word.text else -1
        if found < 0 or page[position:found].strip(" \n"):
            return page  # not the same words: keep poppler's text
        separator = page[position:found]
        if previous is not None and separator == "\n" and _same_line(previous, word):
            separator = ""
        out.append(separator)
        out.append(word.text)
        position = found + len(word.text)
        previous = word
    out.append(page[position:])
    return "".join(out)


def _same_line(before: _Word, after: _Word) -> bool:
    """``after`` is on ``before``'s baseline and starts inside its box (an overlap)."""
    height = before.y_max - before.y_min
    return (
        abs(after.y_max - before.y_max) < 0.2 * height and before.x_min < after.x_min < before.x_max
    )


class PdfiumReader:
    """PDFium (``pypdfium2``), in process: on a long PDF about the CPU time of poppler's two
    passes; on a short one far less, since it starts no process (importing it costs about
    two poppler starts, once). Its lines follow the page's text lines as poppler's do, and it
    does not break a line where punctuation is set half-width. The reader when poppler is
    not installed or fails; it also says when a file needs a password. With ``max_pages``,
    a longer file is left to the next reader (:data:`FOLDER_PDF_READERS`)."""

    identifier: ClassVar[str] = "pdfium"
    verbose_name: ClassVar[str] = "PDFium（pypdfium2）"

    def __init__(self, max_pages: int | None = None) -> None:
        self.max_pages = max_pages

    def pages(self, data: bytes, name: str) -> list[str] | None:
        import pypdfium2 as pdfium
        import pypdfium2.raw as pdfium_c

        try:
            document = pdfium.PdfDocument(data)
        except pdfium.PdfiumError as error:
            if getattr(error, "err_code", None) == pdfium_c.FPDF_ERR_PASSWORD:
                raise AuditInputError(name, _ENCRYPTED) from None
            return None
        if self.max_pages is not None and len(document) > self.max_pages:
            document.close()
            return None
        try:
            pages = []
            for index in range(len(document)):
                page = document[index]
                textpage = page.get_textpage()
                # PDFium ends lines with CRLF; a form feed or a lone CR would split lines elsewhere.
                text = textpage.get_text_range()
                pages.append(text.replace("\r\n", "\n").replace("\r", "\n"))
                textpage.close()
                page.close()
            return pages
        except pdfium.PdfiumError:
            return None
        finally:
            document.close()


class PypdfReader:
    """pypdf, pure Python: about 5× poppler. The last resort; it reads some damaged files
    that PDFium refuses."""

    identifier: ClassVar[str] = "pypdf"
    verbose_name: ClassVar[str] = "pypdf"

    def pages(self, data: bytes, name: str) -> list[str] | None:
        try:
            from pypdf import PdfReader as Pypdf

            reader = Pypdf(io.BytesIO(data))
            if reader.is_encrypted and not reader.decrypt(""):
                raise AuditInputError(name, _ENCRYPTED)
            return [page.extract_text() or "" for page in reader.pages]
        except AuditInputError:
            raise
        except Exception:  # pypdf raises many types on a corrupt or truncated file
            return None


_ENCRYPTED = "PDF 已加密，无法读取文字；请提供未加密的文件"

#: The PDF readers, tried in this order until one reads the file (chosen by measurement:
#: ``benchmarks/bench_audit_pdf.py``; each fallback is tested by really running it).
PDF_READERS: tuple[PdfReader, ...] = (PopplerReader(), PdfiumReader(), PypdfReader())

#: Pages up to which a PDF of a folder is read by PDFium first (speed: poppler runs twice
#: per PDF, text and word boxes, and each run starts a process — about 7 ms of CPU before a
#: page is read; PDFium, once imported, reads a 3-page report in a third of that and a
#: 39-page one in about the same CPU as poppler's two runs: docs/performance.md).
SHORT_PDF_PAGES = 30

#: PDFs in one batch from which the folder's readers are used: importing PDFium costs about
#: what two poppler runs of a short PDF save, three or four times over.
FOLDER_PDFS = 5

#: The readers for the PDFs of a folder of at least :data:`FOLDER_PDFS` PDFs (``jixiao audit
#: FOLDER``, :func:`jixiao.audit.batch.audit_files`): PDFium for a short PDF, then the same
#: order as one file. Poppler's and PDFium's lines
#: give the same findings (tests/audit/test_audit_pdf_readers.py), so a report's findings do
#: not depend on whether it is audited alone or in a folder (tests/audit/test_audit_folder_readers.py).
FOLDER_PDF_READERS: tuple[PdfReader, ...] = (PdfiumReader(max_pages=SHORT_PDF_PAGES), *PDF_READERS)


def pdf_pages(data: bytes, name: str, readers: Sequence[PdfReader] = PDF_READERS) -> list[str]:
    """Each page's text, by the first of ``readers`` that can read the file."""
    for reader in readers:
        pages = reader.pages(data, name)
        if pages is not None:
            return pages
    raise AuditInputError(name, "无法读取 PDF 文件：文件已损坏或不是 PDF 格式")


class PdfExtractor:
    """The text layer of a PDF, by the first of :data:`PDF_READERS` that reads it."""

    identifier: ClassVar[str] = "pdf"
    verbose_name: ClassVar[str] = "PDF（文字层）"
    suffixes: ClassVar[tuple[str, ...]] = (".pdf",)

    def extract(
        self, data: bytes, name: str, readers: Sequence[PdfReader] = PDF_READERS
    ) -> Extracted:
        pages = pdf_pages(data, name, readers)
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


def extract_bytes(
    data: bytes, name: str, pdf_readers: Sequence[PdfReader] = PDF_READERS
) -> Extracted:
    """The text lines of a report given as bytes (``name`` picks the format; a PDF is read
    by the first of ``pdf_readers`` that can)."""
    if not data.strip():
        raise AuditInputError(name, "文件为空，没有可审核的文字")
    if len(data) > MAX_BYTES:
        raise AuditInputError(
            name, f"文件过大（{len(data) // 1024 // 1024} MB，上限 {MAX_BYTES // 1024 // 1024} MB）"
        )
    extractor = extractor_for(name, data)
    if isinstance(extractor, PdfExtractor):
        return extractor.extract(data, name, pdf_readers)
    return extractor.extract(data, name)


def extract_file(path: Path, pdf_readers: Sequence[PdfReader] = PDF_READERS) -> Extracted:
    """The text lines of the report at ``path``; :class:`AuditInputError` if unreadable."""
    name = str(path)
    if not path.exists():
        raise AuditInputError(name, "文件不存在")
    if path.is_dir():
        raise AuditInputError(name, "这是一个目录，不是报告文件")
    too_large = f"文件过大（上限 {MAX_BYTES // 1024 // 1024} MB）"
    if path.stat().st_size > MAX_BYTES:
        raise AuditInputError(name, too_large)
    try:
        # At most one byte past the limit: a device or a pipe reports size 0 to stat.
        with path.open("rb") as stream:
            data = stream.read(MAX_BYTES + 1)
    except OSError as error:
        raise AuditInputError(name, f"无法读取文件：{error.strerror or error}") from None
    if len(data) > MAX_BYTES:
        raise AuditInputError(name, too_large)
    return extract_bytes(data, name, pdf_readers)


#: Characters that make up most of any Chinese report (the commonest characters of written
#: Chinese and of budget texts; most are written the same in Simplified and Traditional).
#: Real text decoded with the right codec is mostly these; bytes decoded with the wrong one
#: (Big5 read as GB18030, or the reverse) give rare characters instead.
_COMMON = frozenset(
    "的一是不了人我在有他这中大来上国个到说们为子和你地出道也时年得就那要下以生会自着去之过"
    "家学对可她里后小么心多天而能好都然没日于起还发成事只作当想看文无开手十用主行方又如前所本"
    "见经头面公同三已老从动两长知民样现分将外但身些与高意进把法此实回二理美点月明其种声全工己"
    "话儿者向情部正名定女问力机给等几很业最间新什打便位因重被走电四第门相次东政海口使教西再平"
    "真听世气信北少关并内加化由却代军产入先山五太水万市眼体别处总才场师书比住员九笑性通目华报"
    "立马命张活难神数件安表原车白应路期叫死常提感金何更反合放做系计或司利受光王果亲界及今京务"
    "制解各任至清物台象记边共风战干接它许八特觉望直服毛林题建南度统色字请交爱让认算论百吃义科"
    "怎元社术结六功指思非流每青管夫连远资队跟带花快条院变联言权往展该领传近留红治决周保达办运"
    "武半候七必城父强步完革深区即求品士转量空甚众技轻程告江语英基派满式李息写呢识极令黄德收脸"
    "钱党倒未持取设始版双历越史商千片容研像找友孩站广改议形委早房音火际则首单据导影失拿网香似"
    "斯专石若兵弟谁校读志飞观争究包组造落视济喜离虽坏兴愿突费支预绩效项目增减占比"
)
#: Below this share of common characters (among at least :data:`_MIN_HAN` Chinese
#: characters) a decoding is garbage.
_MIN_COMMON_SHARE = 0.2
_MIN_HAN = 20
_HAN = re.compile(r"[\u4e00-\u9fff]")


def _common_share(text: str) -> tuple[float, int]:
    """(share of common characters among the Chinese characters, how many there are)."""
    han = _HAN.findall(text)
    if not han:
        return 0.0, 0
    return sum(1 for c in han if c in _COMMON) / len(han), len(han)


def _decode(data: bytes, encoding: str) -> str | None:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        return None


def decode_text(data: bytes, name: str) -> str:
    """The text of a ``.txt``/``.md`` file in the encodings Chinese offices save text in.

    UTF-8 (with or without BOM), UTF-16 (with BOM, or without one when the NUL bytes of
    its ASCII say so), GBK/GB18030. A Big5 (Traditional Chinese) file is recognised and
    refused with a message saying so, since the rules read Simplified Chinese; bytes that
    decode only to garbage in every candidate encoding are refused too (never audited as
    a report with nothing in it).
    """
    for bom, encoding in (
        (b"\xef\xbb\xbf", "utf-8-sig"),
        (b"\xff\xfe", "utf-16"),
        (b"\xfe\xff", "utf-16"),
    ):
        if data.startswith(bom):
            text = _decode(data, encoding)
            if text is None:
                raise AuditInputError(
                    name,
                    f"文字编码有误：文件以 {encoding.upper()} 标记开头，但内容无法按此编码读取",
                )
            return text
    if b"\x00" in data:
        return _decode_utf16_without_bom(data, name)
    text = _decode(data, "utf-8")
    if text is not None:
        return text
    candidates = {enc: t for enc in ("gb18030", "big5") if (t := _decode(data, enc)) is not None}
    scored = {enc: _common_share(t) for enc, t in candidates.items()}
    best = max(scored, key=lambda enc: scored[enc][0], default=None)
    if best is not None and scored[best][1] < _MIN_HAN and best == "gb18030":
        return candidates[best]  # too little Chinese to judge: GB18030 reads any GBK text
    if best is None or scored[best][0] < _MIN_COMMON_SHARE:
        raise AuditInputError(
            name, "无法识别文字编码（解码后为乱码）；请将文件另存为 UTF-8 编码的文本后再审核"
        )
    if best == "big5":
        raise AuditInputError(
            name,
            "文件为繁体中文 Big5 编码；本工具按简体中文审核，请转换为简体中文并另存为 UTF-8 编码后再审核",
        )
    return candidates[best]


def _decode_utf16_without_bom(data: bytes, name: str) -> str:
    """UTF-16 saved without a byte-order mark: the NUL bytes of its ASCII characters say
    which byte order; anything else with NUL bytes is binary."""
    if len(data) % 2 == 0:
        even, odd = data[0::2].count(0), data[1::2].count(0)
        encoding = "utf-16-le" if odd > even else "utf-16-be"
        text = _decode(data, encoding)
        if text is not None and "\x00" not in text:
            share, han = _common_share(text)
            if han == 0 or share >= _MIN_COMMON_SHARE:
                return text
    raise AuditInputError(name, "不是文本文件（含二进制内容）；支持 .txt、.md、.docx、.pdf")


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
