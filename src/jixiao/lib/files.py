"""Writing output files so that a failure never leaves half a file behind."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path


def write_atomically(path: Path, write: Callable[[Path], object]) -> Path:
    """Call ``write`` on a temporary file next to ``path``, then rename it to ``path``.

    A failed write (no space, a directory in the way) leaves neither a partial ``path``
    nor the temporary file; the error is raised as is.
    """
    tmp = path.with_name(path.name + ".tmp")
    try:
        write(tmp)
        tmp.replace(path)
    finally:
        tmp.unlink(missing_ok=True)
    return path
