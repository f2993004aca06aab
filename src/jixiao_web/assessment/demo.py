"""The demo's 自评任务: 财政 has issued the 2023 self-evaluation to the example department.

Called by ``jixiao_web.orgs.demo.load_demo``; loading again changes nothing (the task is
found by its title), so what a demo user entered survives a restart.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from jixiao_web.assessment.models import AssessmentTask
from jixiao_web.orgs.access import Access

DEMO_TASK = "2023年度部门整体支出绩效自评"
DEMO_FRAMEWORK = "gd-dept-2023"


def load(issuer: Any, datasets: list[Any]) -> AssessmentTask:
    from jixiao_web.assessment.services import issue_task

    region_id = datasets[0].region_id
    found = AssessmentTask.objects.filter(region_id=region_id, title=DEMO_TASK).first()
    if found is not None:
        return found
    return issue_task(
        access=Access.of(issuer),
        actor=issuer,
        region_id=region_id,
        title=DEMO_TASK,
        year=2023,
        framework_id=DEMO_FRAMEWORK,
        deadline=timezone.localdate() + timedelta(days=30),
        datasets=datasets,
        note="请于截止日期前完成部门整体支出绩效自评，逐项填写完成值、自评得分和说明，并上传佐证材料。",
    )
