"""Look inside an ``.xlsx`` before python-calamine reads it: limits, and what Excel shows.

python-calamine is fast, but it allocates one cell for every position of a sheet's used
range (one value at ``XFD1048576`` asks for 512 GB and aborts the process), decompresses
whatever the zip declares (a 4.5 MB workbook can hold 1.5 GB of shared strings), and
returns what the file *stores* rather than what Excel *shows*: a formula with no cached
result and an error value (``#DIV/0!``) both come back blank, and ``50%`` comes back as
``0.5``. This module reads the zip's directory and each sheet's XML once, with bounded
memory, and returns

- the problems that stop the read (too large, a zip bomb, encrypted, not a workbook), and
- per sheet, the cells whose value must be replaced: a :class:`~jixiao.dataset.build.CellProblem`
  (a formula without result, an error value, a number format that scales the value) or a
  :class:`~jixiao.dataset.build.Percent` (a percent-formatted number, as shown: 50 for 50%).

Most workbooks take the fast path: byte-level regular expressions over the sheet XML
(every cell carries its ``r="B7"`` reference, as Excel, WPS, LibreOffice and openpyxl
write). A sheet that omits references or uses a namespace prefix is read with expat,
counting positions the way calamine does.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import PurePosixPath
from typing import Any
from xml.etree import ElementTree

from jixiao.dataset.build import CellProblem, DatasetError, InputError, Percent
from jixiao.io.limits import ReadLimits, size_text

_MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"

NOT_A_WORKBOOK = (
    "不是有效的 Excel 工作簿（文件已损坏，或不是 .xlsx 格式；请用 Excel 另存为 .xlsx 后再导入）"
)
ENCRYPTED = "工作簿已加密（设有打开密码）；请在 Excel 中取消密码（文件→信息→保护工作簿）并另存为 .xlsx 后再导入"
LEGACY_XLS = "这是旧版 Excel 97-2003 工作簿（.xls）；请在 Excel 或 WPS 中“另存为”Excel 工作簿（.xlsx）后再导入"
NO_RESULT = "公式{formula}没有计算结果（文件未经 Excel 计算保存）；请在 Excel 中打开、保存后再导入"
ERROR_VALUE = "单元格显示错误值“{value}”（公式出错）；请在 Excel 中改正后再导入"
SCALED = "数字格式“{code}”会按千位缩放显示的数值；请把该单元格改为常规或数值格式后再导入"

#: Built-in number formats that show a percentage (0%, 0.00%).
_PERCENT_BUILTINS = frozenset({9, 10})
_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


@dataclass
class SheetScan:
    """What the scan found in one worksheet."""

    name: str
    #: (0-based row, 0-based column) → the value to use instead of calamine's.
    cells: dict[tuple[int, int], object] = field(default_factory=dict)
    #: cells of the used range (rows × columns), as calamine will allocate them
    area: int = 0


def sniff_container(data: bytes) -> str | None:
    """``"zip"``, a refusal message for an OLE2 file (encrypted workbook, .xls, .doc), or None."""
    if data.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return "zip"
    if data.startswith(_OLE2_MAGIC):
        if "EncryptedPackage".encode("utf-16-le") in data:
            return ENCRYPTED
        if "WordDocument".encode("utf-16-le") in data:
            return "这是旧版 Word 文档（.doc），不是数据集工作簿；请用 jixiao template 生成的 .xlsx 填报"
        return LEGACY_XLS
    return None


def scan_workbook(data: bytes, name: str, limits: ReadLimits) -> dict[str, SheetScan]:
    """Check ``data`` (an .xlsx) against ``limits`` and find the cells to replace.

    Raises :class:`DatasetError` naming ``name`` (and the sheet) when the workbook must
    not be read further.
    """

    def refuse(message: str, where: str = name) -> DatasetError:
        return DatasetError([InputError(where, message)])

    try:
        book = zipfile.ZipFile(io.BytesIO(data))
        infos = book.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError):
        raise refuse(NOT_A_WORKBOOK) from None
    if len(infos) > limits.zip_entries:
        raise refuse(f"工作簿内含 {len(infos):,} 个文件，超过上限 {limits.zip_entries:,}")
    names = {info.filename for info in infos}
    if "word/document.xml" in names:
        raise refuse(
            "这是 Word 文档（.docx），不是数据集工作簿；请用 jixiao template 生成的 .xlsx 填报"
        )
    if "mimetype" in names and "content.xml" in names:
        raise refuse(
            "这是 OpenDocument 表格（.ods）；请在 WPS 或 LibreOffice 中另存为 Excel 工作簿（.xlsx）后再导入"
        )
    if any(info.flag_bits & 0x1 for info in infos):
        raise refuse(ENCRYPTED)
    total = 0
    for info in infos:
        if info.file_size > limits.part_bytes:
            raise refuse(
                f"工作簿中的“{info.filename}”解压后有 {size_text(info.file_size)}，"
                f"超过单个部件上限 {size_text(limits.part_bytes)}（可能是恶意构造的压缩炸弹）"
            )
        total += info.file_size
    if total > limits.workbook_bytes:
        raise refuse(
            f"工作簿解压后共 {size_text(total)}，超过上限 {size_text(limits.workbook_bytes)}"
            "（可能是恶意构造的压缩炸弹）"
        )
    scanner = _Scanner(book, name, limits)
    try:
        return scanner.scan()
    except (DatasetError, MemoryError, RecursionError):
        raise
    except Exception:  # a damaged zip or XML fails in many ways (zlib.error, BadZipFile …)
        raise refuse(NOT_A_WORKBOOK) from None


class _Scanner:
    def __init__(self, book: zipfile.ZipFile, name: str, limits: ReadLimits) -> None:
        self.book = book
        self.name = name
        self.limits = limits

    def read(self, part: str) -> bytes:
        """A part's bytes, never more than the declared (and checked) size; a part whose
        content is longer than declared fails its CRC check (``BadZipFile``)."""
        info = self.book.getinfo(part)
        with self.book.open(info) as stream:
            content = stream.read(self.limits.part_bytes + 1)
        if len(content) > self.limits.part_bytes:
            raise DatasetError([InputError(self.name, f"工作簿中的“{part}”过大")])
        if b"<!DOCTYPE" in content[:4096] or b"<!ENTITY" in content[:65536]:
            raise DatasetError(
                [InputError(self.name, f"工作簿中的“{part}”含有 XML 文档类型声明（DTD），拒绝读取")]
            )
        return content

    def check_all_parts(self, skip: set[str]) -> None:
        """Decompress every other part in chunks: a declared size that lies is caught
        here (CRC), before calamine trusts it."""
        for info in self.book.infolist():
            if info.filename in skip or info.is_dir():
                continue
            with self.book.open(info) as stream:
                read = 0
                while chunk := stream.read(1 << 20):
                    read += len(chunk)
                    if read > self.limits.part_bytes:
                        raise DatasetError(
                            [InputError(self.name, f"工作簿中的“{info.filename}”过大")]
                        )

    def scan(self) -> dict[str, SheetScan]:
        sheets = self.sheet_parts()
        percent, scaled = self.styles()
        result: dict[str, SheetScan] = {}
        total = 0
        for sheet_name, part in sheets:
            if part not in self.book.NameToInfo:
                continue  # calamine reports a missing sheet part
            xml = self.read(part)
            scan = _scan_sheet(xml, sheet_name, percent, scaled)
            if scan.area > self.limits.sheet_cells:
                raise DatasetError(
                    [
                        InputError(
                            sheet_name,
                            f"工作表“{sheet_name}”的使用区域有 {scan.area:,} 个单元格"
                            f"（从第一个到最后一个有值的单元格），超过上限 {self.limits.sheet_cells:,}；"
                            "请删除远处无用的单元格（如 Ctrl+End 所到之处）后再导入",
                        )
                    ]
                )
            total += scan.area
            result[sheet_name] = scan
        if total > self.limits.workbook_cells:
            raise DatasetError(
                [
                    InputError(
                        self.name,
                        f"工作簿各表的使用区域共 {total:,} 个单元格，超过上限 {self.limits.workbook_cells:,}",
                    )
                ]
            )
        self.check_all_parts({part for _, part in sheets})
        return result

    # -- workbook structure ---------------------------------------------------------

    def xml(self, part: str) -> ElementTree.Element:
        return ElementTree.fromstring(self.read(part))

    def workbook_part(self) -> str:
        if "_rels/.rels" in self.book.NameToInfo:
            for rel in self.xml("_rels/.rels").iter(f"{{{_PKG_REL_NS}}}Relationship"):
                if rel.get("Type", "").endswith("/officeDocument"):
                    return _resolve("", rel.get("Target", ""))
        return "xl/workbook.xml"

    def sheet_parts(self) -> list[tuple[str, str]]:
        """(sheet name, zip part) of every worksheet, in workbook order."""
        workbook = self.workbook_part()
        if workbook not in self.book.NameToInfo:
            raise DatasetError([InputError(self.name, NOT_A_WORKBOOK)])
        base = str(PurePosixPath(workbook).parent)
        rels_part = f"{base}/_rels/{PurePosixPath(workbook).name}.rels"
        targets: dict[str, str] = {}
        if rels_part in self.book.NameToInfo:
            for rel in self.xml(rels_part).iter(f"{{{_PKG_REL_NS}}}Relationship"):
                targets[rel.get("Id", "")] = _resolve(base, rel.get("Target", ""))
        sheets = []
        for sheet in self.xml(workbook).iter(f"{{{_MAIN_NS}}}sheet"):
            rel_id = sheet.get(f"{{{_REL_NS}}}id", "")
            if rel_id in targets:
                sheets.append((sheet.get("name", ""), targets[rel_id]))
        self.styles_part = next(
            (t for t in targets.values() if t.endswith("styles.xml")), f"{base}/styles.xml"
        )
        return sheets

    def styles(self) -> tuple[dict[int, str], dict[int, str]]:
        """Style indices (``s="3"``) whose number format shows a percentage, and those
        that scale the value by thousands (``#,##0,``) → the format code."""
        percent: dict[int, str] = {}
        scaled: dict[int, str] = {}
        part = getattr(self, "styles_part", "xl/styles.xml")
        if part not in self.book.NameToInfo:
            return percent, scaled
        root = self.xml(part)
        codes: dict[int, str] = {}
        for fmt in root.iter(f"{{{_MAIN_NS}}}numFmt"):
            try:
                codes[int(fmt.get("numFmtId", ""))] = fmt.get("formatCode", "")
            except ValueError:
                continue
        xfs = root.find(f"{{{_MAIN_NS}}}cellXfs")
        if xfs is None:
            return percent, scaled
        for index, xf in enumerate(xfs.iter(f"{{{_MAIN_NS}}}xf")):
            try:
                fmt_id = int(xf.get("numFmtId", "0"))
            except ValueError:
                continue
            code = codes.get(fmt_id, "")
            if fmt_id in _PERCENT_BUILTINS or (code and _shows_percent(code)):
                percent[index] = code or ("0%" if fmt_id == 9 else "0.00%")
            elif code and _scales(code):
                scaled[index] = code
        return percent, scaled


def _resolve(base: str, target: str) -> str:
    """A relationship target as a zip part name (``/xl/a.xml`` or ``worksheets/a.xml``)."""
    if target.startswith("/"):
        return target.lstrip("/")
    parts: list[str] = [p for p in base.split("/") if p]
    for piece in target.split("/"):
        if piece == "..":
            if parts:
                parts.pop()
        elif piece and piece != ".":
            parts.append(piece)
    return "/".join(parts)


_QUOTED = re.compile(r'"[^"]*"|\\.|\[[^\]]*\]|_.|\*.')


def _plain_sections(code: str) -> list[str]:
    """A number format's sections (``pos;neg;zero;text``) with literal text removed."""
    return [_QUOTED.sub("", section) for section in code.split(";")]


def _shows_percent(code: str) -> bool:
    """Whether the first (positive) section multiplies by 100 and shows ``%``."""
    sections = _plain_sections(code)
    return "%" in sections[0]


def _scales(code: str) -> bool:
    """``#,##0,`` and ``0.0,,`` show the value divided by 1,000 per trailing comma."""
    return bool(re.search(r"[0#?],+(?=[^0#?]*$)", _plain_sections(code)[0]))


# --------------------------------------------------------------------------- sheets

_VALUED_REF = re.compile(rb'<c r="([A-Z]{1,3})([0-9]{1,7})"[^>]*(?<!/)>')
_FORMULA_CELL = re.compile(
    rb'<c r="([A-Z]{1,3}[0-9]{1,7})"([^>]*)>'
    rb"(?:<f\b[^>]*/>|<f\b[^>]*>([^<]*)</f>)"
    rb"(<v>[^<]*</v>|<v\s*/>)?"
)
_ERROR_CELL = re.compile(
    rb'<c r="([A-Z]{1,3}[0-9]{1,7})"[^>]*?\bt="e"[^>]*>'
    rb"(?:<f\b[^>]*/>|<f\b[^>]*>[^<]*</f>)?<v>([^<]*)</v>"
)
_REF = re.compile(r"([A-Z]{1,3})([0-9]{1,7})")
#: A cell reference the patterns above would not read (lower case, a sheet prefix …).
_ODD_REF = re.compile(rb'<c r="(?![A-Z]{1,3}[0-9]{1,7}")')


def _column_number(letters: str | bytes) -> int:
    """``A`` → 0, ``Z`` → 25, ``AA`` → 26 (bytes or text)."""
    number = 0
    for ch in letters.decode() if isinstance(letters, bytes) else letters:
        number = number * 26 + ord(ch) - 64
    return number - 1


def _position(ref: bytes | str) -> tuple[int, int]:
    text = ref.decode() if isinstance(ref, bytes) else ref
    match = _REF.fullmatch(text)
    if match is None:
        raise ValueError(text)
    return int(match[2]) - 1, _column_number(match[1])


def _unescape(text: bytes) -> str:
    from html import unescape

    return unescape(text.decode("utf-8", "replace"))


def _scan_sheet(
    xml: bytes, name: str, percent: dict[int, str], scaled: dict[int, str]
) -> SheetScan:
    unprefixed = b"<worksheet" in xml[:2048] and b"<c>" not in xml and b"<c/>" not in xml
    if unprefixed and xml.count(b"<c ") == xml.count(b'<c r="') and _ODD_REF.search(xml) is None:
        return _fast_scan(xml, name, percent, scaled)
    return _expat_scan(xml, name, percent, scaled)


def _fast_scan(xml: bytes, name: str, percent: dict[int, str], scaled: dict[int, str]) -> SheetScan:
    scan = SheetScan(name)
    refs = _VALUED_REF.findall(xml)
    if refs:
        rows = [int(digits) for _, digits in refs]
        cols = [_column_number(letters) for letters in {letters for letters, _ in refs}]
        scan.area = (max(rows) - min(rows) + 1) * (max(cols) - min(cols) + 1)
    if b"<f" in xml:
        for ref, attrs, formula, value_element in _FORMULA_CELL.findall(xml):
            if not _has_result(attrs, value_element):
                scan.cells[_position(ref)] = _no_result(formula)
    if b't="e"' in xml:
        for ref, value in _ERROR_CELL.findall(xml):
            scan.cells[_position(ref)] = CellProblem(
                ERROR_VALUE.format(value=_unescape(value)), _unescape(value)
            )
    for styles, make in ((percent, _percent_marker), (scaled, _scaled_marker)):
        if not styles:
            continue
        indices = b"|".join(str(i).encode() for i in styles)
        pattern = re.compile(
            rb'<c r="([A-Z]{1,3}[0-9]{1,7})"[^>]*?\bs="(' + indices + rb')"[^>]*(?<!/)>'
        )
        for ref, style in pattern.findall(xml):
            scan.cells.setdefault(_position(ref), make(styles[int(style)]))
    return scan


def _has_result(attrs: bytes, value_element: bytes) -> bool:
    """A formula cell has a cached result when its ``<v>`` holds one; an empty ``<v>`` is
    a result only for a text formula (``t="str"``: the empty string)."""
    if not value_element:
        return False  # no <v> at all
    if value_element.startswith(b"<v>") and len(value_element) > len(b"<v></v>"):
        return True
    return b't="str"' in attrs


def _no_result(formula: bytes | str) -> CellProblem:
    text = _unescape(formula) if isinstance(formula, bytes) else formula
    shown = f"“={text[:40]}{'…' if len(text) > 40 else ''}”" if text else ""
    return CellProblem(NO_RESULT.format(formula=shown), f"={text}" if text else "公式")


@dataclass(frozen=True)
class _StyleMarker:
    """A cell's number format, resolved against calamine's value when sheets are merged."""

    kind: str  # "percent" or "scaled"
    code: str


def _percent_marker(code: str) -> _StyleMarker:
    return _StyleMarker("percent", code)


def _scaled_marker(code: str) -> _StyleMarker:
    return _StyleMarker("scaled", code)


def resolve(marker: object, value: Any) -> object:
    """The value to put in the sheet for a scanned cell, given calamine's ``value``."""
    if not isinstance(marker, _StyleMarker):
        return marker
    if not isinstance(value, float | int) or isinstance(value, bool):
        return value  # text in a percent-formatted cell is read as typed
    if marker.kind == "percent":
        return Percent(Decimal(repr(float(value))).scaleb(2).normalize())
    return CellProblem(SCALED.format(code=marker.code), repr(value))


# --------------------------------------------------------------------------- slow path


def _expat_scan(
    xml: bytes, name: str, percent: dict[int, str], scaled: dict[int, str]
) -> SheetScan:
    """Every cell's position the way calamine counts it (a ``<c>`` without ``r`` is the
    next column; a ``<row>`` without ``r`` the next row), for sheets the fast path cannot
    read by pattern."""
    from xml.parsers import expat

    scan = SheetScan(name)
    bounds = [1 << 30, 1 << 30, -1, -1]  # min row, min col, max row, max col
    state: dict[str, Any] = {"row": -1, "col": -1, "cell": None, "text": None}

    def local(tag: str) -> str:
        return tag.rpartition(" ")[2].rpartition(":")[2]

    def start(tag: str, attrs: dict[str, str]) -> None:
        kind = local(tag)
        if kind == "row":
            r = attrs.get("r")
            state["row"] = int(r) - 1 if r and r.isdigit() else state["row"] + 1
            state["col"] = -1
        elif kind == "c":
            ref = attrs.get("r")
            if ref:
                row, col = _position(ref)
                state["row"] = row
            else:
                row, col = state["row"], state["col"] + 1
            state["col"] = col
            state["cell"] = {
                "pos": (row, col),
                "attrs": attrs,
                "f": None,
                "v": None,
                "valued": False,
            }
        elif kind in ("f", "v", "t") and state["cell"] is not None:
            state["text"] = []
            state["cell"]["valued"] = True
            if kind == "f":
                state["cell"]["f"] = ""

    def data(text: str) -> None:
        if state["text"] is not None:
            state["text"].append(text)

    def end(tag: str) -> None:
        kind = local(tag)
        cell = state["cell"]
        if cell is None:
            return
        if kind in ("f", "v", "t") and state["text"] is not None:
            if kind != "t":
                cell[kind] = "".join(state["text"])
            state["text"] = None
        elif kind == "c":
            state["cell"] = None
            if not cell["valued"]:
                return
            row, col = cell["pos"]
            bounds[0], bounds[1] = min(bounds[0], row), min(bounds[1], col)
            bounds[2], bounds[3] = max(bounds[2], row), max(bounds[3], col)
            attrs = cell["attrs"]
            text_result = attrs.get("t") == "str" and cell["v"] == ""
            if cell["f"] is not None and not cell["v"] and not text_result:
                scan.cells[(row, col)] = _no_result(cell["f"])
                return
            if attrs.get("t") == "e":
                value = cell["v"] or ""
                scan.cells[(row, col)] = CellProblem(ERROR_VALUE.format(value=value), value)
                return
            style = attrs.get("s", "")
            if style.isdigit():
                if int(style) in percent:
                    scan.cells[(row, col)] = _percent_marker(percent[int(style)])
                elif int(style) in scaled:
                    scan.cells[(row, col)] = _scaled_marker(scaled[int(style)])

    parser = expat.ParserCreate(namespace_separator=" ")
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = data
    parser.Parse(xml, True)
    if bounds[2] >= 0:
        scan.area = (bounds[2] - bounds[0] + 1) * (bounds[3] - bounds[1] + 1)
    return scan


__all__ = [
    "ENCRYPTED",
    "LEGACY_XLS",
    "NOT_A_WORKBOOK",
    "SheetScan",
    "resolve",
    "scan_workbook",
    "sniff_container",
]
