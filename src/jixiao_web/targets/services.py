"""Every write to a target form, and every decision on one, goes through here.

- :func:`create_project` / :func:`create_department` open a form (who may: the access layer);
- :func:`save` replaces a form's content after the engine's parser accepted every field
  (nothing is half-written), refusing an old page (409) or a form under review (403);
- :func:`decide` applies a workflow action through the shared core
  (:func:`jixiao_web.workflow.services.transition`): 403/409/422, the event, the tasks and
  notices; a 送审 first checks the form is complete and stores a version snapshot;
- :func:`diff` compares two snapshots for the reviewer.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q, QuerySet
from django.urls import reverse

from jixiao.dataset.build import InputError, RawCell
from jixiao_web.orgs.models import Department, Division, Membership, Role, Unit
from jixiao_web.targets.flow import FILLERS, REVIEW_ACTIONS, SUBMITS, flow_for
from jixiao_web.targets.models import TargetForm, TargetIndicator, TargetTask, TargetVersion
from jixiao_web.targets.schema import (
    DepartmentHeader,
    IndicatorRow,
    ProjectHeader,
    TaskRow,
    columns,
    parse_row,
    row_dict,
)
from jixiao_web.workflow import services as workflow
from jixiao_web.workflow.machine import Transition
from jixiao_web.workflow.models import Notice, WorkflowEvent, WorkflowState
from jixiao_web.workflow.services import NoticeSpec

if TYPE_CHECKING:
    from jixiao_web.orgs.access import Access


class TargetError(Exception):
    """A refused write; ``str()`` is the Chinese message, ``status`` the HTTP answer."""

    status = 400


class NotAllowed(TargetError):
    status = 403


class Conflict(TargetError):
    """The form changed since the page was opened."""

    status = 409


class Invalid(TargetError):
    """Fields that did not parse: every problem with its place."""

    status = 422

    def __init__(self, errors: Sequence[InputError]) -> None:
        self.errors = list(errors)
        super().__init__("；".join(str(e) for e in errors))


@dataclass
class Content:
    """What a form holds: its header, its tasks, its indicators (engine-parsed values)."""

    header: ProjectHeader | DepartmentHeader
    tasks: list[TaskRow] = field(default_factory=list)
    indicators: list[IndicatorRow] = field(default_factory=list)


HEADER_TYPES: dict[str, type] = {"project": ProjectHeader, "department": DepartmentHeader}


def header_type(form: TargetForm) -> type:
    return HEADER_TYPES[form.kind]


# --------------------------------------------------------------------------- reading


def content_of(form: TargetForm) -> Content:
    """The stored content (values as stored; use :func:`check` for completeness)."""
    kind = header_type(form)
    header = kind(**{c.key: getattr(form, c.key) for c in columns(kind)})
    tasks = [
        TaskRow(**{c.key: getattr(t, c.key) for c in columns(TaskRow)}, loc=f"task:{i}")
        for i, t in enumerate(form.tasks.order_by("position"))
    ]
    indicators = [
        IndicatorRow(**{c.key: getattr(r, c.key) for c in columns(IndicatorRow)}, loc=f"row:{i}")
        for i, r in enumerate(form.indicators.order_by("position"))
    ]
    return Content(header, tasks, indicators)


def check(form: TargetForm, content: Content) -> list[InputError]:
    """What keeps a form from being submitted: required fields, at least one indicator."""
    errors: list[InputError] = []
    text_cells = {
        c.key: RawCell(_text(getattr(content.header, c.key)), f"基本信息·{c.header}")
        for c in columns(type(content.header))
    }
    parse_row(type(content.header), "基本信息", text_cells, errors)
    if form.kind == "project" and form.division_id is None:
        errors.append(InputError("基本信息·主管处室", "项目未指定主管处室，不能送审"))
    this_year = [r for r in content.indicators if r.year == form.year]
    if not this_year:
        errors.append(InputError("绩效指标", f"至少填写一个 {form.year} 年度的绩效指标"))
    header = content.header
    if isinstance(header, ProjectHeader) and header.start_year and header.end_year:
        if header.end_year < header.start_year:
            errors.append(InputError("基本信息·实施期止", "实施期止不能早于实施期起"))
        elif not header.start_year <= form.year <= header.end_year:
            errors.append(InputError("基本信息·实施期", f"预算年度 {form.year} 不在实施期内"))
    for i, row in enumerate(content.indicators):
        if row.sign == "定性" and not row.target_desc:
            errors.append(InputError(f"绩效指标第{i + 1}行·指标值说明", "定性指标须填写指标值说明"))
        if row.is_new and row.code:
            errors.append(
                InputError(f"绩效指标第{i + 1}行·新增指标", "从指标库选用的指标不是新增指标")
            )
    return errors


def _text(value: Any) -> Any:
    if isinstance(value, Decimal):
        return format(value, "f")
    return value


# --------------------------------------------------------------------------- parsing


def parse(
    form: TargetForm,
    header: Mapping[str, RawCell],
    tasks: Iterable[tuple[str, Mapping[str, RawCell]]],
    indicators: Iterable[tuple[str, Mapping[str, RawCell]]],
    *,
    require_header: bool = False,
) -> tuple[Content, list[InputError]]:
    """Raw cells (web fields or workbook cells) → content and every problem, with its place.

    A draft may be saved with header fields still blank (``require_header`` is for the
    workbook import, which brings the whole form); rows must parse completely.
    """
    errors: list[InputError] = []
    kind = header_type(form)
    header_errors: list[InputError] = []
    parsed_header = parse_row(kind, "基本信息", header, header_errors)
    required = {f"“{c.header}”必填，不能为空" for c in columns(kind) if c.required}
    errors += [e for e in header_errors if require_header or e.message not in required]
    content = Content(
        parsed_header,
        [parse_row(TaskRow, loc, cells, errors) for loc, cells in tasks],
        [_library_row(parse_row(IndicatorRow, loc, cells, errors)) for loc, cells in indicators],
    )
    code = getattr(parsed_header, "code", "")
    if code and code != form.code:  # a project keeps the code it was opened with
        place = header["code"].loc if "code" in header else "项目编码"
        errors.append(InputError(place, f"项目编码应为“{form.code}”，不能改为“{code}”"))
    return content, errors


def _library_row(row: IndicatorRow) -> IndicatorRow:
    """An indicator named as in the library gets its code; one the library lacks is 新增."""
    from dataclasses import replace

    from jixiao_web.targets.review import library

    lib = library()
    code = row.code if row.code in lib.by_code else lib.code_for_name(row.name)
    if code and not row.code:
        return replace(row, code=code, is_new=False)
    if not code and not row.code and row.is_new is None:
        return replace(row, is_new=True)
    return row


# --------------------------------------------------------------------------- forms


def fillers_roles(access: Access, form: TargetForm) -> set[Role]:
    return access.target_roles(form) & FILLERS[form.kind]


def state_of(form: TargetForm) -> WorkflowState:
    return workflow.state_of(form, flow_for(form.kind))


def editable(access: Access, form: TargetForm) -> bool:
    return (
        bool(fillers_roles(access, form)) and state_of(form).state in flow_for(form.kind).editable
    )


def missing_project_fields(code: str, name: str) -> list[InputError]:
    """The required text fields of a new project form left empty, each named."""
    errors = []
    if not code.strip():
        errors.append(InputError("项目编码", "“项目编码”必填，不能为空"))
    if not name.strip():
        errors.append(InputError("项目名称", "“项目名称”必填，不能为空"))
    return errors


def create_project(
    access: Access,
    user: Any,
    department: Department,
    year: int,
    code: str,
    name: str,
    unit: Unit,
    division: Division | None,
) -> TargetForm:
    """A new project form in 草稿; the clerk's unit or the 处室's own division only.

    The 主管处室 is required: it is the first level of review (``flow.PROJECT_FLOW``).
    """
    if not access.may_create_project_target(department, unit, division):
        raise NotAllowed("您的角色不能为该单位或处室申报项目绩效目标")
    errors = []
    if division is None:
        errors.append(InputError("主管处室", "“主管处室”必填：项目绩效目标先由主管处室审核"))
    errors += missing_project_fields(code, name)
    if TargetForm.objects.filter(
        department=department, year=year, kind="project", code=code.strip()
    ).exists():
        errors.append(InputError("项目编码", f"项目编码“{code.strip()}”在 {year} 年度已有申报表"))
    if errors:
        raise Invalid(errors)
    return TargetForm.objects.create(
        region_id=department.region_id,
        department=department,
        unit=unit,
        division=division,
        year=year,
        kind="project",
        code=code.strip(),
        name=name.strip(),
        start_year=year,
        end_year=year,
        updated_by=user,
    )


def create_department(access: Access, user: Any, department: Department, year: int) -> TargetForm:
    """The department's own form for ``year`` (one per year; found if it exists)."""
    if not access.may_create_department_target(department):
        raise NotAllowed("只有部门财务处可以申报部门整体绩效目标")
    form, _ = TargetForm.objects.get_or_create(
        department=department,
        year=year,
        kind="department",
        code="",
        defaults={"region_id": department.region_id, "name": department.name, "updated_by": user},
    )
    return form


@transaction.atomic
def save(access: Access, form: TargetForm, content: Content, user: Any, version: int) -> TargetForm:
    """Replace the form's content: only its fillers, only while editable, only if unchanged."""
    locked = TargetForm.objects.select_for_update().get(pk=form.pk)
    if not editable(access, locked):
        raise NotAllowed("当前状态下不能修改，或您不是本表的填报人")
    if locked.version != version:
        raise Conflict("该申报表已被他人修改，请刷新页面后再修改")
    write(locked, content, user)
    return locked


def write(form: TargetForm, content: Content, user: Any) -> None:
    """Store ``content`` in ``form`` (callers hold the lock and checked the rights)."""
    for column in columns(type(content.header)):
        value = getattr(content.header, column.key)
        if column.key == "code" and not value:
            continue  # a project keeps its code
        if column.key == "name" and not value:
            continue
        setattr(form, column.key, value if value is not None else _empty(form, column.key))
    form.version += 1
    form.updated_by = user
    form.save()
    keys = {"region_id": form.region_id, "department_id": form.department_id, "form": form}
    form.tasks.all().delete()
    TargetTask.objects.bulk_create(
        TargetTask(position=i, **keys, **_stored(row_dict(t), form))
        for i, t in enumerate(content.tasks)
    )
    form.indicators.all().delete()
    TargetIndicator.objects.bulk_create(
        TargetIndicator(position=i, **keys, **_stored(row_dict(r), form))
        for i, r in enumerate(content.indicators)
    )


def _empty(form: TargetForm, key: str) -> Any:
    field_ = TargetForm._meta.get_field(key)
    return None if getattr(field_, "null", False) else ""


def _stored(values: dict[str, Any], form: TargetForm) -> dict[str, Any]:
    values = dict(values)
    if values.get("year") is None:
        values["year"] = form.year
    if "is_new" in values:
        values["is_new"] = bool(values["is_new"])
    for key in ("content", "target_desc", "unit", "basis", "explanation", "code", "level2"):
        if key in values and values[key] is None:
            values[key] = ""
    return values


# --------------------------------------------------------------------------- decisions


def decide(
    access: Access,
    form: TargetForm,
    action: str,
    user: Any,
    *,
    opinion: str = "",
    version: int | None = None,
) -> WorkflowEvent:
    """One decision on ``form`` by ``user`` with the roles they hold *on this form*."""
    form.refresh_from_db()  # what is stored now is what gets submitted
    flow = flow_for(form.kind)
    roles = access.target_roles(form)
    step = flow.transition(action) if action in SUBMITS else None
    if step and roles & step.roles and state_of(form).state in step.sources:
        problems = check(form, content_of(form))  # the core refuses roles and states first
        if problems:
            raise Invalid(problems)
    with transaction.atomic():
        event = workflow.transition(
            form,
            flow,
            action,
            actor=user,
            roles=roles,
            opinion=opinion,
            version=version,
            notices=_notices,
        )
        if action in SUBMITS:
            _snapshot(form, user)
    return event


def _snapshot(form: TargetForm, user: Any) -> TargetVersion:
    number = form.versions.count() + 1
    return TargetVersion.objects.create(
        region_id=form.region_id,
        department_id=form.department_id,
        form=form,
        number=number,
        content=snapshot(content_of(form)),
        created_by=user,
    )


def _users(condition: Q) -> list[Any]:
    ids = Membership.objects.filter(condition).values_list("user_id", flat=True)
    return list(get_user_model().objects.filter(pk__in=ids))


def _last_submitter(form: TargetForm) -> list[Any]:
    event = (
        workflow.history(form)
        .filter(action__in=SUBMITS)
        .order_by("-at", "-pk")
        .select_related("actor")
    ).first()
    return [event.actor] if event and event.actor else []


def _notices(form: TargetForm, step: Transition, event: WorkflowEvent) -> Iterable[NoticeSpec]:
    """Who hears of a decision: the next level's reviewers get a task, the submitter the
    outcome (a 退回 with its opinion, the 批复)."""
    link = reverse("targets:detail", args=[form.pk])
    what = str(form)
    department = Q(department_id=form.department_id)
    bureau = Q(region_id=form.region_id, role__in=[Role.BUREAU_ADMIN, Role.BUREAU_REVIEWER])
    if step.target == "submitted" and form.kind == "project":  # to the 主管处室
        reviewers = _users(Q(division_id=form.division_id, role=Role.DIVISION))
        yield NoticeSpec(
            reviewers, Notice.Kind.TASK, f"待处室审核：{what}", "请审核该项目绩效目标。", link
        )
    elif step.target == "division_ok":  # to the 财务处
        reviewers = _users(department & Q(role=Role.DEPT_ADMIN))
        body = f"处室审核意见：{event.opinion}" if event.opinion else "请审核该项目绩效目标。"
        yield NoticeSpec(reviewers, Notice.Kind.TASK, f"待部门审核：{what}", body, link)
    elif step.action in SUBMITS or step.action == "dept_approve":
        yield NoticeSpec(_users(bureau), Notice.Kind.TASK, f"待财政审核：{what}", "", link)
    elif step.action in ("division_return", "dept_return", "bureau_return"):
        yield NoticeSpec(
            _last_submitter(form), Notice.Kind.RETURNED, f"被退回：{what}", event.opinion, link
        )
    elif step.action == "approve":
        body = f"财政审核意见：{event.opinion}" if event.opinion else "绩效目标已批复。"
        yield NoticeSpec(_last_submitter(form), Notice.Kind.DONE, f"已批复：{what}", body, link)


# --------------------------------------------------------------------------- versions


def snapshot(content: Content) -> dict[str, Any]:
    """The content as JSON (numbers as exact text): what a 送审 version stores."""

    def plain(values: dict[str, Any]) -> dict[str, Any]:
        return {k: (format(v, "f") if isinstance(v, Decimal) else v) for k, v in values.items()}

    return {
        "header": plain(row_dict(content.header)),
        "tasks": [plain(row_dict(t)) for t in content.tasks],
        "indicators": [plain(row_dict(r)) for r in content.indicators],
    }


@dataclass(frozen=True)
class Change:
    part: str  #: 基本信息 / 主要任务 / 绩效指标
    item: str  #: the field, task or indicator changed
    kind: str  #: 修改 / 新增 / 删除
    before: str = ""
    after: str = ""


def _labels(row_type: type) -> dict[str, str]:
    return {c.key: c.header for c in columns(row_type)}


def _shown(value: Any) -> str:
    if value is None or value == "":
        return "（空）"
    if value is True:
        return "是"
    if value is False:
        return "否"
    return str(value)


def diff(old: Mapping[str, Any], new: Mapping[str, Any], kind: str) -> list[Change]:
    """What changed between two snapshots: header fields, tasks and indicators by name/year."""
    changes: list[Change] = []
    labels = _labels(HEADER_TYPES[kind])
    for key, label in labels.items():
        a, b = old["header"].get(key), new["header"].get(key)
        if a != b:
            changes.append(Change("基本信息", label, "修改", _shown(a), _shown(b)))
    changes += _rows("主要任务", old["tasks"], new["tasks"], TaskRow, ("year", "name"))
    changes += _rows(
        "绩效指标", old["indicators"], new["indicators"], IndicatorRow, ("year", "level1", "name")
    )
    return changes


def _rows(
    part: str,
    old: list[dict[str, Any]],
    new: list[dict[str, Any]],
    row_type: type,
    key: tuple[str, ...],
) -> list[Change]:
    labels = _labels(row_type)

    def name(row: dict[str, Any]) -> str:
        return f"{row.get('year')}年 {row.get('name')}"

    before = {tuple(r.get(k) for k in key): r for r in old}
    after = {tuple(r.get(k) for k in key): r for r in new}
    changes = []
    for k, row in after.items():
        if k not in before:
            changes.append(Change(part, name(row), "新增", "", _summary(row, labels)))
            continue
        for field_key, label in labels.items():
            a, b = before[k].get(field_key), row.get(field_key)
            if a != b:
                changes.append(Change(part, f"{name(row)}·{label}", "修改", _shown(a), _shown(b)))
    changes += [
        Change(part, name(row), "删除", _summary(row, labels), "")
        for k, row in before.items()
        if k not in after
    ]
    return changes


def _summary(row: dict[str, Any], labels: dict[str, str]) -> str:
    if "sign" in row:
        value = row.get("target") or row.get("target_desc") or ""
        return f"{row.get('sign')} {value}{row.get('unit') or ''}".strip()
    return str(row.get("content") or row.get("amount") or "")


def last_changes(
    form: TargetForm,
) -> tuple[TargetVersion | None, TargetVersion | None, list[Change]]:
    """The latest two submitted versions and what changed from the earlier to the later."""
    versions = list(form.versions.order_by("-number")[:2])
    if len(versions) < 2:
        return (versions[0] if versions else None), None, []
    new, old = versions
    return new, old, diff(old.content, new.content, form.kind)


# --------------------------------------------------------------------------- lists


def with_states(forms: QuerySet[TargetForm]) -> list[tuple[TargetForm, str]]:
    """Each form with its state code (one query for the states)."""
    from django.contrib.contenttypes.models import ContentType

    forms_list = list(forms)
    ct = ContentType.objects.get_for_model(TargetForm)
    states = dict(
        WorkflowState.objects.filter(
            content_type=ct, object_id__in=[f.pk for f in forms_list]
        ).values_list("object_id", "state")
    )
    return [(f, states.get(f.pk, "draft")) for f in forms_list]


def pending_for(
    access: Access, items: list[tuple[TargetForm, str]]
) -> list[tuple[TargetForm, str]]:
    """待审核: forms where the user holds a role that may take a review decision now."""
    result = []
    for form, state in items:
        flow = flow_for(form.kind)
        steps = flow.available(state, access.target_roles(form))
        if any(s.action in REVIEW_ACTIONS for s in steps):
            result.append((form, state))
    return result


def reviewed_by(user: Any, items: list[tuple[TargetForm, str]]) -> list[tuple[TargetForm, str]]:
    """已审核: forms on which the user took a review decision."""
    from django.contrib.contenttypes.models import ContentType

    ct = ContentType.objects.get_for_model(TargetForm)
    done = set(
        WorkflowEvent.objects.filter(
            content_type=ct, actor_id=user.pk, action__in=REVIEW_ACTIONS
        ).values_list("object_id", flat=True)
    )
    return [(f, s) for f, s in items if f.pk in done]


def approved_earlier(form: TargetForm, owner: str) -> list[TargetForm]:
    """The approved forms of earlier years for the same owner (the department, a 项目编码)."""
    from django.contrib.contenttypes.models import ContentType

    earlier = TargetForm.objects.filter(
        department_id=form.department_id, kind=form.kind, year__lt=form.year
    )
    if form.kind == "project":
        earlier = earlier.filter(code=owner)
    ct = ContentType.objects.get_for_model(TargetForm)
    approved = set(
        WorkflowState.objects.filter(
            content_type=ct, object_id__in=[f.pk for f in earlier], state="approved"
        ).values_list("object_id", flat=True)
    )
    return [f for f in earlier if f.pk in approved]
