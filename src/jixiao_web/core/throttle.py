"""Login throttling: after ``LOGIN_ATTEMPTS`` failures for one user name from one address,
that pair must wait ``LOGIN_PAUSE_SECONDS``. Counts live in the shared cache (the
database cache by default), so every web process sees them. Keys are hashes: neither the
name nor the address is stored or logged in clear.
"""

from __future__ import annotations

import hashlib
import logging

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

log = logging.getLogger("jixiao_web.login")


def _key(request: HttpRequest, username: str) -> str:
    address = request.META.get("REMOTE_ADDR", "")
    digest = hashlib.sha256(
        f"{settings.SECRET_KEY}|{username.strip().lower()}|{address}".encode()
    ).hexdigest()[:32]
    return f"login-failures:{digest}"


def blocked(request: HttpRequest, username: str) -> bool:
    return int(cache.get(_key(request, username), 0)) >= settings.LOGIN_ATTEMPTS


def failed(request: HttpRequest, username: str) -> None:
    key = _key(request, username)
    if cache.add(key, 1, settings.LOGIN_PAUSE_SECONDS):
        return
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, settings.LOGIN_PAUSE_SECONDS)
        return
    if count == settings.LOGIN_ATTEMPTS:
        log.warning("login paused after %s failures (key %s)", count, key.rsplit(":", 1)[1][:8])


def succeeded(request: HttpRequest, username: str) -> None:
    cache.delete(_key(request, username))
