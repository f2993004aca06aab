"""Who may see and do what: the one place where object-level isolation is decided.

Every view gets its objects through an :class:`Access` (``request.access``), never through
a bare ``Model.objects`` query:

- :meth:`Access.datasets` is the queryset of the datasets a user may see at all; anything
  outside it answers **404** (its existence is not revealed);
- :meth:`Access.require` refuses an action the user's role does not have on a dataset it
  can see with **403**;
- :meth:`Access.rows` limits a table's rows to those the user may see (a unit's clerk sees
  only its unit's rows), and :meth:`Access.can_edit_row` decides each row.

The rights of each role are the table :data:`RIGHTS`; ``docs/web.md`` prints it, and
``tests/web/test_permissions.py`` checks every view × every persona against it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from jixiao_web.orgs.models import Membership, Role

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

    from jixiao_web.datasets.models import Dataset, DatasetRow
    from jixiao_web.orgs.models import Department, Division, Unit
    from jixiao_web.targets.models import TargetForm


class Action(StrEnum):
    VIEW = "view"  #: open the dataset (a clerk: its own unit's rows only)
    VIEW_ALL = "view_all"  #: every row, the findings, the evaluation, the reports, the workbook
    EDIT = "edit"  #: change rows (which rows: :meth:`Access.can_edit_row`)
    UPLOAD = "upload"  #: replace the whole dataset from a workbook
    EVALUATE = "evaluate"  #: run the engine's evaluation and store it
    REPORT = "report"  #: generate the reports
    HISTORY = "history"  #: the change history of the whole dataset
    PUBLISH = "publish"  #: publish (and unpublish) the year's results to the public


ACTION_LABELS: dict[Action, str] = {
    Action.VIEW: "查看",
    Action.VIEW_ALL: "查看全部数据与结果",
    Action.EDIT: "修改数据",
    Action.UPLOAD: "上传工作簿",
    Action.EVALUATE: "评价",
    Action.REPORT: "生成报告",
    Action.HISTORY: "查看修改记录",
    Action.PUBLISH: "公开",
}

#: What each role may do on a dataset it can see.
RIGHTS: dict[Role, frozenset[Action]] = {
    Role.BUREAU_ADMIN: frozenset(
        {
            Action.VIEW,
            Action.VIEW_ALL,
            Action.EVALUATE,
            Action.REPORT,
            Action.HISTORY,
            Action.PUBLISH,
        }
    ),
    Role.BUREAU_REVIEWER: frozenset({Action.VIEW, Action.VIEW_ALL, Action.HISTORY}),
    Role.DEPT_ADMIN: frozenset(Action),
    Role.DIVISION: frozenset({Action.VIEW, Action.VIEW_ALL, Action.EDIT}),
    Role.UNIT_CLERK: frozenset({Action.VIEW, Action.EDIT}),
    Role.EVALUATOR: frozenset({Action.VIEW, Action.VIEW_ALL, Action.EVALUATE, Action.REPORT}),
}

#: Roles that see the region dashboard: a bureau its region, a department admin its department.
REGION_ROLES = frozenset({Role.BUREAU_ADMIN, Role.BUREAU_REVIEWER, Role.DEPT_ADMIN})

#: Tables a 业务处室 may edit: its own projects (主管处室 = its name) and their indicators.
DIVISION_TABLES = frozenset({"projects", "project_indicators"})


@dataclass(frozen=True)
class Access:
    """A user's memberships and everything derived from them (built once per request)."""

    user_id: int | None
    memberships: tuple[Membership, ...]

    @classmethod
    def of(cls, user: AbstractBaseUser | AnonymousUser) -> Access:
        if not user.is_authenticated:
            return cls(None, ())
        memberships = tuple(
            Membership.objects.filter(user_id=user.pk).select_related(
                "region", "department", "division", "unit"
            )
        )
        return cls(int(user.pk), memberships)

    # ------------------------------------------------------------------ datasets

    def datasets(self) -> QuerySet[Dataset]:
        """Every dataset the user may open; the only way views list or fetch datasets."""
        from jixiao_web.datasets.models import Dataset

        condition = Q(pk__in=[])
        for m in self.memberships:
            if m.role in (Role.BUREAU_ADMIN, Role.BUREAU_REVIEWER):
                condition |= Q(region_id=m.region_id)
            elif m.role == Role.EVALUATOR and self.user_id is not None:
                condition |= Q(region_id=m.region_id, assignments__user_id=self.user_id)
            else:
                condition |= Q(department_id=m.department_id)
        return Dataset.objects.filter(condition).distinct().select_related("department", "region")

    def dataset(self, pk: Any) -> Dataset:
        """The dataset ``pk`` if the user may see it; 404 otherwise (also for a bad id)."""
        try:
            return self.datasets().get(pk=int(pk))
        except (ValueError, TypeError, OverflowError):
            raise Http404("数据集不存在") from None
        except Exception as error:
            if error.__class__.__name__ == "DoesNotExist":
                raise Http404("数据集不存在") from None
            raise

    def roles_for(self, dataset: Dataset) -> list[Membership]:
        """The memberships that give the user access to ``dataset``."""
        found = []
        for m in self.memberships:
            if m.role in (Role.BUREAU_ADMIN, Role.BUREAU_REVIEWER):
                ok = m.region_id == dataset.region_id
            elif m.role == Role.EVALUATOR:
                ok = (
                    self.user_id is not None
                    and m.region_id == dataset.region_id
                    and dataset.assignments.filter(user_id=self.user_id).exists()
                )
            else:
                ok = m.department_id == dataset.department_id
            if ok:
                found.append(m)
        return found

    def allows(self, action: Action, dataset: Dataset) -> bool:
        return any(action in RIGHTS[Role(m.role)] for m in self.roles_for(dataset))

    def allowed(self, dataset: Dataset) -> set[Action]:
        return {a for m in self.roles_for(dataset) for a in RIGHTS[Role(m.role)]}

    def require(self, action: Action, dataset: Dataset) -> None:
        """403 when the user's roles on ``dataset`` do not include ``action``."""
        if not self.allows(action, dataset):
            raise PermissionDenied(f"您的角色不能{ACTION_LABELS[action]}")

    # ------------------------------------------------------------------ region dashboard

    @property
    def sees_region(self) -> bool:
        """May open the region dashboard (the navigation shows the link)."""
        return any(m.role in REGION_ROLES for m in self.memberships)

    def region_datasets(self) -> QuerySet[Dataset]:
        """The datasets the region dashboard compares: a bureau's region, a department
        administrator's own department; 403 for every other role (nothing to compare)."""
        from jixiao_web.datasets.models import Dataset

        if not self.sees_region:
            raise PermissionDenied("只有财政部门和主管部门管理员可以查看部门评价对比")
        condition = Q(pk__in=[])
        for m in self.memberships:
            if m.role in (Role.BUREAU_ADMIN, Role.BUREAU_REVIEWER):
                condition |= Q(region_id=m.region_id)
            elif m.role == Role.DEPT_ADMIN:
                condition |= Q(department_id=m.department_id)
        return Dataset.objects.filter(condition).distinct().select_related("department", "region")

    # ------------------------------------------------------------------ rows

    def unit_codes(self, dataset: Dataset) -> set[str] | None:
        """The units whose rows the user is limited to; ``None``: no limit (all rows)."""
        memberships = self.roles_for(dataset)
        if any(m.role != Role.UNIT_CLERK for m in memberships):
            return None
        return {m.unit.code for m in memberships if m.unit is not None}

    def rows(self, dataset: Dataset, model: type[DatasetRow]) -> QuerySet[Any]:
        """The rows of one table of ``dataset`` the user may see."""
        rows = model.objects.filter(dataset=dataset)
        codes = self.unit_codes(dataset)
        if codes is None:
            return rows
        if not unit_keyed(model.spec.key):
            return rows.none()
        return rows.filter(unit_code__in=codes)

    def can_edit_row(self, dataset: Dataset, table: str, unit_code: str, division: str) -> bool:
        """May the user write a row of ``table`` that belongs to ``unit_code``?

        ``division`` is the row's 主管处室 (projects; for project indicators the project's).
        """
        for m in self.roles_for(dataset):
            if Action.EDIT not in RIGHTS[Role(m.role)]:
                continue
            if m.role == Role.DEPT_ADMIN:
                return True
            if (
                m.role == Role.DIVISION
                and table in DIVISION_TABLES
                and m.division is not None
                and division == m.division.name
            ):
                return True
            if (
                m.role == Role.UNIT_CLERK
                and unit_keyed(table)
                and m.unit is not None
                and unit_code == m.unit.code
            ):
                return True
        return False

    def editable_tables(self, dataset: Dataset) -> set[str]:
        """Tables in which the user may edit at least some rows."""
        from jixiao.dataset.model import TABLES

        result: set[str] = set()
        for m in self.roles_for(dataset):
            if Action.EDIT not in RIGHTS[Role(m.role)]:
                continue
            if m.role == Role.DEPT_ADMIN:
                result |= {t.key for t in TABLES}
            elif m.role == Role.DIVISION:
                result |= DIVISION_TABLES
            elif m.role == Role.UNIT_CLERK:
                result |= {t.key for t in TABLES if unit_keyed(t.key)}
        return result

    def units(self, dataset: Dataset) -> Iterable[str]:
        codes = self.unit_codes(dataset)
        return sorted(codes) if codes is not None else []

    # ------------------------------------------------------------------ target forms (绩效目标)

    def target_forms(self) -> QuerySet[TargetForm]:
        """Every target form the user may open (outside it: 404).

        财政: its region's; 部门财务处: its department's; 业务处室: its projects and the
        department's own form; a unit's clerk: its unit's projects; third parties: none.
        """
        from jixiao_web.targets.models import TargetForm

        condition = Q(pk__in=[])
        for m in self.memberships:
            if m.role in (Role.BUREAU_ADMIN, Role.BUREAU_REVIEWER):
                condition |= Q(region_id=m.region_id)
            elif m.role == Role.DEPT_ADMIN:
                condition |= Q(department_id=m.department_id)
            elif m.role == Role.DIVISION:
                condition |= Q(department_id=m.department_id, kind="department")
                condition |= Q(department_id=m.department_id, division_id=m.division_id)
            elif m.role == Role.UNIT_CLERK:
                condition |= Q(department_id=m.department_id, unit_id=m.unit_id, kind="project")
        return (
            TargetForm.objects.filter(condition)
            .distinct()
            .select_related("department", "region", "unit", "division")
        )

    def target_form(self, pk: Any) -> TargetForm:
        """The form ``pk`` if the user may see it; 404 otherwise (also for a bad id)."""
        try:
            return self.target_forms().get(pk=int(pk))
        except (ValueError, TypeError, OverflowError):
            raise Http404("申报表不存在") from None
        except Exception as error:
            if error.__class__.__name__ == "DoesNotExist":
                raise Http404("申报表不存在") from None
            raise

    def target_roles(self, form: TargetForm) -> set[Role]:
        """The roles the user holds *on this form* (what the workflow asks about)."""
        held: set[Role] = set()
        for m in self.memberships:
            role = Role(m.role)
            if role in (Role.BUREAU_ADMIN, Role.BUREAU_REVIEWER):
                ok = m.region_id == form.region_id
            elif role == Role.DEPT_ADMIN:
                ok = m.department_id == form.department_id
            elif role == Role.DIVISION:
                ok = form.kind == "project" and m.division_id == form.division_id
            elif role == Role.UNIT_CLERK:
                ok = form.kind == "project" and m.unit_id == form.unit_id
            else:
                ok = False
            if ok:
                held.add(role)
        return held

    def target_departments(self) -> list[Department]:
        """Departments in which the user may open a new target form."""
        seen: dict[int, Department] = {}
        for m in self.memberships:
            if m.role in (Role.DEPT_ADMIN, Role.DIVISION, Role.UNIT_CLERK) and m.department:
                seen[m.department.pk] = m.department
        return list(seen.values())

    def may_create_project_target(
        self, department: Department, unit: Unit, division: Division | None
    ) -> bool:
        """A clerk for its own unit; a 业务处室 for its own division (any unit of the department)."""
        if unit.department_id != department.pk:
            return False
        for m in self.memberships:
            if m.department_id != department.pk:
                continue
            if m.role == Role.UNIT_CLERK and m.unit_id == unit.pk:
                return division is None or division.department_id == department.pk
            if m.role == Role.DIVISION and division is not None and m.division_id == division.pk:
                return True
        return False

    def may_create_department_target(self, department: Department) -> bool:
        return any(
            m.role == Role.DEPT_ADMIN and m.department_id == department.pk for m in self.memberships
        )


def unit_keyed(table: str) -> bool:
    """Tables whose rows belong to a budget unit (see ``services.owning_unit``)."""
    from jixiao_web.datasets.ownership import UNIT_KEYED

    return table in UNIT_KEYED


# --------------------------------------------------------------------------- 绩效评价管理
# The assessment app (自评任务, 自评表, 抽查复核, 重点评价) asks these; the rules are here so
# that isolation stays decided in one place.


class AssessAction(StrEnum):
    VIEW = "view"  #: open a 自评表 (and its evidence)
    FILL = "fill"  #: enter scores, 完成值, reasons, evidence (while the sheet is 填报中)
    ISSUE = "issue"  #: issue or cancel a 自评任务, draw the 抽查复核 sample, assign 重点评价
    RESCORE = "rescore"  #: enter 复核得分 of sampled items
    EXPERT = "expert"  #: score as the assigned third party (after declaring no conflict)
    REPORT = "report"  #: download the self-evaluation report


ASSESS_LABELS: dict[AssessAction, str] = {
    AssessAction.VIEW: "查看自评表",
    AssessAction.FILL: "填报自评表",
    AssessAction.ISSUE: "下达、撤销自评任务或组织抽查复核",
    AssessAction.RESCORE: "复核评分",
    AssessAction.EXPERT: "作为第三方评分",
    AssessAction.REPORT: "生成自评报告",
}

#: What each role may do on a 自评表 it can see (task-level actions: on its region).
ASSESS_RIGHTS: dict[Role, frozenset[AssessAction]] = {
    Role.BUREAU_ADMIN: frozenset(
        {AssessAction.VIEW, AssessAction.ISSUE, AssessAction.RESCORE, AssessAction.REPORT}
    ),
    Role.BUREAU_REVIEWER: frozenset({AssessAction.VIEW, AssessAction.RESCORE, AssessAction.REPORT}),
    Role.DEPT_ADMIN: frozenset({AssessAction.VIEW, AssessAction.FILL, AssessAction.REPORT}),
    Role.DIVISION: frozenset({AssessAction.VIEW}),
    Role.UNIT_CLERK: frozenset({AssessAction.VIEW, AssessAction.FILL, AssessAction.REPORT}),
    Role.EVALUATOR: frozenset({AssessAction.VIEW, AssessAction.EXPERT, AssessAction.REPORT}),
}

_BUREAU_ROLES = (Role.BUREAU_ADMIN, Role.BUREAU_REVIEWER)


def _assess_sheets_condition(access: Access) -> Q:
    condition = Q(pk__in=[])
    for m in access.memberships:
        if m.role in _BUREAU_ROLES:
            condition |= Q(region_id=m.region_id)
        elif m.role in (Role.DEPT_ADMIN, Role.DIVISION):
            condition |= Q(department_id=m.department_id)
        elif m.role == Role.UNIT_CLERK and m.unit_id is not None:
            condition |= Q(department_id=m.department_id, unit_id=m.unit_id)
        elif m.role == Role.EVALUATOR and access.user_id is not None:
            condition |= Q(region_id=m.region_id, key_evaluations__evaluator_id=access.user_id)
    return condition


def assess_sheets(access: Access) -> QuerySet[Any]:
    """Every 自评表 the user may open (a clerk: its unit's; an evaluator: assigned ones)."""
    from jixiao_web.assessment.models import ScoreSheet

    return (
        ScoreSheet.objects.filter(_assess_sheets_condition(access))
        .distinct()
        .select_related("department", "dataset", "task", "unit")
    )


def assess_sheet(access: Access, pk: Any) -> Any:
    """The 自评表 ``pk`` if the user may see it; 404 otherwise (also for a bad id)."""
    try:
        found = assess_sheets(access).filter(pk=int(pk)).first()
    except (ValueError, TypeError, OverflowError):
        found = None
    if found is None:
        raise Http404("自评表不存在")
    return found


def assess_tasks(access: Access) -> QuerySet[Any]:
    """The 自评任务 the user may open: bureau roles their region's; others those with a
    自评表 they can see."""
    from jixiao_web.assessment.models import AssessmentTask

    regions = [m.region_id for m in access.memberships if m.role in _BUREAU_ROLES]
    sheets = assess_sheets(access).values("task_id")
    return AssessmentTask.objects.filter(Q(region_id__in=regions) | Q(pk__in=sheets)).distinct()


def assess_task(access: Access, pk: Any) -> Any:
    try:
        found = assess_tasks(access).filter(pk=int(pk)).first()
    except (ValueError, TypeError, OverflowError):
        found = None
    if found is None:
        raise Http404("自评任务不存在")
    return found


def assess_roles(access: Access, sheet: Any) -> set[Role]:
    """The roles the user holds *on this sheet* (what the workflow core is given)."""
    roles: set[Role] = set()
    for m in access.memberships:
        role = Role(m.role)
        if role in _BUREAU_ROLES:
            ok = m.region_id == sheet.region_id
        elif role in (Role.DEPT_ADMIN, Role.DIVISION):
            ok = m.department_id == sheet.department_id
        elif role == Role.UNIT_CLERK:
            ok = (
                m.department_id == sheet.department_id
                and sheet.unit_id is not None
                and m.unit_id == sheet.unit_id
            )
        else:
            ok = (
                access.user_id is not None
                and m.region_id == sheet.region_id
                and sheet.key_evaluations.filter(evaluator_id=access.user_id).exists()
            )
        if ok:
            roles.add(role)
    return roles


def assess_allows(access: Access, action: AssessAction, sheet: Any) -> bool:
    return any(action in ASSESS_RIGHTS[r] for r in assess_roles(access, sheet))


def assess_require(access: Access, action: AssessAction, sheet: Any) -> None:
    """403 when the user's roles on ``sheet`` do not include ``action``."""
    if not assess_allows(access, action, sheet):
        raise PermissionDenied(f"您的角色不能{ASSESS_LABELS[action]}")


def assess_require_region(access: Access, action: AssessAction, region_id: int) -> None:
    """403 unless a bureau role of ``region_id`` has ``action`` (issue, cancel, sample)."""
    roles = {
        Role(m.role)
        for m in access.memberships
        if m.role in _BUREAU_ROLES and m.region_id == region_id
    }
    if not any(action in ASSESS_RIGHTS[r] for r in roles):
        raise PermissionDenied(f"您的角色不能{ASSESS_LABELS[action]}")


def assess_issuer_regions(access: Access) -> list[int]:
    """Regions in which the user may issue 自评任务."""
    return [
        m.region_id
        for m in access.memberships
        if AssessAction.ISSUE in ASSESS_RIGHTS[Role(m.role)] and m.role in _BUREAU_ROLES
    ]


# ------------------------------------------------------------------ monitoring and results
# 绩效运行监控 (jixiao_web.monitor) and 结果应用 (jixiao_web.results): who sees which round,
# return and 整改 item, and what each role may do there. Views call only these.


class Work(StrEnum):
    """What a role may do in monitoring and result application."""

    ISSUE_ROUND = "issue_round"  #: 下发监控批次
    VIEW_ROUND = "view_round"  #: the round's 通报, warnings, 约谈 and late returns
    FILL = "fill"  #: fill a unit's return (a clerk: its own unit's only)
    REVIEW_RETURN = "review_return"  #: accept or return a submitted return
    NOTIFY = "notify"  #: send a 通报/提醒 to units
    VIEW_RESULTS = "view_results"  #: a dataset's recommendation and whole 整改 list
    GENERATE = "generate"  #: create the 整改 items from the evaluation
    ASSIGN = "assign"  #: name an item's 责任单位/责任人/期限
    RECTIFY = "rectify"  #: work on an item (a clerk: its unit's items only): evidence, 提交销号
    ACCEPT = "accept"  #: 验收 a rectified item, or return it
    REVIEW_GRADE = "review_grade"  #: enter the 财政复核结论
    CARRY = "carry"  #: carry the items into next year's dataset
    FEEDBACK = "feedback"  #: send the result feedback notice to the units


WORK_LABELS: dict[Work, str] = {
    Work.ISSUE_ROUND: "下发监控批次",
    Work.VIEW_ROUND: "查看监控通报",
    Work.FILL: "填报监控数据",
    Work.REVIEW_RETURN: "审核监控填报",
    Work.NOTIFY: "发送通知",
    Work.VIEW_RESULTS: "查看评价结果应用",
    Work.GENERATE: "生成整改事项",
    Work.ASSIGN: "分派整改事项",
    Work.RECTIFY: "办理整改",
    Work.ACCEPT: "验收整改",
    Work.REVIEW_GRADE: "录入财政复核结论",
    Work.CARRY: "结转整改事项",
    Work.FEEDBACK: "反馈评价结果",
}

#: Each role's rights in monitoring and result application.
WORK_RIGHTS: dict[Role, frozenset[Work]] = {
    Role.BUREAU_ADMIN: frozenset(
        {
            Work.ISSUE_ROUND,
            Work.VIEW_ROUND,
            Work.REVIEW_RETURN,
            Work.NOTIFY,
            Work.VIEW_RESULTS,
            Work.GENERATE,
            Work.ACCEPT,
            Work.CARRY,
            Work.FEEDBACK,
        }
    ),
    Role.BUREAU_REVIEWER: frozenset({Work.VIEW_ROUND, Work.VIEW_RESULTS, Work.REVIEW_GRADE}),
    Role.DEPT_ADMIN: frozenset(
        {
            Work.VIEW_ROUND,
            Work.FILL,
            Work.REVIEW_RETURN,
            Work.NOTIFY,
            Work.VIEW_RESULTS,
            Work.GENERATE,
            Work.ASSIGN,
            Work.RECTIFY,
            Work.ACCEPT,
            Work.CARRY,
        }
    ),
    Role.DIVISION: frozenset({Work.VIEW_ROUND, Work.VIEW_RESULTS}),
    Role.UNIT_CLERK: frozenset({Work.FILL, Work.RECTIFY}),
    Role.EVALUATOR: frozenset(),
}


def _place_of(m: Membership, region_id: int, department_id: int | None) -> bool:
    """Does membership ``m`` reach an object of this region and department at all?"""
    if m.role in (Role.BUREAU_ADMIN, Role.BUREAU_REVIEWER):
        return m.region_id == region_id
    if m.role == Role.EVALUATOR:
        return False  # third parties see only their assigned datasets, not monitoring
    return m.department_id == department_id


def work_roles(
    access: Access, region_id: int, department_id: int | None, unit_id: int | None = None
) -> set[Role]:
    """The roles ``access`` holds on an object of ``department_id`` (and ``unit_id``).

    A clerk counts only for its own unit's objects; objects of no unit (a department's
    own 整改 items) are not a clerk's.
    """
    roles: set[Role] = set()
    for m in access.memberships:
        if not _place_of(m, region_id, department_id):
            continue
        if m.role == Role.UNIT_CLERK and (unit_id is None or m.unit_id != unit_id):
            continue
        roles.add(Role(m.role))
    return roles


def may(roles: Iterable[Role], work: Work) -> bool:
    return any(work in WORK_RIGHTS[r] for r in roles)


def require_work(roles: Iterable[Role], work: Work) -> None:
    """403 when none of ``roles`` may do ``work``."""
    if not may(roles, work):
        raise PermissionDenied(f"您的角色不能{WORK_LABELS[work]}")


def rounds_of(access: Access) -> QuerySet[Any]:
    """The monitoring rounds a user may open: the only way views list or fetch rounds."""
    from jixiao_web.monitor.models import Round

    condition = Q(pk__in=[])
    for m in access.memberships:
        if m.role in (Role.BUREAU_ADMIN, Role.BUREAU_REVIEWER):
            condition |= Q(region_id=m.region_id)
        elif m.role in (Role.DEPT_ADMIN, Role.DIVISION):
            condition |= Q(department_id=m.department_id)
        elif m.role == Role.UNIT_CLERK:
            condition |= Q(returns__unit_id=m.unit_id)
    return Round.objects.filter(condition).distinct().select_related("department", "dataset")


def returns_of(access: Access, round_: Any) -> QuerySet[Any]:
    """The returns of ``round_`` a user may open (a clerk: its own unit's)."""
    rows = round_.returns.select_related("unit")
    roles = work_roles(access, round_.region_id, round_.department_id)
    if roles:  # someone of the bureau or the department: every unit
        return rows  # type: ignore[no-any-return]
    units = [m.unit_id for m in access.memberships if m.role == Role.UNIT_CLERK]
    return rows.filter(unit_id__in=units)  # type: ignore[no-any-return]


def rectifications_of(access: Access) -> QuerySet[Any]:
    """The 整改 items a user may open: the bureau its region's, the department its own,
    a clerk those assigned to its unit; a third party none."""
    from jixiao_web.results.models import Rectification

    condition = Q(pk__in=[])
    for m in access.memberships:
        if m.role in (Role.BUREAU_ADMIN, Role.BUREAU_REVIEWER):
            condition |= Q(region_id=m.region_id)
        elif m.role in (Role.DEPT_ADMIN, Role.DIVISION):
            condition |= Q(department_id=m.department_id)
        elif m.role == Role.UNIT_CLERK:
            condition |= Q(unit_id=m.unit_id)
    return Rectification.objects.filter(condition).select_related(
        "dataset", "department", "unit", "responsible"
    )


def get_or_404(queryset: QuerySet[Any], pk: Any, what: str) -> Any:
    """``queryset.get(pk=pk)``; a bad id or an object out of scope answers 404."""
    try:
        return queryset.get(pk=int(pk))
    except (ValueError, TypeError, OverflowError, queryset.model.DoesNotExist):
        raise Http404(f"{what}不存在") from None


# --------------------------------------------------------------------------- batch audit
# 批量审核 (jixiao_web.audit.batch): who may start one, in which place, and which batches a
# user may open. The roles are the region dashboard's: 财政 for its whole region, a
# department's 财务处 for its own department.

BATCH_DENIED = "只有财政部门和主管部门管理员可以批量审核报告"
BATCH_SCOPE_DENIED = "您不能在该范围内批量审核报告"


@dataclass(frozen=True)
class BatchScope:
    """Where a batch belongs: a region (财政) or one department of it."""

    region_id: int
    department_id: int | None
    label: str

    @property
    def key(self) -> str:
        """The form's value for this scope (``r<region>`` or ``d<department>``)."""
        return f"d{self.department_id}" if self.department_id else f"r{self.region_id}"


def batch_scopes(access: Access) -> list[BatchScope]:
    """The places the user may audit in (bureau roles: the region; 财务处: its department)."""
    found: dict[str, BatchScope] = {}
    for m in access.memberships:
        if m.role in _BUREAU_ROLES:
            scope = BatchScope(m.region_id, None, f"{m.region.name}（全部部门）")
        elif m.role == Role.DEPT_ADMIN and m.department is not None:
            scope = BatchScope(m.region_id, m.department_id, m.department.name)
        else:
            continue
        found.setdefault(scope.key, scope)
    return list(found.values())


def require_batch_scopes(access: Access) -> list[BatchScope]:
    """The user's batch scopes; 403 for a role that may not batch-audit at all."""
    found = batch_scopes(access)
    if not found:
        raise PermissionDenied(BATCH_DENIED)
    return found


def batch_scope(access: Access, key: str) -> BatchScope:
    """The scope a form chose (the first when none was chosen); 403 for anyone else's."""
    found = require_batch_scopes(access)
    if not key:
        return found[0]
    for scope in found:
        if scope.key == key:
            return scope
    raise PermissionDenied(BATCH_SCOPE_DENIED)


def require_batch_scope(access: Access, scope: BatchScope) -> None:
    """403 unless ``scope`` is one of the user's (checked again when a batch is recorded)."""
    if scope not in batch_scopes(access):
        raise PermissionDenied(BATCH_SCOPE_DENIED)


def batch_datasets(access: Access, scope: BatchScope) -> QuerySet[Dataset]:
    """The datasets whose generated reports a batch of ``scope`` may take."""
    datasets = access.region_datasets().filter(region_id=scope.region_id)
    if scope.department_id is not None:
        datasets = datasets.filter(department_id=scope.department_id)
    return datasets


def batches_of(access: Access) -> QuerySet[Any]:
    """The batches a user may open: the bureau its region's, a department its own (not the
    region's, nor another department's: those are 404); everyone else none."""
    from jixiao_web.audit.models import BatchAudit

    condition = Q(pk__in=[])
    for m in access.memberships:
        if m.role in _BUREAU_ROLES:
            condition |= Q(region_id=m.region_id)
        elif m.role == Role.DEPT_ADMIN and m.department_id is not None:
            condition |= Q(department_id=m.department_id)
    return BatchAudit.objects.filter(condition).select_related(
        "region", "department", "requested_by"
    )
