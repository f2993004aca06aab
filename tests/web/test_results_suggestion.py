"""Next year's budget suggestion comes from the *reviewed* grade, and says what that was.

广东省科学技术厅 2023 scores 89.56 by gd-dept-2023 (履职效能 50 + 管理效率 39.56): 良 →
保障. 2.4 绩效管理 (15 points) was self-scored 13.5; re-scored by 财政 to 15 the total is
89.56 + 1.5 = 91.06 → 优 → 优先保障; to 10 it is 89.56 − 3.5 = 86.06 → still 良 → 保障.
Only a grade 财政 has reviewed counts: a sheet still at the department, or the
self-evaluation alone, gives a suggestion marked 参考.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

pytestmark = pytest.mark.django_db


def _user(name: str) -> Any:
    return get_user_model().objects.get(username=name)


def _access(name: str) -> Any:
    from jixiao_web.orgs.access import Access

    return Access.of(_user(name))


def _sheet(state: str, rescored: str | None) -> Any:
    """The demo's sheet walked to ``state``; with ``rescored``, 2.4 re-scored by 财政."""
    from jixiao_web.assessment import services
    from jixiao_web.assessment.models import ScoreSheet

    sheet = ScoreSheet.objects.get(task__title="2023年度部门整体支出绩效自评")
    steps = [("submit", "unit-clerk"), ("dept_approve", "dept-admin")]
    for action, who in steps:
        services.decide(sheet, action, access=_access(who), actor=_user(who), opinion="同意")
    if rescored is not None:
        draw = services.draw_sample(
            sheet.task,
            access=_access("bureau-admin"),
            actor=_user("bureau-admin"),
            rule="stratified",
            percent=Decimal(100),
            seed=1,
        )
        services.save_review(
            draw.items.get(code="2.4"),
            {"review_entered": rescored, "note": "按绩效管理台账复核"},
            access=_access("bureau-reviewer"),
            actor=_user("bureau-reviewer"),
        )
    if state == "approved":
        who = "bureau-reviewer"
        services.decide(sheet, "bureau_approve", access=_access(who), actor=_user(who))
    return sheet


#: the sheet's state, 财政's 复核评分 of 2.4 (None: not drawn), a 财政复核结论 entered in
#: 结果应用 (None: none) → score, grade, suggestion, reviewed, how the basis starts
CASES = [
    ("dept_approved", None, None, "89.56", "良", "保障", False, "参考：仅单位自评，未经财政复核"),
    ("dept_approved", "15", None, "89.56", "良", "保障", False, "参考：仅单位自评"),
    ("approved", None, None, "89.56", "良", "保障", True, "财政审核通过的自评表"),
    ("approved", "15", None, "91.06", "优", "优先保障", True, "财政审核通过的自评表"),
    ("approved", "10", None, "86.06", "良", "保障", True, "财政审核通过的自评表"),
    ("approved", "15", "75", "75", "中", "压缩", True, "财政复核：75 分，中"),
    ("dept_approved", None, "59.9", "59.9", "差", "取消", True, "财政复核：59.9 分，差"),
]


@pytest.mark.parametrize(
    ("state", "rescored", "conclusion", "score", "grade", "advice", "reviewed", "basis"), CASES
)
def test_the_suggestion_follows_the_reviewed_grade(
    state: str,
    rescored: str | None,
    conclusion: str | None,
    score: str,
    grade: str,
    advice: str,
    reviewed: bool,
    basis: str,
    science: Any,
) -> None:
    from jixiao_web.results import services

    _sheet(state, rescored)
    if conclusion is not None:
        services.review_grade(science, conclusion, "复核意见", _user("bureau-reviewer"))
    department = services.suggestion(science)[0][0]
    assert (department.score, department.grade, department.recommendation, department.reviewed) == (
        Decimal(score),
        grade,
        advice,
        reviewed,
    )
    assert department.basis.startswith(basis), department.basis
    # the self-grade is always named beside the reviewed one
    assert "自评 89.56 分 良" in department.basis or not reviewed


def test_the_basis_names_the_sample(science: Any) -> None:
    from jixiao_web.results import services

    _sheet("approved", "15")
    department = services.suggestion(science)[0][0]
    assert "抽查复核 1 项，复核前 89.56 分" in department.basis


def test_the_finance_bureau_sees_the_reviewed_suggestion_and_its_basis(
    science: Any, login: Any
) -> None:
    _sheet("approved", "15")
    page = login("bureau-admin").get(reverse("results:dataset", args=[science.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    row = html[html.index('id="suggestions"') :]
    row = row[: row.index("</tr>", row.index("<tbody>"))]
    assert "91.06" in row and "优先保障" in row and "财政复核" in row
    assert "财政审核通过的自评表（2023年度部门整体支出绩效自评）：91.06 分，优" in row


def test_a_review_conclusion_is_in_the_history(science: Any) -> None:
    from jixiao_web.results import services
    from jixiao_web.results.models import GradeReview

    services.review_grade(science, "91", "初次复核", _user("bureau-reviewer"))
    services.review_grade(science, "85", "更正", _user("bureau-reviewer"))
    review = GradeReview.objects.get(dataset=science)
    changes = list(review.history.order_by("history_date", "history_id"))
    assert [(c.score, c.grade, c.opinion) for c in changes] == [
        (Decimal(91), "优", "初次复核"),
        (Decimal(85), "良", "更正"),
    ]
    assert {c.history_user for c in changes} == {_user("bureau-reviewer")}
