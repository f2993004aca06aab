"""Web system tests: Django set up on a private data folder, the demo loaded once per run.

The database is SQLite in memory unless ``JX_TEST_DATABASE_URL`` names another (``.ci/run``
runs the database tests a second time on PostgreSQL with it). Tasks run immediately
in the request (``JX_TASKS=immediate``) except where a test starts a real worker.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from typing import Any

import pytest

_DATA = tempfile.mkdtemp(prefix="jixiao-web-test-")
os.environ["JX_DATA_DIR"] = _DATA
os.environ.setdefault("JX_SECRET_KEY", "test-secret-key-not-for-production-0123456789abcdef")
os.environ["JX_TASKS"] = "immediate"
os.environ.pop("DATABASE_URL", None)
if os.environ.get("JX_TEST_DATABASE_URL"):
    os.environ["DATABASE_URL"] = os.environ["JX_TEST_DATABASE_URL"]
os.environ["DJANGO_SETTINGS_MODULE"] = "jixiao_web.settings"

import django  # noqa: E402

django.setup()

# The browser fixtures (a live ``jixiao serve --demo``, one Chromium, fresh pages) are
# registered here, once for the whole folder: imported into each test module instead,
# every module got its own session-scoped Playwright, and Playwright's sync API refuses a
# second one in the same thread. Test modules use them by name and import only helpers.
from browser import chromium, new_page, served  # noqa: E402, F401

from jixiao_web.orgs.demo import PASSWORD  # noqa: E402


@pytest.fixture(autouse=True)
def _fast_passwords(settings: Any) -> None:
    # Django's PBKDF2 costs ~0.3 s per login; the hash is not what these tests test.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: Any, django_db_blocker: Any) -> Iterator[None]:
    """The demo (广东省科学技术厅 2023 + 合成示范厅) and an outsider, once per test run."""
    from django.conf import settings
    from django.core.management import call_command

    with django_db_blocker.unblock():
        hashers = settings.PASSWORD_HASHERS
        settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
        try:
            call_command("createcachetable", verbosity=0)
            from jixiao_web.orgs.demo import load_demo

            load_demo()
            _outsider()
            _report_job()
        finally:
            settings.PASSWORD_HASHERS = hashers
    yield


def _report_job() -> None:
    """One generated report (HTML) of the 科技厅 dataset, for the views that show one."""
    from jixiao_web.datasets.models import Dataset
    from jixiao_web.evaluation.reports import generate_reports, request_reports

    science = Dataset.objects.get(department__name="广东省科学技术厅", year=2023)
    job = request_reports(science, None, ["html"], [])
    generate_reports.call(job.pk)


def _outsider() -> None:
    """A department administrator in another region: must see nothing of 广东省."""
    from django.contrib.auth import get_user_model

    from jixiao_web.orgs.models import Department, Membership, Region, Role

    region = Region.objects.create(code="110000", name="北京市", level=Region.Level.PROVINCE)
    department = Department.objects.create(region=region, code="001", name="北京市某局")
    user = get_user_model().objects.create_user("outsider", password=PASSWORD)
    Membership.objects.create(user=user, role=Role.DEPT_ADMIN, region=region, department=department)


@pytest.fixture
def login(client: Any) -> Any:
    """``login("dept-admin")`` → the test client, logged in as that persona."""

    def _login(username: str) -> Any:
        from django.contrib.auth import get_user_model

        client.force_login(get_user_model().objects.get(username=username))
        return client

    return _login


@pytest.fixture
def science(db: Any) -> Any:
    from jixiao_web.datasets.models import Dataset

    return Dataset.objects.get(department__name="广东省科学技术厅", year=2023)


@pytest.fixture
def synthetic(db: Any) -> Any:
    from jixiao_web.datasets.models import Dataset
    from jixiao_web.orgs.demo import SYNTHETIC_NAME

    return Dataset.objects.get(department__name=SYNTHETIC_NAME)
