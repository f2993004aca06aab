"""A value computed once for everyone asking at the same time (``core/once.py``).

50 users opening a cold 整改 or 自评任务 page each computed the same engine result and the
server timed out. Here two threads ask for one key at once, in the same process's cache
(the local-memory cache: the database cache's rows are not shared between a test's
transaction and another thread); the second must get the first's value without computing.
"""

from __future__ import annotations

import threading
from typing import Any

import pytest

from jixiao_web.core.once import cached_once

LOCAL = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}


def test_the_second_caller_waits_for_the_first_callers_value(settings: Any) -> None:
    settings.CACHES = LOCAL
    started, release = threading.Event(), threading.Event()
    calls: list[str] = []
    seen: dict[str, Any] = {}

    def first() -> tuple[str, bool]:
        calls.append("first")
        started.set()
        release.wait(30)
        return "算一次", True

    def second() -> tuple[str, bool]:
        calls.append("second")
        return "又算一次", True

    def ask(name: str, compute: Any) -> None:
        seen[name] = cached_once("once-test", compute, 60, wait=30)

    a = threading.Thread(target=ask, args=("a", first))
    a.start()
    assert started.wait(30)
    b = threading.Thread(target=ask, args=("b", second))
    b.start()
    b.join(1.5)  # b is waiting (polling), not computing
    assert b.is_alive() and calls == ["first"]
    release.set()
    a.join(30)
    b.join(30)
    assert seen == {"a": "算一次", "b": "算一次"} and calls == ["first"]


def test_a_value_not_kept_is_computed_again_and_a_failure_frees_the_key(settings: Any) -> None:
    settings.CACHES = LOCAL
    calls: list[int] = []

    def changed_meanwhile() -> tuple[int, bool]:
        calls.append(1)
        return len(calls), False  # e.g. the dataset moved while it was read

    assert cached_once("once-kept", changed_meanwhile, 60) == 1
    assert cached_once("once-kept", changed_meanwhile, 60) == 2

    def broken() -> tuple[int, bool]:
        raise RuntimeError("引擎出错")

    with pytest.raises(RuntimeError):
        cached_once("once-broken", broken, 60)
    # the next caller does not wait for the failed one: it computes at once
    assert cached_once("once-broken", lambda: (7, True), 60, wait=30) == 7
