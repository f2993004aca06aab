"""Synthetic departments for benchmarks, tests and the web system's demo.

Deterministic for a given seed. Every unit has every money table (收入, 支出功能分类,
支出性质, 经济分类, "三公"经费, 结转结余) with its parent lines summing their children,
the nature and function views adding up to the economic detail, and a project with
three indicators; the department (合并) rows are the sums over the units. So the
checks see a realistic, mostly consistent dataset rather than noise. Every name says it
is synthetic (合成…), so it is never mistaken for a real department's data.

- :func:`synthetic_province`: N departments × M units in *one* dataset (a stress test
  of one workbook);
- :func:`synthetic_departments`: a region as it really is, one dataset per department
  (合成第1厅 … with units ``101001`` …, ``102001`` …), each naming a framework.

``python benchmarks/synthetic.py out.xlsx [--departments 100 --units 30]`` writes one.
"""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import date
from decimal import Decimal
from typing import Any

from jixiao.dataset.codes import load_codes
from jixiao.dataset.model import (
    TEXT_KEYS,
    UNIT_KINDS,
    Assets,
    CarryOver,
    Dataset,
    Division,
    EconomicLine,
    ExecutionLine,
    Goal,
    Indicator,
    KeyTask,
    MoneyLine,
    Problem,
    Profile,
    Project,
    ScoreItem,
    SelfEvaluation,
    TextBlock,
    Unit,
)

Amounts = dict[str, Decimal]  # budget / adjusted / final / prior
_FIELDS = ("budget", "adjusted", "final", "prior")

#: 经济分类 leaves of each 支出性质, with the 支出性质 line (人员经费/日常公用经费) they count in.
BASIC_LEAVES = {
    "30101": "人员经费",
    "30102": "人员经费",
    "30113": "人员经费",
    "30302": "人员经费",
    "30201": "日常公用经费",
    "30211": "日常公用经费",
    "30299": "日常公用经费",
}
PROJECT_LEAVES = ("30227", "30299", "31002")
PROJECT_FUNCTIONS = ("2060203", "2060404", "2060499")
THREE_PUBLIC_LEAVES = ("因公出国（境）费", "公务用车购置费", "公务用车运行维护费", "公务接待费")
INCOME_LEAVES = ("一般公共预算财政拨款收入", "事业收入", "经营收入", "其他收入")
INSTITUTION_KINDS = tuple(k for k in UNIT_KINDS if k not in {"行政机关", "其他"})


class _Amounts:
    """Random amounts in cents, budget → adjusted → final → prior close to each other."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def cents(self, low: int, high: int) -> Decimal:
        return Decimal(self.rng.randint(low * 100, high * 100)).scaleb(-2)

    def line(self, low: int, high: int) -> Amounts:
        budget = self.cents(low, high)
        return {
            "budget": budget,
            "adjusted": (budget * Decimal("1.05")).quantize(Decimal("0.01")),
            "final": (budget * Decimal(self.rng.randint(80, 110)) / 100).quantize(Decimal("0.01")),
            "prior": (budget * Decimal(self.rng.randint(85, 105)) / 100).quantize(Decimal("0.01")),
        }


def _add(total: Amounts, part: Amounts) -> None:
    for key in _FIELDS:
        total[key] = total.get(key, Decimal(0)) + part[key]


def _parents(leaves: dict[str, Amounts], code_list: str) -> dict[str, Amounts]:
    """The leaves plus every ancestor line (in ``code_list``) as the sum of its children."""
    parent_of = load_codes(code_list).parent_of
    lines: dict[str, Amounts] = {k: dict(v) for k, v in leaves.items()}
    for code, amounts in leaves.items():
        parent = parent_of(code)
        while parent:
            _add(lines.setdefault(parent, {}), amounts)
            parent = parent_of(parent)
    return lines


def _money_lines(
    unit: str, lines: dict[str, Amounts], fields: tuple[str, ...] = _FIELDS
) -> list[MoneyLine]:
    return [
        MoneyLine(unit=unit, item=item, **_only(v, fields)) for item, v in sorted(lines.items())
    ]


def synthetic_province(
    departments: int = 100,
    units_per_department: int = 30,
    seed: int = 2023,
    *,
    name: str = "合成省（基准测试）",
    first: int = 0,
    framework: str = "",
    projects_per_unit: int = 1,
    execution_period: str = "",
) -> Dataset:
    """``departments × units_per_department`` budget units with every table filled.

    ``first`` offsets the department numbers (unit codes ``{first + 101}001`` …), so
    several datasets of one region have distinct unit codes; ``framework`` fills
    自评结论 → 评分框架. ``projects_per_unit`` projects share each unit's 项目支出 (their
    年初预算, 调整后预算 and 执行数 sum to the unit's 支出性质 line, to the cent), each with
    three indicators; ``execution_period`` (``YYYY-MM``) adds one 执行进度 line per project
    for that month. With the defaults the output is what it always was (one project
    ``P{unit}`` per unit, no 执行进度), so the seeded datasets of other benchmarks keep.
    """
    department_name = name  # ``name`` is reused by the indicator loop below
    rng = random.Random(seed)
    amounts = _Amounts(rng)
    units: list[Unit] = []
    income: list[MoneyLine] = []
    function: list[MoneyLine] = []
    nature: list[MoneyLine] = []
    economic: list[EconomicLine] = []
    three_public: list[MoneyLine] = []
    carryover: list[CarryOver] = []
    projects: list[Project] = []
    project_indicators: list[Indicator] = []
    execution: list[ExecutionLine] = []
    totals: dict[tuple[str, ...], Amounts] = defaultdict(dict)  # department (合并) sums
    flows: dict[str, list[Decimal]] = defaultdict(lambda: [Decimal(0), Decimal(0)])

    for d in range(first, first + departments):
        for u in range(units_per_department):
            code = f"{d + 101:03d}{u + 1:03d}"
            admin = u == 0
            kind = "行政机关" if admin else rng.choice(INSTITUTION_KINDS)
            units.append(Unit(code=code, name=f"第{d + 1}部门第{u + 1}单位", kind=kind))

            basic = {leaf: amounts.line(10, 500) for leaf in BASIC_LEAVES}
            project = {leaf: amounts.line(50, 5000) for leaf in rng.sample(PROJECT_LEAVES, 2)}
            # 经济分类: leaves and their 类 per nature
            for nature_name, leaves in (("基本支出", basic), ("项目支出", project)):
                for item, values in _parents(leaves, "economic").items():
                    economic.append(
                        EconomicLine(unit=code, nature=nature_name, item=item, **_bfp(values))
                    )
                    _add(totals[("economic", nature_name, item)], values)
            # 支出性质 from the economic detail
            by_nature: dict[str, Amounts] = {"人员经费": {}, "日常公用经费": {}, "项目支出": {}}
            for leaf, values in basic.items():
                _add(by_nature[BASIC_LEAVES[leaf]], values)
            for values in project.values():
                _add(by_nature["项目支出"], values)
            nature_lines = _parents(by_nature, "nature")
            # 支出功能分类: running costs, pensions, one project function
            pensions = basic["30302"]
            running: Amounts = {}
            for leaf, values in basic.items():
                if leaf != "30302":
                    _add(running, values)
            function_leaves = {
                "2060101" if admin else "2060201": running,
                "2080502" if not admin else "2080501": pensions,
                rng.choice(PROJECT_FUNCTIONS): nature_lines["项目支出"],
            }
            function_lines = _parents(function_leaves, "function")
            # 收入: fiscal money covers most of the spending
            spending = nature_lines["基本支出"]["final"] + nature_lines["项目支出"]["final"]
            income_leaves = {leaf: amounts.line(1, 50) for leaf in INCOME_LEAVES[1:]}
            income_leaves[INCOME_LEAVES[0]] = dict.fromkeys(_FIELDS, spending)
            income_lines = _parents(income_leaves, "income")
            three = {leaf: amounts.line(0, 20) for leaf in THREE_PUBLIC_LEAVES}
            three_lines = _parents(three, "three_public")

            for table, lines, target in (
                ("income", income_lines, income),
                ("function", function_lines, function),
                ("nature", nature_lines, nature),
                ("three_public", three_lines, three_public),
            ):
                target.extend(_money_lines(code, lines))
                for item, values in lines.items():
                    _add(totals[(table, item)], values)

            opening_fiscal, opening_other = amounts.cents(10, 900), amounts.cents(0, 300)
            change_fiscal, change_other = amounts.cents(0, 100), amounts.cents(0, 50)
            for fund, opening, closing in (
                ("财政拨款", opening_fiscal, opening_fiscal + change_fiscal),
                ("非财政拨款", opening_other, opening_other + change_other),
                (
                    "合计",
                    opening_fiscal + opening_other,
                    opening_fiscal + opening_other + change_fiscal + change_other,
                ),
            ):
                carryover.append(CarryOver(unit=code, fund=fund, opening=opening, closing=closing))
                flows[fund][0] += opening
                flows[fund][1] += closing

            _unit_projects(
                rng,
                d,
                u,
                code,
                nature_lines["项目支出"],
                projects_per_unit,
                execution_period,
                projects,
                project_indicators,
                execution,
            )

    department_rows = _department_rows(totals)
    goals = tuple(
        Goal(code=f"G{i}", content=f"总目标{i}：推进第{i}项重点改革", completion="已基本完成。")
        for i in range(1, 6)
    )
    # 40 产出, 6 效益 and 4 满意度 indicators, so every group of a framework has some.
    level1s = ("产出指标",) * 40 + ("效益指标",) * 6 + ("满意度指标",) * 4
    level2s = {
        "产出指标": "数量指标",
        "效益指标": "社会效益指标",
        "满意度指标": "服务对象满意度指标",
    }
    indicators = tuple(
        Indicator(
            owner=f"G{1 + i % 5}",
            level1=level1,
            level2=level2s[level1],
            name=f"指标{i}",
            sign="≥",
            target=Decimal(100),
            unit="项" if level1 != "满意度指标" else "%",
            actual=Decimal(rng.randint(80, 120)),
        )
        for i, level1 in enumerate(level1s)
    )
    admin_units = sum(1 for u in units if u.kind == "行政机关")
    return Dataset(
        profile=Profile(
            department_name=department_name,
            year=2023,
            fill_date=date(2024, 5, 11),
            amount_unit="万元",
            stated_unit_count=len(units),
            stated_admin_units=admin_units,
            stated_institution_units=len(units) - admin_units,
            headcount_active=len(units) * 40,
            headcount_retired=len(units) * 12,
            headcount_total=len(units) * 52,
            headcount_authorised=len(units) * 42,
        ),
        divisions=tuple(Division(name=f"第{i}处") for i in range(1, 18)),
        units=tuple(units),
        texts=tuple(
            TextBlock(key=label, content=f"{label}：合成文字。\n第二段。")
            for label in TEXT_KEYS.values()
        ),
        key_tasks=tuple(
            KeyTask(plan=f"计划{i // 3}", task=f"任务{i}", result="已完成。") for i in range(30)
        ),
        goals=goals,
        indicators=indicators,
        income=department_rows["income"] + tuple(income),
        expenditure_function=department_rows["function"] + tuple(function),
        expenditure_nature=department_rows["nature"] + tuple(nature),
        expenditure_economic=department_rows["economic"] + tuple(economic),
        three_public=department_rows["three_public"] + tuple(three_public),
        carryover=tuple(CarryOver(fund=f, opening=o, closing=c) for f, (o, c) in flows.items())
        + tuple(carryover),
        assets=Assets(
            fixed_assets_value=Decimal("4548.72"),
            fixed_assets_in_use=Decimal("4320.15"),
            building_area=Decimal("25519.52"),
            vehicles=len(units) // 10,
            procurement_budget=amounts.cents(1000, 5000),
            procurement_actual=amounts.cents(900, 5000),
        ),
        projects=tuple(projects),
        project_indicators=tuple(project_indicators),
        execution=tuple(execution),
        scores=_self_scores(framework, rng)
        if framework
        else (
            ScoreItem(code="1", name="投入", points=Decimal(20), score=Decimal(18)),
            ScoreItem(
                code="1.1",
                name="预算编制",
                points=Decimal(5),
                score=Decimal(3),
                reason="扣2分：预决算差异大。",
            ),
        ),
        self_evaluation=SelfEvaluation(framework=framework),
        problems=(Problem(title="预算编制", problem="预决算差异较大。", measure="加强预算编制。"),),
    )


def synthetic_departments(
    departments: int = 100,
    units: int = 30,
    seed: int = 2023,
    framework: str = "mof-dept-2013",
    *,
    projects_per_unit: int = 1,
    execution_period: str = "",
) -> list[Dataset]:
    """A region: one dataset per department (合成第1厅 …), ``units`` budget units each
    (``projects_per_unit`` and ``execution_period`` as in :func:`synthetic_province`)."""
    return [
        synthetic_province(
            1,
            units,
            seed + d,
            name=f"合成第{d + 1}厅",
            first=d,
            framework=framework,
            projects_per_unit=projects_per_unit,
            execution_period=execution_period,
        )
        for d in range(departments)
    ]


def _split(rng: random.Random, total: Decimal, weights: list[int]) -> list[Decimal]:
    """``total`` in parts proportional to ``weights``, in cents, summing to ``total`` exactly."""
    cents = int(total * 100)
    whole = sum(weights)
    parts = [cents * w // whole for w in weights[:-1]]
    parts.append(cents - sum(parts))
    return [Decimal(p).scaleb(-2) for p in parts]


_PROJECT_INDICATORS = (
    ("数量指标", "支持项目数", "≥", "个"),
    ("时效指标", "按期完成率", "≥", "%"),
    ("满意度指标", "服务对象满意度", "≥", "%"),
)


def _unit_projects(
    rng: random.Random,
    d: int,
    u: int,
    unit: str,
    money: Amounts,
    count: int,
    period: str,
    projects: list[Project],
    indicators: list[Indicator],
    execution: list[ExecutionLine],
) -> None:
    """The unit's ``count`` projects sharing its 项目支出 ``money``, with their indicators
    (and a 执行进度 line each for ``period``)."""
    if count == 1:  # the historical shape: no extra random draws
        shares = [(money["budget"], money["adjusted"], money["final"])]
    else:
        weights = [rng.randint(1, 10) for _ in range(count)]
        paces = [w * rng.randint(85, 110) for w in weights]
        shares = list(
            zip(
                _split(rng, money["budget"], weights),
                _split(rng, money["adjusted"], weights),
                _split(rng, money["final"], paces),
                strict=True,
            )
        )
    for k, (budget, adjusted, executed) in enumerate(shares):
        code = f"P{unit}" if count == 1 else f"P{unit}{k + 1:03d}"
        suffix = "" if count == 1 else f"{k + 1}号"
        projects.append(
            Project(
                code=code,
                name=f"第{d + 1}部门第{u + 1}单位专项{suffix}",
                unit=unit,
                fund="一般公共预算财政拨款",
                special=u % 3 == 0,
                budget=budget,
                adjusted=adjusted,
                executed=executed,
                note=""
                if executed >= adjusted * Decimal("0.9")
                else "项目进度滞后，部分资金未支付。",
                self_score=Decimal(rng.randint(80, 100)),
            )
        )
        for i, (level2, name, sign, unit_name) in enumerate(_PROJECT_INDICATORS):
            target_value = Decimal(rng.randint(50, 100))
            indicators.append(
                Indicator(
                    owner=code,
                    level1="满意度指标" if i == 2 else "产出指标",
                    level2=level2,
                    name=name,
                    sign=sign,
                    target=target_value,
                    unit=unit_name,
                    actual=target_value + rng.randint(-10, 10),
                )
            )
        if period:
            execution.append(
                ExecutionLine(
                    period=period,
                    unit=unit,
                    project=code,
                    cumulative=(executed * Decimal(rng.randint(35, 65)) / 100).quantize(
                        Decimal("0.01")
                    ),
                    indicator_progress=Decimal(rng.randint(30, 70)),
                )
            )


def _self_scores(framework_id: str, rng: random.Random) -> tuple[ScoreItem, ...]:
    """A whole self-evaluation scorecard for ``framework_id``: every leaf between 80% and
    100% of its points (with a deduction reason when below), every parent the sum of its
    children, as a department fills it in."""
    from jixiao.scoring import load_framework
    from jixiao.scoring.model import Node

    items: list[ScoreItem] = []

    def scored(node: Node) -> Decimal:
        position = len(items)
        if node.children:
            score = sum((scored(child) for child in node.children), Decimal(0))
            reason = ""
        else:
            score = (node.points * Decimal(rng.randint(80, 100)) / 100).quantize(Decimal("0.1"))
            lost = node.points - score
            reason = f"扣 {lost} 分：{node.name}仍需改进。" if lost else "得满分。"
        items.insert(
            position,
            ScoreItem(
                code=node.code, name=node.name, points=node.points, score=score, reason=reason
            ),
        )
        return score

    for node in load_framework(framework_id).items:
        scored(node)
    return tuple(items)


def _only(values: Amounts, fields: tuple[str, ...]) -> dict[str, Any]:
    """The money columns ``fields`` of ``values``, as keyword arguments of a row type."""
    return {f: values[f] for f in fields}


def _bfp(values: Amounts) -> dict[str, Any]:
    return {"budget": values["budget"], "final": values["final"], "prior": values["prior"]}


def _department_rows(totals: dict[tuple[str, ...], Amounts]) -> dict[str, tuple[Any, ...]]:
    """The department's (合并) lines: the sums over its units."""
    rows: dict[str, list[Any]] = defaultdict(list)
    for key, values in sorted(totals.items()):
        if key[0] == "economic":
            rows["economic"].append(EconomicLine(nature=key[1], item=key[2], **_bfp(values)))
        else:
            rows[key[0]].append(MoneyLine(item=key[1], **_only(values, _FIELDS)))
    return {table: tuple(lines) for table, lines in rows.items()}
