"""In-year monitoring: 通报 ranked by lag, warnings, 约谈, money pace vs outputs, bad lines."""

from __future__ import annotations

import dataclasses
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jixiao.dataset.build import DatasetError, RawCell, RawTable, build_dataset
from jixiao.dataset.model import Dataset, ExecutionLine, Profile, Project, Unit
from jixiao.monitoring.monitor import monitor_execution, pace_of
from jixiao.monitoring.settings import WarningLines, load_warning_lines

SICHUAN = load_warning_lines("sichuan-2025")


def test_the_bulletin_ranks_units_by_lag(execution_dataset: Dataset) -> None:
    report = monitor_execution(execution_dataset, "2023-06", SICHUAN)
    assert [(u.rank, u.unit, u.rate, u.lag) for u in report.units] == [
        (1, "U2", Decimal(30), Decimal(20)),
        (2, "U3", Decimal(35), Decimal(15)),
        (3, "U1", Decimal(50), Decimal(0)),
    ]
    assert report.pace == Decimal(50) and report.line == Decimal(40)


def test_units_below_the_line_twice_in_a_row_are_called_in(execution_dataset: Dataset) -> None:
    report = monitor_execution(execution_dataset, "2023-06", SICHUAN)
    assert [u.unit for u in report.interviews] == ["U2"]
    assert {a.code for a in report.alerts if a.level == "单位"} == {"U2", "U3"}


def test_the_interview_rule_is_configurable(execution_dataset: Dataset) -> None:
    once = dataclasses.replace(SICHUAN, interview_after=1)
    report = monitor_execution(execution_dataset, "2023-06", once)
    assert [u.unit for u in report.interviews] == ["U2", "U3"]


@pytest.mark.parametrize(
    ("project", "kind", "rate", "reference"),
    [
        ("P1", "资金快于产出", Decimal(50), Decimal(20)),
        ("P2", "产出快于资金", Decimal(30), Decimal(60)),
        ("P2", "低于预警线", Decimal(30), Decimal(40)),
        ("P3", "低于预警线", Decimal(25), Decimal(40)),
    ],
)
def test_project_alerts_compare_money_with_line_and_outputs(
    execution_dataset: Dataset, project: str, kind: str, rate: Decimal, reference: Decimal
) -> None:
    report = monitor_execution(execution_dataset, "2023-06", SICHUAN)
    assert any(
        a.code == project and a.kind == kind and a.rate == rate and a.reference == reference
        for a in report.alerts
    )


def test_the_series_follows_the_department_total(execution_dataset: Dataset) -> None:
    report = monitor_execution(execution_dataset, "2023-06", SICHUAN)
    april, june = report.series[3], report.series[5]
    assert april.rate == Decimal(1400) * 100 / Decimal(6000) and april.line == Decimal(25)
    assert june.rate == Decimal(2200) * 100 / Decimal(6000) and june.pace == Decimal(50)
    assert report.series[0].rate == 0  # nothing reported before April counts as nothing spent


def _with_lines(dataset: Dataset, *lines: ExecutionLine) -> Dataset:
    return dataclasses.replace(dataset, execution=(*dataset.execution, *lines))


@pytest.mark.parametrize(
    ("line", "code", "words"),
    [
        (ExecutionLine("2023-6", "", "P1", Decimal(1)), "monitor.bad_period", "YYYY-MM"),
        (ExecutionLine("2023-09", "", "P1", Decimal(900)), "monitor.future_month", "是未来月份"),
        (
            ExecutionLine("2023-07", "", "P1", Decimal(600)),
            "monitor.after_period",
            "晚于监控期 2023-06",
        ),
        (ExecutionLine("2022-05", "", "P1", Decimal(1)), "monitor.other_year", "不属于 2023 年度"),
        (ExecutionLine("2023-05", "", "P1", Decimal(200)), "monitor.decrease", "累计数不应减少"),
        (
            ExecutionLine("2023-05", "", "P2", Decimal(1200)),
            "monitor.above_budget",
            "超过预算数 1000",
        ),
        (ExecutionLine("2023-05", "U1", "", Decimal(5)), "monitor.no_budget", "没有预算数"),
        (
            ExecutionLine("2023-02", "", "P4", Decimal(100)),
            "monitor.out_of_order",
            "排在更晚的月份之后",
        ),
        (ExecutionLine("2023-06", "U2", "P1", Decimal(500)), "monitor.repeated_month", "重复出现"),
    ],
)
def test_bad_lines_are_findings_with_their_place(
    execution_dataset: Dataset, line: ExecutionLine, code: str, words: str
) -> None:
    dataset = _with_lines(execution_dataset, dataclasses.replace(line, loc="执行进度!A99"))
    report = monitor_execution(dataset, "2023-06", SICHUAN, today=date(2023, 7, 15))
    found = [f for f in report.findings if f.code == code]
    assert found, [f.message for f in report.findings]
    assert words in found[0].message
    assert found[0].place == ("执行进度" if code == "monitor.after_period" else "执行进度!A99")
    where = found[0].location
    assert where.table == "execution"
    if code != "monitor.after_period":  # a line: its stable key, not its position
        assert where.row == f"{line.period}|{line.unit}|{line.project}"


def test_unknown_project_codes_stop_the_load_with_the_place() -> None:
    table = RawTable("执行进度")
    table.rows.append(
        (
            "执行进度!A2",
            {
                "period": RawCell("2023-06", "执行进度!A2"),
                "project": RawCell("X9", "执行进度!C2"),
                "cumulative": RawCell("1", "执行进度!D2"),
            },
        )
    )
    with pytest.raises(DatasetError) as info:
        build_dataset({"execution": table})
    assert any("项目编码“X9”不在“项目”表中" in str(e) for e in info.value.errors)


def test_no_execution_data_is_a_finding_not_a_crash() -> None:
    report = monitor_execution(
        Dataset(profile=Profile(department_name="甲", year=2023)), "2023-06", SICHUAN
    )
    assert [f.code for f in report.findings] == ["monitor.no_lines"]


@pytest.mark.parametrize(("month", "pace"), [(1, "8.33"), (6, "50"), (12, "100")])
def test_pace_is_the_elapsed_share_of_the_year(month: int, pace: str) -> None:
    assert round(pace_of(month), 2) == Decimal(pace)


def test_the_line_in_force_is_the_latest_checkpoint() -> None:
    lines = WarningLines("x", "x", ((4, Decimal(25)), (6, Decimal(40))))
    assert lines.line_at(3) is None
    assert lines.line_at(5) == (4, Decimal(25))
    assert lines.line_at(12) == (6, Decimal(40))


amounts = st.lists(st.integers(min_value=0, max_value=10_000), min_size=1, max_size=12)


@settings(max_examples=40, deadline=None)
@given(st.lists(amounts, min_size=1, max_size=5))
def test_units_add_up_to_the_department_and_rising_lines_give_no_findings(
    steps: list[list[int]],
) -> None:
    units, projects, lines = [], [], []
    for i, increments in enumerate(steps):
        code = f"P{i}"
        cumulative = 0
        projects.append(
            Project(code=code, name=code, unit=f"U{i % 2}", adjusted=Decimal(sum(increments) or 1))
        )
        for month, step in enumerate(increments, start=1):
            cumulative += step
            lines.append(ExecutionLine(f"2023-{month:02d}", "", code, Decimal(cumulative)))
    units = [Unit("U0", "甲", "行政机关"), Unit("U1", "乙", "公益一类")]
    dataset = Dataset(
        profile=Profile(department_name="甲", year=2023),
        units=tuple(units),
        projects=tuple(projects),
        execution=tuple(lines),
    )
    report = monitor_execution(dataset, "2023-12", SICHUAN)
    assert report.findings == ()
    assert sum(u.cumulative for u in report.units) == report.total_cumulative
    assert sum(u.budget for u in report.units) == report.total_budget
    assert all(u.rate is not None and 0 <= u.rate <= 100 for u in report.units)


def test_the_bulletin_can_be_grouped_by_fund(execution_dataset: Dataset) -> None:
    funds = {"P1": "一般公共预算财政拨款", "P2": "一般公共预算财政拨款", "P3": "政府性基金"}
    projects = tuple(
        dataclasses.replace(p, fund=funds.get(p.code, "")) for p in execution_dataset.projects
    )
    report = monitor_execution(
        dataclasses.replace(execution_dataset, projects=projects), "2023-06", SICHUAN, by="fund"
    )
    assert [(u.unit, u.cumulative, u.budget) for u in report.units] == [
        ("政府性基金", Decimal(500), Decimal(2000)),
        ("一般公共预算财政拨款", Decimal(800), Decimal(2000)),
        ("未注明资金来源", Decimal(900), Decimal(2000)),
    ]
    assert report.interviews == ()  # only units are called in
    assert {a.level for a in report.alerts} == {"资金来源", "项目"}
