"""The header's inbox badge."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from jixiao_web.workflow.services import unread_count


def inbox_badge(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"inbox_count": unread_count(user)}
