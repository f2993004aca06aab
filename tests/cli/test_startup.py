"""Light start-up (issue 15, item 2): ``jixiao --help`` imports the command line and its
toolkit, not the engine or the heavy libraries — those come with the command that uses
them. Measured by benchmarks/bench_startup.py; guarded here by what gets imported."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

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
    "weasyprint",
    "typst",
    "docx",
    "pypdfium2",
    "django",
)

#: Imported by typer's help renderer at its top, used only for Markdown help and pretty
#: tracebacks (neither of which jixiao uses): jixiao.cli.richhelp defers them.
UNUSED_BY_HELP = ("rich.markdown", "markdown_it", "rich.traceback", "rich.syntax", "pygments")

PROBE = """
import json, sys
from jixiao.cli import app
try:
    app(sys.argv[1:], prog_name="jixiao")
except SystemExit:
    pass
print(json.dumps(sorted(sys.modules)))
"""


def _imported_by(*args: str) -> tuple[str, set[str]]:
    out = subprocess.run(
        [sys.executable, "-c", PROBE, *args], capture_output=True, text=True, check=True
    ).stdout
    return out, set(json.loads(out.splitlines()[-1]))


def _loaded(modules: set[str], names: tuple[str, ...]) -> list[str]:
    return sorted(m for m in modules for n in names if m == n or m.startswith(n + "."))


def test_help_imports_no_engine_and_no_heavy_library() -> None:
    out, modules = _imported_by("--help")
    loaded = _loaded(modules, HEAVY + UNUSED_BY_HELP)
    assert not loaded, f"imported by jixiao --help: {loaded}"
    assert "usage" in out.lower() or "用法" in out
    assert "typer.rich_utils" in modules  # the help is still Rich's
    assert "╭─ Commands" in out and "audit" in out


def test_a_command_help_skips_markdown_and_tracebacks() -> None:
    out, modules = _imported_by("audit", "--help")
    assert not _loaded(modules, UNUSED_BY_HELP)
    assert "--format" in out


def test_deferred_rich_classes_are_the_real_ones_when_used() -> None:
    """The stand-ins in typer's renderer build Rich's real objects, and a later import of
    rich.markdown or rich.traceback gets the real module, not a stand-in."""
    probe = """
import sys
import jixiao.cli
import typer.rich_utils as rich_utils
import rich.markdown, rich.traceback
assert rich_utils.Markdown is not rich.markdown.Markdown  # deferred
assert type(rich_utils.Markdown("**x**")) is rich.markdown.Markdown
try:
    raise ValueError("x")
except ValueError as error:
    tb = rich_utils.Traceback.from_exception(type(error), error, error.__traceback__)
assert type(tb) is rich.traceback.Traceback
assert hasattr(rich.markdown, "MarkdownIt") and hasattr(rich.traceback, "install")
assert not any(type(f).__module__ == "jixiao.cli.richhelp" for f in sys.meta_path)
print("ok")
"""
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "ok"


def test_a_module_imported_before_keeps_the_real_class() -> None:
    probe = """
import rich.markdown
import jixiao.cli
import typer.rich_utils as rich_utils
assert rich_utils.Markdown is rich.markdown.Markdown
print("ok")
"""
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "ok"


WEB_PROBE = """
import json, sys
from jixiao_web.wsgi import application
started = sorted(sys.modules)
from django.urls import get_resolver
get_resolver().url_patterns
print(json.dumps([started, sorted(sys.modules)]))
"""


def test_web_start_up_and_first_request_skip_what_they_do_not_use(tmp_path: Path) -> None:
    """The WSGI application's import (Django set up) imports no API machinery (ninja,
    pydantic: the URLconf brings them), and neither imports openpyxl with numpy, lxml and
    Pillow (only a workbook download needs them) — docs/performance.md, "Start-up"."""
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env["JX_DATA_DIR"] = str(tmp_path)
    out = subprocess.run(
        [sys.executable, "-c", WEB_PROBE], capture_output=True, text=True, check=True, env=env
    ).stdout
    started, served = (set(m) for m in json.loads(out.splitlines()[-1]))
    assert "django.apps" in started and "jixiao_web.datasets.models" in started
    assert not _loaded(started, ("ninja", "pydantic", "jinja2", "django.test"))
    assert "ninja" in served and "jixiao_web.api.api" in served  # the API is routed
    assert not _loaded(served, ("openpyxl", "numpy", "PIL", "lxml", "polars"))
