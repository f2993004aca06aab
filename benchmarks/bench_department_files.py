"""The files ``jixiao run`` writes for one department besides the PDF, format by format.

Run: ``uv run python benchmarks/bench_department_files.py [--departments 4]
[--against-src PATH] [--repeats 3]`` → ``benchmarks/results/department_files.json``;
``docs/performance.md`` (Writers) quotes it.

Synthetic departments of 30 units (``synthetic_departments``), each evaluated and its report
and review models built and charts drawn (not timed); then the CPU time of each file from
those models: the report in Word, HTML and Excel, the review file in HTML and Excel, the
work list and the text form. The first department warms the process up (imports, fonts)
and is not counted; the JSON keeps the median over the others. With ``--against-src`` (another
checkout's ``src``; ``git archive main src | tar -x -C /tmp/base`` makes one) the same
measurement runs with jixiao imported from there, in a fresh process alternating with this
checkout's, ``--repeats`` times each, and the ratio this ÷ that is reported per file.
"""

from __future__ import annotations

import argparse
import gc
import json
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench_province import imported_from, source_env

RESULTS = Path(__file__).resolve().parent / "results" / "department_files.json"


def _files(dataset: Any, evaluation: Any, report: Any, review: Any) -> dict[str, Callable[[], Any]]:
    """Each file of one department (but the PDF), as a call that makes it."""
    from jixiao.io.textform import text_form_bytes
    from jixiao.reports.api import worklist_file
    from jixiao.reports.render import get_renderer

    return {
        "report docx": lambda: get_renderer("docx").render(report),
        "report html": lambda: get_renderer("html").render(report),
        "report xlsx": lambda: get_renderer("xlsx").render(report),
        "review html": lambda: get_renderer("html").render(review),
        "review xlsx": lambda: get_renderer("xlsx").render(review),
        "work list xlsx": lambda: worklist_file(evaluation, report=report),
        "text form yaml": lambda: text_form_bytes(dataset),
    }


def measure(departments: int) -> dict[str, float]:
    """Median CPU seconds of each file over ``departments`` departments (after a warm one)."""
    from jixiao.evaluation import evaluate
    from jixiao.reports.api import report_model, review_model
    from jixiao.reports.charts import render_chart
    from jixiao.synthetic import synthetic_departments

    gc.disable()  # as jixiao run does (paused_gc)
    times: dict[str, list[float]] = {}
    for index, dataset in enumerate(synthetic_departments(departments + 1, 30)):
        evaluation = evaluate(dataset)
        report = report_model(evaluation)
        review = review_model(evaluation, report)
        for chart in report.charts:
            render_chart(chart)
        for name, make in _files(dataset, evaluation, report, review).items():
            start = time.process_time()
            make()
            if index:
                times.setdefault(name, []).append(time.process_time() - start)
    result = {name: round(statistics.median(values), 4) for name, values in times.items()}
    result["total"] = round(sum(result.values()), 4)
    return result


def _side(src: Path | None, departments: int) -> dict[str, float]:
    """One measurement in a fresh process importing jixiao from ``src`` (None: this checkout)."""
    code = (
        f"import sys, json; sys.path.insert(0, {str(Path(__file__).parent)!r}); "
        f"import bench_department_files as b; print(json.dumps(b.measure({departments})))"
    )
    found = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env=source_env(src),
        check=True,
    )
    measured: dict[str, float] = json.loads(found.stdout.strip().splitlines()[-1])
    return measured


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--departments", type=int, default=4)
    parser.add_argument("--against-src", type=Path, default=None)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--results", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    against = args.against_src.resolve() if args.against_src else None
    sides: dict[str, Path | None] = {"this": None}
    if against is not None:
        sides["against"] = against
    uptime = subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()
    runs: dict[str, list[dict[str, float]]] = {side: [] for side in sides}
    for repeat in range(args.repeats):
        order = list(sides) if repeat % 2 == 0 else list(reversed(sides))
        for side in order:
            runs[side].append(_side(sides[side], args.departments))
            print(side, json.dumps(runs[side][-1]), flush=True)
    document: dict[str, Any] = {
        "departments_measured": args.departments,
        "units_per_department": 30,
        "repeats": args.repeats,
        "uptime_at_start": uptime,
        "uptime_at_end": subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip(),
        "cpu_seconds_median": {},
    }
    for side, src in sides.items():
        names = runs[side][0].keys()
        document["cpu_seconds_median"][side] = {
            name: round(statistics.median(r[name] for r in runs[side]), 4) for name in names
        }
        document.setdefault("imported_from", {})[side] = imported_from(source_env(src))
        document.setdefault("runs", {})[side] = runs[side]
    if against is not None:
        this, other = (document["cpu_seconds_median"][s] for s in ("this", "against"))
        document["cpu_ratio_to_against"] = {
            name: round(this[name] / other[name], 3) for name in this if other[name]
        }
    args.results.parent.mkdir(parents=True, exist_ok=True)
    args.results.write_text(json.dumps(document, ensure_ascii=False, indent=2) + "\n", "utf-8")
    print(json.dumps(document, ensure_ascii=False, indent=2))
    return document


if __name__ == "__main__":
    main()
