"""结果应用: 整改 items from the engine's result application, their workflow with evidence,
overdue alerts, the reviewed budget suggestion, carrying into next year and feedback.

The demo holds the example's items (广东省科学技术厅 2023, docs/monitoring.md §3): six
管理效率 deductions and the unmet 新增上市科技型企业数 target, all due 2024-06-30.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.files.storage import default_storage
from django.urls import reverse

from jixiao_web.datasets.models import ROW_MODELS, Dataset
from jixiao_web.orgs.models import Role, Unit
from jixiao_web.results import services
from jixiao_web.results.models import Evidence, GradeReview, Rectification
from jixiao_web.results.workflows import RECTIFICATION
from jixiao_web.workflow import services as workflow
from jixiao_web.workflow.models import Notice
from jixiao_web.workflow.services import NotAllowed, OpinionRequired

pytestmark = pytest.mark.django_db

U, D, DA, BA, BR, E = (
    Role.UNIT_CLERK,
    Role.DIVISION,
    Role.DEPT_ADMIN,
    Role.BUREAU_ADMIN,
    Role.BUREAU_REVIEWER,
    Role.EVALUATOR,
)

#: The example's 整改 list, as the engine words it.
ITEMS = """
扣分项     2.1 预算编制：扣 4 分（分值 5，得分 1）
扣分项     2.2 预算执行：扣 0.58 分（分值 4，得分 3.42）
扣分项     2.4 绩效管理：扣 1.5 分（分值 15，得分 13.5）
扣分项     2.5 采购管理：扣 2.5 分（分值 10，得分 7.5）
扣分项     2.6 资产管理：扣 0.5 分（分值 10，得分 9.5）
扣分项     2.7 运行成本：扣 1.36 分（分值 3，得分 1.64）
未完成指标 新增上市科技型企业数：指标值 ≥90家，完成值 50家，完成率 55.56%
"""

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def _user(name: str) -> Any:
    return get_user_model().objects.get(username=name)


def _items(science: Dataset) -> list[Rectification]:
    return list(Rectification.objects.filter(dataset=science).order_by("pk"))


def test_the_examples_items_once(science: Dataset) -> None:
    expected = [line.split(maxsplit=1) for line in ITEMS.strip().splitlines()]
    assert [[i.kind, i.subject] for i in _items(science)] == expected
    assert {i.deadline for i in _items(science)} == {date(2024, 6, 30)}
    assert services.generate(science, _user("dept-admin")) == 0  # twice adds nothing


# --------------------------------------------------------------------------- transitions × roles

MAY = {"start": {U, DA}, "submit": {U, DA}, "accept": {DA, BA}, "return": {DA, BA}}
PATH = {"open": [], "doing": ["start"], "submitted": ["start", "submit"]}


@pytest.mark.parametrize("action", list(MAY))
@pytest.mark.parametrize("role", [U, D, DA, BA, BR, E])
def test_every_transition_by_every_role(science: Dataset, action: str, role: Role) -> None:
    item = _items(science)[0]  # assigned to 163001 / unit-clerk by the demo
    services.add_evidence(item, "整改报告.pdf", PDF, _user("unit-clerk"))
    step = RECTIFICATION.transition(action)
    assert step is not None
    admin = _user("dept-admin")
    for earlier in PATH[step.sources[0]]:
        services.decide(item, earlier, admin, {DA})
    if role in MAY[action]:
        event = services.decide(item, action, admin, {role}, opinion="佐证不足")
        assert event.to_state == step.target
    else:
        with pytest.raises(NotAllowed):
            services.decide(item, action, admin, {role}, opinion="佐证不足")
        assert services.state(item) == step.sources[0]


def test_a_clerk_acts_only_on_its_units_items(science: Dataset, login: Any) -> None:
    mine, department = _items(science)[0], _items(science)[-1]
    client = login("unit-clerk")
    assert client.get(reverse("results:item", args=[mine.pk])).status_code == 200
    assert client.get(reverse("results:item", args=[department.pk])).status_code == 404
    other = login("unit-clerk-2")
    assert other.get(reverse("results:item", args=[mine.pk])).status_code == 404
    response = other.post(reverse("results:decide", args=[mine.pk]), {"action": "start"})
    assert response.status_code == 404
    assert services.state(mine) == "open"


def test_closing_an_item_needs_evidence_and_an_opinion_to_return(science: Dataset) -> None:
    item = _items(science)[0]
    clerk, admin = _user("unit-clerk"), _user("dept-admin")
    services.decide(item, "start", clerk, {U})
    with pytest.raises(services.Invalid, match="请上传至少一份整改佐证材料"):
        services.decide(item, "submit", clerk, {U})
    services.add_evidence(item, "预算编制整改报告.pdf", PDF, clerk, "修订后的预算编制办法")
    services.decide(item, "submit", clerk, {U})
    with pytest.raises(OpinionRequired):
        services.decide(item, "return", admin, {DA})
    services.decide(item, "accept", admin, {DA}, opinion="整改到位")
    assert services.state(item) == "done"
    assert Notice.objects.filter(
        recipient=clerk,
        kind=Notice.Kind.DONE,
        object_id=item.pk,
        content_type__model="rectification",
    ).exists()
    assert (
        not Notice.objects.filter(object_id=item.pk, kind=Notice.Kind.TASK, closed_at=None)
        .filter(content_type__model="rectification")
        .exists()
    )
    with pytest.raises(services.Invalid, match="不能再上传"):
        services.add_evidence(item, "补充.pdf", PDF, clerk)


# --------------------------------------------------------------------------- evidence


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("报告.exe", b"MZ", "佐证材料: 只接受 DOCX、JPEG、JPG、PDF、PNG、XLSX 文件"),
        ("报告.pdf", b"", "佐证材料: 文件为空"),
        ("报告.pdf", PNG, "佐证材料: 文件内容不是 PDF 格式"),
        ("照片.png", PDF, "佐证材料: 文件内容不是 PNG 格式"),
        ("大文件.pdf", b"%PDF-" + b"0" * (10 * 1024 * 1024), "佐证材料: 文件超过 10 MB"),
    ],
)
def test_evidence_is_bounded_and_typed(
    science: Dataset, name: str, data: bytes, message: str
) -> None:
    item = _items(science)[0]
    with pytest.raises(services.Invalid) as refused:
        services.add_evidence(item, name, data, _user("unit-clerk"))
    assert [str(e) for e in refused.value.errors] == [message]
    assert not Evidence.objects.filter(item=item).exists()


def test_evidence_is_stored_under_a_name_the_system_chooses(science: Dataset, login: Any) -> None:
    item = _items(science)[0]
    client = login("unit-clerk")
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("../../etc/passwd\x00照片.png", PNG, content_type="image/png")
    response = client.post(reverse("results:evidence", args=[item.pk]), {"file": upload})
    assert response.status_code == 302
    evidence = Evidence.objects.get(item=item)
    assert evidence.name == "passwd照片.png"  # no folders, no NUL (Django drops it first)
    stored = evidence.file.name
    assert stored.startswith(f"evidence/{item.region_id}/{item.department_id}/{item.pk}/")
    assert stored.endswith(".png") and "passwd" not in stored
    assert default_storage.open(stored).read() == PNG
    download = client.get(reverse("results:download", args=[evidence.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content) == PNG
    assert (
        login("unit-clerk-2").get(reverse("results:download", args=[evidence.pk])).status_code
        == 404
    )


def test_evidence_gone_from_storage_is_a_404_not_a_server_error(
    science: Dataset, login: Any
) -> None:
    item = _items(science)[0]
    evidence = services.add_evidence(item, "照片.png", PNG, _user("unit-clerk"))
    default_storage.delete(evidence.file.name)  # purged, or restored without its files
    response = login("unit-clerk").get(reverse("results:download", args=[evidence.pk]))
    assert response.status_code == 404
    assert "页面不存在" in response.content.decode()


# --------------------------------------------------------------------------- overdue


def test_an_overdue_item_alerts_the_owner_and_the_department(science: Dataset) -> None:
    item = _items(science)[0]  # unit-clerk, due 2024-06-30
    Notice.objects.filter(kind=Notice.Kind.OVERDUE).delete()
    workflow.send_overdue_reminders(today=date(2024, 6, 30))
    about = {"object_id": item.pk, "content_type__model": "rectification"}
    assert not Notice.objects.filter(kind=Notice.Kind.OVERDUE, **about).exists()
    workflow.send_overdue_reminders(today=date(2024, 7, 1))
    alerted = set(
        Notice.objects.filter(kind=Notice.Kind.OVERDUE, **about).values_list(
            "recipient__username", flat=True
        )
    )
    assert alerted == {"unit-clerk", "dept-admin"}


def test_assigning_moves_the_task_to_the_new_owner(science: Dataset) -> None:
    item = _items(science)[1]
    unit = Unit.objects.get(department_id=science.department_id, code="163002")
    services.assign(item, unit, _user("unit-clerk-2"), date(2024, 5, 31), _user("dept-admin"))
    task = Notice.objects.get(
        recipient=_user("unit-clerk-2"),
        kind=Notice.Kind.TASK,
        object_id=item.pk,
        content_type__model="rectification",
        closed_at=None,
    )
    assert task.due == date(2024, 5, 31)
    with pytest.raises(services.Invalid, match="责任人须是该单位的填报人或本部门的人员"):
        services.assign(item, unit, _user("unit-clerk"), date(2024, 5, 31), _user("dept-admin"))
    with pytest.raises(services.Invalid, match="责任人须是"):
        services.assign(item, unit, _user("outsider"), date(2024, 5, 31), _user("dept-admin"))


# --------------------------------------------------------------------------- suggestion


@pytest.mark.parametrize(
    ("score", "grade", "recommendation"),
    [
        ("92", "优", "优先保障"),
        ("89.56", "良", "保障"),
        ("75", "中", "压缩"),
        ("59.9", "差", "取消"),
    ],
)
def test_the_suggestion_follows_the_reviewed_grade(
    science: Dataset, score: str, grade: str, recommendation: str
) -> None:
    before, _ = services.suggestion(science)
    department = before[0]
    assert (department.grade, department.recommendation, department.reviewed) == (
        "良",
        "保障",
        False,
    )
    assert department.basis.startswith("参考：仅单位自评，未经财政复核")
    services.review_grade(science, score, "抽查复核", _user("bureau-reviewer"))
    after, _ = services.suggestion(science)
    department = after[0]
    assert (department.score, department.grade, department.recommendation, department.reviewed) == (
        Decimal(score),
        grade,
        recommendation,
        True,
    )
    assert department.basis.startswith(f"财政复核：{score} 分，{grade}")


@pytest.mark.parametrize(
    ("text", "message"),
    [("一百", "不是有效数值"), ("101", "应在 0–100 之间"), ("  ", "请填写复核得分")],
)
def test_a_review_score_is_checked(science: Dataset, text: str, message: str) -> None:
    with pytest.raises(services.Invalid, match=message):
        services.review_grade(science, text, "", _user("bureau-reviewer"))
    assert not GradeReview.objects.filter(dataset=science).exists()


def test_a_review_score_is_read_as_people_type_it(science: Dataset) -> None:
    """A full-width score from a Chinese input method (８８．５) is the number 88.5."""
    review = services.review_grade(science, "８８．５", "", _user("bureau-reviewer"))
    assert review.score == Decimal("88.5")


def test_only_the_reviewer_enters_the_review(science: Dataset, login: Any) -> None:
    url = reverse("results:action", args=[science.pk, "review"])
    for persona, status in [("bureau-admin", 403), ("dept-admin", 403), ("bureau-reviewer", 302)]:
        assert login(persona).post(url, {"score": "91"}).status_code == status, persona
    page = login("bureau-admin").get(reverse("results:dataset", args=[science.pk])).content.decode()
    assert "财政复核：91 分，优" in page and "优先保障" in page


def test_a_refused_review_keeps_what_the_reviewer_typed(science: Dataset, login: Any) -> None:
    """A score that cannot be read sent the reviewer back to an empty form: the opinion
    typed beside it was lost. Now the page answers 422 with both kept and the reason."""
    url = reverse("results:action", args=[science.pk, "review"])
    opinion = "预算编制扣分依据充分，维持自评结论；绩效管理扣分偏少。"
    response = login("bureau-reviewer").post(url, {"score": "八十八", "opinion": opinion})
    assert response.status_code == 422
    page = response.content.decode()
    assert opinion in page and 'value="八十八"' in page
    assert "“八十八”不是有效数值" in page
    assert not GradeReview.objects.filter(dataset=science).exists()


# --------------------------------------------------------------------------- carry and feedback


def test_carrying_into_next_year_twice_keeps_one_copy(science: Dataset) -> None:
    item = _items(science)[0]
    services.decide(item, "start", _user("unit-clerk"), {U})
    target, count = services.carry(science, _user("dept-admin"))
    assert (target.year, count) == (2024, 7)
    services.carry(science, _user("dept-admin"))
    rows = ROW_MODELS["rectifications"].objects.filter(dataset=target).order_by("position")
    assert [(r.source_year, r.kind, r.status) for r in rows][:2] == [
        (2023, "扣分项", "整改中"),
        (2023, "扣分项", "待整改"),
    ]
    assert rows.count() == 7
    assert rows.first().owner == "广东省科学技术厅（本级）"  # the 责任单位 named on assignment


def test_feedback_reaches_the_units_to_acknowledge(science: Dataset) -> None:
    sent = services.feedback(science, _user("bureau-admin"))
    assert sent >= 3
    notice = Notice.objects.get(recipient=_user("unit-clerk"), title__startswith="评价结果反馈")
    assert notice.requires_ack
    assert "等级“良”" in notice.body and "下一年度预算建议：保障" in notice.body
    assert "整改事项 7 项" in notice.body
