"""Report generation as a background task: request, run with progress, store the files.

:func:`request_reports` records a :class:`ReportJob` and enqueues :func:`generate_reports`
when the transaction commits (a worker never sees a job that is not written yet, pretix's
``TransactionAwareTask``). The worker evaluates the dataset as stored then (and keeps that
evaluation, so the pages and the files show the same numbers), renders the submission
report and the review file (审核底稿) through :func:`jixiao.reports.api.report_files`,
writing each step and its count into the job (:func:`job_progress`: the engine's
progress callback, the contract the command line draws its bar from) so the page can show
its progress, and keeps the files through Django's storage API under names the system
chooses; the Chinese file name the engine gives is only what the download is called.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import TYPE_CHECKING

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django_tasks import task

from jixiao.dataset.model import Dataset as EngineDataset
from jixiao.evaluation import evaluate
from jixiao.lib.progress import Progress
from jixiao.reports.api import (
    DEFAULT_FORMATS,
    REVIEW_FORMATS,
    release_render_caches,
    report_files,
)
from jixiao.reports.render import RENDERERS
from jixiao_web.core import jobs
from jixiao_web.datasets.models import Dataset
from jixiao_web.evaluation.models import ReportFile, ReportJob
from jixiao_web.evaluation.services import run_evaluation, store_evaluation

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

logger = logging.getLogger(__name__)

#: Formats a person may ask for (the report; the review file has its own two).
REPORT_FORMATS: tuple[str, ...] = DEFAULT_FORMATS
REVIEW_FILE_FORMATS: tuple[str, ...] = REVIEW_FORMATS


class BadRequest(Exception):
    """The request names no format or an unknown one (the view shows the message)."""


@dataclass(frozen=True)
class Subject:
    """What a job reports on when it is not the stored dataset as it is."""

    dataset: EngineDataset
    framework: str | None
    version: int  #: the source's version when it was read (shown with the job)


#: Report sources other apps register (``register_source``), by name: a function that reads
#: the object with that id as the engine's dataset. The job then runs the same evaluation
#: and the same report set as any dataset's; only the dataset it is given differs.
SOURCES: dict[str, Callable[[int], Subject]] = {}


def register_source(name: str, read: Callable[[int], Subject]) -> None:
    SOURCES[name] = read


def request_reports(
    dataset: Dataset,
    user: AbstractBaseUser | None,
    formats: Sequence[str],
    review_formats: Sequence[str],
    *,
    source: str = "",
    source_id: int | None = None,
) -> ReportJob:
    """Record a report job and enqueue it once the transaction commits (``source``: a
    registered source and its object's id; blank: the stored dataset)."""
    unknown = [f for f in (*formats, *review_formats) if f not in RENDERERS]
    if unknown or not (formats or review_formats):
        raise BadRequest("请至少选择一种报告格式")
    if source and (source not in SOURCES or source_id is None):
        raise BadRequest("未知的报告来源")
    formats = [f for f in REPORT_FORMATS if f in formats]
    review_formats = [f for f in REVIEW_FILE_FORMATS if f in review_formats]
    with transaction.atomic():
        job = ReportJob.objects.create(
            region_id=dataset.region_id,
            department_id=dataset.department_id,
            dataset=dataset,
            requested_by_id=user.pk if user is not None and user.is_authenticated else None,
            formats=formats,
            review_formats=review_formats,
            total=len(formats) + len(review_formats),
            dataset_version=dataset.version,
            source=source,
            source_id=source_id if source else None,
        )
        job_id = job.pk
        transaction.on_commit(lambda: generate_reports.enqueue(job_id))
    return job


def job_progress(job_id: int, stage: str) -> Progress:
    """The engine's progress callback (:mod:`jixiao.lib.progress`) writing into the job row:
    the page polls it and shows “评价数据：一致性检查（1/3）”, “报告 PDF（3/6）”."""

    def tell(step: str, done: int, total: int, /) -> None:
        shown = f"{stage}：{step}" if stage else step
        jobs.beat(ReportJob, job_id, step=shown[:100], done=done, total=total)

    return tell


@task()
def generate_reports(job_id: int) -> str:
    """Run one report job (in a worker; immediately in tests). Returns its status."""
    job = ReportJob.objects.select_related("dataset", "requested_by").filter(pk=job_id).first()
    if job is None or job.finished:
        return "missing" if job is None else str(job.status)
    try:
        # inside the try: a failure here left the job "queued" for ever
        if not jobs.start(ReportJob, job_id, step="评价数据"):
            return "taken"  # another worker has it, or it was ended as stale
        if job.source:
            # e.g. a 自评表: its dataset with the entered scorecard, not kept as the
            # dataset's evaluation (the dataset's pages show the stored data's)
            subject = SOURCES[job.source](job.source_id or 0)
            result = evaluate(
                subject.dataset,
                framework=subject.framework,
                progress=job_progress(job_id, "评价数据"),
            )
            ReportJob.objects.filter(pk=job_id).update(dataset_version=subject.version)
        else:
            result, locator, version = run_evaluation(
                job.dataset, progress=job_progress(job_id, "评价数据")
            )
            evaluation = store_evaluation(job.dataset, result, locator, version, job.requested_by)
            ReportJob.objects.filter(pk=job_id).update(
                evaluation=evaluation, dataset_version=version
            )
        files = report_files(
            result,
            job.formats,
            review_formats=job.review_formats,
            # The worker shares the machine with the web process: one core per job.
            parallel=False,
            progress=job_progress(job_id, ""),
        )
        # the task worker renders job after job: don't hold the last ten PDFs' layouts
        release_render_caches([*job.formats, *job.review_formats])
        report_count = len(job.formats)
        stored: list[str] = []
        with transaction.atomic():
            for index, rendered in enumerate(files):
                kind = ReportFile.Kind.REPORT if index < report_count else ReportFile.Kind.REVIEW
                suffix = _suffix(rendered.filename)
                name = default_storage.save(
                    f"reports/{job_id}/{secrets.token_hex(8)}{suffix}", ContentFile(rendered.data)
                )
                stored.append(name)
                ReportFile.objects.create(
                    region_id=job.region_id,
                    department_id=job.department_id,
                    job=job,
                    kind=kind,
                    format=suffix.lstrip("."),
                    filename=rendered.filename[:200],
                    media_type=rendered.media_type,
                    name=name,
                    size=len(rendered.data),
                )
            if not jobs.finish(ReportJob, job_id, step="已完成", done=len(files), total=len(files)):
                raise _Expired
    except _Expired:
        # ended as stale while this worker was slow: the user was told to ask again
        for name in stored:
            default_storage.delete(name)
        return str(ReportJob.Status.FAILED)
    except Exception as error:
        # The log names the job and the error's type, never the data or a person.
        logger.exception("report job %s failed: %s", job_id, type(error).__name__)
        jobs.fail(
            ReportJob,
            job_id,
            f"报告生成失败（{type(error).__name__}），请修正数据后重试或联系系统管理员",
        )
        return str(ReportJob.Status.FAILED)
    return str(ReportJob.Status.DONE)


class _Expired(Exception):
    """The job was ended as stale while its worker ran: what it made is not kept."""


def _suffix(filename: str) -> str:
    return PurePosixPath(filename).suffix.lower()
