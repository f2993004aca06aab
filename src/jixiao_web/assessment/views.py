"""Pages of 绩效评价管理: thin views over :mod:`.services`; objects only through access."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from jixiao.dataset.model import QUAL_GRADES
from jixiao_web.assessment import flow, sampling, services
from jixiao_web.assessment.models import (
    Evidence,
    KeyEvaluation,
    SampledItem,
    SampleDraw,
    ScoreEntry,
    ScoreSheet,
)
from jixiao_web.assessment.scoring import Rescored, rescore
from jixiao_web.assessment.services import AssessmentError
from jixiao_web.core.downloads import stored_download
from jixiao_web.core.paging import page_of
from jixiao_web.orgs.access import (
    Access,
    AssessAction,
    assess_allows,
    assess_issuer_regions,
    assess_require,
    assess_sheet,
    assess_sheets,
    assess_task,
    assess_tasks,
)
from jixiao_web.orgs.models import Membership, Role
from jixiao_web.workflow import services as workflow

STATE_LABELS = dict(flow.SELF_EVALUATION.choices())


def _access(request: HttpRequest) -> Access:
    return request.access  # type: ignore[attr-defined, no-any-return]


def _refused(request: HttpRequest, error: AssessmentError, back: str = "") -> HttpResponse:
    """A refusal as a page (or, for htmx, the fragment) with its status and every message."""
    return render(
        request,
        "assessment/refused.html",
        {"error": error, "back": back},
        status=error.status,
    )


# --------------------------------------------------------------------------- lists


@login_required
def task_list(request: HttpRequest) -> HttpResponse:
    access = _access(request)
    sheets = assess_sheets(access).order_by("-task__issued_at", "department__code")
    q = request.GET.get("q", "").strip()[:50]
    if q:
        sheets = sheets.filter(Q(department__name__icontains=q) | Q(task__title__icontains=q))
    rows = []
    states = _states(list(sheets))
    wanted = request.GET.get("state", "")
    for sheet in sheets:
        code = states.get(sheet.pk, flow.FILLING)
        if wanted and code != wanted:
            continue
        rows.append({"sheet": sheet, "state": code, "state_label": STATE_LABELS[code]})
    order = request.GET.get("sort", "")
    if order == "deadline":
        rows.sort(key=lambda r: r["sheet"].task.deadline)
    elif order == "state":
        rows.sort(key=lambda r: list(STATE_LABELS).index(r["state"]))
    mine = KeyEvaluation.objects.filter(evaluator_id=request.user.pk).select_related(
        "sheet__department", "sheet__dataset", "sheet__task"
    )
    framework_names = dict(services.department_frameworks())
    page = page_of(request, rows)
    context = {
        "page": page,
        "rows": page.object_list,
        "q": q,
        "state": wanted,
        "sort": order,
        "states": flow.SELF_EVALUATION.choices(),
        "may_issue": bool(assess_issuer_regions(access)),
        # each task with its framework's Chinese name (a clerk does not know "gd-dept-2023")
        "tasks": [
            {"task": t, "framework_name": framework_names.get(t.framework, t.framework)}
            for t in assess_tasks(access)
            .filter(region_id__in=assess_issuer_regions(access))
            .order_by("-issued_at")[:50]
        ],
        "key_evaluations": mine,
    }
    return render(request, "assessment/list.html", context)


def _states(sheets: list[ScoreSheet]) -> dict[int, str]:
    from django.contrib.contenttypes.models import ContentType

    from jixiao_web.workflow.models import WorkflowState

    if not sheets:
        return {}
    found = WorkflowState.objects.filter(
        workflow=flow.SELF_EVALUATION.name,
        content_type=ContentType.objects.get_for_model(ScoreSheet),
        object_id__in=[s.pk for s in sheets],
    )
    return {int(s.object_id): s.state for s in found}


@login_required
@require_http_methods(["GET", "POST"])
def task_new(request: HttpRequest) -> HttpResponse:
    access = _access(request)
    regions = assess_issuer_regions(access)
    if not regions:
        raise PermissionDenied("只有财政绩效管理处可以下达自评任务")
    datasets = access.datasets().filter(region_id__in=regions).order_by("department__code", "-year")
    frameworks = services.department_frameworks()
    form: dict[str, Any] = {
        "title": "",
        "year": "",
        "framework": frameworks[0][0] if frameworks else "",
        "deadline": "",
        "note": "",
        "datasets": [],
    }
    errors: list[str] = []
    if request.method == "POST":
        form = {
            "title": request.POST.get("title", "")[:200],
            "year": request.POST.get("year", ""),
            "framework": request.POST.get("framework", ""),
            "deadline": request.POST.get("deadline", ""),
            "note": request.POST.get("note", "")[:4000],
            "datasets": request.POST.getlist("datasets"),
        }
        chosen = [d for d in datasets if str(d.pk) in form["datasets"]]
        deadline = _date(form["deadline"])
        year = form["year"].strip()
        if deadline is None:
            errors.append("截止日期须为 年-月-日，如 2024-05-31")
        if not year.isdigit() or not 2000 <= int(year) <= 2100:
            errors.append("评价年度须为四位年份，如 2023")
        if len(chosen) != len(form["datasets"]):
            errors.append("所选数据集不存在或不属于本地区")
        if not errors and deadline is not None:
            try:
                task = services.issue_task(
                    access=access,
                    actor=request.user,
                    region_id=regions[0] if not chosen else chosen[0].region_id,
                    title=form["title"],
                    year=int(year),
                    framework_id=form["framework"],
                    deadline=deadline,
                    datasets=chosen,
                    note=form["note"],
                )
            except AssessmentError as error:
                errors.extend(error.messages)
            else:
                messages.success(request, f"已下达自评任务“{task.title}”（{len(chosen)} 个部门）")
                return redirect("assessment:task", task.pk)
    context = {"form": form, "errors": errors, "datasets": datasets, "frameworks": frameworks}
    return render(request, "assessment/new.html", context, status=422 if errors else 200)


def _date(text: str) -> date | None:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        return None


@login_required
def task_detail(request: HttpRequest, pk: int) -> HttpResponse:
    access = _access(request)
    task = assess_task(access, pk)
    sheets = list(
        assess_sheets(access)
        .filter(task=task)
        .order_by("department__code")
        .prefetch_related(
            Prefetch(
                "key_evaluations",
                KeyEvaluation.objects.select_related("evaluator").order_by("pk"),
                to_attr="experts",
            )
        )
    )
    # one page of sheets: their states and summaries (scored on issue and on every change
    # by the task worker, never here: a missing one shows 计算中)
    page = page_of(request, sheets)
    sheets = list(page.object_list)
    states = _states(sheets)
    summaries = services.sheet_summaries(sheets)
    rows = [
        {
            "sheet": sheet,
            "state": STATE_LABELS[states.get(sheet.pk, flow.FILLING)],
            "entered": summaries[sheet.pk].entered,
            "computed": summaries[sheet.pk].computed,
            "grade": summaries[sheet.pk].grade,
            "ready": summaries[sheet.pk].ready,
            "experts": sheet.experts,
        }
        for sheet in sheets
    ]
    may_issue = task.region_id in assess_issuer_regions(access)
    evaluators = get_user_model().objects.filter(
        pk__in=Membership.objects.filter(role=Role.EVALUATOR, region_id=task.region_id).values(
            "user_id"
        )
    )
    context = {
        "task": task,
        "page": page,
        "rows": rows,
        "may_issue": may_issue,
        "may_sample": may_issue or _bureau_of(access, task.region_id),
        "draw": SampleDraw.objects.filter(task=task).first(),
        "evaluators": evaluators if may_issue else [],
        "framework_name": dict(services.department_frameworks()).get(
            task.framework, task.framework
        ),
    }
    return render(request, "assessment/task.html", context)


def _bureau_of(access: Access, region_id: int) -> bool:
    return any(
        m.role in (Role.BUREAU_ADMIN, Role.BUREAU_REVIEWER) and m.region_id == region_id
        for m in access.memberships
    )


@login_required
@require_POST
def task_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    access = _access(request)
    task = assess_task(access, pk)
    try:
        count = services.cancel_task(
            task, access=access, actor=request.user, reason=request.POST.get("reason", "")
        )
    except AssessmentError as error:
        return _refused(request, error, reverse("assessment:task", args=[task.pk]))
    messages.success(request, f"已撤销自评任务（{count} 张自评表）")
    return redirect("assessment:task", task.pk)


# --------------------------------------------------------------------------- the scorecard


def _sheet_context(request: HttpRequest, sheet: ScoreSheet, scored: Rescored) -> dict[str, Any]:
    access = _access(request)
    entries = {e.code: e for e in sheet.entries.all()}
    evidence: dict[str, list[Evidence]] = {}
    for item in sheet.evidence.all():
        evidence.setdefault(item.code, []).append(item)
    current = workflow.state_of(sheet, flow.SELF_EVALUATION)
    can_fill = assess_allows(access, AssessAction.FILL, sheet) and services.editable(sheet)
    rows = [
        {"line": line, "entry": entries.get(line.code), "evidence": evidence.get(line.code, [])}
        for line in scored.lines
    ]
    actions = services.available(sheet, access)
    # 提交 is a button of the 评价结论 form when the user fills: it saves what is typed first.
    submit = next((t for t in actions if t.action == "submit"), None) if can_fill else None
    return {
        "sheet": sheet,
        "task": sheet.task,
        "scored": scored,
        "rows": rows,
        "state": current,
        "state_label": STATE_LABELS[current.state],
        "actions": actions,
        "submit": submit,
        "decisions": [t for t in actions if t is not submit],
        "can_fill": can_fill,
        "can_report": assess_allows(access, AssessAction.REPORT, sheet),
        "history": [
            {"event": e, "state": STATE_LABELS.get(e.to_state, e.to_state)}
            for e in workflow.history(sheet)
        ],
        "last_opinion": workflow.last_opinion(sheet),
        "findings": [f for f in scored.card.findings if f.severity != "info"],
        "qual_grades": ("达成", "部分达成", "未达成"),
        "evidence_types": "、".join(sorted({s.lstrip(".") for s in services.EVIDENCE_TYPES})),
        "evidence_mb": services.evidence_limit() // (1024 * 1024),
        "reviews": SampledItem.objects.filter(sheet=sheet).order_by("pk")
        if _bureau_of(access, sheet.region_id)
        else [],
    }


@login_required
def sheet_view(request: HttpRequest, pk: int) -> HttpResponse:
    access = _access(request)
    sheet = assess_sheet(access, pk)
    assess_require(access, AssessAction.VIEW, sheet)
    return render(request, "assessment/sheet.html", _sheet_context(request, sheet, rescore(sheet)))


@login_required
@require_POST
def entry_save(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    """Save one item and answer with the engine's points of every item (htmx, out of band)."""
    access = _access(request)
    sheet = assess_sheet(access, pk)
    data = {
        k: request.POST.get(k, "") for k in ("actual", "qual_grade", "score", "reason", "version")
    }
    status, problems, conflict = 200, [], None
    try:
        saved = services.save_entry(sheet, code, data, access=access, actor=request.user)
    except AssessmentError as error:
        if error.status in (403, 404) or not request.htmx:  # type: ignore[attr-defined]
            return _refused(request, error, reverse("assessment:sheet", args=[sheet.pk]))
        status, problems = error.status, error.messages
    else:
        if isinstance(saved, services.Conflict):
            status, conflict = 409, saved.entry
    if not request.htmx:  # type: ignore[attr-defined]
        if conflict is not None:
            return _refused(
                request,
                AssessmentError(409, "该指标已被他人修改，请刷新页面后再填写"),
                reverse("assessment:sheet", args=[sheet.pk]),
            )
        return redirect(f"{reverse('assessment:sheet', args=[sheet.pk])}#item-{_anchor(code)}")
    sheet.refresh_from_db()
    context = _sheet_context(request, sheet, rescore(sheet))
    context.update(
        {
            "code": code,
            "problems": problems,
            "conflict": conflict,
            "entry": ScoreEntry.objects.filter(sheet=sheet, code=code).first(),
        }
    )
    return render(request, "assessment/_calc.html", context, status=status)


@login_required
@require_POST
def summary_save(request: HttpRequest, pk: int) -> HttpResponse:
    access = _access(request)
    sheet = assess_sheet(access, pk)
    data = {k: request.POST.get(k, "") for k in ("conclusion", "problems", "measures", "version")}
    try:
        services.save_summary(sheet, data, access=access, actor=request.user)
        if request.POST.get("action") == "submit":  # 提交 saves what is typed first
            event = services.decide(sheet, "submit", access=access, actor=request.user)
            messages.success(
                request, f"已保存评价结论、存在问题和改进措施，并已{event.action_label}"
            )
            return redirect("assessment:sheet", sheet.pk)
    except AssessmentError as error:
        return _refused(request, error, reverse("assessment:sheet", args=[sheet.pk]))
    messages.success(request, "已保存评价结论、存在问题和改进措施")
    return redirect(f"{reverse('assessment:sheet', args=[sheet.pk])}#summary")


@login_required
@require_POST
def act(request: HttpRequest, pk: int) -> HttpResponse:
    access = _access(request)
    sheet = assess_sheet(access, pk)
    version = request.POST.get("version", "")
    try:
        event = services.decide(
            sheet,
            request.POST.get("action", ""),
            access=access,
            actor=request.user,
            opinion=request.POST.get("opinion", "")[:4000],
            version=int(version) if version.isdigit() else None,
        )
    except AssessmentError as error:
        return _refused(request, error, reverse("assessment:sheet", args=[sheet.pk]))
    messages.success(request, f"已{event.action_label}")
    return redirect("assessment:sheet", sheet.pk)


def _anchor(code: str) -> str:
    """An item's row id on the sheet and the 重点评价 page (``1.1.7`` → ``1-1-7``)."""
    return code.replace(".", "-")


# --------------------------------------------------------------------------- evidence


@login_required
@require_POST
def evidence_upload(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    access = _access(request)
    sheet = assess_sheet(access, pk)
    try:
        saved = services.add_evidence(
            sheet, code, request.FILES.get("file"), access=access, actor=request.user
        )
    except AssessmentError as error:
        return _refused(
            request, error, f"{reverse('assessment:sheet', args=[sheet.pk])}#item-{_anchor(code)}"
        )
    messages.success(request, f"已上传第 {code} 项的佐证材料“{saved.original_name}”")
    return redirect(f"{reverse('assessment:sheet', args=[sheet.pk])}#item-{_anchor(code)}")


def _evidence(access: Access, pk: int) -> Evidence:
    found = (
        Evidence.objects.filter(pk=pk, sheet__in=assess_sheets(access).values("pk"))
        .select_related("sheet__task", "sheet__department", "sheet__dataset")
        .first()
    )
    if found is None:
        raise Http404("佐证材料不存在")
    return found


@login_required
def evidence_download(request: HttpRequest, pk: int) -> FileResponse:
    access = _access(request)
    evidence = _evidence(access, pk)
    assess_require(access, AssessAction.VIEW, evidence.sheet)
    return stored_download(
        evidence.file.name, evidence.original_name, evidence.media_type, "佐证材料文件已不存在"
    )


@login_required
@require_POST
def evidence_delete(request: HttpRequest, pk: int) -> HttpResponse:
    access = _access(request)
    evidence = _evidence(access, pk)
    sheet, code = evidence.sheet, evidence.code
    try:
        services.delete_evidence(evidence, access=access, actor=request.user)
    except AssessmentError as error:
        return _refused(request, error, reverse("assessment:sheet", args=[sheet.pk]))
    messages.success(request, f"已删除佐证材料“{evidence.original_name}”")
    return redirect(f"{reverse('assessment:sheet', args=[sheet.pk])}#item-{_anchor(code)}")


# --------------------------------------------------------------------------- report


@login_required
@require_http_methods(["GET", "POST"])
def report(request: HttpRequest, pk: int) -> HttpResponse:
    """The self-evaluation report from the same data, as a background report job (the
    evaluation app's, with progress); the page lists the sheet's jobs and their files."""
    from jixiao.reports.render import RENDERERS
    from jixiao_web.assessment import reports
    from jixiao_web.evaluation.reports import REPORT_FORMATS, BadRequest

    access = _access(request)
    sheet = assess_sheet(access, pk)
    assess_require(access, AssessAction.REPORT, sheet)
    error = ""
    if request.method == "POST":
        try:
            job = reports.request(sheet, request.user, request.POST.getlist("formats"))
        except BadRequest as refused:
            error = str(refused)
        else:
            return redirect("assessment:report_job", sheet.pk, job.pk)
    context = {
        "sheet": sheet,
        "jobs": reports.jobs(sheet).prefetch_related("files")[:20],
        "formats": [(f, RENDERERS.name(f)) for f in REPORT_FORMATS],
        "error": error,
    }
    return render(request, "assessment/report.html", context, status=422 if error else 200)


def _report_job(request: HttpRequest, pk: int, job_id: int) -> tuple[ScoreSheet, Any]:
    from jixiao_web.assessment import reports

    access = _access(request)
    sheet = assess_sheet(access, pk)
    assess_require(access, AssessAction.REPORT, sheet)
    job = reports.jobs(sheet).filter(pk=job_id).first()
    if job is None:
        raise Http404("没有这个报告任务")
    return sheet, job


@login_required
def report_job(request: HttpRequest, pk: int, job_id: int) -> HttpResponse:
    """One job: htmx polls the fragment until it is finished, then it lists the files."""
    sheet, job = _report_job(request, pk, job_id)
    context = {"sheet": sheet, "job": job, "files": list(job.files.all())}
    if getattr(request, "htmx", False):
        return render(request, "assessment/_report_job.html", context)
    return render(request, "assessment/report_job.html", context)


@login_required
def report_file(request: HttpRequest, pk: int, job_id: int, file_id: int) -> FileResponse:
    _, job = _report_job(request, pk, job_id)
    file = job.files.filter(pk=file_id).first()
    if file is None:
        raise Http404("文件已不存在，请重新生成报告")
    return stored_download(
        file.name, file.filename, file.media_type, "文件已不存在，请重新生成报告"
    )


# --------------------------------------------------------------------------- 抽查复核


@login_required
@require_http_methods(["GET", "POST"])
def sample(request: HttpRequest, pk: int) -> HttpResponse:
    access = _access(request)
    task = assess_task(access, pk)
    if not _bureau_of(access, task.region_id):
        raise PermissionDenied("只有财政部门可以查看抽查复核")
    errors: list[str] = []
    status = 422
    if request.method == "POST":
        seed_text = request.POST.get("seed", "").strip()
        try:
            percent = Decimal(request.POST.get("percent", "").strip())
        except InvalidOperation:
            errors.append("抽样比例须为数字，如 30")
            percent = Decimal(0)
        if seed_text and not seed_text.isdigit():
            errors.append("随机种子须为非负整数（留空由系统生成并记录）")
        if not errors:
            try:
                services.draw_sample(
                    task,
                    access=access,
                    actor=request.user,
                    rule=request.POST.get("rule", ""),
                    percent=percent,
                    seed=int(seed_text) if seed_text else None,
                )
            except AssessmentError as error:
                if error.status == 403:
                    raise PermissionDenied(error.messages[0]) from None
                errors.extend(error.messages)
                status = error.status
            else:
                messages.success(request, "已抽取复核样本")
                return redirect("assessment:sample", task.pk)
    draw = SampleDraw.objects.filter(task=task).first()
    items = (
        list(
            draw.items.select_related(
                "department", "sheet__dataset", "sheet__task", "sheet__department"
            ).order_by("department__code", "pk")
        )
        if draw
        else []
    )
    context = {
        "task": task,
        "draw": draw,
        "items": items,
        "statement": sampling.statement(draw.rule, draw.percent, draw.seed) if draw else "",
        "rule_name": sampling.SAMPLE_RULES.name(draw.rule) if draw else "",
        "rules": [(e.id, e.name) for e in sampling.SAMPLE_RULES.entries()],
        "deviations": services.deviations(items),
        "sheets": services.sheet_reviews(items),
        "qual_grades": QUAL_GRADES,
        "may_draw": task.region_id in assess_issuer_regions(access),
        "may_review": True,
        "errors": errors,
    }
    return render(request, "assessment/sample.html", context, status=status if errors else 200)


@login_required
@require_POST
def review_save(request: HttpRequest, pk: int) -> HttpResponse:
    access = _access(request)
    item = (
        SampledItem.objects.filter(pk=pk, sheet__in=assess_sheets(access).values("pk"))
        .select_related("draw")
        .first()
    )
    if item is None:
        raise Http404("复核项不存在")
    back = f"{reverse('assessment:sample', args=[item.draw.task_id])}#review-{item.pk}"
    try:
        services.save_review(item, request.POST, access=access, actor=request.user)
    except AssessmentError as error:
        return _refused(request, error, back)
    return redirect(back)


# --------------------------------------------------------------------------- 重点评价


@login_required
@require_POST
def assign(request: HttpRequest, pk: int) -> HttpResponse:
    access = _access(request)
    sheet = assess_sheet(access, pk)
    try:
        services.assign_expert(
            sheet, request.POST.get("evaluator", ""), access=access, actor=request.user
        )
    except AssessmentError as error:
        return _refused(request, error, reverse("assessment:task", args=[sheet.task_id]))
    except ValueError:
        return _refused(
            request,
            AssessmentError(422, "请选择本地区的第三方机构（专家）"),
            reverse("assessment:task", args=[sheet.task_id]),
        )
    messages.success(request, "已委托第三方机构（专家）开展重点评价")
    return redirect("assessment:task", sheet.task_id)


def _key(access: Access, request: HttpRequest, pk: int) -> KeyEvaluation:
    found = (
        KeyEvaluation.objects.filter(pk=pk, sheet__in=assess_sheets(access).values("pk"))
        .select_related("sheet__task", "sheet__department", "sheet__dataset", "evaluator")
        .first()
    )
    if found is None:
        raise Http404("重点评价不存在")
    if found.evaluator_id != request.user.pk and not _bureau_of(access, found.region_id):
        raise PermissionDenied("只有受托的第三方机构（专家）和财政部门可以查看重点评价")
    return found


@login_required
def key_view(request: HttpRequest, pk: int) -> HttpResponse:
    access = _access(request)
    evaluation = _key(access, request, pk)
    scored = rescore(evaluation.sheet)
    given = {s.code: s for s in evaluation.scores.all()}
    rows = [{"line": line, "expert": given.get(line.code)} for line in scored.lines]
    total = sum((s.score for s in given.values() if s.score is not None), Decimal(0))
    context = {
        "evaluation": evaluation,
        "sheet": evaluation.sheet,
        "rows": rows,
        "scored": scored,
        "expert_total": total if given else None,
        "mine": evaluation.evaluator_id == request.user.pk,
    }
    return render(request, "assessment/key.html", context)


@login_required
@require_POST
def key_declare(request: HttpRequest, pk: int) -> HttpResponse:
    access = _access(request)
    evaluation = _key(access, request, pk)
    choice = request.POST.get("has_conflict", "")
    has_conflict = {"yes": True, "no": False}.get(choice)
    try:
        services.declare(
            evaluation,
            actor=request.user,
            has_conflict=has_conflict,
            declaration=request.POST.get("declaration", ""),
        )
    except AssessmentError as error:
        return _refused(request, error, reverse("assessment:key", args=[evaluation.pk]))
    messages.success(request, "已作出利益冲突声明")
    return redirect("assessment:key", evaluation.pk)


@login_required
@require_POST
def key_score(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    access = _access(request)
    evaluation = _key(access, request, pk)
    try:
        services.expert_score(evaluation, code, request.POST, access=access, actor=request.user)
    except AssessmentError as error:
        return _refused(request, error, reverse("assessment:key", args=[evaluation.pk]))
    return redirect(f"{reverse('assessment:key', args=[evaluation.pk])}#item-{_anchor(code)}")
