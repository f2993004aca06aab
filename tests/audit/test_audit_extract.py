"""Reading reports: .txt/.md in any office encoding, .docx paragraphs and tables, PDF text
layers; and every kind of unreadable file gives a Chinese message, never a traceback."""

from __future__ import annotations

import contextlib
import io
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jixiao.audit import AuditInputError, audit_file, audit_lines
from jixiao.audit.extract import MAX_BYTES, extract_bytes

WRONG_SUM = "2023年“三公”经费支出合计160.66万元。其中：因公出国（境）费支出86.03万元，公务用车购置及运行维护费支出70.17万元，公务接待费支出4.64万元。"
UNITS_TEXT = "从单位基本性质来看，包括1个行政单位和3个事业单位。"
UNIT_ROWS = [
    ("序号", "单位名称", "单位性质"),
    ("1", "本级", "行政机关"),
    ("2", "信息中心", "公益一类"),
    ("3", "培训中心", "公益二类"),
]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "utf-16"])
def test_it_reads_text_in_the_encodings_offices_use(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "report.txt"
    path.write_bytes(f"标题\n{WRONG_SUM}\n".encode(encoding))
    [finding] = audit_file(path).findings
    assert (finding.location.line, finding.code, finding.expected) == (2, "sum", "160.84")


def _docx(tmp_path: Path) -> Path:
    import docx

    document = docx.Document()
    document.add_paragraph("一、部门基本情况")
    document.add_paragraph(UNITS_TEXT)
    document.add_paragraph("表1 单位构成")
    table = document.add_table(rows=len(UNIT_ROWS), cols=3)
    for row, values in zip(table.rows, UNIT_ROWS, strict=True):
        for cell, value in zip(row.cells, values, strict=True):
            cell.text = value
    document.add_paragraph(WRONG_SUM)
    path = tmp_path / "report.docx"
    document.save(str(path))
    return path


def test_it_reads_docx_paragraphs_and_table_rows_in_order(tmp_path: Path) -> None:
    findings = audit_file(_docx(tmp_path)).findings
    # line = paragraph or table row: 2 is the sentence, 4–7 the table, 8 the sum
    assert [(f.location.line, f.code, f.stated, f.expected) for f in findings] == [
        (2, "unit-kinds", "3", "2"),
        (8, "sum", "160.66", "160.84"),
    ]


def _pdf(html_body: str) -> bytes:
    import pylopdf_fonts_zh_cn
    import weasyprint

    font = pylopdf_fonts_zh_cn.sans_path()
    style = (
        f"@font-face {{ font-family: Zh; src: url(file://{font}); }} body {{ font-family: Zh; }}"
    )
    return bytes(weasyprint.HTML(string=f"<style>{style}</style>{html_body}").write_pdf())


def test_it_reads_the_text_layer_of_a_pdf_and_joins_wrapped_lines(tmp_path: Path) -> None:
    path = tmp_path / "report.pdf"
    path.write_bytes(_pdf(f"<p>{WRONG_SUM}</p>"))
    [finding] = audit_file(path).findings
    assert (finding.code, finding.stated, finding.expected) == ("sum", "160.66", "160.84")


def _blank_pdf(encrypt: bool = False) -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    if encrypt:
        writer.encrypt(user_password="secret", owner_password="owner")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


BAD_INPUTS = [
    ("empty.txt", b"", "文件为空"),
    ("blank.md", b"  \n\n ", "文件为空"),
    ("junk.txt", bytes(range(256)) * 4, "不是文本文件"),
    ("controls.txt", b"\x01\x02\x03\x04abc\x05\x06\x07" * 50, "不是可读的文本"),
    ("broken.docx", b"PK\x03\x04 not really a zip", "无法读取 Word 文件"),
    ("encrypted.docx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512, "已加密"),
    ("broken.pdf", b"%PDF-1.7\n1 0 obj << /Type /Catalog", "无法读取 PDF"),
    ("scan.pdf", _blank_pdf(), "没有文字层"),
    ("locked.pdf", _blank_pdf(encrypt=True), "PDF 已加密"),
]


@pytest.mark.parametrize(("name", "data", "message"), BAD_INPUTS, ids=[b[0] for b in BAD_INPUTS])
def test_it_refuses_unreadable_input_with_a_chinese_message(
    name: str, data: bytes, message: str
) -> None:
    with pytest.raises(AuditInputError) as caught:
        extract_bytes(data, name)
    assert message in caught.value.message
    assert caught.value.location == name


def test_it_refuses_an_enormous_file() -> None:
    with pytest.raises(AuditInputError) as caught:
        extract_bytes(b"a" * (MAX_BYTES + 1), "huge.txt")
    assert "文件过大" in caught.value.message


def test_it_refuses_a_missing_file_and_a_directory(tmp_path: Path) -> None:
    for path, message in ((tmp_path / "nope.txt", "文件不存在"), (tmp_path, "目录")):
        with pytest.raises(AuditInputError) as caught:
            audit_file(path)
        assert message in caught.value.message


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=2000), st.sampled_from(["r.txt", "r.md", "r.docx", "r.pdf", "r"]))
def test_random_bytes_are_either_text_or_a_clear_refusal(data: bytes, name: str) -> None:
    try:
        extracted = extract_bytes(data, name)
    except AuditInputError as error:
        assert error.message
        return
    audit_lines(extracted.lines)  # whatever the text, the audit itself never fails


@settings(max_examples=100, deadline=None)
@given(st.binary(min_size=4, max_size=3000))
def test_corrupted_pdf_and_docx_headers_never_raise_anything_else(tail: bytes) -> None:
    for head, name in ((b"%PDF-1.4\n", "x.pdf"), (b"PK\x03\x04", "x.docx")):
        with contextlib.suppress(AuditInputError):
            extract_bytes(head + tail, name)


@settings(max_examples=200, deadline=None)
@given(
    st.text(
        alphabet=st.sampled_from(
            "0123456789０１２.,，。、：；%％万元亿分个其中合计占比为年初预算的比上年增加减少扣（）()\t\n "
        ),
        max_size=300,
    )
)
def test_the_engine_survives_any_text_in_the_genre_alphabet(text: str) -> None:
    audit_lines(text.splitlines())
