"""The province, load and soak benchmarks run at a tiny size, so that they cannot rot.

Real processes, real servers and a real database (SQLite; PostgreSQL too when
``JX_TEST_DATABASE_URL`` names a server): the province is loaded through the web's
services, a few users read it, and a short soak's writes are compared with the database.
Nothing here is timed: speed is the benchmarks' business (docs/performance.md).
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import sys
from pathlib import Path
from types import ModuleType

import pytest

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"

pytestmark = pytest.mark.slow
PG = "postgres://postgres@127.0.0.1:5432"


def _module(name: str) -> ModuleType:
    if str(BENCHMARKS) not in sys.path:
        sys.path.insert(0, str(BENCHMARKS))  # the scripts import each other as siblings
    spec = importlib.util.spec_from_file_location(name, BENCHMARKS / f"{name}.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _engines() -> list[str]:
    return ["sqlite", "postgres"] if os.environ.get("JX_TEST_DATABASE_URL") else ["sqlite"]


def test_province_load_and_soak_at_a_tiny_size(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    database = f"jx_bench_scripts_{os.getpid()}"
    monkeypatch.setenv("JX_BENCH_PG_DATABASE", database)
    engines = _engines()
    try:
        _run(tmp_path, engines)
    finally:
        if "postgres" in engines:
            import psycopg

            with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
                conn.execute(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")


def _run(tmp_path: Path, engines: list[str]) -> None:
    province = _module("province_db")
    size = ["--departments", "2", "--units", "2", "--projects-per-unit", "3"]
    for engine in engines:
        province.main(
            [
                *size,
                "--engine",
                engine,
                "--data",
                str(tmp_path),
                "--results",
                str(tmp_path / "p.json"),
            ]
        )
    loaded = json.loads((tmp_path / "p.json").read_text("utf-8"))
    for engine in engines:
        counts = loaded[engine]["counts"]
        assert counts["departments"] == 2 and counts["units"] == 4
        assert counts["projects"] == 12 and counts["project_indicators"] == 36
        assert counts["execution_lines"] == 12
        assert counts["history_rows"] >= counts["dataset_rows"] > 0
        assert loaded[engine]["database_mb"] > 0 and "load average" in loaded[engine]["uptime"]
    if len(engines) == 2:
        assert loaded["ratio_postgres_to_sqlite"]["load_seconds"] > 0

    shapes = {"sqlite": "embedded", "postgres": "production"}
    bench_load = _module("bench_load")
    load = bench_load.main(
        [
            "--users",
            "5",
            "--seconds",
            "2",
            "--departments",
            "2",
            "--repeats",
            "1",
            "--shapes",
            ",".join(shapes[e] for e in engines),
            "--data",
            str(tmp_path),
            "--results",
            str(tmp_path / "load.json"),
        ]
    )
    for engine in engines:
        result = load[shapes[engine]]
        assert result["all"]["errors"] == 0, result["failures"]
        assert result["all"]["requests"] > 0
        # the users found a page of every group of the brief
        assert {bench_load.group_of(p) for p in result["pages"]} == {
            "dashboard",
            "datasets",
            "targets",
            "monitoring",
            "assessment",
            "rectifications",
            "public",
        }
        profile = load["profile"][engine]
        assert all(p["status"] == 200 and p["queries"] >= 0 for p in profile.values())

    soak = _module("bench_soak").main(
        [
            "--seconds",
            "8",
            "--shape",
            "embedded",
            "--departments",
            "2",
            "--readers",
            "1",
            "--report-every",
            "2",
            "--wait",
            "300",
            "--data",
            str(tmp_path),
            "--results",
            str(tmp_path / "soak.json"),
        ]
    )
    result = soak["embedded"]
    comparison = result["comparison"]
    assert comparison["consistent"], comparison["problems"]
    assert comparison["checked"]["saves"] > 0 and comparison["checked"]["report_jobs"] > 0
    assert comparison["job_statuses"] == {"done": comparison["checked"]["report_jobs"]}
    assert not result["errors"], result["errors"]


def test_the_province_benchmark_runs_against_another_checkouts_src(tmp_path: Path) -> None:
    bench = _module("bench_province")
    src = Path(__file__).resolve().parent.parent / "src"
    other = tmp_path / "other"
    shutil.copytree(src / "jixiao", other / "jixiao")
    document = bench.main(
        [
            *("--departments", "1", "--units", "2", "--variants", "province-no-pdf"),
            *("--against-src", str(other), "--results", str(tmp_path / "province.json")),
        ]
    )
    assert document["against"]["imported_from"] == str(other)
    assert document["imported_from"] != str(other)
    for runs in (document["runs"], document["against"]["runs"]):
        assert runs["province-no-pdf"]["departments_in_summary"] == 1
        assert runs["province-no-pdf"]["cpu_seconds"] > 0
    assert document["cpu_ratio_to_against"]["province-no-pdf"] > 0
    assert json.loads((tmp_path / "province.json").read_text("utf-8"))["against"]["runs"]


def test_the_province_benchmark_counts_the_pools_workers(tmp_path: Path) -> None:
    """The workers come from a fork server the command never waits for: they must be counted."""
    bench = _module("bench_province")
    document = bench.main(
        [
            *("--departments", "2", "--units", "2", "--workers", "2", "--baseline", "1"),
            *("--variants", "baseline,province-no-pdf", "--results", str(tmp_path / "p.json")),
        ]
    )
    pool, single = document["runs"]["province-no-pdf"], document["runs"]["baseline"]
    assert pool["orphans_reaped"] >= 1  # the fork server, adopted and reaped
    # two workers each import and render a department: more CPU than one single run, which
    # the parent alone (what was counted before) never reached
    assert pool["cpu_seconds"] > single["cpu_seconds_per_department"]


def test_the_department_files_benchmark_runs_against_another_checkouts_src(
    tmp_path: Path,
) -> None:
    bench = _module("bench_department_files")
    other = tmp_path / "other"
    shutil.copytree(Path(__file__).resolve().parent.parent / "src" / "jixiao", other / "jixiao")
    document = bench.main(
        [
            *("--departments", "1", "--repeats", "1", "--against-src", str(other)),
            *("--results", str(tmp_path / "files.json")),
        ]
    )
    assert document["imported_from"]["against"] == str(other)
    assert set(document["cpu_ratio_to_against"]) >= {"report docx", "text form yaml", "total"}
    assert all(v > 0 for v in document["cpu_seconds_median"]["this"].values())
