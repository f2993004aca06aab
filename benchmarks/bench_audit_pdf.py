"""``jixiao audit`` on PDFs side by side with poppler's ``pdftotext`` (issues 14 and 15).

Run: ``uv run python benchmarks/bench_audit_pdf.py`` → ``benchmarks/results/audit_pdf.json``
(``--runs N``, default 7; ``--corpus-runs N``, default 3).

Two workloads, each measured in one run, interleaved, medians:

1. **The 77-page benchmark PDF** that ``bench_audit.py`` typesets (the seed report twice,
   GB/T 9704 layout). In this process: jixiao's reader (PDFium through ``pypdfium2``,
   what ``jixiao audit`` uses) and the fallback (``pypdf``); as fresh processes:
   ``pdftotext -layout report.pdf -`` (poppler: the baseline the issues name) and
   ``jixiao audit report.pdf -f json`` end to end (start-up, reading, the audit).
2. **The corpus** (``tests/data/real``: real published reports, issue 14), each report
   typeset into a PDF the same way: ``jixiao audit <folder> -f json`` (one process for the
   folder) against ``pdftotext -layout`` run on every PDF of the folder (one process per
   file, as a script would).

For each process the wall time and the CPU time (user + system, from the children's
resource usage) are recorded: the machine is shared, and the CPU ratio is the one a
loaded machine does not distort. jixiao's own modules are byte-compiled first
(``compileall``), as an installed package is: this environment sets
``PYTHONDONTWRITEBYTECODE``, which would otherwise make every process compile them again.

Goal (issues 14 and 15): ``jixiao audit`` ≤ 2× ``pdftotext`` on the same PDFs.
"""

from __future__ import annotations

import argparse
import compileall
import io
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
from bench_audit import SEED, _write_pdf  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results" / "audit_pdf.json"
CORPUS = ROOT / "tests" / "data" / "real"
BASELINE = "pdftotext -layout (baseline), process"
BASELINE_CORPUS = "pdftotext -layout on each PDF (baseline), one process per file"


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _self_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _timed(fn: Callable[[], Any], in_process: bool) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of one call."""
    cpu = _self_cpu if in_process else _children_cpu
    cpu_start, start = cpu(), time.perf_counter()
    fn()
    return time.perf_counter() - start, cpu() - cpu_start


def _measure(
    variants: dict[str, tuple[Callable[[], Any], bool]], runs: int, baseline: str
) -> dict[str, dict[str, float]]:
    for fn, _ in variants.values():  # warm the file cache and the imports
        fn()
    walls: dict[str, list[float]] = {name: [] for name in variants}
    cpus: dict[str, list[float]] = {name: [] for name in variants}
    for _ in range(runs):
        for name, (fn, in_process) in variants.items():
            wall, cpu = _timed(fn, in_process)
            walls[name].append(wall)
            cpus[name].append(cpu)
    base_wall = statistics.median(walls[baseline])
    base_cpu = statistics.median(cpus[baseline])
    return {
        name: {
            "wall_median_s": round(statistics.median(walls[name]), 4),
            "wall_best_s": round(min(walls[name]), 4),
            "cpu_median_s": round(statistics.median(cpus[name]), 4),
            "wall_ratio_to_pdftotext": round(statistics.median(walls[name]) / base_wall, 2),
            "cpu_ratio_to_pdftotext": round(statistics.median(cpus[name]) / base_cpu, 2),
        }
        for name in variants
    }


def _run(command: list[str]) -> None:
    subprocess.run(command, check=False, capture_output=True)


def benchmark_pdf(pdftotext: str, jixiao: str, runs: int, tmp: Path) -> dict[str, Any]:
    from jixiao.audit.extract import extract_file

    pdf = tmp / "report.pdf"
    pages = _write_pdf(SEED.read_text("utf-8").splitlines() * 2, pdf)
    data = pdf.read_bytes()

    def pypdf_text() -> None:
        import pypdf

        for page in pypdf.PdfReader(io.BytesIO(data)).pages:
            page.extract_text()

    variants: dict[str, tuple[Callable[[], Any], bool]] = {
        BASELINE: (lambda: _run([pdftotext, "-layout", str(pdf), "-"]), False),
        "jixiao audit report.pdf -f json, process": (
            lambda: _run([jixiao, "audit", str(pdf), "-f", "json"]),
            False,
        ),
        "python -c pass, process (the interpreter's start)": (
            lambda: _run([sys.executable, "-c", "pass"]),
            False,
        ),
        "jixiao reader (pypdfium2), in process": (lambda: extract_file(pdf), True),
        "pypdf (fallback), in process": (pypdf_text, True),
    }
    return {"pages": pages, "results": _measure(variants, runs, BASELINE)}


def benchmark_corpus(pdftotext: str, jixiao: str, runs: int, tmp: Path) -> dict[str, Any]:
    folder = tmp / "corpus"
    folder.mkdir()
    pages = 0
    reports = sorted(p for p in CORPUS.iterdir() if p.suffix in (".txt", ".md"))
    for report in reports:
        pages += _write_pdf(report.read_text("utf-8").splitlines(), folder / f"{report.stem}.pdf")
    pdfs = sorted(folder.glob("*.pdf"))

    def every_pdftotext() -> None:
        for pdf in pdfs:
            _run([pdftotext, "-layout", str(pdf), "-"])

    variants: dict[str, tuple[Callable[[], Any], bool]] = {
        BASELINE_CORPUS: (every_pdftotext, False),
        "jixiao audit <folder> -f json, one process": (
            lambda: _run([jixiao, "audit", str(folder), "-f", "json"]),
            False,
        ),
    }
    return {
        "reports": len(pdfs),
        "pages": pages,
        "results": _measure(variants, runs, BASELINE_CORPUS),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--corpus-runs", type=int, default=3)
    args = parser.parse_args()
    pdftotext = shutil.which("pdftotext")
    if pdftotext is None:
        raise SystemExit("pdftotext (poppler-utils) is needed for the baseline")
    jixiao = str(Path(sys.executable).parent / "jixiao")
    compileall.compile_dir(str(ROOT / "src" / "jixiao"), quiet=1)
    uptime = subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()
    with tempfile.TemporaryDirectory() as tmp:
        pdf = benchmark_pdf(pdftotext, jixiao, args.runs, Path(tmp))
        corpus = benchmark_corpus(pdftotext, jixiao, args.corpus_runs, Path(tmp))
    document = {
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
        "uptime_at_start": uptime,
        "runs": {"pdf": args.runs, "corpus": args.corpus_runs},
        "goal": "jixiao audit ≤ 2× pdftotext on the same PDFs",
        "pdf": pdf,
        "corpus": corpus,
    }
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(document, ensure_ascii=False, indent=2) + "\n", "utf-8")
    for title, part in (("77-page PDF", pdf), ("corpus as PDFs", corpus)):
        print(title)
        width = max(map(len, part["results"]))
        for name, row in part["results"].items():
            print(
                f"  {name:<{width}}  wall {row['wall_median_s']:.3f} s"
                f" ({row['wall_ratio_to_pdftotext']:.2f}×)  CPU {row['cpu_median_s']:.3f} s"
                f" ({row['cpu_ratio_to_pdftotext']:.2f}×)"
            )


if __name__ == "__main__":
    main()
