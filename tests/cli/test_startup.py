"""Light start-up (issue 15, item 2): ``jixiao --help`` imports the command line and its
toolkit, not the engine or the heavy libraries — those come with the command that uses
them. Measured by benchmarks/bench_startup.py; guarded here by what gets imported."""

from __future__ import annotations

import json
import subprocess
import sys

#: Imported by no command's definition: each is the business of a command's body.
HEAVY = (
    "jixiao.dataset",
    "jixiao.figures",
    "jixiao.findings",
    "jixiao.lib.files",
    "polars",
    "openpyxl",
    "python_calamine",
    "yaml",
    "jinja2",
    "matplotlib",
    "weasyprint",
    "typst",
    "docx",
    "pypdfium2",
    "django",
)

PROBE = """
import json, sys
from jixiao.cli import app
try:
    app(["--help"], prog_name="jixiao")
except SystemExit:
    pass
print(json.dumps(sorted(sys.modules)))
"""


def test_help_imports_no_engine_and_no_heavy_library() -> None:
    out = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, check=True
    ).stdout
    modules = set(json.loads(out.splitlines()[-1]))
    loaded = sorted(
        m for m in modules for heavy in HEAVY if m == heavy or m.startswith(heavy + ".")
    )
    assert not loaded, f"imported by jixiao --help: {loaded}"
    assert "usage" in out.lower() or "用法" in out
