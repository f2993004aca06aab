"""Load a synthetic province into the web database (``uv run python benchmarks/province_db.py``).

The province: ``DEPARTMENTS`` 主管部门 (合成第1厅 …) × ``UNITS`` 预算单位 × ``PROJECTS_PER_UNIT``
projects — by default 100 × 30 × 34 = 3,000 units and 102,000 projects, each project with
three indicators and a 2023-06 执行进度 line (:func:`jixiao.synthetic.synthetic_departments`).

It goes into the database through the services the web uses, in the order a year runs:

1. organisation: region 合成省 (990000), departments, 处室, users (``prov-bureau``,
   ``prov-reviewer``, and per department ``dept-NNN`` and ``clerk-NNN`` for its first unit;
   password ``demo``) — plain model writes, as ``orgs.demo`` does;
2. datasets: ``datasets.services.store`` per department — the service a workbook upload
   ends in (row models, tenant keys, per-row history, one transaction per dataset). The
   engine datasets are built in memory rather than parsed from 100 workbooks (the workbook
   parser has its own benchmark, ``bench_dataset.py``), so this measures the database side;
3. evaluations: ``evaluation.services.evaluate_dataset`` (the engine, stored results);
4. 整改 items: ``results.services.generate`` from each evaluation;
5. one 自评任务 over every dataset: ``assessment.services.issue_task``;
6. a 2023-06 monitoring round per department for all its units: ``monitor.services.issue_round``;
7. the 2024 部门整体绩效目标 form of each department: ``targets.services.create_department``;
8. every tenth department published: ``disclosure.services.publish``.

Engines: SQLite (``<data>/jixiao.sqlite3``, WAL, as ``jixiao serve`` runs it) and
PostgreSQL (database ``jixiao_bench_province`` on 127.0.0.1:5432). Each is loaded in its own
process after ``migrate``; reported per engine: wall and CPU seconds per phase (``Clock``), rows,
database size.
Results: ``benchmarks/results/province_db.json``. The databases are kept for
``bench_load.py`` and ``bench_soak.py`` (``--data``, default ``/tmp/jixiao-bench-province``).

Small runs while developing: ``--departments 3 --units 4 --projects-per-unit 2``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results" / "province_db.json"
DATA = Path(os.environ.get("JX_BENCH_DATA", "/tmp/jixiao-bench-province"))
PG_HOST = "postgres://postgres@127.0.0.1:5432"
PG_DATABASE = "jixiao_bench_province"  # JX_BENCH_PG_DATABASE chooses another (tests)
REGION_CODE = "990000"
PASSWORD = "demo"
YEAR = 2023
ENGINES = ("sqlite", "postgres")


# --------------------------------------------------------------------------- shared helpers


def pg_name(given: str = "") -> str:
    """The PostgreSQL database of the province: ``given``, ``JX_BENCH_PG_DATABASE`` or the default."""
    return given or os.environ.get("JX_BENCH_PG_DATABASE", "") or PG_DATABASE


def database_url(engine: str, pg_database: str = "") -> str:
    """The ``DATABASE_URL`` of ``engine`` (blank: SQLite in ``JX_DATA_DIR``)."""
    return f"{PG_HOST}/{pg_name(pg_database)}" if engine == "postgres" else ""


def environment(data: Path, engine: str, pg_database: str = "") -> dict[str, str]:
    """The server's environment for the province in ``data`` on ``engine``."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "jixiao_web.settings",
        "JX_DATA_DIR": str(data),
        "JX_SECRET_KEY": "bench-secret-key-0123456789abcdefghijklmnopqrstuvwxyz",
        "JX_ALLOWED_HOSTS": "127.0.0.1",
        "JX_DEBUG": "0",
        "JX_LOGIN_ATTEMPTS": "100000",
        "JX_TASKS": "database",
    }
    url = database_url(engine, pg_database)
    if url:
        env["DATABASE_URL"] = url
    else:
        env.pop("DATABASE_URL", None)
    return env


def data_dir(base: Path, engine: str) -> Path:
    return base / engine


def recreate_pg(name: str) -> None:
    import psycopg

    with psycopg.connect(f"{PG_HOST}/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {name}")


def manage(env: dict[str, str], *args: str) -> None:
    subprocess.run(
        [sys.executable, "-m", "jixiao", "manage", *args],
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )


def database_bytes(data: Path, engine: str, pg_database: str = "") -> int:
    """The database's size on disk (SQLite: the file after a WAL checkpoint)."""
    if engine == "postgres":
        import psycopg

        with psycopg.connect(f"{PG_HOST}/{pg_name(pg_database)}") as conn:
            row = conn.execute("SELECT pg_database_size(current_database())").fetchone()
            return int(row[0]) if row else 0
    import sqlite3

    path = data / "jixiao.sqlite3"
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return sum(p.stat().st_size for p in data.glob("jixiao.sqlite3*"))


def uptime() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()


def django_setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jixiao_web.settings")
    import django

    django.setup()


# --------------------------------------------------------------------------- the load (child)


class Clock:
    """Wall and CPU seconds of each phase. The CPU seconds are this process's (the
    services, the engine and SQLite, which runs in-process; not PostgreSQL's server): on a
    shared machine the wall time grows with the other engineers' load, the CPU time much
    less, so two loads at different machine loads are compared by their CPU seconds."""

    def __init__(self) -> None:
        self.wall: dict[str, float] = {}
        self.cpu: dict[str, float] = {}
        self._wall, self._cpu = time.perf_counter(), time.process_time()

    def phase(self, name: str) -> None:
        """End the phase ``name`` (begun at the previous call, or at the start)."""
        wall, cpu = time.perf_counter(), time.process_time()
        self.wall[name] = round(wall - self._wall, 3)
        self.cpu[name] = round(cpu - self._cpu, 3)
        self._wall, self._cpu = wall, cpu
        print(
            f"  {name}: {self.wall[name]} s (CPU {self.cpu[name]} s)", file=sys.stderr, flush=True
        )

    def totals(self) -> None:
        self.wall["total"] = round(sum(self.wall.values()), 3)
        self.cpu["total"] = round(sum(self.cpu.values()), 3)


def load_province(departments: int, units: int, projects_per_unit: int) -> dict[str, Any]:
    """Fill the (migrated) database of this process's settings; seconds per phase and counts."""
    from datetime import timedelta

    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.utils import timezone

    from jixiao.synthetic import synthetic_departments
    from jixiao_web.assessment.services import issue_task
    from jixiao_web.datasets import services as datasets
    from jixiao_web.datasets.models import ROW_MODELS, Dataset
    from jixiao_web.disclosure.services import publish
    from jixiao_web.evaluation.services import evaluate_dataset
    from jixiao_web.monitor.services import issue_round
    from jixiao_web.orgs.access import Access
    from jixiao_web.orgs.models import Department, Division, Membership, Region, Role, Unit
    from jixiao_web.results.services import generate
    from jixiao_web.targets.services import create_department

    users = get_user_model().objects
    clock = Clock()
    engines = synthetic_departments(
        departments, units, projects_per_unit=projects_per_unit, execution_period=f"{YEAR}-06"
    )
    clock.phase("generate")

    region = Region.objects.create(
        code=REGION_CODE, name="合成省", level=Region.Level.PROVINCE, bureau_name="合成省财政厅"
    )
    password = make_password(PASSWORD)  # hashed once: 200 users with one password

    def user(username: str, full_name: str, role: Role, **place: Any) -> Any:
        made = users.create(username=username, first_name=full_name, password=password)
        Membership.objects.create(user=made, role=role, region=region, **place)
        return made

    bureau = user("prov-bureau", "合成省 绩效处", Role.BUREAU_ADMIN)
    user("prov-reviewer", "合成省 审核员", Role.BUREAU_REVIEWER)
    stored: list[Any] = []
    admins: list[Any] = []
    for number, engine in enumerate(engines, start=1):
        department = Department.objects.create(
            region=region, code=f"D{number:03d}", name=engine.profile.department_name
        )
        Division.objects.bulk_create(
            Division(region=region, department=department, name=d.name) for d in engine.divisions
        )
        admins.append(
            user(
                f"dept-{number:03d}",
                f"{department.name} 财务处",
                Role.DEPT_ADMIN,
                department=department,
            )
        )
        stored.append(datasets.create_dataset(department, YEAR))
    clock.phase("organisation")

    for dataset, engine in zip(stored, engines, strict=True):
        datasets.store(dataset, engine, None, "合成省基准数据")
    for number, dataset in enumerate(stored, start=1):
        first = Unit.objects.filter(department_id=dataset.department_id).order_by("code").first()
        user(
            f"clerk-{number:03d}",
            f"{first} 填报人",
            Role.UNIT_CLERK,
            department_id=dataset.department_id,
            unit=first,
        )
    clock.phase("datasets")

    for dataset in stored:
        evaluate_dataset(dataset, None)
    clock.phase("evaluations")

    for dataset, admin in zip(stored, admins, strict=True):
        generate(dataset, admin)
    clock.phase("rectifications")

    issue_task(
        access=Access.of(bureau),
        actor=bureau,
        region_id=region.pk,
        title=f"{YEAR}年度部门整体支出绩效自评（合成省）",
        year=YEAR,
        framework_id="mof-dept-2013",
        deadline=timezone.localdate() + timedelta(days=30),
        datasets=stored,
        note="合成省基准数据：请完成部门整体支出绩效自评。",
    )
    clock.phase("assessment")

    for dataset in stored:
        issue_round(
            dataset,
            f"{YEAR}-06",
            list(Unit.objects.filter(department_id=dataset.department_id)),
            timezone.localdate() + timedelta(days=30),
            bureau,
        )
    clock.phase("monitoring")

    for dataset, admin in zip(stored, admins, strict=True):
        create_department(Access.of(admin), admin, dataset.department, YEAR + 1)
    clock.phase("targets")

    for dataset in stored[::10]:
        publish(dataset, bureau, None)
    clock.phase("publish")
    clock.totals()

    counts = {
        "departments": Department.objects.filter(region=region).count(),
        "units": Unit.objects.filter(region=region).count(),
        "datasets": Dataset.objects.filter(region=region).count(),
        "projects": ROW_MODELS["projects"].objects.count(),
        "project_indicators": ROW_MODELS["project_indicators"].objects.count(),
        "execution_lines": ROW_MODELS["execution"].objects.count(),
        "dataset_rows": sum(m.objects.count() for m in ROW_MODELS.values()),
        "history_rows": sum(m.history.count() for m in ROW_MODELS.values()),
        "users": users.count(),
    }
    return {"phases_seconds": clock.wall, "phases_cpu_seconds": clock.cpu, "counts": counts}


# --------------------------------------------------------------------------- the parent


def _merged(path: Path, measured: dict[str, Any], args: argparse.Namespace) -> dict[str, Any]:
    """The results file with ``measured`` engines replaced: the engines may be loaded by
    two processes side by side (``--engine sqlite`` and ``--engine postgres``), each adding
    its own; the ratio is written once both are there for the same size."""
    size = {
        "departments": args.departments,
        "units_per_department": args.units,
        "projects_per_unit": args.projects_per_unit,
    }
    report: dict[str, Any] = {}
    if path.exists():
        report = json.loads(path.read_text("utf-8"))
        if {k: report.get(k) for k in size} != size:
            report = {}  # another size: start again
    report.update(
        {
            "benchmark": "province_db",
            "machine": f"{platform.python_implementation()} {platform.python_version()}, "
            f"{platform.machine()}, {os.cpu_count()} cores",
            **size,
            **measured,
        }
    )
    if all(e in report for e in ENGINES):
        pg, lite = report["postgres"], report["sqlite"]
        report["ratio_postgres_to_sqlite"] = {
            "load_seconds": round(
                pg["phases_seconds"]["total"] / lite["phases_seconds"]["total"], 2
            ),
            "database_size": round(pg["database_mb"] / lite["database_mb"], 2),
        }
    return report


def load_engine(
    engine: str,
    base: Path,
    departments: int,
    units: int,
    projects_per_unit: int,
    pg_database: str = "",
) -> dict[str, Any]:
    """A fresh database for ``engine``, migrated, then loaded in a child process."""
    data = data_dir(base, engine)
    shutil.rmtree(data, ignore_errors=True)
    data.mkdir(parents=True)
    if engine == "postgres":
        recreate_pg(pg_name(pg_database))
    env = environment(data, engine, pg_database)
    started = time.perf_counter()
    manage(env, "migrate", "--verbosity", "0")
    manage(env, "createcachetable")
    migrated = time.perf_counter() - started
    before = database_bytes(data, engine, pg_database)
    out = subprocess.run(
        [
            sys.executable,
            __file__,
            "--child",
            "--departments",
            str(departments),
            "--units",
            str(units),
            "--projects-per-unit",
            str(projects_per_unit),
        ],
        env=env,
        check=True,
        stdout=subprocess.PIPE,
        text=True,
    ).stdout
    result: dict[str, Any] = json.loads(out)
    size = database_bytes(data, engine, pg_database)
    result["migrate_seconds"] = round(migrated, 3)
    result["database_mb"] = round(size / 2**20, 1)
    result["empty_database_mb"] = round(before / 2**20, 1)
    result["uptime"] = uptime()
    return result


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--departments", type=int, default=100)
    parser.add_argument("--units", type=int, default=30)
    parser.add_argument("--projects-per-unit", type=int, default=34)
    parser.add_argument("--engine", choices=(*ENGINES, "both"), default="both")
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--pg-database", default="")
    parser.add_argument("--results", type=Path, default=RESULTS)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        django_setup()
        result = load_province(args.departments, args.units, args.projects_per_unit)
        print(json.dumps(result, ensure_ascii=False))
        return result
    engines = ENGINES if args.engine == "both" else (args.engine,)
    measured = {}
    for engine in engines:
        print(f"{engine}:", file=sys.stderr, flush=True)
        measured[engine] = load_engine(
            engine,
            args.data,
            args.departments,
            args.units,
            args.projects_per_unit,
            args.pg_database,
        )
    report = _merged(args.results, measured, args)
    args.results.parent.mkdir(parents=True, exist_ok=True)
    args.results.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", "utf-8")
    print(json.dumps(report, ensure_ascii=False, indent=2))
    return report


if __name__ == "__main__":
    main()
