"""The synthetic province with many projects per unit (the load benchmark's 100,000 projects)."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jixiao.evaluation import evaluate
from jixiao.synthetic import synthetic_departments, synthetic_province


def _sums(dataset, field):  # type: ignore[no-untyped-def]
    by_unit: dict[str, Decimal] = defaultdict(Decimal)
    for project in dataset.projects:
        by_unit[project.unit] += getattr(project, field)
    return by_unit


@settings(max_examples=15, deadline=None)
@given(
    units=st.integers(1, 4),
    per_unit=st.integers(2, 12),
    seed=st.integers(0, 10_000),
)
def test_projects_share_each_units_project_spending_to_the_cent(
    units: int, per_unit: int, seed: int
) -> None:
    dataset = synthetic_province(1, units, seed, projects_per_unit=per_unit)
    assert len(dataset.projects) == units * per_unit
    assert len({p.code for p in dataset.projects}) == len(dataset.projects)
    nature = {
        line.unit: line
        for line in dataset.expenditure_nature
        if line.item == "项目支出" and line.unit
    }
    for field, column in (("budget", "budget"), ("adjusted", "adjusted"), ("executed", "final")):
        for unit, total in _sums(dataset, field).items():
            assert total == getattr(nature[unit], column), (unit, field)
    owners = defaultdict(int)
    for indicator in dataset.project_indicators:
        owners[indicator.owner] += 1
    assert owners == {p.code: 3 for p in dataset.projects}
    for project in dataset.projects:  # a slow project explains itself, as the rules ask
        assert project.executed is not None and project.adjusted is not None
        assert bool(project.note) == (project.executed < project.adjusted * Decimal("0.9"))


@pytest.mark.parametrize(
    ("per_unit", "period", "executions"),
    [(1, "", 0), (3, "", 0), (3, "2023-06", 3 * 4)],
)
def test_execution_lines_name_every_project_once(
    per_unit: int, period: str, executions: int
) -> None:
    (dataset,) = synthetic_departments(1, 4, projects_per_unit=per_unit, execution_period=period)
    assert len(dataset.execution) == executions
    projects = {p.code: p for p in dataset.projects}
    for line in dataset.execution:
        project = projects[line.project]
        assert line.unit == project.unit and line.period == period
        assert line.cumulative is not None and project.executed is not None
        assert 0 <= line.cumulative <= project.executed


def test_the_default_shape_is_unchanged_one_project_per_unit() -> None:
    dataset = synthetic_province(2, 3, seed=7)
    assert [p.code for p in dataset.projects] == [f"P{u.code}" for u in dataset.units]
    assert dataset.execution == ()


def test_a_department_with_many_projects_is_evaluated_and_graded() -> None:
    (dataset,) = synthetic_departments(1, 3, projects_per_unit=5, execution_period="2023-06")
    result = evaluate(dataset)
    assert result.grade  # the engine scores it like any department
