"""Writers at once on a real SQLite file: no 500, no lost write (the soak's 500s), and the
task workers, which ended on a locked database (the soak's report job left queued).

The soak (``benchmarks/bench_soak.py``) on the SQLite province answered item saves,
uploads and transitions with 500 "database is locked": ``save_entry`` converted and
scored the department's dataset inside its transaction, and on SQLite a transaction
holds the database's one write lock from its start (``BEGIN IMMEDIATE``), so every other
writer waited past the 10 s busy timeout. ``sqlite_writers.py`` runs two writers in
their own process on the server's own SQLite file and settings; this test reads what
they saw. Nothing is timed: writer A waits, mid-read, for writer B's write, so a read
under the lock shows as B's "database is locked" whatever the machine's speed.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

SCRIPT = Path(__file__).with_name("sqlite_writers.py")


@pytest.fixture(scope="module")
def seen(tmp_path_factory: pytest.TempPathFactory) -> dict:  # type: ignore[type-arg]
    data = tmp_path_factory.mktemp("sqlite-writers")
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "JX_TEST_DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    env |= {
        "JX_DATA_DIR": str(data),
        "DJANGO_SETTINGS_MODULE": "jixiao_web.settings",
        "JX_TASKS": "database",  # report jobs go to the task worker
    }
    done = subprocess.run(
        [sys.executable, str(SCRIPT)], env=env, capture_output=True, text=True, timeout=900
    )
    assert done.returncode == 0, done.stderr[-3000:]
    result: dict = json.loads(done.stdout)  # type: ignore[type-arg]
    return result


def test_the_database_is_the_servers_sqlite_file_in_wal_mode(seen: dict) -> None:  # type: ignore[type-arg]
    assert seen["journal_mode"] == "wal"


def test_a_save_reads_the_dataset_before_taking_the_write_lock(seen: dict) -> None:  # type: ignore[type-arg]
    saved = seen["saved"]
    assert saved["row_reads"] > 0  # A did convert the dataset (the cache was empty)
    assert saved["row_reads_in_transaction"] == 0
    # B wrote while A was reading: before, B waited 10 s on the lock and got the 500
    assert saved["b"] == "ok", saved["b"]
    assert saved["a"] == "ok", saved["a"]


def test_two_saves_at_once_both_stored_once(seen: dict) -> None:  # type: ignore[type-arg]
    stored = seen["stored"]
    assert stored["1.1.7"]["reason"] == "写入B" and stored["1.1.7"]["actual"] == "50"
    # 2.1 was saved again in the second scenario; its first value is in the history
    assert seen["history"].count("写入A") == 1 and seen["history"].count("写入B") == 1
    first, last = seen["sheet_versions"]
    assert last == first + 3  # three saves, none lost


def test_a_dataset_changed_during_a_save_is_read_again(seen: dict) -> None:  # type: ignore[type-arg]
    moved = seen["moved"]
    assert moved["b"] == "ok", moved["b"]  # the edit was not blocked by the save
    assert moved["a"] == "ok", moved["a"]
    assert moved["passes"] == 2  # the items were computed from the edited dataset too
    assert moved["row_reads_in_transaction"] == 0
    assert seen["stored"]["2.1"] == {"reason": "写入A2", "score": "4", "actual": None}
    assert seen["history"].count("写入A2") == 1


@pytest.mark.parametrize("writer", ["save_row", "generate", "issue_task"])
def test_the_other_writers_do_the_engines_work_before_taking_the_write_lock(
    seen: dict,  # type: ignore[type-arg]
    writer: str,
) -> None:
    """A row edit (checked by the engine), 生成整改事项 (an evaluation) and 下发自评任务
    (each dataset scored) did that work inside their transaction, holding SQLite's one
    write lock for seconds; now before it, and another writer writes meanwhile."""
    race = seen["writers"][writer]
    assert race["passes"] > 0  # A did read a whole dataset (the cache was empty)
    assert race["passes_in_transaction"] == 0
    assert race["b"] == "ok", race["b"]
    assert race["a"] == "ok", race["a"]


def test_a_row_edit_of_a_dataset_changed_meanwhile_is_checked_again(seen: dict) -> None:  # type: ignore[type-arg]
    race = seen["writers"]["save_row_moved"]
    assert race["b"] == "ok" and race["a"] == "ok", race
    assert race["passes"] == 2 and race["passes_in_transaction"] == 0


def test_the_task_worker_outlives_a_locked_database_and_does_the_next_job(seen: dict) -> None:  # type: ignore[type-arg]
    """The soak's queued report job: both ``db_worker`` processes had ended on a claim that
    waited past the busy timeout; ``task_worker`` waits it out and takes the next job."""
    worker = seen["worker"]
    assert worker["waited_out"], worker["log"]  # the worker did meet the lock
    assert worker["alive_after_lock"], worker["log"]
    assert worker["done"] and worker["job_files"] == 1, worker
