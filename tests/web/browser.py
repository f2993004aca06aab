"""Browser test fixtures: the real system (``jixiao serve --demo``) driven by Debian's Chromium.

The server is the command a person runs (README): its own data folder, SQLite, the demo
loaded, the ``db_worker`` started beside it, so reports really go through the background
queue. Playwright (from PyPI) drives ``/usr/bin/chromium``; no ``playwright install``.
A Chromium that is missing or cannot start is a skip that says so, not a failure
(as in ``tests/reports/test_render.py``).

Screenshots of the main pages go to ``docs/web/`` when ``JX_SCREENSHOTS=1`` (the docs
are refreshed on purpose, not by every test run).
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from chromium_browser import ARGS, CHROMIUM

# Playwright's sync API runs an event loop in the test thread; the other web tests in this
# process then touch the database from it (microsoft/playwright-pytest#29).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

REPOSITORY = Path(__file__).resolve().parents[2]
SCREENSHOTS = REPOSITORY / "docs" / "web"
#: How long the server may take to migrate and load the demo on a busy 2-core machine.
START_TIMEOUT = 300


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _up(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return bool(response.status == 200)
    except OSError:
        return False


@pytest.fixture(scope="session")
def served() -> Iterator[str]:
    """The base URL of ``jixiao serve --demo`` on a free port (stopped at the end)."""
    data = tempfile.mkdtemp(prefix="jixiao-browser-")
    port = _free_port()
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "JX_TASKS", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    env |= {"JX_DATA_DIR": data, "JX_LOGIN_ATTEMPTS": "50", "PYTHONUNBUFFERED": "1"}
    log = Path(data) / "serve.log"
    with log.open("wb") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "jixiao", "serve", "--demo", "--port", str(port)],
            cwd=REPOSITORY,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while not _up(f"{base}/health/"):
            if server.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"jixiao serve did not start:\n{log.read_text()[-3000:]}")
            time.sleep(1)
        yield base
    finally:
        # SIGTERM: the server stops, then stops its worker (jixiao.cli.web._stop).
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=40)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
        shutil.rmtree(data, ignore_errors=True)


def chromium_problem() -> str | None:
    """Why the browser tests cannot run here (``None``: they can)."""
    if CHROMIUM is None:
        return "environment-dependent: needs /usr/bin/chromium (Debian package chromium)"
    try:
        subprocess.run(
            [CHROMIUM, *ARGS, "--dump-dom", "about:blank"],
            capture_output=True,
            timeout=60,
            check=True,
        )
    except (OSError, subprocess.SubprocessError) as error:
        return f"environment-dependent: chromium cannot start ({type(error).__name__})"
    return None


@pytest.fixture(scope="session")
def chromium(request: pytest.FixtureRequest) -> Any:
    """The session's one Chromium (``shared_chromium`` in tests/conftest.py, which the
    report tests share), once it is known to start."""
    problem = chromium_problem()
    if problem:
        pytest.skip(problem)
    return request.getfixturevalue("shared_chromium")


@pytest.fixture
def new_page(chromium: Any, served: str) -> Iterator[Any]:
    """``new_page()`` → a fresh browser page (own cookies), Chinese locale, Shanghai time."""
    contexts: list[Any] = []

    def make() -> Any:
        context = chromium.new_context(
            locale="zh-CN",
            timezone_id="Asia/Shanghai",
            viewport={"width": 1280, "height": 860},
            base_url=served,
            accept_downloads=True,
        )
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


def log_in(page: Any, username: str, password: str = "demo") -> None:
    page.goto("/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_url("**/")


def screenshot(page: Any, name: str, persona: str = "dept-admin") -> None:
    """Keep a screenshot of the page for the docs (only with ``JX_SCREENSHOTS=1``), taken
    as the department's 财务处 sees it (``persona``: who is looking now)."""
    if os.environ.get("JX_SCREENSHOTS") != "1" or persona != "dept-admin":
        return
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=False)
