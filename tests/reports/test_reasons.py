"""Whether a 评分说明 names a shortfall (``reports/reasons.py``): real phrasings, both ways."""

from __future__ import annotations

import pytest

from jixiao.reports.reasons import SHORTFALL_CUES, is_reason, shortfall

#: Texts departments wrote beside a deduction that do give its reason, and the cue found.
REASONS = [
    ("部分效益指标未细化量化，扣0.5分。", "not_done"),
    ("部分效益指标未细化量化。", "not_done"),
    ("年中预算调整较多。", "changed"),
    ("农民人均可支配收入增长率未达到目标。", "not_done"),
    ("项目入库率、储备的二级项目储备率仍需提高。", "needs_work"),
    ("但在资产年报数据的完整性上有待进一步加强。", "needs_work"),
    ("但由于2023年部分专项资金支出存在预算调剂、回收等情况。", "problem"),
    ("部分项目绩效目标设置不够细化。", "insufficient"),
    ("个别单位政府采购意向公开不及时。", "insufficient"),
    ("预算执行进度偏慢，年底突击支出。", "deviation"),
    ("与年初目标相比仍有一定差距。", "needs_work"),
    ("固定资产卡片信息缺失。", "insufficient"),
    ("“三公”经费超出预算。", "beyond"),
    ("差旅费存在超标准报销。", "problem"),
    ("预算执行率低于序时进度。", "beyond"),
    ("结转结余资金较多。", "changed"),
    ("绩效自评报告报送滞后。", "deviation"),
    ("部分合同未按规定备案。", "not_done"),
]

#: Texts that describe work done (or say nothing went wrong): not a reason for lost points.
NOT_REASONS = [
    "开展了基础信息更新工作。",
    "开展了基础信息更新工作，扣0.5分。",  # how much was lost is not why
    "该指标分值2分，自评得分1.5分，扣0.5分。",
    "制定了预算和资产管理制度。",
    "资金使用符合规定。",
    "按时公开预决算。",
    "在职人员未超编制。",
    "“三公”经费未超预算。",
    "经检查，未发现违规使用资金问题。",
    "资金使用规范，不存在挤占挪用问题。",
    "无超支情况，账实相符。",
    "上年审计发现的问题均已整改到位。",
    "全年超额完成目标任务。",
    "研发投入强度取得较大提升。",
    "着力解决群众急难愁盼问题，服务满意度较高。",
    "日常公用经费支出低于上年。",
    "绩效目标与部门职责和年度工作计划相符。",
    "",
]


@pytest.mark.parametrize(("text", "cue"), REASONS)
def test_a_text_that_names_a_shortfall_is_a_reason(text: str, cue: str) -> None:
    assert shortfall(text) == cue
    assert is_reason(text)


@pytest.mark.parametrize("text", NOT_REASONS)
def test_a_text_of_work_done_is_not_a_reason(text: str) -> None:
    assert shortfall(text) is None
    assert not is_reason(text)


def test_a_wording_file_adds_its_own_words_after_the_same_clearing() -> None:
    assert not is_reason("台账登记稍显粗放。")
    assert is_reason("台账登记稍显粗放。", extra=["粗放"])
    assert not is_reason("未发现问题。", extra=["问题"])  # cleared first


def test_every_cue_has_a_chinese_name_and_a_phrasing_above() -> None:
    found = {cue for _, cue in REASONS}
    for entry in SHORTFALL_CUES.entries():
        assert entry.name and not entry.name.isascii()
        assert entry.id in found, entry.id
