"""Page size and pager of the lists that grow with the province.

A list of a province (the bureau's 整改 items, datasets, target forms, monitoring rounds,
自评 sheets, published departments) is shown ``PAGE_SIZE`` rows at a time; the pager
(``core/_pager.html``) prints the count, 上一页/下一页 and keeps every other query
parameter (search, filters, sort) in its links, so a filtered list pages as filtered.
"""

from __future__ import annotations

from typing import Any

from django.core.paginator import Page, Paginator
from django.http import HttpRequest

#: Rows per page of a province's lists.
PAGE_SIZE = 50


def page_of(request: HttpRequest, items: Any, per_page: int = PAGE_SIZE) -> Page[Any]:
    """The page of ``items`` (a query set or a list) named by ``?page=`` (1 if unknown)."""
    return Paginator(items, per_page).get_page(request.GET.get("page"))
