"""Where Debian's Chromium is and how every test launches it (Playwright from PyPI drives
``/usr/bin/chromium``; no ``playwright install``): one place for the session's browser
(tests/conftest.py ``shared_chromium``) and the web tests' start-up probe (tests/web/browser.py)."""

from __future__ import annotations

import shutil
from pathlib import Path

CHROMIUM = shutil.which("chromium") or (
    "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None
)
ARGS = [
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-quic",
    "--no-first-run",
    "--disable-sync",
]
