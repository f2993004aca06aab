"""绩效评价管理: the workflow as a table, scoring as typed = the engine, the seeded sample,
evidence, cancelling, 重点评价 with its conflict-of-interest declaration, the report.

Everything runs on the demo's 自评任务 (广东省科学技术厅 2023, gd-dept-2023), whose sheet is
filled by unit-clerk (the 本级 unit 163001) and reviewed by dept-admin, then 财政.
"""

from __future__ import annotations

import dataclasses
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\ntrailer<<>>\n%%EOF\n"


def _user(name: str) -> Any:
    return get_user_model().objects.get(username=name)


def _access(name: str) -> Any:
    from jixiao_web.orgs.access import Access

    return Access.of(_user(name))


@pytest.fixture
def sheet() -> Any:
    from jixiao_web.assessment.models import ScoreSheet

    return ScoreSheet.objects.get(task__title="2023年度部门整体支出绩效自评")


def _put(sheet: Any, state: str) -> None:
    """Walk the sheet to ``state`` the way people do (submit, approve)."""
    from jixiao_web.assessment import services

    path = {
        "filling": [],
        "submitted": [("submit", "unit-clerk")],
        "dept_approved": [("submit", "unit-clerk"), ("dept_approve", "dept-admin")],
        "approved": [
            ("submit", "unit-clerk"),
            ("dept_approve", "dept-admin"),
            ("bureau_approve", "bureau-reviewer"),
        ],
    }[state]
    for action, who in path:
        services.decide(sheet, action, access=_access(who), actor=_user(who), opinion="同意")


# --------------------------------------------------------------------------- transitions × roles

#: action, from state, then the answer per persona to POST /act/: 302 done · 403 the role may
#: not · 404 the sheet is not visible to it · 422 no 审核意见 given where one is required.
TRANSITIONS = """
action          from           bureau-admin bureau-reviewer dept-admin division unit-clerk unit-clerk-2 evaluator
submit          filling        403          403             302        403      302        404          404
dept_approve    submitted      403          403             302        403      403        404          404
dept_return     submitted      403          403             302        403      403        404          404
bureau_approve  dept_approved  302          302             403        403      403        404          404
bureau_return   dept_approved  302          302             403        403      403        404          404
cancel          filling        403          403             403        403      403        404          404
submit          submitted      403          403             409        403      409        404          404
bureau_approve  submitted      409          409             403        403      403        404          404
"""


def _transitions() -> list[tuple[str, str, str, int]]:
    lines = [line.split() for line in TRANSITIONS.strip().splitlines()]
    header, rows = lines[0], lines[1:]
    return [
        (row[0], row[1], persona, int(code))
        for row in rows
        for persona, code in zip(header[2:], row[2:], strict=True)
    ]


@pytest.mark.parametrize(("action", "start", "persona", "expected"), _transitions())
def test_each_transition_for_each_role(
    action: str, start: str, persona: str, expected: int, sheet: Any, login: Any
) -> None:
    from jixiao_web.assessment import flow, services

    _put(sheet, start)
    client = login(persona)
    response = client.post(
        reverse("assessment:act", args=[sheet.pk]), {"action": action, "opinion": "意见"}
    )
    assert response.status_code == expected, response.content.decode()[:400]
    moved = services.state(sheet)
    target = flow.SELF_EVALUATION.transition(action).target  # type: ignore[union-attr]
    assert moved == (target if expected == 302 else start)


def test_the_issued_tasks_name_their_framework_in_chinese(login: Any) -> None:
    """The bureau's list of issued tasks names the framework as a person reads it, the id
    only beside it."""
    page = login("bureau-admin").get(reverse("assessment:list")).content.decode()
    assert (
        "<td>广东省部门整体支出绩效自评指标评分表（2023 年度，重构）（gd-dept-2023）</td>" in page
    )


@pytest.mark.parametrize("action", ["dept_return", "bureau_return"])
def test_a_return_without_an_opinion_is_refused(action: str, sheet: Any, login: Any) -> None:
    from jixiao_web.assessment import services

    _put(sheet, "submitted" if action == "dept_return" else "dept_approved")
    who = "dept-admin" if action == "dept_return" else "bureau-admin"
    response = login(who).post(
        reverse("assessment:act", args=[sheet.pk]), {"action": action, "opinion": "  "}
    )
    assert response.status_code == 422
    assert "须填写审核意见" in response.content.decode()
    response = login(who).post(
        reverse("assessment:act", args=[sheet.pk]), {"action": action, "opinion": "完成值无佐证"}
    )
    assert response.status_code == 302
    assert services.state(sheet) == "filling"
    page = login("unit-clerk").get(reverse("assessment:sheet", args=[sheet.pk])).content.decode()
    assert "完成值无佐证" in page


def test_a_submitted_sheet_cannot_be_edited(sheet: Any) -> None:
    from jixiao_web.assessment import services

    _put(sheet, "submitted")
    with pytest.raises(services.AssessmentError) as refused:
        services.save_entry(
            sheet, "2.1", {"score": "5"}, access=_access("unit-clerk"), actor=_user("unit-clerk")
        )
    assert refused.value.status == 409
    assert "已提交" in refused.value.messages[0]


# --------------------------------------------------------------------------- scoring as typed

#: item, what is typed, the points the page shows (the engine's, on gd-dept-2023).
#: 1.1.7 新增上市科技型企业数: ≥ 90 家, 分值 2.08; 1.1.1 定性, 分值 2.09; 2.1 预算编制 5 分 (人工).
TYPED = [
    ("1.1.7", {"actual": "50"}, "1.16", ""),  # 50 ÷ 90 × 2.08
    ("1.1.7", {"actual": "90"}, "2.08", ""),  # met: full points
    ("1.1.7", {"actual": "200"}, "2.08", ""),  # gd-dept-2023 has no 目标值设定偏低 rule
    ("1.1.1", {"qual_grade": "达成"}, "2.09", ""),
    ("1.1.1", {"qual_grade": "部分达成"}, "1.46", ""),  # 70% × 2.09
    ("2.1", {"score": "4", "reason": "项目入库资料不全扣 1 分"}, "4.00", ""),
]


@pytest.mark.parametrize(("code", "typed", "points", "flag"), TYPED)
def test_scoring_as_typed_is_the_engines(
    code: str, typed: dict[str, str], points: str, flag: str, sheet: Any, science: Any
) -> None:
    from jixiao.scoring import score_dataset
    from jixiao_web.assessment import scoring, services
    from jixiao_web.datasets.convert import to_engine

    services.save_entry(sheet, code, typed, access=_access("unit-clerk"), actor=_user("unit-clerk"))
    line = scoring.rescore(sheet).line(code)
    assert line is not None
    assert line.computed == Decimal(points)
    assert (flag in line.flags) if flag else not line.flags
    # the engine on the stored dataset, changed by hand the same way, gives the same points
    engine, _ = to_engine(science)
    if code.startswith("1.1."):
        index = int(code.rsplit(".", 1)[1]) - 1
        rows = list(engine.indicators)
        rows[index] = dataclasses.replace(
            rows[index],
            actual=Decimal(typed["actual"]) if "actual" in typed else rows[index].actual,
            qual_grade=typed.get("qual_grade", rows[index].qual_grade),
        )
        engine = dataclasses.replace(engine, indicators=tuple(rows))
    else:
        engine = dataclasses.replace(
            engine,
            scores=tuple(
                dataclasses.replace(s, score=Decimal(typed["score"])) if s.code == code else s
                for s in engine.scores
            ),
        )
    card = score_dataset(engine, "gd-dept-2023")
    expected = {item.code: item.score for _, item in scoring.walk(card.items)}
    assert expected[code] == Decimal(points)


def test_typing_answers_with_the_engines_points_beside_the_entry(sheet: Any, login: Any) -> None:
    client = login("unit-clerk")
    response = client.post(
        reverse("assessment:entry", args=[sheet.pk, "1.1.7"]),
        {"actual": "50", "score": "2.08", "version": "1"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert (
        '<div id="calc-1-1-7" class="calc" hx-swap-oob="true"><strong class="num">1.16</strong>'
        in page
    )
    assert "自评得分与系统计分相差 0.92 分" in page
    assert 'id="ver-1-1-7" value="2"' in page


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ({"score": "6"}, "第 2.1 项“预算编制”的自评得分 6 超出 0 至 5 分"),
        ({"score": "abc"}, "第 2.1 项“预算编制”的自评得分“abc”不是数字"),
        ({"score": "-1"}, "超出 0 至 5 分"),
    ],
)
def test_bad_input_is_named_and_nothing_is_saved(
    typed: dict[str, str], message: str, sheet: Any, login: Any
) -> None:
    before = sheet.entries.get(code="2.1").score
    response = login("unit-clerk").post(
        reverse("assessment:entry", args=[sheet.pk, "2.1"]),
        {**typed, "version": "1"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 422
    assert message in response.content.decode()
    assert sheet.entries.get(code="2.1").score == before


def test_a_stale_entry_answers_409_with_what_the_other_person_wrote(sheet: Any, login: Any) -> None:
    from jixiao_web.assessment import services

    services.save_entry(
        sheet,
        "2.1",
        {"score": "3", "version": "1"},
        access=_access("dept-admin"),
        actor=_user("dept-admin"),
    )
    response = login("unit-clerk").post(
        reverse("assessment:entry", args=[sheet.pk, "2.1"]),
        {"score": "5", "version": "1"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 409
    assert "该指标已被他人修改" in response.content.decode()
    assert sheet.entries.get(code="2.1").score == Decimal(3)


# --------------------------------------------------------------------------- evidence


def _upload(client: Any, sheet: Any, name: str, data: bytes, code: str = "2.1") -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(
        reverse("assessment:evidence_upload", args=[sheet.pk, code]),
        {"file": SimpleUploadedFile(name, data)},
    )


def test_evidence_is_stored_under_a_system_name_and_downloads_under_its_own(
    sheet: Any, login: Any
) -> None:
    client = login("unit-clerk")
    response = _upload(client, sheet, "../../预算编制佐证.pdf", PDF)
    assert response.status_code == 302
    evidence = sheet.evidence.get()
    assert evidence.original_name == "预算编制佐证.pdf"
    stored = Path(evidence.file.name)
    assert stored.parts[:2] == ("assessment", "evidence") and "预算" not in str(stored)
    assert ".." not in stored.parts
    download = client.get(reverse("assessment:evidence", args=[evidence.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    assert "filename*=utf-8''%E9%A2%84%E7%AE%97" in download["Content-Disposition"]
    # someone outside the department does not learn it exists
    assert (
        login("outsider").get(reverse("assessment:evidence", args=[evidence.pk])).status_code == 404
    )
    assert (
        login("unit-clerk-2").get(reverse("assessment:evidence", args=[evidence.pk])).status_code
        == 404
    )


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("程序.exe", b"MZ\x90\x00", "类型不支持"),
        ("照片.pdf", b"\x89PNG\r\n\x1a\n....", "内容与扩展名 .pdf 不符"),
        ("空.pdf", b"", "是空文件"),
        ("大.pdf", PDF + b"0" * 2048, "超过"),
    ],
)
def test_bad_evidence_is_refused_with_its_name(
    name: str, data: bytes, message: str, sheet: Any, login: Any, settings: Any
) -> None:
    settings.EVIDENCE_MAX_BYTES = 1024
    response = _upload(login("unit-clerk"), sheet, name, data)
    assert response.status_code == 422
    page = response.content.decode()
    assert message in page and name.rsplit("/", 1)[-1] in page
    assert not sheet.evidence.exists()


# --------------------------------------------------------------------------- cancelling

CANCEL = [
    ("bureau-admin", 302),
    ("bureau-reviewer", 403),
    ("dept-admin", 403),
    ("division", 403),
    ("unit-clerk", 403),
    ("unit-clerk-2", 404),
    ("evaluator", 404),
    ("outsider", 404),
]


@pytest.mark.parametrize(("persona", "expected"), CANCEL)
def test_only_the_finance_bureau_cancels_a_task(
    persona: str, expected: int, sheet: Any, login: Any
) -> None:
    from jixiao_web.assessment import services

    response = login(persona).post(
        reverse("assessment:cancel", args=[sheet.task_id]), {"reason": "任务重复下达"}
    )
    assert response.status_code == expected
    sheet.task.refresh_from_db()
    assert sheet.task.cancelled == (expected == 302)
    assert services.state(sheet) == ("cancelled" if expected == 302 else "filling")


def test_cancelling_needs_a_reason_and_ends_filling(sheet: Any, login: Any) -> None:
    from jixiao_web.assessment import services

    client = login("bureau-admin")
    assert (
        client.post(reverse("assessment:cancel", args=[sheet.task_id]), {"reason": ""}).status_code
        == 422
    )
    assert (
        client.post(
            reverse("assessment:cancel", args=[sheet.task_id]), {"reason": "重复"}
        ).status_code
        == 302
    )
    with pytest.raises(services.AssessmentError) as refused:
        services.save_entry(
            sheet, "2.1", {"score": "5"}, access=_access("unit-clerk"), actor=_user("unit-clerk")
        )
    assert refused.value.status == 409


# --------------------------------------------------------------------------- issuing


def test_the_bureau_issues_a_task_and_the_unit_is_told(login: Any, science: Any) -> None:
    from jixiao_web.assessment.models import AssessmentTask
    from jixiao_web.workflow.models import Notice

    form = {
        "title": "2023年度部门整体支出绩效自评（第二批）",
        "year": "2023",
        "framework": "mof-dept-2013",
        "deadline": "2099-05-31",
        "datasets": [str(science.pk)],
    }
    assert login("dept-admin").post(reverse("assessment:new"), form).status_code == 403
    response = login("bureau-admin").post(reverse("assessment:new"), form)
    assert response.status_code == 302
    task = AssessmentTask.objects.get(title=form["title"])
    sheet = task.sheets.get()
    assert sheet.unit is not None and sheet.unit.code == "163001"
    assert sheet.entries.count() > 5
    told = Notice.objects.filter(recipient__username="unit-clerk", title__contains=form["title"])
    assert told.get().kind == "task"
    bad = login("bureau-admin").post(
        reverse("assessment:new"),
        {**form, "deadline": "2020-01-01", "framework": "pefa-2016-sample"},
    )
    assert bad.status_code == 422
    page = bad.content.decode()
    assert "已过" in page and "不是可用于部门整体自评的框架" in page


# --------------------------------------------------------------------------- 抽查复核


def test_the_sample_rule_is_reproducible() -> None:
    from jixiao_web.assessment.sampling import sample_size, stratified

    strata = {"163": [f"2023/2.{n}" for n in range(1, 11)], "901": ["2023/1.1", "2023/1.2"]}
    first = stratified(strata, Decimal(30), 42)
    assert first == stratified(strata, Decimal(30), 42)
    assert [len(first["163"]), len(first["901"])] == [3, 1]
    # another department added: the others' draw does not change
    assert stratified({**strata, "902": ["2023/3.1"]}, Decimal(30), 42)["163"] == first["163"]
    assert any(stratified(strata, Decimal(30), s)["163"] != first["163"] for s in range(1, 6))
    assert [sample_size(n, Decimal(p)) for n, p in [(10, 30), (1, 5), (0, 50), (7, 100)]] == [
        3,
        1,
        0,
        7,
    ]


def test_a_sample_is_drawn_once_rescored_and_the_deviation_listed(sheet: Any, login: Any) -> None:
    from jixiao_web.assessment import services
    from jixiao_web.assessment.models import SampleDraw

    _put(sheet, "dept_approved")
    url = reverse("assessment:sample", args=[sheet.task_id])
    assert login("dept-admin").get(url).status_code == 403
    client = login("bureau-admin")  # (one test client: the last login holds)
    assert client.post(url, {"rule": "stratified", "percent": "0", "seed": "7"}).status_code == 422
    assert client.post(url, {"rule": "stratified", "percent": "40", "seed": "7"}).status_code == 302
    draw = SampleDraw.objects.get(task=sheet.task)
    codes = [i.code for i in draw.items.order_by("pk")]
    # the same seed on the same population gives the same items
    strata, _ = services.sample_population(sheet.task)
    again = services.sampling.stratified(strata, Decimal(40), 7)
    assert [k.split("/", 1)[1] for k in again["163"]] == codes
    assert client.post(url, {"rule": "stratified", "percent": "40", "seed": "8"}).status_code == 409
    # a manual item (2.x): 财政's 复核评分 is scored by the framework's manual rule
    item = draw.items.filter(kind="manual").order_by("pk").first()
    assert item is not None
    review = reverse("assessment:review", args=[item.pk])
    assert login("dept-admin").post(review, {"review_entered": "0"}).status_code == 403
    assert login("outsider").post(review, {"review_entered": "0"}).status_code == 404
    lower = {"review_entered": str(item.self_score - 1), "note": "佐证不足扣 1 分"}
    assert login("bureau-reviewer").post(review, lower).status_code == 302
    page = login("bureau-admin").get(url).content.decode()
    assert "随机种子 <strong>7</strong>" in page
    item.refresh_from_db()
    assert item.deviation == Decimal(-1)
    (dept,) = services.deviations(draw.items.select_related("department"))
    assert (dept.reviewed, dept.deviation) == (1, Decimal(-1))


# --------------------------------------------------------------------------- 重点评价


def test_an_expert_scores_only_after_declaring_no_conflict(sheet: Any, login: Any) -> None:
    from jixiao_web.assessment.models import KeyEvaluation

    assign = reverse("assessment:assign", args=[sheet.pk])
    evaluator = _user("evaluator")
    assert login("bureau-reviewer").post(assign, {"evaluator": evaluator.pk}).status_code == 403
    assert login("bureau-admin").post(assign, {"evaluator": evaluator.pk}).status_code == 302
    key = KeyEvaluation.objects.get(sheet=sheet)
    client = login("evaluator")
    assert client.get(reverse("assessment:sheet", args=[sheet.pk])).status_code == 200
    score = reverse("assessment:key_score", args=[key.pk, "2.1"])
    refused = client.post(score, {"score": "4"})
    assert refused.status_code == 403 and "须先作出利益冲突声明" in refused.content.decode()
    declare = reverse("assessment:key_declare", args=[key.pk])
    assert client.post(declare, {"has_conflict": "no", "declaration": ""}).status_code == 422
    assert (
        client.post(
            declare, {"has_conflict": "no", "declaration": "与该厅无任职、亲属及业务往来"}
        ).status_code
        == 302
    )
    assert client.post(declare, {"has_conflict": "yes", "declaration": "改"}).status_code == 409
    assert client.post(score, {"score": "4", "note": "基本符合"}).status_code == 302
    assert key.scores.get(code="2.1").score == Decimal(4)
    assert login("dept-admin").get(reverse("assessment:key", args=[key.pk])).status_code == 403


def test_a_declared_conflict_refuses_scoring(sheet: Any, login: Any) -> None:
    from jixiao_web.assessment import services

    key = services.assign_expert(
        sheet, _user("evaluator").pk, access=_access("bureau-admin"), actor=_user("bureau-admin")
    )
    client = login("evaluator")
    client.post(
        reverse("assessment:key_declare", args=[key.pk]),
        {"has_conflict": "yes", "declaration": "曾参与该厅项目评审"},
    )
    response = client.post(reverse("assessment:key_score", args=[key.pk, "2.1"]), {"score": "4"})
    assert response.status_code == 403
    assert "存在利益冲突" in response.content.decode()


# --------------------------------------------------------------------------- the report


def test_the_report_is_made_from_the_entered_scorecard(
    sheet: Any, login: Any, django_capture_on_commit_callbacks: Any
) -> None:
    """A report job of the evaluation app (background, with progress) on the sheet's data."""
    from django.core.files.storage import default_storage

    from jixiao_web.assessment import services
    from jixiao_web.evaluation.models import Evaluation, ReportJob

    clerk = _access("unit-clerk")
    services.save_entry(sheet, "2.1", {"score": "4.5"}, access=clerk, actor=_user("unit-clerk"))
    services.save_summary(
        sheet,
        {
            "conclusion": "本年度自评结论：整体良好。",
            "problems": "项目入库资料不全",
            "measures": "加强审核",
        },
        access=clerk,
        actor=_user("unit-clerk"),
    )
    stored = Evaluation.objects.filter(dataset=sheet.dataset).count()
    client = login("unit-clerk")
    url = reverse("assessment:report", args=[sheet.pk])
    assert client.post(url, {}).status_code == 422  # no format
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"formats": ["html"]})
    job = ReportJob.objects.get(source="self_evaluation", source_id=sheet.pk)
    assert response.status_code == 302
    assert response["Location"] == reverse("assessment:report_job", args=[sheet.pk, job.pk])
    assert (job.status, job.done, job.total) == ("done", 1, 1)
    # polled by htmx until finished; then the file, downloaded through the sheet
    fragment = client.get(response["Location"], HTTP_HX_REQUEST="true").content.decode()
    assert "hx-trigger" not in fragment and "已完成" in fragment
    (file,) = job.files.all()
    html = default_storage.open(file.name).read().decode()
    assert "项目入库资料不全" in html and "加强审核" in html
    download = reverse("assessment:report_file", args=[sheet.pk, job.pk, file.pk])
    assert client.get(download).status_code == 200
    # the sheet's evaluation is not kept as the dataset's, nor listed with its reports
    assert Evaluation.objects.filter(dataset=sheet.dataset).count() == stored
    listed = login("dept-admin").get(reverse("evaluation:reports", args=[sheet.dataset_id]))
    assert f"/reports/{job.pk}/" not in listed.content.decode()
    for persona, status in [("division", 403), ("unit-clerk-2", 404), ("outsider", 404)]:
        assert login(persona).get(download).status_code == status, persona
