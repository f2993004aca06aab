"""Benchmarks of the reports (run: ``uv run python benchmarks/bench_reports.py [--units 300]``).

1. One department report — the bundled example (广东省科学技术厅 2023), Word + HTML +
   PDF + Excel with its 5 charts — from the loaded dataset: figures, checks, scoring,
   the report model, the charts and each renderer timed apart (budget: < 3 s). The first
   run in a process pays the imports (Typst, WeasyPrint, python-docx); it is
   reported on its own, then ``REPEATS`` warm runs (charts are re-drawn each time).
2. Per-unit reports for a synthetic 300-unit dataset (``synthetic.py``: 10 departments ×
   30 units), all four formats, rendered serially and then in parallel on every core:
   throughput (reports/minute) and the parallel speed-up.

3. ``--against-libreoffice``: the full report set of the example (Word, HTML, PDF, Excel, the
   charts, the review file's HTML and Excel: ``report_files``) against LibreOffice converting
   the same report's docx to PDF (``soffice --headless --convert-to pdf``, a fresh process with
   its own profile, warmed once), interleaved, CPU and wall time of each. The first report in
   the process is timed apart (imports, fonts, template); the files the later reports open
   (fonts, templates, the chart template, counted by an audit hook) show that a process
   loads them once.

Results go to ``benchmarks/results/reports.json``; ``docs/performance.md`` quotes them.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from jixiao.io.formats import load_dataset
from jixiao.reports.api import (
    DEFAULT_FORMATS,
    prepare_report,
    render_report,
    unit_report_files,
    units_with_rows,
)
from jixiao.reports.charts import render_chart
from jixiao.reports.render import get_renderer
from synthetic import synthetic_province

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "gdstc-2023.yaml"
RESULTS = Path(__file__).resolve().parent / "results" / "reports.json"
LIMIT_SECONDS = 3.0
REPEATS = 5


def _timed(fn: Callable[[], Any]) -> tuple[Any, float]:
    start = time.perf_counter()
    result = fn()
    return result, time.perf_counter() - start


def _department_run(outdir: Path) -> dict[str, float]:
    """One full report of the example, step by step (seconds)."""
    dataset = load_dataset(EXAMPLE)
    steps: dict[str, float] = {}
    (model, _findings), steps["figures+checks+scoring+model"] = _timed(
        lambda: prepare_report(dataset)
    )
    render_chart.cache_clear()
    _, steps["charts (5)"] = _timed(lambda: [render_chart(c) for c in model.charts])
    for identifier in DEFAULT_FORMATS:
        renderer = get_renderer(identifier)
        _, steps[identifier] = _timed(lambda r=renderer: r.render(model))
    steps["total"] = sum(steps.values())
    # What `jixiao report` does: the same, with the PDF rendered in a second process.
    render_chart.cache_clear()
    _, steps["wall, pdf in parallel (what jixiao report does)"] = _timed(
        lambda: render_report(model, DEFAULT_FORMATS, "report", parallel=True)
    )
    return steps


def bench_department() -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as folder:
        cold = _department_run(Path(folder))
        warm = [_department_run(Path(folder)) for _ in range(REPEATS)]
    totals = [w["total"] for w in warm]
    walls = [
        w["wall, pdf in parallel (what jixiao report does)"] + w["figures+checks+scoring+model"]
        for w in warm
    ]
    best = min(warm, key=lambda w: w["total"])
    return {
        "dataset": "examples/gdstc-2023.yaml",
        "formats": list(DEFAULT_FORMATS),
        "charts": 5,
        "cold_first_run": {k: round(v, 3) for k, v in cold.items()},
        "warm_runs_total_seconds": [round(t, 3) for t in totals],
        "warm_best_steps": {k: round(v, 3) for k, v in best.items()},
        "warm_median_total_seconds": round(statistics.median(totals), 3),
        "warm_runs_wall_seconds_parallel_pdf": [round(t, 3) for t in walls],
        "limit_seconds": LIMIT_SECONDS,
        "passed_serial": min(totals) < LIMIT_SECONDS,
        "passed_parallel_pdf": min(walls) < LIMIT_SECONDS,
    }


def bench_units(units: int) -> dict[str, Any]:
    departments = max(1, units // 30)
    dataset, build = _timed(lambda: synthetic_province(departments, units // departments))
    count = len(units_with_rows(dataset))
    cores = os.cpu_count() or 1
    result: dict[str, Any] = {
        "units": count,
        "build_dataset_seconds": round(build, 2),
        "cores": cores,
    }
    for label, workers in (("serial", 1), ("parallel", cores)):
        written, seconds = _timed(
            lambda w=workers: unit_report_files(dataset, DEFAULT_FORMATS, workers=w)
        )
        result[label] = {
            "workers": workers,
            "seconds": round(seconds, 2),
            "files": len(written),
            "reports_per_minute": round(count / seconds * 60, 1),
        }
    result["speedup"] = round(result["serial"]["seconds"] / result["parallel"]["seconds"], 2)
    return result


_LOADED = (".otf", ".ttf", ".ttc", ".j2", ".css", ".json", ".yaml")
_opened: dict[str, int] = {}


def _count_opens(event: str, args: tuple[Any, ...]) -> None:
    if event == "open" and isinstance(args[0], str) and args[0].endswith(_LOADED):
        name = args[0].rsplit("/", 1)[-1]
        _opened[name] = _opened.get(name, 0) + 1


def _cpu() -> float:
    """CPU seconds of this process and its reaped children (the forked PDF process)."""
    me = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def bench_against_libreoffice(repeats: int) -> dict[str, Any]:
    import subprocess
    import sys

    from jixiao.evaluation import evaluate
    from jixiao.reports.api import report_files

    sys.addaudithook(_count_opens)
    dataset = load_dataset(EXAMPLE)
    evaluation = evaluate(dataset)

    def report_set(parallel: bool) -> dict[str, Any]:
        render_chart.cache_clear()
        _opened.clear()
        cpu, start = _cpu(), time.perf_counter()
        files = report_files(evaluation, parallel=parallel)
        return {
            "cpu": _cpu() - cpu,
            "wall": time.perf_counter() - start,
            "files": files,
            "opened": dict(_opened),
        }

    first = report_set(parallel=False)
    docx = next(f for f in first["files"] if f.filename.endswith(".docx"))
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "report.docx"
        source.write_bytes(docx.data)
        profile = Path(folder) / "lo-profile"
        command = [
            "soffice",
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(Path(folder) / "pdf"),
            str(source),
        ]

        def convert() -> dict[str, float]:
            cpu, start = _cpu(), time.perf_counter()
            subprocess.run(command, check=True, capture_output=True)
            return {"cpu": _cpu() - cpu, "wall": time.perf_counter() - start}

        convert()  # LibreOffice's first start in a new profile writes the profile
        runs: dict[str, list[dict[str, Any]]] = {"serial": [], "parallel": [], "soffice": []}
        for _ in range(repeats):
            runs["serial"].append(report_set(parallel=False))
            runs["parallel"].append(report_set(parallel=True))
            runs["soffice"].append(convert())
    median = {
        k: {m: round(statistics.median(r[m] for r in v), 3) for m in ("cpu", "wall")}
        for k, v in runs.items()
    }
    return {
        "dataset": "examples/gdstc-2023.yaml",
        "report_set": [f.filename for f in first["files"]],
        "libreoffice": " ".join(command[:1] + command[2:5]) + " report.docx",
        "first_report_in_process": {
            "cpu": round(first["cpu"], 3),
            "wall": round(first["wall"], 3),
            "files_opened": first["opened"],
        },
        "files_opened_by_later_reports": [r["opened"] for r in runs["serial"] + runs["parallel"]],
        "runs": {
            k: [{m: round(r[m], 3) for m in ("cpu", "wall")} for r in v] for k, v in runs.items()
        },
        "median": median,
        "ratio_cpu_serial_to_soffice": round(median["serial"]["cpu"] / median["soffice"]["cpu"], 2),
        "ratio_wall_serial_to_soffice": round(
            median["serial"]["wall"] / median["soffice"]["wall"], 2
        ),
        "ratio_wall_parallel_to_soffice": round(
            median["parallel"]["wall"] / median["soffice"]["wall"], 2
        ),
        "load_average_at_end": os.getloadavg()[0],
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--units", type=int, default=300)
    parser.add_argument(
        "--department-only",
        action="store_true",
        help="rerun part 1; keep the per-unit results on file",
    )
    parser.add_argument(
        "--against-libreoffice",
        action="store_true",
        help="only part 3; keep the other results on file",
    )
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
    machine = {
        "python": platform.python_version(),
        "cores": os.cpu_count(),
        "load_average_at_start": load,
    }
    if args.against_libreoffice:
        versus = bench_against_libreoffice(args.repeats)
        print(json.dumps(versus, ensure_ascii=False, indent=2))
        document = json.loads(RESULTS.read_text("utf-8")) if RESULTS.exists() else {}
        document["report_set_against_libreoffice"] = {**versus, "machine": machine}
        RESULTS.parent.mkdir(parents=True, exist_ok=True)
        RESULTS.write_text(json.dumps(document, ensure_ascii=False, indent=2) + "\n", "utf-8")
        print(f"written {RESULTS}")
        return
    department = bench_department()
    print(json.dumps(department, ensure_ascii=False, indent=2))
    if args.department_only and RESULTS.exists():
        document = json.loads(RESULTS.read_text("utf-8"))
        document["department_report"] = {**department, "machine": machine}
    else:
        units = bench_units(args.units)
        print(json.dumps(units, ensure_ascii=False, indent=2))
        document = {"machine": machine, "department_report": department, "per_unit_reports": units}
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(document, ensure_ascii=False, indent=2) + "\n", "utf-8")
    print(f"written {RESULTS}")


if __name__ == "__main__":
    main()
