"""The review chains of the target forms, as data (江西 一体化 手册 §2–6).

A project's targets go up three levels, each of which may return them (退回, with an
审核意见) to the filler: the unit's clerk fills and submits (送审) to the project's
主管处室 (业务处室), which reviews first (处室审核通过); then the department's 财务处
(部门审核通过); then 财政 (财政审核通过 = 批复). When the 业务处室 fills a project itself, its
送审 is its own endorsement and goes straight to the 财务处. Every project has a 主管处室
(``services.create_project`` and the 送审 check insist), so the 处室 level is never
without a reviewer. After 批复 the filler may start an 调整 (with its reason), which goes
through the same review again.

The department's own form is declared by its 财务处 and reviewed by 财政 only.
"""

from __future__ import annotations

from jixiao_web.orgs.models import Role
from jixiao_web.workflow.machine import State, Transition, Workflow

U, D, DA, BA, BR = (
    Role.UNIT_CLERK,
    Role.DIVISION,
    Role.DEPT_ADMIN,
    Role.BUREAU_ADMIN,
    Role.BUREAU_REVIEWER,
)
BUREAU = frozenset({BA, BR})

STATES = (
    State("draft", "草稿"),
    State("submitted", "已送审"),
    State("division_ok", "处室审核通过"),
    State("dept_ok", "部门审核通过"),
    State("approved", "财政审核通过（已批复）"),
    State("returned", "已退回"),
    State("adjusting", "调整中"),
)
#: where the owner may still change the content
EDITABLE = frozenset({"draft", "returned", "adjusting"})
FILLABLE = ("draft", "returned", "adjusting")

PROJECT_FLOW = Workflow(
    "targets.project",
    "项目绩效目标",
    STATES,
    "draft",
    (
        Transition("submit", "送审", FILLABLE, "submitted", frozenset({U})),
        Transition("division_submit", "送审", FILLABLE, "division_ok", frozenset({D})),
        Transition("division_return", "退回", ("submitted",), "returned", frozenset({D}), True),
        Transition(
            "division_approve", "处室审核通过", ("submitted",), "division_ok", frozenset({D})
        ),
        Transition("dept_return", "退回", ("division_ok",), "returned", frozenset({DA}), True),
        Transition("dept_approve", "部门审核通过", ("division_ok",), "dept_ok", frozenset({DA})),
        Transition("bureau_return", "退回", ("dept_ok",), "returned", BUREAU, True),
        Transition("approve", "财政审核通过（批复）", ("dept_ok",), "approved", BUREAU),
        Transition("adjust", "调整", ("approved",), "adjusting", frozenset({U, D}), True),
    ),
    editable=EDITABLE,
)

DEPARTMENT_FLOW = Workflow(
    "targets.department",
    "部门整体绩效目标",
    STATES,
    "draft",
    (
        Transition("submit", "送审", FILLABLE, "submitted", frozenset({DA})),
        Transition("bureau_return", "退回", ("submitted",), "returned", BUREAU, True),
        Transition("approve", "财政审核通过（批复）", ("submitted",), "approved", BUREAU),
        Transition("adjust", "调整", ("approved",), "adjusting", frozenset({DA}), True),
    ),
    editable=EDITABLE,
)

#: Who fills each kind of form (the roles that may edit it in an editable state).
FILLERS: dict[str, frozenset[Role]] = {"project": frozenset({U, D}), "department": frozenset({DA})}
#: Review decisions: what puts a form on a reviewer's 待审核 and 已审核 lists.
REVIEW_ACTIONS = frozenset(
    {
        "division_return",
        "division_approve",
        "dept_return",
        "dept_approve",
        "bureau_return",
        "approve",
    }
)
#: the actions that send a form up (each checks it is complete and stores a version snapshot)
SUBMITS = frozenset({"submit", "division_submit"})


def flow_for(kind: str) -> Workflow:
    return DEPARTMENT_FLOW if kind == "department" else PROJECT_FLOW


FLOWS = (PROJECT_FLOW, DEPARTMENT_FLOW)
