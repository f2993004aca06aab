"""The monitoring return's workflow, as data (see :mod:`jixiao_web.workflow.machine`)."""

from __future__ import annotations

from jixiao_web.orgs.models import Role
from jixiao_web.workflow.machine import State, Transition, Workflow

U, DA, BA = Role.UNIT_CLERK, Role.DEPT_ADMIN, Role.BUREAU_ADMIN

#: 填报中 → 已报送 → 已审核, with 退回 (and an 审核意见) by the department or 财政.
RETURN = Workflow(
    "monitor-return",
    "绩效监控填报",
    (
        State("draft", "填报中"),
        State("submitted", "已报送"),
        State("returned", "已退回"),
        State("accepted", "已审核"),
    ),
    "draft",
    (
        Transition("submit", "报送", ("draft", "returned"), "submitted", frozenset({U, DA})),
        Transition("accept", "审核通过", ("submitted",), "accepted", frozenset({DA, BA})),
        Transition(
            "return", "退回", ("submitted",), "returned", frozenset({DA, BA}), opinion_required=True
        ),
    ),
    editable=frozenset({"draft", "returned"}),
)

#: States whose figures count in the 通报 by default (what the unit has reported).
REPORTED = frozenset({"submitted", "accepted"})
