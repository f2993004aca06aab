"""The production shape on one machine, under concurrent users (``uv run python benchmarks/bench_production.py``).

Production shape: PostgreSQL (127.0.0.1:5432, a fresh database ``jixiao_bench_prod``),
gunicorn with ``WORKERS`` processes on ``jixiao_web.wsgi``, two ``task_worker`` task workers
as separate processes, static files collected and served by whitenoise, ``JX_DEBUG=0``.
Baseline, run side by side on the same machine and data: the embedded shape that
``jixiao serve`` starts (waitress threads, SQLite in WAL mode, one worker).

Each shape gets the demo data (``load_demo``), then ``USERS`` concurrent users on loopback
log in as the demo personas and, for ``SECONDS``, read the pages a day's work reads: the
front page, the dataset page, a table, the inbox and a static file. Reported per shape:
requests, errors, throughput and p50/p95/p99 latency; and the ratios production ÷ embedded.
Shapes alternate ``RUNS`` times; medians are reported. Results:
``benchmarks/results/production.json``. Needs PostgreSQL running (``.ci/run`` starts it).
"""

from __future__ import annotations

import http.cookiejar
import json
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

USERS = int(os.environ.get("JX_BENCH_USERS", "20"))
SECONDS = float(os.environ.get("JX_BENCH_SECONDS", "30"))
RUNS = int(os.environ.get("JX_BENCH_RUNS", "2"))
WORKERS = 4
PG_ADMIN = "postgres://postgres@127.0.0.1:5432/postgres"
PG_DATABASE = "jixiao_bench_prod"
PERSONAS = ["bureau-admin", "bureau-reviewer", "dept-admin", "division", "unit-clerk"]
RESULTS = Path(__file__).resolve().parent / "results" / "production.json"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _manage(env: dict[str, str], *args: str) -> None:
    subprocess.run([sys.executable, "-m", "jixiao", "manage", *args], env=env, check=True)


def _recreate_pg_database() -> None:
    import psycopg

    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {PG_DATABASE} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {PG_DATABASE}")


def _wait_ready(port: int, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/health/", timeout=5) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise RuntimeError(f"the server on port {port} did not answer /health/")


@contextmanager
def _running(commands: list[list[str]], env: dict[str, str]) -> Iterator[None]:
    processes = [
        subprocess.Popen(c, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for c in commands
    ]
    try:
        yield
    finally:
        for process in processes:
            process.send_signal(signal.SIGTERM)
        for process in processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()


def _environment(data: Path, database_url: str) -> dict[str, str]:
    env = {
        **os.environ,
        "JX_DATA_DIR": str(data),
        "JX_SECRET_KEY": "bench-secret-key-0123456789abcdefghijklmnopqrstuvwxyz",
        "JX_ALLOWED_HOSTS": "127.0.0.1",
        "JX_DEBUG": "0",
        "JX_LOGIN_ATTEMPTS": "1000",
    }
    if database_url:
        env["DATABASE_URL"] = database_url
    else:
        env.pop("DATABASE_URL", None)
    return env


@contextmanager
def production_shape(data: Path) -> Iterator[int]:
    _recreate_pg_database()
    env = _environment(data, f"postgres://postgres@127.0.0.1:5432/{PG_DATABASE}")
    _manage(env, "migrate", "--verbosity", "0")
    _manage(env, "createcachetable")
    _manage(env, "load_demo")
    _manage(env, "collectstatic", "--noinput", "--verbosity", "0")
    port = _free_port()
    gunicorn = [
        sys.executable,
        "-m",
        "gunicorn",
        "jixiao_web.wsgi:application",
        "--workers",
        str(WORKERS),
        "--bind",
        f"127.0.0.1:{port}",
        "--access-logfile",
        "-" if os.environ.get("JX_BENCH_LOG") else "/dev/null",
    ]
    worker = [sys.executable, "-m", "jixiao", "manage", "task_worker", "--queue-name", "*"]
    with _running([gunicorn, worker, worker], env):
        _wait_ready(port)
        yield port


@contextmanager
def embedded_shape(data: Path) -> Iterator[int]:
    env = _environment(data, "")
    port = _free_port()
    serve = [sys.executable, "-m", "jixiao", "serve", "--demo", "--port", str(port)]
    with _running([serve], env):
        _wait_ready(port, timeout=300)
        yield port


class User:
    """One browser: its own cookies, logged in as one persona."""

    def __init__(self, port: int, username: str) -> None:
        self.base = f"http://127.0.0.1:{port}"
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )
        page = self.get("/accounts/login/")[1]
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        assert token, "no CSRF token on the login page"
        form = {"username": username, "password": "demo", "csrfmiddlewaretoken": token.group(1)}
        status, home = self.post("/accounts/login/", form)
        assert status == 200 and "退出" in home, f"{username} could not log in"
        found = re.search(r'href="(/datasets/\d+/)"', home)
        self.paths = ["/", "/inbox/", "/static/jixiao/site.css"]
        if found:
            self.paths += [found.group(1), found.group(1) + "tables/income/"]

    def get(self, path: str) -> tuple[int, str]:
        try:
            with self.opener.open(self.base + path, timeout=60) as response:
                return response.status, response.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as error:
            return error.code, ""

    def post(self, path: str, form: dict[str, str]) -> tuple[int, str]:
        body = urllib.parse.urlencode(form).encode()
        request = urllib.request.Request(self.base + path, data=body)
        request.add_header("Referer", self.base + path)
        with self.opener.open(request, timeout=60) as response:
            return response.status, response.read().decode("utf-8", "replace")


def load(port: int) -> dict[str, float]:
    users = [User(port, PERSONAS[i % len(PERSONAS)]) for i in range(USERS)]
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    stop = time.monotonic() + SECONDS

    def browse(user: User) -> None:
        nonlocal errors
        step = 0
        while time.monotonic() < stop:
            path = user.paths[step % len(user.paths)]
            step += 1
            started = time.perf_counter()
            status = user.get(path)[0]
            took = time.perf_counter() - started
            with lock:
                latencies.append(took)
                errors += status != 200  # every path is one the persona may read

    threads = [threading.Thread(target=browse, args=(u,)) for u in users]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    ordered = sorted(latencies)

    def pct(p: float) -> float:
        return ordered[min(len(ordered) - 1, int(p * len(ordered)))] * 1000

    return {
        "requests": float(len(ordered)),
        "errors": float(errors),
        "per_second": len(ordered) / elapsed,
        "p50_ms": pct(0.50),
        "p95_ms": pct(0.95),
        "p99_ms": pct(0.99),
    }


def main() -> None:
    runs: dict[str, list[dict[str, float]]] = {"production": [], "embedded": []}
    for _ in range(RUNS):
        for name, shape in (("production", production_shape), ("embedded", embedded_shape)):
            data = Path(tempfile.mkdtemp(prefix=f"jixiao-bench-{name}-"))
            try:
                with shape(data) as port:
                    runs[name].append(load(port))
            finally:
                shutil.rmtree(data, ignore_errors=True)
            print(name, runs[name][-1], flush=True)
    medians = {
        name: {key: statistics.median(r[key] for r in results) for key in results[0]}
        for name, results in runs.items()
    }
    result = {
        "benchmark": "production",
        "users": USERS,
        "seconds": SECONDS,
        "runs": RUNS,
        "gunicorn_workers": WORKERS,
        "task_workers": 2,
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
        "production": medians["production"],
        "embedded": medians["embedded"],
        "ratio_p95": medians["production"]["p95_ms"] / medians["embedded"]["p95_ms"],
        "ratio_throughput": medians["production"]["per_second"] / medians["embedded"]["per_second"],
        "all_runs": runs,
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", "utf-8")
    print(json.dumps({k: v for k, v in result.items() if k != "all_runs"}, indent=2))


if __name__ == "__main__":
    main()
