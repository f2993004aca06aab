"""schemathesis against the API's own OpenAPI document, through the WSGI app, fixed seed.

Every operation is called with generated parameters (valid and invalid) and a working
token; each answer must be documented (status code, content type, body shape) and never
a server error. Few examples per operation keep it bounded; ``derandomize`` and the seed
make a run repeat exactly. (The operations are walked in the test rather than through
``schemathesis.pytest.from_fixture``, whose collection hook fails on this pytest.)
"""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, given, seed, settings

pytestmark = pytest.mark.django_db

EXAMPLES = 15


def test_the_api_keeps_its_documented_contract(db: Any) -> None:
    from django.contrib.auth import get_user_model

    from jixiao_web.api import tokens
    from jixiao_web.wsgi import application

    user = get_user_model().objects.get(username="bureau-admin")
    headers = {"Authorization": f"Bearer {tokens.create(user, 'schemathesis')[1]}"}
    # Django's test client does the same: a request must not close the test's connection
    # (the WSGI handler does at request end; on PostgreSQL that ends the test transaction).
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        _run(application, headers)
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def _run(application: Any, headers: dict[str, str]) -> None:
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", application)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == 6
    for operation in operations:

        @given(case=operation.as_strategy())
        @seed(20261204)
        @settings(
            max_examples=EXAMPLES,
            derandomize=True,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def check(case: Any) -> None:
            case.call_and_validate(headers=headers)

        check()
