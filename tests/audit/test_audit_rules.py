"""Each rule on a small paragraph: the wrong statement is caught with the right value,
and the corrected statement audits clean. The same pairs are the examples of docs/audit.md."""

from __future__ import annotations

import pytest

from jixiao.audit import audit_lines

SCORECARD = [
    "（三）管理效率分析",
    "管理效率反映预算管理水平。该指标分值10分，自评得分7分。",
    "1. 预算编制情况。该指标分值5分，自评得分4分。项目储备不足，扣1分。",
    "2. 预算执行情况。该指标分值5分，自评得分3分。执行进度偏慢，扣2分。",
]

TABLE = [
    "表5　2023年支出预算与决算（按支出性质）",
    "支出性质\t年初预算\t决算\t决算为年初预算的（%）",
    "基本支出\t39,855.33\t35,480.92\t89.02",
    "人员经费\t31,373.05\t29,615.67\t94.40",
    "日常公用经费\t8,482.28\t5,865.25\t69.15",
    "项目支出\t140,387.60\t578,025.85\t411.74",
    "经营支出\t0.00\t2,376.96\t",
    "合计\t180,242.93\t615,883.73\t341.70",
]
SCORE_TABLE = [
    "编码\t指标名称\t分值\t自评得分\t扣分",
    "2\t管理效率\t10\t4.42\t5.58",
    "2.1\t预算编制\t5\t1\t4",
    "2.2\t预算执行\t4\t3.42\t0.58",
    "2.3\t信息公开\t1\t0\t1",
]

APPENDIX = [
    "附录2：数据来源",
    "附录表2　数据来源",
    "编号\t名称\t数值\t单位\t计算公式\t所依据的数据",
    "three_public.trips.groups\t因公出国（境）团组数\t19\t个\t填报数\t基本信息.因公出国（境）团组数 = 19",
    "three_public.trips.persons\t因公出国（境）人次\t48\t人次\t填报数\t基本信息.因公出国（境）人次 = 48",
    "income.final.share.财政拨款收入\t财政拨款收入占决算收入合计的比例\t96.02\t%\t\t",
    "income.final.财政拨款收入\t财政拨款收入决算数\t592,519.16\t万元\t填报数\t",
]

#: The same appendix as a PDF text layer: cells broken over lines and run together, a page break.
APPENDIX_PDF = [
    "附录2：数据来源",
    "附录表2　数据来源",
    "编号 名称 数值 单位 计算公式 所依据的数据",
    "headcount.active 在职人员 590 人 填报数 基本信息.在职人员 =",
    "590",
    "— 47 —",
    "编号 名称 数值 单位 计算公式 所依据的数据",
    "three_public.trips.g",
    "roups",
    "因公出国",
    "（境）团",
    "组数",
    "19 个 填报数 基本信息.因公出",
    "国（境）团组数 = 19",
]

#: (rule, wrong text, corrected text, severity, stated, expected)
CASES = [
    (
        "sum",
        ["2023年“三公”经费支出合计160.66万元。其中：因公出国（境）费支出86.03万元，公务用车购置及运行维护费支出70.17万元，公务接待费支出4.64万元。"],
        ["2023年“三公”经费支出合计160.66万元。其中：因公出国（境）费支出86.03万元，公务用车购置及运行维护费支出70.17万元，公务接待费支出4.46万元。"],
        "error", "160.66", "160.84",
    ),
    (
        "sum",  # mixed units in one sum: 8.2 亿元 + 42,500.00 万元 = 12.45 亿元
        ["全年支出合计12.35亿元，其中：市级资金8.2亿元、上级补助资金42,500.00万元。"],
        ["全年支出合计12.45亿元，其中：市级资金8.2亿元、上级补助资金42,500.00万元。"],
        "error", "12.35", "12.45",
    ),
    (
        "sum",  # off by one unit of the last digit: the parts were rounded
        ["收入合计 100.01 万元，其中：财政拨款收入 60.00 万元、其他收入 40.00 万元。"],
        ["收入合计 100.00 万元，其中：财政拨款收入 60.00 万元、其他收入 40.00 万元。"],
        "info", "100.01", "100.00",
    ),
    (
        "share",
        ["收入合计 200.00 万元，其中：财政拨款收入 150.00 万元，占总收入 70.00%；其他收入 50.00 万元，占总收入 25.00%。"],
        ["收入合计 200.00 万元，其中：财政拨款收入 150.00 万元，占总收入 75.00%；其他收入 50.00 万元，占总收入 25.00%。"],
        "error", "70.00", "75.00",
    ),
    (
        "share",  # 100.01 / 300.00 = 33.3367%: 33.33 is the truncation, not the rounding
        ["收入合计 300.00 万元，其中：财政拨款收入 100.01 万元，占总收入 33.33%；其他收入 199.99 万元，占总收入 66.66%。"],
        ["收入合计 300.00 万元，其中：财政拨款收入 100.01 万元，占总收入 33.34%；其他收入 199.99 万元，占总收入 66.66%。"],
        "rounding", "33.33", "33.34",
    ),
    (
        "budget-ratio",
        ["2023年年初预算支出为1,000.00万元。", "本部门2023年决算支出合计1,250.00万元，为年初预算的120.00%。"],
        ["2023年年初预算支出为1,000.00万元。", "本部门2023年决算支出合计1,250.00万元，为年初预算的125.00%。"],
        "error", "120.00", "125.00",
    ),
    (
        "change",  # last year's value is implied: 60.00 − 10.00 = 50.00
        ["“三公”经费支出合计60.00万元，较上年增加10.00万元，增幅25.00%。"],
        ["“三公”经费支出合计60.00万元，较上年增加10.00万元，增幅20.00%。"],
        "error", "25.00", "20.00",
    ),
    (
        "change",
        ["年末结转结余 900.00 万元，比上年同口径的 1,000.00 万元减少 110.00 万元，减幅 10.00%。"],
        ["年末结转结余 900.00 万元，比上年同口径的 1,000.00 万元减少 100.00 万元，减幅 10.00%。"],
        "error", "110.00", "100.00",
    ),
    (
        "saving",
        ["2023年“三公”经费支出合计160.66万元，比年初预算的223.36万元节约60.70万元。"],
        ["2023年“三公”经费支出合计160.66万元，比年初预算的223.36万元节约62.70万元。"],
        "error", "60.70", "62.70",
    ),
    (
        "score",
        ["4. 绩效管理情况。该指标分值15分，自评得分13.5分。自评工作仍需提高准确性，扣1分。"],
        ["4. 绩效管理情况。该指标分值15分，自评得分13.5分。自评工作仍需提高准确性，扣1.5分。"],
        "error", "1", "1.5",
    ),
    (
        "score-total",
        [*SCORECARD[:1], "管理效率反映预算管理水平。该指标分值10分，自评得分8分。", *SCORECARD[2:]],
        SCORECARD,
        "error", "8", "7",
    ),
    (
        "conclusion",
        [*SCORECARD, "（四）自评结论", "从二级指标来看：预算编制的自评得满分；预算执行等方面有扣分。"],
        [*SCORECARD, "（四）自评结论", "从二级指标来看：预算编制和预算执行等方面有扣分。"],
        "error", "5", "4",
    ),
    (
        "conclusion",  # an item the text says was not scored is not left out of the deductions
        [*SCORECARD, "（四）自评结论", "从二级指标来看：预算编制等方面有扣分。"],
        [*SCORECARD, "（四）自评结论", "从二级指标来看：预算编制等方面有扣分；预算执行因缺少数据未单独评分。"],
        "warning", None, None,
    ),
    (
        "formula",  # a total of points with its parts in brackets (a scorecard's 评分说明)
        ["1.1\t整体效能\t25\t—\t\t未完整评分：下级指标得分合计 1.36 分（新增上市科技型企业数 1.16）"],
        ["1.1\t整体效能\t25\t—\t\t未完整评分：下级指标得分合计 1.16 分（新增上市科技型企业数 1.16）"],
        "error", "1.36", "1.16",
    ),
    (
        "appendix",  # a body figure against the report's own 数据来源 row
        ["2023年度因公出国（境）团组 18 个、48 人次。", *APPENDIX],
        ["2023年度因公出国（境）团组 19 个、48 人次。", *APPENDIX],
        "error", "18", "19",
    ),
    (
        "appendix",  # the appendix as a PDF text layer lays it out
        ["2023年度因公出国（境）团组 18 个、48 人次。", *APPENDIX_PDF],
        ["2023年度因公出国（境）团组 19 个、48 人次。", *APPENDIX_PDF],
        "error", "18", "19",
    ),
    (
        "appendix",  # the unnamed count is the appendix's only 人次 row
        ["2023年度因公出国（境）团组 19 个、84 人次。", *APPENDIX],
        ["2023年度因公出国（境）团组 19 个、48 人次。", *APPENDIX],
        "warning", "84", "48",
    ),
    (
        "appendix",  # a number changed in the appendix no longer agrees with the body
        ["本部门财政拨款收入 592,519.16 万元，占总收入 96.02%。", *APPENDIX[:-1], "income.final.财政拨款收入\t财政拨款收入决算数\t592,519.61\t万元\t填报数\t"],
        ["本部门财政拨款收入 592,519.16 万元，占总收入 96.02%。", *APPENDIX],
        "error", "592519.16", "592519.61",
    ),
    (
        "grade",
        ["（一）自评结论", "本部门整体支出绩效自评得分为85分，评价等级为优秀。"],
        ["（一）自评结论", "本部门整体支出绩效自评得分为85分，评价等级为良好。"],
        "warning", None, None,
    ),
    (
        "unit-kinds",
        ["本部门纳入预算编制范围的预算单位共10个，包括1个行政单位和10个事业单位。"],
        ["本部门纳入预算编制范围的预算单位共10个，包括1个行政单位和9个事业单位。"],
        "error", "11", "10",
    ),
    (
        "table-rows",
        ["纳入部门决算共3个单户单位（详见表1）。", "表1 单位构成", "序号\t单位名称\t单位性质", "1\t本级\t行政机关", "2\t信息中心\t公益一类"],
        ["纳入部门决算共2个单户单位（详见表1）。", "表1 单位构成", "序号\t单位名称\t单位性质", "1\t本级\t行政机关", "2\t信息中心\t公益一类"],
        "error", "3", "2",
    ),
    (
        "list-count",
        ["本级内设办公室、财务科、人事科共4个科室。"],
        ["本级内设办公室、财务科、人事科共3个科室。"],
        "error", "4", "3",
    ),
    (
        "list-count",  # Chinese numerals in counts
        ["县教育局内设办公室、计划财务股、基础教育股和人事股五个股室。"],
        ["县教育局内设办公室、计划财务股、基础教育股和人事股四个股室。"],
        "error", "5", "4",
    ),
    (
        "restated",
        ["本部门决算收入合计 617,056.54 万元。", "二、存在问题", "本部门决算收入合计 617,065.54 万元。"],
        ["本部门决算收入合计 617,056.54 万元。", "二、存在问题", "本部门决算收入合计 617,056.54 万元。"],
        "error", "617065.54", "617056.54",
    ),
    (
        "formula",
        ["新增上市科技型企业数：完成值 50，指标值 90，完成率 55.56%，得分 = 55.56% × 2.08 = 1.19 分。"],
        ["新增上市科技型企业数：完成值 50，指标值 90，完成率 55.56%，得分 = 55.56% × 2.08 = 1.16 分。"],
        "error", "1.19", "1.16",
    ),
    (
        "formula",
        ["新增上市科技型企业数：完成值 50，指标值 90，完成率 55.65%。"],
        ["新增上市科技型企业数：完成值 50，指标值 90，完成率 55.56%。"],
        "error", "55.65", "55.56",
    ),
    (
        "table",  # a ratio cell of a numeric table
        [*TABLE[:2], "基本支出\t39,855.33\t35,480.92\t89.20", *TABLE[3:]],
        TABLE,
        "error", "89.20", "89.02",
    ),
    (
        "table",  # the 合计 row: children (人员经费 + 日常公用经费) are not counted twice
        [*TABLE[:7], "合计\t180,242.93\t615,883.93\t341.70"],
        TABLE,
        "error", "615883.93", "615883.73",
    ),
    (
        "score-table",
        [*SCORE_TABLE[:3], "2.2\t预算执行\t4\t3.42\t0.68", *SCORE_TABLE[4:]],
        SCORE_TABLE,
        "error", "0.68", "0.58",
    ),
    (
        "score-table",
        [*SCORE_TABLE[:1], "2\t管理效率\t10\t5.42\t4.58", *SCORE_TABLE[2:]],
        SCORE_TABLE,
        "error", "5.42", "4.42",
    ),
    (
        "restated-clause",
        ["资产情况：车辆 5 辆，单价在 100 万元以上的设备 1 台。", "附表说明：车辆 2 辆，单价在 100 万元以上的设备 1 台。"],
        ["资产情况：车辆 5 辆，单价在 100 万元以上的设备 1 台。", "附表说明：车辆 5 辆，单价在 100 万元以上的设备 1 台。"],
        "warning", "2", "5",
    ),
    (
        "score-total",  # the total score stated again, differently
        ["（一）自评结论", "本部门整体指标自评得分为 89.56 分（满分 100 分）。", "附表1：评分表", "评分框架：gd-dept-2023。自评总分 89.65 分。"],
        ["（一）自评结论", "本部门整体指标自评得分为 89.56 分（满分 100 分）。", "附表1：评分表", "评分框架：gd-dept-2023。自评总分 89.56 分。"],
        "error", "89.65", "89.56",
    ),
    (
        "sum",  # whole counts are exact: one person off is an error, not rounding
        ["年末实有人数 898 人，其中在职人员 591 人，离退休人员 308 人。"],
        ["年末实有人数 899 人，其中在职人员 591 人，离退休人员 308 人。"],
        "error", "898", "899",
    ),
    (
        "text-table",  # the text and its own table disagree
        ["人员经费决算支出 29,615.76 万元，为年初预算的 94.40%。", TABLE[0], "单位：万元", *TABLE[1:]],
        ["人员经费决算支出 29,615.67 万元，为年初预算的 94.40%。", TABLE[0], "单位：万元", *TABLE[1:]],
        "warning", "29615.76", "31373.05",
    ),
    (
        "text-table",  # a target in the text against the indicator table (≥ 47 项)
        ["2023 年实现支持国际和粤港澳科技合作 57 项。", "表3 绩效指标", "三级指标\t指标值\t完成值", "支持国际和粤港澳科技合作项目数\t≥47项\t"],
        ["2023 年实现支持国际和粤港澳科技合作 47 项。", "表3 绩效指标", "三级指标\t指标值\t完成值", "支持国际和粤港澳科技合作项目数\t≥47项\t"],
        "warning", "57", "47",
    ),
    (
        "numbering",
        ["（四）存在问题及改进措施", "1. 优化预算支出", "2. 强化预算编制", "2. 规范绩效目标", "（五）其他"],
        ["（四）存在问题及改进措施", "1. 优化预算支出", "2. 强化预算编制", "3. 规范绩效目标", "（五）其他"],
        "warning", "2", "3",
    ),
    (
        "share",  # full-width digits and punctuation
        ["收入合计２００．００万元，其中：财政拨款收入１５０．００万元，占总收入７０．００％；其他收入５０．００万元，占总收入２５．００％。"],
        ["收入合计２００．００万元，其中：财政拨款收入１５０．００万元，占总收入７５．００％；其他收入５０．００万元，占总收入２５．００％。"],
        "error", "70.00", "75.00",
    ),
]  # fmt: skip


@pytest.mark.parametrize(("rule", "wrong", "right", "severity", "stated", "expected"), CASES)
def test_it_catches_the_wrong_number_and_passes_the_corrected_one(
    rule: str,
    wrong: list[str],
    right: list[str],
    severity: str,
    stated: str | None,
    expected: str | None,
) -> None:
    findings = audit_lines(wrong).findings
    assert [(f.code, f.severity.value, f.stated, f.expected) for f in findings] == [
        (rule, severity, stated, expected)
    ]
    assert audit_lines(right).findings == []


def test_it_names_the_line_of_the_number_after_a_page_break() -> None:
    lines = [
        "其中：其他商品和服务支出 521,728.73 万元，",
        "",
        "占比 94.10%，委托业务费 16,574.62 万元，占比 2.99%。",
    ]
    lines = ["主要是商品和服务支出 554,632.54 万元，占项目支出 95.95%，", *lines]
    lines = ["② 项目支出决算支出合计 578,025.85 万元，", *lines]
    findings = audit_lines(lines).findings
    assert [(f.location.line, f.expected) for f in findings] == [(5, "94.07")]


def test_a_very_long_line_is_cut_into_paragraphs_and_still_points_at_its_line() -> None:
    filler = "本年度持续推进各项工作，取得积极成效；" * 600  # about 11,000 characters, one line
    wrong = "“三公”经费支出合计60.00万元，较上年增加10.00万元，增幅25.00%。"
    findings = audit_lines(["标题", filler + wrong + filler]).findings
    assert [(f.location.line, f.code, f.expected) for f in findings] == [(2, "change", "20.00")]
