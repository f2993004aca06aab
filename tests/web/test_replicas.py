"""Read replicas: read-only pages may read from a replica; writes, transactions, pages right
after a write, workers and commands read the primary (``jixiao_web/core/routers.py``).

The end-to-end case runs Django in a child process configured with ``JX_REPLICA_URLS``
pointing at a second connection to the same SQLite file (a replica with no lag), so the
connections are real and each query is counted on the alias that ran it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

# Runs in the child: migrate, make a user, log in, then count queries per alias for a
# read-only page, a write, and a read-only page right after the write.
_SCRIPT = r"""
import json, django
django.setup()
from django.core.management import call_command
from django.db import connections
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.contrib.auth import get_user_model

call_command("migrate", verbosity=0)
call_command("createcachetable", verbosity=0)
get_user_model().objects.create_user("clerk", password="pw-0123456789")

def counted(do):
    with CaptureQueriesContext(connections["default"]) as primary, \
         CaptureQueriesContext(connections["replica_1"]) as replica:
        status = do()
    return {"status": status, "primary": len(primary), "replica": len(replica)}

fresh = Client()
fresh.force_login(get_user_model().objects.get(username="clerk"))
reader = Client()
reader.cookies = fresh.cookies
result = {
    "read": counted(lambda: reader.get("/inbox/").status_code),
    "write": counted(lambda: reader.post("/accounts/logout/").status_code),
}
result["read_after_write"] = counted(lambda: reader.get("/accounts/login/").status_code)
after = Client()
result["read_fresh_browser"] = counted(lambda: after.get("/accounts/login/").status_code)
print("RESULT " + json.dumps(result))
"""


@pytest.mark.slow
def test_read_only_pages_read_the_replica_and_writes_pin_the_primary(tmp_path: Path) -> None:
    database = tmp_path / "primary.sqlite3"
    env = {
        **os.environ,
        "JX_DATA_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{database}",
        "JX_REPLICA_URLS": f"sqlite:///{database}",
        "DJANGO_SETTINGS_MODULE": "jixiao_web.settings",
        "JX_TASKS": "immediate",
        "JX_ALLOWED_HOSTS": "testserver",
    }
    env.pop("JX_TEST_DATABASE_URL", None)
    done = subprocess.run(
        [sys.executable, "-c", _SCRIPT], env=env, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr[-3000:]
    line = next(x for x in done.stdout.splitlines() if x.startswith("RESULT "))
    result = json.loads(line.removeprefix("RESULT "))

    # A read-only page of a logged-in user: the session, the user, the page — all replica.
    assert result["read"]["status"] == 200
    assert result["read"]["replica"] > 0 and result["read"]["primary"] == 0
    # A write (log out): everything on the primary.
    assert result["write"]["replica"] == 0 and result["write"]["primary"] > 0
    # The same browser right after writing: still the primary (the replica may lag).
    assert result["read_after_write"]["status"] == 200
    assert result["read_after_write"]["replica"] == 0
    # Another browser that never wrote: the replica.
    assert result["read_fresh_browser"]["status"] == 200
    assert result["read_fresh_browser"]["primary"] == 0


def test_without_replicas_there_is_no_router() -> None:
    from django.conf import settings

    assert not [alias for alias in settings.DATABASES if alias.startswith("replica_")]
    assert not getattr(settings, "DATABASE_ROUTERS", [])
