"""Target review: each flag on the indicator built to raise it, with the numbers in the reason."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jixiao.dataset.build import DatasetError
from jixiao.dataset.model import Dataset, Indicator
from jixiao.monitoring.library import IndicatorLibrary, shipped_library
from jixiao.monitoring.review import review_targets
from jixiao.monitoring.settings import ReviewSettings, RuleTexts, load_review_settings


@pytest.mark.parametrize(
    ("name", "flags"),
    [
        ("新增上市科技型企业数", ("偏低",)),
        ("新型研发机构数", ("目标设定偏低",)),
        ("高层次人才数", ("偏高",)),
        ("国际和粤港澳科技合作项目数", ("与资金不一致",)),
        ("科技奖励评审项目数", ("未知指标编码",)),
        ("乡村振兴科技服务次数", ("不完整",)),
        ("服务对象满意度", ("偏低",)),
        ("验收合格率", ("方向存疑",)),
        ("开展研究项目数量", ()),
    ],
)
def test_it_flags_each_target_as_designed(
    targets_dataset: Dataset,
    library_with_history: IndicatorLibrary,
    name: str,
    flags: tuple[str, ...],
) -> None:
    review = review_targets(targets_dataset, library_with_history, load_review_settings())
    (row,) = [r for r in review.rows if r.name == name]
    assert row.flags == flags


@pytest.mark.parametrize(
    ("code", "words"),
    [
        ("target.low_history", ("指标值 90家", "低于 2022 年完成值 100家")),
        ("target.set_too_low", ("完成值 277家", "120.43%", "超过 120%")),
        ("target.high", ("1000名", "历史最高完成值 600名", "1.5 倍")),
        ("target.money", ("由 40 提高到 47", "200000 万元减少到 150000 万元", "-25%")),
        ("target.low_library", ("85%", "预期值 90%", "行业标准")),
        ("target.direction", ("“≤”", "指标库为“≥”")),
    ],
)
def test_each_reason_gives_the_numbers(
    targets_dataset: Dataset,
    library_with_history: IndicatorLibrary,
    code: str,
    words: tuple[str, ...],
) -> None:
    review = review_targets(targets_dataset, library_with_history)
    (finding,) = [f for f in review.findings if f.code == code]
    for word in words:
        assert word in finding.message
    assert finding.place.startswith(("tests/", "/")) and ".yaml:" in finding.place


def test_it_ignores_history_of_the_review_year_itself(
    targets_dataset: Dataset, library_with_history: IndicatorLibrary
) -> None:
    review = review_targets(targets_dataset, library_with_history)
    (row,) = [r for r in review.rows if r.name == "国际和粤港澳科技合作项目数"]
    assert row.history is not None and row.history.last_year == 2022


def test_it_reports_history_rows_of_unknown_indicators(
    targets_dataset: Dataset, library_with_history: IndicatorLibrary
) -> None:
    review = review_targets(targets_dataset, library_with_history)
    unknown = [
        f
        for f in review.findings
        if f.code == "target.unknown_code" and "history.csv:10" in f.place
    ]
    assert unknown and "不存在的指标" in unknown[0].message


def test_it_lists_missing_categories_per_owner(targets_dataset: Dataset) -> None:
    review = review_targets(targets_dataset, shipped_library())
    incomplete = {
        f.place: f.values["missing"] for f in review.findings if f.code == "target.incomplete"
    }
    assert incomplete == {"项目 P2": "效益指标、产出指标/数量指标"}


def test_a_stricter_rule_file_changes_the_result(targets_dataset: Dataset) -> None:
    strict = ReviewSettings(required_level1=("产出指标", "效益指标", "满意度指标"))
    review = review_targets(targets_dataset, shipped_library(), strict)
    missing = {
        f.place: f.values["missing"] for f in review.findings if f.code == "target.incomplete"
    }
    assert missing["项目 P1"] == "满意度指标"
    assert missing["项目 P2"] == "效益指标、满意度指标、产出指标/数量指标"


def test_indicators_without_history_are_an_info_not_a_flag(targets_dataset: Dataset) -> None:
    review = review_targets(targets_dataset, shipped_library())
    no_history = [f for f in review.findings if f.code == "target.no_history"]
    assert no_history and all(f.severity.value == "info" for f in no_history)


def test_the_example_is_reviewed_without_history(example_yaml: object) -> None:
    from pathlib import Path

    from jixiao.io.formats import load_dataset

    assert isinstance(example_yaml, Path)
    review = review_targets(load_dataset(example_yaml), shipped_library())
    names = {r.name: r.code for r in review.rows}
    # The seed's department-level indicators are in the starter library under their report wording.
    assert names["新增上市科技型企业数"] == "KJ-BM-02"
    assert names["建设新型研发机构（高水平创新研究院）数"] == "KJ-BM-01"
    assert any(f.code == "target.no_history" for f in review.findings)


def test_medium_term_targets_are_not_compared_with_annual_history(
    targets_dataset: Dataset, library_with_history: IndicatorLibrary
) -> None:
    import dataclasses

    medium = tuple(
        dataclasses.replace(i, horizon="中期") if i.name == "高层次人才数" else i
        for i in targets_dataset.indicators
    )
    review = review_targets(
        dataclasses.replace(targets_dataset, indicators=medium), library_with_history
    )
    (row,) = [r for r in review.rows if r.name == "高层次人才数"]
    assert row.flags == ()


def test_the_garbage_collector_is_back_on_after_a_review(targets_dataset: Dataset) -> None:
    import gc

    review_targets(targets_dataset, shipped_library())
    assert gc.isenabled()


@settings(max_examples=60, deadline=None)
@given(
    target=st.integers(min_value=1, max_value=1000),
    actuals=st.lists(st.integers(min_value=1, max_value=1000), min_size=1, max_size=3),
)
def test_low_and_high_follow_their_definitions(target: int, actuals: list[int]) -> None:
    """≥ target: 偏低 iff below the last prior actual; 偏高 iff above 1.5 × the highest."""
    from decimal import Decimal

    from jixiao.dataset.model import Goal, Indicator, Profile
    from jixiao.monitoring.library import HistoryRecord

    history = [
        HistoryRecord("KJ-BM-02", "", 2020 + i, "甲厅", None, Decimal(a))
        for i, a in enumerate(actuals)
    ]
    indicator = Indicator(
        owner="1",
        level1="效益指标",
        level2="经济效益指标",
        name="新增上市科技型企业数",
        sign="≥",
        target=Decimal(target),
        unit="家",
    )
    dataset = Dataset(
        profile=Profile(department_name="甲厅", year=2023),
        goals=(Goal("1", "甲"),),
        indicators=(indicator,),
    )
    (row,) = review_targets(dataset, shipped_library().with_history(history)).rows
    assert ("偏低" in row.flags) == (target < actuals[-1])
    assert ("偏高" in row.flags) == (Decimal(target) > Decimal("1.5") * max(actuals))


def test_the_set_too_low_threshold_is_read_as_a_percent_and_the_old_key_is_refused(
    tmp_path: Path,
) -> None:
    rules = tmp_path / "review.yaml"
    rules.write_text('over_achievement: {threshold: "150"}\n', "utf-8")
    assert load_review_settings(_texts(rules, "review.yaml")).over_achievement.threshold == Decimal(
        150
    )
    rules.write_text('self_eval_low_ratio: "1.2"\n', "utf-8")
    with pytest.raises(DatasetError, match=r"over_achievement\.threshold"):
        load_review_settings(_texts(rules, "review.yaml"))
    rules.write_text('over_achievement: {threshold: "90"}\n', "utf-8")
    with pytest.raises(DatasetError, match="应不小于 100"):
        load_review_settings(_texts(rules, "review.yaml"))


@pytest.mark.parametrize(
    ("sign", "target", "actual", "flagged"),
    [
        ("≥", "100", "121", True),  # 121% > 120%
        ("≥", "100", "120", False),  # exactly 120%: not above
        ("≤", "10", "8", True),  # 反向: 10 ÷ 8 = 125%
        ("≤", "10", "0", False),  # none at all is the ideal, not a lax target
        ("＝", "100", "300", False),  # ＝ never over-achieves: any deviation is a miss
    ],
)
def test_set_too_low_follows_the_domain_policy(
    sign: str, target: str, actual: str, flagged: bool
) -> None:
    indicator = Indicator(
        owner="G1",
        level1="产出指标",
        level2="数量指标",
        name="甲",
        sign=sign,
        target=Decimal(target),
        actual=Decimal(actual),
        unit="个",
    )
    review = review_targets(Dataset(indicators=(indicator,)), IndicatorLibrary())
    assert any(f.code == "target.set_too_low" for f in review.findings) is flagged


def test_a_targets_findings_point_at_its_row_and_field(
    targets_dataset: Dataset, library_with_history: IndicatorLibrary
) -> None:
    review = review_targets(targets_dataset, library_with_history)
    (low,) = [f for f in review.findings if f.code == "target.low_history"]
    assert (low.location.table, low.location.column) == ("indicators", "target")
    assert low.location.row.endswith("/新增上市科技型企业数")
    assert low.values["target"] == "90" and low.values["last_actual"] == "100"
    (incomplete,) = [f for f in review.findings if f.code == "target.incomplete"]
    assert (incomplete.location.table, incomplete.location.row) == ("projects", "P2")


def test_every_review_finding_is_of_a_declared_kind(
    targets_dataset: Dataset, library_with_history: IndicatorLibrary
) -> None:
    from jixiao.findings import KINDS

    review = review_targets(targets_dataset, library_with_history)
    assert {f.code for f in review.findings} <= set(KINDS)
    assert all(KINDS[f.code].severity is f.severity for f in review.findings)


def _texts(path: Path, name: str) -> RuleTexts:
    """A rule file's text as a caller hands it to the engine (the engine opens no path)."""
    return RuleTexts({name: (path.read_text("utf-8"), path.name)})
