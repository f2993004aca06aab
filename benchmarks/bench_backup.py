"""``jixiao dump`` / ``jixiao load`` against the database's own backup tool (``uv run python benchmarks/bench_backup.py``).

Two systems are built once per engine (not timed):

- **demo**: ``load_demo()`` (广东省科学技术厅 2023 and the synthetic department, every
  workflow's demo rows);
- **region**: the demo plus ``JX_BENCH_DEPARTMENTS`` (default 20) synthetic departments of
  30 budget units each stored through the datasets service (rows and their history), and
  ``JX_BENCH_FILES`` (default 100) evidence-sized files of 200 KB of random bytes in the
  storage folder.

Measured, in the same run, alternately ``JX_BENCH_RUNS`` times (default 1):

- ``dump``: :func:`jixiao_web.core.backup.dump` of the whole system (database and files);
- ``load``: ``migrate`` of an empty database (the schema, as ``jixiao load`` does first) and
  :func:`jixiao_web.core.backup.load` of the data and files, timed together (the ratio)
  and apart (``load_migrate_seconds``, ``load_data_seconds``);
- **baseline**: the engine's own backup of the same database — SQLite's online backup API
  (``.backup``) into a new file, or ``pg_dump -Fc`` and ``pg_restore`` into a fresh
  database (``pg_restore`` creates the schema too; SQLite's restore is a file copy) — plus
  an uncompressed ``tar`` of the storage folder (and its extraction), so
  both sides carry the same data and files.

Each step runs in its own process (Django's settings are per process). PostgreSQL is used
when ``JX_BENCH_PG_URL`` (default ``postgres://postgres@127.0.0.1:5432``, the server, no
database name) answers. Results: ``benchmarks/results/backup.json``.
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path
from typing import Any

REPOSITORY = Path(__file__).resolve().parents[1]
RESULTS = REPOSITORY / "benchmarks" / "results" / "backup.json"
DEPARTMENTS = int(os.environ.get("JX_BENCH_DEPARTMENTS", "20"))
FILES = int(os.environ.get("JX_BENCH_FILES", "100"))
FILE_BYTES = 200 * 1024
RUNS = int(os.environ.get("JX_BENCH_RUNS", "1"))
PG_SERVER = os.environ.get("JX_BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432").rstrip("/")


# --------------------------------------------------------------------------- steps (child processes)


def _django(data_dir: str, url: str) -> None:
    os.environ["JX_DATA_DIR"] = data_dir
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("JX_SECRET_KEY", "benchmark-secret-key-not-for-production-0123456789")
    os.environ["JX_TASKS"] = "immediate"
    os.environ["DJANGO_SETTINGS_MODULE"] = "jixiao_web.settings"
    import django

    django.setup()


def step_prepare(size: str) -> dict[str, Any]:
    """Migrate; for ``demo``/``region`` also fill (``empty``: a fresh target)."""
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    call_command("createcachetable", verbosity=0)
    if size == "empty":
        return {}
    from django.conf import settings

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    from jixiao_web.orgs.demo import load_demo

    load_demo()
    if size == "region":
        _region()
    from jixiao_web.core.backup import backed_up_models, storage_root

    rows = sum(model._base_manager.count() for model in backed_up_models())
    files = [p for p in storage_root().rglob("*") if p.is_file()]
    return {
        "rows": rows,
        "files": len(files),
        "file_mb": sum(p.stat().st_size for p in files) / 1e6,
    }


def _region() -> None:
    from jixiao.synthetic import synthetic_departments
    from jixiao_web.datasets import services
    from jixiao_web.orgs.models import Department, Region

    region = Region.objects.get(code="440000")
    for number, engine in enumerate(synthetic_departments(DEPARTMENTS, 30), start=1):
        department = Department.objects.create(
            region=region, code=f"8{number:02d}", name=engine.profile.department_name
        )
        dataset = services.create_dataset(department, engine.profile.year or 2023)
        services.store(dataset, engine, None, "基准测试")
    from jixiao_web.core.backup import storage_root

    folder = storage_root() / "evidence" / "bench"
    folder.mkdir(parents=True, exist_ok=True)
    for number in range(FILES):
        (folder / f"{number:04d}.pdf").write_bytes(os.urandom(FILE_BYTES))


def step_dump(out: str) -> dict[str, Any]:
    from jixiao_web.core.backup import dump

    start = time.perf_counter()
    with open(out, "wb") as stream:
        summary = dump(stream)
    return {"seconds": time.perf_counter() - start, "rows": summary.rows, "files": summary.files}


def step_load(archive: str) -> dict[str, Any]:
    """``jixiao load`` into an empty database: the schema (``migrate``, as the command does
    first), then the data and files; both timed, and reported apart."""
    from django.core.management import call_command

    from jixiao_web.core.backup import load

    start = time.perf_counter()
    call_command("migrate", interactive=False, verbosity=0)
    migrated = time.perf_counter()
    summary = load(Path(archive))
    done = time.perf_counter()
    return {
        "seconds": done - start,
        "migrate_seconds": migrated - start,
        "data_seconds": done - migrated,
        "rows": summary.rows,
        "files": summary.files,
    }


def _child(step: str, argument: str, data_dir: Path, url: str) -> dict[str, Any]:
    out = subprocess.run(
        [sys.executable, __file__, "--step", step, argument, str(data_dir), url],
        check=True,
        capture_output=True,
        text=True,
        cwd=REPOSITORY,
    ).stdout
    result: dict[str, Any] = json.loads(out.strip().splitlines()[-1])
    return result


# --------------------------------------------------------------------------- engines


class Sqlite:
    name = "sqlite"

    def __init__(self, root: Path) -> None:
        self.root = root

    def url(self, name: str) -> str:
        return f"sqlite:///{self.root / name / 'jixiao.sqlite3'}"

    def create(self, name: str) -> None:
        (self.root / name).mkdir(parents=True, exist_ok=True)

    def drop(self, name: str) -> None:
        shutil.rmtree(self.root / name, ignore_errors=True)

    def backup(self, source: str, out: Path) -> float:
        start = time.perf_counter()
        with (
            sqlite3.connect(self.root / source / "jixiao.sqlite3") as src,
            sqlite3.connect(out) as dst,
        ):
            src.backup(dst)
        return time.perf_counter() - start

    def restore(self, backup: Path, target: str) -> float:
        start = time.perf_counter()
        shutil.copyfile(backup, self.root / target / "jixiao.sqlite3")
        return time.perf_counter() - start


class Postgres:
    name = "postgresql"

    def __init__(self, root: Path) -> None:
        self.root = root

    def url(self, name: str) -> str:
        return f"{PG_SERVER}/jx_bench_backup_{name}"

    def _admin(self, sql: str) -> None:
        import psycopg

        with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as admin:
            admin.execute(sql)

    def create(self, name: str) -> None:
        (self.root / name).mkdir(parents=True, exist_ok=True)
        self.drop(name)
        self._admin(f"CREATE DATABASE jx_bench_backup_{name}")

    def drop(self, name: str) -> None:
        self._admin(f"DROP DATABASE IF EXISTS jx_bench_backup_{name} WITH (FORCE)")

    def backup(self, source: str, out: Path) -> float:
        start = time.perf_counter()
        subprocess.run(["pg_dump", "-Fc", "-f", str(out), self.url(source)], check=True)
        return time.perf_counter() - start

    def restore(self, backup: Path, target: str) -> float:
        start = time.perf_counter()
        subprocess.run(["pg_restore", "-d", self.url(target), str(backup)], check=True)
        return time.perf_counter() - start

    @staticmethod
    def available() -> bool:
        try:
            import psycopg

            psycopg.connect(f"{PG_SERVER}/postgres", connect_timeout=3).close()
        except Exception:
            return False
        return shutil.which("pg_dump") is not None


def _tar(folder: Path, out: Path) -> float:
    start = time.perf_counter()
    with tarfile.open(out, "w") as tar:
        if folder.exists():
            tar.add(folder, arcname="files")
    return time.perf_counter() - start


def _untar(archive: Path, into: Path) -> float:
    start = time.perf_counter()
    with tarfile.open(archive) as tar:
        tar.extractall(into, filter="data")
    return time.perf_counter() - start


def measure(engine: Sqlite | Postgres, size: str, work: Path) -> dict[str, Any]:
    source = f"{size}_src"
    engine.create(source)
    built = _child("prepare", size, engine.root / source, engine.url(source))
    runs: list[dict[str, float]] = []
    for run in range(RUNS):
        archive = work / f"{engine.name}-{size}-{run}.zip"
        target = f"{size}_dst"
        engine.create(target)
        dumped = _child("dump", str(archive), engine.root / source, engine.url(source))
        loaded = _child("load", str(archive), engine.root / target, engine.url(target))
        assert loaded["rows"] == dumped["rows"] == built["rows"], (loaded, dumped, built)
        engine.drop(target)
        # Baseline: the engine's own backup of the same database, plus a tar of the files.
        base = work / f"{engine.name}-{size}-{run}.db"
        files_tar = work / f"{engine.name}-{size}-{run}.tar"
        base_dump = engine.backup(source, base) + _tar(engine.root / source / "files", files_tar)
        engine.create(target)
        base_load = engine.restore(base, target) + _untar(files_tar, engine.root / target)
        engine.drop(target)
        runs.append(
            {
                "dump_seconds": dumped["seconds"],
                "load_seconds": loaded["seconds"],
                "load_migrate_seconds": loaded["migrate_seconds"],
                "load_data_seconds": loaded["data_seconds"],
                "archive_mb": archive.stat().st_size / 1e6,
                "baseline_dump_seconds": base_dump,
                "baseline_load_seconds": base_load,
                "baseline_mb": (base.stat().st_size + files_tar.stat().st_size) / 1e6,
            }
        )
        for path in (archive, base, files_tar):
            path.unlink()
    engine.drop(source)

    def median(key: str) -> float:
        return round(statistics.median(r[key] for r in runs), 3)

    return {
        "rows": built["rows"],
        "files": built["files"],
        "file_mb": round(built["file_mb"], 2),
        "dump_seconds": median("dump_seconds"),
        "load_seconds": median("load_seconds"),
        "load_migrate_seconds": median("load_migrate_seconds"),
        "load_data_seconds": median("load_data_seconds"),
        "archive_mb": median("archive_mb"),
        "baseline_dump_seconds": median("baseline_dump_seconds"),
        "baseline_load_seconds": median("baseline_load_seconds"),
        "baseline_mb": median("baseline_mb"),
        "ratio_dump_time": round(median("dump_seconds") / median("baseline_dump_seconds"), 2),
        "ratio_load_time": round(median("load_seconds") / median("baseline_load_seconds"), 2),
        "ratio_size": round(median("archive_mb") / median("baseline_mb"), 2),
        "all_runs": runs,
    }


def main() -> None:
    results: dict[str, Any] = {
        "machine": f"{platform.python_implementation()} {platform.python_version()}, {platform.machine()}, {os.cpu_count()} cores",
        "load_average": os.getloadavg()[0],
        "departments": DEPARTMENTS,
        "files": FILES,
        "runs": RUNS,
        "baseline": "sqlite: online backup API + tar of files; postgresql: pg_dump -Fc / pg_restore + tar",
    }
    with tempfile.TemporaryDirectory(prefix="jixiao-bench-backup-") as folder:
        work = Path(folder)
        engines: list[Sqlite | Postgres] = [Sqlite(work / "sqlite")]
        if Postgres.available():
            engines.append(Postgres(work / "pg"))
        for engine in engines:
            for size in ("demo", "region"):
                results[f"{engine.name}_{size}"] = measure(engine, size, work)
                print(engine.name, size, json.dumps(results[f"{engine.name}_{size}"]), flush=True)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", "utf-8")


if __name__ == "__main__":
    if len(sys.argv) == 6 and sys.argv[1] == "--step":
        _, _, step, argument, data_dir, url = sys.argv
        _django(data_dir, url)
        steps = {"prepare": step_prepare, "dump": step_dump, "load": step_load}
        print(json.dumps(steps[step](argument)))
    else:
        main()
