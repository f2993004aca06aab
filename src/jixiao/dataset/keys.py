"""Stable row keys: how a finding, a stored row and a form field name one row of a table.

A row's key must not change when another row is inserted, so it is built from what
identifies the row, never from its position:

- tables with a natural key (``TableSpec.unique``: 收入 by 单位编码 + 项目, 预算单位 by
  预算编码 …) use it, parts joined by ``|`` (a blank 单位编码 — the department's own
  row — stays an empty part: ``|2010101``);
- performance indicators use their owner and their 指标编码 when given (``P001/KJ0101``:
  two projects may pick the same library indicator), otherwise their owner and the three
  indicator levels (``G1/产出指标/数量指标/新增上市科技型企业数``);
- the one-row forms (基本信息, 资产, 自评结论) have no row key (``""``);
- the other tables (文字说明, 重点工作, 问题与措施 …) have no identity of their own: their
  key is their first text column, which is what a person would name them by.
"""

from __future__ import annotations

from typing import Any

from jixiao.dataset.model import TABLES_BY_KEY, Indicator

#: Tables whose rows are performance indicators.
INDICATOR_TABLES: frozenset[str] = frozenset({"indicators", "project_indicators"})


def indicator_key(indicator: Indicator) -> str:
    """``G1/产出指标/数量指标/新增上市科技型企业数``, or ``P001/KJ0101`` with a 指标编码."""
    if indicator.code.strip():
        return f"{indicator.owner.strip()}/{indicator.code.strip()}"
    parts = (indicator.owner, indicator.level1, indicator.level2, indicator.name)
    return "/".join(p.strip() for p in parts)


def row_key(table: str, row: Any) -> str:
    """The stable key of ``row`` in ``table`` (a key of :data:`TABLES_BY_KEY`)."""
    spec = TABLES_BY_KEY[table]
    if spec.form:
        return ""
    if table in INDICATOR_TABLES:
        return indicator_key(row)
    if spec.unique:
        return "|".join(str(getattr(row, column) or "") for column in spec.unique)
    first = next(c.key for c in spec.columns if c.key != "loc")
    return str(getattr(row, first) or "")
