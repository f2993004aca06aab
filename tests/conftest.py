"""Shared fixtures: paths to the bundled example and to test data."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture(scope="session")
def example_yaml() -> Path:
    return EXAMPLES / "gdstc-2023.yaml"


@pytest.fixture(scope="session")
def example_xlsx() -> Path:
    return EXAMPLES / "gdstc-2023.xlsx"
