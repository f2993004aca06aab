"""A region of many departments: evaluate each and consolidate (``uv run python benchmarks/bench_region.py``).

The synthetic province as it really is — 100 departments × 30 budget units, one dataset
per department (``jixiao.synthetic.synthetic_departments``), each scored by
``mof-dept-2013`` — goes through ``jixiao.evaluation.evaluate`` (figures, checks, score)
department by department and then ``jixiao.region.consolidate``.

Baseline, run side by side: the same 3,000 units in *one* dataset
(``synthetic_province(100, 30)``) through the same ``evaluate``. The ratio says what
splitting a province into its departments costs. Each variant runs in its own process
(so peak memory is that variant's), alternately, ``RUNS`` times; medians are reported.
Building the datasets is not timed. Results: ``benchmarks/results/region.json``.
"""

from __future__ import annotations

import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

DEPARTMENTS = 100
UNITS = 30
RUNS = 3
RESULTS = Path(__file__).resolve().parent / "results" / "region.json"


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_variant(variant: str) -> dict[str, float]:
    """One measured run in this process: ``region`` (100 datasets) or ``single`` (one)."""
    from jixiao.evaluation import evaluate
    from jixiao.region import consolidate
    from jixiao.synthetic import synthetic_departments, synthetic_province

    before = _peak_mb()
    if variant == "region":
        datasets = synthetic_departments(DEPARTMENTS, UNITS)
        built = _peak_mb()
        start = time.perf_counter()
        evaluations = {f"D{i:03d}": evaluate(d) for i, d in enumerate(datasets)}
        evaluated = time.perf_counter()
        consolidation = consolidate(evaluations)
        done = time.perf_counter()
        graded = sum(n for g, n in consolidation.grades.items() if g != "未评分")
        return {
            "evaluate_seconds": evaluated - start,
            "consolidate_seconds": done - evaluated,
            "total_seconds": done - start,
            "peak_mb": _peak_mb(),
            "data_mb": built - before,
            "graded_departments": graded,
            "units": float(sum(len(d.units) for d in datasets)),
        }
    dataset = synthetic_province(DEPARTMENTS, UNITS, framework="mof-dept-2013")
    built = _peak_mb()
    start = time.perf_counter()
    evaluation = evaluate(dataset)
    done = time.perf_counter()
    return {
        "evaluate_seconds": done - start,
        "total_seconds": done - start,
        "peak_mb": _peak_mb(),
        "data_mb": built - before,
        "graded_departments": float(evaluation.grade != ""),
        "units": float(len(dataset.units)),
    }


def _measure(variant: str) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, __file__, "--variant", variant],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    result: dict[str, float] = json.loads(out)
    return result


def _median(runs: list[dict[str, float]], key: str) -> float:
    return round(statistics.median(r[key] for r in runs), 3)


def main() -> None:
    runs: dict[str, list[dict[str, float]]] = {"region": [], "single": []}
    for _ in range(RUNS):  # alternate, so both see the same machine load
        for variant in runs:
            runs[variant].append(_measure(variant))
    region, single = runs["region"], runs["single"]
    report = {
        "machine": f"{platform.python_implementation()} {platform.python_version()}, {platform.machine()}, {os.cpu_count()} cores",
        "load_average": os.getloadavg()[0],
        "departments": DEPARTMENTS,
        "units_per_department": UNITS,
        "runs": RUNS,
        "region": {
            "evaluate_seconds": _median(region, "evaluate_seconds"),
            "consolidate_seconds": _median(region, "consolidate_seconds"),
            "total_seconds": _median(region, "total_seconds"),
            "peak_mb": _median(region, "peak_mb"),
            "graded_departments": _median(region, "graded_departments"),
        },
        "baseline_one_dataset": {
            "evaluate_seconds": _median(single, "total_seconds"),
            "peak_mb": _median(single, "peak_mb"),
        },
        "ratio_time": round(_median(region, "total_seconds") / _median(single, "total_seconds"), 2),
        "ratio_peak_memory": round(_median(region, "peak_mb") / _median(single, "peak_mb"), 2),
        "all_runs": runs,
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", "utf-8")
    print(
        json.dumps(
            {k: v for k, v in report.items() if k != "all_runs"}, ensure_ascii=False, indent=2
        )
    )


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--variant":
        sys.stdout.write(json.dumps(run_variant(sys.argv[2])))
    else:
        main()
