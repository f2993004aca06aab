"""Pages of 结果应用: a dataset's suggestion and 整改 list, one item with its evidence.

Thin views: datasets through ``request.access`` (404 outside the scope), 整改 items through
``rectifications_of`` (404), rights through ``require_work`` (403); writes through
:mod:`.services`.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Page
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from jixiao_web.core.downloads import stored_download
from jixiao_web.core.paging import page_of
from jixiao_web.datasets.models import Dataset
from jixiao_web.orgs.access import (
    Access,
    Work,
    get_or_404,
    may,
    rectifications_of,
    require_work,
    work_roles,
)
from jixiao_web.orgs.models import Role, Unit
from jixiao_web.results import services
from jixiao_web.results.models import Evidence, GradeReview, Rectification
from jixiao_web.results.workflows import RECTIFICATION
from jixiao_web.workflow import services as workflow
from jixiao_web.workflow.services import WorkflowError

STATE_CLASSES = {"open": "warn", "doing": "", "submitted": "", "done": "ok"}
SORTS = {"deadline": ("deadline", "pk"), "kind": ("kind", "pk"), "unit": ("unit__code", "pk")}


def _access(request: HttpRequest) -> Access:
    return request.access  # type: ignore[attr-defined, no-any-return]


def _rows(items: list[Rectification], today: date) -> list[dict[str, Any]]:
    """Rows of one page; ``items`` carry ``current_state`` (``services.with_state``)."""
    rows = []
    for i in items:
        code = i.current_state  # type: ignore[attr-defined]
        rows.append(
            {
                "item": i,
                "state": RECTIFICATION.label_of(code),
                "code": code,
                "css": STATE_CLASSES.get(code, ""),
                "overdue": code != "done" and i.deadline is not None and i.deadline < today,
            }
        )
    return rows


def _filtered(
    request: HttpRequest, items: Any
) -> tuple[Page[Any], list[dict[str, Any]], dict[str, str]]:
    """Search, filter by state and 责任单位, sort, then one page; every list has them.

    Everything is done in SQL (the state too, from the workflow's state rows), so a
    province's thousands of items cost one page of rows, not the whole list."""
    today = date.today()
    q = request.GET.get("q", "").strip()
    if q:
        items = items.filter(subject__icontains=q)
    unit = request.GET.get("unit", "").strip()
    if unit:
        items = items.filter(unit__code=unit)
    items = services.with_state(items)
    wanted = request.GET.get("state", "")
    if wanted == "overdue":
        items = items.exclude(current_state="done").filter(deadline__lt=today)
    elif wanted:
        items = items.filter(current_state=wanted)
    sort = request.GET.get("sort", "deadline")
    items = items.order_by(*SORTS.get(sort, SORTS["deadline"]))
    page = page_of(request, items)
    rows = _rows(list(page.object_list), today)
    return page, rows, {"q": q, "unit": unit, "sort": sort, "state": wanted}


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The datasets whose results the user may see, and the 整改 items assigned to them."""
    access = _access(request)
    datasets = [
        d
        for d in access.datasets().order_by("department__code", "-year")
        if may(work_roles(access, d.region_id, d.department_id), Work.VIEW_RESULTS)
    ]
    page, rows, filters = _filtered(request, rectifications_of(access))
    context = {
        "datasets": datasets,
        "page": page,
        "rows": rows,
        "filters": filters,
        "states": RECTIFICATION.choices(),
    }
    return render(request, "results/home.html", context)


def _dataset(request: HttpRequest, pk: int) -> tuple[Dataset, set[Role]]:
    access = _access(request)
    dataset = access.dataset(pk)
    roles = work_roles(access, dataset.region_id, dataset.department_id)
    require_work(roles, Work.VIEW_RESULTS)
    return dataset, roles


@login_required
def dataset_results(request: HttpRequest, pk: int) -> HttpResponse:
    dataset, roles = _dataset(request, pk)
    return _results_page(request, dataset, roles)


def _results_page(
    request: HttpRequest,
    dataset: Dataset,
    roles: set[Role],
    typed: dict[str, str] | None = None,
    status: int = 200,
) -> HttpResponse:
    """The dataset's results page; ``typed``: a refused 财政复核's score and opinion, kept."""
    suggestions, application = services.suggestion(dataset)
    page, rows, filters = _filtered(
        request, Rectification.objects.filter(dataset=dataset).select_related("unit", "responsible")
    )
    context = {
        "dataset": dataset,
        "suggestions": suggestions,
        "findings": application.findings,
        "pending": len(application.rectifications),
        "page": page,
        "rows": rows,
        "filters": filters,
        "states": RECTIFICATION.choices(),
        "units": Unit.objects.filter(department_id=dataset.department_id),
        "review": GradeReview.objects.filter(dataset=dataset).first(),
        "typed": typed,
        "can": {w.value: may(roles, w) for w in Work},
    }
    return render(request, "results/dataset.html", context, status=status)


@login_required
@require_POST
def dataset_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """生成整改事项 / 财政复核 / 结转 / 反馈 on a dataset."""
    dataset, roles = _dataset(request, pk)
    try:
        if action == "generate":
            require_work(roles, Work.GENERATE)
            count = services.generate(dataset, request.user)
            messages.success(request, f"已生成 {count} 项新的整改事项")
        elif action == "review":
            require_work(roles, Work.REVIEW_GRADE)
            review = services.review_grade(
                dataset,
                request.POST.get("score", ""),
                request.POST.get("opinion", ""),
                request.user,
            )
            messages.success(request, f"已录入财政复核结论：{review.score} 分，{review.grade}")
        elif action == "carry":
            require_work(roles, Work.CARRY)
            target, count = services.carry(dataset, request.user)
            messages.success(request, f"已将 {count} 项整改事项结转到 {target}")
        elif action == "feedback":
            require_work(roles, Work.FEEDBACK)
            sent = services.feedback(dataset, request.user)
            messages.success(request, f"已向 {sent} 人发送评价结果反馈")
        else:
            raise PermissionDenied("没有这一操作")
    except services.Invalid as error:
        for e in error.errors:
            messages.error(request, str(e))
        if action == "review":  # the form again, with what was typed in it
            typed = {k: request.POST.get(k, "") for k in ("score", "opinion")}
            return _results_page(request, dataset, roles, typed, status=422)
    return redirect("results:dataset", dataset.pk)


def _item(request: HttpRequest, pk: int) -> tuple[Rectification, set[Role]]:
    access = _access(request)
    item = get_or_404(rectifications_of(access), pk, "整改事项")
    return item, work_roles(access, item.region_id, item.department_id, item.unit_id)


@login_required
def item_detail(request: HttpRequest, pk: int) -> HttpResponse:
    item, roles = _item(request, pk)
    current = services.state(item)
    wf = workflow.state_of(item, RECTIFICATION)
    context = {
        "item": item,
        "state": RECTIFICATION.label_of(current),
        "css": STATE_CLASSES[current],
        "overdue": current != "done" and item.deadline is not None and item.deadline < date.today(),
        "actions": RECTIFICATION.available(current, roles),
        "wf_version": wf.version,
        "evidence": item.evidence.select_related("uploaded_by"),
        "can_upload": may(roles, Work.RECTIFY) and current in RECTIFICATION.editable,
        "can_assign": may(roles, Work.ASSIGN) and current != "done",
        "can_view_dataset": may(roles, Work.VIEW_RESULTS),
        "units": Unit.objects.filter(department_id=item.department_id),
        "people": services.candidates(item),
        "history": workflow.history(item),
        "max_mb": services.MAX_EVIDENCE_BYTES // 1024 // 1024,
    }
    return render(request, "results/item.html", context)


@login_required
@require_POST
def item_assign(request: HttpRequest, pk: int) -> HttpResponse:
    item, roles = _item(request, pk)
    require_work(roles, Work.ASSIGN)
    unit = Unit.objects.filter(
        department_id=item.department_id, pk=request.POST.get("unit") or 0
    ).first()
    person = (
        get_user_model().objects.filter(pk=request.POST.get("responsible") or 0).first()
        if request.POST.get("responsible", "").isdigit()
        else None
    )
    try:
        deadline = date.fromisoformat(request.POST.get("deadline", ""))
    except ValueError:
        deadline = None
    try:
        services.assign(item, unit, person, deadline, request.user)
    except services.Invalid as error:
        for e in error.errors:
            messages.error(request, str(e))
    else:
        messages.success(request, "已分派")
    return redirect("results:item", item.pk)


@login_required
@require_POST
def item_decide(request: HttpRequest, pk: int) -> HttpResponse:
    item, roles = _item(request, pk)
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        version = None
    try:
        event = services.decide(
            item,
            request.POST.get("action", ""),
            request.user,
            roles,
            request.POST.get("opinion", ""),
            version,
        )
    except services.Invalid as error:
        for e in error.errors:
            messages.error(request, str(e))
    except WorkflowError as error:
        if error.status == 403:
            raise PermissionDenied(str(error)) from None
        messages.error(request, str(error))
    else:
        messages.success(request, f"已{event.action_label}")
    return redirect("results:item", item.pk)


@login_required
@require_http_methods(["POST"])
def item_evidence(request: HttpRequest, pk: int) -> HttpResponse:
    item, roles = _item(request, pk)
    require_work(roles, Work.RECTIFY)
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, "请选择佐证材料文件")
        return redirect("results:item", item.pk)
    if upload.size is None or upload.size > services.MAX_EVIDENCE_BYTES:
        messages.error(
            request, f"佐证材料: 文件超过 {services.MAX_EVIDENCE_BYTES // 1024 // 1024} MB"
        )
        return redirect("results:item", item.pk)
    try:
        services.add_evidence(
            item, upload.name or "", upload.read(), request.user, request.POST.get("note", "")
        )
    except services.Invalid as error:
        for e in error.errors:
            messages.error(request, str(e))
    else:
        messages.success(request, "已上传佐证材料")
    return redirect("results:item", item.pk)


@login_required
def evidence_download(request: HttpRequest, pk: int) -> FileResponse:
    access = _access(request)
    evidence = get_or_404(
        Evidence.objects.filter(item__in=rectifications_of(access)), pk, "佐证材料"
    )
    media_type = (
        services.EVIDENCE_TYPES[evidence.suffix].media_type
        if evidence.suffix in services.EVIDENCE_TYPES
        else "application/octet-stream"
    )
    # A file gone from storage was a server error here; now a 404 like the other downloads.
    return stored_download(evidence.file.name, evidence.name, media_type, "佐证材料文件已不存在")
