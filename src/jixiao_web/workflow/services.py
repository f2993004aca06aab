"""The only way an object changes state, and the only way a notice is sent.

:func:`transition` applies one action of a :class:`~.machine.Workflow` to any stored
object (one with the tenant keys ``region``/``department``); where the object stands is a
:class:`~.models.WorkflowState` beside it. In one transaction it locks that state, refuses
an action the roles may not take (403), a state the action does not start from or a
version the user has not seen (409) and a missing 审核意见 (422), saves the new state,
writes the :class:`~.models.WorkflowEvent`, closes the tasks that awaited the decision and
sends the notices the caller names. E-mail goes out after the commit, through Django's mail backend
(the console by default), and a mail failure never undoes a decision.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.mail import send_mail
from django.db import models, transaction
from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from jixiao_web.orgs.models import Role
from jixiao_web.workflow.machine import Transition, Workflow
from jixiao_web.workflow.models import Notice, WorkflowEvent, WorkflowState

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

log = logging.getLogger(__name__)


class WorkflowError(Exception):
    """A refused action; ``str()`` is the Chinese message the page shows."""

    status = 400


class NotAllowed(WorkflowError):
    status = 403


class InvalidTransition(WorkflowError):
    """The object is not in a state the action starts from (someone acted first)."""

    status = 409


class Stale(WorkflowError):
    """The object changed since the user opened it."""

    status = 409


class OpinionRequired(WorkflowError):
    status = 422


@dataclass(frozen=True)
class NoticeSpec:
    """A notice to send with a decision: to whom, what kind, what it says, where it leads."""

    recipients: Sequence[AbstractBaseUser]
    kind: str
    title: str
    body: str = ""
    link: str = ""
    due: date | None = None
    requires_ack: bool = False


#: What a domain gives :func:`transition` to say who hears of a decision.
Notices = Callable[[Any, Transition, WorkflowEvent], Iterable[NoticeSpec]]

#: Roles in the order a decision is attributed when a user holds several.
_ROLE_ORDER: tuple[Role, ...] = (
    Role.BUREAU_ADMIN,
    Role.BUREAU_REVIEWER,
    Role.DEPT_ADMIN,
    Role.DIVISION,
    Role.UNIT_CLERK,
    Role.EVALUATOR,
)


def _subject(obj: models.Model) -> dict[str, Any]:
    return {"content_type": ContentType.objects.get_for_model(type(obj)), "object_id": obj.pk}


def state_subquery(workflow: Workflow, model: type[models.Model]) -> Subquery:
    """The stored state in ``workflow`` of each ``model`` row of an outer query (NULL for a
    row nothing has happened to yet: it is in ``workflow.initial``), for lists that filter,
    count and page by state in SQL instead of reading every state row."""
    stored = WorkflowState.objects.filter(
        workflow=workflow.name,
        content_type__app_label=model._meta.app_label,
        content_type__model=model._meta.model_name,
        object_id=OuterRef("pk"),
    ).values("state")[:1]
    return Subquery(stored)


def state_of(obj: models.Model, workflow: Workflow) -> WorkflowState:
    """Where ``obj`` stands in ``workflow`` (its initial state if nothing happened yet)."""
    found = WorkflowState.objects.filter(workflow=workflow.name, **_subject(obj)).first()
    if found is not None:
        return found
    region_id: Any = getattr(obj, "region_id", None)
    department_id: Any = getattr(obj, "department_id", None)
    return WorkflowState(
        region_id=region_id,
        department_id=department_id,
        workflow=workflow.name,
        state=workflow.initial,
        version=1,
        **_subject(obj),
    )


def transition(
    obj: models.Model,
    workflow: Workflow,
    action: str,
    *,
    actor: Any,
    roles: Iterable[Role],
    opinion: str = "",
    version: int | None = None,
    notices: Notices | None = None,
) -> WorkflowEvent:
    """Apply ``action`` to ``obj`` as ``actor`` holding ``roles`` *on this object*.

    The caller (the domain's service) decides which of the actor's roles apply to the
    object (a clerk of *its* unit, the 处室 of *its* project …); this function decides
    whether those roles may take the action from the object's current state.
    ``version`` is the state's version the user saw (from the form), if any.
    """
    step = workflow.transition(action)
    if step is None:
        raise InvalidTransition(f"“{workflow.label}”没有“{action}”这一操作")
    held = [r for r in _ROLE_ORDER if r in set(roles) & step.roles]
    if not held:
        raise NotAllowed(f"您的角色不能{step.label}")
    if step.opinion_required and not opinion.strip():
        raise OpinionRequired(f"{step.label}须填写审核意见")
    with transaction.atomic():
        subject = _subject(obj)
        current = (
            WorkflowState.objects.select_for_update()
            .filter(workflow=workflow.name, **subject)
            .first()
        ) or state_of(obj, workflow)
        if version is not None and current.version != version:
            raise Stale("该事项已被他人修改或处理，请刷新页面后再操作")
        if current.state not in step.sources:
            now = workflow.label_of(current.state)
            raise InvalidTransition(f"当前状态为“{now}”，不能{step.label}")
        before = current.state
        current.state = step.target
        current.version += 1
        current.save()
        event = WorkflowEvent.objects.create(
            region_id=current.region_id,
            department_id=current.department_id,
            workflow=workflow.name,
            action=step.action,
            action_label=step.label,
            from_state=before,
            to_state=step.target,
            actor=actor,
            actor_role=held[0].value,
            opinion=opinion.strip(),
            object_version=current.version - 1,
            **subject,
        )
        close_tasks(obj)
        for spec in notices(obj, step, event) if notices else ():
            notify(spec, about=obj, sender=actor)
    return event


def history(obj: models.Model) -> QuerySet[WorkflowEvent]:
    """Every decision on ``obj``, oldest first."""
    return WorkflowEvent.objects.filter(
        content_type=ContentType.objects.get_for_model(type(obj)), object_id=obj.pk
    ).select_related("actor")


def last_opinion(obj: models.Model) -> WorkflowEvent | None:
    """The latest decision with an 审核意见 (what a returned submission must answer)."""
    return history(obj).exclude(opinion="").order_by("-at", "-pk").first()


# --------------------------------------------------------------------------- notices


def notify(
    spec: NoticeSpec,
    *,
    about: models.Model | None = None,
    sender: Any = None,
    region_id: int | None = None,
    department_id: int | None = None,
) -> list[Notice]:
    """Put ``spec`` into each recipient's inbox (and mail it after the commit).

    The notice carries the tenant keys of the object it is ``about`` (or the ones given).
    """
    subject: dict[str, Any] = {}
    region_id = region_id if region_id is not None else getattr(about, "region_id", None)
    if department_id is None:
        department_id = getattr(about, "department_id", None)
    if about is not None:
        subject = {
            "content_type": ContentType.objects.get_for_model(type(about)),
            "object_id": about.pk,
        }
    created = Notice.objects.bulk_create(
        Notice(
            region_id=region_id if region_id is not None else _region_of(user),
            department_id=department_id,
            recipient=user,
            sender=sender,
            kind=spec.kind,
            title=spec.title,
            body=spec.body,
            link=spec.link,
            due=spec.due,
            requires_ack=spec.requires_ack,
            **subject,
        )
        for user in _unique(spec.recipients)
    )
    addresses = [u.email for u in _unique(spec.recipients) if getattr(u, "email", "")]
    if addresses:
        transaction.on_commit(lambda: _mail(spec, addresses))
    return created


def _unique(users: Iterable[Any]) -> list[Any]:
    seen: set[Any] = set()
    result = []
    for user in users:
        if user.pk not in seen:
            seen.add(user.pk)
            result.append(user)
    return result


def _region_of(user: Any) -> int:
    membership = user.memberships.first()
    if membership is None:
        raise ValueError("a notice needs a region: the recipient has no membership")
    return int(membership.region_id)


def _mail(spec: NoticeSpec, addresses: list[str]) -> None:
    body = spec.body
    if spec.link:
        body = f"{body}\n\n请登录预算绩效管理信息系统查看：{spec.link}".strip()
    try:
        send_mail(
            f"【预算绩效管理】{spec.title}",
            body,
            settings.DEFAULT_FROM_EMAIL,
            addresses,
        )
    except Exception:  # a mail server down must not undo a decision already committed
        log.exception("sending a notice by e-mail failed (%d recipients)", len(addresses))


def close_tasks(obj: models.Model) -> int:
    """Close the open tasks about ``obj``: whoever was waiting to act no longer is."""
    return Notice.objects.filter(
        content_type=ContentType.objects.get_for_model(type(obj)),
        object_id=obj.pk,
        kind=Notice.Kind.TASK,
        closed_at__isnull=True,
    ).update(closed_at=timezone.now())


def mine(user: Any) -> QuerySet[Notice]:
    """A user's own notices: the only way the inbox reads them."""
    return Notice.objects.filter(recipient_id=user.pk)


def mark_read(notice: Notice) -> None:
    if notice.read_at is None:
        notice.read_at = timezone.now()
        notice.save(update_fields=["read_at"])


def acknowledge(notice: Notice) -> None:
    """The recipient confirms having received a notice that asks for it (通报 签收)."""
    now = timezone.now()
    notice.acknowledged_at = notice.acknowledged_at or now
    notice.read_at = notice.read_at or now
    notice.save(update_fields=["acknowledged_at", "read_at"])


@dataclass
class Inbox:
    """What awaits a user, what came back, what is late, what to read."""

    pending: QuerySet[Notice]
    overdue: QuerySet[Notice]
    returned: QuerySet[Notice]
    notices: QuerySet[Notice]
    done: QuerySet[Notice]
    counts: dict[str, int] = field(default_factory=dict)


def inbox(user: Any) -> Inbox:
    today = timezone.localdate()
    own = mine(user).select_related("sender")
    open_tasks = own.filter(kind=Notice.Kind.TASK, closed_at__isnull=True)
    box = Inbox(
        pending=open_tasks,
        overdue=open_tasks.filter(due__lt=today),
        returned=own.filter(kind=Notice.Kind.RETURNED).filter(
            _WANTS_ATTENTION | Q(created_at__gte=timezone.now() - timedelta(days=30))
        ),
        notices=own.filter(kind__in=[Notice.Kind.NOTICE, Notice.Kind.OVERDUE]),
        done=own.filter(Q(kind=Notice.Kind.DONE) | Q(closed_at__isnull=False)),
    )
    box.counts = {
        "pending": box.pending.count(),
        "overdue": box.overdue.count(),
        "returned": box.returned.filter(_WANTS_ATTENTION).count(),
        "notices": box.notices.filter(_WANTS_ATTENTION).count(),
        "done": own.filter(kind=Notice.Kind.DONE).filter(_WANTS_ATTENTION).count(),
    }
    return box


#: A message (not a task) that still wants the user's eye: unread, or a 通报 read but not
#: yet acknowledged. The header's number and the inbox tabs' badges both count by it, so
#: the header's number is always the sum of the badges a user can click (an unread 已批复
#: was once counted in the header with no tab showing it).
_WANTS_ATTENTION = Q(read_at__isnull=True) | Q(requires_ack=True, acknowledged_at__isnull=True)


def unread_count(user: Any) -> int:
    """The number the header shows: open tasks plus the messages that want attention —
    the sum of the 待处理, 被退回, 通知 and 已办结 badges of the inbox."""
    own = mine(user)
    return (
        own.filter(kind=Notice.Kind.TASK, closed_at__isnull=True).count()
        + own.exclude(kind=Notice.Kind.TASK).filter(_WANTS_ATTENTION).count()
    )


def send_overdue_reminders(today: date | None = None) -> int:
    """One 已逾期 notice per open task past its deadline (once per task); returns how many.

    Run daily (``jixiao manage notify_overdue`` from cron or a systemd timer).
    """
    today = today or timezone.localdate()
    late = Notice.objects.filter(
        kind=Notice.Kind.TASK, closed_at__isnull=True, due__lt=today
    ).select_related("recipient")
    sent = 0
    for task in late:
        already = Notice.objects.filter(
            kind=Notice.Kind.OVERDUE,
            recipient_id=task.recipient_id,
            content_type_id=task.content_type_id,
            object_id=task.object_id,
        ).exists()
        if already:
            continue
        spec = NoticeSpec(
            [task.recipient],
            Notice.Kind.OVERDUE,
            f"已逾期：{task.title}",
            f"期限为 {task.due:%Y-%m-%d}，至今尚未办理。",
            task.link,
        )
        notify(
            spec,
            about=task.subject,
            region_id=task.region_id,
            department_id=task.department_id,
        )
        sent += 1
    return sent
