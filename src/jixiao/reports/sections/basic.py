"""一、部门基本情况: 机构设置, 人员, 重点工作, 绩效目标, 预算编制范围."""

from __future__ import annotations

import re
from decimal import Decimal

from jixiao.dataset.model import ADMIN_UNIT_KINDS, INSTITUTION_UNIT_KINDS, Indicator
from jixiao.reports.context import (
    Context,
    clean,
    fid,
    section,
    texts,
)
from jixiao.reports.model import (
    Block,
    Cell,
    Omitted,
    Paragraph,
    Table,
)
from jixiao.reports.wording import merge_runs

# --------------------------------------------------------------------------- 一、部门基本情况


@section("org.setup", "机构设置")
def _org_setup(ctx: Context) -> list[Block]:
    ds = ctx.dataset
    # The department's text keeps its own wording; a sentence of it that the paragraph
    # generated below states too (the unit count, the change note) is left out of it.
    blocks = texts(ctx, "org_setup", restated=ds.profile.unit_change_note if ds.units else "")
    written = "".join(run.text for b in blocks if isinstance(b, Paragraph) for run in b.runs)
    if ds.divisions and not all(d.name in written for d in ds.divisions):
        names = "、".join(
            f"{d.name}（{clean(ctx, d.note, f'内设机构“{d.name}”备注')}）" if d.note else d.name
            for d in ds.divisions
        )
        blocks.append(ctx.para("divisions", names=names, count=str(len(ds.divisions))))
    else:  # the department's text lists them: their notes go to the review file
        for d in ds.divisions:
            if d.note:
                ctx.omitted.append(
                    Omitted(f"内设机构“{d.name}”备注", d.note, "正文已列明内设机构，备注未写入")
                )
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
        p = ds.profile
        if p.prior_unit_count is not None and ctx.figs.has(fid("units.prior")):
            runs += ctx.runs("prior_units", count=ctx.figs.run(fid("units.prior")))
        if p.unit_change_note:
            runs += ctx.runs("unit_change", change=clean(ctx, p.unit_change_note, "单位变动说明"))
        if p.independent_accounting_units is not None:
            runs += ctx.runs("independent_units", count=str(p.independent_accounting_units))
        blocks += [Paragraph(tuple(merge_runs(runs))), table]
    blocks += _headcount(ctx)
    return blocks


def _units_table(ctx: Context) -> Table:
    units = ctx.dataset.units
    with_notes = any(u.note for u in units)
    rows = [
        (Cell(str(i)), Cell(u.code), Cell(u.name), Cell(u.kind))
        + ((Cell(clean(ctx, u.note, f"预算单位“{u.name}”备注")),) if with_notes else ())
        for i, u in enumerate(units, start=1)
    ]
    header = ("序号", "预算编码", "单位名称", "单位性质") + (("备注",) if with_notes else ())
    return ctx.table("units", header, rows)


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
        note = clean(ctx, p.headcount_survivors_note, "遗属人员说明")
        count = ctx.figs.count(fid("headcount.survivors"), p.headcount_survivors)
        runs += ctx.runs("survivors", count=count, note=f"（{note}）" if note else "")
    if p.headcount_authorised is not None and ctx.figs.has(fid("headcount.authorised")):
        runs += ctx.runs("headcount_authorised", count=ctx.figs.run(fid("headcount.authorised")))
    return [Paragraph(tuple(merge_runs(runs)))]


@section("org.functions", "主要职能")
def _org_functions(ctx: Context) -> list[Block]:
    return texts(ctx, "functions")


@section("org.change", "机构变动")
def _org_change(ctx: Context) -> list[Block]:
    return texts(ctx, "function_change")


@section("work", "年度主要工作")
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
                Cell(clean(ctx, task.task, "重点工作任务")),
                Cell(clean(ctx, task.result, f"重点工作任务“{task.task}”取得成效")),
            )
        )
    table = ctx.table("key_tasks", ("序号", "重点工作计划", "主要工作任务", "取得成效"), rows)
    written = "".join(b.text for b in blocks if isinstance(b, Paragraph))
    if not re.search(r"见表\s*\d", written):  # the department's text points to it already
        blocks.append(ctx.para("key_tasks_lead", year=ctx.year, table=table.number))
    blocks.append(table)
    return blocks


@section("goals.targets", "绩效目标")
def _goal_targets(ctx: Context) -> list[Block]:
    return [
        ctx.para("goal", n=str(i), content=clean(ctx, g.content, f"绩效目标{i}"))
        for i, g in enumerate(ctx.dataset.goals, start=1)
    ]


@section("goals.completion", "绩效目标完成情况")
def _goal_completion(ctx: Context) -> list[Block]:
    blocks = texts(ctx, "goal_completion")
    for i, g in enumerate(ctx.dataset.goals, start=1):
        if text := clean(ctx, g.completion, f"绩效目标{i}完成情况"):
            blocks.append(ctx.para("goal", n=str(i), content=text))
    if ctx.dataset.indicators:
        table = _indicator_table(ctx)
        blocks += [ctx.para("goals_table_lead", table=table.number), table]
    return blocks


#: The order of the 一级指标 groups in 表3 (others follow in the order they appear).
LEVEL1_ORDER = ("产出", "效益", "满意度")


def _level1_rank(level1: str) -> int:
    name = level1.removesuffix("指标")
    return LEVEL1_ORDER.index(name) if name in LEVEL1_ORDER else len(LEVEL1_ORDER)


def _indicator_table(ctx: Context) -> Table:
    """表3: each indicator's 指标值, 完成值, 完成率, 是否完成 and 偏差原因, grouped by 一级指标."""
    from jixiao.figures.ids import indicator_ids

    entries = indicator_ids("indicator", ctx.dataset.indicators)
    ordered = sorted(enumerate(entries), key=lambda e: (_level1_rank(e[1][1].level1), e[0]))
    rows = []
    previous = None
    for _, (base, ind) in ordered:
        group = ind.level1 if ind.level1 != previous else ""
        previous = ind.level1
        rate = f"{base}.completion_rate"
        rows.append(
            (
                Cell(group),
                Cell(ind.level2),
                Cell(ind.name),
                Cell(_target_text(ctx, ind)),
                Cell(_actual_text(ctx, ind)),
                ctx.figs.cell(rate) if ctx.figs.has(rate) else Cell("—", numeric=True),
                Cell(_met_text(ctx, ind, base)),
                Cell(clean(ctx, ind.deviation, f"绩效指标“{ind.name}”偏差原因")),
            )
        )
    header = (
        "一级指标",
        "二级指标",
        "三级指标",
        "指标值",
        "完成值",
        "完成率（%）",
        "是否完成",
        "偏差原因",
    )
    return ctx.table("goals_table", header, rows)


def _plain_number(value: Decimal) -> str:
    return (
        format(value.normalize(), "f") if value == value.to_integral_value() else format(value, "f")
    )


def _target_text(ctx: Context, ind: Indicator) -> str:
    desc = clean(ctx, ind.target_desc, f"绩效指标“{ind.name}”指标值说明")
    if ind.sign == "定性" or ind.target is None:
        text = desc
    else:
        text = f"{ind.sign}{_plain_number(ind.target)}{ind.unit}" + (f"（{desc}）" if desc else "")
    return text + ("（中期）" if ind.horizon == "中期" else "")


def _actual_text(ctx: Context, ind: Indicator) -> str:
    desc = clean(ctx, ind.actual_desc, f"绩效指标“{ind.name}”完成情况说明")
    value = f"{_plain_number(ind.actual)}{ind.unit}" if ind.actual is not None else ind.qual_grade
    if value and desc:
        return f"{value}（{desc}）"
    return value or desc or "—"


def _met_text(ctx: Context, ind: Indicator, base: str) -> str:
    met = ctx.figs.value(f"{base}.met")
    if met is None:
        return "—"
    ctx.figs.used[f"{base}.met"] = None
    if met == 1:
        return "是"
    return "未到期" if ind.horizon == "中期" else "否"


@section("spending.scope", "支出范围")
def _scope(ctx: Context) -> list[Block]:
    blocks = texts(ctx, "budget_scope")
    if blocks or not ctx.dataset.units:
        return blocks
    names = "、".join(u.name for u in ctx.dataset.units)
    return [
        ctx.para("scope_default", year=ctx.year, count=str(len(ctx.dataset.units)), names=names)
    ]
