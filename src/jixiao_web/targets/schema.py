"""The fields of the target forms, declared once with the engine's column metadata.

The web form, the Excel workbook and the import all parse through the engine's own
:func:`jixiao.dataset.build.parse_cell`, so a target form accepts exactly the spellings a
dataset accepts (``>=`` for ≥, ``12,000``, full-width digits) and refuses with the same
Chinese messages. The rows are plain dataclasses; the models store them.
"""

from __future__ import annotations

# ruff: noqa: RUF009  (``col()`` returns a ``dataclasses.field``; the call is the field spec)
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from jixiao.dataset.build import InputError, RawCell, parse_cell
from jixiao.dataset.model import SIGNS
from jixiao.dataset.schema import ColType, Column, col, columns_of, loc_field

T = ColType

LEVEL1: tuple[str, ...] = ("产出指标", "效益指标", "满意度指标")
#: 二级指标 under each 一级指标 (财预〔2020〕10号 附件 and the 101号 指引).
LEVEL2: dict[str, tuple[str, ...]] = {
    "产出指标": ("数量指标", "质量指标", "时效指标", "成本指标"),
    "效益指标": ("经济效益指标", "社会效益指标", "生态效益指标", "可持续影响指标"),
    "满意度指标": ("服务对象满意度指标",),
}
#: 取值依据 as 财预〔2021〕101号 lists them (the library's own list).
BASES: tuple[str, ...] = ("计划标准", "行业标准", "历史标准", "其他标准")
ATTRIBUTES: tuple[str, ...] = ("新增项目", "延续项目")
CATEGORIES: tuple[str, ...] = ("常年性项目", "延续性项目", "一次性项目")
FUND_SOURCES: tuple[str, ...] = (
    "财政拨款",
    "政府性基金",
    "财政专户管理资金",
    "其他资金",
    "上年结转",
)


@dataclass(frozen=True)
class ProjectHeader:
    """项目支出绩效目标申报表: the project's basic information."""

    code: str = col("项目编码", T.TEXT, required=True)
    name: str = col("项目名称", T.TEXT, required=True)
    attribute: str = col("项目属性", T.CHOICE, required=True, choices=ATTRIBUTES)
    category: str = col("项目类型", T.CHOICE, required=True, choices=CATEGORIES)
    start_year: int | None = col("实施期起", T.INT, required=True, year=True)
    end_year: int | None = col("实施期止", T.INT, required=True, year=True)
    fund_source: str = col("资金来源", T.CHOICE, required=True, choices=FUND_SOURCES)
    budget: Decimal | None = col("年度预算数", T.MONEY, required=True)
    total_budget: Decimal | None = col("项目总预算", T.MONEY, help="多年项目实施期内的总额")
    goal: str = col("年度总体目标", T.LONGTEXT, required=True)
    long_goal: str = col("实施期总体目标", T.LONGTEXT, help="多年项目：实施期内的总目标")
    loc: str = loc_field()


@dataclass(frozen=True)
class DepartmentHeader:
    """部门整体支出绩效目标申报表: 职能, 资金构成 (收入与支出构成), 年度总体目标."""

    functions: str = col("部门职能概述", T.LONGTEXT, required=True)
    income_fiscal: Decimal | None = col("财政拨款收入", T.MONEY, required=True)
    income_other: Decimal | None = col("其他收入", T.MONEY)
    spend_basic: Decimal | None = col("基本支出", T.MONEY, required=True)
    spend_project: Decimal | None = col("项目支出", T.MONEY, required=True)
    goal: str = col("年度总体目标", T.LONGTEXT, required=True)
    loc: str = loc_field()


@dataclass(frozen=True)
class TaskRow:
    """年度主要任务 (部门整体) or a project's 分年度 实施内容."""

    year: int | None = col("年度", T.INT, required=True, year=True)
    name: str = col("任务名称", T.TEXT, required=True)
    content: str = col("主要内容", T.LONGTEXT)
    amount: Decimal | None = col("预算金额", T.MONEY)
    loc: str = loc_field()


@dataclass(frozen=True)
class IndicatorRow:
    """One 三级指标 with its target; ``year`` carries a multi-year project's 分年度 targets."""

    year: int | None = col("年度", T.INT, required=True, year=True)
    level1: str = col("一级指标", T.CHOICE, required=True, choices=LEVEL1)
    level2: str = col("二级指标", T.TEXT, required=True)
    name: str = col("三级指标", T.TEXT, required=True)
    code: str = col("指标编码", T.TEXT, help="从核心指标库选用时自动填写")
    is_new: bool | None = col("新增指标", T.BOOL, help="指标库中没有、本单位新设的指标")
    sign: str = col("计算符号", T.CHOICE, required=True, choices=SIGNS)
    target: Decimal | None = col("指标值", T.NUMBER, signed=True, help="定量指标必填")
    target_desc: str = col("指标值说明", T.TEXT, help="定性指标的目标描述")
    unit: str = col("度量单位", T.TEXT)
    weight: Decimal | None = col("权重", T.NUMBER, help="分值")
    prior_actual: Decimal | None = col("上年实际值", T.NUMBER, signed=True)
    basis: str = col("取值依据", T.CHOICE, choices=BASES)
    explanation: str = col("指标解释", T.LONGTEXT)
    loc: str = loc_field()


def columns(row_type: type) -> tuple[Column, ...]:
    return columns_of(row_type)


def parse_row(
    row_type: type, loc: str, cells: Mapping[str, RawCell], errors: list[InputError]
) -> Any:
    """One row from raw cells (web form fields or workbook cells); problems into ``errors``."""
    kwargs: dict[str, Any] = {"loc": loc}
    for column in columns_of(row_type):
        value, error = parse_cell(cells.get(column.key, RawCell(None, loc)), column, "万元")
        if error:
            errors.append(error)
        if value is not None:
            kwargs[column.key] = value
    return row_type(**kwargs)


def row_dict(row: Any) -> dict[str, Any]:
    return {c.key: getattr(row, c.key) for c in columns_of(type(row))}


def blank(cells: Iterable[RawCell]) -> bool:
    return all(c.value is None or (isinstance(c.value, str) and not c.value.strip()) for c in cells)
