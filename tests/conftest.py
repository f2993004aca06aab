"""Shared fixtures: paths to the bundled example and to test data; the one Chromium."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from chromium_browser import ARGS, CHROMIUM

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


@pytest.fixture(scope="session")
def shared_chromium() -> Iterator[Any]:
    """The test process's one Chromium: Playwright's sync API runs an event loop in the test
    thread, so a second ``sync_playwright()`` in the same process fails while the first is
    open (“Playwright Sync API inside the asyncio loop”) — the report tests' own browser did,
    after a web browser test in the same worker. Callers check first that Chromium can
    start, and skip saying why when it cannot."""
    if CHROMIUM is None:
        pytest.skip("environment-dependent: needs /usr/bin/chromium (Debian package chromium)")
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    try:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            yield browser
        finally:
            browser.close()
    finally:
        playwright.stop()
