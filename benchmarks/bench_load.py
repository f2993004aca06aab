"""50 concurrent users on the synthetic province (``uv run python benchmarks/bench_load.py``).

Needs the province loaded by ``benchmarks/province_db.py`` (same ``--data``). Two shapes,
alternately, on the same machine and data:

- production: gunicorn with ``WORKERS`` processes + two ``task_worker`` task workers,
  PostgreSQL (``jixiao_bench_province``), static files by whitenoise, ``JX_DEBUG=0``;
- embedded: ``jixiao serve`` (waitress, 8 threads, one task worker), SQLite in WAL mode.

``USERS`` users (threads, each its own cookies) on loopback: 40 % log in as the bureau
(``prov-bureau``), 40 % as department administrators (``dept-001`` …, each its own
department), 20 % are visitors without login. Each user first finds its pages by following
links (the detail pages of the lists), then for ``SECONDS`` reads them in turn. Two load
models:

- **users with think time** (the usual load-test model, the one judged against the goal):
  each user waits a random ``--think`` interval (default 1–5 s, uniform, seeded per user)
  between two pages, as a person reading the page does (and arrives after a random part
  of one);
- **stress** (``--stress``): the same users with no think time — every user sends its next
  request as soon as the last one answered, so p95 measures the server's queue.

The load generator is this process (one thread per user); the server runs in its own
processes (waitress: one; gunicorn: ``WORKERS``), so they do not share a GIL. The
generator's CPU time is recorded beside the wall time of each run (``client_cpu_share``),
to show it is not what limits the rate. Pages are
grouped (region dashboard, datasets, targets, monitoring returns, assessment tasks, 整改
items, public pages) and each group reports requests, errors (anything but 200, and
timeouts), p50/p95/p99. Goal: p95 < 300 ms, zero errors.

Then the profile, one process per engine without a server (Django's test client as each
persona): per page, the number of SQL queries, the time of the page and the time of its
queries — the same queries on SQLite and on PostgreSQL, so their ratio is the engines'
ratio. Results: ``benchmarks/results/load.json`` (``uptime`` recorded with each shape).
"""

from __future__ import annotations

import argparse
import http.cookiejar
import json
import os
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import province_db  # noqa: E402  (a sibling script)

RESULTS = HERE / "results" / "load.json"
WORKERS = 4
GOAL_P95_MS = 300.0

#: Page group of a path (first match wins).
GROUPS: tuple[tuple[str, str], ...] = (
    ("dashboard", r"^/region/"),
    ("targets", r"^/targets/"),
    ("monitoring", r"^/monitor/"),
    ("assessment", r"^/assessment/"),
    ("rectifications", r"^/results/"),
    ("public", r"^/public/"),
    ("datasets", r"^/(datasets/|$)"),
)


def group_of(path: str) -> str:
    return next(name for name, pattern in GROUPS if re.match(pattern, path))


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_ready(port: int, timeout: float = 300) -> None:
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
def running(commands: list[list[str]], env: dict[str, str]) -> Iterator[None]:
    log = subprocess.DEVNULL if not os.environ.get("JX_BENCH_LOG") else None
    processes = [subprocess.Popen(c, env=env, stdout=log, stderr=log) for c in commands]
    try:
        yield
    finally:
        for process in processes:
            process.send_signal(signal.SIGINT if "task_worker" in process.args else signal.SIGTERM)
        for process in processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@contextmanager
def production_shape(base: Path, task_workers: int = 2) -> Iterator[int]:
    """gunicorn (``WORKERS``) + ``task_workers`` task workers on the PostgreSQL province."""
    data = province_db.data_dir(base, "postgres")
    env = province_db.environment(data, "postgres")
    province_db.manage(env, "collectstatic", "--noinput", "--verbosity", "0")
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
        "--timeout",
        "120",
        "--access-logfile",
        "/dev/null",
    ]
    worker = [sys.executable, "-m", "jixiao", "manage", "task_worker", "--queue-name", "*"]
    with running([gunicorn] + [worker] * task_workers, env):
        wait_ready(port)
        yield port


@contextmanager
def embedded_shape(base: Path) -> Iterator[int]:
    """``jixiao serve`` (waitress + one task worker) on the SQLite province."""
    data = province_db.data_dir(base, "sqlite")
    env = province_db.environment(data, "sqlite")
    port = _free_port()
    with running([[sys.executable, "-m", "jixiao", "serve", "--port", str(port)]], env):
        wait_ready(port)
        yield port


SHAPES = {"production": production_shape, "embedded": embedded_shape}
SHAPE_ENGINE = {"production": "postgres", "embedded": "sqlite"}


class Browser:
    """One user's browser: its own cookies; logged in as ``username`` (or a visitor)."""

    def __init__(self, port: int, username: str = "") -> None:
        self.base = f"http://127.0.0.1:{port}"
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )
        self.csrf = ""
        if username:
            self.log_in(username)

    def log_in(self, username: str) -> None:
        page = self.get("/accounts/login/")[1]
        form = {"username": username, "password": province_db.PASSWORD}
        status, home = self.post("/accounts/login/", form, page)
        if status != 200 or "退出" not in home:
            raise RuntimeError(f"{username} could not log in ({status})")

    @staticmethod
    def token(page: str) -> str:
        found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        return found.group(1) if found else ""

    def get(self, path: str) -> tuple[int, str]:
        try:
            with self.opener.open(self.base + path, timeout=120) as response:
                return response.status, response.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode("utf-8", "replace")

    def post(
        self, path: str, form: dict[str, str], page: str = "", files: dict[str, Any] | None = None
    ) -> tuple[int, str]:
        """POST ``form`` (with the CSRF token of ``page``, or of the page at ``path``)."""
        token = self.token(page) or self.token(self.get(path)[1])
        data = {**form, "csrfmiddlewaretoken": token}
        if files:
            body, content_type = _multipart(data, files)
        else:
            body, content_type = urllib.parse.urlencode(data).encode(), ""
        request = urllib.request.Request(self.base + path, data=body)
        request.add_header("Referer", self.base + path)
        if content_type:
            request.add_header("Content-Type", content_type)
        try:
            with self.opener.open(request, timeout=120) as response:
                return response.status, response.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode("utf-8", "replace")


def _multipart(form: dict[str, str], files: dict[str, Any]) -> tuple[bytes, str]:
    boundary = "----jixiaobench" + os.urandom(8).hex()
    parts: list[bytes] = []
    for key, value in form.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n{value}\r\n'.encode()
        )
    for key, (name, content, media) in files.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"; filename="{name}"\r\n'
            f"Content-Type: {media}\r\n\r\n".encode()
            + content
            + b"\r\n"
        )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def _first(pattern: str, page: str) -> str:
    found = re.search(pattern, page)
    return found.group(0) if found else ""


def discover(browser: Browser, persona: str) -> list[str]:
    """The pages this persona reads: the lists, and the first detail page of each."""
    if persona == "public":
        index = browser.get("/public/")[1]
        return [p for p in ["/public/", _first(r"/public/\d+/", index)] if p]
    paths = ["/", "/region/", "/targets/", "/monitor/", "/assessment/", "/results/"]
    home = browser.get("/")[1]
    dataset = _first(r"/datasets/\d+/", home)
    if dataset:
        paths += [dataset, dataset + "tables/projects/"]
    monitor = browser.get("/monitor/")[1]
    round_ = _first(r"/monitor/\d+/", monitor)
    if round_:
        paths.append(round_)
        paths.append(_first(r"/monitor/return/\d+/", browser.get(round_)[1]))
    task = _first(r"/assessment/tasks/\d+/", browser.get("/assessment/")[1])
    if task:
        paths.append(task)
    results = _first(r"/results/\d+/", browser.get("/results/")[1])
    if results:
        paths.append(results)
    paths += ["/public/"]
    return [p for p in paths if p]


def personas(users: int, departments: int) -> list[str]:
    """``users`` personas: 40 % bureau, 40 % department administrators, 20 % visitors."""
    out = []
    for i in range(users):
        kind = i % 5
        if kind in (0, 1):
            out.append("prov-bureau")
        elif kind in (2, 3):
            out.append(f"dept-{1 + (i % departments):03d}")
        else:
            out.append("public")
    return out


def percentile(ordered: list[float], p: float) -> float:
    if not ordered:
        return 0.0
    return round(ordered[min(len(ordered) - 1, int(p * len(ordered)))] * 1000, 1)


def summary(latencies: list[float], errors: int, seconds: float) -> dict[str, float]:
    ordered = sorted(latencies)
    return {
        "requests": len(ordered),
        "errors": errors,
        "per_second": round(len(ordered) / seconds, 1) if seconds else 0.0,
        "p50_ms": percentile(ordered, 0.50),
        "p95_ms": percentile(ordered, 0.95),
        "p99_ms": percentile(ordered, 0.99),
    }


def load(
    port: int,
    users: int,
    seconds: float,
    departments: int,
    think: tuple[float, float] = (0.0, 0.0),
) -> dict[str, Any]:
    """``users`` threads reading their pages for ``seconds``, each waiting a random
    ``think`` interval (seconds, uniform) between two pages; results per page group."""
    browsers: list[tuple[Browser, list[str]]] = []
    for persona in personas(users, departments):
        browser = Browser(port, "" if persona == "public" else persona)
        browsers.append((browser, discover(browser, persona)))
    latencies: dict[str, list[float]] = defaultdict(list)
    errors: dict[str, int] = defaultdict(int)
    failures: dict[str, int] = defaultdict(int)
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def browse(index: int, browser: Browser, paths: list[str]) -> None:
        step = index  # users start at different pages
        pause = random.Random(index)
        if think[1]:  # users arrive spread (over the first half of a short run), not at once
            time.sleep(pause.uniform(0, min(think[1], seconds / 2)))
        while time.monotonic() < stop:
            path = paths[step % len(paths)]
            step += 1
            started = time.perf_counter()
            try:
                status = browser.get(path)[0]
            except OSError:
                status = 0
            took = time.perf_counter() - started
            group = group_of(path)
            with lock:
                latencies[group].append(took)
                if status != 200:
                    errors[group] += 1
                    failures[f"{status} {path}"] += 1
            if think[1]:
                time.sleep(min(pause.uniform(*think), max(0.0, stop - time.monotonic())))

    threads = [threading.Thread(target=browse, args=(i, b, p)) for i, (b, p) in enumerate(browsers)]
    started = time.perf_counter()
    cpu = time.process_time()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    cpu = time.process_time() - cpu
    everything = [t for values in latencies.values() for t in values]
    return {
        "all": summary(everything, sum(errors.values()), elapsed),
        "groups": {g: summary(latencies[g], errors[g], elapsed) for g in sorted(latencies)},
        "failures": dict(failures),
        "pages": sorted({p for _, paths in browsers for p in paths}),
        "think_seconds": list(think),
        "client_cpu_share": round(cpu / elapsed, 3) if elapsed else 0.0,
    }


def warm(port: int) -> dict[str, float]:
    """Every page of every persona read once, one after the other, before the timed runs:
    a running server's caches (the 自评任务 sheet summaries, the 整改 page's result
    application, templates) are warm; a cold start is a different measurement. Returns the
    seconds each first read took (the cold cost)."""
    took: dict[str, float] = {}
    for persona in dict.fromkeys(personas(5, 1)):
        browser = Browser(port, "" if persona == "public" else persona)
        for path in discover(browser, persona):
            started = time.perf_counter()
            browser.get(path)
            took[f"{persona} {path}"] = round(time.perf_counter() - started, 3)
    return took


# --------------------------------------------------------------------------- profile (child)


def profile_pages(repeats: int) -> dict[str, Any]:
    """Every persona's pages through Django's test client: queries, page and SQL time."""
    province_db.django_setup()
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client

    spent: list[float] = []

    def timed(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        # perf_counter per query: SQLite's queries are well under the millisecond
        # CaptureQueriesContext rounds its times to
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            spent.append(time.perf_counter() - started)

    out: dict[str, Any] = {}
    for persona in ("prov-bureau", "dept-001", "public"):
        client = Client()
        if persona != "public":
            client.force_login(get_user_model().objects.get(username=persona))
        for path in _client_discover(client, persona):
            client.get(path)  # warm: templates, caches, connection
            pages, sql, queries = [], [], 0
            for _ in range(repeats):
                spent.clear()
                with connection.execute_wrapper(timed):
                    started = time.perf_counter()
                    status = client.get(path).status_code
                    pages.append(time.perf_counter() - started)
                queries = len(spent)
                sql.append(sum(spent))
            out[f"{persona} {path}"] = {
                "group": group_of(path),
                "status": status,
                "queries": queries,
                "page_ms": round(statistics.median(pages) * 1000, 1),
                "sql_ms": round(statistics.median(sql) * 1000, 2),
            }
    return out


def _client_discover(client: Any, persona: str) -> list[str]:
    class Adapter:
        def get(self, path: str) -> tuple[int, str]:
            response = client.get(path)
            return response.status_code, response.content.decode("utf-8", "replace")

    return discover(Adapter(), persona)  # type: ignore[arg-type]


def profile(base: Path, engine: str, repeats: int) -> dict[str, Any]:
    data = province_db.data_dir(base, engine)
    env = province_db.environment(data, engine)
    env["JX_ALLOWED_HOSTS"] = "127.0.0.1,testserver"
    out = subprocess.run(
        [sys.executable, __file__, "--profile-child", "--repeats", str(repeats)],
        env=env,
        check=True,
        stdout=subprocess.PIPE,
        text=True,
    ).stdout
    result: dict[str, Any] = json.loads(out)
    return result


def engine_ratios(sqlite: dict[str, Any], postgres: dict[str, Any]) -> dict[str, Any]:
    """PostgreSQL ÷ SQLite per page group: SQL time and page time of the same pages."""
    groups: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for page, lite in sqlite.items():
        pg = postgres.get(page)
        if pg is None:
            continue
        g = groups[lite["group"]]
        g["sqlite_sql_ms"] += lite["sql_ms"]
        g["postgres_sql_ms"] += pg["sql_ms"]
        g["sqlite_page_ms"] += lite["page_ms"]
        g["postgres_page_ms"] += pg["page_ms"]
        g["queries"] += lite["queries"]
    out: dict[str, Any] = {}
    for name, g in sorted(groups.items()):
        out[name] = {
            **{k: round(v, 1) for k, v in g.items()},
            "ratio_sql": round(g["postgres_sql_ms"] / g["sqlite_sql_ms"], 2)
            if g["sqlite_sql_ms"]
            else None,
            "ratio_page": round(g["postgres_page_ms"] / g["sqlite_page_ms"], 2)
            if g["sqlite_page_ms"]
            else None,
        }
    return out


# --------------------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--users", type=int, default=int(os.environ.get("JX_BENCH_USERS", "50")))
    parser.add_argument(
        "--seconds", type=float, default=float(os.environ.get("JX_BENCH_SECONDS", "60"))
    )
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument(
        "--think",
        default=os.environ.get("JX_BENCH_THINK", "1,5"),
        help="seconds a user waits between two pages: MIN,MAX (uniform); 0,0 for none",
    )
    parser.add_argument(
        "--stress", action="store_true", help="also run the users without think time"
    )
    parser.add_argument(
        "--warm", action="store_true", help="read every page once before the timed runs"
    )
    parser.add_argument("--shapes", default="production,embedded")
    parser.add_argument("--departments", type=int, default=100, help="as loaded")
    parser.add_argument("--repeats", type=int, default=5, help="profile: requests per page")
    parser.add_argument("--data", type=Path, default=province_db.DATA)
    parser.add_argument("--results", type=Path, default=RESULTS)
    parser.add_argument("--profile-child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.profile_child:
        result = profile_pages(args.repeats)
        print(json.dumps(result, ensure_ascii=False))
        return result
    shapes = [s for s in args.shapes.split(",") if s]
    low, high = (float(x) for x in args.think.split(","))
    think = (low, high)
    runs: dict[str, list[dict[str, Any]]] = {s: [] for s in shapes}
    stress: dict[str, list[dict[str, Any]]] = {s: [] for s in shapes}
    for _ in range(args.runs):
        for shape in shapes:
            with SHAPES[shape](args.data) as port:
                cold = warm(port) if args.warm else {}
                result = load(port, args.users, args.seconds, args.departments, think)
                result["warm_up_seconds"] = cold
                result["uptime"] = province_db.uptime()
                runs[shape].append(result)
                print(shape, think, json.dumps(result["all"]), file=sys.stderr, flush=True)
                if args.stress and high:
                    result = load(port, args.users, args.seconds, args.departments)
                    result["uptime"] = province_db.uptime()
                    stress[shape].append(result)
                    print(shape, "stress", json.dumps(result["all"]), file=sys.stderr, flush=True)
    report: dict[str, Any] = {
        "benchmark": "load",
        "users": args.users,
        "seconds": args.seconds,
        "runs": args.runs,
        "think_seconds": list(think),
        "gunicorn_workers": WORKERS,
        "goal_p95_ms": GOAL_P95_MS,
        "cpus": os.cpu_count(),
    }
    for shape, results in runs.items():
        last = results[-1]
        report[shape] = {
            "all": last["all"],
            "groups": last["groups"],
            "failures": last["failures"],
            "pages": last["pages"],
            "uptime": [r["uptime"] for r in results],
            "client_cpu_share": last["client_cpu_share"],
            "warm_up_seconds": last["warm_up_seconds"],
            "goal_met": {
                g: s["p95_ms"] < GOAL_P95_MS and s["errors"] == 0 for g, s in last["groups"].items()
            },
        }
        if stress[shape]:
            hard = stress[shape][-1]
            report[shape]["stress"] = {
                k: hard[k] for k in ("all", "groups", "failures", "uptime", "client_cpu_share")
            }
    if {"production", "embedded"} <= set(runs):
        p, e = report["production"]["all"], report["embedded"]["all"]
        report["ratio_production_to_embedded"] = {
            "p95": round(p["p95_ms"] / e["p95_ms"], 2) if e["p95_ms"] else None,
            "throughput": round(p["per_second"] / e["per_second"], 2) if e["per_second"] else None,
        }
    engines = [SHAPE_ENGINE[s] for s in shapes]
    profiles = {engine: profile(args.data, engine, args.repeats) for engine in engines}
    report["profile"] = profiles
    if len(profiles) == 2:
        report["ratio_postgres_to_sqlite"] = engine_ratios(profiles["sqlite"], profiles["postgres"])
    report["all_runs"] = runs
    if any(stress.values()):
        report["all_stress_runs"] = stress
    args.results.parent.mkdir(parents=True, exist_ok=True)
    args.results.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", "utf-8")
    print(
        json.dumps(
            {k: v for k, v in report.items() if k not in ("all_runs", "profile")},
            ensure_ascii=False,
            indent=2,
        )
    )
    return report


if __name__ == "__main__":
    main()
