"""Benchmarks of the figures and checks (run: ``uv run python benchmarks/bench_figures.py``).

A synthetic province (``synthetic.py``: 100 departments × 30 budget units = 3,000 units,
every money table filled per unit, department rows the sums over the units) goes through
``compute_figures`` and then ``run_checks`` (budget: both together < 5 s on 2 cores).
Each call runs 3 times; the best and the median are reported. Building the dataset is
timed separately. Results go to ``benchmarks/results/figures.json``; ``docs/performance.md``
quotes them.
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import time
from collections import Counter
from pathlib import Path

from jixiao.checks import run_checks
from jixiao.figures import compute_figures
from synthetic import synthetic_province

DEPARTMENTS = 100
UNITS_PER_DEPARTMENT = 30
RUNS = 3
LIMIT_SECONDS = 5.0
RESULTS = Path(__file__).resolve().parent / "results" / "figures.json"


MONEY_TABLES = (
    "income",
    "expenditure_function",
    "expenditure_nature",
    "expenditure_economic",
    "three_public",
    "carryover",
)


def main() -> None:
    start = time.perf_counter()
    dataset = synthetic_province(DEPARTMENTS, UNITS_PER_DEPARTMENT)
    build_seconds = time.perf_counter() - start
    figure_times, check_times = [], []
    for _ in range(RUNS):
        start = time.perf_counter()
        figures = compute_figures(dataset)
        middle = time.perf_counter()
        findings = run_checks(dataset, figures)
        figure_times.append(middle - start)
        check_times.append(time.perf_counter() - middle)
    totals = [f + c for f, c in zip(figure_times, check_times, strict=True)]
    rows = sum(len(getattr(dataset, t)) for t in MONEY_TABLES)
    report = {
        "machine": f"{platform.python_implementation()} {platform.python_version()}, {platform.machine()}, {os.cpu_count()} cores",
        "load_average": os.getloadavg()[0],
        "units": len(dataset.units),
        "money_rows": rows,
        "build_seconds": round(build_seconds, 3),
        "figures": len(figures),
        "findings": len(findings),
        "findings_by_code": dict(Counter(f.code for f in findings).most_common()),
        "figures_seconds": {
            "best": round(min(figure_times), 3),
            "median": round(statistics.median(figure_times), 3),
        },
        "checks_seconds": {
            "best": round(min(check_times), 3),
            "median": round(statistics.median(check_times), 3),
        },
        "total_seconds": {
            "best": round(min(totals), 3),
            "median": round(statistics.median(totals), 3),
        },
        "limit_seconds": LIMIT_SECONDS,
        "passed": statistics.median(totals) < LIMIT_SECONDS,
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", "utf-8")
    print(json.dumps(report, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
