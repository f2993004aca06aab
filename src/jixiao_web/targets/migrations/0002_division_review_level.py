"""The 处室 review level (``flow.PROJECT_FLOW``): project forms already 已送审 move on.

Before this level a 已送审 project awaited the 部门财务处. Now 已送审 awaits the project's
主管处室, and 处室审核通过 awaits the 财务处. A form submitted under the old chain without a
主管处室 would have no one to review it, so it moves to 处室审核通过 (still awaiting the
财务处, as before). Forms with a 主管处室 stay 已送审: their 处室 reviews them first (it
already had the task from the old 送审). No decision is invented: no event is written.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations

WORKFLOW = "targets.project"


def _states(apps: Any) -> Any:
    state = apps.get_model("workflow", "WorkflowState")
    return state.objects.filter(
        workflow=WORKFLOW,
        content_type__app_label="targets",
        content_type__model="targetform",
    )


def forward(apps: Any, schema_editor: Any) -> None:
    form = apps.get_model("targets", "TargetForm")
    orphans = form.objects.filter(kind="project", division__isnull=True).values("pk")
    _states(apps).filter(state="submitted", object_id__in=orphans).update(state="division_ok")


def backward(apps: Any, schema_editor: Any) -> None:
    # the old chain has no 处室审核通过: those forms await the 财务处 again as 已送审
    _states(apps).filter(state="division_ok").update(state="submitted")


class Migration(migrations.Migration):
    dependencies = [
        ("targets", "0001_initial"),
        ("workflow", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(forward, backward)]
