"""The demo's 整改 items: the result application of the example (广东省科学技术厅 2023).

The engine finds seven items (six 管理效率 deductions and the unmet 新增上市科技型企业数
target, docs/monitoring.md §3); the first is assigned to 163001 (the ``unit-clerk`` login)
and the unmet target to the department, both due 2024-06-30 as the rules say. No
财政复核 is entered, so the budget suggestion shows as 参考 until ``bureau-reviewer``
enters one. Loading again changes nothing.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model

from jixiao_web.datasets.models import Dataset
from jixiao_web.orgs.models import Unit
from jixiao_web.results import services
from jixiao_web.results.models import Rectification


def load_results_demo(dataset: Dataset) -> int:
    """Create the example's 整改 items (once) and assign two of them."""
    if Rectification.objects.filter(dataset=dataset).exists():
        return 0
    users = get_user_model().objects
    admin = users.get(username="dept-admin")
    created = services.generate(dataset, admin)
    items = list(Rectification.objects.filter(dataset=dataset).order_by("pk"))
    unit = Unit.objects.filter(department_id=dataset.department_id, code="163001").first()
    if items and unit is not None:
        services.assign(items[0], unit, users.get(username="unit-clerk"), items[0].deadline, admin)
    unmet = [i for i in items if i.kind == "未完成指标"]
    for item in unmet:
        services.assign(item, None, admin, item.deadline, admin)
    return created
