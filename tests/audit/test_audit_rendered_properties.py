"""Property: in a report jixiao renders from random money data, body and appendix agree.

The rendered Word report states every figure in its body and again in 附录 数据来源; whatever
the amounts (blanks, zeros, a budget of 0, ten-million 万元 figures), the `appendix` rule finds
nothing. (Random data may itself be inconsistent — parts above their total — which other rules
rightly report, so only this rule is asserted here.)
"""

from __future__ import annotations

import tempfile
from decimal import Decimal
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jixiao.audit import audit_file
from jixiao.dataset.model import CarryOver, Dataset, MoneyLine, Profile
from jixiao.reports.api import write_reports

AMOUNT = st.one_of(
    st.none(),
    st.just(Decimal(0)),
    st.decimals(min_value=0, max_value=10**7, places=2, allow_nan=False, allow_infinity=False),
)


def _lines(items: list[str]) -> st.SearchStrategy[tuple[MoneyLine, ...]]:
    line = st.builds(
        lambda item, b, f, p: MoneyLine(item=item, budget=b, final=f, prior=p),
        st.sampled_from(items),
        AMOUNT,
        AMOUNT,
        AMOUNT,
    )
    return st.lists(line, max_size=len(items), unique_by=lambda m: m.item).map(tuple)


datasets = st.builds(
    lambda income, nature, three, carry: Dataset(
        profile=Profile(department_name="测试部门", year=2023),
        income=income,
        expenditure_nature=nature,
        three_public=three,
        carryover=carry,
    ),
    _lines(["财政拨款收入", "一般公共预算财政拨款收入", "事业收入", "经营收入", "其他收入"]),
    _lines(["基本支出", "人员经费", "日常公用经费", "项目支出", "经营支出"]),
    _lines(["三公经费合计", "因公出国（境）费", "公务用车运行维护费", "公务接待费"]),
    st.lists(
        st.builds(lambda o, c: CarryOver(fund="合计", opening=o, closing=c), AMOUNT, AMOUNT),
        max_size=1,
    ).map(tuple),
)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(datasets)
def test_the_body_of_a_rendered_report_agrees_with_its_appendix(dataset: Dataset) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        [path] = write_reports(dataset, Path(tmp), ("docx",))
        result = audit_file(path)
    assert [(f.line, f.claim, f.message) for f in result.findings if f.rule == "appendix"] == []
