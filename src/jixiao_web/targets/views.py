"""Pages of 绩效目标管理: worklists, the form (edit, with the engine's flags as you type),
the read-only preview with review decisions, versions' differences, Excel in and out.

Views are thin: objects come through ``request.access`` (404 outside the user's scope,
403 for what the role may not do) and every write goes through :mod:`.services`.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from jixiao.dataset.build import DatasetError, InputError, RawCell
from jixiao_web.core.paging import page_of
from jixiao_web.orgs.access import Access
from jixiao_web.orgs.models import Division, Role, Unit
from jixiao_web.targets import excel, services
from jixiao_web.targets.flow import FILLERS, FLOWS, REVIEW_ACTIONS, flow_for
from jixiao_web.targets.models import TargetForm
from jixiao_web.targets.review import Flags, library, review
from jixiao_web.targets.schema import LEVEL2, IndicatorRow, TaskRow, columns
from jixiao_web.workflow import services as workflow
from jixiao_web.workflow.services import WorkflowError

TABS = {"all": "全部", "pending": "待审核", "reviewed": "已审核", "mine": "我填报的"}
#: The roles that review (待审核, 已审核) and those that fill (我填报的) some form.
REVIEWERS = frozenset(
    r for f in FLOWS for t in f.transitions if t.action in REVIEW_ACTIONS for r in t.roles
)
FILLING = frozenset(r for roles in FILLERS.values() for r in roles)
STATE_LABELS = dict(FLOWS[0].choices())
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def access_of(request: HttpRequest) -> Access:
    return request.access  # type: ignore[attr-defined, no-any-return]


def _attachment(data: bytes, filename: str) -> HttpResponse:
    from urllib.parse import quote

    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


# --------------------------------------------------------------------------- lists


@login_required
def home(request: HttpRequest) -> HttpResponse:
    access = access_of(request)
    forms = access.target_forms()
    years = sorted(set(forms.values_list("year", flat=True)), reverse=True)
    year = request.GET.get("year", "")
    if year.isdigit():
        forms = forms.filter(year=int(year))
    kind = request.GET.get("kind", "")
    if kind in ("project", "department"):
        forms = forms.filter(kind=kind)
    q = request.GET.get("q", "").strip()
    if q:
        from django.db.models import Q

        forms = forms.filter(
            Q(name__icontains=q) | Q(code__icontains=q) | Q(unit__name__icontains=q)
        )
    sort = request.GET.get("sort", "code")
    order = {
        "code": ["kind", "code"],
        "name": ["name"],
        "unit": ["unit__code", "code"],
        "year": ["-year", "code"],
    }
    forms = forms.order_by(*order.get(sort, order["code"]))
    items = services.with_states(forms)
    tab = request.GET.get("tab", "all")
    if tab == "pending":
        items = services.pending_for(access, items)
    elif tab == "reviewed":
        items = services.reviewed_by(request.user, items)
    elif tab == "mine":
        items = [(f, s) for f, s in items if services.fillers_roles(access, f)]
    else:
        tab = "all"
    state = request.GET.get("state", "")
    if state in STATE_LABELS:
        items = [(f, s) for f, s in items if s == state]
    page = page_of(request, items)
    rows = [
        {"form": f, "state": s, "label": flow_for(f.kind).label_of(s)} for f, s in page.object_list
    ]
    context = {
        "page": page,
        "rows": rows,
        "tabs": _tabs(access),
        "tab": tab,
        "years": years,
        "year": year,
        "kind": kind,
        "q": q,
        "state": state,
        "sort": sort,
        "states": STATE_LABELS,
        "can_project": bool(_places(access, access.target_departments())["units"]),
        "can_department": [
            d for d in access.target_departments() if access.may_create_department_target(d)
        ],
        "budget_year": _budget_year(access),
    }
    return render(request, "targets/home.html", context)


def _tabs(access: Access) -> dict[str, str]:
    """The lists a user works from: a clerk reviews nothing, the bureau fills nothing."""
    roles = {Role(m.role) for m in access.memberships}
    hidden = set() if roles & REVIEWERS else {"pending", "reviewed"}
    hidden |= set() if roles & FILLING else {"mine"}
    return {k: v for k, v in TABS.items() if k not in hidden}


def _budget_year(access: Access) -> int:
    """The year being prepared: the year after the department's latest dataset."""
    latest = access.datasets().order_by("-year").values_list("year", flat=True).first()
    from django.utils import timezone

    return (latest + 1) if latest else timezone.localdate().year + 1


# --------------------------------------------------------------------------- create


@login_required
@require_http_methods(["GET", "POST"])
def new_project(request: HttpRequest) -> HttpResponse:
    access = access_of(request)
    departments = access.target_departments()
    choices = _places(access, departments)
    if not choices["units"]:
        raise PermissionDenied("您的角色不能申报项目绩效目标")
    errors: list[InputError] = []
    values = {"year": str(_budget_year(access)), "code": "", "name": "", "unit": "", "division": ""}
    if request.method == "POST":
        values = {k: request.POST.get(k, "").strip() for k in values}
        unit = Unit.objects.filter(pk=_int(values["unit"]) or 0, department__in=departments).first()
        division = Division.objects.filter(
            pk=_int(values["division"]) or 0, department__in=departments
        ).first()
        year = _int(values["year"])
        if unit is None:
            errors.append(InputError("实施单位", "请选择实施单位"))
        if division is None:
            errors.append(InputError("主管处室", "请选择主管处室"))
        if year is None or not 2000 <= year <= 2100:
            errors.append(InputError("预算年度", "预算年度应为四位年份，如 2024"))
        if errors:  # every empty field at once, not in a second round after these
            errors += services.missing_project_fields(values["code"], values["name"])
        if not errors:
            assert unit is not None and year is not None
            try:
                form = services.create_project(
                    access,
                    request.user,
                    unit.department,
                    year,
                    values["code"],
                    values["name"],
                    unit,
                    division,
                )
            except services.Invalid as error:
                errors = error.errors
            except services.NotAllowed as error:
                raise PermissionDenied(str(error)) from None
            else:
                messages.success(request, "已创建项目绩效目标申报表，请填写。")
                return redirect("targets:edit", form.pk)
    return render(
        request,
        "targets/new.html",
        {"values": values, "errors": errors, **choices},
        status=422 if errors else 200,
    )


def _int(text: str) -> int | None:
    try:
        return int(text)
    except (TypeError, ValueError):
        return None


def _places(access: Access, departments: list[Any]) -> dict[str, Any]:
    """The units and divisions a user may choose for a new project (the access rules decide)."""
    units = []
    divisions = []
    for department in departments:
        dept_divisions = list(Division.objects.filter(department=department))
        for unit in Unit.objects.filter(department=department):
            if any(
                access.may_create_project_target(department, unit, d)
                for d in [None, *dept_divisions]
            ):
                units.append(unit)
        for division in dept_divisions:
            if any(access.may_create_project_target(department, u, division) for u in units):
                divisions.append(division)
    return {"units": units, "divisions": divisions}


@login_required
@require_POST
def new_department(request: HttpRequest) -> HttpResponse:
    access = access_of(request)
    department = next(
        (d for d in access.target_departments() if str(d.pk) == request.POST.get("department")),
        None,
    )
    year = _int(request.POST.get("year", ""))
    if department is None or year is None or not 2000 <= year <= 2100:
        raise Http404("部门或年度不存在")
    try:
        form = services.create_department(access, request.user, department, year)
    except services.NotAllowed as error:
        raise PermissionDenied(str(error)) from None
    return redirect("targets:edit", form.pk)


# --------------------------------------------------------------------------- the form


def _raw_value(value: Any) -> str:
    if value is None:
        return ""
    if value is True:
        return "是"
    if value is False:
        return "否"
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


def _stored_raw(content: services.Content) -> dict[str, Any]:
    return {
        "header": {
            c.key: _raw_value(getattr(content.header, c.key)) for c in columns(type(content.header))
        },
        "tasks": [
            {c.key: _raw_value(getattr(t, c.key)) for c in columns(TaskRow)} for t in content.tasks
        ],
        "indicators": [
            {c.key: _raw_value(getattr(r, c.key)) for c in columns(IndicatorRow)}
            for r in content.indicators
        ],
    }


def _posted_raw(form: TargetForm, data: Any) -> dict[str, Any]:
    """The form fields as typed: header ``h-KEY``, rows ``t-N-KEY`` / ``i-N-KEY``."""
    header = {c.key: data.get(f"h-{c.key}", "") for c in columns(services.header_type(form))}

    def rows(prefix: str, row_type: type) -> list[dict[str, str]]:
        count = min(_int(data.get(f"{prefix}-count", "0")) or 0, 500)
        result = []
        for n in range(count):
            if data.get(f"{prefix}-{n}-delete"):
                continue
            row = {c.key: data.get(f"{prefix}-{n}-{c.key}", "") for c in columns(row_type)}
            if any(v.strip() for k, v in row.items() if k not in ("year", "is_new")):
                result.append(row)
        return result

    return {"header": header, "tasks": rows("t", TaskRow), "indicators": rows("i", IndicatorRow)}


def _parse_raw(form: TargetForm, raw: dict[str, Any]) -> tuple[services.Content, list[InputError]]:
    header = {k: RawCell(v, f"h-{k}") for k, v in raw["header"].items()}
    tasks = [
        (f"t-{n}", {k: RawCell(v, f"t-{n}-{k}") for k, v in row.items()})
        for n, row in enumerate(raw["tasks"])
    ]
    indicators = [
        (f"row:{n}", {k: RawCell(v, f"i-{n}-{k}") for k, v in row.items()})
        for n, row in enumerate(raw["indicators"])
    ]
    return services.parse(form, header, tasks, indicators)


def _edit_context(
    request: HttpRequest,
    form: TargetForm,
    raw: dict[str, Any],
    errors: list[InputError],
    flags: Flags,
) -> dict[str, Any]:
    by_place: dict[str, list[str]] = {}
    general = []
    for e in errors:
        if e.location.startswith(("h-", "t-", "i-")):
            by_place.setdefault(e.location, []).append(e.message)
        else:
            general.append(e)
    header_fields = [
        {
            "column": c,
            "value": raw["header"].get(c.key, ""),
            "errors": by_place.get(f"h-{c.key}", []),
            "name": f"h-{c.key}",
        }
        for c in columns(services.header_type(form))
        if not (form.kind == "project" and c.key == "code")
    ]

    def rows(prefix: str, row_type: type, values: list[dict[str, str]]) -> list[dict[str, Any]]:
        return [
            {
                "n": n,
                "cells": [
                    {
                        "column": c,
                        "value": row.get(c.key, ""),
                        "name": f"{prefix}-{n}-{c.key}",
                        "errors": by_place.get(f"{prefix}-{n}-{c.key}", []),
                    }
                    for c in columns(row_type)
                ],
                "values": row,
                "labels": flags.labels.get(n, []) if prefix == "i" else [],
                "messages": flags.messages.get(n, []) if prefix == "i" else [],
                "notes": flags.notes.get(n, []) if prefix == "i" else [],
                "history": flags.history.get(n, "") if prefix == "i" else "",
            }
            for n, row in enumerate(values)
        ]

    return {
        "form": form,
        "header_fields": header_fields,
        "tasks": rows("t", TaskRow, raw["tasks"]),
        "indicators": rows("i", IndicatorRow, raw["indicators"]),
        "task_count": len(raw["tasks"]),
        "indicator_count": len(raw["indicators"]),
        "general": general,
        "flags": flags,
        "level2": LEVEL2,
        "level2_all": [x for v in LEVEL2.values() for x in v],
        "task_columns": columns(TaskRow),
        "indicator_columns": columns(IndicatorRow),
        "state": services.state_of(form),
        "state_label": flow_for(form.kind).label_of(services.state_of(form).state),
        "opinion": workflow.last_opinion(form),
        "version": request.POST.get("version", form.version)
        if request.method == "POST"
        else form.version,
    }


def _blank_indicator(form: TargetForm, **values: str) -> dict[str, str]:
    row = {c.key: "" for c in columns(IndicatorRow)}
    row["year"] = str(form.year)
    row.update(values)
    return row


def _pick(form: TargetForm, code: str) -> dict[str, str]:
    definition = library().by_code.get(code)
    if definition is None:
        raise Http404("指标库中没有该指标")
    return _blank_indicator(
        form,
        level1=definition.level1,
        level2=definition.level2,
        name=definition.name,
        code=definition.code,
        is_new="否",
        sign=definition.sign,
        unit=definition.unit,
        basis=definition.basis,
        explanation=definition.definition,
    )


@login_required
@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    access = access_of(request)
    form = access.target_form(pk)
    if not services.fillers_roles(access, form):
        raise PermissionDenied("您不是本表的填报人")
    if not services.editable(access, form):
        messages.info(request, "申报表已送审或已批复，不能修改（批复后可申请调整）。")
        return redirect("targets:detail", form.pk)
    status = 200
    if request.method == "POST":
        raw = _posted_raw(form, request.POST)
        if "pick" in request.POST:
            raw["indicators"].append(_pick(form, request.POST["pick"]))
        elif request.POST.get("add") == "indicator":
            raw["indicators"].append(_blank_indicator(form, is_new="是"))
        elif request.POST.get("add") == "task":
            raw["tasks"].append({"year": str(form.year), "name": "", "content": "", "amount": ""})
        content, errors = _parse_raw(form, raw)
        # 预览与送审 leaves the page: what is typed is saved first, as by 保存.
        if "save" in request.POST or "preview" in request.POST:
            if not errors:
                try:
                    services.save(
                        access,
                        form,
                        content,
                        request.user,
                        _int(request.POST.get("version", "")) or 0,
                    )
                except services.Conflict as error:
                    errors = [InputError("", str(error))]
                    status = 409
                except services.NotAllowed as error:
                    raise PermissionDenied(str(error)) from None
                else:
                    messages.success(request, "已保存。")
                    if "preview" in request.POST:
                        return redirect("targets:detail", form.pk)
                    return redirect("targets:edit", form.pk)
            else:
                status = 422
        flags = review(form, content)
    else:
        content = services.content_of(form)
        raw = _stored_raw(content)
        if not raw["indicators"]:
            raw["indicators"].append(_blank_indicator(form, is_new="是"))
        errors = []
        flags = review(form, content)
    return render(
        request,
        "targets/edit.html",
        _edit_context(request, form, raw, errors, flags),
        status=status,
    )


@login_required
@require_POST
def check(request: HttpRequest, pk: int) -> HttpResponse:
    """htmx: the engine's flags for what is being typed (nothing is saved)."""
    access = access_of(request)
    form = access.target_form(pk)
    if not services.fillers_roles(access, form):
        raise PermissionDenied("您不是本表的填报人")
    raw = _posted_raw(form, request.POST)
    content, errors = _parse_raw(form, raw)
    flags = review(form, content)
    context = _edit_context(request, form, raw, errors, flags)
    return render(request, "targets/_flags_oob.html", context)


@login_required
def library_search(request: HttpRequest) -> HttpResponse:
    """htmx: the core indicator library, searched by name, alias, code or category."""
    q = request.GET.get("q", "").strip()[:50]
    found = []
    if q:
        for d in library().indicators:
            haystack = " ".join((d.code, d.level1, d.level2, *d.names, d.applies_to))
            if q in haystack:
                found.append(d)
    return render(
        request, "targets/_library.html", {"found": found[:30], "q": q, "more": len(found) > 30}
    )


# --------------------------------------------------------------------------- preview and decisions


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    access = access_of(request)
    form = access.target_form(pk)
    flow = flow_for(form.kind)
    state = services.state_of(form)
    content = services.content_of(form)
    flags = review(form, content)
    steps = flow.available(state.state, access.target_roles(form))
    new, old, changes = services.last_changes(form)
    indicators = [
        {
            "row": r,
            "labels": flags.labels.get(i, []),
            "messages": flags.messages.get(i, []),
            "history": flags.history.get(i, ""),
        }
        for i, r in enumerate(content.indicators)
    ]
    context = {
        "form": form,
        "content": content,
        "indicators": indicators,
        "flags": flags,
        "state": state,
        "state_label": flow.label_of(state.state),
        "steps": steps,
        "review_steps": [s for s in steps if s.action in REVIEW_ACTIONS],
        "can_edit": services.editable(access, form),
        "opinion": workflow.last_opinion(form) if state.state == "returned" else None,
        "events": [
            {"e": e, "from": flow.label_of(e.from_state), "to": flow.label_of(e.to_state)}
            for e in workflow.history(form)
        ],
        "new": new,
        "old": old,
        "changes": changes,
        "versions": form.versions.order_by("-number"),
        "header_columns": [
            (c.header, getattr(content.header, c.key), c.unit)
            for c in columns(type(content.header))
        ],
        "problems": services.check(form, content) if services.fillers_roles(access, form) else [],
    }
    return render(request, "targets/detail.html", context)


@login_required
@require_POST
def decide(request: HttpRequest, pk: int) -> HttpResponse:
    access = access_of(request)
    form = access.target_form(pk)
    action = request.POST.get("action", "")
    try:
        event = services.decide(
            access,
            form,
            action,
            request.user,
            opinion=request.POST.get("opinion", ""),
            version=_int(request.POST.get("version", "")),
        )
    except services.Invalid as error:
        messages.error(request, "不能送审：" + "；".join(e.sentence for e in error.errors))
        return redirect("targets:detail", form.pk)
    except WorkflowError as error:
        if error.status == 403:
            raise PermissionDenied(str(error)) from None
        messages.error(request, str(error))
        return redirect("targets:detail", form.pk)
    messages.success(request, f"已{event.action_label}。")
    # 调整 opens the form for its filler; a reviewer who 退回 stays on what it reviewed.
    if event.to_state in flow_for(form.kind).editable and event.action not in REVIEW_ACTIONS:
        return (
            redirect("targets:edit", form.pk)
            if services.fillers_roles(access, form)
            else redirect("targets:detail", form.pk)
        )
    return redirect("targets:detail", form.pk)


# --------------------------------------------------------------------------- Excel


@login_required
def download(request: HttpRequest, pk: int) -> HttpResponse:
    form = access_of(request).target_form(pk)
    content = services.content_of(form)
    data = excel.workbook(form, content, review(form, content))
    name = f"{form.year}年度绩效目标_{form.code or '部门整体'}.xlsx"
    return _attachment(data, name)


@login_required
def export_dataset(request: HttpRequest, pk: int) -> HttpResponse:
    """The approved targets in the dataset workbook's layout (项目 + 项目绩效指标)."""
    form = access_of(request).target_form(pk)
    if services.state_of(form).state != "approved":
        raise PermissionDenied("批复后才能导出到数据集格式")
    data = excel.dataset_workbook(form, services.content_of(form))
    return _attachment(data, f"{form.year}年度批复绩效指标_{form.code or '部门整体'}.xlsx")


@login_required
@require_http_methods(["GET", "POST"])
def upload(request: HttpRequest, pk: int) -> HttpResponse:
    access = access_of(request)
    form = access.target_form(pk)
    if not services.editable(access, form):
        raise PermissionDenied("当前状态下不能导入，或您不是本表的填报人")
    errors: list[InputError] = []
    if request.method == "POST":
        file = request.FILES.get("file")
        limit = int(settings.MAX_UPLOAD_BYTES)
        if file is None:
            errors = [InputError("文件", "请选择要导入的 .xlsx 工作簿")]
        elif file.size is not None and file.size > limit:
            errors = [InputError("文件", f"文件过大（上限 {limit // (1024 * 1024)} MB）")]
        elif not (file.name or "").lower().endswith(".xlsx"):
            errors = [InputError("文件", "只能导入 .xlsx 工作簿（可先下载本表的 Excel 再填写）")]
        else:
            try:
                content = excel.read(form, file.read(), "上传的工作簿")
                services.save(
                    access, form, content, request.user, _int(request.POST.get("version", "")) or 0
                )
            except DatasetError as error:
                errors = list(error.errors)
            except services.Conflict as error:
                errors = [InputError("", str(error))]
            except services.NotAllowed as error:
                raise PermissionDenied(str(error)) from None
            else:
                messages.success(request, "已从工作簿导入。")
                return redirect("targets:edit", form.pk)
    return render(
        request,
        "targets/upload.html",
        {"form": form, "errors": errors, "version": form.version},
        status=422 if errors else 200,
    )


def form_link(form: TargetForm) -> str:
    return reverse("targets:detail", args=[form.pk])
