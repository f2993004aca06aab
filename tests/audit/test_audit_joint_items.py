"""A half of a joint 三公 item named alone: which figure is its change about?

"公务用车购置及运行维护费" is a joint item with two halves (购置费, 运行维护费). A report that
names one half alone may mean the joint item — unless its own table has that half as a line
of its own; then the change is the half's, and checking its rate against the joint item's
last year is a false error. Found by hypothesis (tests/reports/test_own_audit.py, a
synthetic department under mof-dept-2013, seed 2): 公务用车运行维护费 2.82 → 2.68 万元,
"减少0.14万元，减幅4.96%" (0.14 ÷ 2.82), was read as the joint item 6.07 → 5.93 (0.14 ÷ 6.07
= 2.31%) because 购置费 did not change and so was not named.
"""

from __future__ import annotations

from jixiao.audit import audit_lines
from jixiao.findings import Severity

PROSE = [
    "（六）“三公”经费支出情况",
    "2023年“三公”经费支出合计17.20万元，比年初预算的18.59万元节约1.39万元。其中：因公出国（境）费支出4.20万元，公务用车购置及运行维护费支出5.93万元，公务接待费支出7.07万元。",
    "2023年“三公”经费支出合计17.20万元，较上年同口径减少0.49万元，减幅2.77%。",
    "“因公出国（境）费”本年度比上年度增加0.09万元，增幅2.19%。“公务用车运行维护费”本年度比上年度减少0.14万元，减幅{rate}%。“公务接待费”本年度比上年度减少0.44万元，减幅5.86%。",
]
TABLE = [
    "“三公”经费预算、决算及上年决算情况见表9。",
    "表9\u30002023年“三公”经费支出情况",
    "单位：万元",
    "项目\t年初预算\t调整后预算\t决算\t上年决算\t决算为年初预算的（%）",
    "“三公”经费合计\t18.59\t19.52\t17.20\t17.69\t92.52",
    "其中：因公出国（境）费\t4.83\t5.07\t4.20\t4.11\t86.96",
    "公务用车购置及运行维护费\t6.40\t6.72\t5.93\t6.07\t92.66",
    "其中：公务用车购置费\t3.61\t3.79\t3.25\t3.25\t90.03",
    "公务用车运行维护费\t2.79\t2.93\t2.68\t2.82\t96.06",
    "公务接待费\t7.36\t7.73\t7.07\t7.51\t96.06",
]


def _change_errors(lines: list[str]) -> list[str]:
    findings = audit_lines(lines, "report.docx").findings
    return [f.message for f in findings if f.code == "change" and f.severity == Severity.ERROR]


def _with(rate: str, table: list[str]) -> list[str]:
    return [*PROSE[:-1], PROSE[-1].format(rate=rate), *table]


def test_a_half_with_a_table_line_of_its_own_is_not_read_as_the_joint_item() -> None:
    assert _change_errors(_with("4.96", TABLE)) == []


def test_a_half_named_alone_without_a_line_of_its_own_still_means_the_joint_item() -> None:
    """The audit's reading where no table separates the halves is kept: 0.14 ÷ 6.07 = 2.31%."""
    (message,) = _change_errors(_with("4.96", []))
    assert "上年 6.07 万元" in message


def test_the_joint_item_named_in_full_is_still_checked_beside_such_a_table() -> None:
    lines = [
        *PROSE[:2],
        "公务用车购置及运行维护费本年度比上年度减少0.14万元，减幅4.96%。",
        *TABLE,
    ]
    (message,) = _change_errors(lines)
    assert "增减额 0.14 万元 ÷ 上年 6.07 万元" in message
