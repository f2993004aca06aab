"""Hostile and careless inputs (issue 16): bounded work, clear Chinese refusals, no garbage
audited as if it were a report.

- A .docx whose parts unpack to far more than the file (0.6 MB → 120 MB of XML) is refused
  from the zip directory, before anything is unpacked.
- A 200 KB line with nowhere to cut ("1.1.1…") is cut in linear time: pieces of at most
  ``MAX_PARAGRAPH`` characters, not one character at a time.
- Big5 (Traditional Chinese) and bytes that decode only to garbage are refused with a message
  saying what they are; GBK/GB18030 and UTF-16 (with or without BOM) keep working.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from jixiao.audit import AuditInputError, audit_file, audit_lines
from jixiao.audit.document import MAX_PARAGRAPH, _chunks, build_document
from jixiao.audit.extract import MAX_UNPACKED_XML, decode_text, extract_bytes

WRONG_SUM = "2023年“三公”经费支出合计160.66万元。其中：因公出国（境）费支出86.03万元，公务用车购置及运行维护费支出70.17万元，公务接待费支出4.64万元。"


def _docx_bytes(text: str = WRONG_SUM) -> bytes:
    import docx

    document = docx.Document()
    document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _bomb(xml_megabytes: int) -> bytes:
    """A real .docx whose document.xml is ``xml_megabytes`` MB of paragraphs, deflated."""
    original = zipfile.ZipFile(io.BytesIO(_docx_bytes()))
    paragraph = b"<w:p><w:r><w:t>" + b"1" * 1000 + b"</w:t></w:r></w:p>"
    head = b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>'
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as bomb:
        for info in original.infolist():
            if info.filename != "word/document.xml":
                bomb.writestr(info.filename, original.read(info.filename))
        with bomb.open("word/document.xml", "w", force_zip64=True) as part:
            part.write(head)
            block = paragraph * 1000
            for _ in range(xml_megabytes * 1024 * 1024 // len(block)):
                part.write(block)
            part.write(b"</w:body></w:document>")
    return buffer.getvalue()


def test_a_docx_that_unpacks_to_120_mb_of_xml_is_refused_before_unpacking() -> None:
    data = _bomb(120)
    assert len(data) < 1024 * 1024  # the file itself is small: only its parts are huge
    with pytest.raises(AuditInputError) as caught:
        extract_bytes(data, "bomb.docx")
    assert "解压后过大" in caught.value.message
    assert f"上限 {MAX_UNPACKED_XML // 1024 // 1024} MB" in caught.value.message


def test_an_ordinary_docx_is_still_read() -> None:
    [finding] = audit_lines(extract_bytes(_docx_bytes(), "ok.docx").lines).findings
    assert (finding.code, finding.expected) == ("sum", "160.84")


def test_a_line_with_nowhere_to_cut_is_cut_into_full_pieces() -> None:
    line = "1." * 6000  # 12 KB of "1.1.1…": no sentence end, every character part of a number
    pieces = _chunks(line)
    assert len(pieces) == -(-len(line) // MAX_PARAGRAPH)  # ceil: full pieces, not 1-character ones
    assert pieces[0] == (0, MAX_PARAGRAPH)
    assert "".join(line[a:b] for a, b in pieces) == line


def test_a_200_kb_line_of_numbers_is_audited_in_pieces() -> None:
    line = ("1." * 100_000)[:200_000]
    assert len(build_document([line]).paragraphs) == 200_000 // MAX_PARAGRAPH
    audit_lines([line])  # completes (linear); before, one paragraph per character: 111 s


def test_a_number_is_still_never_cut_in_two() -> None:
    line = "说明" * (MAX_PARAGRAPH // 2 - 3) + "123,456.78万元" + "说明" * 10
    start, end = _chunks(line)[0]
    assert line[start:end].endswith("说明")  # cut before the number, not inside it


TRADITIONAL = (
    "二、部門決算情況\n"
    "本部門2023年度收入合計1,234.56萬元，其中：財政撥款收入1,000.00萬元，其他收入234.56萬元。"
    "支出合計1,200.00萬元，比上年增加100.00萬元，主要是項目支出增加。"
    "“三公”經費支出合計12.00萬元，比年初預算減少3.00萬元。\n"
)


def test_a_big5_report_is_recognised_and_refused_with_a_clear_message(tmp_path: Path) -> None:
    path = tmp_path / "report.txt"
    path.write_bytes(TRADITIONAL.encode("big5"))
    with pytest.raises(AuditInputError) as caught:
        audit_file(path)
    assert "Big5" in caught.value.message
    assert "繁体中文" in caught.value.message


def test_bytes_in_an_unknown_encoding_are_refused_not_audited_as_garbage(tmp_path: Path) -> None:
    path = tmp_path / "report.txt"
    # Japanese in Shift_JIS: decodes as GB18030 to characters no report is written in.
    path.write_bytes(("令和5年度の予算執行状況について報告します。" * 5).encode("shift_jis"))
    with pytest.raises(AuditInputError) as caught:
        audit_file(path)
    assert "无法识别文字编码" in caught.value.message


@pytest.mark.parametrize(
    "encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030", "utf-16", "utf-16-le", "utf-16-be"]
)
def test_the_encodings_offices_use_keep_working(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "report.txt"
    path.write_bytes(f"标题\n{WRONG_SUM}\n".encode(encoding))
    [finding] = audit_file(path).findings
    assert (finding.location.line, finding.code, finding.expected) == (2, "sum", "160.84")


def test_a_short_gbk_note_with_few_chinese_characters_is_read() -> None:
    assert decode_text("合计 100 万元".encode("gbk"), "n.txt") == "合计 100 万元"
