"""Report files are not kept for ever: superseded report jobs are purged with their files.

Every "生成报告" click stores a full report set (a PDF of tens of pages, the Word file, the
review file …) in the default storage. Only the newest few of a dataset are what anyone
downloads; older sets describe data that has since changed. :func:`purge_superseded_reports`
keeps, per dataset (and per sheet or other source reported on), the newest ``keep``
finished jobs and every job still running or queued, and never a job another record
points at (an assessment, a publication … any
model with a foreign key to :class:`ReportJob` or :class:`ReportFile` that has a row for
it): those files are evidence of what was submitted or published.

The files go with their rows: a :class:`ReportFile` deleted for any reason (a purge, a
dataset deleted and its jobs cascading) deletes its stored bytes once the transaction
commits (:func:`delete_stored_file`), so no orphan is left in storage and no row names a
file that is gone if the transaction rolls back.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.files.storage import default_storage
from django.db import models, transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver

from jixiao_web.evaluation.models import ReportFile, ReportJob

logger = logging.getLogger(__name__)

FINISHED = (ReportJob.Status.DONE, ReportJob.Status.FAILED)


@dataclass(frozen=True)
class Purged:
    """What a purge removed (or, with ``dry_run``, would remove)."""

    jobs: int
    files: int
    bytes: int


def _referrers(model: type[models.Model]) -> list[tuple[type[models.Model], str]]:
    """(model, field name) of every foreign key pointing at ``model`` from another app's
    models (the job's own files excluded): a row there keeps the job."""
    found = []
    for relation in model._meta.related_objects:
        related = relation.related_model
        if (
            not isinstance(related, type)
            or related in (ReportFile, ReportJob)
            or not isinstance(relation.field, models.ForeignKey)
        ):
            continue
        found.append((related, relation.field.name))
    return found


def _referenced_job_ids() -> set[int]:
    kept: set[int] = set()
    # a row pointing at a job keeps it; one pointing at a file keeps the file's job
    for target, to_job in ((ReportJob, ""), (ReportFile, "__job_id")):
        for related, field in _referrers(target):
            kept.update(
                related._default_manager.exclude(**{f"{field}__isnull": True}).values_list(
                    f"{field}{to_job}", flat=True
                )
            )
    return kept


def superseded_jobs(
    keep: int, dataset_ids: Iterable[int] | None = None
) -> models.QuerySet[ReportJob]:
    """Finished jobs beyond the newest ``keep`` of what they report on, not referenced
    elsewhere (of the datasets ``dataset_ids`` only, when given).

    What a job reports on is its dataset and its source (``source``/``source_id``: e.g. a
    自评表 registered by the assessment app): a new dataset report set never supersedes
    the latest report of a self-evaluation sheet of the same dataset."""
    if keep < 1:
        raise ValueError("至少保留 1 次报告生成结果")
    newest: set[int] = set()
    finished = ReportJob.objects.filter(status__in=FINISHED).order_by(
        "dataset_id", "source", "source_id", "-requested_at", "-pk"
    )
    if dataset_ids is not None:
        finished = finished.filter(dataset_id__in=list(dataset_ids))
    current: tuple[Any, ...] | None = None
    count = 0
    for job_id, *subject in finished.values_list(
        "pk", "dataset_id", "source", "source_id"
    ).iterator():
        if tuple(subject) != current:
            current, count = tuple(subject), 0
        count += 1
        if count <= keep:
            newest.add(job_id)
    return finished.exclude(pk__in=newest | _referenced_job_ids())


def purge_superseded_reports(
    keep: int, *, dry_run: bool = False, dataset_ids: Iterable[int] | None = None
) -> Purged:
    """Delete superseded report jobs, their file rows and (on commit) their stored bytes."""
    jobs = superseded_jobs(keep, dataset_ids)
    files = ReportFile.objects.filter(job__in=jobs)
    result = Purged(
        jobs=jobs.count(),
        files=files.count(),
        bytes=sum(files.values_list("size", flat=True)),
    )
    if not dry_run and result.jobs:
        with transaction.atomic():
            # Deleted one by one so that each file's post_delete removes its bytes.
            for report_file in files:
                report_file.delete()
            ReportJob.objects.filter(pk__in=list(jobs.values_list("pk", flat=True))).delete()
        logger.info("purged %s report jobs, %s files", result.jobs, result.files)
    return result


@receiver(post_delete, sender=ReportFile)
def delete_stored_file(sender: Any, instance: ReportFile, **kwargs: Any) -> None:
    """Remove the stored bytes of a deleted file row once the deletion is committed."""
    name = instance.name
    transaction.on_commit(lambda: default_storage.delete(name))
