"""The audit of one or many reports as an Excel workbook (bytes; the CLI writes the file).

Two sheets: 汇总 (one row per report: claims read and checked, findings by severity, or
why it could not be read) and 问题 (one row per finding: file, line, rule, severity, the
number as stated and as it should be, the sentence and the explanation). When the reports
have owners (the web's batch audit: a department or unit) both sheets get a 部门 column.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence

from jixiao.audit.batch import FileAudit
from jixiao.findings import SEVERITY_LABELS, Severity

SUMMARY_HEADERS = ("报告", "状态", "数据陈述", "已核对", "错误", "警告", "截尾", "提示")
FINDING_HEADERS = ("报告", "行", "规则", "严重程度", "文中", "应为", "原文", "说明")
OWNER_HEADER = "部门"
#: Characters an .xlsx cannot hold (XML 1.0): a report's text may carry them.
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def status(audit: FileAudit) -> str:
    """``无法读取：原因``, ``有错误``, ``需人工核对`` (warnings only) or ``未发现问题``."""
    if audit.result is None:
        return f"无法读取：{audit.problem}"
    if audit.result.errors:
        return "有错误"
    if audit.result.warnings:
        return "需人工核对"
    return "未发现问题"


def summary_row(audit: FileAudit) -> tuple[str | int, ...]:
    result = audit.result
    if result is None:
        return (audit.name, status(audit), "", "", "", "", "", "")
    return (
        audit.name,
        status(audit),
        result.claims,
        result.checked,
        *(
            result.count(s)
            for s in (Severity.ERROR, Severity.WARNING, Severity.ROUNDING, Severity.INFO)
        ),
    )


def _clean(value: str | int | None) -> str | int | None:
    return _ILLEGAL.sub("\ufffd", value) if isinstance(value, str) else value


def _owned(row: tuple[str | int, ...], audit: FileAudit, owners: bool) -> tuple[str | int, ...]:
    """``row`` with the audit's owner after the report's name when the book has owners."""
    return (row[0], audit.owner, *row[1:]) if owners else row


def workbook_bytes(audits: Sequence[FileAudit]) -> bytes:
    """The 汇总 and 问题 sheets of ``audits`` as an .xlsx file's bytes."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    owners = any(a.owner for a in audits)
    extra = (OWNER_HEADER,) if owners else ()
    owner_width = (20,) if owners else ()
    book = Workbook(write_only=True)
    bold = Font(bold=True)
    sheets = (
        (
            "汇总",
            (SUMMARY_HEADERS[0], *extra, *SUMMARY_HEADERS[1:]),
            [_owned(summary_row(a), a, owners) for a in audits],
            (28, *owner_width, 16, 10, 10, 8, 8, 8, 8),
        ),
        (
            "问题",
            (FINDING_HEADERS[0], *extra, *FINDING_HEADERS[1:]),
            [
                _owned(
                    (
                        a.name,
                        f.location.line,
                        f.code,
                        SEVERITY_LABELS[f.severity],
                        f.stated or "",
                        f.expected or "",
                        f.claim,
                        f.message,
                    ),
                    a,
                    owners,
                )
                for a in audits
                if a.result is not None
                for f in a.result.findings
            ],
            (28, *owner_width, 6, 14, 8, 14, 14, 60, 80),
        ),
    )
    for title, headers, rows, widths in sheets:
        sheet = book.create_sheet(title)
        for column, width in zip("ABCDEFGHI", widths, strict=False):
            sheet.column_dimensions[column].width = width
        sheet.freeze_panes = "A2"
        header_cells = []
        for header in headers:
            cell = WriteOnlyCell(sheet, value=header)
            cell.font = bold
            header_cells.append(cell)
        sheet.append(header_cells)
        for row in rows:
            sheet.append([_clean(v) for v in row])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
