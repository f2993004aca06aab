"""绩效评价管理: every view × every persona (as ``test_permissions.py``, for this app).

200 allowed · 302 anonymous to the login page · 403 the role may not · 404 outside the
persona's scope. The sheet is the demo's (科技厅 2023, filled by unit-clerk's unit);
unit-clerk-2's unit and an unassigned evaluator do not see it.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from personas import PERSONAS

MATRIX = """
view      anon bureau-admin bureau-reviewer dept-admin division unit-clerk unit-clerk-2 evaluator outsider
list      302  200          200             200        200      200        200          200       200
new       302  200          403             403        403      403        403          403       403
task      302  200          200             200        200      200        404          404       404
sheet     302  200          200             200        200      200        404          404       404
sample    302  200          200             403        403      403        404          404       404
report    302  200          200             200        403      200        404          404       404
entry     302  403          403             200        403      200        404          404       404
missing   302  404          404             404        404      404        404          404       404
"""


def _table() -> list[tuple[str, str, int]]:
    lines = [line.split() for line in MATRIX.strip().splitlines()]
    header, rows = lines[0], lines[1:]
    assert tuple(header[2:]) == PERSONAS, "the matrix must list every persona"
    return [
        (row[0], persona, int(code))
        for row in rows
        for persona, code in zip(header[1:], row[1:], strict=True)
    ]


@pytest.mark.django_db
@pytest.mark.parametrize(("view", "persona", "expected"), _table())
def test_assessment_permission_matrix(
    view: str, persona: str, expected: int, client: Any, login: Any
) -> None:
    from jixiao_web.assessment.models import ScoreSheet

    sheet = ScoreSheet.objects.get(task__title="2023年度部门整体支出绩效自评")
    urls = {
        "list": reverse("assessment:list"),
        "new": reverse("assessment:new"),
        "task": reverse("assessment:task", args=[sheet.task_id]),
        "sheet": reverse("assessment:sheet", args=[sheet.pk]),
        "sample": reverse("assessment:sample", args=[sheet.task_id]),
        "report": reverse("assessment:report", args=[sheet.pk]),
        "entry": reverse("assessment:entry", args=[sheet.pk, "2.1"]),
        "missing": reverse("assessment:sheet", args=[999999]),
    }
    if persona != "anon":
        login(persona)
    if view == "entry":
        response = client.post(urls[view], {"score": "4"}, HTTP_HX_REQUEST="true")
    else:
        response = client.get(urls[view])
    assert response.status_code == expected, f"{view} as {persona}: {response.status_code}"
    if expected == 302:
        assert response["Location"].startswith("/accounts/login/")
