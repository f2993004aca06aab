"""Fixtures of the audit tests: the seed report and the clean corpus."""

from __future__ import annotations

from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
SEED = HERE / "seed-gdstc-2023.txt"
CORPUS = sorted((HERE / "corpus").iterdir())


@pytest.fixture(scope="session")
def seed_lines() -> list[str]:
    return SEED.read_text(encoding="utf-8").splitlines()
