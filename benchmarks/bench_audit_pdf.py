"""``jixiao audit`` on PDFs side by side with poppler's ``pdftotext`` (issues 14 and 15).

Run: ``uv run python benchmarks/bench_audit_pdf.py`` → ``benchmarks/results/audit_pdf.json``
(``--runs N``, default 7; ``--corpus-runs N``, default 3).

Two workloads, each measured in one run, interleaved, medians:

1. **The 77-page benchmark PDF** that ``bench_audit.py`` typesets (the seed report twice,
   GB/T 9704 layout). In this process: each of jixiao's PDF readers in the order
   ``jixiao audit`` tries them (``jixiao.audit.extract.PDF_READERS``: poppler's
   ``pdftotext -raw`` run as a process on the PDF's bytes, PDFium, pypdf); as fresh
   processes: ``pdftotext -layout report.pdf -`` (poppler: the baseline the issues name),
   ``pdftotext -raw`` (the mode the reader runs) and ``jixiao audit report.pdf -f json``
   end to end (start-up, reading, the audit). Then **where that end-to-end CPU goes**:
   the same command run in a fresh process that marks its CPU time after each phase
   (imports, typer's parameter coercion, reading, the audit, the output).
2. **The corpus** (``tests/data/real``: real published reports, issue 14), each report
   typeset into a PDF the same way: ``jixiao audit <folder> -f json`` (one process for the
   folder) against ``pdftotext -layout`` run on every PDF of the folder (one process per
   file, as a script would).

For each process the wall time and the CPU time (user + system, from the children's
resource usage; an in-process reader's own CPU plus its children's, so poppler's
process counts) are recorded: the machine is shared, and the CPU ratio is the one a
loaded machine does not distort. The environment's packages and jixiao's own modules are
byte-compiled first (``compileall``), as an installed package is: this environment sets
``PYTHONDONTWRITEBYTECODE``, which would otherwise make every process compile typer, Rich,
pydantic and jixiao again (and measure that).

``--before OTHER/src`` also runs ``jixiao audit`` (both workloads) with another checkout's
sources first on the path (``PYTHONPATH``), interleaved with the rest, so a change is
measured against the code before it in the same run (as ``bench_startup.py --before``).

``--instructions`` also counts, once, the instructions each process executes (valgrind's
callgrind, ``--trace-children``) for ``pdftotext -layout`` and ``jixiao audit`` on the 77-page
PDF: a count that the machine's load does not change (CPU time does: on a loaded machine a
Python process's CPU time grows more than a C program's). About three minutes.

Goal (issues 14 and 15): ``jixiao audit`` ≤ 2× ``pdftotext`` on the same PDFs.
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import sysconfig
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


def _self_and_children_cpu() -> float:
    return _self_cpu() + _children_cpu()


def _timed(fn: Callable[[], Any], in_process: bool) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of one call; in process, the processes it runs count too."""
    cpu = _self_and_children_cpu if in_process else _children_cpu
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


def _run(command: list[str], source: str | None = None) -> None:
    """Run ``command``; with ``source``, that folder first on the path (``--before``)."""
    env = None if source is None else {**os.environ, "PYTHONPATH": source}
    subprocess.run(command, check=False, capture_output=True, env=env)


def benchmark_pdf(
    pdftotext: str, jixiao: str, runs: int, tmp: Path, before: str | None = None
) -> dict[str, Any]:
    from jixiao.audit.extract import PDF_READERS

    pdf = tmp / "report.pdf"
    pages = _write_pdf(SEED.read_text("utf-8").splitlines() * 2, pdf)
    data = pdf.read_bytes()

    def reader(index: int) -> Callable[[], Any]:
        return lambda: PDF_READERS[index].pages(data, "report.pdf")

    order = ("jixiao's reader", "first fallback", "last fallback")
    variants: dict[str, tuple[Callable[[], Any], bool]] = {
        BASELINE: (lambda: _run([pdftotext, "-layout", str(pdf), "-"]), False),
        "pdftotext -raw, process": (lambda: _run([pdftotext, "-raw", str(pdf), "-"]), False),
        "jixiao audit report.pdf -f json, process": (
            lambda: _run([jixiao, "audit", str(pdf), "-f", "json"]),
            False,
        ),
        **(
            {
                f"jixiao audit report.pdf -f json, process, before ({before})": (
                    lambda: _run([jixiao, "audit", str(pdf), "-f", "json"], before),
                    False,
                )
            }
            if before
            else {}
        ),
        "python -c pass, process (the interpreter's start)": (
            lambda: _run([sys.executable, "-c", "pass"]),
            False,
        ),
        **{
            f"{role}: {r.identifier} ({r.verbose_name}), in process": (reader(i), True)
            for i, (role, r) in enumerate(zip(order, PDF_READERS, strict=True))
        },
    }
    return {
        "pages": pages,
        "readers": [r.identifier for r in PDF_READERS],
        "results": _measure(variants, runs, BASELINE),
        "phases": phases(pdf, runs),
    }


#: Run in a fresh process: ``jixiao audit PDF -f json`` in process, the CPU time (own and
#: children's: poppler) marked after each phase; the phases inside the command by the CPU
#: time of the thread that runs them (reading runs in a second thread). The parameter coercion is typer's
#: (``typer._coercion.build_runtime_param``, which builds pydantic adapters): wrapped here
#: to be timed, measurement only.
_PHASES = r"""
import io, json, resource, sys
from contextlib import redirect_stdout
def cpu():
    s, c = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return s.ru_utime + s.ru_stime + c.ru_utime + c.ru_stime
def thread_cpu():  # the reading runs in a second thread, beside the main one
    s, c = resource.getrusage(resource.RUSAGE_THREAD), resource.getrusage(resource.RUSAGE_CHILDREN)
    return s.ru_utime + s.ru_stime + c.ru_utime + c.ru_stime
marks = [("start", cpu())]
import typer
marks.append(("import typer", cpu()))
import rich.console, rich.markup, rich.table
marks.append(("import rich", cpu()))
from jixiao.cli import app
marks.append(("import jixiao's commands", cpu()))
spent = {}
def timed(name, module, attribute):
    original = getattr(module, attribute)
    def wrapper(*args, **kwargs):
        start = thread_cpu()
        try:
            return original(*args, **kwargs)
        finally:
            spent[name] = spent.get(name, 0.0) + thread_cpu() - start
    setattr(module, attribute, wrapper)
import typer._coercion, typer.core, jixiao.audit.batch, jixiao.audit.engine
audit_lines = jixiao.audit.engine.audit_lines
timed("typer's parameter coercion (pydantic adapters; none since jixiao.cli.coercion)", typer.core, "build_runtime_param")
timed("reading the PDF (poppler)", jixiao.audit.batch, "extract_file")
timed("the audit engine (first run)", jixiao.audit.engine, "audit_lines")
start = cpu()
try:
    with redirect_stdout(io.StringIO()):
        app(["audit", sys.argv[1], "-f", "json"])
except SystemExit:
    pass
command = cpu() - start
phases = {n: b - a for (_, a), (n, b) in zip(marks, marks[1:])}
phases.update(spent)
phases["the audit's modules, the output and the rest"] = command - sum(spent.values())
from pathlib import Path
from jixiao.audit.extract import extract_file
lines = extract_file(Path(sys.argv[1])).lines
start = cpu()
audit_lines(lines)
phases["for scale, not in the command: the audit engine again"] = cpu() - start
print(json.dumps(phases))
"""


def phases(pdf: Path, runs: int) -> dict[str, float]:
    """Median CPU seconds of each phase of ``jixiao audit PDF -f json`` in a fresh process."""
    samples: dict[str, list[float]] = {}
    for _ in range(runs):
        out = subprocess.run(
            [sys.executable, "-c", _PHASES, str(pdf)], check=True, capture_output=True, text=True
        ).stdout
        for name, seconds in json.loads(out.splitlines()[-1]).items():
            samples.setdefault(name, []).append(seconds)
    return {name: round(statistics.median(values), 4) for name, values in samples.items()}


def instructions(command: list[str], tmp: Path) -> dict[str, int]:
    """Instructions executed by ``command`` and each process it starts: {command line: count}."""
    folder = Path(tempfile.mkdtemp(dir=tmp))
    subprocess.run(
        [
            "valgrind",
            "--tool=callgrind",
            "--trace-children=yes",
            f"--callgrind-out-file={folder}/callgrind.%p",
            *command,
        ],
        check=False,  # jixiao audit exits 1 when it finds errors (the seed report has some)
        capture_output=True,
    )
    counts: dict[str, int] = {}
    for out in sorted(folder.glob("callgrind.*")):
        header = dict(
            line.split(": ", 1)
            for line in out.read_text("utf-8", errors="replace").splitlines()
            if line.startswith(("cmd: ", "summary: "))
        )
        counts[header["cmd"].strip()] = int(header["summary"])
    if not counts:
        raise RuntimeError(f"valgrind counted nothing for {command}")
    return counts


def benchmark_instructions(pdftotext: str, jixiao: str, tmp: Path) -> dict[str, Any]:
    pdf = tmp / "report.pdf"  # written by benchmark_pdf
    baseline = instructions([pdftotext, "-layout", str(pdf), "-"], tmp)
    audit = instructions([jixiao, "audit", str(pdf), "-f", "json"], tmp)
    base = sum(baseline.values())
    return {
        "pdftotext -layout (baseline)": baseline,
        "jixiao audit report.pdf -f json": audit,
        "ratio_to_pdftotext": round(sum(audit.values()) / base, 2),
        "ratio_by_process": {name: round(count / base, 2) for name, count in audit.items()},
    }


def benchmark_corpus(
    pdftotext: str, jixiao: str, runs: int, tmp: Path, before: str | None = None
) -> dict[str, Any]:
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
        **(
            {
                f"jixiao audit <folder> -f json, one process, before ({before})": (
                    lambda: _run([jixiao, "audit", str(folder), "-f", "json"], before),
                    False,
                )
            }
            if before
            else {}
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
    parser.add_argument("--instructions", action="store_true")
    parser.add_argument("--before", help="another checkout's src, run side by side")
    args = parser.parse_args()
    pdftotext = shutil.which("pdftotext")
    if pdftotext is None:
        raise SystemExit("pdftotext (poppler-utils) is needed for the baseline")
    jixiao = str(Path(sys.executable).parent / "jixiao")
    for folder in (sysconfig.get_paths()["purelib"], str(ROOT / "src"), args.before):
        if folder:
            compileall.compile_dir(folder, quiet=2)
    uptime = subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()
    with tempfile.TemporaryDirectory() as tmp:
        pdf = benchmark_pdf(pdftotext, jixiao, args.runs, Path(tmp), args.before)
        corpus = benchmark_corpus(pdftotext, jixiao, args.corpus_runs, Path(tmp), args.before)
        counted = (
            benchmark_instructions(pdftotext, jixiao, Path(tmp)) if args.instructions else None
        )
    document = {
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
        "uptime_at_start": uptime,
        "runs": {"pdf": args.runs, "corpus": args.corpus_runs},
        "before": args.before,
        "goal": "jixiao audit ≤ 2× pdftotext on the same PDFs",
        "pdf": pdf,
        "corpus": corpus,
        "instructions": counted,
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
    if counted is not None:
        print(f"instructions, 77-page PDF: {counted['ratio_to_pdftotext']:.2f}× pdftotext")
        for name, ratio in counted["ratio_by_process"].items():
            print(f"  {ratio:.2f}×  {name}")


if __name__ == "__main__":
    main()
