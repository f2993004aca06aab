"""The report audit page: upload any report, see the findings beside the highlighted text.

The report is the department's real published 2023 自评报告 (its text, kept for the
engine's audit tests) and small reports written here in each accepted format; the page
must mark the very number each finding is about, on its line, and refuse what it cannot
read with a Chinese message (422), never a server error.
"""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

pytestmark = pytest.mark.django_db

SEED = Path(__file__).resolve().parents[1] / "audit" / "seed-gdstc-2023.txt"

#: A report whose 收入合计 is not the sum of its parts (100 + 150 ≠ 300).
WRONG_SUM = [
    "一、收入情况",
    "2023年度收入合计 300.00 万元，其中：财政拨款收入 100.00 万元，其他收入 150.00 万元。",
]


def _post(client: Any, dataset: Any, name: str, data: bytes, crosscheck: bool = True) -> Any:
    form: dict[str, Any] = {"report": SimpleUploadedFile(name, data)}
    if crosscheck:
        form["crosscheck"] = "1"
    return client.post(reverse("audit:report_audit", args=[dataset.pk]), form)


def _docx(lines: list[str]) -> bytes:
    import docx

    document = docx.Document()
    for line in lines:
        document.add_paragraph(line)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _pdf(lines: list[str]) -> bytes:
    from weasyprint import HTML

    body = "".join(f"<p>{line}</p>" for line in lines)
    return bytes(
        HTML(
            string=f"<html><body style='font-family:Noto Sans CJK SC'>{body}</body></html>"
        ).write_pdf()
    )


FORMATS = {
    "报告.txt": lambda: "\n".join(WRONG_SUM).encode("utf-8"),
    "报告.md": lambda: ("# 自评报告\n\n" + "\n\n".join(WRONG_SUM)).encode("utf-8"),
    "报告.docx": lambda: _docx(WRONG_SUM),
    "报告.pdf": lambda: _pdf(WRONG_SUM),
}


@pytest.mark.parametrize("name", list(FORMATS))
def test_each_format_is_audited_and_the_wrong_total_is_marked(
    login: Any, science: Any, name: str
) -> None:
    response = _post(login("dept-admin"), science, name, FORMATS[name](), crosscheck=False)
    page = response.content.decode()
    assert response.status_code == 200, page[:800]
    assert "与所写合计 300.00 万元 不符" in page
    # the stated total is marked in the text, as an error, and the list links to its line
    assert re.search(r'<mark class="sev-error" id="mark-1"[^>]*>300\.00 万元</mark>', page), page[
        -3000:
    ]
    assert 'href="#finding-1"' in page


def test_the_published_report_against_the_stored_dataset(login: Any, science: Any) -> None:
    client = login("bureau-reviewer")
    data = SEED.read_bytes()
    checked = _post(client, science, "广东省科学技术厅2023年度自评报告.txt", data).content.decode()
    # line 245 states 241.70% where the figures give 341.70%: marked where it is written
    assert re.search(r'id="line-245".*?<mark class="sev-error"[^>]*>241\.70%</mark>', checked)
    assert "数据集中“决算支出合计为年初预算的比例”" in checked
    alone = _post(client, science, "报告.txt", data, crosscheck=False).content.decode()
    assert "数据集中“决算支出合计为年初预算的比例”" not in alone
    assert "241.70%" in alone  # the report's own arithmetic still finds it


REFUSED = """
name            content          message
报告.exe        MZ-binary        不是可审核的报告格式
报告.doc        old-word         不是可审核的报告格式
报告.txt        (empty)          是空文件
报告.docx       not-a-zip        无法读取
报告.pdf        not-a-pdf        无法读取
"""


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [tuple(line.split()) for line in REFUSED.strip().splitlines()[1:]],
)
def test_what_cannot_be_read_is_refused_with_a_message(
    login: Any, science: Any, name: str, content: str, message: str
) -> None:
    data = b"" if content == "(empty)" else content.encode()
    response = _post(login("dept-admin"), science, name, data)
    assert response.status_code == 422
    assert message in response.content.decode()


def test_too_large_is_refused_before_reading(login: Any, science: Any, settings: Any) -> None:
    settings.MAX_UPLOAD_BYTES = 1024
    response = _post(login("dept-admin"), science, "报告.txt", "一".encode() * 2000)
    assert response.status_code == 422
    assert "过大" in response.content.decode()


def test_no_file_is_a_message(login: Any, science: Any) -> None:
    response = login("dept-admin").post(reverse("audit:report_audit", args=[science.pk]), {})
    assert response.status_code == 422
    assert "请选择要审核的报告文件" in response.content.decode()


def test_the_text_is_escaped(login: Any, science: Any) -> None:
    lines = ["<script>alert(1)</script>", *WRONG_SUM]
    page = _post(
        login("dept-admin"), science, "报告.txt", "\n".join(lines).encode()
    ).content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;" in page


def test_a_text_without_figures_is_not_called_clean(login: Any, science: Any) -> None:
    """A file with no amount, share or score in it was “没有发现问题”, as if checked and right."""
    text = "本单位认真贯彻落实各项工作部署，取得良好成效。".encode()
    page = _post(login("dept-admin"), science, "说明.txt", text, crosscheck=False).content.decode()
    assert "识别数字陈述 0 处" in page
    assert "没有发现问题" not in page
    assert "没有识别到数字陈述" in page
