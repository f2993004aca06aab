"""Pages of 绩效运行监控: rounds, a round's 通报, a unit's return.

Thin views: objects come only through ``jixiao_web.orgs.access`` (``rounds_of``,
``returns_of``: 404 outside the user's scope; ``require_work``: 403), writes go through
:mod:`.services`, the 通报 is the engine's (``services.report``).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.http import require_http_methods, require_POST

from jixiao.dataset.build import InputError
from jixiao.lib.money import format_amount, format_number
from jixiao_web.core.paging import page_of
from jixiao_web.monitor import services
from jixiao_web.monitor.models import DEVIATION_REASONS, LIKELIHOOD, Return, Round
from jixiao_web.monitor.workflows import REPORTED, RETURN
from jixiao_web.orgs.access import (
    Access,
    Work,
    get_or_404,
    may,
    require_work,
    returns_of,
    rounds_of,
    work_roles,
)
from jixiao_web.orgs.models import Role, Unit
from jixiao_web.workflow import services as workflow
from jixiao_web.workflow.services import WorkflowError

STATE_CLASSES = {"draft": "", "submitted": "ok", "returned": "bad", "accepted": "ok"}


def _access(request: HttpRequest) -> Access:
    return request.access  # type: ignore[attr-defined, no-any-return]


def _pct(value: Decimal | None) -> str:
    return f"{format_number(value)}%" if value is not None else "—"


def _money(value: Decimal | None) -> str:
    return format_amount(value) if value is not None else "—"


def _bureau_regions(access: Access) -> list[int]:
    return [m.region_id for m in access.memberships if m.role == Role.BUREAU_ADMIN]


# --------------------------------------------------------------------------- rounds


@login_required
def rounds(request: HttpRequest) -> HttpResponse:
    access = _access(request)
    found = rounds_of(access)
    q = request.GET.get("q", "").strip()
    if q:
        found = found.filter(title__icontains=q)
    period = request.GET.get("period", "").strip()
    if period:
        found = found.filter(period=period)
    page = page_of(request, found)
    listed = list(page.object_list)
    counts = services.round_counts(r.pk for r in listed)
    rows = []
    for r in listed:
        units, reported = counts.get(r.pk, (0, 0))
        row: dict[str, Any] = {"round": r, "units": units, "reported": reported, "own": []}
        if not may(work_roles(access, r.region_id, r.department_id), Work.VIEW_ROUND):
            # A clerk: the round's 通报 is not its to see; its own unit's return is.
            for ret in returns_of(access, r):
                state = workflow.state_of(ret, RETURN).state
                late = r.deadline < date.today() and state not in REPORTED
                row["own"].append({"ret": ret, "state": RETURN.label_of(state), "late": late})
        rows.append(row)
    context = {
        "page": page,
        "rows": rows,
        "own_only": bool(rows) and all(row["own"] for row in rows),
        "q": q,
        "period": period,
        "can_issue": bool(_bureau_regions(access)),
        "today": date.today(),
    }
    return render(request, "monitor/rounds.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def round_new(request: HttpRequest) -> HttpResponse:
    access = _access(request)
    regions = _bureau_regions(access)
    if not regions:
        raise PermissionDenied("您的角色不能下发监控批次")
    datasets = access.datasets().filter(region_id__in=regions).order_by("department__code", "-year")
    chosen = None
    if request.GET.get("dataset") or request.POST.get("dataset"):
        chosen = get_or_404(
            datasets, request.GET.get("dataset") or request.POST.get("dataset"), "数据集"
        )
    units = list(Unit.objects.filter(department=chosen.department)) if chosen else []
    errors: list[Any] = []
    values = {
        "period": request.POST.get("period", f"{chosen.year}-06" if chosen else ""),
        "deadline": request.POST.get("deadline", ""),
        "title": request.POST.get("title", ""),
    }
    picked = (
        set(request.POST.getlist("units"))
        if request.method == "POST"
        else {str(u.pk) for u in units}
    )
    if request.method == "POST" and chosen is not None:
        try:
            deadline = date.fromisoformat(values["deadline"])
        except ValueError:
            errors.append(InputError("报送期限", "请填写日期，如 2023-07-10"))
            deadline = None
        selected = [u for u in units if str(u.pk) in picked]
        if deadline is not None:
            try:
                round_ = services.issue_round(
                    chosen,
                    values["period"].strip(),
                    selected,
                    deadline,
                    request.user,
                    title=values["title"].strip()[:100],
                )
            except services.Invalid as error:
                errors = error.errors
            else:
                messages.success(request, f"已下发“{round_.title}”，{len(selected)} 个单位待填报")
                return redirect("monitor:round", round_.pk)
    context = {
        "datasets": datasets,
        "chosen": chosen,
        "units": units,
        "picked": picked,
        "values": values,
        "errors": errors,
    }
    return render(request, "monitor/round_new.html", context, status=422 if errors else 200)


def _round(request: HttpRequest, pk: int) -> tuple[Round, set[Role]]:
    access = _access(request)
    round_ = get_or_404(rounds_of(access), pk, "监控批次")
    return round_, work_roles(access, round_.region_id, round_.department_id)


def _status(unit: Any) -> tuple[str, str]:
    if unit.interview:
        return "约谈", "bad"
    if unit.below_line:
        return "预警", "warn"
    return "正常", "ok"


@login_required
def round_detail(request: HttpRequest, pk: int) -> HttpResponse:
    round_, roles = _round(request, pk)
    require_work(roles, Work.VIEW_ROUND)
    include = request.GET.get("include") == "drafts"
    result = services.report(round_, include_drafts=include)
    engine = result.report
    # the returns and their states as the report read them: read once for every table
    names = {r.unit_code: r.unit.name for r in result.returns}
    units = []
    for u in engine.units:
        label, css = _status(u)
        units.append(
            {
                "rank": u.rank,
                "code": u.unit,
                "name": u.name or names.get(u.unit, ""),
                "budget": _money(u.budget),
                "cumulative": _money(u.cumulative),
                "rate": _pct(u.rate),
                "pace": _pct(u.pace),
                "lag": format_number(u.lag),
                "line": _pct(u.line),
                "status": label,
                "css": css,
            }
        )
    chart = {
        "units": [
            {
                "name": u.name or names.get(u.unit, u.unit),
                "rate": format_number(u.rate) if u.rate is not None else None,
                "status": _status(u)[0],
            }
            for u in engine.units
        ],
        "pace": format_number(engine.pace),
        "line": format_number(engine.line) if engine.line is not None else None,
    }
    interviews = [
        {
            "code": u.unit,
            "name": u.name or names.get(u.unit, ""),
            "checkpoints": "；".join(f"{m}月 {_pct(r)}" for m, r in u.checkpoints),
        }
        for u in engine.interviews
    ]
    returns, states = result.returns, result.return_states
    late = {r.pk for r in services.late_among(round_, returns, states)}
    return_rows = [
        {
            "ret": r,
            "state": RETURN.label_of(states[r.pk]),
            "css": STATE_CLASSES[states[r.pk]],
            "late": r.pk in late,
            "counted": r.unit_code in result.counted,
        }
        for r in returns
    ]
    context = {
        "round": round_,
        "engine": engine,
        "summary": {
            "budget": _money(engine.total_budget),
            "cumulative": _money(engine.total_cumulative),
            "rate": _pct(engine.rate),
            "pace": _pct(engine.pace),
            "line": _pct(engine.line),
        },
        "units": units,
        "chart": chart,
        "alerts": engine.alerts,
        "interviews": interviews,
        "late": [row for row in return_rows if row["late"]],
        "returns": return_rows,
        "include": include,
        "notices": services.notices_sent(round_)[:200],
        "can_notify": may(roles, Work.NOTIFY),
        "notice_kinds": services.KINDS_OF_NOTICE,
        "interview_codes": {u.unit for u in engine.interviews},
        "findings": engine.findings,
        "today": date.today(),
    }
    return render(request, "monitor/round.html", context)


@login_required
@require_POST
def round_notify(request: HttpRequest, pk: int) -> HttpResponse:
    round_, roles = _round(request, pk)
    require_work(roles, Work.NOTIFY)
    wanted = set(request.POST.getlist("returns"))
    targets = [r for r in round_.returns.select_related("unit") if str(r.pk) in wanted]
    try:
        sent = services.send_notice(
            round_,
            targets,
            request.POST.get("kind", ""),
            request.POST.get("body", ""),
            request.user,
        )
    except services.Invalid as error:
        for e in error.errors:
            messages.error(request, e.sentence)
    else:
        messages.success(request, f"已向 {len(targets)} 个单位发送通知（{sent} 人）")
    return redirect(reverse("monitor:round", args=[round_.pk]) + "#notices")


# --------------------------------------------------------------------------- returns


def _return(request: HttpRequest, pk: int) -> tuple[Return, set[Role]]:
    """The return with everything its page shows (``services.for_page``), if the user may
    open it: someone of the bureau or the department any of the round's, a clerk its own."""
    access = _access(request)
    ret = get_or_404(
        services.for_page_of(Return.objects.filter(round__in=rounds_of(access))), pk, "监控填报"
    )
    whole_round = work_roles(access, ret.region_id, ret.department_id)
    if not whole_round and not returns_of(access, ret.round).filter(pk=ret.pk).exists():
        raise Http404("监控填报不存在")
    return ret, work_roles(access, ret.region_id, ret.department_id, ret.unit_id)


def _options(choices: Any, selected: str, cache: dict[tuple[int, str], SafeString]) -> SafeString:
    """A select's ``<option>``s with ``selected`` marked, made once per choice list and value:
    a return of 34 projects has ~140 selects, and their options looped in the template were
    most of the page's time."""
    key = (id(choices), selected)
    if key not in cache:
        cache[key] = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            ((v, mark_safe(" selected") if v == selected else "", label) for v, label in choices),
        )
    return cache[key]


def _form_rows(ret: Return, data: Any = None) -> list[dict[str, Any]]:
    """Each project with its month inputs and indicators, values from ``data`` if posted."""
    month = ret.round.month
    rows = []
    options: dict[tuple[int, str], SafeString] = {}
    for line in ret.projects.all():  # prefetched with months and indicators (for_page)
        stored = {a.month: a.cumulative for a in line.months.all()}

        def value(name: str, default: Any) -> str:
            if data is not None:
                return str(data.get(name, ""))
            return "" if default is None else str(default)

        rows.append(
            {
                "line": line,
                "budget": _money(line.budget),
                "months": [
                    {
                        "month": m,
                        "name": f"p{line.pk}-m{m}",
                        "value": value(f"p{line.pk}-m{m}", stored.get(m)),
                    }
                    for m in range(1, month + 1)
                ],
                "expected": value(f"p{line.pk}-expected", line.expected),
                "progress": value(f"p{line.pk}-progress", line.progress),
                "deviation": _options(
                    DEVIATION_REASONS, value(f"p{line.pk}-deviation", line.deviation), options
                ),
                "measures": value(f"p{line.pk}-measures", line.measures),
                "indicators": [
                    {
                        "ind": i,
                        "current": value(f"i{i.pk}-current", i.current),
                        "likelihood": _options(
                            LIKELIHOOD, value(f"i{i.pk}-likelihood", i.likelihood), options
                        ),
                        "deviation": _options(
                            DEVIATION_REASONS, value(f"i{i.pk}-deviation", i.deviation), options
                        ),
                        "measures": value(f"i{i.pk}-measures", i.measures),
                    }
                    for i in line.indicators.all()
                ],
            }
        )
    return rows


@login_required
@require_http_methods(["GET", "POST"])
def return_detail(request: HttpRequest, pk: int) -> HttpResponse:
    ret, roles = _return(request, pk)
    errors: list[Any] = []
    data = None
    status = 200
    if request.method == "POST":
        if not may(roles, Work.FILL):
            raise PermissionDenied("您的角色不能填报监控数据")
        try:
            version = int(request.POST.get("version", ""))
        except ValueError:
            version = None
        try:
            services.save_return(ret, request.POST, request.user, version)
        except services.Invalid as error:
            errors, data, status = error.errors, request.POST, 422
        except WorkflowError as error:
            errors, data, status = [InputError("", str(error))], request.POST, error.status
        else:
            if request.POST.get("action") == "submit":  # 报送 saves what is typed first
                return _decide(request, ret, roles, "submit", None)
            messages.success(request, "已保存")
            return redirect("monitor:return", ret.pk)
    if request.method == "POST":
        ret = services.for_page(ret.pk)  # as saved (a GET has read it so already)
    wf_state = workflow.state_of(ret, RETURN)
    state = wf_state.state
    can_fill = may(roles, Work.FILL) and state in RETURN.editable
    engine = services.return_report(ret)
    context = {
        "ret": ret,
        "round": ret.round,
        "state": RETURN.label_of(state),
        "state_css": STATE_CLASSES[state],
        "rows": _form_rows(ret, data),
        "can_fill": can_fill,
        "can_view_round": may(roles, Work.VIEW_ROUND),
        "actions": RETURN.available(state, roles),
        "wf_version": wf_state.version,
        "errors": errors,
        "history": workflow.history(ret),
        # What a returned return must answer, above the form it is answered in.
        "last_opinion": workflow.last_opinion(ret) if state == "returned" else None,
        "notices": services.notices_sent(ret.round).filter(object_id=ret.pk),
        "findings": engine.findings,
        "months": list(range(1, ret.round.month + 1)),
    }
    return render(request, "monitor/return.html", context, status=status)


@login_required
@require_POST
def return_decide(request: HttpRequest, pk: int) -> HttpResponse:
    ret, roles = _return(request, pk)
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        version = None
    return _decide(request, ret, roles, request.POST.get("action", ""), version)


def _decide(
    request: HttpRequest, ret: Return, roles: set[Role], action: str, version: int | None
) -> HttpResponse:
    try:
        event = services.decide(
            ret, action, request.user, roles, request.POST.get("opinion", ""), version
        )
    except services.Invalid as error:
        for e in error.errors:
            messages.error(request, e.sentence)
        return redirect("monitor:return", ret.pk)
    except WorkflowError as error:
        if error.status == 403:
            raise PermissionDenied(str(error)) from None
        messages.error(request, str(error))
        return redirect("monitor:return", ret.pk)
    messages.success(request, f"已{event.action_label}")
    return redirect("monitor:return", ret.pk)


@login_required
@require_POST
def return_import(request: HttpRequest, pk: int) -> HttpResponse:
    ret, roles = _return(request, pk)
    require_work(roles, Work.FILL)
    upload = request.FILES.get("workbook")
    if upload is None:
        messages.error(request, "请选择要导入的执行数工作簿（.xlsx）")
        return redirect("monitor:return", ret.pk)
    if upload.size is None or upload.size > services.MAX_WORKBOOK_BYTES:
        messages.error(request, "文件超过 5 MB")
        return redirect("monitor:return", ret.pk)
    try:
        count = services.import_workbook(ret, upload.read(), "执行数工作簿", request.user)
    except services.Invalid as error:
        for e in error.errors[:50]:
            messages.error(request, e.sentence)
        messages.error(request, "工作簿有问题，未导入任何数据")
    else:
        messages.success(request, f"已导入 {count} 个月度累计执行数")
    return redirect("monitor:return", ret.pk)


@login_required
def return_workbook(request: HttpRequest, pk: int) -> HttpResponse:
    ret, roles = _return(request, pk)
    require_work(roles, Work.FILL)
    response = HttpResponse(
        services.template_workbook(ret),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    name = f"monitor-{ret.round.period}-{ret.unit_code}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
