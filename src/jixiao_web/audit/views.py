"""The change history of a dataset, the report audit of one upload, and batch audits."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from jixiao.audit.batch import REPORT_SUFFIXES
from jixiao.dataset.model import TABLES
from jixiao_web.audit.history import dataset_changes
from jixiao_web.audit.models import BatchAudit
from jixiao_web.core import jobs
from jixiao_web.core.downloads import stored_download
from jixiao_web.datasets.views import access_of
from jixiao_web.orgs.access import (
    Action,
    batch_scope,
    batches_of,
    require_batch_scopes,
)


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


# --------------------------------------------------------------------------- batch audit

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _batch_or_404(request: HttpRequest, pk: int) -> Any:
    from jixiao_web.orgs.access import batches_of, get_or_404

    return get_or_404(batches_of(access_of(request)), pk, "批量审核")


def _batch_page(
    request: HttpRequest, scope_key: str = "", error: str = "", status: int = 200
) -> HttpResponse:
    from jixiao_web.audit import batch as service

    access = access_of(request)
    scopes = require_batch_scopes(access)
    scope = batch_scope(access, scope_key)
    page = Paginator(batches_of(access), 20).get_page(request.GET.get("page"))
    return render(
        request,
        "audit/batches.html",
        {
            "scopes": scopes,
            "scope": scope,
            "years": service.years_of(access, scope),
            "page": page,
            "error": error,
            "max_files": service.MAX_FILES,
            "max_total": service.size_text(service.MAX_TOTAL_BYTES),
            "max_file": service.size_text(settings.MAX_UPLOAD_BYTES),
            "suffixes": "、".join(REPORT_SUFFIXES),
            "accept": ",".join(REPORT_SUFFIXES),
        },
        status=status,
    )


@login_required
@require_http_methods(["GET"])
def batches(request: HttpRequest) -> HttpResponse:
    """The batch audit page: upload many reports or take the generated ones; past batches."""
    return _batch_page(request, request.GET.get("scope", ""))


@login_required
@require_http_methods(["POST"])
def batch_upload(request: HttpRequest) -> HttpResponse:
    """Start a batch of uploaded reports (bounded before the body is read)."""
    from django.core.exceptions import TooManyFilesSent

    from jixiao_web.audit import batch as service

    access = access_of(request)
    require_batch_scopes(access)
    # Checked before the body is read: a too large request is refused without storing it.
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > service.MAX_TOTAL_BYTES + 1048576:  # the reports plus the form around them
        message = f"所选报告合计超过一次审核的上限 {service.size_text(service.MAX_TOTAL_BYTES)}"
        return _batch_page(request, "", message, 422)
    try:
        files = request.FILES.getlist("reports")
        scope_key = request.POST.get("scope", "")
    except TooManyFilesSent:
        message = f"一次最多审核 {service.MAX_FILES} 份报告"
        return _batch_page(request, "", message, 422)
    scope = batch_scope(access, scope_key)
    try:
        batch = service.request_upload(access, request.user, scope, files)
    except service.Refused as refused:
        return _batch_page(request, scope_key, str(refused), 422)
    return redirect("audit:batch", batch.pk)


@login_required
@require_http_methods(["POST"])
def batch_reports(request: HttpRequest) -> HttpResponse:
    """Start a batch of the generated 自评报告 of one year in the chosen scope."""
    from jixiao_web.audit import batch as service

    access = access_of(request)
    scope_key = request.POST.get("scope", "")
    scope = batch_scope(access, scope_key)
    year = request.POST.get("year", "")
    if not (year.isdigit() and len(year) == 4):
        return _batch_page(request, scope_key, "请选择年度", 422)
    try:
        batch = service.request_reports(access, request.user, scope, int(year))
    except service.Refused as refused:
        return _batch_page(request, scope_key, str(refused), 422)
    return redirect("audit:batch", batch.pk)


@login_required
@require_http_methods(["GET"])
def batch(request: HttpRequest, pk: int) -> HttpResponse:
    """One batch: its progress (htmx polls the fragment until done), then the summary table."""
    from jixiao_web.audit.batch import totals

    found = _batch_or_404(request, pk)
    if jobs.expire_stale(BatchAudit, pk=found.pk):  # its worker died: say so
        found.refresh_from_db()
    items = list(found.items.select_related("department")) if found.finished else []
    context = {"batch": found, "items": items, "totals": totals(items)}
    if getattr(request, "htmx", False):
        return render(request, "audit/_batch.html", context)
    return render(request, "audit/batch.html", context)


@login_required
@require_http_methods(["GET"])
def batch_item(request: HttpRequest, pk: int, item: int) -> HttpResponse:
    """Every finding of one report of a batch."""
    from jixiao_web.orgs.access import get_or_404

    found = _batch_or_404(request, pk)
    shown = get_or_404(found.items.all(), item, "报告")
    return render(request, "audit/batch_item.html", {"batch": found, "item": shown})


@login_required
@require_http_methods(["GET"])
def batch_export(request: HttpRequest, pk: int) -> FileResponse:
    """The summary workbook (汇总 and 问题 sheets) of a finished batch."""
    found = _batch_or_404(request, pk)
    if not found.workbook:
        raise Http404("汇总表尚未生成")
    return stored_download(
        found.workbook,
        f"批量审核汇总_{found.pk}_{timezone.localdate(found.requested_at):%Y%m%d}.xlsx",
        XLSX,
        "汇总表尚未生成",
    )
