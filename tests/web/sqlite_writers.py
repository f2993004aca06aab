"""Two writers at once on a real SQLite file (WAL), run by ``test_sqlite_writers.py``.

Run as its own process (``python tests/web/sqlite_writers.py``) with ``JX_DATA_DIR`` set,
``JX_TASKS=database`` and no ``DATABASE_URL``: the database is the file ``jixiao serve`` uses, with the server's
settings (WAL, ``BEGIN IMMEDIATE``, the 10 s busy timeout) — not the test suite's
in-memory database, where threads share one connection's cache and SQLite's file lock
never comes into play. It migrates, loads the demo, and runs the scenarios of the
soak's 500s, printing what each writer saw as JSON.

The writers are two threads, each with its own connection. Writer A saves an item of
the demo's 自评表 (or edits a row, generates the 整改 items, issues a 自评任务); at its first
read of the department dataset's rows (converting or checking it for the engine) it
stops until writer B has done its write. If A read its rows inside its
write transaction, B waits on SQLite's lock for the busy timeout and fails with
"database is locked" (what the soak's users got as a 500); if A reads before its
transaction, B writes at once.

Then the task worker (``jixiao manage task_worker``, django-tasks-db's ``db_worker`` kept
alive): another connection holds the write lock until the worker has waited past the busy
timeout for it (its log says so) — ``db_worker`` left its loop there and the process
ended, so the soak's report jobs stayed queued — then a report job is asked for and must
be done by that same worker.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

#: How long a writer waits for the other's signal (far above any step here).
WAIT_SECONDS = 120.0


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jixiao_web.settings")
    import django

    django.setup()
    from django.core.management import call_command

    from jixiao_web.orgs.demo import load_demo

    call_command("migrate", interactive=False, verbosity=0)
    call_command("createcachetable", verbosity=0)
    load_demo()


def _sheet() -> Any:
    from jixiao_web.assessment.models import ScoreSheet

    return ScoreSheet.objects.select_related("task", "dataset").get(
        task__title="2023年度部门整体支出绩效自评"
    )


def _clerk() -> tuple[Any, Any]:
    from django.contrib.auth import get_user_model

    from jixiao_web.orgs.access import Access

    clerk = get_user_model().objects.get(username="unit-clerk")
    return Access.of(clerk), clerk


def _row_tables() -> tuple[str, ...]:
    from jixiao_web.datasets.models import ROW_MODELS

    return tuple(model._meta.db_table for model in ROW_MODELS.values())


def _outcome(action: Callable[[], Any]) -> str:
    """``ok`` or the error's type and first line: what a request would have answered."""
    from django.db import connection

    try:
        action()
    except Exception as error:  # reported to the test, which names it
        return f"{type(error).__name__}: {str(error).splitlines()[0] if str(error) else ''}"
    finally:
        connection.close()
    return "ok"


def race(b_write: Callable[[], Any], a_code: str, a_data: dict[str, str]) -> dict[str, Any]:
    """Writer A saves ``a_code``; B runs ``b_write`` while A reads the dataset's rows."""
    from jixiao_web.assessment import services

    access, clerk = _clerk()
    return race_writers(
        b_write,
        lambda: services.save_entry(_sheet(), a_code, a_data, access=access, actor=clerk),
    )


def race_writers(b_write: Callable[[], Any], a_write: Callable[[], Any]) -> dict[str, Any]:
    """A runs ``a_write``; B runs ``b_write`` while A reads a whole dataset's rows (its
    first read of the first row table, as a conversion or a check starts). ``passes_in_transaction``: conversions or checks of a whole
    dataset (reads of its first table) inside A's write transaction — the engine's work
    under the lock."""
    from django.core.cache import cache
    from django.db import connection

    cache.clear()  # A computes the items (it reads the rows), as on a first save
    connection.close()
    tables = _row_tables()
    reading, written = threading.Event(), threading.Event()
    seen: dict[str, Any] = {
        "row_reads": 0,
        "row_reads_in_transaction": 0,
        "passes": 0,
        "passes_in_transaction": 0,
    }

    def hook(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        if sql.lstrip().upper().startswith("SELECT") and any(f'"{t}"' in sql for t in tables):
            seen["row_reads"] += 1
            if context["connection"].in_atomic_block:
                seen["row_reads_in_transaction"] += 1
            if f'"{tables[0]}"' in sql:  # the first table of a conversion: one pass
                seen["passes"] += 1
                if context["connection"].in_atomic_block:
                    seen["passes_in_transaction"] += 1
                if not reading.is_set():  # A is reading a whole dataset: B writes now
                    reading.set()
                    written.wait(WAIT_SECONDS)
        return execute(sql, params, many, context)

    def writer_a() -> None:
        with connection.execute_wrapper(hook):
            seen["a"] = _outcome(a_write)
        reading.set()  # in case A never read a row (B must not wait for nothing)

    def writer_b() -> None:
        reading.wait(WAIT_SECONDS)
        seen["b"] = _outcome(b_write)
        written.set()

    threads = [threading.Thread(target=writer_a), threading.Thread(target=writer_b)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return seen


def worker_after_a_lock(command: str) -> dict[str, Any]:
    """Start ``command`` (a task worker), hold the write lock past its busy timeout, then
    ask for a report job: is the worker still there, and does it do the job?"""
    from django.conf import settings

    from jixiao_web.datasets.models import Dataset
    from jixiao_web.evaluation.models import ReportJob
    from jixiao_web.evaluation.reports import request_reports

    log = Path(settings.DATA_DIR) / f"{command}.log"
    argv = [sys.executable, "-m", "jixiao", "manage", command, "--queue-name", "*"]
    argv += ["--no-reload", "--no-startup-delay", "--interval", "0.2"]
    result: dict[str, Any] = {}
    with log.open("wb") as out:
        worker = subprocess.Popen(argv, stdout=out, stderr=subprocess.STDOUT)
        try:
            # the lock as any writer takes it; held until the worker has waited it out
            holder = sqlite3.connect(settings.DATABASES["default"]["NAME"], timeout=60)
            holder.execute("BEGIN IMMEDIATE")
            deadline = time.monotonic() + WAIT_SECONDS
            while time.monotonic() < deadline and worker.poll() is None:
                if "database is locked" in log.read_text("utf-8", "replace"):
                    break
                time.sleep(0.2)
            holder.rollback()
            holder.close()
            result["waited_out"] = "database is locked" in log.read_text("utf-8", "replace")
            time.sleep(1)  # a worker that ended is seen as ended
            result["alive_after_lock"] = worker.poll() is None
            dataset = Dataset.objects.get(department__name="广东省科学技术厅", year=2023)
            job = request_reports(dataset, None, ["html"], [])
            deadline = time.monotonic() + WAIT_SECONDS * 3
            while time.monotonic() < deadline and worker.poll() is None:
                job.refresh_from_db()
                if job.finished_at is not None:
                    break
                time.sleep(0.5)
            job.refresh_from_db()
            result["job"] = str(job.status)
            result["job_files"] = job.files.count()
            result["done"] = job.status == ReportJob.Status.DONE
        finally:
            if worker.poll() is None:
                worker.send_signal(2)  # SIGINT: the worker's Ctrl-C
                try:
                    worker.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    worker.kill()
                    worker.wait()
    result["log"] = log.read_text("utf-8", "replace")[-2000:]
    return result


def _row_edit(dataset_name: str, note: str) -> Callable[[], Any]:
    """A 收入 row's 差异说明 changed through ``datasets.services.save_row``."""

    def edit() -> Any:
        from django.contrib.auth import get_user_model

        from jixiao.dataset.model import TABLES_BY_KEY
        from jixiao_web.datasets import services as datasets
        from jixiao_web.datasets.models import ROW_MODELS, Dataset
        from jixiao_web.orgs.access import Access
        from jixiao_web.orgs.models import Membership, Role

        dataset = Dataset.objects.get(department__name=dataset_name, year=2023)
        row = ROW_MODELS["income"].objects.filter(dataset=dataset).order_by("position").first()
        # the department's administrator (the demo has one for 科技厅 only)
        admin, _ = get_user_model().objects.get_or_create(username=f"admin-{dataset.pk}")
        Membership.objects.get_or_create(
            user=admin,
            role=Role.DEPT_ADMIN,
            region_id=dataset.region_id,
            department_id=dataset.department_id,
        )
        values = datasets.form_values(TABLES_BY_KEY["income"], row)
        values["note"] = note
        return datasets.save_row(
            Access.of(admin), admin, dataset, "income", values, row_id=row.pk, version=row.version
        )

    return edit


def other_writers() -> dict[str, Any]:
    """The other writers that did the engine's work under the lock: a row edit (the edit
    checked by the engine), 生成整改事项 (an evaluation), 下发自评任务 (every dataset scored).
    Each is writer A, against a row edit of another department as writer B."""
    from datetime import timedelta

    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from jixiao_web.assessment import services as assessment
    from jixiao_web.datasets.models import Dataset
    from jixiao_web.orgs.access import Access
    from jixiao_web.orgs.demo import SYNTHETIC_NAME
    from jixiao_web.results import services as results

    science = "广东省科学技术厅"
    bureau = get_user_model().objects.get(username="bureau-admin")

    def dataset() -> Any:
        return Dataset.objects.get(department__name=science, year=2023)

    def issue() -> Any:
        return assessment.issue_task(
            access=Access.of(bureau),
            actor=bureau,
            region_id=dataset().region_id,
            title="并发下发",
            year=2023,
            framework_id="mof-dept-2013",
            deadline=timezone.localdate() + timedelta(days=30),
            datasets=[dataset()],
        )

    other = _row_edit(SYNTHETIC_NAME, "写入B")
    seen = {
        "save_row": race_writers(other, _row_edit(science, "写入A")),
        "generate": race_writers(other, lambda: results.generate(dataset(), bureau)),
        "issue_task": race_writers(other, issue),
    }

    # the dataset edited (its version bumped) while a row edit is checked: checked again
    def bump() -> None:
        from django.db.models import F

        Dataset.objects.filter(pk=dataset().pk).update(version=F("version") + 1)

    seen["save_row_moved"] = race_writers(bump, _row_edit(science, "写入A2"))
    return seen


def main() -> dict[str, Any]:
    _setup()
    from django.db import connection
    from django.db.models import F

    from jixiao_web.assessment import services
    from jixiao_web.assessment.models import ScoreEntry
    from jixiao_web.datasets.models import Dataset

    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        journal = cursor.fetchone()[0]
    access, clerk = _clerk()
    sheet = _sheet()
    start = sheet.version

    # 1. two people save two items of the same sheet at once
    saved = race(
        lambda: services.save_entry(
            _sheet(), "1.1.7", {"actual": "50", "reason": "写入B"}, access=access, actor=clerk
        ),
        "2.1",
        {"score": "4.5", "reason": "写入A"},
    )

    # 2. the dataset is edited while a save computes its items: the save computes them again
    def edit_dataset() -> None:
        Dataset.objects.filter(pk=sheet.dataset_id).update(version=F("version") + 1)

    moved = race(edit_dataset, "2.1", {"score": "4", "reason": "写入A2"})

    entries = {e.code: e for e in ScoreEntry.objects.filter(sheet=sheet, code__in=["1.1.7", "2.1"])}
    history = list(
        ScoreEntry.history.filter(sheet_id=sheet.pk, reason__startswith="写入").values_list(
            "reason", flat=True
        )
    )
    stored = {
        code: {
            "reason": e.reason,
            "score": None if e.score is None else str(e.score),
            "actual": None if e.actual is None else str(e.actual),
        }
        for code, e in entries.items()
    }
    versions = [start, _sheet().version]
    return {
        "journal_mode": journal,
        "writers": other_writers(),
        "saved": saved,
        "moved": moved,
        "stored": stored,
        "history": sorted(history),
        "sheet_versions": versions,
        "worker": worker_after_a_lock(os.environ.get("JX_TEST_WORKER", "task_worker")),
    }


if __name__ == "__main__":
    json.dump(main(), sys.stdout, ensure_ascii=False)
