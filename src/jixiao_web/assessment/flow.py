"""The self-evaluation (自评) workflow as data, on the shared core (``jixiao_web.workflow``).

填报中 → 已提交 → 部门审核通过 → 财政审核通过; 退回 from either review goes back to 填报中 with
a required 审核意见; 撤销 (only 财政绩效管理处, with a reason) ends a sheet of a cancelled
task. ``docs/web.md`` prints this table; ``tests/web/test_assessment_flow.py`` walks every
transition × every role of it.
"""

from __future__ import annotations

from jixiao_web.orgs.models import Role
from jixiao_web.workflow.machine import State, Transition, Workflow

FILLING = "filling"
SUBMITTED = "submitted"
DEPT_APPROVED = "dept_approved"
APPROVED = "approved"
CANCELLED = "cancelled"

BUREAU = frozenset({Role.BUREAU_ADMIN, Role.BUREAU_REVIEWER})

SELF_EVALUATION = Workflow(
    name="self_evaluation",
    label="绩效自评",
    states=(
        State(FILLING, "填报中"),
        State(SUBMITTED, "已提交"),
        State(DEPT_APPROVED, "部门审核通过"),
        State(APPROVED, "财政审核通过"),
        State(CANCELLED, "已撤销"),
    ),
    initial=FILLING,
    transitions=(
        Transition(
            "submit", "提交", (FILLING,), SUBMITTED, frozenset({Role.UNIT_CLERK, Role.DEPT_ADMIN})
        ),
        Transition(
            "dept_approve",
            "部门审核通过",
            (SUBMITTED,),
            DEPT_APPROVED,
            frozenset({Role.DEPT_ADMIN}),
        ),
        Transition(
            "dept_return",
            "部门退回",
            (SUBMITTED,),
            FILLING,
            frozenset({Role.DEPT_ADMIN}),
            opinion_required=True,
        ),
        Transition("bureau_approve", "财政审核通过", (DEPT_APPROVED,), APPROVED, BUREAU),
        Transition(
            "bureau_return", "财政退回", (DEPT_APPROVED,), FILLING, BUREAU, opinion_required=True
        ),
        Transition(
            "cancel",
            "撤销",
            (FILLING, SUBMITTED, DEPT_APPROVED),
            CANCELLED,
            frozenset({Role.BUREAU_ADMIN}),
            opinion_required=True,
        ),
    ),
    editable=frozenset({FILLING}),
)

#: States from which a sheet may be drawn for 抽查复核 (it has been submitted).
SAMPLEABLE = frozenset({SUBMITTED, DEPT_APPROVED, APPROVED})
