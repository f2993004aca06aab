"""The audit rules: one small function per relation a report's sentences state.

Each rule finds its relation in the claims ("合计 … 其中 …", "占 … %", "为年初预算的 …%",
"比上年增加 …，增幅 …%", "分值 … 自评得分 … 扣 …"…), recomputes the stated number
from the others and reports through :meth:`Audit.report`. Rules are registered in
:data:`RULES` by the :func:`rule` decorator; importing the modules below, in this order,
is what registers them.
"""

from __future__ import annotations

from jixiao.audit.rules import (  # noqa: F401  (importing a module registers its rules)
    amounts,
    appendix,
    counts,
    formulas,
    names,
    numbering,
    restated,
    scores,
    tables,
    text_tables,
    years,
)
from jixiao.audit.rules.base import RULES, rule

__all__ = ["RULES", "rule"]
