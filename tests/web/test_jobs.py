"""Background jobs that cannot end "queued" or "running" for ever (``core/jobs.py``).

- a failure as the worker starts a job (its first write refused by the database: a trigger
  here, "database is locked" in the soak) ends the job failed, in Chinese — the "running"
  update was outside the ``try`` and the job stayed queued;
- a job whose worker died (no heartbeat for ``JX_JOB_STALE_SECONDS``) is shown failed in
  Chinese when its page is read, and can be asked for again; a worker that was only slow
  and finishes after that keeps nothing (no second result beside the retried job).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from jixiao_web.audit.models import BatchAudit
from jixiao_web.core import jobs
from jixiao_web.evaluation.models import ReportFile, ReportJob
from jixiao_web.evaluation.reports import (
    SOURCES,
    Subject,
    generate_reports,
    register_source,
    request_reports,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def refuse_running() -> Iterator[None]:
    """The database refuses to mark a report job running (rolled back with the test)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "CREATE FUNCTION jx_refuse_running() RETURNS trigger AS $$ BEGIN "
                "IF NEW.status = 'running' THEN RAISE EXCEPTION 'refused'; END IF; "
                "RETURN NEW; END $$ LANGUAGE plpgsql"
            )
            cursor.execute(
                "CREATE TRIGGER jx_refuse_running BEFORE UPDATE ON evaluation_reportjob "
                "FOR EACH ROW EXECUTE FUNCTION jx_refuse_running()"
            )
        else:
            cursor.execute(
                "CREATE TRIGGER jx_refuse_running BEFORE UPDATE OF status ON "
                "evaluation_reportjob WHEN NEW.status = 'running' "
                "BEGIN SELECT RAISE(ABORT, 'refused'); END"
            )
    yield


def test_a_job_refused_as_it_starts_ends_failed_not_queued(
    science: Any, refuse_running: None
) -> None:
    job = request_reports(science, None, ["html"], [])
    assert generate_reports.call(job.pk) == "failed"
    job.refresh_from_db()
    assert job.status == ReportJob.Status.FAILED
    assert job.error.startswith("报告生成失败") and job.finished_at is not None


def test_a_running_job_beats_and_a_finished_one_records_it(science: Any) -> None:
    job = request_reports(science, None, ["html"], [])
    before = timezone.now()
    assert generate_reports.call(job.pk) == "done"
    job.refresh_from_db()
    assert job.progressed_at is not None and job.progressed_at >= before


def _silent(job: Any, seconds: int) -> None:
    """The job's last heartbeat ``seconds`` ago (as if its worker had stopped then)."""
    ago = timezone.now() - timedelta(seconds=seconds)
    type(job).objects.filter(pk=job.pk).update(
        status="running", progressed_at=ago, requested_at=ago
    )


def test_a_job_whose_worker_died_is_shown_failed_and_can_be_asked_again(
    login: Any, science: Any, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.JOB_STALE_SECONDS = 600
    job = request_reports(science, None, ["html", "xlsx"], [])
    _silent(job, 300)  # slow, not stale: left alone
    client = login("dept-admin")
    page = client.get(reverse("evaluation:report_job", args=[job.pk])).content.decode()
    assert "生成中" in page and "重新提交" not in page
    _silent(job, 700)
    page = client.get(reverse("evaluation:report_job", args=[job.pk])).content.decode()
    job.refresh_from_db()
    assert job.status == ReportJob.Status.FAILED
    assert "任务已中断：超过 10 分钟没有进展" in page and "请重新提交" in page
    assert 'hx-trigger="every 1s"' not in page  # the page stops polling it
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("evaluation:report_retry", args=[job.pk]))
    again = ReportJob.objects.order_by("-pk").first()
    assert again is not None and again.pk != job.pk
    assert response["Location"] == reverse("evaluation:report_job", args=[again.pk])
    assert again.formats == ["html", "xlsx"] and again.status == ReportJob.Status.DONE
    assert again.files.count() == 2


def test_a_retry_needs_the_right_to_ask_for_reports(login: Any, science: Any) -> None:
    job = request_reports(science, None, ["html"], [])
    jobs.fail(ReportJob, job.pk, "测试")
    response = login("bureau-reviewer").post(reverse("evaluation:report_retry", args=[job.pk]))
    assert response.status_code == 403


def test_a_slow_worker_finishing_a_job_ended_as_stale_keeps_nothing(
    science: Any, settings: Any
) -> None:
    """The job is ended as stale while its worker is still evaluating (a source that
    reads the dataset after the stale time has passed); the worker's files are dropped."""
    from jixiao_web.datasets.convert import to_engine

    settings.JOB_STALE_SECONDS = 60

    def read_late(job_id: int) -> Subject:
        job = ReportJob.objects.get(pk=job_id)
        _silent(job, 120)
        assert jobs.expire_stale(ReportJob, pk=job.pk) == 1  # someone opened its page
        return Subject(to_engine(science)[0], None, science.version)

    register_source("test-late", read_late)
    try:
        job = request_reports(science, None, ["html"], [], source="test-late", source_id=0)
        # the source reads its own job's id, the one just made
        ReportJob.objects.filter(pk=job.pk).update(source_id=job.pk)
        assert generate_reports.call(job.pk) == "failed"
    finally:
        del SOURCES["test-late"]
    job.refresh_from_db()
    assert job.status == ReportJob.Status.FAILED and job.error == jobs.stale_message()
    assert not ReportFile.objects.filter(job=job).exists()


def test_a_batch_whose_worker_died_is_shown_failed_with_a_way_to_submit_again(
    login: Any, science: Any, settings: Any
) -> None:
    settings.JOB_STALE_SECONDS = 1800
    batch = BatchAudit.objects.create(
        region_id=science.region_id, source=BatchAudit.Source.UPLOAD, total=3
    )
    _silent(batch, 1900)
    page = login("bureau-admin").get(reverse("audit:batch", args=[batch.pk])).content.decode()
    batch.refresh_from_db()
    assert batch.status == BatchAudit.Status.FAILED
    assert "任务已中断：超过 30 分钟没有进展" in page
    assert reverse("audit:batches") in page and "重新提交批量审核" in page


def test_the_stale_time_is_a_setting_with_a_default() -> None:
    from django.conf import settings

    assert settings.JOB_STALE_SECONDS == 1800  # JX_JOB_STALE_SECONDS unset in the tests
