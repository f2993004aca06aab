"""Every write of 结果应用, and the one place that asks the engine for results.

- :func:`generate` — the engine's result application (``jixiao.monitoring.apply_results``
  on ``jixiao.evaluation.evaluate`` of the stored dataset) → 整改 items, once each;
- :func:`assign` — 责任单位/责任人/期限; the owner and the department's administrators get
  a task with the deadline, so the workflow core's ``send_overdue_reminders``
  (``jixiao manage notify_overdue``) alerts both when it passes;
- :func:`decide` — 开始整改 / 提交验收 / 验收通过 / 退回 through the shared workflow core;
- :func:`add_evidence` — a bounded, type-checked upload stored under a system name;
- :func:`review_grade` — the 财政复核结论 (grade by the evaluation's framework bands);
- :func:`suggestion` — next year's budget suggestion from the reviewed grade (or, marked
  参考, from the self-evaluation alone);
- :func:`carry` — the items into next year's dataset (the engine's ``carry_forward``);
- :func:`feedback` — the result notice to the department and its units.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TypeVar, cast

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from jixiao.dataset.build import InputError
from jixiao.dataset.model import Rectification as EngineRectification
from jixiao.lib.money import parse_decimal
from jixiao_web.core.filetypes import file_types
from jixiao_web.datasets.models import Dataset
from jixiao_web.orgs.models import Role, Unit
from jixiao_web.results.models import Evidence, GradeReview, Rectification
from jixiao_web.results.workflows import ENGINE_STATUS, RECTIFICATION
from jixiao_web.workflow import services as workflow
from jixiao_web.workflow.machine import Transition
from jixiao_web.workflow.models import Notice, WorkflowEvent, WorkflowState
from jixiao_web.workflow.services import NoticeSpec

if TYPE_CHECKING:
    from jixiao.evaluation import Evaluation
    from jixiao.monitoring import ResultApplication

#: Evidence: at most this many bytes per file, and these types (``core/filetypes.py``).
MAX_EVIDENCE_BYTES = 10 * 1024 * 1024
EVIDENCE_TYPES = file_types(".pdf", ".png", ".jpg", ".jpeg", ".docx", ".xlsx")

_T = TypeVar("_T")


class Invalid(Exception):
    """The input was refused; ``errors`` lists every problem, each with its field."""

    def __init__(self, errors: Sequence[InputError]) -> None:
        self.errors = list(errors)
        super().__init__("；".join(str(e) for e in self.errors))


# --------------------------------------------------------------------------- the engine


def evaluation_of(dataset: Dataset) -> Evaluation:
    """The engine's evaluation of the stored dataset (the framework the dataset names)."""
    from jixiao.evaluation import evaluate
    from jixiao_web.datasets.convert import to_engine

    engine, _ = to_engine(dataset)
    return evaluate(engine)


def application_of(evaluation: Evaluation) -> ResultApplication:
    from jixiao.monitoring import apply_results, load_result_rules

    return apply_results(evaluation, load_result_rules())


#: How long a computed result application stays in the shared cache. Its key names the
#: dataset's version, so an edit makes it unreachable at once; the time only frees space.
APPLICATION_SECONDS = 7 * 24 * 3600


def _dataset_version(dataset_id: int) -> int:
    found = Dataset.objects.filter(pk=dataset_id).values_list("version", flat=True).first()
    if found is None:
        raise Invalid([InputError("数据集", "数据集已不存在")])
    return int(found)


def _application_key(dataset_id: int, version: int) -> str:
    from importlib.metadata import version as release

    # the engine's release: the evaluation and the result rules are the engine's
    return f"results-application:{release('jixiao')}:{dataset_id}.{version}"


def application_for(dataset: Dataset) -> tuple[int, ResultApplication]:
    """The result application of ``dataset`` as stored now, and the version it is of.

    Computing it converts the whole department dataset and evaluates it (17–20 s on a
    province's department, measured on the 整改 page that did it on every view), so it is
    kept in the shared cache keyed by the dataset's version: every change of a row bumps
    the version (``datasets.services``), which makes the old entry unreachable — never a
    result older than the rows. A dataset changed while it was read is computed but not
    stored (its version is read again after). Writers call this *before* their
    transaction and compare the version under it (:func:`_with_application`).
    """
    from jixiao_web.core.once import cached_once

    version = _dataset_version(dataset.pk)

    def compute() -> tuple[ResultApplication, bool]:
        application = application_of(evaluation_of(dataset))
        return application, _dataset_version(dataset.pk) == version

    # one request computes, the others wait for its result (50 users on a cold page
    # each evaluated the department and timed out)
    found = cached_once(_application_key(dataset.pk, version), compute, APPLICATION_SECONDS)
    return version, cast("ResultApplication", found)


#: How often a writer computes the application again when the dataset changes under it.
WRITE_ATTEMPTS = 3


def _with_application(dataset: Dataset, write: Callable[[ResultApplication], _T]) -> _T:
    """``write(application)`` in a transaction, the application computed before it.

    On SQLite a transaction holds the database's one write lock from its start, so the
    evaluation (seconds) must not run inside it, or every other writer waits past the
    busy timeout ("database is locked", the soak's 500s). Under the transaction the
    dataset's row is locked and its version compared with the one the application was
    computed from; if it moved, the application is computed again (a few times, then a
    Chinese refusal asks to retry).
    """
    for _ in range(WRITE_ATTEMPTS):
        version, application = application_for(dataset)
        with transaction.atomic():
            locked = (
                Dataset.objects.select_for_update()
                .filter(pk=dataset.pk)
                .values_list("version", flat=True)
                .first()
            )
            if locked == version:
                return write(application)
    raise Invalid([InputError("数据集", "数据集正在被修改，请稍后再试")])


def _key(item: EngineRectification) -> str:
    text = f"{item.source_year}|{item.kind}|{item.subject}"
    return hashlib.sha256(text.encode()).hexdigest()[:64]


def generate(dataset: Dataset, actor: Any) -> int:
    """Create the 整改 items of ``dataset``'s evaluation that do not exist yet; how many.

    The evaluation is computed (or found in the cache) before the write transaction; the
    transaction locks the dataset row, checks its version is the one evaluated, and writes
    the new items (and their history rows, each naming ``actor``) in batches: a province
    department has hundreds of items, and a get-or-create each cost five statements. The
    lock also keeps two people generating at once from both creating the same item (the
    second finds the first's).
    """

    def write(application: ResultApplication) -> int:
        existing = set(Rectification.objects.filter(dataset=dataset).values_list("key", flat=True))
        new: dict[str, Rectification] = {}
        for item in application.rectifications:
            key = _key(item)
            if key in existing or key in new:
                continue
            new[key] = Rectification(
                dataset=dataset,
                key=key,
                region_id=dataset.region_id,
                department_id=dataset.department_id,
                source_year=item.source_year,
                kind=item.kind[:40],
                subject=item.subject[:500],
                detail=item.detail,
                owner_text=item.owner[:300],
                deadline=item.deadline,
            )
        if new:
            bulk_create_with_history(
                list(new.values()),
                Rectification,
                batch_size=500,
                default_user=actor if getattr(actor, "is_authenticated", False) else None,
            )
        return len(new)

    return _with_application(dataset, write)


# --------------------------------------------------------------------------- states


def state(item: Rectification) -> str:
    return workflow.state_of(item, RECTIFICATION).state


def states(items: Iterable[Rectification]) -> dict[int, str]:
    items = list(items)
    found = {
        s.object_id: s.state
        for s in WorkflowState.objects.filter(
            workflow=RECTIFICATION.name,
            content_type__app_label="results",
            content_type__model="rectification",
            object_id__in=[i.pk for i in items],
        )
    }
    return {i.pk: found.get(i.pk, RECTIFICATION.initial) for i in items}


def with_state(items: QuerySet[Rectification]) -> QuerySet[Rectification]:
    """``items`` annotated with ``current_state`` (the workflow's state; an item without a
    state row is in the initial one), so a list filters and pages by state in SQL."""
    from django.db.models import Value
    from django.db.models.functions import Coalesce

    stored = workflow.state_subquery(RECTIFICATION, Rectification)
    return items.annotate(current_state=Coalesce(stored, Value(RECTIFICATION.initial)))


def _dept_admins(department_id: int) -> list[Any]:
    return list(
        get_user_model()
        .objects.filter(memberships__role=Role.DEPT_ADMIN, memberships__department_id=department_id)
        .distinct()
    )


def _clerks_of(unit_ids: Iterable[int]) -> list[Any]:
    return list(
        get_user_model()
        .objects.filter(memberships__role=Role.UNIT_CLERK, memberships__unit_id__in=list(unit_ids))
        .distinct()
    )


def item_link(item: Rectification) -> str:
    return reverse("results:item", args=[item.pk])


def _owners(item: Rectification) -> list[Any]:
    """Who must act: the 责任人, else the 责任单位's clerks, else the department."""
    if item.responsible is not None:
        return [item.responsible]
    if item.unit_id is not None:
        return _clerks_of([item.unit_id])
    return _dept_admins(item.department_id)


def _open_tasks(item: Rectification, step: str) -> list[NoticeSpec]:
    """The tasks an item in ``step`` keeps open: the owner works on it, the department
    watches it; both carry the deadline, so an overdue item alerts both."""
    link, title = item_link(item), item.subject[:120]
    due = item.deadline
    if step == "submitted":
        return [
            NoticeSpec(
                _dept_admins(item.department_id),
                Notice.Kind.TASK,
                f"待验收整改：{title}",
                "",
                link,
                due,
            )
        ]
    if step == "done":
        return []
    owners = _owners(item)
    watchers = [u for u in _dept_admins(item.department_id) if u not in owners]
    specs = [
        NoticeSpec(owners, Notice.Kind.TASK, f"整改事项：{title}", item.detail[:500], link, due)
    ]
    if watchers:
        specs.append(NoticeSpec(watchers, Notice.Kind.TASK, f"督办整改：{title}", "", link, due))
    return specs


def _decision_notices(
    item: Rectification, step: Transition, event: WorkflowEvent
) -> list[NoticeSpec]:
    specs = _open_tasks(item, step.target)
    link, title = item_link(item), item.subject[:120]
    if step.action == "return":
        specs.append(
            NoticeSpec(
                _owners(item), Notice.Kind.RETURNED, f"整改被退回：{title}", event.opinion, link
            )
        )
    if step.action == "accept":
        specs.append(
            NoticeSpec(_owners(item), Notice.Kind.DONE, f"整改已验收：{title}", event.opinion, link)
        )
    return specs


@transaction.atomic
def assign(
    item: Rectification, unit: Unit | None, responsible: Any, deadline: date | None, actor: Any
) -> None:
    """Name the 责任单位, 责任人 and 整改期限; the tasks are sent again to the new owner."""
    errors = []
    if unit is not None and unit.department_id != item.department_id:
        errors.append(InputError("责任单位", "只能选择本部门的预算单位"))
    if responsible is not None and not _may_be_responsible(responsible, item, unit):
        errors.append(InputError("责任人", "责任人须是该单位的填报人或本部门的人员"))
    if deadline is None:
        errors.append(InputError("整改期限", "请填写整改期限"))
    current = state(item)
    if current == "done":
        errors.append(InputError("", "已整改的事项不能再分派"))
    if errors:
        raise Invalid(errors)
    item.unit, item.responsible, item.deadline = unit, responsible, deadline
    item.version += 1
    item._history_user = actor  # type: ignore[attr-defined]
    item.save()
    workflow.close_tasks(item)
    for spec in _open_tasks(item, current):
        workflow.notify(spec, about=item, sender=actor)


def _may_be_responsible(user: Any, item: Rectification, unit: Unit | None) -> bool:
    for m in user.memberships.all():
        if m.role == Role.UNIT_CLERK and unit is not None and m.unit_id == unit.pk:
            return True
        if m.role in (Role.DEPT_ADMIN, Role.DIVISION) and m.department_id == item.department_id:
            return True
    return False


def candidates(item: Rectification) -> QuerySet[Any]:
    """Who may be named 责任人: the department's people and its units' clerks."""
    return (
        get_user_model()
        .objects.filter(memberships__department_id=item.department_id)
        .distinct()
        .order_by("username")
    )


def decide(
    item: Rectification,
    action: str,
    actor: Any,
    roles: set[Role],
    opinion: str = "",
    version: int | None = None,
) -> WorkflowEvent:
    """开始整改 / 提交验收 / 验收通过 / 退回 (refusals: the workflow core's 403/409/422)."""
    if action == "submit" and not item.evidence.exists():
        raise Invalid([InputError("佐证材料", "提交验收前请上传至少一份整改佐证材料")])
    return workflow.transition(
        item,
        RECTIFICATION,
        action,
        actor=actor,
        roles=roles,
        opinion=opinion,
        version=version,
        notices=_decision_notices,
    )


# --------------------------------------------------------------------------- evidence


_UNSAFE = re.compile(r"[\x00-\x1f\x7f/\\:*?\"<>|]")


def display_name(name: str) -> str:
    """The browser's file name made safe to show: no folders, no control characters."""
    name = unicodedata.normalize("NFC", name).replace("\\", "/").rsplit("/", 1)[-1]
    name = _UNSAFE.sub("_", name).strip(" .") or "附件"
    return name[-100:]


def suffix_of(name: str) -> str:
    dot = name.rfind(".")
    return name[dot:].lower() if dot >= 0 else ""


@transaction.atomic
def add_evidence(
    item: Rectification, name: str, data: bytes, actor: Any, note: str = ""
) -> Evidence:
    """Store one evidence file; refuses a file too large, empty or of another type."""
    suffix = suffix_of(name)
    errors = []
    if suffix not in EVIDENCE_TYPES:
        errors.append(
            InputError(
                "佐证材料",
                f"只接受 {'、'.join(sorted({s.lstrip('.').upper() for s in EVIDENCE_TYPES}))} 文件",
            )
        )
    elif not data:
        errors.append(InputError("佐证材料", "文件为空"))
    elif len(data) > MAX_EVIDENCE_BYTES:
        errors.append(InputError("佐证材料", f"文件超过 {MAX_EVIDENCE_BYTES // 1024 // 1024} MB"))
    elif not EVIDENCE_TYPES[suffix].matches(data):
        errors.append(InputError("佐证材料", f"文件内容不是 {suffix.lstrip('.').upper()} 格式"))
    if state(item) not in RECTIFICATION.editable:
        errors.append(
            InputError("佐证材料", f"事项状态为“{RECTIFICATION.label_of(state(item))}”，不能再上传")
        )
    if errors:
        raise Invalid(errors)
    evidence = Evidence(
        region_id=item.region_id,
        department_id=item.department_id,
        item=item,
        name=display_name(name),
        suffix=".jpg" if suffix == ".jpeg" else suffix,
        size=len(data),
        note=note.strip()[:200],
        uploaded_by=actor,
    )
    evidence.file.save("upload", ContentFile(data), save=False)
    evidence.save()
    return evidence


# --------------------------------------------------------------------------- review and suggestion


def review_grade(dataset: Dataset, score_text: str, opinion: str, actor: Any) -> GradeReview:
    """Record the 财政复核结论; the grade is the evaluation framework's for that score.

    The framework is found by evaluating the dataset, before the write transaction (on
    SQLite the transaction holds the one write lock from its start).
    """
    from jixiao.scoring.grading import grade_total

    text = score_text.strip()
    if not text:
        raise Invalid([InputError("复核得分", "请填写复核得分")])
    score = parse_decimal(text)  # as people type it: ８８．５, 88.50
    if score is None:
        raise Invalid([InputError("复核得分", f"“{text[:20]}”不是有效数值")])
    if not (Decimal(0) <= score <= Decimal(100)):
        raise Invalid([InputError("复核得分", "应在 0–100 之间")])
    evaluation = evaluation_of(dataset)
    band = grade_total(score, evaluation.framework.framework)
    with transaction.atomic():
        return _store_review(dataset, score, band.grade if band else "", opinion, actor)


def _store_review(
    dataset: Dataset, score: Decimal, grade: str, opinion: str, actor: Any
) -> GradeReview:
    review = GradeReview.objects.filter(dataset=dataset).first() or GradeReview(
        dataset=dataset, region_id=dataset.region_id, department_id=dataset.department_id
    )
    review.score = score
    review.grade = grade
    review.opinion = opinion.strip()[:2000]
    review.reviewer = actor
    review._history_user = actor  # type: ignore[attr-defined]
    review.save()
    return review


@dataclass(frozen=True)
class Suggestion:
    """Next year's budget suggestion of one subject, with its basis."""

    level: str
    name: str
    score: Decimal | None
    grade: str
    recommendation: str
    basis: str
    reviewed: bool  #: from a 财政复核; otherwise 参考 (the self-evaluation only)


@dataclass(frozen=True)
class ReviewedGrade:
    """The department's grade as 财政 reviewed it, and in words where it comes from."""

    score: Decimal
    grade: str
    basis: str


def reviewed_grade(dataset: Dataset) -> ReviewedGrade | None:
    """The reviewed grade of ``dataset``'s department, or None (only a self-grade exists).

    In order: the 财政复核结论 entered here (:class:`GradeReview`); else the self-evaluation
    sheet of 绩效评价管理 that 财政 approved (财政审核通过), scored by its framework with the
    抽查复核 values in place of the unit's where items were re-scored. A sheet still under
    review, or a self-evaluation alone, is not a reviewed grade.
    """
    review = GradeReview.objects.filter(dataset=dataset).select_related("reviewer").first()
    if review is not None:
        who = (
            review.reviewer.get_full_name() or review.reviewer.get_username()
            if review.reviewer
            else ""
        )
        day = timezone.localdate(review.reviewed_at)  # the Beijing date, not the stored UTC
        return ReviewedGrade(
            review.score,
            review.grade,
            f"财政复核：{review.score} 分，{review.grade}（{who}，{day:%Y-%m-%d}）",
        )
    return _approved_sheet_grade(dataset)


def _approved_sheet_grade(dataset: Dataset) -> ReviewedGrade | None:
    from jixiao_web.assessment import flow
    from jixiao_web.assessment import services as assessment
    from jixiao_web.assessment.models import SampledItem, ScoreSheet

    sheets = ScoreSheet.objects.filter(dataset=dataset, task__cancelled_at__isnull=True)
    for sheet in sheets.select_related("task", "department", "dataset").order_by(
        "-task__issued_at"
    ):
        if assessment.state(sheet) != flow.APPROVED:
            continue
        items = list(SampledItem.objects.filter(sheet=sheet).select_related("sheet"))
        result = assessment.sheet_review(sheet, items)
        total = result.review_total if result.reviewed else result.self_total
        grade = _sheet_grade(sheet, items)
        if total is None or not grade:
            continue  # an incomplete total is not graded
        sampled = (
            f"；抽查复核 {result.reviewed} 项，复核前 {result.self_total} 分"
            if result.reviewed
            else "；未抽中复核"
        )
        return ReviewedGrade(
            total,
            grade,
            f"财政审核通过的自评表（{sheet.task.title}）：{total} 分，{grade}{sampled}",
        )
    return None


def _sheet_grade(sheet: Any, items: list[Any]) -> str:
    """The framework's grade (优/良/中/差) of ``sheet`` with its 复核 values in place."""
    from jixiao_web.assessment import services as assessment
    from jixiao_web.assessment.scoring import rescore

    done = [i for i in items if i.review_score is not None]
    return rescore(sheet, assessment.review_entries(sheet, done)).card.grade


def suggestion(dataset: Dataset) -> tuple[list[Suggestion], ResultApplication]:
    """The department's (and each scored project's) suggestion, from the reviewed grade
    where there is one (:func:`reviewed_grade`); otherwise marked 参考 (self-grade only)."""
    from jixiao.monitoring import load_result_rules

    _, application = application_for(dataset)
    rules = load_result_rules()
    reviewed = reviewed_grade(dataset)
    result = []
    for r in application.recommendations:
        if r.level == "部门整体" and reviewed is not None:
            result.append(
                Suggestion(
                    r.level,
                    r.name,
                    reviewed.score,
                    reviewed.grade,
                    rules.recommendation(reviewed.grade),
                    f"{reviewed.basis}；自评 {r.score} 分 {r.grade}（{r.basis}）",
                    True,
                )
            )
        else:
            result.append(
                Suggestion(
                    r.level,
                    r.name,
                    r.score,
                    r.grade,
                    r.recommendation,
                    f"参考：仅单位自评，未经财政复核（{r.basis}）",
                    False,
                )
            )
    return result, application


# --------------------------------------------------------------------------- carry and feedback


def engine_items(dataset: Dataset) -> tuple[EngineRectification, ...]:
    """The stored items as the engine's 整改事项 rows, with their current status."""
    items = list(
        Rectification.objects.filter(dataset=dataset).select_related("unit").order_by("pk")
    )
    current = states(items)
    return tuple(
        EngineRectification(
            source_year=i.source_year,
            kind=i.kind,
            subject=i.subject,
            detail=i.detail,
            owner=i.unit.name if i.unit is not None else i.owner_text,
            deadline=i.deadline,
            status=ENGINE_STATUS[current[i.pk]],
        )
        for i in items
    )


def carry(dataset: Dataset, actor: Any) -> tuple[Dataset, int]:
    """Write the items into next year's dataset's 整改事项 table (the engine's
    ``carry_forward``: running twice replaces, never duplicates).

    Both datasets are converted before the write transaction (on SQLite it holds the one
    write lock from its start); under it both dataset rows are locked and their versions
    compared with the converted ones (converted again if either moved), and the items and
    their states, cheap to read, are read there.
    """
    from jixiao.monitoring import carry_forward
    from jixiao_web.datasets import services as datasets
    from jixiao_web.datasets.convert import to_engine

    if not Rectification.objects.filter(dataset=dataset).exists():
        raise Invalid([InputError("整改事项", "没有整改事项可结转，请先生成整改事项")])
    target = datasets.create_dataset(dataset.department, dataset.year + 1)
    for _ in range(WRITE_ATTEMPTS):
        versions = {pk: _dataset_version(pk) for pk in (dataset.pk, target.pk)}
        engine, _ = to_engine(dataset)
        existing, _ = to_engine(target)
        with transaction.atomic():
            locked = dict(
                Dataset.objects.select_for_update()
                .filter(pk__in=list(versions))
                .values_list("pk", "version")
            )
            if locked != versions:
                continue
            items = engine_items(dataset)
            if not items:
                raise Invalid([InputError("整改事项", "没有整改事项可结转，请先生成整改事项")])
            has_rows = bool(existing.profile.department_name)
            carried = carry_forward(engine, items, existing if has_rows else None)
            datasets.store(target, carried, actor, f"结转 {dataset.year} 年度整改事项")
            return target, len(items)
    raise Invalid([InputError("数据集", "数据集正在被修改，请稍后再试")])


def feedback(dataset: Dataset, actor: Any) -> int:
    """The evaluation result, the suggestion and the 整改 items, to the department's
    administrators and its units' clerks (to be acknowledged); how many were sent."""
    suggestions, _ = suggestion(dataset)
    items = Rectification.objects.filter(dataset=dataset)
    department = [s for s in suggestions if s.level == "部门整体"]
    if department:
        s = department[0]
        result = f"评价得分 {s.score} 分，等级“{s.grade}”，下一年度预算建议：{s.recommendation}（{s.basis}）。"
    else:
        result = "评价尚无得分。"
    body = (
        f"{dataset} 绩效评价结果：{result}整改事项 {items.count()} 项，请按期整改并上传佐证材料。"
    )
    users = _dept_admins(dataset.department_id) + _clerks_of(
        Unit.objects.filter(department_id=dataset.department_id).values_list("pk", flat=True)
    )
    created = workflow.notify(
        NoticeSpec(
            users,
            Notice.Kind.NOTICE,
            f"评价结果反馈：{dataset}",
            body,
            reverse("results:home"),
            requires_ack=True,
        ),
        about=dataset,
        sender=actor,
        region_id=dataset.region_id,
        department_id=dataset.department_id,
    )
    return len(created)
