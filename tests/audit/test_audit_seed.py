"""The seed report (广东省科学技术厅 2023 自评报告): every arithmetic error it contains.

Each row was recomputed by hand from the report's own figures:
615,883.73 ÷ 180,242.93 = 341.70%; 15 − 13.5 = 1.5; 表1 has 1 行政机关 + 9 公益类 rows;
521,728.73 ÷ 554,632.54 = 94.07%; the conclusion names five items at full marks that lost points.
"""

from __future__ import annotations

import pytest

from jixiao.audit import audit_lines
from jixiao.findings import Severity

#: (line, rule, severity, stated, expected)
SEED_FINDINGS = [
    (39, "numbering", "warning", "2", "3"),  # table of contents: 1. 2. 2. 3. (the body has 1–4)
    (55, "unit-kinds", "error", "10", "9"),  # 包括1个行政单位和10个事业单位 vs 表1: 1 + 9
    (194, "restated", "warning", "130", "135"),  # 研发人员达 135 万人 (line 145) vs 130 万人
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
        "warnings": 3,
        "rounding": 0,
        "info": 0,
    }
    assert 0 < result.checked < result.claims
    assert result.count(Severity.ROUNDING) == 0
