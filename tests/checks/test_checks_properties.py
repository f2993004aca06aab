"""Properties: figures and checks never raise on valid data, and data built to add up
(every parent the sum of its children, the department the sum of its units) gives no
``*_mismatch`` error."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jixiao.checks import Severity, run_checks
from jixiao.dataset.model import (
    Dataset,
    EconomicLine,
    MoneyLine,
    Profile,
    ScoreItem,
    SelfEvaluation,
    Unit,
)
from jixiao.figures import compute_figures
from strategies import datasets


# 30 whole datasets (every table, up to 4 rows each) keep the property's reach; drawing
# them is most of the cost (60 took 9 s on the shared 2-core machine).
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(datasets())
def test_figures_and_checks_never_raise_on_a_valid_dataset(dataset: Dataset) -> None:
    figures = compute_figures(dataset)
    findings = run_checks(dataset, figures)
    assert all(f.code and f.message for f in findings)
    assert all(f.json_value is None or "," not in f.json_value for f in figures.values())


amounts = st.decimals(min_value=0, max_value=Decimal("99999999.99"), places=2, allow_nan=False)
maybe = st.one_of(st.none(), amounts)

#: leaf items of each money tree, and the parent lines derived from them
INCOME_LEAVES = ("一般公共预算财政拨款收入", "政府性基金预算财政拨款收入", "事业收入", "其他收入")
FUNCTION_LEAVES = ("20601", "20602", "20805", "20101")
NATURE_LEAVES = ("人员经费", "日常公用经费", "项目支出")
THREE_PUBLIC_LEAVES = ("因公出国（境）费", "公务用车购置费", "公务用车运行维护费", "公务接待费")
PARENTS = {
    "财政拨款收入": ("一般公共预算财政拨款收入", "政府性基金预算财政拨款收入"),
    "206": ("20601", "20602"),
    "208": ("20805",),
    "201": ("20101",),
    "基本支出": ("人员经费", "日常公用经费"),
    "公务用车购置及运行维护费": ("公务用车购置费", "公务用车运行维护费"),
    "三公经费合计": ("因公出国（境）费", "公务用车购置及运行维护费", "公务接待费"),
}


def _sum(values: list[Decimal | None]) -> Decimal | None:
    known = [v for v in values if v is not None]
    return sum(known, Decimal(0)) if len(known) == len(values) else None


def _with_parents(unit: str, leaves: dict[str, dict[str, Decimal | None]]) -> list[MoneyLine]:
    """Money lines for the leaves plus every parent line, each the exact sum of its children."""
    values = dict(leaves)
    for parent, kids in PARENTS.items():  # ordered: children before their parents
        if all(k in values for k in kids):
            values[parent] = {
                c: _sum([values[k][c] for k in kids]) for c in ("budget", "final", "prior")
            }
    return [MoneyLine(unit=unit, item=item, **cols) for item, cols in values.items()]


@st.composite
def consistent_datasets(draw: Any) -> Dataset:
    """A department of 1–3 units whose every total is the sum of its parts."""
    codes = [f"16300{i}" for i in range(1, draw(st.integers(1, 3)) + 1)]
    units = tuple(Unit(code=c, name=f"单位{c}", kind="公益一类") for c in codes)
    tables: dict[str, list[MoneyLine]] = {"income": [], "function": [], "nature": [], "three": []}
    per_unit_total: dict[str, dict[tuple[str, str], Decimal | None]] = {}
    for code in codes:
        # total spending per column is shared by the function and nature trees
        nature = {i: {c: draw(maybe) for c in ("budget", "final", "prior")} for i in NATURE_LEAVES}
        spend = {
            c: _sum([nature[i][c] for i in NATURE_LEAVES]) for c in ("budget", "final", "prior")
        }
        function: dict[str, dict[str, Decimal | None]] = {i: {} for i in FUNCTION_LEAVES}
        for c, total in spend.items():
            for item in FUNCTION_LEAVES:
                function[item][c] = None
            if total is None:
                continue
            rest = total  # split the nature total over the function leaves, nothing negative
            for item in FUNCTION_LEAVES[:-1]:
                function[item][c] = share = draw(st.decimals(min_value=0, max_value=rest, places=2))
                rest -= share
            function[FUNCTION_LEAVES[-1]][c] = rest
        tables["nature"] += _with_parents(code, nature)
        tables["function"] += _with_parents(code, function)
        income = {i: {c: draw(maybe) for c in ("budget", "final", "prior")} for i in INCOME_LEAVES}
        tables["income"] += _with_parents(code, income)
        three = {
            i: {c: draw(maybe) for c in ("budget", "final", "prior")} for i in THREE_PUBLIC_LEAVES
        }
        tables["three"] += _with_parents(code, three)
        per_unit_total[code] = {}
    department = {key: _consolidate(rows) for key, rows in tables.items()}
    economic = (
        EconomicLine(nature="项目支出", item="30227", final=draw(amounts)),
        EconomicLine(nature="项目支出", item="30299", final=draw(amounts)),
    )
    economic += (
        EconomicLine(nature="项目支出", item="302", final=_sum([e.final for e in economic])),
    )
    points = [draw(st.integers(1, 20)) for _ in range(3)]
    scores = [Decimal(draw(st.integers(0, p))) for p in points]
    items = tuple(
        ScoreItem(
            code=f"2.{i + 1}",
            name=f"指标{i + 1}",
            points=Decimal(p),
            score=s,
            stated_deduction=Decimal(p) - s,
        )
        for i, (p, s) in enumerate(zip(points, scores, strict=True))
    )
    parent = ScoreItem(
        code="2", name="管理效率", points=Decimal(sum(points)), score=sum(scores, Decimal(0))
    )
    return Dataset(
        profile=Profile(department_name="示例厅", year=2023, stated_unit_count=len(codes)),
        units=units,
        income=tuple(department["income"] + tables["income"]),
        expenditure_function=tuple(department["function"] + tables["function"]),
        expenditure_nature=tuple(department["nature"] + tables["nature"]),
        three_public=tuple(department["three"] + tables["three"]),
        expenditure_economic=economic,
        scores=(parent, *items),
        self_evaluation=SelfEvaluation(stated_total=parent.score),
    )


def _consolidate(rows: list[MoneyLine]) -> list[MoneyLine]:
    """Department lines: per item, the sum over the units (None if any unit lacks it)."""
    items: dict[str, list[MoneyLine]] = {}
    for row in rows:
        items.setdefault(row.item, []).append(row)
    return [
        MoneyLine(
            item=item,
            **{c: _sum([getattr(r, c) for r in lines]) for c in ("budget", "final", "prior")},
        )
        for item, lines in items.items()
    ]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(consistent_datasets())
def test_a_dataset_built_to_add_up_has_no_mismatch_errors(dataset: Dataset) -> None:
    errors = [f for f in run_checks(dataset) if f.severity is Severity.ERROR]
    assert [f.message for f in errors if f.code.endswith("mismatch")] == []
