"""``jixiao manage task_worker``: django-tasks-db's ``db_worker`` that outlives a busy SQLite.

django-tasks-db (0.13, and its main branch) claims a task in a transaction that on SQLite
starts with ``BEGIN EXCLUSIVE``. It ignores "database is locked" inside that transaction
but not at its ``BEGIN``: a worker that waits past the busy timeout for another writer's
lock leaves its loop with the error and the process ends. In the soak on the SQLite
province both task workers ended so, and every report job asked for afterwards stayed
“排队中” for good. This worker starts its loop again after such a wait — and after nothing
else: any other error still ends it, as ``db_worker`` does. Options are ``db_worker``'s.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from django.db import connections
from django.db.utils import OperationalError
from django_tasks_db.management.commands import db_worker
from django_tasks_db.utils import is_locked_database_exception

logger = logging.getLogger("jixiao_web.tasks")


class Worker(db_worker.Worker):
    def run(self) -> None:
        while True:
            try:
                super().run()
                return
            except OperationalError as error:
                if not self.running or not is_locked_database_exception(error):
                    raise
                # The failed BEGIN left no transaction open; a fresh connection all the same.
                connections.close_all()
                logger.warning("任务进程：数据库忙（%s），稍后重新领取任务", error)
                time.sleep(max(self.interval, 0.5))


class Command(db_worker.Command):
    help = "Run a database background worker that survives a locked SQLite database"

    def handle(self, *args: Any, **options: Any) -> None:
        # ``db_worker.Command.handle`` builds its worker by this module-level name; the
        # command runs in a process of its own, so the swap affects nothing else.
        original = db_worker.Worker
        db_worker.Worker = Worker  # type: ignore[misc]
        try:
            super().handle(*args, **options)
        finally:
            db_worker.Worker = original  # type: ignore[misc]
