"""Dates a person reads are Beijing dates (``TIME_ZONE``), not the stored UTC ones.

Between 00:00 and 08:00 Beijing time the UTC date is still the day before: a 财政复核
entered then, or a batch audit asked for then, must not be dated yesterday.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from django.contrib.auth import get_user_model

from jixiao_web.datasets.models import Dataset
from jixiao_web.results import services
from jixiao_web.results.models import GradeReview

pytestmark = pytest.mark.django_db

#: 2026-01-01 17:30 UTC is 2026-01-02 01:30 in Beijing.
LATE_UTC = datetime(2026, 1, 1, 17, 30, tzinfo=UTC)


def test_the_review_basis_names_the_beijing_date(science: Dataset) -> None:
    reviewer = get_user_model().objects.get(username="bureau-reviewer")
    services.review_grade(science, "88.5", "复核", reviewer)
    GradeReview.objects.filter(dataset=science).update(reviewed_at=LATE_UTC)
    reviewed = services.reviewed_grade(science)
    assert reviewed is not None
    assert "2026-01-02" in reviewed.basis, reviewed.basis
    assert "2026-01-01" not in reviewed.basis


def test_the_batch_audit_workbook_is_named_by_the_beijing_date(
    login: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    from jixiao_web.audit.models import BatchAudit

    client = login("bureau-admin")
    report = SimpleUploadedFile(
        "报告.txt", "年初预算 100 万元，决算 90 万元。".encode(), "text/plain"
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("audit:batch_upload"), {"reports": [report]})
    assert response.status_code == 302
    batch = BatchAudit.objects.get(pk=int(response["Location"].rstrip("/").rsplit("/", 1)[1]))
    BatchAudit.objects.filter(pk=batch.pk).update(requested_at=LATE_UTC)
    response = client.get(reverse("audit:batch_export", args=[batch.pk]))
    assert response.status_code == 200
    disposition = response["Content-Disposition"]
    assert f"_{batch.pk}_20260102.xlsx" in _unquoted(disposition), disposition


def _unquoted(disposition: str) -> str:
    from urllib.parse import unquote

    return unquote(disposition)
