"""The seed report's own contradictions are all found — and nothing else is called an error."""

from __future__ import annotations

from pathlib import Path

import pytest

from jixiao.checks import Finding, Severity, run_checks
from jixiao.io.formats import load_dataset

SEED_FIXTURE = Path(__file__).resolve().parent.parent / "data" / "seed-money.yaml"

#: (code, a text the message contains): every error in the seed report.
SEED_ERRORS: list[tuple[str, str]] = [
    # “包括1个行政单位和10个事业单位”, but table 1 lists 1 + 9
    ("units.institution_count_mismatch", "事业单位数 10 个 ≠ “预算单位”表按单位性质统计的 9 个"),
    # 决算支出 615,883.73 ÷ 180,242.93 = 341.70%, printed 241.70%
    ("stated.mismatch", "报告写 241.70%"),
    # 其他商品和服务支出 521,728.73 ÷ 554,632.54 = 94.07%, printed 94.10%
    ("stated.mismatch", "报告写 94.10%"),
    # 绩效管理 15 − 13.5 = 1.5, text says 扣 1 分
    ("score.deduction_mismatch", "“绩效管理”说明写扣 1 分"),
    # the conclusion lists as full marks items that lost points
    ("score.full_marks_mismatch", "“预算编制”得满分"),
    ("score.full_marks_mismatch", "“绩效管理”得满分"),
    ("score.full_marks_mismatch", "“采购管理”得满分"),
    ("score.full_marks_mismatch", "“资产管理”得满分"),
    ("score.full_marks_mismatch", "“运行成本”得满分"),
    # … and 资产管理 both as full marks and as deducted
    ("score.stated_lists_conflict", "“资产管理”同时列为满分项和扣分项"),
]

#: Warnings the seed deserves.
SEED_WARNINGS: list[tuple[str, str]] = [
    ("indicator.not_met", "新增上市科技型企业数”未达成：指标值 ≥90家，完成值 50家，完成率 55.56%"),
    ("carryover.flow_gap", "相差 -2,370.86 万元"),
]


def _has(findings: list[Finding], code: str, text: str) -> bool:
    return any(f.code == code and text in f.message for f in findings)


@pytest.fixture(scope="module", params=["fixture", "example", "example workbook"])
def seed_findings(
    request: pytest.FixtureRequest, example_yaml: Path, example_xlsx: Path
) -> list[Finding]:
    paths = {"fixture": SEED_FIXTURE, "example": example_yaml, "example workbook": example_xlsx}
    return run_checks(load_dataset(paths[request.param]))


@pytest.mark.parametrize(("code", "text"), SEED_ERRORS + SEED_WARNINGS)
def test_it_finds_each_contradiction_of_the_seed(
    seed_findings: list[Finding], code: str, text: str
) -> None:
    assert _has(seed_findings, code, text), [f.message for f in seed_findings if f.code == code]


def test_every_error_it_reports_on_the_seed_is_a_known_contradiction(
    seed_findings: list[Finding],
) -> None:
    errors = [f for f in seed_findings if f.severity is Severity.ERROR]
    unexplained = [
        f.message
        for f in errors
        if not any(f.code == code and text in f.message for code, text in SEED_ERRORS)
    ]
    assert unexplained == []


def test_it_reports_each_contradiction_once_though_the_example_states_it_twice(
    seed_findings: list[Finding],
) -> None:
    # 事业单位数 10 and “扣 1 分” are on 基本信息 / the scorecard row and again on 声明数.
    assert [f.code for f in seed_findings if "事业单位数" in f.message] == [
        "units.institution_count_mismatch"
    ]
    assert [f.code for f in seed_findings if "扣 1 分" in f.message] == ["score.deduction_mismatch"]
