"""Dataset file formats behind one contract, and the dispatcher that picks one.

Formats work on bytes and streams, never on paths: each is a small class with an
``identifier``, a Chinese ``verbose_name``, the file ``suffixes`` it owns, a
``media_type``, ``read(data, name, limits) -> Dataset`` (raising
:class:`~jixiao.dataset.build.DatasetError` with every problem; ``name`` is only for the
messages: ``收入!C7``, ``a.yaml:12``) and ``write(dataset, stream)``.

- :func:`read_dataset` / :func:`write_dataset` / :func:`dataset_bytes` are the API for
  any caller (the web system uploads bytes and gets the same errors as the CLI).
- :func:`load_dataset` / :func:`save_dataset` are thin conveniences for callers holding a
  path (the command line, benchmarks, tests); ``save_dataset`` writes through the output
  edge (:mod:`jixiao.lib.files`): atomically, under a unique temporary name.
"""

from __future__ import annotations

import importlib
import io
from pathlib import Path, PurePath
from typing import IO, ClassVar, Protocol

from jixiao.dataset.build import DatasetError, InputError
from jixiao.dataset.model import Dataset
from jixiao.io.limits import DEFAULT_LIMITS, ReadLimits, size_text
from jixiao.lib.files import failure_reason
from jixiao.lib.progress import Progress
from jixiao.lib.registry import Registry


class DatasetFormat(Protocol):
    identifier: ClassVar[str]
    verbose_name: ClassVar[str]
    suffixes: ClassVar[tuple[str, ...]]
    media_type: ClassVar[str]

    def read(
        self,
        data: bytes,
        name: str,
        limits: ReadLimits = ...,
        progress: Progress | None = None,
    ) -> Dataset: ...

    def write(self, dataset: Dataset, out: IO[bytes]) -> None: ...


#: identifier → "module:Class"; imported on first use so that reading YAML never loads openpyxl.
FORMATS: Registry[str] = Registry("数据集格式")
FORMATS.add("xlsx", "Excel 工作簿", "jixiao.io.excel:ExcelFormat")
FORMATS.add("yaml", "YAML 文本", "jixiao.io.textform:TextFormat")
#: Suffixes people give workbooks jixiao cannot read, and what to do instead.
FOREIGN_SUFFIXES: dict[str, str] = {
    ".xls": "这是旧版 Excel 97-2003 工作簿（.xls）；请在 Excel 或 WPS 中“另存为”Excel 工作簿（.xlsx）后再导入",
    ".et": "这是 WPS 表格文件（.et）；请在 WPS 中“另存为”Excel 工作簿（.xlsx）后再导入",
    ".ods": "这是 OpenDocument 表格（.ods）；请另存为 Excel 工作簿（.xlsx）后再导入",
    ".csv": "CSV 只能保存一张表；请用 jixiao template 生成的 .xlsx 工作簿填报",
    ".json": "不支持 JSON；数据集的文本格式是 YAML（.yaml），见 docs/dataset.md",
}


def get_format(identifier: str) -> DatasetFormat:
    module_name, _, class_name = FORMATS[identifier].partition(":")
    cls = getattr(importlib.import_module(module_name), class_name)
    return cls()  # type: ignore[no-any-return]


def format_for(name: str | PurePath) -> DatasetFormat | None:
    """The format that owns ``name``'s suffix (``a.xlsx`` → Excel), or ``None``."""
    suffix = PurePath(name).suffix.lower()
    for identifier in FORMATS:
        fmt = get_format(identifier)
        if suffix in fmt.suffixes:
            return fmt
    return None


def _bytes_of(source: bytes | IO[bytes], name: str, limits: ReadLimits) -> bytes:
    if isinstance(source, bytes | bytearray | memoryview):
        data = bytes(source)
    else:
        data = source.read(limits.file_bytes + 1)
    if len(data) > limits.file_bytes:
        raise DatasetError(
            [InputError(name, f"文件超过 {size_text(limits.file_bytes)}，超出可读取的上限")]
        )
    return data


def read_dataset(
    source: bytes | IO[bytes],
    name: str,
    *,
    format: str | None = None,
    limits: ReadLimits = DEFAULT_LIMITS,
    progress: Progress | None = None,
) -> Dataset:
    """Read a dataset from bytes or a binary stream (an Excel workbook or the text form).

    ``name`` is the file name as the user knows it (for messages, and for the format when
    ``format`` is not given: its suffix, else the content). Raises :class:`DatasetError`
    — never anything else — with every problem and where it is.
    """
    data = _bytes_of(source, name, limits)
    if not data.strip():
        raise DatasetError([InputError(name, "文件为空，没有数据")])
    fmt = _choose(data, name, format)
    return fmt.read(data, name, limits, progress)


def _choose(data: bytes, name: str, identifier: str | None) -> DatasetFormat:
    from jixiao.io.workbook_scan import sniff_container

    if identifier is not None:
        return get_format(identifier)
    container = sniff_container(data)
    if container == "zip":
        return get_format("xlsx")  # whatever the suffix says, a zip is read as a workbook
    if container is not None:
        raise DatasetError([InputError(name, container)])
    suffix = PurePath(name).suffix.lower()
    if suffix in FOREIGN_SUFFIXES:
        raise DatasetError([InputError(name, FOREIGN_SUFFIXES[suffix])])
    fmt = format_for(name)
    if fmt is None or fmt.identifier == "xlsx":
        if fmt is not None:  # an .xlsx that is not a zip
            from jixiao.io.workbook_scan import NOT_A_WORKBOOK

            raise DatasetError([InputError(name, NOT_A_WORKBOOK)])
        raise DatasetError(
            [
                InputError(
                    name,
                    f"无法识别的文件类型“{suffix or '无扩展名'}”（支持 .xlsx 工作簿和 .yaml 文本格式）",
                )
            ]
        )
    return fmt


def write_dataset(dataset: Dataset, out: IO[bytes], format: str) -> None:
    """Write ``dataset`` in ``format`` (``xlsx`` or ``yaml``) to the binary stream ``out``.

    Raises :class:`DatasetError` before writing when a value does not fit the format.
    """
    get_format(format).write(dataset, out)


def dataset_bytes(dataset: Dataset, format: str) -> bytes:
    """``dataset`` in ``format`` as bytes."""
    buffer = io.BytesIO()
    write_dataset(dataset, buffer, format)
    return buffer.getvalue()


# --------------------------------------------------------------------------- paths


def load_dataset(
    path: Path, *, limits: ReadLimits = DEFAULT_LIMITS, progress: Progress | None = None
) -> Dataset:
    """Read the dataset file at ``path`` (a convenience over :func:`read_dataset`).

    ``progress`` counts the worksheets of a workbook as they are read (“读取 3/12 张表”;
    the last call, at the total, is the check of the cells), one unit for the text form.

    Raises :class:`DatasetError` (never anything else) for missing, empty, unreadable,
    too large or invalid files, with every problem and where it is.
    """
    name = str(path)
    try:
        if not path.exists():
            raise DatasetError([InputError(name, "文件不存在")])
        if path.is_dir():
            raise DatasetError([InputError(name, "这是一个目录，不是数据文件")])
        size = path.stat().st_size
        if size > limits.file_bytes:
            raise DatasetError(
                [
                    InputError(
                        name,
                        f"文件有 {size_text(size)}，超过可读取的上限 {size_text(limits.file_bytes)}",
                    )
                ]
            )
        with path.open("rb") as stream:
            data = stream.read(limits.file_bytes + 1)
    except OSError as error:  # a name too long, no permission, a disk error …
        raise DatasetError([InputError(name, f"无法读取文件：{failure_reason(error)}")]) from None
    return read_dataset(data, name, limits=limits, progress=progress)


def save_dataset(dataset: Dataset, path: Path) -> None:
    """Write ``dataset`` to ``path`` in the format its suffix names (.xlsx or .yaml),
    atomically; raises :class:`~jixiao.lib.files.OutputError` when it cannot be written."""
    from jixiao.lib.files import write_file

    fmt = format_for(path)
    if fmt is None:
        raise ValueError(f"不支持的输出格式“{path.suffix}”（支持 .xlsx、.yaml）")
    macro = path.suffix.lower() == ".xlsm"
    if macro:
        from jixiao.io.excel import workbook_bytes

        data = workbook_bytes(dataset, macro=True)
    else:
        data = dataset_bytes(dataset, fmt.identifier)
    write_file(path, data)


__all__ = [
    "FORMATS",
    "DatasetFormat",
    "dataset_bytes",
    "format_for",
    "get_format",
    "load_dataset",
    "read_dataset",
    "save_dataset",
    "write_dataset",
]
