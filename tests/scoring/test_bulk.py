"""The bulk (polars) path equals the per-item API exactly, on random frameworks and data."""

from __future__ import annotations

from decimal import Decimal as D
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jixiao.dataset.model import Dataset, Indicator, Project
from jixiao.io.formats import load_dataset
from jixiao.scoring import (
    Framework,
    load_framework,
    parse_framework,
    score_project,
    score_projects,
)
from jixiao.scoring.bulk import (
    BulkUnsupported,
    decimal_results,
    project_frames,
    score_projects_bulk,
)

LEVELS = ["产出指标", "效益指标", "满意度指标"]
SIGNS = ["≥", "＞", "≤", "＜", "＝", "定性"]
GRADES = ["达成", "部分达成", "未达成", ""]
PROJECTS = Path(__file__).resolve().parent.parent / "data" / "scoring" / "projects.yaml"


def decimals(low: int, high: int, places: int) -> st.SearchStrategy[D]:
    return st.integers(low * 10**places, high * 10**places).map(lambda n: D(n).scaleb(-places))


@st.composite
def frameworks(draw: st.DrawFn) -> Framework:
    places = draw(st.integers(0, 3))
    rate_points = draw(decimals(0, 30, 1))
    groups = draw(st.lists(st.sampled_from(LEVELS), min_size=1, max_size=3, unique=True))
    group_points = [draw(decimals(1, 60, 2)) for _ in groups]
    lines = [
        f"  - {{code: 'g{i}', name: {g}, points: {p}, expand: {{source: project_indicators, level1: {g}}}}}"
        for i, (g, p) in enumerate(zip(groups, group_points, strict=True))
    ]
    over = ""
    if draw(st.booleans()):
        threshold = draw(st.sampled_from(["100", "137.5", "150", "200"]))
        deduction = draw(st.sampled_from(["0", "0.1", "0.25", "0.333"]))
        over = f"over_achievement: {{threshold: {threshold}, deduction: {deduction}}}\n"
    qual = draw(
        st.fixed_dictionaries(
            {},
            optional={
                "达成": decimals(80, 100, 1),
                "部分达成": decimals(60, 80, 1),
                "未达成": decimals(0, 60, 1),
            },
        )
    )
    qualitative = "qualitative: {" + ", ".join(f"{k}: {v}" for k, v in qual.items()) + "}\n"
    cut = draw(decimals(1, 99, 2))
    total = rate_points + sum(group_points)
    text = (
        f"id: random\nversion: '1'\nname: 随机框架\nsubject: project\nplaces: {places}\n"
        f"total_points: {total}\nnot_applicable: {draw(st.sampled_from(['partial', 'rescale']))}\n"
        f"{over}{qualitative}"
        f"grade_bands: [{{grade: 甲, min: {cut}}}, {{grade: 乙, min: 0}}]\n"
        "items:\n"
        f"  - code: r\n    name: 预算执行率\n    points: {rate_points}\n"
        "    rule: {type: rate_points, inputs: {numerator: 'project:executed', denominator: 'project:execution_base'}}\n"
        + "\n".join(lines)
        + "\n"
    )
    return parse_framework(text, "random.yaml")


def amounts() -> st.SearchStrategy[D | None]:
    return st.one_of(
        st.none(),
        st.just(D(0)),
        decimals(-50, 2000, 3),
        decimals(0, 10**6, 0),
    )


@st.composite
def projects(draw: st.DrawFn) -> tuple[list[Project], list[Indicator]]:
    rows, indicators = [], []
    for n in range(draw(st.integers(1, 5))):
        code = f"P{n}"
        rows.append(
            Project(
                code=code,
                name=code,
                budget=draw(amounts()),
                adjusted=draw(amounts()),
                executed=draw(amounts()),
            )
        )
        weighted = draw(st.booleans())
        for k in range(draw(st.integers(0, 7))):
            sign = draw(st.sampled_from(SIGNS))
            indicators.append(
                Indicator(
                    owner=code,
                    level1=draw(st.sampled_from(LEVELS)),
                    name=f"指标{k}",
                    sign=sign,
                    target=draw(amounts()),
                    actual=draw(amounts()),
                    qual_grade=draw(st.sampled_from(GRADES)) if sign == "定性" else "",
                    weight=draw(st.one_of(st.none(), decimals(0, 40, 1))) if weighted else None,
                )
            )
    return rows, indicators


def per_item(
    framework: Framework, rows: list[Project], indicators: list[Indicator]
) -> dict[str, dict[str, object]]:
    result = {}
    for project in rows:
        card = score_project(framework, project, [i for i in indicators if i.owner == project.code])
        values: dict[str, object] = {i.code: i.score for i in card.items}
        values.update(total=card.total, grade=card.grade, complete=card.complete)
        result[project.code] = values
    return result


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(framework=frameworks(), data=projects())
def test_bulk_scores_equal_the_per_item_scores_exactly(
    framework: Framework, data: tuple[list[Project], list[Indicator]]
) -> None:
    rows, indicators = data
    bulk = decimal_results(
        framework, score_projects_bulk(framework, *project_frames(rows, indicators))
    )
    assert bulk == per_item(framework, rows, indicators)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(framework=frameworks(), data=projects())
def test_score_projects_gives_the_same_totals_by_either_path(
    framework: Framework, data: tuple[list[Project], list[Indicator]]
) -> None:
    """``score_projects`` chooses bulk where exact; per item is the reference."""
    rows, indicators = data
    dataset = Dataset(projects=tuple(rows), project_indicators=tuple(indicators))
    auto = score_projects(dataset, framework)
    reference = score_projects(dataset, framework, path="per_item")
    assert (auto.path, reference.path) == ("bulk", "per_item")
    assert auto.totals == reference.totals
    assert [c.total for c in auto] == [t.total for t in reference.totals]


def test_score_projects_falls_back_to_per_item_where_bulk_is_not_exact() -> None:
    dataset = load_dataset(PROJECTS)
    tiny = Indicator(
        owner="P1", level1="产出指标", name="x", sign="≥", target=D("0.0000001"), actual=D(1)
    )
    odd = Dataset(projects=dataset.projects, project_indicators=(*dataset.project_indicators, tiny))
    scores = score_projects(odd, "mof-project-2020")
    assert scores.path == "per_item" and "6 位小数" in scores.reason
    assert score_projects(dataset, "mof-project-2020").path == "bulk"
    with pytest.raises(BulkUnsupported):
        score_projects(odd, "mof-project-2020", path="bulk")


def test_bulk_scores_the_hand_checked_projects_like_the_engine() -> None:
    dataset = load_dataset(PROJECTS)
    framework = load_framework("mof-project-2020")
    frames = project_frames(dataset.projects, dataset.project_indicators)
    bulk = decimal_results(framework, score_projects_bulk(framework, *frames))
    assert {code: r["total"] for code, r in bulk.items()} == {
        "P1": D("94.95"),
        "P2": D("88.06"),
        "P3": D("59.44"),
    }
    assert bulk == per_item(framework, list(dataset.projects), list(dataset.project_indicators))


def test_bulk_refuses_what_it_cannot_compute_exactly() -> None:
    with pytest.raises(BulkUnsupported):
        score_projects_bulk(load_framework("gd-dept-2023"), *project_frames([], []))
    tiny = Indicator(owner="P", level1="产出指标", name="x", sign="≥", target=D("0.0000001"))
    with pytest.raises(BulkUnsupported):
        project_frames([], [tiny])
