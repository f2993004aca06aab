"""Every write of the monitoring area, and the one place that asks the engine for the 通报.

- :func:`issue_round` — 财政 issues a round: one return per unit, the projects and their
  indicators copied from the department's dataset (or a given engine dataset), a task with
  the deadline in each unit clerk's inbox;
- :func:`save_return` / :func:`import_workbook` — a unit's figures, all checked before any
  is written (every problem with its field or ``sheet!cell``, nothing half-saved);
- :func:`decide` — 报送 / 审核通过 / 退回 through the shared workflow core;
- :func:`report` — the engine's ``monitor_execution`` on what the units reported: the
  执行进度通报 ranked by lag, the warning list, the 约谈 list (never computed here);
- :func:`late_returns`, :func:`send_notice` — returns past the deadline, and 通报/提醒 to
  units that they acknowledge in their inbox.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Count, Prefetch, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from jixiao.dataset.build import DatasetError, InputError, RawCell, RawTable
from jixiao.dataset.model import Dataset as EngineDataset
from jixiao.dataset.model import ExecutionLine, Indicator, Profile, Project
from jixiao.dataset.model import Unit as EngineUnit
from jixiao_web.datasets.models import ROW_MODELS
from jixiao_web.datasets.models import Dataset as StoredDataset
from jixiao_web.monitor.models import (
    DEVIATION_REASONS,
    LIKELIHOOD,
    IndicatorLine,
    MonthAmount,
    ProjectLine,
    Return,
    Round,
)
from jixiao_web.monitor.workflows import REPORTED, RETURN
from jixiao_web.orgs.models import Role, Unit
from jixiao_web.workflow import services as workflow
from jixiao_web.workflow.machine import Transition
from jixiao_web.workflow.models import Notice, WorkflowEvent, WorkflowState
from jixiao_web.workflow.services import NoticeSpec

if TYPE_CHECKING:
    from jixiao.monitoring import MonitoringReport

#: The largest execution workbook accepted (a unit's months of a few projects).
MAX_WORKBOOK_BYTES = 5 * 1024 * 1024
#: The largest amount a unit may type (万元): beyond it is a typing error, not a budget.
MAX_AMOUNT = Decimal("1e12")


class Invalid(Exception):
    """The input was refused; ``errors`` lists every problem, each with its place."""

    def __init__(self, errors: Sequence[InputError]) -> None:
        self.errors = list(errors)
        super().__init__("；".join(str(e) for e in self.errors))


# --------------------------------------------------------------------------- issuing


def _engine_units(dataset: StoredDataset) -> list[EngineUnit]:
    rows = ROW_MODELS["units"].objects.filter(dataset=dataset).order_by("position", "pk")
    return [EngineUnit(code=r.code, name=r.name, kind=r.kind) for r in rows]


def _stored_projects(dataset: StoredDataset) -> tuple[list[Project], list[Indicator]]:
    from jixiao_web.datasets.convert import to_engine

    engine, _ = to_engine(dataset)
    return list(engine.projects), list(engine.project_indicators)


def _clerks(unit_ids: Iterable[int]) -> list[Any]:
    """The clerks (预算单位填报人) of these units."""
    users = get_user_model().objects.filter(
        memberships__role=Role.UNIT_CLERK, memberships__unit_id__in=list(unit_ids)
    )
    return list(users.distinct())


def _dept_admins(department_id: int) -> list[Any]:
    users = get_user_model().objects.filter(
        memberships__role=Role.DEPT_ADMIN, memberships__department_id=department_id
    )
    return list(users.distinct())


def return_link(ret: Return) -> str:
    return reverse("monitor:return", args=[ret.pk])


@transaction.atomic
def issue_round(
    dataset: StoredDataset,
    period: str,
    units: Sequence[Unit],
    deadline: date,
    actor: Any,
    *,
    source: EngineDataset | None = None,
    title: str = "",
) -> Round:
    """Issue a round for ``units`` of ``dataset``'s department; the unit clerks get a task.

    The projects (and their indicators) come from ``source`` if given (the demo's
    synthetic execution example), else from the dataset's 项目/项目绩效指标 tables.
    """
    from jixiao.monitoring.monitor import parse_period

    errors = []
    parsed = parse_period(period)
    if parsed is None:
        errors.append(InputError("监控期", f"“{period}”应为 YYYY-MM 格式，如 2023-06"))
    elif parsed[0] != dataset.year:
        errors.append(InputError("监控期", f"“{period}”不在数据集的年度 {dataset.year} 年内"))
    if not units:
        errors.append(InputError("填报单位", "请至少选择一个预算单位"))
    if any(u.department_id != dataset.department_id for u in units):
        errors.append(InputError("填报单位", "只能选择本部门的预算单位"))
    if Round.objects.filter(department_id=dataset.department_id, period=period).exists():
        errors.append(InputError("监控期", f"{dataset.department.name} {period} 的监控已经下发"))
    if errors:
        raise Invalid(errors)
    if source is not None:
        projects, indicators = list(source.projects), list(source.project_indicators)
    else:
        projects, indicators = _stored_projects(dataset)
    round_ = Round.objects.create(
        region_id=dataset.region_id,
        department_id=dataset.department_id,
        dataset=dataset,
        period=period,
        title=title or f"{dataset.department.name} {period} 绩效运行监控",
        deadline=deadline,
        issued_by=actor,
    )
    returns = _create_returns(round_, units)
    _copy_projects(returns, projects, indicators)
    clerks = _clerks_by_unit([u.pk for u in units])
    for ret in returns:
        workflow.notify(
            NoticeSpec(
                clerks.get(ret.unit_id, []),
                Notice.Kind.TASK,
                f"请填报{round_.title}",
                f"请于 {deadline:%Y-%m-%d} 前填报截至 {period} 的项目执行数、全年预计执行数和"
                "绩效指标完成情况，并报送。",
                return_link(ret),
                due=deadline,
            ),
            about=ret,
            sender=actor,
        )
    return round_


#: Rows per INSERT when a round is issued: a province department copies ~1,000 projects
#: and ~3,000 indicators; one statement per row stalled PostgreSQL (a round trip each).
BATCH = 500


def _create_returns(round_: Round, units: Sequence[Unit]) -> list[Return]:
    """One return per unit, in one statement (both engines hand the new keys back)."""
    return Return.objects.bulk_create(
        [
            Return(
                region_id=round_.region_id,
                department_id=round_.department_id,
                round=round_,
                unit=unit,
                unit_code=unit.code,
            )
            for unit in units
        ],
        batch_size=BATCH,
    )


def _clerks_by_unit(unit_ids: Sequence[int]) -> dict[int, list[Any]]:
    """The clerks (预算单位填报人) of each of these units, in one query."""
    from jixiao_web.orgs.models import Membership

    found: dict[int, list[Any]] = {}
    memberships = Membership.objects.filter(
        role=Role.UNIT_CLERK, unit_id__in=list(unit_ids)
    ).select_related("user")
    for membership in memberships.order_by("user_id"):
        if membership.unit_id is not None:
            found.setdefault(membership.unit_id, []).append(membership.user)
    return found


def _budget_of(project: Project) -> Decimal | None:
    """The project's budget for 执行率: 调整后预算数, else 年初预算数 (as the engine reads it)."""
    return project.adjusted if project.adjusted is not None else project.budget


def _copy_projects(
    returns: Sequence[Return], projects: Sequence[Project], indicators: Sequence[Indicator]
) -> None:
    """Each return's projects (its unit's, in the dataset's order) and their indicators,
    written in batches: the number of statements does not grow with the projects."""
    by_unit: dict[str, list[Project]] = {}
    for project in projects:
        by_unit.setdefault(project.unit, []).append(project)
    owned: dict[str, list[Indicator]] = {}
    for indicator in indicators:
        owned.setdefault(indicator.owner, []).append(indicator)
    lines = ProjectLine.objects.bulk_create(
        [
            ProjectLine(
                region_id=ret.region_id,
                department_id=ret.department_id,
                ret=ret,
                position=position,
                code=project.code,
                name=project.name,
                fund=project.fund,
                budget=_budget_of(project),  # type: ignore[misc]
            )
            for ret in returns
            for position, project in enumerate(by_unit.get(ret.unit_code, []))
        ],
        batch_size=BATCH,
    )
    IndicatorLine.objects.bulk_create(
        (
            IndicatorLine(
                line=line,
                position=index,
                level1=i.level1,
                name=i.name,
                sign=i.sign,
                target=format(i.target, "f") if i.target is not None else i.target_desc,
                unit=i.unit,
            )
            for line in lines
            for index, i in enumerate(owned.get(line.code, []))
        ),
        batch_size=BATCH,
    )


# --------------------------------------------------------------------------- filling


def for_page(pk: int) -> Return:
    """The return with everything its page shows, in a fixed number of queries: its round,
    dataset, department and unit joined; its projects with their months and indicators."""
    return for_page_of(Return.objects.all()).get(pk=pk)


def for_page_of(returns: QuerySet[Return]) -> QuerySet[Return]:
    """``returns`` with what :func:`for_page` reads (the views' permitted query set).

    The projects, months and indicators are ordered by their own columns: their models'
    default ordering starts with their parent (``ret``, ``line``), which Django follows to
    the parents' own orderings, so each prefetch joined project lines, returns and rounds
    only to sort (a province's 306,000 indicator lines joined for one return's 102).
    """
    return returns.select_related("round__dataset", "round__department", "unit").prefetch_related(
        Prefetch("projects", ProjectLine.objects.order_by("position", "pk")),
        Prefetch("projects__months", MonthAmount.objects.order_by("line_id", "month")),
        Prefetch(
            "projects__indicators", IndicatorLine.objects.order_by("line_id", "position", "pk")
        ),
    )


def state(ret: Return) -> str:
    return workflow.state_of(ret, RETURN).state


def editable(ret: Return) -> bool:
    return state(ret) in RETURN.editable


def _amount(text: str, label: str, errors: list[InputError], *, percent: bool = False) -> Any:
    """A typed number: ``None`` when blank; an error (and ``None``) when it is not one."""
    text = text.strip().replace(",", "").replace("，", "")
    if not text:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        errors.append(InputError(label, f"“{text[:20]}”不是有效数值"))
        return None
    if not value.is_finite() or value < 0:
        errors.append(InputError(label, "应为不小于 0 的数值"))
        return None
    if percent and value > 100:
        errors.append(InputError(label, "应在 0–100 之间"))
        return None
    if value >= MAX_AMOUNT:
        errors.append(InputError(label, "数值过大，请检查单位（万元）"))
        return None
    return value


def _choice(
    text: str, choices: Iterable[tuple[str, str]], label: str, errors: list[InputError]
) -> str:
    text = text.strip()
    allowed = [c for c, _ in choices]
    if text not in allowed:
        errors.append(
            InputError(label, f"“{text[:20]}”不是可选项（{'、'.join(a for a in allowed if a)}）")
        )
        return ""
    return text


def _text(value: str, limit: int = 2000) -> str:
    return value.strip()[:limit]


@transaction.atomic
def save_return(ret: Return, data: Mapping[str, str], actor: Any, version: int | None) -> None:
    """Save the return form; every problem is reported at once and nothing is saved then."""
    ret = Return.objects.select_for_update().get(pk=ret.pk)
    if not editable(ret):
        raise Invalid([InputError("", f"当前状态为“{RETURN.label_of(state(ret))}”，不能修改")])
    if version is not None and version != ret.version:
        raise workflow.Stale("该填报已被他人修改，请刷新页面后再填")
    errors: list[InputError] = []
    month = ret.round.month
    plan: list[tuple[ProjectLine, dict[str, Any], dict[int, Any]]] = []
    for line in ret.projects.all():
        where = f"项目 {line.code}"
        months = {
            m: _amount(data.get(f"p{line.pk}-m{m}", ""), f"{where} 1–{m}月累计执行数", errors)
            for m in range(1, month + 1)
        }
        values = {
            "expected": _amount(
                data.get(f"p{line.pk}-expected", ""), f"{where} 全年预计执行数", errors
            ),
            "progress": _amount(
                data.get(f"p{line.pk}-progress", ""), f"{where} 指标完成进度", errors, percent=True
            ),
            "deviation": _choice(
                data.get(f"p{line.pk}-deviation", ""),
                DEVIATION_REASONS,
                f"{where} 偏差原因",
                errors,
            ),
            "measures": _text(data.get(f"p{line.pk}-measures", "")),
        }
        plan.append((line, values, months))
    indicators: list[tuple[IndicatorLine, dict[str, Any]]] = []
    for ind in IndicatorLine.objects.filter(line__ret=ret).select_related("line"):
        where = f"项目 {ind.line.code} 指标“{ind.name}”"
        indicators.append(
            (
                ind,
                {
                    "current": _amount(
                        data.get(f"i{ind.pk}-current", ""), f"{where} 当前完成值", errors
                    ),
                    "likelihood": _choice(
                        data.get(f"i{ind.pk}-likelihood", ""),
                        (("", ""), *LIKELIHOOD),
                        f"{where} 完成可能性",
                        errors,
                    ),
                    "deviation": _choice(
                        data.get(f"i{ind.pk}-deviation", ""),
                        DEVIATION_REASONS,
                        f"{where} 偏差原因",
                        errors,
                    ),
                    "measures": _text(data.get(f"i{ind.pk}-measures", "")),
                },
            )
        )
    if errors:
        raise Invalid(errors)
    for line, values, months in plan:
        for key, value in values.items():
            setattr(line, key, value)
        line.save()
        _store_months(line, months)
    for ind, values in indicators:
        for key, value in values.items():
            setattr(ind, key, value)
        ind.save()
    _bump(ret)


def _store_months(line: ProjectLine, months: Mapping[int, Decimal | None]) -> None:
    for month, value in months.items():
        if value is None:
            MonthAmount.objects.filter(line=line, month=month).delete()
        else:
            MonthAmount.objects.update_or_create(
                line=line, month=month, defaults={"cumulative": value}
            )


def _bump(ret: Return) -> None:
    ret.version += 1
    ret.save(update_fields=["version"])


def _engine_unit(ret: Return) -> EngineUnit:
    """The return's unit as the dataset's 预算单位 table has it (kind included)."""
    for unit in _engine_units(ret.round.dataset):
        if unit.code == ret.unit_code:
            return unit
    return EngineUnit(code=ret.unit_code, name=ret.unit.name, kind="行政机关")


def _raw_units(ret: Return) -> RawTable:
    unit = _engine_unit(ret)
    where = "预算单位（系统）"
    cells = {
        "code": RawCell(unit.code, where),
        "name": RawCell(unit.name, where),
        "kind": RawCell(unit.kind, where),
    }
    return RawTable(where, [(where, cells)])


def _raw_projects(ret: Return) -> RawTable:
    where = "项目（系统）"
    rows = [
        (
            where,
            {
                "code": RawCell(p.code, where),
                "name": RawCell(p.name, where),
                "unit": RawCell(ret.unit_code, where),
            },
        )
        for p in ret.projects.all()
    ]
    return RawTable(where, rows)


@transaction.atomic
def import_workbook(ret: Return, data: bytes, name: str, actor: Any) -> int:
    """Read 1–N月累计执行数 (and 指标完成进度) from the 执行进度 sheet of a workbook.

    The workbook is read by the engine (every cell checked, each problem with its
    ``sheet!cell``); the round's units and projects stand in for the workbook's own, so a
    unit cannot change its budget by upload. Lines of other units' projects, other years or
    months after the round's month are refused at their row. Nothing is saved on any error.
    Returns the number of monthly figures written.
    """
    from jixiao.dataset.build import build_dataset
    from jixiao.io.excel import load_sheets, raw_from_sheets

    ret = Return.objects.select_for_update().get(pk=ret.pk)
    if not editable(ret):
        raise Invalid([InputError(name, f"当前状态为“{RETURN.label_of(state(ret))}”，不能导入")])
    if len(data) > MAX_WORKBOOK_BYTES:
        raise Invalid([InputError(name, f"文件超过 {MAX_WORKBOOK_BYTES // 1024 // 1024} MB")])
    try:
        sheets = load_sheets(data, name)
        raw, errors = raw_from_sheets(sheets, name)
        if "execution" not in raw:
            raise Invalid([*errors, InputError(name, "工作簿中没有“执行进度”工作表")])
        raw = {
            "execution": raw["execution"],
            "units": _raw_units(ret),
            "projects": _raw_projects(ret),
            "profile": {
                "department_name": RawCell(ret.round.department.name, "基本信息（系统）"),
                "year": RawCell(ret.round.year, "基本信息（系统）"),
            },
        }
        errors = [e for e in errors if not e.location.startswith(("预算单位", "项目", "基本信息"))]
        engine = build_dataset(raw, errors)
    except DatasetError as error:
        raise Invalid(error.errors) from None
    problems = []
    year, month = ret.round.year, ret.round.month
    figures: dict[tuple[str, int], Decimal] = {}
    progress: dict[str, Decimal] = {}
    for line in engine.execution:
        place = line.loc or "执行进度"
        if not line.project:
            problems.append(InputError(place, "请填写项目编码（按项目填报）"))
            continue
        if line.unit and line.unit != ret.unit_code:
            problems.append(
                InputError(place, f"单位编码“{line.unit}”不是本单位（{ret.unit_code}）")
            )
            continue
        y, m = int(line.period[:4]), int(line.period[5:7])
        if y != year or m > month:
            problems.append(
                InputError(
                    place, f"月份 {line.period} 不在本次监控的 {year}-01 至 {ret.round.period} 之间"
                )
            )
            continue
        if line.cumulative is None:
            continue
        figures[line.project, m] = line.cumulative
        if m == month and line.indicator_progress is not None:
            progress[line.project] = line.indicator_progress
    if problems:
        raise Invalid(problems)
    return write_figures(ret, figures, progress)


def write_figures(
    ret: Return, figures: Mapping[tuple[str, int], Decimal], progress: Mapping[str, Decimal]
) -> int:
    """Store checked figures: (项目编码, month) → cumulative, 项目编码 → 指标完成进度."""
    lines = {p.code: p for p in ret.projects.all()}
    for (code, m), value in figures.items():
        MonthAmount.objects.update_or_create(
            line=lines[code], month=m, defaults={"cumulative": value}
        )
    for code, value in progress.items():
        ProjectLine.objects.filter(pk=lines[code].pk).update(progress=value)
    _bump(ret)
    return len(figures)


def template_workbook(ret: Return) -> bytes:
    """The execution workbook of a return: the engine's workbook with its projects and the
    figures filled so far (fill the 执行进度 sheet and import it back)."""
    from jixiao.io.excel import workbook_bytes

    engine = return_dataset(ret)
    return workbook_bytes(engine)


# --------------------------------------------------------------------------- deciding


def _decision_notices(ret: Return, step: Transition, event: WorkflowEvent) -> list[NoticeSpec]:
    link = return_link(ret)
    title = f"{ret.round.title} {ret.unit.name}"
    if step.action == "submit":
        return [
            NoticeSpec(
                _dept_admins(ret.department_id),
                Notice.Kind.TASK,
                f"待审核：{title}",
                "单位已报送监控数据，请审核。",
                link,
            )
        ]
    if step.action == "return":
        return [
            NoticeSpec(
                _clerks([ret.unit_id]),
                Notice.Kind.RETURNED,
                f"被退回：{title}",
                event.opinion,
                link,
            ),
            NoticeSpec(
                _clerks([ret.unit_id]),
                Notice.Kind.TASK,
                f"请修改后重新报送：{title}",
                event.opinion,
                link,
                due=ret.round.deadline,
            ),
        ]
    return [NoticeSpec(_clerks([ret.unit_id]), Notice.Kind.DONE, f"已审核：{title}", "", link)]


def decide(
    ret: Return,
    action: str,
    actor: Any,
    roles: set[Role],
    opinion: str = "",
    version: int | None = None,
) -> WorkflowEvent:
    """报送 / 审核通过 / 退回 a return (refusals are the workflow core's 403/409/422)."""
    if action == "submit":
        missing = [
            line.code
            for line in ret.projects.all()
            if not line.months.filter(month=ret.round.month).exists()
        ]
        if missing:
            raise Invalid(
                [
                    InputError(f"项目 {code}", f"尚未填写 1–{ret.round.month}月累计执行数")
                    for code in missing
                ]
            )
    event = workflow.transition(
        ret,
        RETURN,
        action,
        actor=actor,
        roles=roles,
        opinion=opinion,
        version=version,
        notices=_decision_notices,
    )
    if action == "submit":
        Return.objects.filter(pk=ret.pk).update(submitted_at=timezone.now())
    return event


# --------------------------------------------------------------------------- the engine


def _states(returns: Iterable[Return]) -> dict[int, str]:
    found = {
        s.object_id: s.state
        for s in WorkflowState.objects.filter(
            workflow=RETURN.name,
            content_type__model="return",
            content_type__app_label="monitor",
            object_id__in=[r.pk for r in returns],
        )
    }
    return {r.pk: found.get(r.pk, RETURN.initial) for r in returns}


def round_counts(round_ids: Iterable[int]) -> dict[int, tuple[int, int]]:
    """Per round: how many units it asks, and how many have reported (报送 or 已审核).

    One statement for every round listed: the rounds page asked for each round's returns
    and their states (two per round: 206 statements for a province's 100 rounds).
    """
    rows = (
        Return.objects.filter(round_id__in=list(round_ids))
        .annotate(state=workflow.state_subquery(RETURN, Return))
        .values("round_id")
        .annotate(units=Count("pk"), reported=Count("pk", filter=Q(state__in=sorted(REPORTED))))
        .order_by()
    )
    return {r["round_id"]: (r["units"], r["reported"]) for r in rows}


@dataclass(frozen=True)
class _Line:
    """A project line as the engine reads it: plain values, not a model instance."""

    code: str
    name: str
    fund: str
    budget: Decimal | None
    progress: Decimal | None
    months: tuple[tuple[int, Decimal], ...]  #: (month, cumulative), by month


def _round_lines(round_: Round, returns: Sequence[Return]) -> dict[int, list[_Line]]:
    """Per return (its pk): its project lines with their months up to the round's month,
    read as plain values in two statements. Model instances with a prefetch (1,020 lines
    and 6,120 months a department) were three quarters of the round page's time."""
    ids = [r.pk for r in returns]
    # the exact-decimal fields give Decimal (``from_db_value``), their stubs see text
    months: dict[int, list[tuple[int, Any]]] = defaultdict(list)
    for line_id, month, cumulative in (
        MonthAmount.objects.filter(line__ret_id__in=ids, month__lte=round_.month)
        .order_by("line_id", "month")
        .values_list("line_id", "month", "cumulative")
    ):
        months[line_id].append((month, cumulative))
    lines: dict[int, list[_Line]] = defaultdict(list)
    for pk, ret_id, code, name, fund, budget, progress in (
        ProjectLine.objects.filter(ret_id__in=ids)
        .order_by("ret_id", "position", "pk")
        .values_list("pk", "ret_id", "code", "name", "fund", "budget", "progress")
    ):
        lines[ret_id].append(
            _Line(code, name, fund, _exact(budget), _exact(progress), tuple(months[pk]))
        )
    return lines


def _exact(value: Any) -> Decimal | None:
    return value  # type: ignore[no-any-return]  # Decimal at run time (see above)


def _own_lines(ret: Return) -> dict[int, list[_Line]]:
    """One return's lines from its (prefetched) project lines and months."""
    month = ret.round.month
    return {
        ret.pk: [
            _Line(
                line.code,
                line.name,
                line.fund,
                line.budget,
                line.progress,
                tuple((a.month, a.cumulative) for a in line.months.all() if a.month <= month),
            )
            for line in ret.projects.all()
        ]
    }


def _execution(ret: Return, lines: Sequence[_Line], year: int, month: int) -> list[ExecutionLine]:
    return [
        ExecutionLine(
            period=f"{year}-{m:02d}",
            unit=ret.unit_code,
            project=line.code,
            cumulative=cumulative,
            indicator_progress=line.progress if m == month else None,
        )
        for line in lines
        for m, cumulative in line.months
    ]


def _dataset(
    round_: Round, returns: Sequence[Return], lines: Mapping[int, list[_Line]]
) -> EngineDataset:
    """The engine's dataset of what ``returns`` reported: units, projects, 执行进度."""
    codes = {r.unit_code for r in returns}
    units = [u for u in _engine_units(round_.dataset) if u.code in codes]
    known = {u.code for u in units}
    units += [
        EngineUnit(code=r.unit_code, name=r.unit.name, kind="行政机关")
        for r in returns
        if r.unit_code not in known
    ]
    projects = [
        Project(
            code=line.code, name=line.name, unit=r.unit_code, fund=line.fund, adjusted=line.budget
        )
        for r in returns
        for line in lines.get(r.pk, [])
    ]
    execution = [
        e for r in returns for e in _execution(r, lines.get(r.pk, []), round_.year, round_.month)
    ]
    profile = Profile(department_name=round_.department.name, year=round_.year)
    return EngineDataset(
        profile=profile, units=tuple(units), projects=tuple(projects), execution=tuple(execution)
    )


def return_dataset(ret: Return) -> EngineDataset:
    return _dataset(ret.round, [ret], _own_lines(ret))


@dataclass(frozen=True)
class RoundReport:
    """What the round's page shows: the engine's report and each unit's state."""

    report: MonitoringReport
    states: dict[str, str]  #: unit code → workflow state
    counted: tuple[str, ...]  #: unit codes whose figures the report counts
    include_drafts: bool
    returns: tuple[Return, ...] = ()  #: the round's returns, their units joined
    return_states: dict[int, str] = field(default_factory=dict)  #: return pk → state


def report(
    round_: Round, *, include_drafts: bool = False, today: date | None = None
) -> RoundReport:
    """The engine's 执行进度通报, warning and 约谈 lists on what the units reported.

    By default only returns that were 报送 (or 审核通过) count: a draft is not yet the
    unit's statement. ``include_drafts`` counts everything saved so far (a preview).
    The returns and their states come with it, for the page's other tables.
    """
    from jixiao.monitoring import load_warning_lines, monitor_execution

    returns = list(round_.returns.select_related("unit"))
    states = _states(returns)
    counted = [r for r in returns if include_drafts or states[r.pk] in REPORTED]
    engine = _dataset(round_, counted, _round_lines(round_, counted))
    result = monitor_execution(
        engine, round_.period, load_warning_lines(), today=today or timezone.localdate()
    )
    return RoundReport(
        result,
        {r.unit_code: states[r.pk] for r in returns},
        tuple(r.unit_code for r in counted),
        include_drafts,
        tuple(returns),
        states,
    )


def return_report(ret: Return, today: date | None = None) -> MonitoringReport:
    """The engine's findings on one return's own figures (a falling cumulative figure …)."""
    from jixiao.monitoring import load_warning_lines, monitor_execution

    return monitor_execution(
        return_dataset(ret),
        ret.round.period,
        load_warning_lines(),
        today=today or timezone.localdate(),
    )


def late_returns(round_: Round, today: date | None = None) -> list[Return]:
    """Returns not 报送 although the deadline has passed (逾期未报)."""
    returns = list(round_.returns.select_related("unit"))
    return late_among(round_, returns, _states(returns), today)


def late_among(
    round_: Round, returns: Sequence[Return], states: Mapping[int, str], today: date | None = None
) -> list[Return]:
    """:func:`late_returns` of returns and states already read (the round's page)."""
    if round_.deadline >= (today or timezone.localdate()):
        return []
    return [r for r in returns if states[r.pk] not in REPORTED]


# --------------------------------------------------------------------------- notices


KINDS_OF_NOTICE = {"通报": "执行进度通报", "约谈": "约谈通知", "催报": "催报提醒"}


def send_notice(round_: Round, returns: Sequence[Return], kind: str, body: str, actor: Any) -> int:
    """A 通报 / 约谈通知 / 催报提醒 to the clerks of ``returns``' units, to be acknowledged."""
    if kind not in KINDS_OF_NOTICE:
        raise Invalid(
            [InputError("通知类型", f"“{kind}”不是可选项（{'、'.join(KINDS_OF_NOTICE)}）")]
        )
    if not returns:
        raise Invalid([InputError("接收单位", "请至少选择一个单位")])
    if not body.strip():
        raise Invalid([InputError("通知内容", "请填写通知内容")])
    sent = 0
    with transaction.atomic():
        for ret in returns:
            created = workflow.notify(
                NoticeSpec(
                    _clerks([ret.unit_id]),
                    Notice.Kind.NOTICE,
                    f"{KINDS_OF_NOTICE[kind]}：{round_.title}",
                    _text(body),
                    return_link(ret),
                    requires_ack=True,
                ),
                about=ret,
                sender=actor,
            )
            sent += len(created)
    return sent


def notices_sent(round_: Round) -> QuerySet[Notice]:
    """The 通报/通知 sent about this round's returns, with who acknowledged them."""
    return Notice.objects.filter(
        content_type__app_label="monitor",
        content_type__model="return",
        object_id__in=round_.returns.values("pk"),
        kind=Notice.Kind.NOTICE,
    ).select_related("recipient", "sender")
