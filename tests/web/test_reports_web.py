"""Reports as a background task: requested, run with progress, stored, downloaded.

The tests run the task the way the system does: enqueued on commit (the immediate
backend runs it then, as a worker would), with the real engine rendering real files; the
files are opened again (Word, Excel, PDF, HTML) and must carry the department's numbers.
"""

from __future__ import annotations

import io
from typing import Any
from urllib.parse import quote

import pytest
from django.urls import reverse

from jixiao_web.evaluation.models import ReportFile, ReportJob

pytestmark = pytest.mark.django_db


def _request(
    client: Any, dataset: Any, capture: Any, formats: list[str], review: list[str]
) -> ReportJob:
    with capture(execute=True):
        response = client.post(
            reverse("evaluation:reports", args=[dataset.pk]),
            {"formats": formats, "review_formats": review},
        )
    assert response.status_code == 302, response.content.decode()[:600]
    job = ReportJob.objects.order_by("-pk").first()
    assert response["Location"] == reverse("evaluation:report_job", args=[job.pk])
    job.refresh_from_db()
    return job


def _download(client: Any, file: ReportFile) -> bytes:
    response = client.get(reverse("evaluation:report_file", args=[file.pk]))
    assert response.status_code == 200
    return b"".join(response.streaming_content)


def test_every_format_is_generated_stored_and_downloaded(
    login: Any, science: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client = login("dept-admin")
    job = _request(
        client,
        science,
        django_capture_on_commit_callbacks,
        ["docx", "pdf", "html", "xlsx"],
        ["html", "xlsx"],
    )
    assert job.status == ReportJob.Status.DONE, job.error
    assert (job.done, job.total, job.percent) == (6, 6, 100)
    assert job.evaluation is not None and job.evaluation.total == "89.56"
    files = {(f.kind, f.format): f for f in job.files.all()}
    assert set(files) == {
        ("report", "docx"),
        ("report", "pdf"),
        ("report", "html"),
        ("report", "xlsx"),
        ("review", "html"),
        ("review", "xlsx"),
    }
    stem = "广东省科学技术厅2023年度部门整体支出绩效自评"
    assert files["report", "pdf"].filename == f"{stem}报告.pdf"
    assert files["review", "xlsx"].filename == f"{stem}审核底稿.xlsx"
    # the stored name is the system's, never the Chinese one
    assert all(
        f.name.startswith(f"reports/{job.pk}/") and stem not in f.name for f in files.values()
    )

    import docx
    import openpyxl
    from pypdf import PdfReader

    word = docx.Document(io.BytesIO(_download(client, files["report", "docx"])))
    assert "89.56" in "\n".join(p.text for p in word.paragraphs) + "".join(
        c.text for t in word.tables for r in t.rows for c in r.cells
    )
    pdf = PdfReader(io.BytesIO(_download(client, files["report", "pdf"])))
    assert "广东省科学技术厅" in "".join(p.extract_text() for p in pdf.pages[:2])
    html = _download(client, files["report", "html"]).decode()
    assert "617,056.54" in html
    review = openpyxl.load_workbook(io.BytesIO(_download(client, files["review", "xlsx"])))
    cells = " ".join(
        str(c.value) for ws in review.worksheets for row in ws.iter_rows() for c in row if c.value
    )
    assert "indicator.not_met" in cells or "新增上市科技型企业数" in cells


def test_the_download_carries_the_chinese_name_rfc5987(
    login: Any, science: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client = login("dept-admin")
    job = _request(client, science, django_capture_on_commit_callbacks, ["html"], [])
    file = job.files.get()
    response = client.get(reverse("evaluation:report_file", args=[file.pk]))
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert f"filename*=utf-8''{quote(file.filename)}" in disposition
    assert response["Content-Type"].startswith("text/html")


def test_the_job_page_polls_until_done_then_lists_the_files(
    login: Any, science: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client = login("dept-admin")
    # queued, not yet run: the fragment polls itself
    from jixiao_web.evaluation.reports import request_reports

    job = request_reports(science, None, ["html"], [])  # no commit in a test: stays queued
    fragment = client.get(reverse("evaluation:report_job", args=[job.pk]), HTTP_HX_REQUEST="true")
    text = fragment.content.decode()
    assert 'hx-trigger="every 1s"' in text and "排队中" in text
    assert "<html" not in text  # a fragment, not a page
    # run it (what the worker does), and the fragment stops polling and lists the file
    from jixiao_web.evaluation.reports import generate_reports

    generate_reports.call(job.pk)
    text = client.get(
        reverse("evaluation:report_job", args=[job.pk]), HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "hx-trigger" not in text and "已完成" in text
    assert "自评报告.html" in text


def test_no_format_chosen_is_a_message_not_a_job(login: Any, science: Any) -> None:
    client = login("dept-admin")
    before = ReportJob.objects.count()
    response = client.post(reverse("evaluation:reports", args=[science.pk]), {"formats": ["exe"]})
    assert response.status_code == 422
    assert "请至少选择一种报告格式" in response.content.decode()
    assert ReportJob.objects.count() == before


def test_a_failed_job_says_so_in_chinese(login: Any, science: Any) -> None:
    from jixiao_web.evaluation.reports import generate_reports, request_reports

    job = request_reports(science, None, ["html"], [])
    ReportJob.objects.filter(pk=job.pk).update(formats=["no-such-format"])
    assert generate_reports.call(job.pk) == "failed"
    job.refresh_from_db()
    assert job.status == ReportJob.Status.FAILED
    assert job.error.startswith("报告生成失败") and "Traceback" not in job.error
    page = login("dept-admin").get(reverse("evaluation:report_job", args=[job.pk])).content.decode()
    assert "报告生成失败" in page


#: report lists: filter by status, sort — query → (shown job, hidden job) by their status
def test_report_list_filters_by_status(login: Any, science: Any) -> None:
    from jixiao_web.evaluation.reports import generate_reports, request_reports

    done = request_reports(science, None, ["html"], [])
    generate_reports.call(done.pk)
    queued = request_reports(science, None, ["html"], [])
    client = login("bureau-admin")
    url = reverse("evaluation:reports", args=[science.pk])
    only_done = client.get(url + "?status=done").content.decode()
    assert reverse("evaluation:report_job", args=[done.pk]) in only_done
    assert reverse("evaluation:report_job", args=[queued.pk]) not in only_done
    only_queued = client.get(url + "?status=queued").content.decode()
    assert reverse("evaluation:report_job", args=[queued.pk]) in only_queued
    # a reviewer sees the list, not the form
    reviewer = login("bureau-reviewer").get(url).content.decode()
    assert 'id="report-form"' not in reviewer
