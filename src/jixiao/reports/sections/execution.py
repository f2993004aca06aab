"""项目支出执行情况 and 资产情况: the projects table and the assets paragraph."""

from __future__ import annotations

from jixiao.reports.context import Context, clean, fid, section
from jixiao.reports.model import Block, Cell, Paragraph, Run
from jixiao.reports.wording import join_runs, merge_runs

_MARKERS = "①②③④⑤⑥⑦⑧⑨⑩"


@section("spending.projects", "项目支出执行情况")
def _projects(ctx: Context) -> list[Block]:
    """Each project's 年初预算, 调整后预算, 执行数, 执行率 and 自评得分, then its notes."""
    projects = ctx.dataset.projects
    if not projects:
        return []
    units = ctx.dataset.unit_by_code()
    rows = []
    for p in projects:
        unit = units.get(p.unit)
        rows.append(
            (
                Cell(p.name),
                Cell(unit.name if unit else p.unit),
                ctx.figs.cell(fid("project.budget", code=p.code)),
                _cell(ctx, p.adjusted, fid("project.base", code=p.code)),
                ctx.figs.cell(fid("project.executed", code=p.code)),
                ctx.figs.cell(fid("project.rate", code=p.code)),
                Cell(
                    format(p.self_score.normalize(), "f") if p.self_score is not None else "",
                    numeric=True,
                ),
            )
        )
    rows.append(
        (
            Cell("合计", bold=True),
            Cell(""),
            ctx.figs.cell(fid("projects.budget")),
            ctx.figs.cell(fid("projects.base")),
            ctx.figs.cell(fid("projects.executed")),
            ctx.figs.cell(fid("projects.rate")),
            Cell(""),
        )
    )
    header = ("项目名称", "实施单位", "年初预算", "调整后预算", "执行数", "执行率（%）", "自评得分")
    table = ctx.table("projects_table", header, rows, ctx.caption("money_unit"))
    blocks: list[Block] = []
    totals = [
        fid(k) for k in ("projects.budget", "projects.base", "projects.executed", "projects.rate")
    ]
    if ctx.figs.has(*totals):
        budget, base, executed, rate = totals
        blocks.append(
            ctx.para(
                "projects_lead",
                year=ctx.year,
                count=str(len(projects)),
                budget=ctx.figs.run(budget),
                base=ctx.figs.run(base),
                executed=ctx.figs.run(executed),
                rate=ctx.figs.run(rate),
                table=table.number,
            )
        )
    blocks.append(table)
    blocks += _project_notes(ctx)
    return blocks


def _cell(ctx: Context, value: object, figure_id: str) -> Cell:
    """调整后预算 only where entered (the execution base falls back to 年初预算 otherwise)."""
    return ctx.figs.cell(figure_id) if value is not None else Cell("", numeric=True)


def _project_notes(ctx: Context) -> list[Block]:
    """A line per project with what the table has no column for: 专项, 主管处室, 资金来源, 说明."""
    phrases = ctx.wording.data["phrases"]
    blocks: list[Block] = []
    n = 0
    for p in ctx.dataset.projects:
        facts = [f for f in (phrases["special_fund"] if p.special else "", p.division, p.fund) if f]
        note = clean(ctx, p.note, f"项目“{p.name}”执行情况说明")
        if not (facts or note):
            continue
        marker = _MARKERS[n] if n < len(_MARKERS) else f"（{n + 1}）"
        n += 1
        runs = ctx.runs(
            "project_line",
            marker=marker,
            name=p.name,
            facts=ctx.runs("project_facts", items="，".join(facts)) if facts else "",
            note=note or "—",
        )
        blocks.append(Paragraph(tuple(merge_runs(runs))))
    return blocks


@section("spending.assets", "资产情况")
def _assets(ctx: Context) -> list[Block]:
    """Fixed assets, what is in use, what was added, and 政府采购."""
    a = ctx.dataset.assets
    figs = ctx.figs

    def has(*keys: str) -> bool:
        return figs.has(*(fid("assets", key=k) for k in keys))

    def run(key: str, absolute: bool = False) -> Run:
        return figs.run(fid("assets", key=key), absolute=absolute)

    paragraphs: list[list[Run]] = []
    if has(
        "fixed_assets_value",
        "fixed_assets_growth",
        "fixed_assets_in_use",
        "fixed_assets_utilisation",
    ):
        growth = figs.value(fid("assets", key="fixed_assets_growth")) or 0
        paragraphs.append(
            ctx.runs(
                "assets_value",
                year=ctx.year,
                value=run("fixed_assets_value"),
                prior=run("prior_fixed_assets_value"),
                direction=ctx.wording.data["phrases"]["increase" if growth >= 0 else "decrease"],
                change=run("fixed_assets_growth", absolute=True),
                in_use=run("fixed_assets_in_use"),
                rate=run("fixed_assets_utilisation"),
            )
        )
    if has("building_area", "vehicles", "large_equipment"):
        paragraphs.append(
            ctx.runs(
                "assets_things",
                area=run("building_area"),
                vehicles=run("vehicles"),
                equipment=run("large_equipment"),
            )
        )
    if has("new_assets_value") and a.new_assets_desc:
        desc = clean(ctx, a.new_assets_desc, "资产“新增固定资产内容”")
        paragraphs.append(ctx.runs("assets_new", value=run("new_assets_value"), desc=desc))
    if has("procurement_budget", "procurement_actual", "procurement_execution_rate"):
        paragraphs.append(
            ctx.runs(
                "assets_procurement",
                year=ctx.year,
                budget=run("procurement_budget"),
                actual=run("procurement_actual"),
                rate=run("procurement_execution_rate"),
            )
        )
    if not paragraphs:
        return []
    return [Paragraph(tuple(merge_runs(join_runs(paragraphs, ""))))]
