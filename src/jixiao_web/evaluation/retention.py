"""Generated files are not kept for ever: superseded report jobs and batch audits are purged
with their files — one retention rule for both.

Every "生成报告" click stores a full report set (a PDF of tens of pages, the Word file, the
review file …) in the default storage. Only the newest few of a dataset are what anyone
downloads; older sets describe data that has since changed. :func:`purge_superseded_reports`
keeps, per dataset (and per sheet or other source reported on), the newest ``keep``
finished jobs and every job still running or queued, and never a job another record
points at (an assessment, a publication … any
model with a foreign key to :class:`ReportJob` or :class:`ReportFile` that has a row for
it): those files are evidence of what was submitted or published.

Batch audits (:class:`~jixiao_web.audit.models.BatchAudit`) follow the same rule
(:func:`superseded_batches`): per place they belong to (the region's own batches, each
department's), the newest ``keep`` finished ones and every one still queued or running
stay. :func:`purge_superseded` runs both (``jixiao manage purge_reports``).

The files go with their rows: a :class:`ReportFile` deleted for any reason (a purge, a
dataset deleted and its jobs cascading) deletes its stored bytes once the transaction
commits (:func:`delete_stored_file`), and so do a batch's workbook and an upload still
waiting in one of its items; so no orphan is left in storage and no row names a file that
is gone if the transaction rolls back.
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

from jixiao_web.audit.models import BatchAudit, BatchItem
from jixiao_web.evaluation.models import ReportFile, ReportJob

logger = logging.getLogger(__name__)

FINISHED = (ReportJob.Status.DONE, ReportJob.Status.FAILED)
BATCH_FINISHED = (BatchAudit.Status.DONE, BatchAudit.Status.FAILED)


@dataclass(frozen=True)
class Purged:
    """What a purge removed (or, with ``dry_run``, would remove)."""

    jobs: int
    files: int
    bytes: int
    batches: int = 0

    def __add__(self, other: Purged) -> Purged:
        return Purged(
            self.jobs + other.jobs,
            self.files + other.files,
            self.bytes + other.bytes,
            self.batches + other.batches,
        )


def _referrers(
    model: type[models.Model], own: tuple[type[models.Model], ...]
) -> list[tuple[type[models.Model], str]]:
    """(model, field name) of every foreign key pointing at ``model`` from models other
    than ``own`` (a job and its files, a batch and its items): a row there keeps it."""
    found = []
    for relation in model._meta.related_objects:
        related = relation.related_model
        if (
            not isinstance(related, type)
            or related in own
            or not isinstance(relation.field, models.ForeignKey)
        ):
            continue
        found.append((related, relation.field.name))
    return found


def _referenced_ids(
    parent: type[models.Model], child: type[models.Model], to_parent: str
) -> set[int]:
    """Ids of ``parent`` rows another record points at, directly or through a ``child``."""
    kept: set[int] = set()
    # a row pointing at a job (batch) keeps it; one pointing at its file (item) too
    for target, hop in ((parent, ""), (child, f"__{to_parent}")):
        for related, field in _referrers(target, (parent, child)):
            kept.update(
                related._default_manager.exclude(**{f"{field}__isnull": True}).values_list(
                    f"{field}{hop}", flat=True
                )
            )
    return kept


def _newest_of_each(rows: models.QuerySet[Any], group: tuple[str, ...], keep: int) -> set[int]:
    """Ids of the newest ``keep`` rows of each ``group`` (``rows`` ordered by the group,
    then newest first)."""
    newest: set[int] = set()
    current: tuple[Any, ...] | None = None
    count = 0
    for pk, *subject in rows.values_list("pk", *group).iterator():
        if tuple(subject) != current:
            current, count = tuple(subject), 0
        count += 1
        if count <= keep:
            newest.add(pk)
    return newest


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
    group = ("dataset_id", "source", "source_id")
    finished = ReportJob.objects.filter(status__in=FINISHED).order_by(
        *group, "-requested_at", "-pk"
    )
    if dataset_ids is not None:
        finished = finished.filter(dataset_id__in=list(dataset_ids))
    newest = _newest_of_each(finished, group, keep)
    return finished.exclude(pk__in=newest | _referenced_ids(ReportJob, ReportFile, "job_id"))


def superseded_batches(
    keep: int, region_ids: Iterable[int] | None = None
) -> models.QuerySet[BatchAudit]:
    """Finished batch audits beyond the newest ``keep`` of their place (a region's own
    batches; each department's), not referenced elsewhere (of ``region_ids`` only, when
    given). A batch is a read-only analysis: a newer one of the same place supersedes it."""
    if keep < 1:
        raise ValueError("至少保留 1 次批量审核结果")
    group = ("region_id", "department_id")
    finished = BatchAudit.objects.filter(status__in=BATCH_FINISHED).order_by(
        *group, "-requested_at", "-pk"
    )
    if region_ids is not None:
        finished = finished.filter(region_id__in=list(region_ids))
    newest = _newest_of_each(finished, group, keep)
    return finished.exclude(pk__in=newest | _referenced_ids(BatchAudit, BatchItem, "batch_id"))


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


def _stored_size(name: str) -> int:
    try:
        return default_storage.size(name) if name and default_storage.exists(name) else 0
    except OSError:
        return 0


def purge_superseded_batches(
    keep: int, *, dry_run: bool = False, region_ids: Iterable[int] | None = None
) -> Purged:
    """Delete superseded batch audits, their items and (on commit) their stored files."""
    batches = superseded_batches(keep, region_ids)
    names = list(batches.exclude(workbook="").values_list("workbook", flat=True))
    names += (
        BatchItem.objects.filter(batch__in=batches)
        .exclude(stored="")
        .values_list("stored", flat=True)
    )
    result = Purged(
        jobs=0,
        files=len(names),
        bytes=sum(_stored_size(n) for n in names),
        batches=batches.count(),
    )
    if not dry_run and result.batches:
        with transaction.atomic():
            # Through the collector, so that each batch's and item's post_delete runs.
            BatchAudit.objects.filter(pk__in=list(batches.values_list("pk", flat=True))).delete()
        logger.info("purged %s batch audits, %s files", result.batches, result.files)
    return result


def purge_superseded(keep: int, *, dry_run: bool = False) -> Purged:
    """Both purges (``jixiao manage purge_reports``): batches first, since a batch that
    took a generated report keeps that report's job while it exists."""
    batches = purge_superseded_batches(keep, dry_run=dry_run)
    return batches + purge_superseded_reports(keep, dry_run=dry_run)


def _delete_on_commit(name: str) -> None:
    if name:
        transaction.on_commit(lambda: default_storage.delete(name))


@receiver(post_delete, sender=ReportFile)
def delete_stored_file(sender: Any, instance: ReportFile, **kwargs: Any) -> None:
    """Remove the stored bytes of a deleted file row once the deletion is committed."""
    _delete_on_commit(instance.name)


@receiver(post_delete, sender=BatchAudit)
def delete_batch_workbook(sender: Any, instance: BatchAudit, **kwargs: Any) -> None:
    """A deleted batch's summary workbook goes once the deletion is committed."""
    _delete_on_commit(instance.workbook)


@receiver(post_delete, sender=BatchItem)
def delete_batch_upload(sender: Any, instance: BatchItem, **kwargs: Any) -> None:
    """An upload still waiting in a deleted item (a batch that failed) goes with it."""
    _delete_on_commit(instance.stored)
