"""Superseded report sets and batch audits are purged with their stored files; nothing else
is touched.

Jobs, batches and files are made the way the tasks store them (rows + bytes in the default
storage) for the 合成示范厅, so the test does not pay for rendering or auditing reports.
"""

from __future__ import annotations

import io
from datetime import timedelta
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.utils import timezone

from jixiao_web.audit.models import BatchAudit, BatchItem
from jixiao_web.evaluation.models import ReportFile, ReportJob
from jixiao_web.evaluation.retention import (
    purge_superseded,
    purge_superseded_batches,
    purge_superseded_reports,
)

pytestmark = pytest.mark.django_db


def _job(
    dataset: Any,
    age_days: int,
    status: str = ReportJob.Status.DONE,
    source: tuple[str, int | None] = ("", None),
) -> ReportJob:
    job = ReportJob.objects.create(
        region_id=dataset.region_id,
        department_id=dataset.department_id,
        dataset=dataset,
        formats=["pdf"],
        status=status,
        source=source[0],
        source_id=source[1],
    )
    ReportJob.objects.filter(pk=job.pk).update(
        requested_at=timezone.now() - timedelta(days=age_days)
    )
    name = default_storage.save(f"reports/{job.pk}/retention-test.pdf", ContentFile(b"%PDF-1.4\n"))
    ReportFile.objects.create(
        region_id=dataset.region_id,
        department_id=dataset.department_id,
        job=job,
        kind=ReportFile.Kind.REPORT,
        format="pdf",
        filename="自评报告.pdf",
        media_type="application/pdf",
        name=name,
        size=9,
    )
    return job


def _names(job: ReportJob) -> list[str]:
    return list(ReportFile.objects.filter(job=job).values_list("name", flat=True))


def test_the_newest_sets_and_running_jobs_stay_the_rest_go_with_their_files(
    synthetic: Any, django_capture_on_commit_callbacks: Any
) -> None:
    # ages in days: 40 and 30 are superseded by 20 and 10; the queued one (50) is kept
    old, older = _job(synthetic, 30), _job(synthetic, 40)
    newer, newest = _job(synthetic, 20), _job(synthetic, 10)
    queued = _job(synthetic, 50, status=ReportJob.Status.QUEUED)
    gone = _names(old) + _names(older)
    kept = _names(newer) + _names(newest) + _names(queued)

    with django_capture_on_commit_callbacks(execute=True):
        purged = purge_superseded_reports(2, dataset_ids=[synthetic.pk])

    assert (purged.jobs, purged.files, purged.bytes) == (2, 2, 18)
    assert set(ReportJob.objects.filter(dataset=synthetic).values_list("pk", flat=True)) >= {
        newer.pk,
        newest.pk,
        queued.pk,
    }
    assert not ReportJob.objects.filter(pk__in=[old.pk, older.pk]).exists()
    assert not [n for n in gone if default_storage.exists(n)]
    assert all(default_storage.exists(n) for n in kept)


def test_a_sheet_report_is_not_superseded_by_the_datasets_reports(
    synthetic: Any, django_capture_on_commit_callbacks: Any
) -> None:
    sheet = _job(synthetic, 30, source=("self_evaluation", 1))
    dataset_jobs = [_job(synthetic, age) for age in (20, 10)]
    with django_capture_on_commit_callbacks(execute=True):
        purged = purge_superseded_reports(1, dataset_ids=[synthetic.pk])
    assert purged.jobs == 1  # the older dataset set only
    assert ReportJob.objects.filter(pk=sheet.pk).exists()
    assert ReportJob.objects.filter(pk=dataset_jobs[1].pk).exists()
    assert not ReportJob.objects.filter(pk=dataset_jobs[0].pk).exists()


def test_a_dry_run_counts_and_deletes_nothing(
    synthetic: Any, django_capture_on_commit_callbacks: Any
) -> None:
    jobs = [_job(synthetic, age) for age in (30, 20, 10)]
    with django_capture_on_commit_callbacks(execute=True):
        purged = purge_superseded_reports(1, dry_run=True, dataset_ids=[synthetic.pk])
    assert (purged.jobs, purged.files) == (2, 2)
    assert ReportJob.objects.filter(pk__in=[j.pk for j in jobs]).count() == 3
    assert all(default_storage.exists(n) for j in jobs for n in _names(j))


def test_a_deleted_file_row_takes_its_stored_bytes_with_it(
    synthetic: Any, django_capture_on_commit_callbacks: Any
) -> None:
    job = _job(synthetic, 1)
    names = _names(job)
    with django_capture_on_commit_callbacks(execute=True):
        ReportFile.objects.get(job=job).delete()
    assert not [n for n in names if default_storage.exists(n)]


def test_the_command_refuses_to_keep_nothing(db: Any) -> None:
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="至少为 1"):
        call_command("purge_reports", keep=0)


def test_the_command_reports_in_chinese(db: Any, capsys: Any) -> None:
    call_command("purge_reports", dry_run=True)
    out = capsys.readouterr().out
    assert "批量审核" in out and "每个数据集、每个批量审核范围保留最近 3 次" in out


# --------------------------------------------------------------------------- batch audits


def _batch(
    dataset: Any,
    age_days: int,
    status: str = BatchAudit.Status.DONE,
    department: bool = True,
    waiting: bool = False,
) -> BatchAudit:
    """A batch of the dataset's department (or, ``department=False``, of its region) with a
    stored workbook when done, and one item whose upload still waits when ``waiting``."""
    workbook = ""
    if status == BatchAudit.Status.DONE:
        workbook = default_storage.save(
            "batch-audit/retention-test.xlsx", ContentFile(b"PK\x03\x04")
        )
    batch = BatchAudit.objects.create(
        region_id=dataset.region_id,
        department_id=dataset.department_id if department else None,
        source=BatchAudit.Source.UPLOAD,
        status=status,
        total=1,
        workbook=workbook,
    )
    BatchAudit.objects.filter(pk=batch.pk).update(
        requested_at=timezone.now() - timedelta(days=age_days)
    )
    stored = ""
    if waiting:
        stored = default_storage.save("batch-audit/retention-test/1.txt", ContentFile(b"report"))
    BatchItem.objects.create(
        region_id=dataset.region_id, batch=batch, position=1, name="报告.txt", stored=stored
    )
    return batch


def _batch_files(batch: BatchAudit) -> list[str]:
    names = [batch.workbook] if batch.workbook else []
    return names + [i.stored for i in batch.items.exclude(stored="")]


def test_old_batches_go_with_their_files_per_place(
    synthetic: Any, django_capture_on_commit_callbacks: Any
) -> None:
    # the department's: 30 and 20 (failed, an upload still waiting) are superseded by 10;
    # the region's own: 25 stays (the newest of its place); a running one (40) stays
    old = _batch(synthetic, 30)
    failed = _batch(synthetic, 20, status=BatchAudit.Status.FAILED, waiting=True)
    newest = _batch(synthetic, 10)
    region = _batch(synthetic, 25, department=False)
    running = _batch(synthetic, 40, status=BatchAudit.Status.RUNNING, waiting=True)
    gone = _batch_files(old) + _batch_files(failed)
    kept = _batch_files(newest) + _batch_files(region) + _batch_files(running)
    assert len(gone) == 2 and len(kept) == 3

    with django_capture_on_commit_callbacks(execute=True):
        purged = purge_superseded_batches(1, region_ids=[synthetic.region_id])

    assert (purged.batches, purged.files, purged.bytes) == (2, 2, 4 + 6)
    left = set(
        BatchAudit.objects.filter(region_id=synthetic.region_id).values_list("pk", flat=True)
    )
    assert {newest.pk, region.pk, running.pk} <= left
    assert not left & {old.pk, failed.pk}
    assert not BatchItem.objects.filter(batch_id__in=[old.pk, failed.pk]).exists()
    assert not [n for n in gone if default_storage.exists(n)]
    assert all(default_storage.exists(n) for n in kept)


def test_a_batch_purge_that_rolls_back_keeps_the_files(
    synthetic: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from django.db import transaction

    batch = _batch(synthetic, 5)
    names = _batch_files(batch)
    pk = batch.pk
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        batch.delete()
        raise RuntimeError("rolled back")
    assert BatchAudit.objects.filter(pk=pk).exists()
    assert all(default_storage.exists(n) for n in names)


def test_the_command_purges_reports_and_batches_together(
    synthetic: Any, django_capture_on_commit_callbacks: Any
) -> None:
    jobs = [_job(synthetic, age) for age in (30, 20, 10)]
    batches = [_batch(synthetic, age) for age in (30, 20, 10)]
    dry = purge_superseded(2, dry_run=True)
    assert dry.jobs >= 1 and dry.batches >= 1
    with django_capture_on_commit_callbacks(execute=True):
        call_command("purge_reports", keep=2, stdout=io.StringIO())
    assert not ReportJob.objects.filter(pk=jobs[0].pk).exists()
    assert not BatchAudit.objects.filter(pk=batches[0].pk).exists()
    assert ReportJob.objects.filter(pk__in=[j.pk for j in jobs[1:]]).count() == 2
    assert BatchAudit.objects.filter(pk__in=[b.pk for b in batches[1:]]).count() == 2
