"""Streams, not paths (issue 9 item 4): the formats read bytes and write to a stream, with
the same errors as from a file; the engine leaves process-wide state alone."""

from __future__ import annotations

import gc
import io
from pathlib import Path

import pytest
from workbooks import add_rows, save, template_book

from jixiao.dataset.build import DatasetError
from jixiao.io.formats import dataset_bytes, load_dataset, read_dataset, write_dataset
from jixiao.lib.batch import paused_gc


def test_an_uploaded_workbook_gives_the_same_errors_as_the_file(tmp_path: Path) -> None:
    book = template_book(tmp_path)
    add_rows(book, "收入", {"收入项目": "事业收入", "决算数": "十二"})
    path = save(book, tmp_path / "upload.xlsx")
    with pytest.raises(DatasetError) as from_file:
        load_dataset(path)
    with pytest.raises(DatasetError) as from_bytes:
        read_dataset(path.read_bytes(), str(path))
    with pytest.raises(DatasetError) as from_stream:
        read_dataset(io.BytesIO(path.read_bytes()), str(path))
    assert from_file.value.errors == from_bytes.value.errors == from_stream.value.errors
    assert from_bytes.value.errors[0].location == "收入!E2"


def test_the_format_comes_from_the_content_when_the_name_has_no_suffix(
    example_xlsx: Path, example_yaml: Path
) -> None:
    assert read_dataset(example_xlsx.read_bytes(), "上传的文件") == load_dataset(example_yaml)
    with pytest.raises(DatasetError, match="无法识别的文件类型"):
        read_dataset(example_yaml.read_bytes(), "上传的文件")
    assert read_dataset(example_yaml.read_bytes(), "x", format="yaml") == load_dataset(example_yaml)


@pytest.mark.parametrize("fmt", ["xlsx", "yaml"])
def test_writing_to_a_stream_is_what_the_file_holds(
    tmp_path: Path, example_yaml: Path, fmt: str
) -> None:
    from jixiao.io.formats import save_dataset

    dataset = load_dataset(example_yaml)
    stream = io.BytesIO()
    write_dataset(dataset, stream, fmt)
    again = dataset_bytes(dataset, fmt)
    assert read_dataset(stream.getvalue(), f"a.{fmt}") == read_dataset(again, f"b.{fmt}")
    save_dataset(dataset, tmp_path / f"a.{fmt}")
    assert read_dataset(stream.getvalue(), f"a.{fmt}") == load_dataset(tmp_path / f"a.{fmt}")
    if fmt == "yaml":
        assert (tmp_path / "a.yaml").read_bytes() == stream.getvalue()


def test_reading_leaves_the_garbage_collector_alone(
    example_xlsx: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse() -> None:
        raise AssertionError("the engine must not switch the collector off")

    monkeypatch.setattr(gc, "disable", refuse)
    assert read_dataset(example_xlsx.read_bytes(), "a.xlsx").profile.year == 2023


def test_batch_callers_pause_the_collector_and_get_it_back() -> None:
    assert gc.isenabled()
    with paused_gc():
        assert not gc.isenabled()
        with paused_gc():
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()
    with pytest.raises(RuntimeError), paused_gc():
        raise RuntimeError
    assert gc.isenabled()


def test_a_console_is_sized_when_it_prints_not_when_it_is_imported(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from jixiao.cli.app import console, stdout

    monkeypatch.setenv("COLUMNS", "77")
    assert stdout().width == 77
    assert console.get().width == 77
    monkeypatch.setenv("COLUMNS", "123")
    assert stdout().width == 123
