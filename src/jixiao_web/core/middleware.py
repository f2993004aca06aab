"""Small request/response rules that apply to every page."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from jixiao_web.orgs.access import Access


class NoStoreMiddleware:
    """Attach the user's :class:`Access` to the request; never let a browser or proxy
    cache a page that shows someone's data (a shared office PC, a back button)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.access = Access.of(request.user)  # type: ignore[attr-defined]
        response = self.get_response(request)
        if request.user.is_authenticated and not request.path.startswith("/static/"):
            response.headers.setdefault("Cache-Control", "no-store")
        return response
