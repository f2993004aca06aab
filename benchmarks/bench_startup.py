"""Start-up of the command line and the web server (``uv run python benchmarks/bench_startup.py``).

Issue 15, item 2: heavy libraries are imported only by the commands that use them, so
``jixiao --help`` costs about what its own toolkit costs. Baseline, in the same run:
a Python process that imports typer and rich (what any Typer + Rich tool pays) — and,
for scale, ``python -c pass``. The web server's start-up is the WSGI application's
import (Django set up, every app loaded), which is what ``jixiao serve`` and a WSGI
server pay before the first request.

Each command runs ``RUNS`` times, interleaved with the others; the CPU time (user +
system) of the child process is reported, median and best, because on a shared machine
wall time measures the neighbours more than the process (wall medians are kept too).
Results: ``benchmarks/results/startup.json``. ``--before OTHER/src`` also runs the jixiao
and web commands with another checkout's sources first on the path (``PYTHONPATH``), so a
change is measured against the code before it in the same run.

The environment's packages and jixiao's modules are byte-compiled first (``compileall``),
as an installed package is: this machine sets ``PYTHONDONTWRITEBYTECODE``, which would
otherwise make every process compile typer, Rich, Django … again and measure that.
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import sysconfig
import time
from pathlib import Path

RUNS = 9
ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).resolve().parent / "results" / "startup.json"
BIN = Path(sys.executable).parent

COMMANDS: dict[str, list[str]] = {
    "python -c pass": [sys.executable, "-c", "pass"],
    "import typer + rich (baseline)": [sys.executable, "-c", "import typer, rich.console"],
    "jixiao --help": [str(BIN / "jixiao"), "--help"],
    "jixiao figures --help": [str(BIN / "jixiao"), "figures", "--help"],
    "web: import the WSGI application": [
        sys.executable,
        "-c",
        "from jixiao_web.wsgi import application",
    ],
    # What the first request adds: Django loads the URLconf (every app's views) then.
    "web: the WSGI application + the URLconf": [
        sys.executable,
        "-c",
        "from jixiao_web.wsgi import application\n"
        "from django.urls import get_resolver\n"
        "get_resolver().url_patterns",
    ],
    # For scale: Django's own WSGI handler module, before any settings or app.
    "web, for scale: import django.core.wsgi": [
        sys.executable,
        "-c",
        "import django.core.wsgi",
    ],
}


def _once(command: list[str], env: dict[str, str] | None = None) -> tuple[float, float, float]:
    """(cpu seconds, wall seconds, peak MB) of one run of ``command``."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(
        command, check=True, stdout=subprocess.DEVNULL, env={**os.environ, **(env or {})}
    )
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return cpu, wall, after.ru_maxrss / 1024


def compile_all(*sources: Path) -> None:
    """Byte-compile the environment's packages and jixiao's sources (once; then unchanged)."""
    for folder in (sysconfig.get_paths()["purelib"], str(ROOT / "src"), *map(str, sources)):
        compileall.compile_dir(folder, quiet=2)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument(
        "--before",
        type=Path,
        help="the src/ folder of another checkout (e.g. a worktree of main before a change): "
        "its jixiao commands and web start-up are run too, in the same run, side by side",
    )
    args = parser.parse_args()
    commands: dict[str, tuple[list[str], dict[str, str]]] = {
        name: (command, {}) for name, command in COMMANDS.items()
    }
    if args.before is not None:
        before = args.before.resolve()
        for name, command in COMMANDS.items():
            if name.startswith(("jixiao", "web:")):
                commands[f"{name} (before)"] = (command, {"PYTHONPATH": str(before)})
        compile_all(before)
    else:
        compile_all()
    runs: dict[str, list[tuple[float, float, float]]] = {name: [] for name in commands}
    load = os.getloadavg()[0]
    for command, env in commands.values():  # warm the file cache and bytecode once
        _once(command, env)
    for _ in range(RUNS):
        for name, (command, env) in commands.items():
            runs[name].append(_once(command, env))
    baseline = statistics.median(cpu for cpu, _, _ in runs["import typer + rich (baseline)"])
    results = {}
    for name, measured in runs.items():
        cpu = [m[0] for m in measured]
        wall = [m[1] for m in measured]
        results[name] = {
            "cpu_median_s": round(statistics.median(cpu), 3),
            "cpu_best_s": round(min(cpu), 3),
            "wall_median_s": round(statistics.median(wall), 3),
            "ratio_to_typer_rich": round(statistics.median(cpu) / baseline, 2),
        }
    document = {
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
        "load_average_at_start": round(load, 2),
        "runs": RUNS,
        "before": str(args.before) if args.before else None,
        "goal": "jixiao --help and the web start-up ≤ 2× importing typer + rich",
        "results": results,
    }
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(document, ensure_ascii=False, indent=2) + "\n", "utf-8")
    width = max(map(len, results))
    for name, row in results.items():
        print(
            f"{name:<{width}}  cpu {row['cpu_median_s']:.3f} s (best {row['cpu_best_s']:.3f})"
            f"  wall {row['wall_median_s']:.3f} s  {row['ratio_to_typer_rich']:.2f}×"
        )


if __name__ == "__main__":
    main()
