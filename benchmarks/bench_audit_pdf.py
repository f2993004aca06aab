"""The audit's PDF extraction side by side with poppler's ``pdftotext`` (issue 15, item 4).

Run: ``uv run python benchmarks/bench_audit_pdf.py`` → ``benchmarks/results/audit_pdf.json``.

The PDF is the one ``bench_audit.py`` typesets (the seed report twice, GB/T 9704 layout:
77 pages of Chinese text). Measured in one run, interleaved, best and median of ``RUNS``:

- extraction in this process: jixiao's reader (PDFium through ``pypdfium2``, what
  ``jixiao audit`` uses), the fallback (``pypdf``), and ``pdftotext -layout`` as a
  process (poppler, the baseline the issue names);
- end to end, each as a fresh process: ``jixiao audit report.pdf`` (start-up, extraction
  and the audit) against ``pdftotext -layout report.pdf -`` (start-up and extraction).

Goal (issue 15): the extraction ≤ 2× ``pdftotext``.
"""

from __future__ import annotations

import io
import json
import os
import platform
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

RUNS = 7
RESULTS = ROOT / "benchmarks" / "results" / "audit_pdf.json"


def _timed(fn: Callable[[], Any]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def main() -> None:
    from jixiao.audit.extract import extract_file

    pdftotext = shutil.which("pdftotext")
    if pdftotext is None:
        raise SystemExit("pdftotext (poppler-utils) is needed for the baseline")
    jixiao = str(Path(sys.executable).parent / "jixiao")
    with tempfile.TemporaryDirectory() as tmp:
        pdf = Path(tmp) / "report.pdf"
        pages = _write_pdf(SEED.read_text("utf-8").splitlines() * 2, pdf)
        data = pdf.read_bytes()

        def pypdf_text() -> None:
            import pypdf

            for page in pypdf.PdfReader(io.BytesIO(data)).pages:
                page.extract_text()

        variants: dict[str, Callable[[], Any]] = {
            "jixiao reader (pypdfium2), in process": lambda: extract_file(pdf),
            "pypdf (fallback), in process": pypdf_text,
            "pdftotext -layout (baseline), process": lambda: subprocess.run(
                [pdftotext, "-layout", str(pdf), "-"], check=True, capture_output=True
            ),
            "jixiao audit report.pdf, process": lambda: subprocess.run(
                [jixiao, "audit", str(pdf), "-f", "json"], capture_output=True
            ),
        }
        for fn in variants.values():  # warm caches and imports
            fn()
        times: dict[str, list[float]] = {name: [] for name in variants}
        load = os.getloadavg()[0]
        for _ in range(RUNS):
            for name, fn in variants.items():
                times[name].append(_timed(fn))
    baseline = statistics.median(times["pdftotext -layout (baseline), process"])
    results = {
        name: {
            "best_s": round(min(t), 4),
            "median_s": round(statistics.median(t), 4),
            "ratio_to_pdftotext": round(statistics.median(t) / baseline, 2),
        }
        for name, t in times.items()
    }
    document = {
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
        "load_average_at_start": round(load, 2),
        "pages": pages,
        "runs": RUNS,
        "goal": "extraction ≤ 2× pdftotext",
        "results": results,
    }
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(document, ensure_ascii=False, indent=2) + "\n", "utf-8")
    width = max(map(len, results))
    for name, row in results.items():
        print(
            f"{name:<{width}}  median {row['median_s']:.3f} s  best {row['best_s']:.3f} s"
            f"  {row['ratio_to_pdftotext']:.2f}×"
        )


if __name__ == "__main__":
    main()
