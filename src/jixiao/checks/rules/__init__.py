"""The consistency checks; importing this package registers them, in this order
(which is the order findings are listed in)."""

# isort: skip_file
from __future__ import annotations

from jixiao.checks.rules import facts  # noqa: F401  (profile, units, headcount)
from jixiao.checks.rules import totals  # noqa: F401  (totals = parts, 汇总)
from jixiao.checks.rules import execution  # noqa: F401  (variance, 执行率, targets, flow)
from jixiao.checks.rules import scorecard  # noqa: F401
from jixiao.checks.rules import stated  # noqa: F401  (声明数, implied prior year)
