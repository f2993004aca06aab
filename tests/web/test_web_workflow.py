"""The shared workflow core: a workflow as data, decisions through one service, the inbox."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.contrib.auth import get_user_model

from jixiao_web.orgs.models import Role
from jixiao_web.workflow import services
from jixiao_web.workflow.machine import State, Transition, Workflow
from jixiao_web.workflow.models import Notice, WorkflowEvent
from jixiao_web.workflow.services import (
    InvalidTransition,
    NotAllowed,
    NoticeSpec,
    OpinionRequired,
    Stale,
)

pytestmark = pytest.mark.django_db

U, D, DA, BA, BR, E = (
    Role.UNIT_CLERK,
    Role.DIVISION,
    Role.DEPT_ADMIN,
    Role.BUREAU_ADMIN,
    Role.BUREAU_REVIEWER,
    Role.EVALUATOR,
)

#: A review chain like the 绩效目标's: the unit submits, the department and 财政 review.
CHAIN = Workflow(
    "test-chain",
    "测试审核流程",
    (
        State("draft", "草稿"),
        State("submitted", "已送审"),
        State("dept_ok", "部门审核通过"),
        State("approved", "财政审核通过"),
        State("returned", "已退回"),
    ),
    "draft",
    (
        Transition("submit", "送审", ("draft", "returned"), "submitted", frozenset({U, D})),
        Transition("dept_approve", "部门审核通过", ("submitted",), "dept_ok", frozenset({DA})),
        Transition(
            "dept_return",
            "退回",
            ("submitted",),
            "returned",
            frozenset({DA}),
            opinion_required=True,
        ),
        Transition("approve", "财政审核通过", ("dept_ok",), "approved", frozenset({BA, BR})),
        Transition("bureau_return", "退回", ("dept_ok",), "returned", frozenset({BA, BR}), True),
    ),
)

# (action, role) → may that role take it: the table a reviewer checks by eye.
MAY = {
    "submit": {U, D},
    "dept_approve": {DA},
    "dept_return": {DA},
    "approve": {BA, BR},
    "bureau_return": {BA, BR},
}


def _user(name: str) -> Any:
    return get_user_model().objects.get(username=name)


@pytest.mark.parametrize("action", list(MAY))
@pytest.mark.parametrize("role", [U, D, DA, BA, BR, E])
def test_every_transition_by_every_role(science: Any, action: str, role: Role) -> None:
    """Bring the object to the action's first source state, then try it as ``role``."""
    step = CHAIN.transition(action)
    assert step is not None
    path = {"draft": [], "submitted": ["submit"], "dept_ok": ["submit", "dept_approve"]}
    actor = _user("dept-admin")
    for earlier in path[step.sources[0]]:
        services.transition(science, CHAIN, earlier, actor=actor, roles=set(Role), opinion="-")
    if role in MAY[action]:
        event = services.transition(
            science, CHAIN, action, actor=actor, roles={role}, opinion="意见"
        )
        assert (event.to_state, event.actor_role) == (step.target, role.value)
        assert services.state_of(science, CHAIN).state == step.target
    else:
        with pytest.raises(NotAllowed, match=f"您的角色不能{step.label}"):
            services.transition(science, CHAIN, action, actor=actor, roles={role}, opinion="意见")
        assert services.state_of(science, CHAIN).state == step.sources[0]


def test_a_decision_is_recorded_with_its_opinion_and_the_version_seen(science: Any) -> None:
    clerk, admin = _user("unit-clerk"), _user("dept-admin")
    assert services.state_of(science, CHAIN).state == "draft"
    services.transition(science, CHAIN, "submit", actor=clerk, roles={U}, version=1)
    with pytest.raises(OpinionRequired, match="退回须填写审核意见"):
        services.transition(science, CHAIN, "dept_return", actor=admin, roles={DA})
    with pytest.raises(Stale, match="已被他人修改或处理"):  # the admin opened version 1
        services.transition(
            science, CHAIN, "dept_return", actor=admin, roles={DA}, opinion="x", version=1
        )
    services.transition(
        science, CHAIN, "dept_return", actor=admin, roles={DA}, opinion="指标值偏低", version=2
    )
    with pytest.raises(InvalidTransition, match="当前状态为“已退回”，不能部门审核通过"):
        services.transition(science, CHAIN, "dept_approve", actor=admin, roles={DA})
    events = list(services.history(science).filter(workflow=CHAIN.name))
    assert [(e.action_label, e.from_state, e.to_state, e.opinion) for e in events] == [
        ("送审", "draft", "submitted", ""),
        ("退回", "submitted", "returned", "指标值偏低"),
    ]
    assert [e.object_version for e in events] == [1, 2]
    assert services.last_opinion(science) == events[1]


def _chain_notices(obj: Any, step: Transition, event: WorkflowEvent) -> list[NoticeSpec]:
    """Who hears of each decision in this test: reviewers get a task, the submitter the result."""
    if step.action == "submit":
        return [
            NoticeSpec(
                [_user("dept-admin")],
                Notice.Kind.TASK,
                "绩效目标待审核",
                due=date.today() - timedelta(days=1),
                link="/",
            )
        ]
    if step.action == "dept_return":
        return [
            NoticeSpec([_user("unit-clerk")], Notice.Kind.RETURNED, "绩效目标被退回", event.opinion)
        ]
    return []


def test_a_task_waits_in_the_reviewers_inbox_until_someone_decides(
    science: Any, django_capture_on_commit_callbacks: Any, mailoutbox: list[Any]
) -> None:
    Notice.objects.all().delete()  # the demo's own tasks (监控填报, 整改) are not this test's
    clerk, admin = _user("unit-clerk"), _user("dept-admin")
    admin.email = "caiwu@example.gov.cn"
    admin.save()
    with django_capture_on_commit_callbacks(execute=True):
        services.transition(
            science, CHAIN, "submit", actor=clerk, roles={U}, notices=_chain_notices
        )
    box = services.inbox(admin)
    assert [n.title for n in box.pending] == ["绩效目标待审核"]
    assert [n.title for n in box.overdue] == ["绩效目标待审核"]  # its deadline was yesterday
    assert [m.subject for m in mailoutbox] == ["【预算绩效管理】绩效目标待审核"]
    assert services.send_overdue_reminders() == 1
    assert services.send_overdue_reminders() == 0  # once per task
    services.transition(
        science,
        CHAIN,
        "dept_return",
        actor=admin,
        roles={DA},
        opinion="请补充取值依据",
        notices=_chain_notices,
    )
    assert services.inbox(admin).pending.count() == 0  # the decision closed the task
    returned = services.inbox(clerk).returned.get()
    assert (returned.title, returned.body, returned.sender) == (
        "绩效目标被退回",
        "请补充取值依据",
        admin,
    )


def test_the_inbox_page_lists_only_the_users_own_notices(science: Any, login: Any) -> None:
    Notice.objects.all().delete()  # the demo's own tasks (监控填报, 整改) are not this test's
    clerk, other = _user("unit-clerk"), _user("unit-clerk-2")
    spec = NoticeSpec(
        [clerk], Notice.Kind.NOTICE, "执行进度通报：请于月底前说明原因", requires_ack=True
    )
    [notice] = services.notify(spec, about=science, sender=_user("bureau-admin"))
    client = login("unit-clerk")
    page = client.get("/inbox/?show=notices")
    assert page.status_code == 200
    assert (
        "执行进度通报：请于月底前说明原因" in page.content.decode()
        and "确认收到" in page.content.decode()
    )
    assert client.post(f"/inbox/{notice.pk}/ack/").status_code == 302
    notice.refresh_from_db()
    assert notice.acknowledged_at is not None and notice.read_at is not None
    other_client = login("unit-clerk-2")
    assert other_client.get(f"/inbox/{notice.pk}/").status_code == 404
    assert other_client.post(f"/inbox/{notice.pk}/ack/").status_code == 404
    assert other.notices.count() == 0


def test_the_inbox_needs_a_login(client: Any) -> None:
    response = client.get("/inbox/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_notice_never_leads_off_the_site(science: Any, login: Any) -> None:
    spec = NoticeSpec([_user("unit-clerk")], Notice.Kind.NOTICE, "外链", link="//evil.example/")
    [notice] = services.notify(spec, about=science)
    response = login("unit-clerk").get(f"/inbox/{notice.pk}/")
    assert response.status_code == 302 and response["Location"] == "/inbox/"


@pytest.mark.parametrize(
    ("kind", "read", "acknowledged", "requires_ack", "tab"),
    [
        # (what came, read?, acknowledged?, must be acknowledged?, the tab whose badge counts it)
        (Notice.Kind.TASK, False, False, False, "pending"),
        (Notice.Kind.TASK, True, False, False, "pending"),  # a task counts until it is closed
        (Notice.Kind.RETURNED, False, False, False, "returned"),
        (Notice.Kind.NOTICE, False, False, False, "notices"),
        (Notice.Kind.NOTICE, True, False, True, "notices"),  # read, 确认收到 still owed
        (Notice.Kind.OVERDUE, False, False, False, "notices"),
        (Notice.Kind.DONE, False, False, False, "done"),  # 已批复, unread: was in no badge
        (Notice.Kind.DONE, True, False, False, None),
        (Notice.Kind.NOTICE, True, True, True, None),
    ],
)
def test_the_headers_number_is_the_sum_of_the_inbox_badges(
    science: Any,
    login: Any,
    kind: str,
    read: bool,
    acknowledged: bool,
    requires_ack: bool,
    tab: str | None,
) -> None:
    from django.utils import timezone

    Notice.objects.all().delete()  # the demo's own tasks (监控填报, 整改) are not this test's
    clerk = _user("unit-clerk")
    [notice] = services.notify(
        NoticeSpec([clerk], kind, "一条消息", requires_ack=requires_ack), about=science
    )
    now = timezone.now()
    Notice.objects.filter(pk=notice.pk).update(
        read_at=now if read else None, acknowledged_at=now if acknowledged else None
    )
    counts = services.inbox(clerk).counts
    badges = {key: n for key, n in counts.items() if n and key != "overdue"}
    assert badges == ({tab: 1} if tab else {})
    assert services.unread_count(clerk) == sum(badges.values())
    page = login("unit-clerk").get("/inbox/?show=done").content.decode()
    assert ('待办 <span class="badge">1</span>' in page) == (tab is not None)
