"""The demo's monitoring round: 广东省科学技术厅, 截至 2023-06, with the figures of the
synthetic execution example (``examples/gdstc-2023-execution-synthetic.yaml``, labelled
synthetic there: the seed report has no monthly execution).

Every unit's figures for January–June are entered; every return is 报送 except the one of
163001 (the ``unit-clerk`` login), which is past the deadline (2023-07-10) and so listed
as 逾期未报. The engine then calls in 163002, 163004 and 163061 (below the 四川 lines at
the April and June checkpoints). Each project gets two synthetic indicators, so the
indicator part of the form has something to show. Loading again changes nothing.
"""

from __future__ import annotations

import dataclasses
from datetime import date
from decimal import Decimal
from pathlib import Path

from django.contrib.auth import get_user_model

from jixiao.dataset.model import Dataset as EngineDataset
from jixiao.dataset.model import Indicator
from jixiao_web.datasets.models import Dataset
from jixiao_web.monitor import services
from jixiao_web.monitor.models import Return, Round
from jixiao_web.orgs.models import Role, Unit

EXECUTION = Path(__file__).resolve().parents[3] / "examples" / "gdstc-2023-execution-synthetic.yaml"
PERIOD = "2023-06"
DEADLINE = date(2023, 7, 10)
LATE_UNIT = "163001"


def _source() -> EngineDataset:
    from jixiao.io.formats import load_dataset

    engine = load_dataset(EXECUTION)
    indicators = []
    for project in engine.projects:
        indicators += [
            Indicator(
                owner=project.code,
                level1="产出指标",
                level2="数量指标",
                name="年度任务完成率（合成）",
                sign="≥",
                target=Decimal(100),
                unit="%",
            ),
            Indicator(
                owner=project.code,
                level1="满意度指标",
                level2="服务对象满意度指标",
                name="服务对象满意度（合成）",
                sign="≥",
                target=Decimal(90),
                unit="%",
            ),
        ]
    return dataclasses.replace(engine, project_indicators=tuple(indicators))


def load_monitoring_demo(dataset: Dataset) -> Round | None:
    """Create the 2023-06 round of ``dataset``'s department (once)."""
    if not EXECUTION.exists():
        return None
    found = Round.objects.filter(department_id=dataset.department_id, period=PERIOD).first()
    if found is not None:
        return found
    users = get_user_model().objects
    bureau = users.get(username="bureau-admin")
    admin = users.get(username="dept-admin")
    source = _source()
    codes = {p.unit for p in source.projects}
    units = list(Unit.objects.filter(department_id=dataset.department_id, code__in=codes))
    round_ = services.issue_round(
        dataset,
        PERIOD,
        units,
        DEADLINE,
        bureau,
        source=source,
        title=f"{dataset.department.name} 2023年1—6月 绩效运行监控",
    )
    month = round_.month
    for ret in Return.objects.filter(round=round_).select_related("unit"):
        lines = [e for e in source.execution if _unit_of(source, e.project) == ret.unit_code]
        figures = {
            (e.project, int(e.period[5:7])): e.cumulative
            for e in lines
            if e.cumulative is not None and int(e.period[5:7]) <= month
        }
        progress = {
            e.project: e.indicator_progress
            for e in lines
            if e.period == PERIOD and e.indicator_progress is not None
        }
        services.write_figures(ret, figures, progress)
        if ret.unit_code == LATE_UNIT:
            continue
        services.decide(ret, "submit", admin, {Role.DEPT_ADMIN})
    return round_


def _unit_of(source: EngineDataset, project: str) -> str:
    return next((p.unit for p in source.projects if p.code == project), "")
