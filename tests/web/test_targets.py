"""绩效目标管理: every transition × every persona, editing, review flags, versions, Excel.

The forms are real rows, the decisions go through the shared workflow core, the flags are
the engine's (``jixiao.monitoring.review_targets``) and the workbooks are real ``.xlsx``.
"""

from __future__ import annotations

import io
from typing import Any

import openpyxl
import pytest
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from jixiao.dataset.build import RawCell
from jixiao_web.orgs.access import Access
from jixiao_web.orgs.models import Department, Division, Unit
from jixiao_web.targets import services
from jixiao_web.targets.models import TargetForm
from jixiao_web.targets.review import review
from jixiao_web.workflow.models import Notice
from jixiao_web.workflow.services import OpinionRequired

pytestmark = pytest.mark.django_db

YEAR = 2030

#: Who may take each action on a project of unit-clerk's unit (主管处室 = the division login's).
#: ok: the state moves; 403: the role may not; 404: the persona cannot see the form at all.
#: Three levels: the 主管处室, then the 部门财务处, then 财政; a 处室's own 送审 skips its level.
PROJECT_MATRIX = """
action           unit-clerk division dept-admin bureau-admin bureau-reviewer unit-clerk-2 evaluator outsider
submit           ok         403      403        403          403             404          404       404
division_submit  403        ok       403        403          403             404          404       404
division_return  403        ok       403        403          403             404          404       404
division_approve 403        ok       403        403          403             404          404       404
dept_return      403        403      ok         403          403             404          404       404
dept_approve     403        403      ok         403          403             404          404       404
bureau_return    403        403      403        ok           ok              404          404       404
approve          403        403      403        ok           ok              404          404       404
adjust           ok         ok       403        403          403             404          404       404
"""

#: The department's own form: its 财务处 declares it, 财政 reviews it.
DEPARTMENT_MATRIX = """
action        unit-clerk division dept-admin bureau-admin bureau-reviewer unit-clerk-2 evaluator outsider
submit        404        403      ok         403          403             404          404       404
bureau_return 404        403      403        ok           ok              404          404       404
approve       404        403      403        ok           ok              404          404       404
adjust        404        403      ok         403          403             404          404       404
"""

#: How to bring a form to the state an action starts from: (persona, action) steps.
_TO_DEPT = [("unit-clerk", "submit"), ("division", "division_approve")]
_TO_BUREAU = [*_TO_DEPT, ("dept-admin", "dept_approve")]
PROJECT_PATH = {
    "submit": [],
    "division_submit": [],
    "division_return": [("unit-clerk", "submit")],
    "division_approve": [("unit-clerk", "submit")],
    "dept_return": _TO_DEPT,
    "dept_approve": _TO_DEPT,
    "bureau_return": _TO_BUREAU,
    "approve": _TO_BUREAU,
    "adjust": [*_TO_BUREAU, ("bureau-admin", "approve")],
}
DEPARTMENT_PATH = {
    "submit": [],
    "bureau_return": [("dept-admin", "submit")],
    "approve": [("dept-admin", "submit")],
    "adjust": [("dept-admin", "submit"), ("bureau-admin", "approve")],
}
TARGET_STATE = {
    "submit": "submitted",
    "division_submit": "division_ok",
    "division_return": "returned",
    "division_approve": "division_ok",
    "dept_return": "returned",
    "dept_approve": "dept_ok",
    "bureau_return": "returned",
    "approve": "approved",
    "adjust": "adjusting",
}


def _table(text: str) -> list[tuple[str, str, str]]:
    lines = [line.split() for line in text.strip().splitlines()]
    header, rows = lines[0], lines[1:]
    return [
        (row[0], who, code) for row in rows for who, code in zip(header[1:], row[1:], strict=True)
    ]


def _user(name: str) -> Any:
    return get_user_model().objects.get(username=name)


def _science() -> Department:
    return Department.objects.get(name="广东省科学技术厅")


def _clerk_unit() -> Unit:
    from jixiao_web.orgs.models import Membership

    return Membership.objects.get(user__username="unit-clerk").unit  # type: ignore[return-value]


PROJECT = {
    "attribute": "延续项目",
    "category": "常年性项目",
    "start_year": str(YEAR),
    "end_year": str(YEAR),
    "fund_source": "财政拨款",
    "budget": "800.00",
    "goal": "完成年度科普活动 120 场，服务公众 5 万人次。",
}
INDICATORS = [
    {
        "year": str(YEAR),
        "level1": "产出指标",
        "level2": "数量指标",
        "name": "培训人次",
        "sign": "≥",
        "target": "5000",
        "unit": "人次",
    },
    {
        "year": str(YEAR),
        "level1": "效益指标",
        "level2": "社会效益指标",
        "name": "受益群众人数",
        "sign": "≥",
        "target": "50000",
        "unit": "人",
    },
    {
        "year": str(YEAR),
        "level1": "满意度指标",
        "level2": "服务对象满意度指标",
        "name": "服务对象满意度",
        "sign": "≥",
        "target": "92",
        "unit": "%",
    },
]


def _fill(
    form: TargetForm, user: Any, header: dict[str, str], indicators: list[dict[str, str]]
) -> TargetForm:
    cells = {k: RawCell(v, k) for k, v in header.items()}
    rows = [
        (f"row:{i}", {k: RawCell(v, k) for k, v in r.items()}) for i, r in enumerate(indicators)
    ]
    content, errors = services.parse(form, cells, [], rows)
    assert not errors, errors
    return services.save(Access.of(user), form, content, user, form.version)


def project_form(code: str = "KP-01") -> TargetForm:
    clerk = _user("unit-clerk")
    division = Division.objects.get(department=_science(), name="基础研究处")
    form = services.create_project(
        Access.of(clerk), clerk, _science(), YEAR, code, "科普活动（测试）", _clerk_unit(), division
    )
    return _fill(form, clerk, PROJECT, INDICATORS)


def department_form() -> TargetForm:
    admin = _user("dept-admin")
    form = services.create_department(Access.of(admin), admin, _science(), YEAR)
    header = {
        "functions": "拟订全省科技发展规划和政策。",
        "income_fiscal": "1000.00",
        "spend_basic": "400.00",
        "spend_project": "600.00",
        "goal": "完成年度重点科技任务。",
    }
    return _fill(form, admin, header, INDICATORS)


def _walk(form: TargetForm, path: list[tuple[str, str]]) -> None:
    for persona, action in path:
        user = _user(persona)
        services.decide(Access.of(user), form, action, user, opinion="按规定办理")


def _post_decision(client: Any, login: Any, persona: str, form: TargetForm, action: str) -> int:
    login(persona)
    response = client.post(
        reverse("targets:decide", args=[form.pk]),
        {"action": action, "opinion": "意见：请补充测算依据"},
    )
    return int(response.status_code)


@pytest.mark.parametrize(("action", "persona", "expected"), _table(PROJECT_MATRIX))
def test_project_transition_by_persona(
    client: Any, login: Any, action: str, persona: str, expected: str
) -> None:
    form = project_form()
    _walk(form, PROJECT_PATH[action])
    status = _post_decision(client, login, persona, form, action)
    state = services.state_of(form).state
    if expected == "ok":
        assert status == 302 and state == TARGET_STATE[action], (status, state)
    else:
        assert status == int(expected), status
        assert state != TARGET_STATE[action] or not PROJECT_PATH[action]


@pytest.mark.parametrize(("action", "persona", "expected"), _table(DEPARTMENT_MATRIX))
def test_department_transition_by_persona(
    client: Any, login: Any, action: str, persona: str, expected: str
) -> None:
    form = department_form()
    _walk(form, DEPARTMENT_PATH[action])
    status = _post_decision(client, login, persona, form, action)
    state = services.state_of(form).state
    if expected == "ok":
        assert status == 302 and state == TARGET_STATE[action], (status, state)
    else:
        assert status == int(expected), status


@pytest.mark.parametrize("action", ["division_return", "dept_return", "bureau_return", "adjust"])
def test_returns_and_adjustments_need_an_opinion(action: str) -> None:
    form = project_form()
    _walk(form, PROJECT_PATH[action])
    actor = {
        "division_return": "division",
        "dept_return": "dept-admin",
        "bureau_return": "bureau-reviewer",
        "adjust": "unit-clerk",
    }[action]
    user = _user(actor)
    with pytest.raises(OpinionRequired):
        services.decide(Access.of(user), form, action, user, opinion="  ")
    assert services.state_of(form).state != TARGET_STATE[action]


def _division() -> Division:
    return Division.objects.get(department=_science(), name="基础研究处")


def test_an_incomplete_form_is_not_submitted_and_says_what_is_missing() -> None:
    clerk = _user("unit-clerk")
    form = services.create_project(
        Access.of(clerk), clerk, _science(), YEAR, "KP-09", "空表", _clerk_unit(), _division()
    )
    with pytest.raises(services.Invalid) as refused:
        services.decide(Access.of(clerk), form, "submit", clerk)
    text = str(refused.value)
    assert "“年度总体目标”必填" in text and f"至少填写一个 {YEAR} 年度的绩效指标" in text
    assert services.state_of(form).state == "draft"


def _form_type() -> ContentType:
    # Notices point at any object; other apps' objects may share the form's primary key.
    return ContentType.objects.get_for_model(TargetForm)


def test_a_project_needs_a_division_and_its_division_reviews_first() -> None:
    """The 主管处室 is the first level: required at creation, checked again at 送审."""
    from importlib import import_module

    from django.apps import apps

    migration = import_module("jixiao_web.targets.migrations.0002_division_review_level")

    clerk = _user("unit-clerk")
    with pytest.raises(services.Invalid) as refused:
        services.create_project(
            Access.of(clerk), clerk, _science(), YEAR, "KP-10", "无处室", _clerk_unit(), None
        )
    assert "“主管处室”必填" in str(refused.value)
    # a form from before the 处室 level, without a 主管处室: 送审 refuses it, and the
    # migration moves one already 已送审 on to the 财务处 (no one else could review it)
    form = project_form("KP-11")
    TargetForm.objects.filter(pk=form.pk).update(division=None)
    form.refresh_from_db()
    with pytest.raises(services.Invalid) as refused:
        services.decide(Access.of(clerk), form, "submit", clerk)
    assert "项目未指定主管处室，不能送审" in str(refused.value)
    state = services.state_of(form)
    state.state = "submitted"
    state.save()
    migration.forward(apps, None)
    assert services.state_of(form).state == "division_ok"
    dept = _user("dept-admin")
    services.decide(Access.of(dept), form, "dept_approve", dept)
    assert services.state_of(form).state == "dept_ok"


def _open_task(user: Any, form: TargetForm) -> bool:
    return Notice.objects.filter(
        recipient=user,
        kind="task",
        closed_at__isnull=True,
        object_id=form.pk,
        content_type=_form_type(),
    ).exists()


def test_full_cycle_with_return_diff_adjustment_and_inbox() -> None:
    form = project_form()
    clerk, dept, bureau = _user("unit-clerk"), _user("dept-admin"), _user("bureau-reviewer")
    division = _user("division")
    services.decide(Access.of(clerk), form, "submit", clerk)
    assert _open_task(division, form) and not _open_task(dept, form)
    services.decide(Access.of(division), form, "division_approve", division, opinion="同意")
    assert _open_task(dept, form) and not _open_task(division, form)
    assert services.state_of(form).state == "division_ok"
    services.decide(Access.of(dept), form, "dept_return", dept, opinion="满意度目标应不低于上年")
    returned = Notice.objects.get(
        recipient=clerk, kind="returned", object_id=form.pk, content_type=_form_type()
    )
    assert returned.body == "满意度目标应不低于上年"
    assert not Notice.objects.filter(
        recipient=dept,
        kind="task",
        closed_at__isnull=True,
        object_id=form.pk,
        content_type=_form_type(),
    ).exists()
    # the clerk fixes one value and resubmits: the reviewer sees exactly that change
    changed = [dict(r) for r in INDICATORS]
    changed[2]["target"] = "95"
    form.refresh_from_db()
    _fill(form, clerk, PROJECT, changed)
    services.decide(Access.of(clerk), form, "submit", clerk)
    services.decide(Access.of(division), form, "division_approve", division)
    new, old, changes = services.last_changes(form)
    assert (old.number, new.number) == (1, 2)  # type: ignore[union-attr]
    assert [(c.part, c.item, c.kind, c.before, c.after) for c in changes] == [
        ("绩效指标", f"{YEAR}年 服务对象满意度·指标值", "修改", "92", "95")
    ]
    services.decide(Access.of(dept), form, "dept_approve", dept)
    assert Notice.objects.filter(
        recipient=bureau,
        kind="task",
        closed_at__isnull=True,
        object_id=form.pk,
        content_type=_form_type(),
    ).exists()
    services.decide(Access.of(bureau), form, "approve", bureau, opinion="同意")
    assert services.state_of(form).state == "approved"
    assert Notice.objects.filter(
        recipient=clerk, kind="done", object_id=form.pk, content_type=_form_type()
    ).exists()
    # 调整 after 批复 re-enters review
    services.decide(Access.of(clerk), form, "adjust", clerk, opinion="年中追加预算")
    assert services.editable(Access.of(clerk), form)
    services.decide(Access.of(clerk), form, "submit", clerk)
    assert services.state_of(form).state == "submitted"
    assert form.versions.count() == 3


def test_worklists_per_reviewer(client: Any, login: Any) -> None:
    form = project_form()
    clerk, dept, division = _user("unit-clerk"), _user("dept-admin"), _user("division")
    services.decide(Access.of(clerk), form, "submit", clerk)

    def pending(persona: str) -> str:
        page = login(persona).get(reverse("targets:home"), {"tab": "pending", "year": YEAR})
        return str(page.content.decode())

    assert form.name in pending("division") and form.name not in pending("dept-admin")
    services.decide(Access.of(division), form, "division_approve", division)
    assert form.name not in pending("division") and form.name in pending("dept-admin")
    services.decide(Access.of(dept), form, "dept_approve", dept)
    assert (
        form.name
        not in client.get(
            reverse("targets:home"), {"tab": "pending", "year": YEAR}
        ).content.decode()
    )
    assert (
        form.name
        in client.get(reverse("targets:home"), {"tab": "reviewed", "year": YEAR}).content.decode()
    )
    assert (
        form.name
        in login("bureau-admin").get(reverse("targets:home"), {"tab": "pending"}).content.decode()
    )


def test_isolation_of_forms() -> None:
    form = project_form()
    assert Access.of(_user("unit-clerk")).target_forms().filter(pk=form.pk).exists()
    for persona in ("unit-clerk-2", "evaluator", "outsider"):
        assert not Access.of(_user(persona)).target_forms().filter(pk=form.pk).exists(), persona
    other = Unit.objects.filter(department=_science()).exclude(pk=_clerk_unit().pk).first()
    clerk = _user("unit-clerk")
    with pytest.raises(services.NotAllowed):
        services.create_project(
            Access.of(clerk), clerk, _science(), YEAR, "X-1", "别的单位", other, None
        )  # type: ignore[arg-type]


# --------------------------------------------------------------------------- editing


def _post_fields(
    form: TargetForm, header: dict[str, str], indicators: list[dict[str, str]]
) -> dict[str, str]:
    data = {f"h-{k}": v for k, v in header.items()}
    data["version"] = str(form.version)
    data["t-count"] = "0"
    data["i-count"] = str(len(indicators))
    for n, row in enumerate(indicators):
        data.update({f"i-{n}-{k}": v for k, v in row.items()})
    return data


def test_edit_saves_and_refuses_bad_fields_and_old_pages(login: Any) -> None:
    form = project_form()
    client = login("unit-clerk")
    url = reverse("targets:edit", args=[form.pk])
    assert client.get(url).status_code == 200
    bad = [dict(r) for r in INDICATORS]
    bad[0]["target"] = "五千"
    bad[1]["sign"] = "大于"
    response = client.post(url, {**_post_fields(form, PROJECT, bad), "save": "1"})
    assert response.status_code == 422
    page = response.content.decode()
    assert "“五千”不是有效数值" in page and "“大于”不是有效的计算符号" in page
    form.refresh_from_db()
    assert form.indicators.get(position=0).target == 5000  # nothing written
    good = [dict(r) for r in INDICATORS]
    good[0]["target"] = "6000"
    good[1]["sign"] = ">="  # the dataset's spellings are accepted
    ok = client.post(url, {**_post_fields(form, PROJECT, good), "save": "1"})
    assert ok.status_code == 302
    form.refresh_from_db()
    assert (
        form.indicators.get(position=0).target == 6000
        and form.indicators.get(position=1).sign == "≥"
    )
    stale = client.post(url, {**_post_fields(form, PROJECT, good), "version": "1", "save": "1"})
    assert stale.status_code == 409 and "已被他人修改" in stale.content.decode()


def test_nothing_can_be_edited_under_review(login: Any) -> None:
    form = project_form()
    clerk = _user("unit-clerk")
    services.decide(Access.of(clerk), form, "submit", clerk)
    with pytest.raises(services.NotAllowed):
        services.save(Access.of(clerk), form, services.content_of(form), clerk, form.version)
    response = login("unit-clerk").get(reverse("targets:edit", args=[form.pk]))
    assert response.status_code == 302  # to the read-only preview
    assert login("dept-admin").get(reverse("targets:edit", args=[form.pk])).status_code == 403


def test_picking_from_the_library_and_adding_a_new_indicator(login: Any) -> None:
    form = project_form()
    client = login("unit-clerk")
    found = client.get(reverse("targets:library"), {"q": "满意度"}).content.decode()
    assert "GX-MY-01" in found and "服务对象满意度" in found
    url = reverse("targets:edit", args=[form.pk])
    page = client.post(
        url, {**_post_fields(form, PROJECT, INDICATORS), "pick": "GX-CC-SX-02"}
    ).content.decode()
    assert 'value="资金按时发放率"' in page and "GX-CC-SX-02" in page
    page = client.post(
        url, {**_post_fields(form, PROJECT, INDICATORS), "add": "indicator"}
    ).content.decode()
    assert "新增指标" in page
    # a name the library does not know is stored as a 新增指标; a library name gets its code
    rows = [
        *INDICATORS,
        {
            "year": str(YEAR),
            "level1": "产出指标",
            "level2": "数量指标",
            "name": "科普展板数",
            "sign": "≥",
            "target": "30",
            "unit": "块",
        },
    ]
    client.post(url, {**_post_fields(form, PROJECT, rows), "save": "1"})
    stored = {i.name: (i.code, i.is_new) for i in form.indicators.all()}
    assert stored["科普展板数"] == ("", True)
    assert stored["服务对象满意度"] == ("GX-MY-01", False)


# --------------------------------------------------------------------------- review flags


def test_review_flags_come_from_the_engine_with_history_from_the_stored_2023_dataset(
    login: Any,
) -> None:
    """The demo's 2024 department form against the example's 2023 dataset (50 listed firms,
    budget 180,242.93 万元) and the 上年实际值 typed on the form (20 clusters)."""
    form = TargetForm.objects.get(department=_science(), year=2024, kind="department")
    flags = review(form, services.content_of(form))
    by_name = {
        r.name: flags.labels.get(i, []) for i, r in enumerate(services.content_of(form).indicators)
    }
    assert by_name["新增上市科技型企业数"] == ["偏低"]
    assert by_name["国家级创新型产业集群数"] == ["偏高"]
    assert "与资金不一致" in by_name["支持国际和粤港澳科技合作项目数"]
    assert by_name["服务对象满意度"] == []
    page = login("bureau-reviewer").get(reverse("targets:detail", args=[form.pk])).content.decode()
    assert "指标值 45家 低于 2023 年完成值 50家，目标偏低" in page
    assert "预算由 180242.93 万元减少到 150000 万元" in page


def test_flags_update_while_typing(login: Any) -> None:
    form = project_form()
    client = login("unit-clerk")
    rows = [dict(r) for r in INDICATORS]
    rows[2]["target"] = "80"  # below the library's 90%
    response = client.post(
        reverse("targets:check", args=[form.pk]),
        _post_fields(form, PROJECT, rows),
        HTTP_HX_REQUEST="true",
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert 'id="flags-2" class="flags" hx-swap-oob="true"' in page
    assert "低于指标库预期值 90%" in page
    form.refresh_from_db()
    assert form.indicators.get(position=2).target == 92  # checking saves nothing


def test_a_department_missing_a_required_category_is_incomplete() -> None:
    form = project_form()
    content = services.content_of(form)
    content.indicators = [r for r in content.indicators if r.level1 != "效益指标"]
    flags = review(form, content)
    assert any("缺少：效益指标" in m for m in flags.form_messages)


# --------------------------------------------------------------------------- Excel


def _workbook(login: Any, form: TargetForm, persona: str = "unit-clerk") -> bytes:
    response = login(persona).get(reverse("targets:download", args=[form.pk]))
    assert response.status_code == 200
    return b"".join(response.streaming_content) if response.streaming else response.content


def _upload(client: Any, form: TargetForm, data: bytes) -> Any:
    upload = io.BytesIO(data)
    upload.name = "目标.xlsx"
    return client.post(
        reverse("targets:upload", args=[form.pk]), {"file": upload, "version": form.version}
    )


def test_excel_round_trip(login: Any) -> None:
    form = TargetForm.objects.get(code="2024-SY-003")  # multi-year, 分年度 tasks and targets
    before = services.snapshot(services.content_of(form))
    data = _workbook(login, form)
    draft = project_form("KP-RT")
    # the same workbook with this form's code goes into another form unchanged
    book = openpyxl.load_workbook(io.BytesIO(data))
    info = book["基本信息"]
    for row in info.iter_rows(min_row=1):
        if row[0].value == "项目编码":
            row[1].value = "KP-RT"
        if row[0].value == "预算年度":
            row[1].value = YEAR
    out = io.BytesIO()
    book.save(out)
    response = _upload(login("unit-clerk"), draft, out.getvalue())
    assert response.status_code == 302, response.content.decode()
    draft.refresh_from_db()
    after = services.snapshot(services.content_of(draft))
    before["header"]["code"] = "KP-RT"
    assert after == before


def test_excel_errors_name_their_cells_and_save_nothing(login: Any) -> None:
    form = project_form()
    book = openpyxl.load_workbook(io.BytesIO(_workbook(login, form)))
    sheet = book["绩效指标"]
    headers = [c.value for c in sheet[1]]
    sheet.cell(row=2, column=headers.index("指标值") + 1).value = "很多"
    sheet.cell(row=3, column=headers.index("计算符号") + 1).value = "约等于"
    sheet.cell(row=4, column=headers.index("一级指标") + 1).value = None
    out = io.BytesIO()
    book.save(out)
    before = services.snapshot(services.content_of(form))
    response = _upload(login("unit-clerk"), form, out.getvalue())
    page = response.content.decode()
    assert response.status_code == 422
    h = "ABCDEFGHIJKLMNOP"
    assert f"绩效指标!{h[headers.index('指标值')]}2" in page and "“很多”不是有效数值" in page
    assert f"绩效指标!{h[headers.index('计算符号')]}3" in page
    assert f"绩效指标!{h[headers.index('一级指标')]}4" in page and "“一级指标”必填" in page
    assert services.snapshot(services.content_of(form)) == before
    assert _upload(login("unit-clerk"), form, b"not a workbook").status_code == 422


def test_approved_targets_export_in_the_dataset_layout(login: Any) -> None:
    from jixiao.io.excel import read_workbook_bytes

    form = TargetForm.objects.get(code="2024-SY-003")
    response = login("dept-admin").get(reverse("targets:export_dataset", args=[form.pk]))
    assert response.status_code == 200
    dataset = read_workbook_bytes(response.content)
    assert [p.code for p in dataset.projects] == ["2024-SY-003"]
    assert [(i.owner, i.name, i.sign, str(i.target)) for i in dataset.project_indicators][:2] == [
        ("2024-SY-003", "粤港澳联合实验室累计数", "≥", "35"),
        ("2024-SY-003", "完成及时率", "≥", "100"),
    ]
    assert len(dataset.project_indicators) == 4  # the budget year's targets only
    draft = TargetForm.objects.get(code="2024-JC-001")
    assert (
        login("dept-admin").get(reverse("targets:export_dataset", args=[draft.pk])).status_code
        == 403
    )
