"""Property tests: every valid dataset survives YAML, Excel and Excel → YAML → Excel unchanged."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings

from jixiao.dataset.model import Dataset
from jixiao.io.excel import read_workbook, write_workbook
from jixiao.io.formats import load_dataset, save_dataset
from jixiao.io.textform import read_text_form, write_text_form
from strategies import datasets

SLOW = settings(
    deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)


@settings(SLOW, max_examples=60)
@given(datasets())
def test_yaml_dataset_yaml_is_lossless(dataset: Dataset) -> None:
    text = write_text_form(dataset)
    back = read_text_form(text, "rt.yaml")
    assert back == dataset
    assert write_text_form(back) == text


@settings(SLOW, max_examples=30)
@given(datasets())
def test_dataset_xlsx_dataset_is_lossless(dataset: Dataset) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "rt.xlsx"
        write_workbook(dataset, path)
        assert read_workbook(path) == dataset


@settings(SLOW, max_examples=15)
@given(datasets())
def test_xlsx_yaml_xlsx_is_lossless(dataset: Dataset) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        first, text, second = Path(tmp) / "a.xlsx", Path(tmp) / "a.yaml", Path(tmp) / "b.xlsx"
        save_dataset(dataset, first)
        save_dataset(load_dataset(first), text)
        save_dataset(load_dataset(text), second)
        assert load_dataset(second) == dataset
        assert write_text_form(load_dataset(second)) == text.read_text("utf-8")
