"""Every write of 绩效评价管理, each checked (role and object) and recorded.

Refusals are :class:`AssessmentError` with an HTTP status and the Chinese messages the
page shows (403 a role that may not, 409 a state or a version that moved on, 422 bad
input — every problem at once, nothing half-written). Workflow decisions go through
``jixiao_web.workflow.services.transition`` (a :class:`WorkflowEvent` each); entries,
sheets, 复核得分 and expert scores keep their history (django-simple-history).
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import PurePosixPath
from typing import Any, TypeVar

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from jixiao.dataset.model import QUAL_GRADES
from jixiao.lib.money import parse_decimal
from jixiao.scoring import load_framework, score_dataset
from jixiao_web.assessment import flow, sampling
from jixiao_web.assessment.models import (
    AssessmentTask,
    Evidence,
    ExpertScore,
    KeyEvaluation,
    SampledItem,
    SampleDraw,
    ScoreEntry,
    ScoreSheet,
)
from jixiao_web.assessment.scoring import (
    EntryValues,
    Line,
    base_dataset,
    framework,
    indicator_places,
    rescore,
    starting_entries,
    walk,
)
from jixiao_web.assessment.summaries import (
    SUMMARY_SECONDS,
    Stored,
    issue_summaries,
    refresh_later,
    starting_summary,
    summary_key,
)
from jixiao_web.assessment.summaries import (  # the task page's, kept here for callers
    SheetSummary as SheetSummary,
)
from jixiao_web.assessment.summaries import (
    sheet_summaries as sheet_summaries,
)
from jixiao_web.core.filetypes import file_types
from jixiao_web.datasets.convert import to_engine
from jixiao_web.datasets.models import Dataset
from jixiao_web.orgs.access import (
    Access,
    AssessAction,
    assess_require,
    assess_require_region,
    assess_roles,
)
from jixiao_web.orgs.models import Membership, Role, Unit
from jixiao_web.workflow import services as workflow
from jixiao_web.workflow.machine import Transition
from jixiao_web.workflow.models import Notice, WorkflowEvent

_T = TypeVar("_T")


class AssessmentError(Exception):
    """A refused write; ``messages`` are shown on the page (all at once)."""

    def __init__(self, status: int, *messages: str) -> None:
        super().__init__("；".join(messages))
        self.status = status
        self.messages = list(messages)


def _forbid(access: Access, action: AssessAction, sheet: ScoreSheet) -> None:
    try:
        assess_require(access, action, sheet)
    except PermissionDenied as error:
        raise AssessmentError(403, str(error)) from None


def _forbid_region(access: Access, action: AssessAction, region_id: int) -> None:
    try:
        assess_require_region(access, action, region_id)
    except PermissionDenied as error:
        raise AssessmentError(403, str(error)) from None


# --------------------------------------------------------------------------- who hears


def _users(**place: Any) -> list[Any]:
    ids = Membership.objects.filter(**place).values("user_id")
    return list(get_user_model().objects.filter(pk__in=ids, is_active=True))


def fillers(sheet: ScoreSheet) -> list[Any]:
    """Who fills a sheet: the filling unit's clerks and the department's 财务处."""
    users = _users(role=Role.DEPT_ADMIN, department_id=sheet.department_id)
    if sheet.unit_id is not None:
        users += _users(role=Role.UNIT_CLERK, unit_id=sheet.unit_id)
    return users


def addressees(sheet: ScoreSheet) -> list[Any]:
    """Who a new task is addressed to: the filling unit's clerks (else the 财务处)."""
    if sheet.unit_id is not None:
        clerks = _users(role=Role.UNIT_CLERK, unit_id=sheet.unit_id)
        if clerks:
            return clerks
    return _users(role=Role.DEPT_ADMIN, department_id=sheet.department_id)


def _bureau(sheet: ScoreSheet) -> list[Any]:
    return _users(role__in=[Role.BUREAU_ADMIN, Role.BUREAU_REVIEWER], region_id=sheet.region_id)


def sheet_link(sheet: ScoreSheet) -> str:
    return reverse("assessment:sheet", args=[sheet.pk])


def _decision_notices(
    sheet: ScoreSheet, step: Transition, event: WorkflowEvent
) -> list[workflow.NoticeSpec]:
    link, name = sheet_link(sheet), str(sheet)
    due = sheet.task.deadline
    opinion = f"审核意见：{event.opinion}" if event.opinion else ""
    if step.action == "submit":
        admins = _users(role=Role.DEPT_ADMIN, department_id=sheet.department_id)
        return [workflow.NoticeSpec(admins, Notice.Kind.TASK, f"待部门审核：{name}", "", link, due)]
    if step.action == "dept_approve":
        return [
            workflow.NoticeSpec(
                _bureau(sheet), Notice.Kind.TASK, f"待财政审核：{name}", "", link, due
            )
        ]
    if step.action in ("dept_return", "bureau_return"):
        return [
            workflow.NoticeSpec(
                fillers(sheet), Notice.Kind.RETURNED, f"{step.label}：{name}", opinion, link
            ),
            workflow.NoticeSpec(
                fillers(sheet), Notice.Kind.TASK, f"请修改后重新提交：{name}", opinion, link, due
            ),
        ]
    if step.action == "bureau_approve":
        return [
            workflow.NoticeSpec(
                fillers(sheet), Notice.Kind.DONE, f"财政审核通过：{name}", opinion, link
            )
        ]
    if step.action == "cancel":
        return [
            workflow.NoticeSpec(
                fillers(sheet), Notice.Kind.NOTICE, f"自评任务已撤销：{name}", opinion, link
            )
        ]
    return []


# --------------------------------------------------------------------------- tasks


def department_frameworks() -> list[tuple[str, str]]:
    """(id, name) of the shipped frameworks that score a department's dataset."""
    from jixiao.scoring import known_frameworks

    found = []
    for framework_id in known_frameworks():
        fw = load_framework(framework_id)
        if fw.subject == "department" and fw.scale == "points":
            found.append((fw.id, fw.name))
    return found


def filling_unit(dataset: Dataset) -> Unit | None:
    """The unit whose clerk fills a department's sheet: its 本级 (the lowest 预算编码).

    An assumption stated in docs/web.md: the platforms we know address 部门整体 自评 to
    the department, which has its 本级 unit's 财务 staff fill it in.
    """
    return Unit.objects.filter(department_id=dataset.department_id).order_by("code").first()


def issue_task(
    *,
    access: Access,
    actor: Any,
    region_id: int,
    title: str,
    year: int,
    framework_id: str,
    deadline: date,
    datasets: Sequence[Dataset],
    note: str = "",
) -> AssessmentTask:
    """下发: one sheet per dataset, each starting with its dataset's own values.

    Those values come from scoring every dataset (seconds each on a province), done
    *before* the write transaction: on SQLite it holds the database's one write lock from
    its start, and other writers waiting past the busy timeout failed. Under the
    transaction every dataset's version is compared with the one scored; the datasets
    that moved are scored again (a few times, then a Chinese 409). Each sheet's summary for
    the task page is scored here too, from the dataset already converted
    (``assessment/summaries.py``), and kept on commit: no page view scores a new sheet.
    """
    _forbid_region(access, AssessAction.ISSUE, region_id)
    problems = []
    if framework_id not in dict(department_frameworks()):
        problems.append(f"评分框架“{framework_id}”不是可用于部门整体自评的框架")
    if not datasets:
        problems.append("请至少选择一个部门的数据集")
    if any(d.region_id != region_id for d in datasets):
        problems.append("所选数据集不属于本地区")
    if not title.strip():
        problems.append("请填写任务名称")
    if deadline < timezone.localdate():
        problems.append(f"截止日期 {deadline:%Y-%m-%d} 已过")
    if problems:
        raise AssessmentError(422, *problems)
    starts: dict[int, Start] = {}
    for _ in range(SAVE_ATTEMPTS):
        for dataset in datasets:
            if dataset.pk not in starts:
                starts[dataset.pk] = _start(dataset, framework_id)
        with transaction.atomic():
            locked = dict(
                Dataset.objects.select_for_update()
                .filter(pk__in=[d.pk for d in datasets])
                .values_list("pk", "version")
            )
            moved = [pk for pk, start in starts.items() if locked.get(pk) != start.version]
            if not moved:
                return _create_task(
                    actor, region_id, title, year, framework_id, deadline, datasets, note, starts
                )
        for pk in moved:
            del starts[pk]
    raise AssessmentError(409, "所选数据集正在被修改，请稍后再下发")


@dataclass(frozen=True)
class Start:
    """A new sheet as scored before the write: the dataset's version, the starting
    entries, and the summary the task page shows (``assessment/summaries.py``)."""

    version: int
    entries: dict[str, EntryValues]
    summary: Stored


def _start(dataset: Dataset, framework_id: str) -> Start:
    """Convert and score the dataset once for both the entries and the summary."""
    version = _version_of(dataset.pk)
    engine, _ = to_engine(dataset)
    card = score_dataset(engine, framework(framework_id))
    entries = starting_entries(engine, card)
    return Start(version, entries, starting_summary(engine, framework_id, entries, card))


def _version_of(dataset_id: int) -> int:
    found = Dataset.objects.filter(pk=dataset_id).values_list("version", flat=True).first()
    if found is None:
        raise AssessmentError(404, "所选数据集已不存在")
    return int(found)


def _create_task(
    actor: Any,
    region_id: int,
    title: str,
    year: int,
    framework_id: str,
    deadline: date,
    datasets: Sequence[Dataset],
    note: str,
    starts: Mapping[int, Start],
) -> AssessmentTask:
    """The task, its sheets with their starting entries, the notices (in the caller's
    transaction, every dataset's version as scored); the summaries kept on commit."""
    task = AssessmentTask.objects.create(
        region_id=region_id,
        title=title.strip(),
        year=year,
        framework=framework_id,
        deadline=deadline,
        note=note.strip(),
        issued_by=actor,
    )
    summaries = {}
    for dataset in datasets:
        sheet = ScoreSheet.objects.create(
            region_id=dataset.region_id,
            department_id=dataset.department_id,
            task=task,
            dataset=dataset,
            unit=filling_unit(dataset),
            updated_by=actor,
        )
        start = starts[dataset.pk]
        summaries[summary_key(framework_id, sheet.pk, sheet.version, dataset.pk, start.version)] = (
            start.summary
        )
        ScoreEntry.objects.bulk_create(
            # the exact-decimal fields store text but take and give Decimal (stubs see text)
            ScoreEntry(  # type: ignore[misc]
                region_id=sheet.region_id,
                department_id=sheet.department_id,
                sheet=sheet,
                code=code,
                actual=values.actual,
                qual_grade=values.qual_grade,
                score=values.score,
                reason=values.reason,
                updated_by=actor,
            )
            for code, values in start.entries.items()
        )
        workflow.notify(
            workflow.NoticeSpec(
                addressees(sheet),
                Notice.Kind.TASK,
                f"请填报：{task.title}（{sheet}）",
                task.note,
                sheet_link(sheet),
                task.deadline,
            ),
            about=sheet,
            sender=actor,
        )
    issue_summaries(summaries)
    return task


@transaction.atomic
def cancel_task(task: AssessmentTask, *, access: Access, actor: Any, reason: str) -> int:
    """撤销: only 财政绩效管理处 of the task's region; sheets not yet approved end 已撤销."""
    _forbid_region(access, AssessAction.ISSUE, task.region_id)
    if not reason.strip():
        raise AssessmentError(422, "撤销自评任务须填写撤销原因")
    task = AssessmentTask.objects.select_for_update().get(pk=task.pk)
    if task.cancelled:
        raise AssessmentError(409, "该自评任务已撤销")
    cancelled = 0
    for sheet in task.sheets.all():
        state = workflow.state_of(sheet, flow.SELF_EVALUATION).state
        if state in flow.SELF_EVALUATION.transition("cancel").sources:  # type: ignore[union-attr]
            workflow.transition(
                sheet,
                flow.SELF_EVALUATION,
                "cancel",
                actor=actor,
                roles=assess_roles(access, sheet),
                opinion=reason,
                notices=_decision_notices,
            )
            cancelled += 1
    task.cancelled_at = timezone.now()
    task.cancelled_by = actor
    task.cancel_reason = reason.strip()
    task._history_user = actor  # type: ignore[attr-defined]
    task.save(update_fields=["cancelled_at", "cancelled_by", "cancel_reason"])
    return cancelled


# --------------------------------------------------------------------------- filling


def state(sheet: ScoreSheet) -> str:
    return workflow.state_of(sheet, flow.SELF_EVALUATION).state


def editable(sheet: ScoreSheet) -> bool:
    return not sheet.task.cancelled and state(sheet) in flow.SELF_EVALUATION.editable


def _require_fill(sheet: ScoreSheet, access: Access) -> None:
    _forbid(access, AssessAction.FILL, sheet)
    if not editable(sheet):
        label = flow.SELF_EVALUATION.label_of(state(sheet))
        raise AssessmentError(409, f"自评表当前状态为“{label}”，不能修改")


@dataclass(frozen=True)
class Conflict:
    """Someone saved the entry since the form was opened: what they wrote."""

    entry: ScoreEntry


def parse_entry(
    code: str, name: str, points: Decimal, data: Mapping[str, str], *, indicator: bool
) -> EntryValues:
    """The typed values of one item, every problem named at once (422)."""
    problems: list[str] = []
    where = f"第 {code} 项“{name}”"

    def number(field: str, label: str) -> Decimal | None:
        text = (data.get(field) or "").strip()
        if not text:
            return None
        value = parse_decimal(text)
        if value is None:
            problems.append(f"{where}的{label}“{text[:20]}”不是数字")
        return value

    actual = number("actual", "完成值") if indicator else None
    score = number("score", "自评得分")
    if score is not None and not (0 <= score <= points):
        problems.append(f"{where}的自评得分 {score} 超出 0 至 {points} 分")
    grade = (data.get("qual_grade") or "").strip() if indicator else ""
    if grade and grade not in QUAL_GRADES:
        problems.append(f"{where}的完成档次须为{'、'.join(QUAL_GRADES)}之一")
    reason = (data.get("reason") or "").strip()
    if len(reason) > 4000:
        problems.append(f"{where}的说明超过 4000 字")
    if problems:
        raise AssessmentError(422, *problems)
    return EntryValues(actual, grade, score, reason)


@dataclass(frozen=True)
class ItemFacts:
    """What a save needs of one framework item: name, 分值, scored from an indicator, leaf."""

    name: str
    points: Decimal
    indicator: bool
    leaf: bool


#: How often a save recomputes the items when the dataset changes under it.
SAVE_ATTEMPTS = 3


def _items_key(sheet: ScoreSheet, dataset_version: int) -> str:
    from importlib.metadata import version

    return (
        f"assessment-items:{version('jixiao')}:{sheet.task.framework}:"
        f"{sheet.dataset_id}.{dataset_version}"
    )


def _dataset_version(sheet: ScoreSheet) -> int:
    found = Dataset.objects.filter(pk=sheet.dataset_id).values_list("version", flat=True).first()
    if found is None:
        raise AssessmentError(404, "自评表所依据的数据集已不存在")
    return int(found)


def item_facts(sheet: ScoreSheet) -> tuple[int, dict[str, ItemFacts]]:
    """The framework's items as scored from ``sheet``'s dataset, with the dataset's version.

    Computing them converts the whole department dataset from the database and scores it
    (seconds on a province's department), so callers do it *before* their write
    transaction: on SQLite a transaction holds the database's single write lock from its
    start, and every other writer waiting on it past the busy timeout failed with
    "database is locked" (the soak's 500s). The items depend only on the dataset's rows
    and the framework, so they are cached by the dataset's version; a caller checks under
    its lock that the version has not moved since.
    """
    from django.core.cache import cache

    version = _dataset_version(sheet)
    key = _items_key(sheet, version)
    stored = cache.get(key)
    if stored is None:
        card = score_dataset(base_dataset(sheet), framework(sheet.task.framework))
        places = indicator_places(card)
        stored = {}
        for _, item in walk(card.items):  # the first of a code, as ``Rescored.line``
            stored.setdefault(
                item.code, (item.name, str(item.points), item.code in places, not item.children)
            )
        if _dataset_version(sheet) != version:  # the rows changed while they were read
            return version, {}
        cache.set(key, stored, SUMMARY_SECONDS)
    return version, {
        code: ItemFacts(name, Decimal(points), indicator, leaf)
        for code, (name, points, indicator, leaf) in stored.items()
    }


def _with_items(sheet: ScoreSheet, write: Callable[[Mapping[str, ItemFacts]], _T]) -> _T:
    """``write(items)`` in a transaction, the items computed before it (:func:`item_facts`).

    Under the transaction's lock the dataset's version is compared with the one the items
    were computed from; if the dataset changed in between, the items are computed again
    (a few times, then a 409 asks the user to retry).
    """
    for _ in range(SAVE_ATTEMPTS):
        version, items = item_facts(sheet)
        if not items:
            continue  # the dataset changed while it was read
        with transaction.atomic():
            if _dataset_version(sheet) == version:
                return write(items)
    raise AssessmentError(409, "自评表所依据的数据集正在被修改，请稍后刷新页面再保存")


def save_entry(
    sheet: ScoreSheet,
    code: str,
    data: Mapping[str, str],
    *,
    access: Access,
    actor: Any,
) -> ScoreEntry | Conflict:
    """Save one item's entry; a stale ``version`` returns the other person's values.

    The item's name and 分值 (which the typed values are checked against) are computed
    before the write transaction; the transaction re-checks the sheet's state, locks the
    entry, compares the versions and writes.
    """
    _require_fill(sheet, access)  # refuse early, before the dataset is scored

    def write(items: Mapping[str, ItemFacts]) -> ScoreEntry | Conflict:
        _require_fill(sheet, access)
        entry = ScoreEntry.objects.select_for_update().filter(sheet=sheet, code=code).first()
        if entry is None:
            raise AssessmentError(404, f"自评表没有编码为“{code[:20]}”的指标")
        seen = data.get("version", "")
        if seen and seen != str(entry.version):
            return Conflict(entry)
        item = items.get(code)
        if item is None:
            raise AssessmentError(404, f"评分框架没有编码为“{code[:20]}”的指标")
        values = parse_entry(code, item.name, item.points, data, indicator=item.indicator)
        entry.actual, entry.qual_grade = values.actual, values.qual_grade
        entry.score, entry.reason = values.score, values.reason
        entry.version += 1
        entry.updated_by = actor
        entry.save()
        _touch(sheet, actor)
        return entry

    return _with_items(sheet, write)


def _touch(sheet: ScoreSheet, actor: Any) -> None:
    """Bump the sheet's version on the locked row: two items saved at once each count (an
    in-memory ``version + 1`` lost one, and the summary cache is keyed by the version)."""
    current = ScoreSheet.objects.select_for_update().get(pk=sheet.pk)
    current.version += 1
    current.updated_by = actor
    current.save(update_fields=["version", "updated_by", "updated_at"])
    refresh_later(sheet.pk)  # the task page's summary of the new version, by the worker
    sheet.version, sheet.updated_by, sheet.updated_at = (
        current.version,
        actor,
        current.updated_at,
    )


# --------------------------------------------------------------------------- a task's sheets


@transaction.atomic
def save_summary(
    sheet: ScoreSheet, data: Mapping[str, str], *, access: Access, actor: Any
) -> ScoreSheet:
    """评价结论, 存在问题, 改进措施 (the 409 names what the other person wrote)."""
    _require_fill(sheet, access)
    current = ScoreSheet.objects.select_for_update().get(pk=sheet.pk)
    if data.get("version") and data["version"] != str(current.version):
        raise AssessmentError(
            409,
            "自评表已被他人修改，请核对后再保存。",
            f"现在的评价结论：{current.conclusion or '（空）'}",
            f"现在的存在问题：{current.problems or '（空）'}",
            f"现在的改进措施：{current.measures or '（空）'}",
        )
    fields = {"conclusion": "评价结论", "problems": "存在问题", "measures": "改进措施"}
    too_long = [
        f"{label}超过 8000 字" for key, label in fields.items() if len(data.get(key, "")) > 8000
    ]
    if too_long:
        raise AssessmentError(422, *too_long)
    for key in fields:
        setattr(current, key, (data.get(key) or "").strip())
    current.version += 1
    current.updated_by = actor
    current.save()
    refresh_later(current.pk)
    return current


# --------------------------------------------------------------------------- evidence

#: Accepted evidence files (media types and signatures: ``core/filetypes.py``).
EVIDENCE_TYPES = file_types(
    ".pdf", ".jpg", ".jpeg", ".png", ".docx", ".xlsx", ".doc", ".xls", ".ofd"
)
#: At most this many files per item.
EVIDENCE_PER_ITEM = 20


def evidence_limit() -> int:
    return int(getattr(settings, "EVIDENCE_MAX_BYTES", 10 * 1024 * 1024))


def shown_name(name: str) -> str:
    """The browser's file name for display only: its last part, printable, ≤ 120 chars."""
    last = PurePosixPath(name.replace("\\", "/")).name
    cleaned = "".join(c for c in last if c.isprintable() and c not in '"<>|:*?')
    return cleaned[-120:] or "附件"


@transaction.atomic
def add_evidence(
    sheet: ScoreSheet, code: str, upload: UploadedFile | None, *, access: Access, actor: Any
) -> Evidence:
    _require_fill(sheet, access)
    if not sheet.entries.filter(code=code).exists():
        raise AssessmentError(404, f"自评表没有编码为“{code[:20]}”的指标")
    if upload is None:
        raise AssessmentError(422, "请选择要上传的佐证材料")
    name = shown_name(upload.name or "")
    suffix = PurePosixPath(name).suffix.lower()
    kinds = EVIDENCE_TYPES.get(suffix)
    problems = []
    limit = evidence_limit()
    if kinds is None:
        allowed = "、".join(sorted({s.lstrip(".") for s in EVIDENCE_TYPES}))
        problems.append(f"第 {code} 项的佐证材料“{name}”类型不支持（可上传 {allowed}）")
    if (upload.size or 0) > limit:
        problems.append(f"第 {code} 项的佐证材料“{name}”超过 {limit // (1024 * 1024)} MB")
    if (upload.size or 0) == 0:
        problems.append(f"第 {code} 项的佐证材料“{name}”是空文件")
    if kinds is not None and not problems:
        upload.seek(0)
        head = upload.read(16)
        upload.seek(0)
        if not kinds.matches(head):
            problems.append(f"第 {code} 项的佐证材料“{name}”内容与扩展名 {suffix} 不符")
    if sheet.evidence.filter(code=code).count() >= EVIDENCE_PER_ITEM:
        problems.append(f"第 {code} 项已有 {EVIDENCE_PER_ITEM} 个佐证材料，不能再上传")
    if problems:
        raise AssessmentError(422, *problems)
    assert kinds is not None
    evidence = Evidence(
        region_id=sheet.region_id,
        department_id=sheet.department_id,
        sheet=sheet,
        code=code,
        original_name=name,
        size=upload.size or 0,
        media_type=kinds.media_type,
        uploaded_by=actor,
    )
    # the stored name comes from ``evidence_path`` (a random name); ``name`` is not used
    evidence.file.save(f"upload{suffix}", upload, save=False)
    evidence._history_user = actor  # type: ignore[attr-defined]
    evidence.save()
    _touch(sheet, actor)
    return evidence


@transaction.atomic
def delete_evidence(evidence: Evidence, *, access: Access, actor: Any) -> None:
    sheet = evidence.sheet
    _require_fill(sheet, access)
    stored = evidence.file.name
    evidence._history_user = actor  # type: ignore[attr-defined]
    evidence.delete()
    _touch(sheet, actor)
    storage = evidence.file.storage
    transaction.on_commit(lambda: storage.delete(stored))


# --------------------------------------------------------------------------- decisions


def available(sheet: ScoreSheet, access: Access) -> list[Transition]:
    """The actions the user may take on the sheet now (cancel is on the task page)."""
    if sheet.task.cancelled:
        return []
    roles = assess_roles(access, sheet)
    return [t for t in flow.SELF_EVALUATION.available(state(sheet), roles) if t.action != "cancel"]


def decide(
    sheet: ScoreSheet,
    action: str,
    *,
    access: Access,
    actor: Any,
    opinion: str = "",
    version: int | None = None,
) -> WorkflowEvent:
    """提交 / 审核通过 / 退回 through the shared workflow core."""
    if action == "cancel":
        raise AssessmentError(403, "撤销须在自评任务页由财政绩效管理处办理")
    if sheet.task.cancelled:
        raise AssessmentError(409, "该自评任务已撤销")
    if action == "submit":
        _forbid(access, AssessAction.FILL, sheet)
    try:
        return workflow.transition(
            sheet,
            flow.SELF_EVALUATION,
            action,
            actor=actor,
            roles=assess_roles(access, sheet),
            opinion=opinion,
            version=version,
            notices=_decision_notices,
        )
    except workflow.WorkflowError as error:
        raise AssessmentError(error.status, str(error)) from None


# --------------------------------------------------------------------------- 抽查复核


@transaction.atomic
def draw_sample(
    task: AssessmentTask,
    *,
    access: Access,
    actor: Any,
    rule: str,
    percent: Decimal,
    seed: int | None = None,
) -> SampleDraw:
    """Draw the 抽查复核 items of ``task`` by ``rule`` (once; the seed is recorded)."""
    _forbid_region(access, AssessAction.ISSUE, task.region_id)
    problems = []
    if rule not in sampling.SAMPLE_RULES:
        problems.append(f"未知的抽样规则“{rule[:20]}”")
    if not (0 < percent <= 100):
        problems.append("抽样比例须大于 0 且不超过 100")
    if seed is not None and not (0 <= seed < 10**12):
        problems.append("随机种子须为 0 至 999999999999 之间的整数")
    if problems:
        raise AssessmentError(422, *problems)
    if SampleDraw.objects.filter(task=task).exists():
        raise AssessmentError(409, "本任务已抽取复核样本（抽样结果须可复现，不能重抽）")
    strata, snapshot = sample_population(task)
    if not any(strata.values()):
        raise AssessmentError(409, "尚无已提交且填有自评得分的自评表，无法抽样")
    draw = SampleDraw(
        region_id=task.region_id,
        task=task,
        rule=rule,
        percent=percent,
        seed=seed if seed is not None else secrets.randbelow(10**9),
        drawn_by=actor,
    )
    draw._history_user = actor  # type: ignore[attr-defined]
    draw.save()
    chosen = sampling.SAMPLE_RULES[rule].draw(strata, percent, draw.seed)
    SampledItem.objects.bulk_create(
        _sampled(draw, snapshot[(stratum, key)]) for stratum, keys in chosen.items() for key in keys
    )
    return draw


@dataclass(frozen=True)
class Drawn:
    """One item of the population: the sheet, the engine's line and what the unit entered."""

    sheet: ScoreSheet
    line: Line
    entry: EntryValues


def _kind(line: Line) -> str:
    """How an item is scored: from an indicator (by its 计算符号 or 档次) or by hand."""
    if line.indicator is None:
        return "manual"
    return "quantitative" if line.quantitative else "qualitative"


def _sampled(draw: SampleDraw, drawn: Drawn) -> SampledItem:
    line, entry = drawn.line, drawn.entry
    indicator = line.indicator
    # the exact-decimal fields store text but take and give Decimal (stubs see text)
    return SampledItem(  # type: ignore[misc]
        region_id=draw.region_id,
        department_id=drawn.sheet.department_id,
        draw=draw,
        sheet=drawn.sheet,
        code=line.code,
        name=line.name[:200],
        points=line.points,
        kind=_kind(line),
        self_actual=indicator.actual if indicator is not None else None,
        self_qual_grade=indicator.qual_grade if indicator is not None else "",
        self_entered=entry.score,
        self_score=line.computed,
    )


def sample_population(
    task: AssessmentTask,
) -> tuple[dict[str, list[str]], dict[tuple[str, str], Drawn]]:
    """Per department (its code): the leaf items the framework scored on its submitted sheets.

    An item's key is ``<year>/<code>`` (a department has one sheet per year in a task). An
    item is in the population when the engine gave it points from what the unit entered
    (a 完成值, a 完成档次, a 自评得分): those points are what a 复核 is compared with.
    """
    strata: dict[str, list[str]] = {}
    snapshot: dict[tuple[str, str], Drawn] = {}
    for sheet in task.sheets.select_related("department", "dataset").order_by("pk"):
        if state(sheet) not in flow.SAMPLEABLE:
            continue
        stratum = sheet.department.code
        entries = {e.code: EntryValues.of(e) for e in sheet.entries.all()}
        for line in rescore(sheet, entries).lines:
            if line.leaf and line.computed is not None:
                key = f"{sheet.dataset.year}/{line.code}"
                strata.setdefault(stratum, []).append(key)
                snapshot[(stratum, key)] = Drawn(sheet, line, entries.get(line.code, EntryValues()))
    return strata, snapshot


def review_values(item: SampledItem) -> EntryValues:
    """财政's 复核 values of ``item`` as an entry (its 复核说明 is the score's reason)."""
    return EntryValues(item.review_actual, item.review_qual_grade, item.review_entered, item.note)


def review_entries(sheet: ScoreSheet, items: Iterable[SampledItem]) -> dict[str, EntryValues]:
    """The sheet's entries with 财政's 复核 values in place of the unit's for ``items``."""
    entries = {e.code: EntryValues.of(e) for e in sheet.entries.all()}
    for item in items:
        if item.sheet_id == sheet.pk and item.review_score is not None:
            entries[item.code] = review_values(item)
    return entries


#: The field each kind of item is re-scored from, and its label.
REVIEW_FIELDS = {
    "quantitative": ("actual", "复核完成值"),
    "qualitative": ("qual_grade", "复核完成档次"),
    "manual": ("score", "复核评分"),
}


def _review_values(item: SampledItem, data: Mapping[str, str]) -> EntryValues | None:
    """The 复核 values typed for ``item`` (None: all blank, the review is cleared)."""
    typed = {
        "actual": (data.get("review_actual") or "").strip(),
        "qual_grade": (data.get("review_qual_grade") or "").strip(),
        "score": (data.get("review_entered") or "").strip(),
        "reason": (data.get("note") or "").strip(),
    }
    if not any(typed.values()):
        return None
    field, label = REVIEW_FIELDS[item.kind]
    if not typed[field]:
        raise AssessmentError(422, f"第 {item.code} 项“{item.name}”请填写{label}")
    try:
        values = parse_entry(
            item.code, item.name, item.points, typed, indicator=item.kind != "manual"
        )
    except AssessmentError as error:
        messages = (m.replace("自评得分", "复核评分") for m in error.messages)
        raise AssessmentError(422, *messages) from None
    if item.kind == "manual":
        return EntryValues(None, "", values.score, values.reason)
    # an indicator item is scored from its 完成值 or 档次 alone: a typed score is not read
    return EntryValues(values.actual, values.qual_grade, None, values.reason)


@transaction.atomic
def save_review(
    item: SampledItem, data: Mapping[str, str], *, access: Access, actor: Any
) -> SampledItem:
    """复核 of one sampled item (财政 roles): 财政's values, scored by the framework's rules.

    The sheet is re-scored by the engine with 财政's values for this item (and for the
    sheet's other re-scored items) in place of the unit's; the item's points there are its
    复核得分. A 复核得分 is never typed: that would skip the rules the 自评得分 went through.
    All fields blank clears the item's review.
    """
    _forbid_region(access, AssessAction.RESCORE, item.region_id)
    item = SampledItem.objects.select_for_update().select_related("sheet__task").get(pk=item.pk)
    values = _review_values(item, data)
    item.note = (data.get("note") or "").strip()[:4000]
    if values is None:
        item.review_actual, item.review_qual_grade, item.review_entered = None, "", None
        item.review_score, item.review_explanation, item.review_flags = None, "", ""
    else:
        others = SampledItem.objects.filter(draw_id=item.draw_id, sheet_id=item.sheet_id).exclude(
            pk=item.pk
        )
        entries = review_entries(item.sheet, others)
        entries[item.code] = values
        line = rescore(item.sheet, entries).line(item.code)
        if line is None or line.computed is None:
            why = line.explanation if line is not None else "评分框架没有该指标"
            raise AssessmentError(422, f"第 {item.code} 项“{item.name}”按评分框架无法计分：{why}")
        item.review_actual, item.review_qual_grade = values.actual, values.qual_grade
        item.review_entered = values.score
        item.review_score = line.computed
        item.review_explanation = line.explanation[:4000]
        item.review_flags = "、".join(line.flags)[:200]
    item.reviewed_by = actor
    item.reviewed_at = timezone.now()
    item._history_user = actor  # type: ignore[attr-defined]
    item.save()
    return item


@dataclass(frozen=True)
class SheetReview:
    """A sampled sheet's total and grade as entered, and with 财政's 复核 values in place."""

    sheet: ScoreSheet
    reviewed: int  #: items re-scored so far
    self_total: Decimal | None
    self_grade: str
    review_total: Decimal | None
    review_grade: str

    @property
    def deviation(self) -> Decimal | None:
        if self.self_total is None or self.review_total is None:
            return None
        return self.review_total - self.self_total


def sheet_review(sheet: ScoreSheet, items: Sequence[SampledItem]) -> SheetReview:
    """``sheet``'s engine total and grade before and after the 复核 values of ``items``.

    The total is the framework's (weights, 不适用 re-scaling, 一票否决, grade bands), so an
    item's deviation shows here as the framework counts it.
    """
    own = rescore(sheet)
    done = [i for i in items if i.sheet_id == sheet.pk and i.review_score is not None]
    after = rescore(sheet, review_entries(sheet, done)) if done else None
    return SheetReview(
        sheet,
        len(done),
        own.total,
        own.card.grade_label,
        after.total if after is not None else None,
        after.card.grade_label if after is not None else "",
    )


def sheet_reviews(items: Sequence[SampledItem]) -> list[SheetReview]:
    """:func:`sheet_review` of every sheet ``items`` were drawn from."""
    sheets = {item.sheet_id: item.sheet for item in items}
    return [sheet_review(sheet, items) for sheet in sheets.values()]


@dataclass(frozen=True)
class DepartmentDeviation:
    department: str
    items: int
    reviewed: int
    self_total: Decimal  #: Σ 自评得分 of the reviewed items
    review_total: Decimal  #: Σ 复核得分
    deviation: Decimal  #: Σ 复核 − Σ 自评
    rate: Decimal | None  #: deviation ÷ Σ 自评 (%), rounded once


def deviations(items: Iterable[SampledItem]) -> list[DepartmentDeviation]:
    """Each department's overall deviation over its re-scored items."""
    from jixiao.lib.money import ratio_percent, round_half_up

    groups: dict[str, list[SampledItem]] = {}
    for item in items:
        groups.setdefault(item.department.name, []).append(item)
    result = []
    for name, group in groups.items():
        done = [i for i in group if i.review_score is not None]
        own = sum((i.self_score for i in done), Decimal(0))
        review = sum((i.review_score for i in done if i.review_score is not None), Decimal(0))
        rate = ratio_percent(review - own, own) if done and own else None
        result.append(
            DepartmentDeviation(
                name,
                len(group),
                len(done),
                own,
                review,
                review - own,
                round_half_up(rate, 2) if rate is not None else None,
            )
        )
    return result


# --------------------------------------------------------------------------- 重点评价


@transaction.atomic
def assign_expert(
    sheet: ScoreSheet, evaluator_id: Any, *, access: Access, actor: Any
) -> KeyEvaluation:
    _forbid_region(access, AssessAction.ISSUE, sheet.region_id)
    user = (
        get_user_model()
        .objects.filter(
            pk__in=Membership.objects.filter(role=Role.EVALUATOR, region_id=sheet.region_id).values(
                "user_id"
            )
        )
        .filter(pk=evaluator_id)
        .first()
    )
    if user is None:
        raise AssessmentError(422, "请选择本地区的第三方机构（专家）")
    found, created = KeyEvaluation.objects.get_or_create(
        sheet=sheet,
        evaluator=user,
        defaults={
            "region_id": sheet.region_id,
            "department_id": sheet.department_id,
            "assigned_by": actor,
        },
    )
    if not created:
        raise AssessmentError(409, "已委托该第三方机构（专家）评价本自评表")
    workflow.notify(
        workflow.NoticeSpec(
            [user],
            Notice.Kind.TASK,
            f"重点评价：{sheet}",
            "请先作出利益冲突声明，再评分。",
            reverse("assessment:key", args=[found.pk]),
            sheet.task.deadline,
        ),
        about=found,
        sender=actor,
    )
    return found


def _own_evaluation(evaluation: KeyEvaluation, actor: Any) -> None:
    if evaluation.evaluator_id != actor.pk:
        raise AssessmentError(403, "只有受托的第三方机构（专家）本人可以办理")


@transaction.atomic
def declare(
    evaluation: KeyEvaluation, *, actor: Any, has_conflict: bool | None, declaration: str
) -> KeyEvaluation:
    """利益冲突声明: once, before scoring; a declared conflict ends the assignment's scoring."""
    _own_evaluation(evaluation, actor)
    evaluation = KeyEvaluation.objects.select_for_update().get(pk=evaluation.pk)
    if evaluation.declared_at is not None:
        raise AssessmentError(409, "已作出利益冲突声明，不能更改")
    problems = []
    if has_conflict is None:
        problems.append("请说明是否存在利益冲突")
    if not declaration.strip():
        problems.append("请填写声明内容（与被评价部门有无任职、亲属、业务往来等关系）")
    if problems:
        raise AssessmentError(422, *problems)
    evaluation.has_conflict = has_conflict
    evaluation.declaration = declaration.strip()[:4000]
    evaluation.declared_at = timezone.now()
    evaluation._history_user = actor  # type: ignore[attr-defined]
    evaluation.save()
    return evaluation


def expert_score(
    evaluation: KeyEvaluation, code: str, data: Mapping[str, str], *, access: Access, actor: Any
) -> ExpertScore:
    """One 评价得分 of a 重点评价 (the item's 分值 computed before the write transaction)."""
    _own_evaluation(evaluation, actor)
    _forbid(access, AssessAction.EXPERT, evaluation.sheet)
    if evaluation.declared_at is None:
        raise AssessmentError(403, "须先作出利益冲突声明，才能评分")
    if evaluation.has_conflict:
        raise AssessmentError(403, "已声明存在利益冲突，不能参与本项评价")

    def write(items: Mapping[str, ItemFacts]) -> ExpertScore:
        item = items.get(code)
        if item is None or not item.leaf:
            raise AssessmentError(404, f"自评表没有编码为“{code[:20]}”的末级指标")
        text = (data.get("score") or "").strip()
        value = parse_decimal(text) if text else None
        where = f"第 {code} 项“{item.name}”"
        if text and value is None:
            raise AssessmentError(422, f"{where}的评价得分“{text[:20]}”不是数字")
        if value is not None and not (0 <= value <= item.points):
            raise AssessmentError(422, f"{where}的评价得分 {value} 超出 0 至 {item.points} 分")
        found, _ = ExpertScore.objects.update_or_create(
            evaluation=evaluation,
            code=code,
            defaults={
                "region_id": evaluation.region_id,
                "department_id": evaluation.department_id,
                "score": value,
                "note": (data.get("note") or "").strip()[:4000],
            },
        )
        return found

    return _with_items(evaluation.sheet, write)
