"""Fixtures of the monitoring tests: the small 测试科技厅 datasets and their history."""

from __future__ import annotations

from pathlib import Path

import pytest

from jixiao.cli.files import load_history_dir
from jixiao.dataset.model import Dataset
from jixiao.io.formats import load_dataset
from jixiao.monitoring.library import IndicatorLibrary, shipped_library

DATA = Path(__file__).resolve().parent.parent / "data" / "monitoring"


@pytest.fixture(scope="session")
def targets_dataset() -> Dataset:
    return load_dataset(DATA / "targets-2023.yaml")


@pytest.fixture(scope="session")
def execution_dataset() -> Dataset:
    return load_dataset(DATA / "execution-2023.yaml")


@pytest.fixture(scope="session")
def library_with_history() -> IndicatorLibrary:
    return shipped_library().with_history(*load_history_dir(DATA / "history"))
