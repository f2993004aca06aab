"""Background jobs' bookkeeping, shared by report jobs and batch audits.

A job row (``evaluation.ReportJob``, ``audit.BatchAudit``) has a ``status`` (queued,
running, done, failed), ``requested_at``, ``finished_at``, ``error`` (a Chinese message)
and ``progressed_at``: the heartbeat, set when a worker starts the job and at every step
it reports. The worker's writes go through :func:`start`, :func:`beat`, :func:`finish`
and :func:`fail`, each conditional on the status it expects, so a job is finished once.

A worker that dies (killed, out of memory, the machine restarted) leaves its job queued
or running for ever, and the page polled it for ever. :func:`expire_stale` — called by
the pages that show jobs — ends every unfinished job without a heartbeat for
``settings.JOB_STALE_SECONDS`` (``JX_JOB_STALE_SECONDS``) as failed, with a Chinese
message saying so and that it can be asked for again; if its worker was only slow and
comes back, its :func:`finish` finds the job no longer running and keeps nothing.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Model, Q
from django.utils import timezone

QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"


def stale_seconds() -> int:
    return int(getattr(settings, "JOB_STALE_SECONDS", 1800))


def stale_message() -> str:
    minutes = max(1, stale_seconds() // 60)
    return f"任务已中断：超过 {minutes} 分钟没有进展（处理它的后台进程可能已退出），请重新提交"


def start(model: type[Model], pk: int, **fields: Any) -> bool:
    """queued → running, the heartbeat set; False if the job was not queued."""
    now = timezone.now()
    # its own savepoint: a refused update leaves a caller's transaction usable for fail()
    with transaction.atomic():
        return bool(
            model._default_manager.filter(pk=pk, status=QUEUED).update(
                status=RUNNING, progressed_at=now, **fields
            )
        )


def beat(model: type[Model], pk: int, **fields: Any) -> None:
    """A step of an unfinished job: its progress ``fields`` and the heartbeat (a job
    ended meanwhile, e.g. as stale, keeps what it said)."""
    model._default_manager.filter(pk=pk, status__in=(QUEUED, RUNNING)).update(
        progressed_at=timezone.now(), **fields
    )


def finish(model: type[Model], pk: int, **fields: Any) -> bool:
    """running → done; False if the job is no longer running (ended as stale meanwhile):
    the caller then keeps nothing of its work."""
    now = timezone.now()
    return bool(
        model._default_manager.filter(pk=pk, status=RUNNING).update(
            status=DONE, finished_at=now, progressed_at=now, **fields
        )
    )


def fail(model: type[Model], pk: int, error: str) -> None:
    """An unfinished job → failed with ``error`` (Chinese, never a traceback)."""
    now = timezone.now()
    model._default_manager.filter(pk=pk, status__in=(QUEUED, RUNNING)).update(
        status=FAILED, error=error, finished_at=now, progressed_at=now
    )


def stale_condition(now: Any = None) -> Q:
    """Unfinished, and no heartbeat (or, never started, no request) for the stale time."""
    limit = (now or timezone.now()) - timedelta(seconds=stale_seconds())
    silent = Q(progressed_at__lt=limit) | Q(progressed_at__isnull=True, requested_at__lt=limit)
    return Q(status__in=(QUEUED, RUNNING)) & silent


def expire_stale(model: type[Model], **scope: Any) -> int:
    """End the stale jobs of ``model`` (within ``scope``) as failed; how many."""
    now = timezone.now()
    stale = model._default_manager.filter(stale_condition(now), **scope)
    if not stale.exists():  # a read: the pages that call this take no write lock for nothing
        return 0
    return int(stale.update(status=FAILED, error=stale_message(), finished_at=now))
