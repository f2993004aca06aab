"""Evaluation pages: the summary on the dataset page, findings, scorecard, figures, reports.

Thin views over :mod:`.services` and :mod:`.reports`; every object comes through
``request.access`` (404 outside the user's scope, 403 for an action the role lacks).
Results are read from the stored evaluation, never recomputed on a page.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from jixiao.dataset.model import TABLES_BY_KEY
from jixiao.findings import SEVERITY_LABELS
from jixiao.reports.render import RENDERERS
from jixiao_web.core import jobs as job_records
from jixiao_web.core.downloads import stored_download
from jixiao_web.datasets.models import ROW_MODELS, Dataset
from jixiao_web.datasets.views import PAGE_SIZE, access_of
from jixiao_web.evaluation import reports, services
from jixiao_web.evaluation.models import (
    Evaluation,
    ReportFile,
    ReportJob,
    StoredFinding,
)
from jixiao_web.orgs.access import Access, Action

FINDINGS_PER_PAGE = 50

#: How the findings list may be sorted: the parameter → the order.
FINDING_SORTS: dict[str, tuple[str, list[str]]] = {
    "severity": ("按级别", ["rank", "position"]),
    "place": ("按位置", ["row_table", "row_id", "position"]),
    "code": ("按类别", ["code", "position"]),
    "order": ("按检查顺序", ["position"]),
}


def summary_context(access: Access, dataset: Dataset) -> dict[str, Any]:
    """What the dataset page shows of the evaluation (nothing for a unit's clerk)."""
    if not access.allows(Action.VIEW_ALL, dataset):
        return {}
    evaluation = services.latest(dataset)
    return {
        "evaluation": evaluation,
        "evaluation_stale": evaluation is not None
        and evaluation.dataset_version != dataset.version,
        "top_findings": (
            list(evaluation.findings.order_by("rank", "position")[:5]) if evaluation else []
        ),
        "can_evaluate": access.allows(Action.EVALUATE, dataset),
        "can_report": access.allows(Action.REPORT, dataset),
        "last_job": dataset.report_jobs.first(),
    }


def _evaluation_or_404(dataset: Dataset, request: HttpRequest) -> Evaluation:
    """The evaluation ``?run=`` names (of this dataset), or the latest one."""
    runs = Evaluation.objects.filter(dataset=dataset)
    run = request.GET.get("run", "")
    evaluation = (
        runs.filter(pk=int(run)).first()
        if run.isdigit() and len(run) < 12
        else runs.order_by("-created_at", "-pk").first()
    )
    if evaluation is None:
        raise Http404("该数据集还没有评价结果")
    return evaluation


# --------------------------------------------------------------------------- evaluate


@login_required
@require_POST
def evaluate(request: HttpRequest, pk: int) -> HttpResponse:
    access = access_of(request)
    dataset = access.dataset(pk)
    access.require(Action.EVALUATE, dataset)
    evaluation = services.evaluate_dataset(dataset, request.user)  # type: ignore[arg-type]
    messages.success(
        request,
        f"评价完成：{_score_text(evaluation)}，错误 {evaluation.errors} 项、"
        f"警告 {evaluation.warnings} 项、提示 {evaluation.infos} 项",
    )
    return redirect("evaluation:detail", dataset.pk)


def _score_text(evaluation: Evaluation) -> str:
    if evaluation.total:
        grade = (
            f"（{evaluation.grade_label}）"
            if evaluation.grade_label
            else "（评分不完整，不定等级）"
        )
        return f"总分 {evaluation.total} 分{grade}"
    return "未按框架评分"


# --------------------------------------------------------------------------- results


def finding_link(
    access: Access, dataset: Dataset, finding: StoredFinding, editable: set[str]
) -> str:
    """Where a finding's row (and field) is: its edit form at the field for those who may
    edit it, otherwise its line in the table (the page it is on)."""
    if not finding.row_table or finding.row_table not in TABLES_BY_KEY:
        if finding.score_code:
            return f"#score-{finding.score_code}"
        return ""
    spec = TABLES_BY_KEY[finding.row_table]
    if finding.row_id is None:
        return reverse("datasets:table", args=[dataset.pk, spec.key])
    if spec.key in editable:
        url = reverse("datasets:row_edit", args=[dataset.pk, spec.key, finding.row_id])
        return f"{url}#f-{finding.row_column}" if finding.row_column else url
    position = (
        ROW_MODELS[spec.key]
        .objects.filter(dataset=dataset, pk=finding.row_id)
        .values_list("position", flat=True)
        .first()
    )
    url = reverse("datasets:table", args=[dataset.pk, spec.key])
    page = (position // PAGE_SIZE) + 1 if position is not None else 1
    return f"{url}?page={page}#row-{finding.row_id}"


def _filtered(
    findings: QuerySet[StoredFinding], request: HttpRequest
) -> tuple[QuerySet[StoredFinding], dict[str, str]]:
    chosen = {
        "severity": request.GET.get("severity", ""),
        "table": request.GET.get("table", ""),
        "q": request.GET.get("q", "").strip()[:100],
        "sort": request.GET.get("sort", ""),
    }
    if chosen["severity"] in {s.value for s in SEVERITY_LABELS}:
        findings = findings.filter(severity=chosen["severity"])
    else:
        chosen["severity"] = ""
    if chosen["table"] in TABLES_BY_KEY:
        findings = findings.filter(row_table=chosen["table"])
    elif chosen["table"] == "scorecard":
        findings = findings.exclude(score_code="")
    else:
        chosen["table"] = ""
    if chosen["q"]:
        q = chosen["q"]
        from jixiao.evaluation import finding_codes_titled

        findings = findings.filter(
            Q(message__icontains=q)
            | Q(code__icontains=q)
            | Q(code__in=finding_codes_titled(q))
            | Q(place__icontains=q)
        )
    if chosen["sort"] not in FINDING_SORTS:
        chosen["sort"] = "severity"
    return findings.order_by(*FINDING_SORTS[chosen["sort"]][1]), chosen


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The stored evaluation: score, grade, findings (filter, sort, search), scorecard."""
    access = access_of(request)
    dataset = access.dataset(pk)
    access.require(Action.VIEW_ALL, dataset)
    evaluation = _evaluation_or_404(dataset, request)
    findings, chosen = _filtered(evaluation.findings.all(), request)
    page = Paginator(findings, FINDINGS_PER_PAGE).get_page(request.GET.get("page"))
    editable = access.editable_tables(dataset)
    rows = [
        {"finding": f, "link": finding_link(access, dataset, f, editable)} for f in page.object_list
    ]
    tables = sorted(
        {t for t in evaluation.findings.values_list("row_table", flat=True) if t in TABLES_BY_KEY},
        key=list(TABLES_BY_KEY).index,
    )
    kept = {k: v for k, v in chosen.items() if v and k != "sort"}
    items = list(evaluation.items.all())
    chart = [
        {"name": i.name, "points": i.points or "0", "score": i.score or "0"}
        for i in items
        if i.level == 1
    ]
    return render(
        request,
        "evaluation/detail.html",
        {
            "dataset": dataset,
            "evaluation": evaluation,
            "stale": evaluation.dataset_version != dataset.version,
            "rows": rows,
            "page": page,
            "chosen": chosen,
            "severities": [(s.value, label) for s, label in SEVERITY_LABELS.items()],
            "tables": [(t, TABLES_BY_KEY[t].sheet) for t in tables],
            "sorts": [(key, label) for key, (label, _) in FINDING_SORTS.items()],
            "query": urlencode(kept),
            "page_query": urlencode({**kept, "sort": chosen["sort"]}),
            "items": items,
            "chart": chart,
            "runs": Evaluation.objects.filter(dataset=dataset).order_by("-created_at", "-pk")[:10],
            "can_evaluate": access.allows(Action.EVALUATE, dataset),
            "can_report": access.allows(Action.REPORT, dataset),
        },
    )


@login_required
def figures(request: HttpRequest, pk: int) -> HttpResponse:
    """Every figure of the stored evaluation, with its formula and inputs (searchable)."""
    access = access_of(request)
    dataset = access.dataset(pk)
    access.require(Action.VIEW_ALL, dataset)
    evaluation = _evaluation_or_404(dataset, request)
    q = request.GET.get("q", "").strip()[:100]
    shown = evaluation.figures.all()
    if q:
        shown = shown.filter(Q(label__icontains=q) | Q(figure_id__icontains=q))
    sort = request.GET.get("sort", "")
    orders = {"label": ["label", "position"], "id": ["figure_id"], "": ["position"]}
    shown = shown.order_by(*orders.get(sort, ["position"]))
    page = Paginator(shown, 100).get_page(request.GET.get("page"))
    return render(
        request,
        "evaluation/figures.html",
        {
            "dataset": dataset,
            "evaluation": evaluation,
            "page": page,
            "q": q,
            "sort": sort if sort in orders else "",
            "query": urlencode({k: v for k, v in {"q": q, "sort": sort}.items() if v}),
        },
    )


# --------------------------------------------------------------------------- reports


def _job_or_404(access: Access, job_id: int) -> ReportJob:
    job = ReportJob.objects.filter(pk=job_id).only("pk", "dataset_id").first()
    if job is None:
        raise Http404("没有这个报告任务")
    dataset = access.dataset(job.dataset_id)  # 404 outside the user's scope
    access.require(Action.VIEW_ALL, dataset)
    return ReportJob.objects.select_related("dataset__department", "requested_by").get(pk=job_id)


@login_required
@require_http_methods(["GET", "POST"])
def report_list(request: HttpRequest, pk: int) -> HttpResponse:
    """The dataset's report jobs (filter by status, search by requester) and the request form."""
    access = access_of(request)
    dataset = access.dataset(pk)
    access.require(Action.VIEW_ALL, dataset)
    can_report = access.allows(Action.REPORT, dataset)
    error = ""
    if request.method == "POST":
        access.require(Action.REPORT, dataset)
        try:
            job = reports.request_reports(
                dataset,
                request.user,  # type: ignore[arg-type]
                request.POST.getlist("formats"),
                request.POST.getlist("review_formats"),
            )
        except reports.BadRequest as refused:
            error = str(refused)
        else:
            return redirect("evaluation:report_job", job.pk)
    job_records.expire_stale(ReportJob, dataset=dataset)
    # a 自评表's reports (``source``) are listed on that sheet's page
    jobs = dataset.report_jobs.filter(source="").select_related("requested_by")
    jobs = jobs.prefetch_related("files")
    status = request.GET.get("status", "")
    if status in ReportJob.Status.values:
        jobs = jobs.filter(status=status)
    else:
        status = ""
    q = request.GET.get("q", "").strip()[:50]
    if q:
        jobs = jobs.filter(
            Q(requested_by__username__icontains=q) | Q(requested_by__first_name__icontains=q)
        )
    order = "requested_at" if request.GET.get("sort") == "old" else "-requested_at"
    page = Paginator(jobs.order_by(order, "-pk"), 20).get_page(request.GET.get("page"))
    return render(
        request,
        "evaluation/reports.html",
        {
            "dataset": dataset,
            "page": page,
            "status": status,
            "statuses": ReportJob.Status.choices,
            "q": q,
            "sort": request.GET.get("sort", ""),
            "can_report": can_report,
            "error": error,
            "formats": [(f, RENDERERS.name(f)) for f in reports.REPORT_FORMATS],
            "review_formats": [(f, RENDERERS.name(f)) for f in reports.REVIEW_FILE_FORMATS],
        },
        status=422 if error else 200,
    )


@login_required
def report_job(request: HttpRequest, job_id: int) -> HttpResponse:
    """One job: its progress (htmx polls the fragment until it is finished) and its files."""
    access = access_of(request)
    job = _job_or_404(access, job_id)
    if job_records.expire_stale(ReportJob, pk=job.pk):  # its worker died: say so
        job.refresh_from_db()
    context = {
        "job": job,
        "dataset": job.dataset,
        "files": list(job.files.all()),
        # a 自评表's report is asked for again on its sheet's page
        "can_retry": job.status == ReportJob.Status.FAILED
        and not job.source
        and access.allows(Action.REPORT, job.dataset),
    }
    if getattr(request, "htmx", False):
        return render(request, "evaluation/_job.html", context)
    return render(request, "evaluation/report_job.html", context)


@login_required
@require_POST
def report_retry(request: HttpRequest, job_id: int) -> HttpResponse:
    """A failed (or stale) job asked for again: a new job with the same formats."""
    access = access_of(request)
    job = _job_or_404(access, job_id)
    access.require(Action.REPORT, job.dataset)
    if job.status != ReportJob.Status.FAILED or job.source:
        return redirect("evaluation:report_job", job.pk)
    again = reports.request_reports(
        job.dataset,
        request.user,  # type: ignore[arg-type]
        job.formats,
        job.review_formats,
    )
    return redirect("evaluation:report_job", again.pk)


@login_required
def report_file(request: HttpRequest, file_id: int) -> FileResponse:
    """Download one generated file under its Chinese name (RFC 5987 ``filename*``)."""
    access = access_of(request)
    found = ReportFile.objects.filter(pk=file_id).only("pk", "job_id").first()
    if found is None:
        raise Http404("没有这个文件")
    _job_or_404(access, found.job_id)
    file = ReportFile.objects.get(pk=file_id)
    return stored_download(
        file.name, file.filename, file.media_type, "文件已不存在，请重新生成报告"
    )
