"""Whether a department's 评分说明 gives a reason for a deduction: a registry of cues.

A deduction's reason is the department's text only when that text names a shortfall
(“部分效益指标未细化量化”, “年中预算调整较多”, “资产年报数据的完整性上有待进一步加强”).
A text that only describes work done (“开展了基础信息更新工作。”) is not a reason: printed
after “扣0.5分。” it reads as one — praise given as the cause of lost points. The report
then states the deduction without a reason sentence and the review file lists the line as
扣分未说明理由 (see ``docs/reports.md`` “Every deduction has a reason”).

:data:`SHORTFALL_CUES` is the registry: each entry is a way Chinese budget texts name a
shortfall (its identifier, its Chinese name and a pattern). :data:`CLEARED` are phrases that
contain such a word but say the opposite (“未发现问题”, “不存在违规”, “超额完成”, “取得较大
进展”, “未超编制”); they are taken out before the cues are looked for. A province whose
departments write other words adds them with ``deduction_cues`` in a wording file (plain
words, looked for after the same clearing).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from jixiao.lib.registry import Registry

#: identifier → pattern of one way of naming a shortfall, in registration order.
SHORTFALL_CUES: Registry[re.Pattern[str]] = Registry("扣分理由线索")

for _id, _name, _pattern in (
    (
        "not_done",
        "未完成、未达到",
        r"未(?:能|按|及时|完成|达到|达|实现|全部|全面|细化|量化|建立|制定|公开|开展|落实"
        r"|执行|覆盖|明确|到位|按时|按期|足额|通过|纳入|报送|更新|设置|提供)",
    ),
    (
        "insufficient",
        "不足、不到位",
        r"不(?:足|够|到位|完整|完善|规范|准确|及时|充分|明确|合理|健全|严格|细致|精准|科学)"
        r"|欠缺|缺少|缺乏|缺失|缺项|薄弱|短板",
    ),
    (
        "needs_work",
        "有待改进",
        r"有待|仍需|尚需|还需|需(?:要)?进一步|亟(?:需|待)|尚未|仍未|仍有|仍存在|还有.{0,4}空间",
    ),
    (
        "deviation",
        "偏差、滞后",
        r"偏(?:低|高|差|慢|少|多)|差距|差异较?大|滞后|缓慢|较慢|延迟|推迟|拖延",
    ),
    (
        "problem",
        "存在问题",
        r"问题|存在|瑕疵|失误|差错|错误|漏报|违规|违纪|超支|超标|超预算|超编|超进度|超范围",
    ),
    ("changed", "调整、收回", r"调整(?:较多|较大|频繁|次数)|调剂|收回|回收|较多|较大|频繁"),
    (
        "beyond",
        "低于、超出",
        r"低于|超(?:过|出)(?:了)?(?:预算|标准|规定|时限|期限|定额|编制|计划|核定|批复)",
    ),
):
    SHORTFALL_CUES.add(_id, _name, re.compile(_pattern))

#: Phrases that contain a cue but name no shortfall: removed before the cues are looked for.
CLEARED = re.compile(
    # score talk: “扣0.5分” says how much was lost, not why (a praise sentence followed by
    # “扣0.5分” is still no reason)
    r"(?:该指标)?分值\s*[\d.]+\s*分|(?:自评)?得分\s*[\d.]+\s*分|得满分|扣(?:除)?\s*[\d.]+\s*分"
    r"|扣分|"
    r"未(?:发现|出现|发生)[^，。；]{0,12}?(?:问题|违规|违纪|差错|错误|偏差|超支|情况)[^，。；]*"
    r"|(?:无|没有|不存在)[^，。；]{0,8}?(?:问题|违规|违纪|差错|偏差|差距|超支|超标|瑕疵)[^，。；]*"
    r"|问题[^，。；]{0,4}?(?:已|均已|全部)(?:整改|解决)(?:到位|完毕|完成)?"
    r"|超额(?:完成|实现)|超过(?:目标|指标值|预期|年度目标|序时进度|计划)"
    r"|高于(?:目标|指标值|全省|全国|平均)"
    r"|(?:取得|实现)(?:了)?较大|较大(?:提升|提高|进展|成效|突破|幅度|增长)"
    r"|(?:解决|破解|化解|整改)[^，。；]{0,12}?问题"
    r"|(?:支出|成本|费用|经费|能耗)[^，。；]{0,6}?低于"
    r"|未超[^，。；]{0,4}|不超[过出]?|未(?:调整|调剂)"
)


def shortfall(text: str, extra: Sequence[str] = ()) -> str | None:
    """The identifier of the first cue ``text`` names a shortfall by, else ``None``.

    ``extra`` are plain words a wording file adds (``deduction_cues``): a match is ``"extra"``.
    """
    rest = CLEARED.sub("", text)
    for identifier, pattern in SHORTFALL_CUES.items():
        if pattern.search(rest):
            return identifier
    if any(word and word in rest for word in extra):
        return "extra"
    return None


def is_reason(text: str, extra: Sequence[str] = ()) -> bool:
    """Whether ``text`` can stand as the reason of a deduction (it names a shortfall)."""
    return bool(text) and shortfall(text, extra) is not None
