"""The files a person names on the command line, read here and handed to the engine as text.

The engine parses text and bytes and never opens a path (docs/architecture.md): a
framework, an indicator library, a history folder or a wording file is read by the
command that was told to read it. Every failure to read is one :class:`InputError`
naming the path and a short Chinese reason, raised the way the engine's parsers raise
their own problems, so the command prints both kinds alike.

Every read is bounded (:func:`read_bounded`): at most the limit plus one byte is read, so
a wrong path (a database dump, ``/dev/zero``, a file still growing) is refused with its
size instead of filling memory; a size from ``stat`` alone would not do (a device or a
pipe reports 0).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from jixiao.dataset.build import DatasetError, InputError
from jixiao.io.limits import DEFAULT_LIMITS, size_text
from jixiao.lib.files import failure_reason

if TYPE_CHECKING:
    from jixiao.monitoring.library import Allocation, HistoryRecord, IndicatorLibrary
    from jixiao.reports.wording import Wording
    from jixiao.scoring.model import Framework


class TooLarge(OSError):
    """A file longer than the limit for its kind (its message is the Chinese reason)."""


def read_bounded(path: Path, what: str, limit: int) -> bytes:
    """The bytes of ``path``, refused (:class:`TooLarge`) past ``limit`` bytes."""
    with path.open("rb") as stream:
        data = stream.read(limit + 1)
    if len(data) > limit:
        raise TooLarge(f"{what}超过 {size_text(limit)}，超出可读取的上限")
    return data


def read_problem(path: Path, what: str, error: Exception) -> str:
    """Why ``path`` could not be read, in Chinese (``what``: 框架文件, 措辞文件 …)."""
    if isinstance(error, TooLarge):
        return str(error)
    if isinstance(error, FileNotFoundError):
        return f"{what}不存在"
    if isinstance(error, IsADirectoryError):
        return f"这是一个目录，不是{what}"
    if isinstance(error, UnicodeDecodeError):
        return "不是 UTF-8 编码的文本文件"
    if isinstance(error, OSError):
        return f"无法读取{what}（{failure_reason(error)}）"
    raise error


def read_text(path: Path, what: str, limit: int = DEFAULT_LIMITS.config_bytes) -> str:
    """The UTF-8 text of ``path`` (a leading BOM dropped); :class:`DatasetError` if unreadable."""
    try:
        return read_bounded(path, what, limit).decode("utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise DatasetError([InputError(str(path), read_problem(path, what, error))]) from None


def load_framework_file(path: Path) -> Framework:
    """A framework from a YAML file the user named (``--framework my.yaml``)."""
    from jixiao.scoring.loader import FrameworkError, parse_framework

    try:
        text = read_bounded(path, "框架文件", DEFAULT_LIMITS.config_bytes).decode("utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise FrameworkError(
            [InputError(str(path), read_problem(path, "框架文件", error))]
        ) from None
    return parse_framework(text, str(path))


def load_library(path: Path) -> IndicatorLibrary:
    """An indicator library from ``.yaml`` or a workbook written by ``jixiao targets library``."""
    if path.suffix.lower() == ".xlsx":
        from jixiao.monitoring.excel import read_library_xlsx

        try:
            data = read_bounded(path, "文件", DEFAULT_LIMITS.file_bytes)
        except OSError as error:
            raise DatasetError([InputError(str(path), read_problem(path, "文件", error))]) from None
        return read_library_xlsx(data, str(path))
    from jixiao.monitoring.library import read_library_text

    return read_library_text(read_text(path, "文件"), str(path))


def load_history_dir(directory: Path) -> tuple[tuple[HistoryRecord, ...], tuple[Allocation, ...]]:
    """``history.csv`` and (optionally) ``allocations.csv`` from ``directory``."""
    from jixiao.monitoring.library import read_history_csv

    if not directory.is_dir():
        raise DatasetError([InputError(str(directory), "历史数据目录不存在")])
    history_path, allocations_path = directory / "history.csv", directory / "allocations.csv"
    if not history_path.exists():
        raise DatasetError([InputError(str(history_path), "缺少历史值文件 history.csv")])
    csv_limit = DEFAULT_LIMITS.csv_bytes
    history = (read_text(history_path, "历史值文件", csv_limit), str(history_path))
    allocations = (
        (read_text(allocations_path, "资金文件", csv_limit), str(allocations_path))
        if allocations_path.exists()
        else None
    )
    return read_history_csv(history, allocations)


def load_wording_file(path: Path, variant: str | None = None) -> Wording:
    """The shipped wording with a wording file's groups and keys laid over it."""
    from jixiao.reports.wording import load_wording

    return load_wording((read_text(path, "措辞文件"), str(path)), variant=variant)
