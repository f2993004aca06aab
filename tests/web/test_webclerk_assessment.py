"""绩效评价 as the unit's clerk finishes its self-evaluation: 提交 keeps what was typed.

Found in the browser: the clerk typed 评价结论, 存在问题 and 改进措施 and pressed 提交 (the
button under them) without pressing 保存; the sheet went to the department as 已提交 with
all three empty (提交 was a separate form that carried only the action).
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from jixiao_web.assessment import flow
from jixiao_web.assessment.models import ScoreSheet
from jixiao_web.workflow import services as workflow

pytestmark = pytest.mark.django_db


def test_submitting_saves_the_conclusion_the_clerk_typed_first(login: Any) -> None:
    sheet = ScoreSheet.objects.get(task__title="2023年度部门整体支出绩效自评")
    client = login("unit-clerk")
    page = client.get(reverse("assessment:sheet", args=[sheet.pk])).content.decode()
    summary = re.search(
        r'<form method="post" action="[^"]*/summary/"[^>]*>(.*?)</form>', page, re.S
    )
    assert summary and 'name="action" value="submit"' in summary.group(1)  # one form
    assert page.count(">提交</button>") == 1
    response = client.post(
        reverse("assessment:summary", args=[sheet.pk]),
        {
            "version": str(sheet.version),
            "conclusion": "总体完成年度目标",
            "problems": "部分指标完成值偏低",
            "measures": "加强项目储备",
            "action": "submit",
        },
    )
    assert response.status_code == 302
    sheet.refresh_from_db()
    assert (sheet.conclusion, sheet.problems, sheet.measures) == (
        "总体完成年度目标",
        "部分指标完成值偏低",
        "加强项目储备",
    )
    assert workflow.state_of(sheet, flow.SELF_EVALUATION).state == "submitted"


def test_saving_alone_does_not_submit(login: Any) -> None:
    sheet = ScoreSheet.objects.get(task__title="2023年度部门整体支出绩效自评")
    login("unit-clerk").post(
        reverse("assessment:summary", args=[sheet.pk]),
        {"version": str(sheet.version), "conclusion": "草稿", "problems": "", "measures": ""},
    )
    sheet.refresh_from_db()
    assert sheet.conclusion == "草稿"
    assert workflow.state_of(sheet, flow.SELF_EVALUATION).state == "filling"


def test_after_an_upload_the_sheet_opens_at_the_item(login: Any) -> None:
    """The redirect after 上传 went to #item-1.1.5 while the row's id is item-1-1-5: the
    clerk was put back at the top of a 40-row sheet after each file."""
    sheet = ScoreSheet.objects.get(task__title="2023年度部门整体支出绩效自评")
    client = login("unit-clerk")
    pdf = SimpleUploadedFile("名单.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
    response = client.post(
        reverse("assessment:evidence_upload", args=[sheet.pk, "1.1.5"]), {"file": pdf}
    )
    assert response.status_code == 302
    path, anchor = response.url.split("#")
    page = client.get(path).content.decode()
    assert anchor == "item-1-1-5" and f'id="{anchor}"' in page
