"""一、部门基本情况: 机构设置, 人员, 重点工作, 绩效目标, 预算编制范围."""

from __future__ import annotations

from decimal import Decimal

from jixiao.dataset.model import ADMIN_UNIT_KINDS, INSTITUTION_UNIT_KINDS
from jixiao.reports.context import (
    Context,
    fid,
    section,
    texts,
)
from jixiao.reports.model import (
    Block,
    Cell,
    Paragraph,
    Table,
)
from jixiao.reports.wording import merge_runs

# --------------------------------------------------------------------------- 一、部门基本情况


@section("org.setup")
def _org_setup(ctx: Context) -> list[Block]:
    ds = ctx.dataset
    # The department's text keeps its own wording; a sentence of it that the paragraph
    # generated below states too (the unit count, the change note) is left out of it.
    blocks = texts(ctx, "org_setup", restated=ds.profile.unit_change_note if ds.units else "")
    written = "".join(run.text for b in blocks if isinstance(b, Paragraph) for run in b.runs)
    if ds.divisions and not all(d.name in written for d in ds.divisions):
        names = "、".join(d.name for d in ds.divisions)
        blocks.append(ctx.para("divisions", names=names, count=str(len(ds.divisions))))
    if ds.units:
        table = _units_table(ctx)
        admin = sum(1 for u in ds.units if u.kind in ADMIN_UNIT_KINDS)
        inst = sum(1 for u in ds.units if u.kind in INSTITUTION_UNIT_KINDS)
        runs = ctx.runs(
            "unit_count",
            year=ctx.year,
            count=ctx.figs.count(fid("units.count"), len(ds.units)),
            table=table.number,
            admin=ctx.figs.count(fid("units.admin"), admin),
            institution=ctx.figs.count(fid("units.institution"), inst),
        )
        if ds.profile.unit_change_note:
            runs += ctx.runs("unit_change", change=ds.profile.unit_change_note.strip())
        blocks += [Paragraph(tuple(merge_runs(runs))), table]
    blocks += _headcount(ctx)
    return blocks


def _units_table(ctx: Context) -> Table:
    rows = [
        (Cell(str(i)), Cell(u.code), Cell(u.name), Cell(u.kind))
        for i, u in enumerate(ctx.dataset.units, start=1)
    ]
    return ctx.table("units", ("序号", "预算编码", "单位名称", "单位性质"), rows)


def _headcount(ctx: Context) -> list[Block]:
    p = ctx.dataset.profile
    if p.headcount_total is None:
        return []
    runs = ctx.runs(
        "headcount",
        year=ctx.year,
        total=ctx.figs.count(fid("headcount.total"), p.headcount_total),
        active=ctx.figs.count(fid("headcount.active"), p.headcount_active or "—"),
        retired=ctx.figs.count(fid("headcount.retired"), p.headcount_retired or "—"),
    )
    if p.headcount_retired_pension_fund is not None:
        count = ctx.figs.count(fid("headcount.pension"), p.headcount_retired_pension_fund)
        runs += ctx.runs("headcount_pension", count=count)
    if p.headcount_survivors:
        note = f"（{p.headcount_survivors_note}）" if p.headcount_survivors_note else ""
        count = ctx.figs.count(fid("headcount.survivors"), p.headcount_survivors)
        runs += ctx.runs("survivors", count=count, note=note)
    return [Paragraph(tuple(merge_runs(runs)))]


@section("org.functions")
def _org_functions(ctx: Context) -> list[Block]:
    return texts(ctx, "functions")


@section("org.change")
def _org_change(ctx: Context) -> list[Block]:
    return texts(ctx, "function_change")


@section("work")
def _work(ctx: Context) -> list[Block]:
    blocks = texts(ctx, "annual_work")
    tasks = ctx.dataset.key_tasks
    if not tasks:
        return blocks
    rows = []
    plan_no = 0
    previous = None
    for task in tasks:
        first = task.plan != previous
        plan_no += first
        previous = task.plan
        rows.append(
            (
                Cell(str(plan_no) if first else ""),
                Cell(task.plan if first else ""),
                Cell(task.task),
                Cell(task.result),
            )
        )
    table = ctx.table("key_tasks", ("序号", "重点工作计划", "主要工作任务", "取得成效"), rows)
    blocks += [ctx.para("key_tasks_lead", year=ctx.year, table=table.number), table]
    return blocks


@section("goals.targets")
def _goal_targets(ctx: Context) -> list[Block]:
    return [
        ctx.para("goal", n=str(i), content=g.content)
        for i, g in enumerate(ctx.dataset.goals, start=1)
    ]


@section("goals.completion")
def _goal_completion(ctx: Context) -> list[Block]:
    blocks = texts(ctx, "goal_completion")
    blocks += [
        ctx.para("goal", n=str(i), content=g.completion)
        for i, g in enumerate(ctx.dataset.goals, start=1)
        if g.completion
    ]
    indicators = ctx.dataset.indicators
    if indicators:
        rows = [
            (
                Cell(ind.level1),
                Cell(ind.level2),
                Cell(ind.name),
                Cell(_target_text(ind.sign, ind.target, ind.target_desc, ind.unit)),
                Cell(_actual_text(ind.actual, ind.actual_desc, ind.unit, ind.qual_grade)),
            )
            for ind in indicators
        ]
        table = ctx.table(
            "goals_table", ("一级指标", "二级指标", "三级指标", "指标值", "完成值"), rows
        )
        blocks += [ctx.para("goals_table_lead", table=table.number), table]
    return blocks


def _plain_number(value: Decimal) -> str:
    return (
        format(value.normalize(), "f") if value == value.to_integral_value() else format(value, "f")
    )


def _target_text(sign: str, target: Decimal | None, desc: str, unit: str) -> str:
    if sign == "定性" or target is None:
        return desc
    return f"{sign}{_plain_number(target)}{unit}"


def _actual_text(actual: Decimal | None, desc: str, unit: str, grade: str) -> str:
    if actual is not None:
        return f"{_plain_number(actual)}{unit}"
    return grade or desc


@section("spending.scope")
def _scope(ctx: Context) -> list[Block]:
    blocks = texts(ctx, "budget_scope")
    if blocks or not ctx.dataset.units:
        return blocks
    names = "、".join(u.name for u in ctx.dataset.units)
    return [
        ctx.para("scope_default", year=ctx.year, count=str(len(ctx.dataset.units)), names=names)
    ]
