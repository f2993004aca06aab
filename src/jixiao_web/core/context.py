"""Template context every page gets: the user's roles, for the header."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest


def navigation(request: HttpRequest) -> dict[str, Any]:
    access = getattr(request, "access", None)
    memberships = access.memberships if access is not None else ()
    return {"memberships": memberships}
