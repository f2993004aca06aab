"""抽查复核 through the framework's rules: 自评 and 复核 per item compare like with like.

The demo's sheet (广东省科学技术厅 2023, gd-dept-2023) is filled, submitted and approved by
the department; 财政 draws every scorable item (100 %), then re-scores some. Both the
自评得分 and the 复核得分 are the engine's points for what was entered — the numbers below
can be checked by hand:

- 1.1.7 is an indicator ``≥ 90`` worth 2.08 points (25 points of 整体效能 shared by 权重):
  a 完成值 of 45 scores 45 ÷ 90 × 2.08 = 1.04;
- 1.1.1 is a qualitative indicator worth 2.09: 部分达成 scores 70 % × 2.09 = 1.463 → 1.46;
- 2.1 预算编制 is a manual item worth 5: the score stands, clamped to 0–5, and a score with
  no 说明 is flagged 缺少评分说明 — for 财政's score as for the unit's.
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


@pytest.fixture
def sheet() -> Any:
    from jixiao_web.assessment.models import ScoreSheet

    return ScoreSheet.objects.get(task__title="2023年度部门整体支出绩效自评")


def _drawn(sheet: Any, entries: dict[str, dict[str, str]]) -> Any:
    """``entries`` typed by the unit, the sheet submitted and approved, every item drawn."""
    from jixiao_web.assessment import services

    clerk = _access("unit-clerk")
    for code, typed in entries.items():
        services.save_entry(sheet, code, typed, access=clerk, actor=_user("unit-clerk"))
    for action, who in [("submit", "unit-clerk"), ("dept_approve", "dept-admin")]:
        services.decide(sheet, action, access=_access(who), actor=_user(who), opinion="同意")
    return services.draw_sample(
        sheet.task,
        access=_access("bureau-admin"),
        actor=_user("bureau-admin"),
        rule="stratified",
        percent=Decimal(100),
        seed=1,
    )


#: code, the unit's entry, 财政's 复核 values, 自评得分, 复核得分, the flag on the 复核得分, and
#: how the sheet's framework total moves. 1 履职效能 has a fallback: while a child lacks data
#: (the demo's 专项效能 has none) the department's own 50 points stand, so a re-scored
#: indicator shows its deviation per item but leaves the total — as the framework says.
RESCORED = [
    ("1.1.7", {"actual": "90"}, {"review_actual": "45"}, "2.08", "1.04", "", "0"),
    ("1.1.7", {"actual": "95"}, {"review_actual": "90"}, "2.08", "2.08", "", "0"),
    ("1.1.7", {"actual": "45"}, {"review_actual": "90"}, "1.04", "2.08", "", "0"),
    ("1.1.1", {"qual_grade": "达成"}, {"review_qual_grade": "部分达成"}, "2.09", "1.46", "", "0"),
    (
        "2.1",
        {"score": "5", "reason": "编制规范"},
        {"review_entered": "3", "note": "项目入库资料不全扣 2 分"},
        "5",
        "3",
        "",
        "-2",
    ),
    (
        "2.1",
        {"score": "5", "reason": "编制规范"},
        {"review_entered": "3"},
        "5",
        "3",
        "缺少评分说明",
        "-2",
    ),
]


@pytest.mark.parametrize(("code", "entry", "review", "own", "rescored", "flag", "moved"), RESCORED)
def test_the_review_score_is_the_frameworks_points_for_the_reviewed_values(
    code: str,
    entry: dict[str, str],
    review: dict[str, str],
    own: str,
    rescored: str,
    flag: str,
    moved: str,
    sheet: Any,
) -> None:
    from jixiao_web.assessment import scoring, services

    draw = _drawn(sheet, {code: entry})
    item = draw.items.get(code=code)
    assert item.self_score == Decimal(own)
    saved = services.save_review(
        item, review, access=_access("bureau-reviewer"), actor=_user("bureau-reviewer")
    )
    assert saved.review_score == Decimal(rescored)
    assert saved.deviation == Decimal(rescored) - Decimal(own)
    assert (flag in saved.review_flags) if flag else not saved.review_flags
    # the same engine call on the sheet with the values typed as the unit: the same points
    values = services.review_values(saved)
    line = scoring.rescore(sheet, {**services.review_entries(sheet, []), code: values}).line(code)
    assert line is not None and line.computed == Decimal(rescored)
    # the sheet's framework total, before and after the 复核 values
    (total,) = services.sheet_reviews(list(draw.items.all()))
    assert total.deviation == Decimal(moved)


@pytest.mark.parametrize(
    ("code", "review", "message"),
    [
        ("1.1.7", {"note": "已核实"}, "第 1.1.7 项“"),
        ("1.1.7", {"note": "已核实"}, "请填写复核完成值"),
        ("1.1.7", {"review_actual": "九十"}, "的完成值“九十”不是数字"),
        ("1.1.1", {"review_qual_grade": "优秀"}, "的完成档次须为达成、部分达成、未达成之一"),
        ("2.1", {"review_entered": "6"}, "的复核评分 6 超出 0 至 5 分"),
        ("2.1", {"note": "只写了说明"}, "请填写复核评分"),
    ],
)
def test_bad_review_values_are_named_and_nothing_is_saved(
    code: str, review: dict[str, str], message: str, sheet: Any
) -> None:
    from jixiao_web.assessment import services

    draw = _drawn(sheet, {"1.1.7": {"actual": "90"}, "1.1.1": {"qual_grade": "达成"}})
    item = draw.items.get(code=code)
    with pytest.raises(services.AssessmentError) as refused:
        services.save_review(
            item, review, access=_access("bureau-reviewer"), actor=_user("bureau-reviewer")
        )
    assert refused.value.status == 422
    assert any(message in m for m in refused.value.messages), refused.value.messages
    item.refresh_from_db()
    assert item.review_score is None and item.note == ""


def test_blank_values_clear_a_review_and_every_change_is_in_the_history(sheet: Any) -> None:
    from jixiao_web.assessment import services

    draw = _drawn(sheet, {"1.1.7": {"actual": "90"}})
    item = draw.items.get(code="1.1.7")
    who = {"access": _access("bureau-reviewer"), "actor": _user("bureau-reviewer")}
    services.save_review(item, {"review_actual": "45", "note": "台账只有 45 项"}, **who)
    services.save_review(item, {}, **who)
    item.refresh_from_db()
    assert (item.review_score, item.review_actual, item.note) == (None, None, "")
    changes = list(item.history.order_by("history_date", "history_id"))
    assert [c.review_score for c in changes] == [Decimal("1.04"), None]
    assert [c.note for c in changes] == ["台账只有 45 项", ""]
    assert all(c.history_user == _user("bureau-reviewer") for c in changes)


#: who may re-score a sampled item (POST /assessment/sample/<pk>/): 302 saved, 403 may not,
#: 404 the sheet is not visible to them.
ROLES = [
    ("bureau-admin", 302),
    ("bureau-reviewer", 302),
    ("dept-admin", 403),
    ("division", 403),
    ("unit-clerk", 403),
    ("unit-clerk-2", 404),
    ("evaluator", 404),
    ("outsider", 404),
]


@pytest.mark.parametrize(("persona", "expected"), ROLES)
def test_only_the_finance_bureau_rescores(
    persona: str, expected: int, sheet: Any, login: Any
) -> None:
    draw = _drawn(sheet, {"1.1.7": {"actual": "90"}})
    item = draw.items.get(code="1.1.7")
    response = login(persona).post(
        reverse("assessment:review", args=[item.pk]), {"review_actual": "45"}
    )
    assert response.status_code == expected
    item.refresh_from_db()
    assert item.review_score == (Decimal("1.04") if expected == 302 else None)


def test_the_sample_page_lists_self_and_review_with_the_frameworks_totals(
    sheet: Any, login: Any
) -> None:
    from jixiao_web.assessment import services

    draw = _drawn(sheet, {"1.1.7": {"actual": "90"}})
    item = draw.items.get(code="1.1.7")
    services.save_review(
        item,
        {"review_actual": "45", "note": "台账只有 45 项"},
        access=_access("bureau-reviewer"),
        actor=_user("bureau-reviewer"),
    )
    page = login("bureau-admin").get(reverse("assessment:sample", args=[sheet.task_id]))
    html = page.content.decode()
    assert page.status_code == 200
    assert 'id="sheet-totals"' in html and "复核后总分" in html
    row = html[html.index(f'id="review-{item.pk}"') :]
    row = row[: row.index("</tr>")]
    assert "完成值 90" in row and "2.08" in row and "1.04" in row and "-1.04" in row
