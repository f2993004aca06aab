"""Dataset file formats behind one contract, and the dispatcher that picks one.

Each format is a small class with an ``identifier``, a Chinese ``verbose_name``, the
file ``suffixes`` it owns, ``read(path) -> Dataset`` (raising
:class:`~jixiao.dataset.build.DatasetError`) and ``write(dataset, path)``. The CLI, the
benchmarks and later the web app call :func:`load_dataset` / :func:`save_dataset`.
"""

from __future__ import annotations

import gc
import importlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import ClassVar, Protocol

from jixiao.dataset.build import DatasetError, InputError
from jixiao.dataset.model import Dataset
from jixiao.lib.files import failure_reason


class DatasetFormat(Protocol):
    identifier: ClassVar[str]
    verbose_name: ClassVar[str]
    suffixes: ClassVar[tuple[str, ...]]

    def read(self, path: Path) -> Dataset: ...

    def write(self, dataset: Dataset, path: Path) -> None: ...


#: identifier → "module:Class"; imported on first use so that reading YAML never loads openpyxl.
FORMATS: dict[str, str] = {
    "xlsx": "jixiao.io.excel:ExcelFormat",
    "yaml": "jixiao.io.textform:TextFormat",
}


def get_format(identifier: str) -> DatasetFormat:
    module_name, _, class_name = FORMATS[identifier].partition(":")
    cls = getattr(importlib.import_module(module_name), class_name)
    return cls()  # type: ignore[no-any-return]


def format_for(path: Path) -> DatasetFormat | None:
    suffix = path.suffix.lower()
    for identifier in FORMATS:
        fmt = get_format(identifier)
        if suffix in fmt.suffixes:
            return fmt
    return None


def _sniff(path: Path) -> DatasetFormat | None:
    with path.open("rb") as fh:
        head = fh.read(4)
    if head.startswith(b"PK\x03\x04"):
        return get_format("xlsx")
    return None


def load_dataset(path: Path) -> Dataset:
    """Read a dataset from an Excel workbook or the YAML text form.

    Raises :class:`DatasetError` (never anything else) for missing, empty, unreadable or
    invalid files, with every problem and where it is.
    """
    try:
        return _load(path)
    except OSError as error:  # a name too long, no permission, a disk error …
        raise DatasetError(
            [InputError(str(path), f"无法读取文件：{failure_reason(error)}")]
        ) from None


def _load(path: Path) -> Dataset:
    if not path.exists():
        raise DatasetError([InputError(str(path), "文件不存在")])
    if path.is_dir():
        raise DatasetError([InputError(str(path), "这是一个目录，不是数据文件")])
    if path.stat().st_size == 0:
        raise DatasetError([InputError(str(path), "文件为空，没有数据")])
    fmt = format_for(path) or _sniff(path)
    if fmt is None:
        raise DatasetError(
            [
                InputError(
                    str(path),
                    f"无法识别的文件类型“{path.suffix or '无扩展名'}”（支持 .xlsx 工作簿和 .yaml 文本格式）",
                )
            ]
        )
    with _no_cyclic_gc():
        return fmt.read(path)


@contextmanager
def _no_cyclic_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector while reading.

    A large workbook becomes about a million small objects that all stay alive; the
    collector would scan them again and again (up to a third of the read time) and find
    nothing, since reading creates no reference cycles.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def save_dataset(dataset: Dataset, path: Path) -> None:
    """Write ``dataset`` in the format given by the file suffix (.xlsx or .yaml)."""
    fmt = format_for(path)
    if fmt is None:
        raise ValueError(f"不支持的输出格式“{path.suffix}”（支持 .xlsx、.yaml）")
    path.parent.mkdir(parents=True, exist_ok=True)
    fmt.write(dataset, path)
