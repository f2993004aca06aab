"""Read replicas: a page that only reads may be served from a replica; nothing else is.

Set ``JX_REPLICA_URLS`` (comma-separated database URLs of PostgreSQL streaming replicas)
and the settings add them as ``replica_1``, ``replica_2`` … with this router.

Replicas lag the primary by a fraction of a second to seconds, and a clerk who saves a row
and sees it in its old state will save it again. So replica reads are **opt-in per
request** and the primary is the default everywhere else:

- :class:`ReplicaReadsMiddleware` allows replica reads only for a ``GET``/``HEAD`` request
  from a browser that has not changed anything in the last ``JX_REPLICA_LAG_SECONDS``
  (a cookie set on every request that writes: POST, PUT, PATCH, DELETE);
- inside a transaction on the primary every read goes to the primary (a service that
  checks a version and then writes must read what it will overwrite);
- background workers, management commands and the shell never enter the middleware,
  so they read the primary (a task enqueued on commit must find the rows it is about).

Writes and migrations always go to the primary (``default``).
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.conf import settings
from django.db import connections
from django.http import HttpRequest, HttpResponse

PRIMARY = "default"
REPLICA_PREFIX = "replica_"
#: The cookie that keeps a browser on the primary for a while after it wrote.
WROTE_COOKIE = "jx_wrote"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

_replica_reads: ContextVar[bool] = ContextVar("jx_replica_reads", default=False)


def replica_aliases() -> list[str]:
    return [alias for alias in settings.DATABASES if alias.startswith(REPLICA_PREFIX)]


@contextmanager
def replica_reads_allowed(allowed: bool = True) -> Iterator[None]:
    """Within the block, reads outside a transaction may go to a replica."""
    token = _replica_reads.set(allowed)
    try:
        yield
    finally:
        _replica_reads.reset(token)


class ReplicaRouter:
    """Reads to a random replica when the request allows it; everything else to the primary."""

    def db_for_read(self, model: type[Any], **hints: Any) -> str:
        if not _replica_reads.get() or connections[PRIMARY].in_atomic_block:
            return PRIMARY
        replicas = replica_aliases()
        return random.choice(replicas) if replicas else PRIMARY  # spreads load; not security

    def db_for_write(self, model: type[Any], **hints: Any) -> str:
        return PRIMARY

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool:
        return True  # replicas hold the same rows as the primary

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool:
        return db == PRIMARY


class ReplicaReadsMiddleware:
    """Allow replica reads for read-only requests of browsers that have not just written."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        lag = float(getattr(settings, "REPLICA_LAG_SECONDS", 5))
        writes = request.method not in SAFE_METHODS
        allowed = not writes and not _wrote_recently(request, lag)
        with replica_reads_allowed(allowed):
            response = self.get_response(request)
        if writes:
            response.set_cookie(
                WROTE_COOKIE,
                str(int(time.time())),
                max_age=max(1, int(lag) + 1),
                httponly=True,
                samesite="Lax",
                secure=request.is_secure(),
            )
        return response


def _wrote_recently(request: HttpRequest, lag: float) -> bool:
    stamp = request.COOKIES.get(WROTE_COOKIE, "")
    if not stamp.isdigit():
        return False
    return time.time() - int(stamp) <= lag
