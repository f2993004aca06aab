"""Opt-in settings for batch callers (the command line, benchmarks, background tasks).

The engine never changes process-wide state; a caller that builds or reads millions of
objects at once may choose to pause Python's cyclic garbage collector around the work.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector for the block, and restore it as it was.

    A province's dataset is about a million small objects that all stay alive; every
    full collection re-scans them and finds nothing, because reading, computing figures
    and writing create no reference cycles. Measured: up to a third of a workbook read and
    a quarter of a YAML write (docs/performance.md). Not for a long-running server
    process as a whole — only around one batch of work.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
