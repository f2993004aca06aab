"""Every view × every persona: the status code each must get, as one table.

200 allowed · 302 to the login page (anonymous) or after a POST · 403 the role may not ·
404 outside the persona's scope (its existence is not revealed). The places: 科技厅 = the
demo's 广东省科学技术厅 2023; 合成厅 = the synthetic department; clerk-1's unit is
163001 (unit-clerk), clerk-2's is the second unit (unit-clerk-2). ``outsider`` is a
department administrator of another region.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.urls import reverse
from personas import PERSONAS

MATRIX = """
view                         anon bureau-admin bureau-reviewer dept-admin division unit-clerk unit-clerk-2 evaluator outsider
home                         302  200          200             200        200      200        200          200       200
dataset:科技厅               302  200          200             200        200      200        200          200       404
dataset:合成厅               302  200          200             404        404      404        404          404       404
dataset:missing              302  404          404             404        404      404        404          404       404
table:income                 302  200          200             200        200      200        200          200       404
table:goals                  302  200          200             200        200      403        403          200       404
table:units                  302  200          200             200        200      200        200          200       404
table:unknown                302  404          404             404        404      404        404          404       404
table:合成厅/income          302  200          200             404        404      404        404          404       404
unit:clerk-1                 302  200          200             200        200      200        404          200       404
unit:clerk-2                 302  200          200             200        200      404        200          200       404
row:units/clerk-1            302  403          403             200        403      200        404          403       404
row:scores/first             302  403          403             200        403      403        403          403       404
new:income                   302  403          403             200        403      200        200          403       404
new:projects                 302  403          403             200        200      200        200          403       404
new:profile                  302  403          403             302        403      403        403          403       404
row-history:units/clerk-1    302  200          200             200        200      200        404          200       404
delete:units/clerk-2         302  403          403             302        403      404        302          403       404
upload                       302  403          403             200        403      403        403          403       404
download:xlsx                302  200          200             200        200      403        403          200       404
download:yaml                302  200          200             200        200      403        403          200       404
download:pdf                 302  404          404             404        404      403        403          404       404
history                      302  200          200             200        403      403          403        403       404
evaluate                     302  302          403             302        403      403        403          302       404
evaluation                   302  200          200             200        200      403        403          200       404
evaluation:合成厅            302  200          200             404        404      404        404          404       404
figures                      302  200          200             200        200      403        403          200       404
reports                      302  200          200             200        200      403        403          200       404
report-request               302  422          403             422        403      403        403          422       404
report-job                   302  200          200             200        200      403        403          200       404
report-file                  302  200          200             200        200      403        403          200       404
report-audit                 302  200          200             200        200      403        403          200       404
targets                      302  200          200             200        200      200        200          200       200
targets-new                  302  403          403             403        200      200        200          403       403
target:dept                  302  200          200             200        200      404        404          404       404
target:draft                 302  200          200             200        200      200        404          404       404
target:approved              302  200          200             200        200      200        404          404       404
target-edit:draft            302  403          403             403        200      200        404          404       404
target-edit:dept             302  403          403             302        403      404        404          404       404
target-xlsx:draft            302  200          200             200        200      200        404          404       404
target-upload:draft          302  403          403             403        200      200        404          404       404
target-dataset:approved      302  200          200             200        200      200        404          404       404
target-dataset:draft         302  403          403             403        403      403        404          404       404
target-check:draft           302  403          403             403        200      200        404          404       404
public                       200  200          200             200        200      200        200          200       200
public-detail                200  200          200             200        200      200        200          200       200
publish:科技厅               302  200          403             200        403      403        403          403       404
publish:合成厅               302  200          403             404        404      404        404          404       404
publish-post:科技厅          302  302          403             302        403      403        403          403       404
api-tokens                   302  200          200             200        200      200        200          200       200
monitor-list                 302  200          200             200        200      200        200          200       200
monitor-new                  302  200          403             403        403      403        403          403       403
monitor-round                302  200          200             200        200      403        403          404       404
monitor-return:clerk-1       302  200          200             200        200      200        404          404       404
monitor-return:clerk-2       302  200          200             200        200      404        200          404       404
monitor-workbook:clerk-1     302  403          403             200        403      200        404          404       404
monitor-notify               302  302          403             302        403      403        403          404       404
results-home                 302  200          200             200        200      200        200          200       200
results-dataset:科技厅       302  200          200             200        200      403        403          403       404
results-dataset:合成厅       302  200          200             404        404      404        404          404       404
results-item:clerk-1         302  200          200             200        200      200        404          404       404
results-item:department      302  200          200             200        200      404        404          404       404
results-generate             302  302          403             302        403      403        403          403       404
region                       302  200          200             200        403      403        403          403       200
region-export                302  200          200             200        403      403        403          403       200
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


def _request(view: str, science: Any, synthetic: Any) -> tuple[str, str]:
    """(method, url) of one row of the matrix."""
    from jixiao_web.datasets.models import ROW_MODELS

    units = ROW_MODELS["units"].objects.filter(dataset=science).order_by("position")
    clerk_units = list(units[:2])
    s = science.pk
    kind, _, arg = view.partition(":")
    routes: dict[str, Callable[[], tuple[str, str]]] = {
        "home": lambda: ("get", reverse("datasets:home")),
        "dataset": lambda: (
            "get",
            reverse(
                "datasets:detail",
                args=[{"科技厅": s, "合成厅": synthetic.pk, "missing": 999999}[arg]],
            ),
        ),
        "table": lambda: (
            "get",
            reverse("datasets:table", args=[synthetic.pk, "income"])
            if arg.startswith("合成厅")
            else reverse("datasets:table", args=[s, arg]),
        ),
        "unit": lambda: (
            "get",
            reverse("datasets:unit", args=[s, clerk_units[int(arg[-1]) - 1].code]),
        ),
        "row": lambda: (
            "get",
            reverse("datasets:row_edit", args=[s, *_row(science, arg, clerk_units)]),
        ),
        "new": lambda: ("get", reverse("datasets:row_new", args=[s, arg])),
        "row-history": lambda: (
            "get",
            reverse("datasets:row_history", args=[s, *_row(science, arg, clerk_units)]),
        ),
        "delete": lambda: (
            "post",
            reverse("datasets:row_delete", args=[s, *_row(science, arg, clerk_units)]),
        ),
        "upload": lambda: ("get", reverse("datasets:upload", args=[s])),
        "download": lambda: ("get", reverse("datasets:download", args=[s, arg])),
        "history": lambda: ("get", reverse("audit:dataset_history", args=[s])),
        "evaluate": lambda: ("post", reverse("evaluation:evaluate", args=[s])),
        "evaluation": lambda: (
            "get",
            reverse("evaluation:detail", args=[synthetic.pk if arg == "合成厅" else s]),
        ),
        "figures": lambda: ("get", reverse("evaluation:figures", args=[s])),
        "reports": lambda: ("get", reverse("evaluation:reports", args=[s])),
        "report-request": lambda: ("post", reverse("evaluation:reports", args=[s])),
        "report-job": lambda: ("get", reverse("evaluation:report_job", args=[_job(science).pk])),
        "report-file": lambda: (
            "get",
            reverse("evaluation:report_file", args=[_job(science).files.first().pk]),
        ),
        "report-audit": lambda: ("get", reverse("audit:report_audit", args=[s])),
        **_target_routes(kind, arg),
        "public": lambda: ("get", reverse("disclosure:index")),
        "public-detail": lambda: (
            "get",
            reverse("disclosure:detail", args=[_publication(science)]),
        ),
        "publish": lambda: (
            "get",
            reverse("disclosure:manage", args=[synthetic.pk if arg == "合成厅" else s]),
        ),
        "publish-post": lambda: ("post", reverse("disclosure:manage", args=[s])),
        "api-tokens": lambda: ("get", reverse("api_tokens")),
        "monitor-list": lambda: ("get", reverse("monitor:rounds")),
        "monitor-new": lambda: ("get", reverse("monitor:round_new")),
        "monitor-round": lambda: ("get", reverse("monitor:round", args=[_round(science).pk])),
        "monitor-return": lambda: (
            "get",
            reverse("monitor:return", args=[_monitor_return(science, clerk_units, arg).pk]),
        ),
        "monitor-workbook": lambda: (
            "get",
            reverse("monitor:workbook", args=[_monitor_return(science, clerk_units, arg).pk]),
        ),
        "monitor-notify": lambda: ("post", reverse("monitor:notify", args=[_round(science).pk])),
        "results-home": lambda: ("get", reverse("results:home")),
        "results-dataset": lambda: (
            "get",
            reverse("results:dataset", args=[synthetic.pk if arg == "合成厅" else s]),
        ),
        "results-item": lambda: ("get", reverse("results:item", args=[_item(science, arg).pk])),
        "results-generate": lambda: ("post", reverse("results:action", args=[s, "generate"])),
        "region": lambda: ("get", reverse("region:dashboard")),
        "region-export": lambda: ("get", reverse("region:export")),
    }
    return routes[kind]()


def _publication(science: Any) -> int:
    """The demo's publication of the 科技厅 2023 dataset (``orgs/demo.py``)."""
    from jixiao_web.disclosure.models import Publication

    return int(Publication.objects.get(dataset=science).pk)


def _round(science: Any) -> Any:
    """The demo's monitoring round (截至 2023-06)."""
    from jixiao_web.monitor.models import Round

    return Round.objects.get(department_id=science.department_id, period="2023-06")


def _monitor_return(science: Any, clerk_units: list[Any], arg: str) -> Any:
    return _round(science).returns.get(unit_code=clerk_units[int(arg[-1]) - 1].code)


def _item(science: Any, arg: str) -> Any:
    """A demo 整改 item: 163001's (clerk-1) or the department's own (no unit)."""
    from jixiao_web.results.models import Rectification

    items = Rectification.objects.filter(dataset=science).order_by("pk")
    if arg == "clerk-1":
        return items.filter(unit__code=_clerk_unit_code(science, 0)).first()
    return items.filter(unit__isnull=True).last()


def _clerk_unit_code(science: Any, index: int) -> str:
    from jixiao_web.datasets.models import ROW_MODELS

    units = ROW_MODELS["units"].objects.filter(dataset=science).order_by("position")
    return str(units[index].code)


def _job(science: Any) -> Any:
    """The report job the test run generated once (``conftest.django_db_setup``)."""
    from jixiao_web.evaluation.models import ReportJob

    return ReportJob.objects.filter(dataset=science, status="done").order_by("pk").first()


def _target_routes(kind: str, arg: str) -> dict[str, Callable[[], tuple[str, str]]]:
    """The 绩效目标 pages, on the demo's 2024 forms: the department's (已送审), unit-clerk's
    draft project 2024-JC-001 and its approved project 2024-SY-003."""
    from jixiao_web.targets.models import TargetForm

    def form() -> int:
        code = {"dept": "", "draft": "2024-JC-001", "approved": "2024-SY-003"}[arg]
        return int(TargetForm.objects.get(year=2024, code=code).pk)

    names = {
        "target": "targets:detail",
        "target-edit": "targets:edit",
        "target-xlsx": "targets:download",
        "target-upload": "targets:upload",
        "target-dataset": "targets:export_dataset",
    }
    routes: dict[str, Callable[[], tuple[str, str]]] = {
        "targets": lambda: ("get", reverse("targets:home")),
        "targets-new": lambda: ("get", reverse("targets:new")),
        "target-check": lambda: ("post", reverse("targets:check", args=[form()])),
    }
    if kind in names:
        routes[kind] = lambda: ("get", reverse(names[kind], args=[form()]))
    return routes


def _row(science: Any, arg: str, clerk_units: list[Any]) -> tuple[str, int]:
    from jixiao_web.datasets.models import ROW_MODELS

    table, _, which = arg.partition("/")
    if which.startswith("clerk-"):
        return table, clerk_units[int(which[-1]) - 1].pk
    row = ROW_MODELS[table].objects.filter(dataset=science).order_by("position").first()
    return table, row.pk


@pytest.mark.django_db
@pytest.mark.parametrize(("view", "persona", "expected"), _table())
def test_permission_matrix(
    view: str, persona: str, expected: int, client: Any, login: Any, science: Any, synthetic: Any
) -> None:
    method, url = _request(view, science, synthetic)
    if persona != "anon":
        login(persona)
    response = client.post(url, {"version": "1"}) if method == "post" else client.get(url)
    assert response.status_code == expected, (
        f"{view} as {persona}: {response.status_code}, expected {expected}"
    )
    if expected == 302 and persona == "anon":
        assert response["Location"].startswith("/accounts/login/")
