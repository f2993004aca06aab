"""The change history of a dataset."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

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


# --------------------------------------------------------------------------- report audit


@login_required
@require_http_methods(["GET", "POST"])
def report_audit(request: HttpRequest, pk: int) -> HttpResponse:
    """Upload any report and see the engine audit's findings beside its highlighted text.

    With 与本数据集核对 (default) every figure the report states is also compared with the
    dataset's own figures. The upload is read in memory (bounded) and never stored.
    """
    from django.conf import settings

    from jixiao.figures import compute_figures
    from jixiao_web.audit import report_audit as service
    from jixiao_web.datasets.convert import to_engine

    access = access_of(request)
    dataset = access.dataset(pk)
    access.require(Action.VIEW_ALL, dataset)
    context: dict[str, object] = {"dataset": dataset, "suffixes": "、".join(service.AUDIT_SUFFIXES)}
    if request.method == "GET":
        context["crosscheck"] = True
        return render(request, "audit/report_audit.html", context)
    upload = request.FILES.get("report")
    crosscheck = request.POST.get("crosscheck") == "1"
    context["crosscheck"] = crosscheck
    if upload is None:
        context["error"] = "请选择要审核的报告文件"
        return render(request, "audit/report_audit.html", context, status=422)
    shown_name = (upload.name or "报告")[-120:]
    try:
        service.check_upload(shown_name, upload.size or 0, settings.MAX_UPLOAD_BYTES)
        data = upload.read()
        figures = compute_figures(to_engine(dataset)[0]) if crosscheck else None
        context["page"] = service.audit_report(data, shown_name, figures)
    except service.Refused as refused:
        context["error"] = str(refused)
        return render(request, "audit/report_audit.html", context, status=422)
    return render(request, "audit/report_audit.html", context)
