"""Files: writing outputs so that a failure never leaves half a file behind, and saying in
Chinese why a file could not be read or written."""

from __future__ import annotations

import errno
from collections.abc import Callable
from pathlib import Path

#: Why a file operation failed, by the kind of OSError, then by its errno (else the
#: system's own words).
FAILURE_KINDS: tuple[tuple[type[OSError], str], ...] = (
    (IsADirectoryError, "已有同名目录"),
    (NotADirectoryError, "路径中有同名文件，无法作为目录"),
    (FileExistsError, "已有同名文件，无法作为目录"),
    (PermissionError, "没有访问权限"),
    (FileNotFoundError, "文件或所在目录不存在"),
)
FAILURE_ERRNOS: dict[int, str] = {
    errno.ENAMETOOLONG: "文件名过长",
    errno.ENOSPC: "磁盘空间不足",
    errno.EROFS: "文件系统只读",
}


def failure_reason(error: OSError) -> str:
    """``OSError`` → a short Chinese reason: ``文件名过长``, ``没有访问权限`` …"""
    for kind, reason in FAILURE_KINDS:
        if isinstance(error, kind):
            return reason
    return FAILURE_ERRNOS.get(error.errno or 0, error.strerror or str(error))


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
