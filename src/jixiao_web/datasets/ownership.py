"""Which budget unit a dataset row belongs to (its ``unit_code``), from the engine's columns.

- tables with a 单位编码 column (收入, 支出…, 结转结余, 执行进度): that column;
- 预算单位: the unit's own 预算编码; 项目: its 实施单位 (单位编码);
- 项目绩效指标: the unit of the project it belongs to (目标编号 = 项目编码);
- 执行进度 without a 单位编码: the unit of its project;
- every other table (基本信息, 文字说明, 绩效目标…) is the department's own: blank.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from jixiao.dataset.model import TABLES

#: Tables whose rows can belong to a unit; a clerk sees and edits only these.
UNIT_KEYED: frozenset[str] = frozenset(
    {
        spec.key
        for spec in TABLES
        if not spec.form and any(c.key == "unit" and c.header == "单位编码" for c in spec.columns)
    }
    | {"units", "projects", "project_indicators"}
)


def owning_unit(table: str, values: Mapping[str, Any], project_units: Mapping[str, str]) -> str:
    """The 预算编码 of the unit a row belongs to, or ``""`` for the department's own."""
    if table == "units":
        return str(values.get("code") or "")
    if table == "project_indicators":
        return project_units.get(str(values.get("owner") or ""), "")
    if table == "execution" and not values.get("unit"):
        return project_units.get(str(values.get("project") or ""), "")
    if table in UNIT_KEYED:
        return str(values.get("unit") or "")
    return ""


def owning_division(
    table: str, values: Mapping[str, Any], project_divisions: Mapping[str, str]
) -> str:
    """The 主管处室 of a project row (or of an indicator's project); ``""`` otherwise."""
    if table == "projects":
        return str(values.get("division") or "")
    if table == "project_indicators":
        return project_divisions.get(str(values.get("owner") or ""), "")
    return ""
