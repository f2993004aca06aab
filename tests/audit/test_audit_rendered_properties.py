"""Property: in a report jixiao renders from random money data, body and appendix agree.

The rendered Word report states every figure in its body and again in 附录 数据来源; whatever
the amounts (blanks, zeros, a budget of 0, ten-million 万元 figures), the `appendix` rule finds
nothing. (Random data may itself be inconsistent — parts above their total — which other rules
rightly report, so only this rule is asserted here.)
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings

from jixiao.audit import audit_file
from jixiao.dataset.model import Dataset
from jixiao.reports.api import write_reports
from strategies import money_datasets


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(money_datasets)
def test_the_body_of_a_rendered_report_agrees_with_its_appendix(dataset: Dataset) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        [path] = write_reports(dataset, Path(tmp), ("docx",))
        result = audit_file(path)
    assert [
        (f.location.line, f.claim, f.message) for f in result.findings if f.code == "appendix"
    ] == []
