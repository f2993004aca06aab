"""Benchmarks of the monitoring area (run: ``uv run python benchmarks/bench_monitoring.py``).

1. In-year monitoring of a province: 3,000 budget units, 100,000 projects, 12 months of
   cumulative execution (1.2 million lines) → 通报, warnings, 约谈, monthly series.
2. Target review of 100,000 project targets against 3 years of history (300,000 records).

The data are synthetic and deterministic (a fixed random seed). Building the dataset is
timed separately from the engine call, which is what the budget (< 5 s each) is about.
The machine is shared (2 cores), so each engine call runs ``REPEATS`` times; the JSON
keeps every run, the best (the usual benchmark figure, as in ``timeit``) and the
median, and the load average when the runs started.
Results go to ``benchmarks/results/monitoring.json``; ``docs/performance.md`` quotes them.
"""

from __future__ import annotations

import json
import os
import platform
import random
import statistics
import time
from decimal import Decimal
from pathlib import Path

from jixiao.dataset.model import Dataset, ExecutionLine, Indicator, Profile, Project, Unit
from jixiao.lib.batch import paused_gc
from jixiao.monitoring.library import HistoryRecord, shipped_library
from jixiao.monitoring.monitor import monitor_execution
from jixiao.monitoring.review import review_targets
from jixiao.monitoring.settings import load_review_settings, load_warning_lines

UNITS = 3_000
PROJECTS = 100_000
MONTHS = 12
HISTORY_YEARS = 3
LIMIT_SECONDS = 5.0
REPEATS = 3
RESULTS = Path(__file__).resolve().parent / "results" / "monitoring.json"


def _province(rng: random.Random) -> Dataset:
    units = tuple(Unit(f"U{i:04d}", f"单位{i:04d}", "公益一类") for i in range(UNITS))
    projects, lines = [], []
    for p in range(PROJECTS):
        code, unit = f"P{p:06d}", units[p % UNITS].code
        budget = Decimal(rng.randint(10, 5_000))
        projects.append(Project(code=code, name=code, unit=unit, adjusted=budget))
        # A unit's pace: some spend early, some late; cumulative never falls.
        speed = rng.uniform(0.5, 1.2)
        for month in range(1, MONTHS + 1):
            share = min(Decimal(1), Decimal(str(round(speed * month / MONTHS, 4))))
            # Outputs mostly follow the money (±15 points); the monitor flags gaps over 10.
            noisy = round(float(share) * 100 + rng.uniform(-15, 15))
            progress = Decimal(max(0, min(100, noisy))) if month % 2 == 0 else None
            lines.append(
                ExecutionLine(f"2023-{month:02d}", "", code, budget * share, None, progress)
            )
    return Dataset(
        profile=Profile(department_name="某省", year=2023),
        units=units,
        projects=tuple(projects),
        execution=tuple(lines),
    )


def _targets(rng: random.Random) -> tuple[Dataset, list[HistoryRecord]]:
    library = shipped_library()
    codes = [d for d in library.indicators if d.quantitative]
    projects, indicators, history = [], [], []
    for p in range(PROJECTS):
        code = f"P{p:06d}"
        projects.append(Project(code=code, name=code, budget=Decimal(rng.randint(10, 5_000))))
        definition = codes[p % len(codes)]
        base = rng.randint(50, 500)
        for year in range(2023 - HISTORY_YEARS, 2023):
            actual = Decimal(base + rng.randint(-20, 40))
            history.append(HistoryRecord(definition.code, "", year, code, Decimal(base), actual))
        target = Decimal(base + rng.randint(-60, 400))
        indicators.append(
            Indicator(
                owner=code,
                code=definition.code,
                level1=definition.level1,
                level2=definition.level2,
                name=definition.name,
                sign=definition.sign,
                target=target,
                unit=definition.unit or "个",
            )
        )
    dataset = Dataset(
        profile=Profile(department_name="某省", year=2023),
        projects=tuple(projects),
        project_indicators=tuple(indicators),
    )
    return dataset, history


def _timed(func, *args):  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    result = func(*args)
    return result, time.perf_counter() - start


def _repeated(func, *args):  # type: ignore[no-untyped-def]
    runs, result = [], None
    for _ in range(REPEATS):
        with paused_gc():  # what the command line does around bulk work
            result, seconds = _timed(func, *args)
        runs.append(round(seconds, 3))
    return result, {"seconds": min(runs), "median_seconds": statistics.median(runs), "runs": runs}


def main() -> None:
    rng = random.Random(20231231)
    province, build_province = _timed(_province, rng)
    lines = load_warning_lines()
    load = os.getloadavg()[0]
    report, monitor_times = _repeated(monitor_execution, province, "2023-12", lines)
    targets, build_targets = _timed(_targets, rng)
    dataset, history = targets
    library = shipped_library().with_history(history)
    review, review_times = _repeated(review_targets, dataset, library, load_review_settings())
    results = {
        "machine": f"{platform.python_implementation()} {platform.python_version()}, {platform.machine()}, {os.cpu_count()} CPUs (shared)",
        "load_average_at_start": round(load, 2),
        "benchmarks": [
            {
                "name": "monitor_province",
                "what": f"{UNITS} 个单位 × {PROJECTS} 个项目 × {MONTHS} 个月（{len(province.execution)} 行执行数据）",
                **monitor_times,
                "build_seconds": round(build_province, 3),
                "limit_seconds": LIMIT_SECONDS,
                "passed": monitor_times["seconds"] < LIMIT_SECONDS,
                "units_reported": len(report.units),
                "alerts": len(report.alerts),
                "interviews": len(report.interviews),
            },
            {
                "name": "review_targets",
                "what": f"{PROJECTS} 个目标 × {HISTORY_YEARS} 年历史（{len(history)} 条历史值）",
                **review_times,
                "build_seconds": round(build_targets, 3),
                "limit_seconds": LIMIT_SECONDS,
                "passed": review_times["seconds"] < LIMIT_SECONDS,
                "targets_reviewed": len(review.rows),
                "findings": len(review.findings),
            },
        ],
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", "utf-8")
    for bench in results["benchmarks"]:
        print(
            f"{bench['name']}: best {bench['seconds']} s, median {bench['median_seconds']} s "
            f"(limit {LIMIT_SECONDS} s) — {bench['what']}"
        )


if __name__ == "__main__":
    main()
