"""A process that renders many reports (a web worker, a province run's worker) loads its fonts,
templates and chart template once: counted, never timed (speed: benchmarks/bench_reports.py).

A fresh Python process renders two different departments' reports in every format; an audit
hook counts the font, template and font-list files each report opens, and the Typst font
set of the PDF (read by Typst itself) is counted by its per-process cache.
"""

from __future__ import annotations

import json
import subprocess
import sys

SCRIPT = r"""
import json, sys
opened = {}
def hook(event, args):
    if event == "open" and isinstance(args[0], str):
        if args[0].endswith((".otf", ".ttf", ".ttc", ".j2", ".css", ".typ", ".json", ".yaml")):
            name = args[0].rsplit("/", 1)[-1]
            opened[name] = opened.get(name, 0) + 1
sys.addaudithook(hook)
from jixiao.evaluation import evaluate
from jixiao.reports.api import report_files
from jixiao.reports.render.pdf import load_fonts
from jixiao.synthetic import synthetic_departments

reports = []
for dataset in synthetic_departments(2, 2):
    evaluation = evaluate(dataset)
    opened.clear()
    files = report_files(evaluation, parallel=False)
    reports.append({
        "opened": dict(opened),
        "fonts": load_fonts.cache_info().misses,
        "files": sorted(f.filename for f in files),
    })
print(json.dumps(reports, ensure_ascii=False))
"""


def test_a_second_report_in_the_same_process_loads_no_font_or_template_again() -> None:
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT], capture_output=True, text=True, check=True, timeout=600
    )
    first, second = json.loads(result.stdout.strip().splitlines()[-1])
    # the first report loads them (so the hook sees them) ...
    assert first["opened"].get("report.html.j2") == 1
    assert first["opened"].get("report.css") == 1
    assert first["opened"].get("chart.typ") == 1  # the charts' (Typst reads the fonts)
    assert first["opened"].get("report.typ") == 1
    assert first["fonts"] == 1  # the PDF's three fonts, read by Typst once
    # ... and the second, a different department in every format, loads nothing again
    assert second["opened"] == {}
    assert second["fonts"] == 1
    assert len(second["files"]) == 6  # report: docx, html, pdf, xlsx; review: html, xlsx
    assert first["files"] != second["files"]


def test_releasing_render_caches_touches_typst_only_for_a_pdf() -> None:
    """Long-lived renderers (the unit pool's workers, the web's task worker, the public PDF)
    release Typst's cached layouts after each document; a process that wrote no PDF does
    not load Typst (and its fonts) just to release nothing."""
    script = (
        "import sys\n"
        "from jixiao.reports.api import release_render_caches\n"
        "release_render_caches(['docx', 'html', 'xlsx'])\n"
        "print('typst' in sys.modules)\n"
        "release_render_caches(['pdf'])\n"
        "print('typst' in sys.modules)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", script], check=True, capture_output=True, text=True
    ).stdout.split()
    assert out == ["False", "True"]
