"""The 整改 item's workflow, as data (see :mod:`jixiao_web.workflow.machine`)."""

from __future__ import annotations

from jixiao_web.orgs.models import Role
from jixiao_web.workflow.machine import State, Transition, Workflow

U, DA, BA = Role.UNIT_CLERK, Role.DEPT_ADMIN, Role.BUREAU_ADMIN

#: 待整改 → 整改中 → 待验收 → 已整改; 验收 may return it (with an opinion) to 整改中.
RECTIFICATION = Workflow(
    "rectification",
    "整改事项",
    (
        State("open", "待整改"),
        State("doing", "整改中"),
        State("submitted", "待验收"),
        State("done", "已整改"),
    ),
    "open",
    (
        Transition("start", "开始整改", ("open",), "doing", frozenset({U, DA})),
        Transition("submit", "提交验收", ("doing",), "submitted", frozenset({U, DA})),
        Transition("accept", "验收通过", ("submitted",), "done", frozenset({DA, BA})),
        Transition(
            "return", "退回", ("submitted",), "doing", frozenset({DA, BA}), opinion_required=True
        ),
    ),
    editable=frozenset({"open", "doing"}),
)

#: The engine's 整改状态 (the 整改事项 table's choices) of each state.
ENGINE_STATUS = {"open": "待整改", "doing": "整改中", "submitted": "整改中", "done": "已整改"}
