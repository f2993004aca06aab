"""A value computed once for everyone who asks at the same time, then read from the cache.

The pages of a province keep the engine's results (a department's result application, a
自评表's summary) in the shared cache under keys naming every version they are computed
from. On a miss — the first view after an edit — 50 users opening the page at once each
computed the same value (seconds of CPU each, in the same few processes) and the server
timed out. :func:`cached_once` lets the first one compute while the others wait for its
result (the cache's ``add`` is atomic across processes: the database cache's row);
after ``wait`` seconds, or if the one computing gave up, a waiting caller computes it
itself, so nobody waits for ever on a worker that died.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

#: How often a waiting caller looks for the value.
POLL_SECONDS = 0.5


def cached_once(
    key: str,
    compute: Callable[[], tuple[Any, bool]],
    timeout: int,
    *,
    wait: float = 60.0,
) -> Any:
    """The cached value of ``key``, or ``compute()``'s (``(value, keep)``: kept in the
    cache for ``timeout`` seconds when ``keep``)."""
    from django.core.cache import cache

    found = cache.get(key)
    if found is not None:
        return found
    computing = f"{key}:computing"
    if not cache.add(computing, 1, int(wait)):
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            time.sleep(POLL_SECONDS)
            found = cache.get(key)
            if found is not None:
                return found
            if cache.get(computing) is None:
                break  # the one computing failed or did not keep it: compute here
    try:
        value, keep = compute()
        if keep:
            cache.set(key, value, timeout)
    finally:
        cache.delete(computing)
    return value
