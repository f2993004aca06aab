"""The output edge: every file jixiao writes goes through here.

- :func:`write_file` writes one file atomically (a uniquely named temporary file beside
  it, renamed into place when complete), after :func:`check_output_file` has refused what
  must not be written: a directory in the way, an input file, an existing file without
  ``--force``.
- :class:`OutputFolder` writes a set of files as one transaction: everything goes into a
  fresh staging folder beside the target, a manifest is written last, and the staging
  folder is swapped in only when complete. An interrupted or failed run leaves the old
  folder as it was (or no folder); two runs into one folder cannot interleave (the second
  is refused while the first holds the folder's lock).
- Every ``OSError`` becomes an :class:`OutputError`: the path the user named and a short
  Chinese reason (:func:`failure_reason`), which the command line prints as one line.

The engine never writes files; renderers and formats produce bytes (or write to a
stream) and the command line hands them to this module.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import glob
import json
import os
import secrets
import shutil
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import IO, Any

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
    errno.ENOSPC: "磁盘已满",
    errno.EDQUOT: "磁盘配额已用完",
    errno.EROFS: "文件系统只读",
    errno.EACCES: "没有访问权限",
    errno.EPERM: "没有访问权限",
    errno.ELOOP: "符号链接循环",
    errno.EFBIG: "文件过大",
    errno.EIO: "磁盘读写错误",
    errno.EXDEV: "不能跨磁盘移动",
    errno.EBUSY: "文件正被占用",
    errno.ENOTEMPTY: "目录不为空",
}

#: The manifest a complete output folder holds; written last, so a folder with it is complete.
MANIFEST = ".jixiao-output.json"


def failure_reason(error: OSError) -> str:
    """``OSError`` → a short Chinese reason: ``文件名过长``, ``没有访问权限`` …"""
    if error.errno in (errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.ENAMETOOLONG):
        return FAILURE_ERRNOS[error.errno]
    for kind, reason in FAILURE_KINDS:
        if isinstance(error, kind):
            return reason
    return FAILURE_ERRNOS.get(error.errno or 0, error.strerror or str(error))


class OutputError(Exception):
    """An output that cannot, or must not, be written: the path as the user named it and
    a short Chinese reason. The command line prints :attr:`message` and exits 2."""

    def __init__(self, path: Path | str, reason: str) -> None:
        self.path = str(path)
        self.reason = reason
        super().__init__(self.message)

    @property
    def message(self) -> str:
        return f"无法写入“{self.path}”：{self.reason}"


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.exists() and b.exists() and os.path.samefile(a, b)
    except OSError:
        return False


def check_output_file(path: Path, *, force: bool = False, inputs: Iterable[Path] = ()) -> None:
    """Refuse, before any work, an output file that must not be written.

    A directory in the way, one of the command's ``inputs`` (never overwritten, not even
    with ``--force``), or an existing file without ``force``.
    """
    if str(path) in ("", "."):
        raise OutputError(path, "未指定输出文件名")
    for source in inputs:
        if _same_file(path, source):
            raise OutputError(path, "这是本命令的输入文件，不能覆盖")
    try:
        if path.is_dir():
            raise OutputError(path, "已有同名目录")
        if path.exists() and not force:
            raise OutputError(path, "文件已存在；如要覆盖，请加 --force")
        for parent in path.parents:
            if parent.exists():
                if not parent.is_dir():
                    raise OutputError(path, f"“{parent}”是文件，不能作为目录")
                break
    except OSError as error:  # a name too long to stat, no permission to look …
        raise OutputError(path, failure_reason(error)) from None


def _temporary_name(path: Path) -> Path:
    """A name beside ``path`` that no other writer uses (hidden, ends in ``.tmp``)."""
    return path.with_name(f".{path.name[:200]}.{secrets.token_hex(4)}.tmp")


def write_file(path: Path, data: bytes | Callable[[IO[bytes]], object]) -> Path:
    """Write ``data`` (bytes, or a function writing to a binary stream) to ``path`` atomically.

    The parent folders are created; a uniquely named temporary file beside ``path`` is
    renamed over it when complete, so ``path`` is either the old file or the whole new
    one, and two writers never share a temporary file. Any failure removes the temporary
    file and raises :class:`OutputError` naming ``path``.
    """
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise OutputError(path, failure_reason(error)) from None
    if path.is_dir():
        raise OutputError(path, "已有同名目录")
    tmp = _temporary_name(path)
    try:
        # O_EXCL: never follow or reuse a file someone placed there; mode 0666 & ~umask.
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        with os.fdopen(fd, "wb") as stream:
            if isinstance(data, bytes | bytearray | memoryview):
                stream.write(data)
            else:
                data(stream)
        os.replace(tmp, path)
    except OSError as error:
        raise OutputError(path, failure_reason(error)) from None
    finally:
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)
    return path


def write_atomically(path: Path, write: Callable[[Path], object]) -> Path:
    """Call ``write`` on a uniquely named temporary file next to ``path``, then rename it.

    For writers that need a path (``workbook.save(path)``). A failed write leaves neither
    a partial ``path`` nor the temporary file; the ``OSError`` is raised as is.
    """
    tmp = _temporary_name(path)
    try:
        write(tmp)
        tmp.replace(path)
    finally:
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)
    return path


def bytes_from_writer(write: Callable[[Path], object], shown: Path) -> bytes:
    """The bytes a writer that only takes a path produces (it writes into a private
    temporary folder), so that the output edge writes them like any other output.
    A failure there is an :class:`OutputError` naming ``shown``, the output it is for."""
    import tempfile

    try:
        with tempfile.TemporaryDirectory(prefix="jixiao-") as folder:
            path = Path(folder) / f"output{shown.suffix}"
            write(path)
            return path.read_bytes()
    except OSError as error:
        raise OutputError(shown, failure_reason(error)) from None


# --------------------------------------------------------------------------- folders


def _inside(child: Path, parent: Path) -> bool:
    try:
        child.resolve().relative_to(parent.resolve())
    except (ValueError, OSError):
        return False
    return True


def _listing(folder: Path, *, folders: bool = False) -> list[str]:
    """Every file (and with ``folders``, every folder) below ``folder`` as a relative
    POSIX path, sorted."""
    return sorted(
        p.relative_to(folder).as_posix() for p in folder.rglob("*") if folders or not p.is_dir()
    )


def _read_manifest(folder: Path) -> dict[str, Any] | None:
    try:
        document = json.loads((folder / MANIFEST).read_text("utf-8"))
    except (OSError, ValueError):
        return None
    return document if isinstance(document, dict) else None


def _exchange(a: Path, b: Path) -> bool:
    """Swap two directories atomically (Linux ``renameat2(RENAME_EXCHANGE)``); False where
    the system cannot."""
    import ctypes
    import ctypes.util

    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    result = renameat2(
        at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), ctypes.c_uint(rename_exchange)
    )
    if result == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP):
        return False  # a filesystem without RENAME_EXCHANGE: fall back to two renames
    raise OSError(code, os.strerror(code), str(a), None, str(b))


@dataclass
class OutputFolder:
    """A folder of outputs written as one transaction (``with OutputFolder(...) as out:``).

    On entry the target is checked and locked: it must not be the current folder (or
    above it), nor hold an input, and an existing folder must be empty or a complete
    jixiao output folder whose files are all listed in its manifest (``force`` replaces
    any folder). Files go to :attr:`staging`; on a clean exit the manifest is written and
    the staging folder takes the target's place in one rename (the old one is removed).
    On an exception — including ``KeyboardInterrupt`` — the staging folder is removed and
    the target is untouched. A second writer of the same target is refused while the
    first holds the lock. Every ``OSError`` becomes :class:`OutputError`.
    """

    target: Path
    inputs: tuple[Path, ...] = ()
    force: bool = False
    command: str = ""
    written: list[str] = field(default_factory=list)
    staging: Path = field(init=False, default=Path())
    committed: bool = field(default=False, init=False)
    _lock: int | None = field(default=None, init=False, repr=False)
    _lock_path: Path | None = field(default=None, init=False, repr=False)

    # -- checks ---------------------------------------------------------------------

    def check(self) -> None:
        """Refuse, before any work, a target that must not be replaced."""
        target = self.target
        if str(target) in ("", ".") or _inside(Path.cwd(), target):
            raise OutputError(
                target, "输出目录不能是当前目录或其上级目录；请指定一个新的子目录，如 -o out"
            )
        for source in self.inputs:
            if _inside(source, target):
                raise OutputError(
                    target,
                    f"输入文件“{source}”在输出目录中，而输出目录会被整体替换；请另选输出目录",
                )
        try:
            if target.exists() and not target.is_dir():
                raise OutputError(target, "已有同名文件，无法作为目录")
            for parent in target.parents:
                if parent.exists():
                    if not parent.is_dir():
                        raise OutputError(target, f"“{parent}”是文件，不能作为目录")
                    break
            if target.is_dir() and not self.force:
                self._check_replaceable()
        except OSError as error:
            raise OutputError(target, failure_reason(error)) from None

    def _check_replaceable(self) -> None:
        files = _listing(self.target, folders=True)
        if not files:
            return
        manifest = _read_manifest(self.target)
        if manifest is None:
            shown = "、".join(files[:3]) + ("等" if len(files) > 3 else "")
            raise OutputError(
                self.target,
                f"目录中已有不是 jixiao 写入的文件（{shown}），为免覆盖已拒绝；"
                "请指定新的或空的目录，或加 --force 整体替换",
            )
        listed = set(manifest.get("files", [])) | {MANIFEST}
        listed |= {str(PurePosixPath(f).parent) for f in listed}  # their folders (units/)
        extra = [f for f in files if f not in listed]
        if extra:
            shown = "、".join(extra[:3]) + ("等" if len(extra) > 3 else "")
            raise OutputError(
                self.target,
                f"目录中有 jixiao 之外的文件（{shown}），输出目录会被整体替换；"
                "请先移走这些文件，或加 --force 整体替换",
            )

    # -- the transaction ------------------------------------------------------------

    def __enter__(self) -> OutputFolder:
        self.check()
        self.staging = self.target.with_name(
            f".{self.target.name}.jixiao-staging-{secrets.token_hex(4)}"
        )
        try:
            self.target.parent.mkdir(parents=True, exist_ok=True)
            self._acquire()
            self._clean_leftovers()
            self.staging.mkdir()
        except OSError as error:
            self._release()
            raise OutputError(self.target, failure_reason(error)) from None
        except BaseException:
            self._release()
            raise
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, tb: Any
    ) -> None:
        try:
            if kind is None:
                self.commit()
        finally:
            if not self.committed:
                shutil.rmtree(self.staging, ignore_errors=True)
            self._release()
        if isinstance(error, OSError) and not isinstance(error, OutputError):
            raise OutputError(self._shown(error), failure_reason(error)) from None

    def _shown(self, error: OSError) -> str:
        """The path the user named for a failure inside the staging folder."""
        name = str(error.filename or self.target)
        staged = str(self.staging)
        return str(self.target) + name[len(staged) :] if name.startswith(staged) else name

    def path_for(self, name: str) -> Path:
        """Where to write the output ``name`` (``figures.json``, ``units/a.docx``) — inside
        the staging folder; for writers that need a path."""
        relative = PurePosixPath(name)
        if relative.is_absolute() or ".." in relative.parts or not relative.parts:
            raise ValueError(f"output name must be relative: {name!r}")
        path = self.staging.joinpath(*relative.parts)
        path.parent.mkdir(parents=True, exist_ok=True)
        return path

    def directory(self, name: str) -> Path:
        """A sub-folder of the staging folder (``units``) for writers that fill a folder."""
        path = self.path_for(name)
        path.mkdir(exist_ok=True)
        return path

    def final_path(self, name: str) -> Path:
        """Where ``name`` will be once the folder is committed (for messages)."""
        return self.target.joinpath(*PurePosixPath(name).parts)

    def write(self, name: str, data: bytes | Callable[[IO[bytes]], object]) -> Path:
        """Write one output into the transaction; returns its final path."""
        path = self.path_for(name)
        try:
            with path.open("wb") as stream:
                if isinstance(data, bytes | bytearray | memoryview):
                    stream.write(data)
                else:
                    data(stream)
        except OSError as error:
            raise OutputError(self.final_path(name), failure_reason(error)) from None
        self.written.append(name)
        return self.final_path(name)

    def commit(self) -> None:
        """Write the manifest and put the staging folder in the target's place."""
        files = [f for f in _listing(self.staging) if f != MANIFEST]
        manifest = {"format": "jixiao-output/1", "command": self.command, "files": files}
        (self.staging / MANIFEST).write_text(
            json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", "utf-8"
        )
        if self.target.exists():
            if not _exchange(self.staging, self.target):
                old = self.target.with_name(
                    f".{self.target.name}.jixiao-old-{secrets.token_hex(4)}"
                )
                self.target.rename(old)
                self.staging.rename(self.target)
                self.staging = old
            self.committed = True
            shutil.rmtree(self.staging, ignore_errors=True)  # now the old folder
        else:
            self.staging.rename(self.target)
            self.committed = True

    # -- lock and leftovers ---------------------------------------------------------

    def _acquire(self) -> None:
        path = self.target.with_name(f".{self.target.name}.jixiao-lock")
        while True:
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o666)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                os.close(fd)
                raise OutputError(
                    self.target, "另一个 jixiao 命令正在写入该目录；请等它完成后再试"
                ) from None
            try:
                same = os.fstat(fd).st_ino == os.stat(path).st_ino
            except FileNotFoundError:
                same = False
            if same:
                self._lock, self._lock_path = fd, path
                return
            os.close(fd)  # the lock file was removed by its last holder: take the new one

    def _release(self) -> None:
        if self._lock is None:
            return
        if self._lock_path is not None:
            with contextlib.suppress(OSError):
                self._lock_path.unlink()
        os.close(self._lock)
        self._lock = None

    def _clean_leftovers(self) -> None:
        """Folders a killed run left beside the target (we hold the lock: nobody owns
        them). An old folder that was being swapped out is put back if the target is gone."""
        prefix = f".{self.target.name}.jixiao-"
        for path in self.target.parent.glob(f"{glob.escape(prefix)}*"):
            kind = path.name[len(prefix) :]
            if kind.startswith("old-") and not self.target.exists():
                path.rename(self.target)
            elif kind.startswith(("staging-", "old-")):
                shutil.rmtree(path, ignore_errors=True)


__all__ = [
    "MANIFEST",
    "OutputError",
    "OutputFolder",
    "bytes_from_writer",
    "check_output_file",
    "failure_reason",
    "write_atomically",
    "write_file",
]
