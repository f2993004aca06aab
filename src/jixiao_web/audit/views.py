"""The change history of a dataset."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from jixiao.dataset.model import TABLES
from jixiao_web.audit.history import dataset_changes
from jixiao_web.datasets.views import access_of
from jixiao_web.orgs.access import Action


@login_required
def dataset_history(request: HttpRequest, pk: int) -> HttpResponse:
    access = access_of(request)
    dataset = access.dataset(pk)
    access.require(Action.HISTORY, dataset)
    table = request.GET.get("table", "")
    entries = dataset_changes(dataset, table if table in {t.key for t in TABLES} else "")
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "audit/dataset_history.html",
        {"dataset": dataset, "page": page, "tables": TABLES, "table": table},
    )
