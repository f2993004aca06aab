"""绩效运行监控: the engine's 通报, warnings and 约谈 for a filled round; filling, importing,
deciding and notices, each refused where it must be.

The demo round (广东省科学技术厅, 截至 2023-06) holds the figures of the synthetic
execution example (examples/gdstc-2023-execution-synthetic.yaml); every unit reported
except 163001, which is late. The expected tables below are that file's numbers by eye:
执行率 = 1–6月累计执行数 ÷ 预算数, 序时进度 6/12 = 50%, the 四川 line 40% in June and 25%
in April (约谈 after both).
"""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal
from typing import Any

import openpyxl
import pytest
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from jixiao.dataset.model import Dataset as EngineDataset
from jixiao.dataset.model import Indicator, Profile, Project
from jixiao_web.monitor import services
from jixiao_web.monitor.models import IndicatorLine, MonthAmount, Return, Round
from jixiao_web.monitor.workflows import RETURN
from jixiao_web.orgs.models import Role, Unit
from jixiao_web.workflow import services as workflow
from jixiao_web.workflow.models import Notice
from jixiao_web.workflow.services import InvalidTransition, NotAllowed, OpinionRequired

pytestmark = pytest.mark.django_db

U, D, DA, BA, BR, E = (
    Role.UNIT_CLERK,
    Role.DIVISION,
    Role.DEPT_ADMIN,
    Role.BUREAU_ADMIN,
    Role.BUREAU_REVIEWER,
    Role.EVALUATOR,
)

#: 执行进度通报 of the demo round: rank, unit, 1–6月累计 ÷ 预算 = 执行率 %, 状态.
RANKING = """
1 163002 224/800     28 约谈
2 163061 3000/10000  30 约谈
3 163004 190/500     38 约谈
4 163006 369/900     41 正常
5 163003 252/600     42 正常
6 163057 1260/3000   42 正常
7 163052 176/400     44 正常
8 163011 540/1200    45 正常
9 163005 336/700     48 正常
"""

#: The warning list: (level, code, kind).
ALERTS = [
    ("单位", "163002", "低于预警线"),
    ("单位", "163061", "低于预警线"),
    ("单位", "163004", "低于预警线"),
    ("项目", "HC-02", "低于预警线"),
    ("项目", "HC-02", "产出快于资金"),  # 指标完成进度 50% against 执行率 28%
    ("项目", "HC-04", "低于预警线"),
    ("项目", "HC-10", "低于预警线"),  # 320 of 1000
    ("项目", "HC-11", "低于预警线"),
]


def _user(name: str) -> Any:
    return get_user_model().objects.get(username=name)


@pytest.fixture
def demo_round(science: Any) -> Round:
    return Round.objects.get(department_id=science.department_id, period="2023-06")


def _ret(round_: Round, code: str) -> Return:
    return round_.returns.get(unit_code=code)


def _status(u: Any) -> str:
    return "约谈" if u.interview else "预警" if u.below_line else "正常"


def test_the_engines_ranking_for_the_filled_round(demo_round: Round) -> None:
    result = services.report(demo_round).report
    expected = [line.split() for line in RANKING.strip().splitlines()]
    got = [
        [
            str(u.rank),
            u.unit,
            f"{u.cumulative.normalize():f}/{u.budget.normalize():f}",
            f"{u.rate.normalize():f}",
            _status(u),
        ]
        for u in result.units
    ]
    assert got == expected
    assert result.pace == Decimal(50) and result.line == Decimal(40)
    assert [u.unit for u in result.interviews] == ["163002", "163061", "163004"]
    assert [(a.level, a.code, a.kind) for a in result.alerts] == ALERTS


def test_only_reported_returns_count_unless_drafts_are_asked_for(demo_round: Round) -> None:
    counted = services.report(demo_round)
    assert "163001" not in counted.counted and counted.states["163001"] == "draft"
    preview = services.report(demo_round, include_drafts=True)
    row = next(u for u in preview.report.units if u.unit == "163001")
    assert (row.cumulative, row.budget, row.rate) == (Decimal("2250"), Decimal("5000"), 45)


@pytest.mark.parametrize(
    ("today", "late"),
    [
        (date(2023, 7, 10), []),  # the deadline day itself: not late yet
        (date(2023, 7, 11), ["163001"]),
    ],
)
def test_late_returns(demo_round: Round, today: date, late: list[str]) -> None:
    assert [r.unit_code for r in services.late_returns(demo_round, today)] == late


# --------------------------------------------------------------------------- transitions × roles

#: (action, roles that may take it) — the workflow as a reviewer reads it.
MAY = {"submit": {U, DA}, "accept": {DA, BA}, "return": {DA, BA}}
#: how to bring a return to the action's first source state
PATH = {"draft": [], "submitted": ["submit"]}


@pytest.mark.parametrize("action", list(MAY))
@pytest.mark.parametrize("role", [U, D, DA, BA, BR, E])
def test_every_transition_by_every_role(demo_round: Round, action: str, role: Role) -> None:
    ret = _ret(demo_round, "163001")  # a draft with every month filled
    step = RETURN.transition(action)
    assert step is not None
    admin = _user("dept-admin")
    for earlier in PATH[step.sources[0]]:
        services.decide(ret, earlier, admin, {DA})
    if role in MAY[action]:
        event = services.decide(ret, action, admin, {role}, opinion="请补充偏差原因")
        assert event.to_state == step.target
    else:
        with pytest.raises(NotAllowed):
            services.decide(ret, action, admin, {role}, opinion="请补充偏差原因")
        assert services.state(ret) == step.sources[0]


def test_return_needs_an_opinion_and_a_decided_return_cannot_be_decided_again(
    demo_round: Round,
) -> None:
    ret = _ret(demo_round, "163002")  # 已报送
    admin = _user("dept-admin")
    with pytest.raises(OpinionRequired):
        services.decide(ret, "return", admin, {DA})
    services.decide(ret, "return", admin, {DA}, opinion="HC-02 执行率偏低，请说明原因")
    with pytest.raises(InvalidTransition, match="当前状态为“已退回”"):
        services.decide(ret, "accept", admin, {DA})
    clerk = _user("unit-clerk-2")
    returned = Notice.objects.get(recipient=clerk, kind=Notice.Kind.RETURNED)
    assert returned.body == "HC-02 执行率偏低，请说明原因"
    assert Notice.objects.filter(recipient=clerk, kind=Notice.Kind.TASK, closed_at=None).exists()


def test_a_return_without_this_months_figures_cannot_be_submitted(demo_round: Round) -> None:
    ret = _ret(demo_round, "163001")
    MonthAmount.objects.filter(line__ret=ret, month=6).delete()
    with pytest.raises(services.Invalid, match="项目 HC-01: 尚未填写 1–6月累计执行数"):
        services.decide(ret, "submit", _user("unit-clerk"), {U})
    assert services.state(ret) == "draft"


# --------------------------------------------------------------------------- filling


def _form(ret: Return, **changes: str) -> dict[str, str]:
    data: dict[str, str] = {}
    for line in ret.projects.all():
        months = {a.month: a.cumulative for a in line.months.all()}
        for m in range(1, ret.round.month + 1):
            data[f"p{line.pk}-m{m}"] = str(months.get(m, ""))
        data[f"p{line.pk}-progress"] = str(line.progress or "")
        for ind in line.indicators.all():
            data[f"i{ind.pk}-likelihood"] = ""
    data.update(changes)
    return data


def test_saving_checks_every_field_and_saves_nothing_on_error(demo_round: Round) -> None:
    ret = _ret(demo_round, "163001")
    line = ret.projects.get(code="HC-01")
    ind = line.indicators.first()
    bad = _form(
        ret,
        **{
            f"p{line.pk}-m3": "九百",
            f"p{line.pk}-expected": "-1",
            f"p{line.pk}-progress": "120",
            f"i{ind.pk}-likelihood": "也许",
            f"i{ind.pk}-current": "80",
        },
    )
    with pytest.raises(services.Invalid) as refused:
        services.save_return(ret, bad, _user("unit-clerk"), ret.version)
    assert [str(e) for e in refused.value.errors] == [
        "项目 HC-01 1–3月累计执行数: “九百”不是有效数值",
        "项目 HC-01 全年预计执行数: 应为不小于 0 的数值",
        "项目 HC-01 指标完成进度: 应在 0–100 之间",
        "项目 HC-01 指标“年度任务完成率（合成）” 完成可能性: “也许”不是可选项（确定能、有可能、不可能）",
    ]
    ind.refresh_from_db()
    assert ind.current is None  # nothing of the form was written


def test_saving_a_good_form_and_a_stale_one(demo_round: Round) -> None:
    ret = _ret(demo_round, "163001")
    line = ret.projects.get(code="HC-01")
    ind = line.indicators.first()
    good = _form(
        ret,
        **{
            f"p{line.pk}-expected": "4800",
            f"p{line.pk}-deviation": "项目管理",
            f"p{line.pk}-measures": "加快合同签订与支付进度",
            f"i{ind.pk}-current": "46",
            f"i{ind.pk}-likelihood": "有可能",
        },
    )
    version = ret.version
    services.save_return(ret, good, _user("unit-clerk"), version)
    line.refresh_from_db()
    ind.refresh_from_db()
    assert (line.expected, line.deviation, ind.current, ind.likelihood) == (
        Decimal(4800),
        "项目管理",
        Decimal(46),
        "有可能",
    )
    with pytest.raises(workflow.Stale):
        services.save_return(ret, good, _user("dept-admin"), version)


def test_a_submitted_return_is_not_editable(demo_round: Round) -> None:
    ret = _ret(demo_round, "163002")
    with pytest.raises(services.Invalid, match="当前状态为“已报送”，不能修改"):
        services.save_return(ret, _form(ret), _user("unit-clerk-2"), ret.version)


# --------------------------------------------------------------------------- workbook import


def _workbook(rows: list[list[Any]], sheet: str = "执行进度") -> bytes:
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = sheet
    ws.append(["月份", "单位编码", "项目编码", "累计执行数", "预算数", "指标完成进度"])
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_import_writes_the_months_of_a_good_workbook(demo_round: Round) -> None:
    ret = _ret(demo_round, "163001")
    data = _workbook(
        [
            ["2023-05", "163001", "HC-01", 1950, None, None],
            ["2023-06", "163001", "HC-01", 2400, None, 48],
        ]
    )
    assert services.import_workbook(ret, data, "执行数.xlsx", _user("unit-clerk")) == 2
    line = ret.projects.get(code="HC-01")
    assert {a.month: a.cumulative for a in line.months.filter(month__gte=5)} == {
        5: Decimal("1950.00"),
        6: Decimal("2400.00"),
    }
    assert line.progress == Decimal(48)


def test_a_bad_workbook_names_each_cell_and_writes_nothing(demo_round: Round) -> None:
    ret = _ret(demo_round, "163001")
    before = list(MonthAmount.objects.filter(line__ret=ret).values_list("month", "cumulative"))
    data = _workbook(
        [
            ["2023-05", "163001", "HC-01", "一千", None, None],
            ["2023-06", "163001", "HC-02", 10, None, None],  # another unit's project
        ]
    )
    with pytest.raises(services.Invalid) as refused:
        services.import_workbook(ret, data, "执行数.xlsx", _user("unit-clerk"))
    places = [(e.location, e.message) for e in refused.value.errors]
    assert ("执行进度!D2", "“一千”不是有效金额（累计执行数应为数字，如 12021.60）") in places
    assert ("执行进度!A3", "项目编码“HC-02”不在“项目”表中") in places
    after = list(MonthAmount.objects.filter(line__ret=ret).values_list("month", "cumulative"))
    assert after == before


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (
            ["2023-07", "163001", "HC-01", 10, None, None],
            "月份 2023-07 不在本次监控的 2023-01 至 2023-06 之间",
        ),
        (
            ["2022-06", "163001", "HC-01", 10, None, None],
            "月份 2022-06 不在本次监控的 2023-01 至 2023-06 之间",
        ),
        (["2023-06", "", "", 10, None, None], "请填写项目编码（按项目填报）"),
    ],
)
def test_import_refuses_lines_outside_the_return(
    demo_round: Round, row: list[Any], message: str
) -> None:
    ret = _ret(demo_round, "163001")
    with pytest.raises(services.Invalid) as refused:
        services.import_workbook(ret, _workbook([row]), "执行数.xlsx", _user("unit-clerk"))
    assert [(e.location, e.message) for e in refused.value.errors] == [("执行进度!A2", message)]


def test_a_workbook_without_the_execution_sheet(demo_round: Round) -> None:
    ret = _ret(demo_round, "163001")
    with pytest.raises(services.Invalid, match="没有“执行进度”工作表"):
        services.import_workbook(ret, _workbook([], sheet="收入"), "x.xlsx", _user("unit-clerk"))
    with pytest.raises(services.Invalid, match="不是"):
        services.import_workbook(ret, b"not a workbook", "x.xlsx", _user("unit-clerk"))


def test_the_downloaded_workbook_imports_back(demo_round: Round) -> None:
    ret = _ret(demo_round, "163001")
    data = services.template_workbook(ret)
    assert services.import_workbook(ret, data, "回传.xlsx", _user("unit-clerk")) == 6


# --------------------------------------------------------------------------- issuing and notices


def test_issuing_gives_each_clerk_a_task_with_the_deadline(science: Any) -> None:
    units = list(
        Unit.objects.filter(department_id=science.department_id, code__in=["163001", "163002"])
    )
    round_ = services.issue_round(
        science, "2023-09", units, date(2023, 10, 10), _user("bureau-admin")
    )
    assert sorted(round_.returns.values_list("unit_code", flat=True)) == ["163001", "163002"]
    task = Notice.objects.get(
        recipient=_user("unit-clerk"), kind=Notice.Kind.TASK, title__contains="2023-09"
    )
    assert task.due == date(2023, 10, 10)
    assert task.link == reverse("monitor:return", args=[round_.returns.get(unit_code="163001").pk])


def _projects_source(per_unit: int) -> EngineDataset:
    """``per_unit`` projects for each of 163001 and 163002, two indicators each (one with a
    number, one described), and a project of a unit the round does not include."""
    projects, indicators = [], []
    for unit in ("163001", "163002", "163099"):
        for n in range(1, per_unit + 1):
            code = f"P{unit[-2:]}-{n:02d}"
            projects.append(
                Project(
                    code=code,
                    name=f"项目{code}",
                    unit=unit,
                    fund="一般公共预算",
                    budget=Decimal(100 * n),
                    adjusted=Decimal(90 * n) if n % 2 else None,
                )
            )
            indicators += [
                Indicator(
                    owner=code,
                    level1="产出指标",
                    name="完成数量",
                    sign="≥",
                    target=Decimal("12.5"),
                    unit="个",
                ),
                Indicator(
                    owner=code,
                    level1="效益指标",
                    name="群众满意",
                    sign="定性",
                    target_desc="明显提升",
                ),
            ]
    return EngineDataset(
        profile=Profile(department_name="广东省科学技术厅", year=2023),
        projects=tuple(projects),
        project_indicators=tuple(indicators),
    )


def _issue(science: Any, period: str, per_unit: int) -> Round:
    units = list(
        Unit.objects.filter(department_id=science.department_id, code__in=["163001", "163002"])
    )
    return services.issue_round(
        science,
        period,
        units,
        date(2023, 10, 10),
        _user("bureau-admin"),
        source=_projects_source(per_unit),
    )


def test_issuing_copies_each_units_projects_and_their_indicators(science: Any) -> None:
    round_ = _issue(science, "2023-09", 2)
    got = [
        (
            r.unit_code,
            line.position,
            line.code,
            str(line.budget),
            [(i.position, i.level1, i.target) for i in line.indicators.all()],
        )
        for r in round_.returns.order_by("unit_code")
        for line in r.projects.order_by("position")
    ]
    # 预算数 is 调整后预算数 where there is one (odd projects), else 年初预算数.
    targets = [(0, "产出指标", "12.5"), (1, "效益指标", "明显提升")]
    assert got == [
        ("163001", 0, "P01-01", "90", targets),
        ("163001", 1, "P01-02", "200", targets),
        ("163002", 0, "P02-01", "90", targets),
        ("163002", 1, "P02-02", "200", targets),
    ]


def test_issuing_takes_as_many_statements_for_20_projects_as_for_2(science: Any) -> None:
    """A province department's round copies ~1,000 projects: one INSERT per project or
    indicator stalled PostgreSQL, so the statements must not grow with the projects."""
    counts = []
    for period, per_unit in (("2023-08", 2), ("2023-09", 20)):
        # each count includes the notices' content type and the department's name
        ContentType.objects.clear_cache()
        fresh = type(science).objects.get(pk=science.pk)
        with CaptureQueriesContext(connection) as queries:
            _issue(fresh, period, per_unit)
        counts.append(len(queries))
    assert counts[0] == counts[1]
    assert IndicatorLine.objects.filter(line__ret__round__period="2023-09").count() == 2 * 20 * 2


@pytest.mark.parametrize(
    ("period", "units", "message"),
    [
        ("2023-13", ["163001"], "监控期: “2023-13”应为 YYYY-MM 格式，如 2023-06"),
        ("2024-06", ["163001"], "监控期: “2024-06”不在数据集的年度 2023 年内"),
        ("2023-06", ["163001"], "监控期: 广东省科学技术厅 2023-06 的监控已经下发"),
        ("2023-09", [], "填报单位: 请至少选择一个预算单位"),
    ],
)
def test_issuing_refuses(science: Any, period: str, units: list[str], message: str) -> None:
    chosen = list(Unit.objects.filter(department_id=science.department_id, code__in=units))
    with pytest.raises(services.Invalid) as refused:
        services.issue_round(science, period, chosen, date(2023, 10, 10), _user("bureau-admin"))
    assert [str(e) for e in refused.value.errors] == [message]


def test_an_interview_notice_is_acknowledged_in_the_inbox(demo_round: Round, login: Any) -> None:
    client = login("bureau-admin")
    target = _ret(demo_round, "163002")
    response = client.post(
        reverse("monitor:notify", args=[demo_round.pk]),
        {"kind": "约谈", "returns": [target.pk], "body": "请于 7 月 20 日到绩效处说明执行滞后原因"},
    )
    assert response.status_code == 302
    notice = Notice.objects.get(recipient=_user("unit-clerk-2"), kind=Notice.Kind.NOTICE)
    assert notice.requires_ack and notice.title.startswith("约谈通知：")
    clerk = login("unit-clerk-2")
    assert clerk.post(reverse("workflow:ack", args=[notice.pk])).status_code == 302
    client = login("bureau-admin")
    page = client.get(reverse("monitor:round", args=[demo_round.pk])).content.decode()
    assert "已确认" in page


def test_the_round_page_shows_the_lists_and_the_chart_data(demo_round: Round, login: Any) -> None:
    page = login("dept-admin").get(reverse("monitor:round", args=[demo_round.pk])).content.decode()
    for text in ("执行进度通报", "约谈名单", "逾期未报", "163001", "预警清单", "产出快于资金"):
        assert text in page
    assert 'id="monitor-chart-data"' in page and "<script>" not in page
