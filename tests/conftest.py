"""Shared fixtures: paths to the bundled example and to test data."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

# One console width for every test process: Rich fixes a console's width when it is
# created, from COLUMNS or the terminal, so without this the CLI's tables wrap
# differently under ``pytest -n 2`` (no terminal) than in a serial run.
os.environ["COLUMNS"] = "200"

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture(scope="session")
def example_yaml() -> Path:
    return EXAMPLES / "gdstc-2023.yaml"


@pytest.fixture(scope="session")
def example_xlsx() -> Path:
    return EXAMPLES / "gdstc-2023.xlsx"
