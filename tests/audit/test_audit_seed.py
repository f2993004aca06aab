"""The seed report (广东省科学技术厅 2023 自评报告): every arithmetic error it contains.

Each row was recomputed by hand from the report's own figures:
615,883.73 ÷ 180,242.93 = 341.70%; 15 − 13.5 = 1.5; 表1 has 1 行政机关 + 9 公益类 rows;
521,728.73 ÷ 554,632.54 = 94.07%; the conclusion names five items at full marks that lost points.
The warnings are the seed's slips that docs/example.md lists (items 10, 11, 13 and 16): a unit's
name spelt two ways, facts stated twice with other numbers, a year that is not the report's, and
a gap in the figure numbers.
"""

from __future__ import annotations

import pytest

from jixiao.audit import audit_lines
from jixiao.findings import Severity

#: (line, rule, severity, stated, expected)
SEED_FINDINGS = [
    (39, "numbering", "warning", "2", "3"),  # table of contents: 1. 2. 2. 3. (the body has 1–4)
    (53, "unit-name", "warning", None, None),  # 广东省生力促进中心 vs 表1's 广东省生产力促进中心
    (55, "unit-kinds", "error", "10", "9"),  # 包括1个行政单位和10个事业单位 vs 表1: 1 + 9
    (188, "restated", "warning", "17", "20"),  # 产业集群 达 17 家 vs 表2's 全省总数达 20 个
    (190, "restated", "warning", "2.2", None),  # 科技信贷余额 超2.2万亿元 vs 表2's 超过2.3万亿元
    (194, "restated", "warning", "130", "135"),  # 研发人员达 135 万人 (line 145) vs 130 万人
    (205, "unit-name", "warning", None, None),  # 广东省生力促进中心, again
    (245, "budget-ratio", "error", "241.70", "341.70"),  # 615,883.73 / 180,242.93
    (251, "share", "error", "94.10", "94.07"),  # 521,728.73 / 554,632.54 (商品和服务支出)
    (261, "conclusion", "error", "5", "1"),  # 预算编制 named at full marks, scored 1 of 5
    (261, "conclusion", "error", "15", "13.5"),  # 绩效管理
    (261, "conclusion", "error", "10", "7.5"),  # 采购管理
    (261, "conclusion", "error", "10", "9.5"),  # 资产管理
    (261, "conclusion", "error", "3", "1.64"),  # 运行成本
    (261, "conclusion", "error", None, None),  # 资产管理 both at full marks and deducted
    (263, "grade", "warning", None, None),  # 89.56 is 良 under the national bands, not 优秀
    (283, "score", "error", "1", "1.5"),  # 绩效管理 15 − 13.5 = 1.5, text says 扣 1 分
    (305, "caption-numbering", "warning", "11", "4"),  # 图1–图3, then 图11
    (321, "year", "warning", "2022", "2023"),  # “2022 年…” quoting the 2023 figures of line 233
]


def test_it_reports_exactly_the_seed_errors(seed_lines: list[str]) -> None:
    result = audit_lines(seed_lines, "seed.txt")
    found = [
        (f.location.line, f.code, f.severity.value, f.stated, f.expected) for f in result.findings
    ]
    assert found == SEED_FINDINGS


@pytest.mark.parametrize(
    ("line", "fragment"),
    [
        (245, "180,242.93"),  # names the base it divided by
        (251, "另试基数"),  # says which other base it tried
        (55, "表1"),  # points at the table it counted
        (283, "应扣 1.5 分"),
    ],
)
def test_it_says_what_it_recomputed_from_what(
    seed_lines: list[str], line: int, fragment: str
) -> None:
    messages = [f.message for f in audit_lines(seed_lines).findings if f.location.line == line]
    assert any(fragment in m for m in messages), messages


def test_it_counts_claims_and_checked_claims(seed_lines: list[str]) -> None:
    result = audit_lines(seed_lines, "seed.txt")
    summary = result.to_json()["summary"]
    assert summary == {
        "claims": result.claims,
        "checked": result.checked,
        "errors": 10,
        "warnings": 9,
        "rounding": 0,
        "info": 0,
    }
    assert 0 < result.checked < result.claims
    assert result.count(Severity.ROUNDING) == 0
