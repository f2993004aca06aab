"""The budget-performance dataset of one department and one year.

Plain frozen dataclasses, ``Decimal`` money in 万元 (normalised on load whatever the
workbook's 金额单位), no I/O. Each table row remembers where it came from (``loc``)
so that findings can point at the cell or line.

Money tables (收入, 支出功能分类, 支出性质, 经济分类, "三公"经费, 结转结余) carry an optional
``unit`` column: rows with a blank unit are the department's own (合并) figures; rows
with a 预算编码 are that budget unit's. A dataset may give either or both; when it
gives both, the checks verify that the units add up to the department (汇总).
"""

# ruff: noqa: RUF009  (``col()`` returns a ``dataclasses.field``; the call is the field spec)
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from jixiao.dataset.schema import ColType, Column, TableSpec, col, loc_field

T = ColType

#: 计算符号, as the 预算管理一体化 platform enumerates them (PMKPIZBXS 1–6).
SIGNS: tuple[str, ...] = ("≥", "＞", "＝", "＜", "≤", "定性")
#: 单位性质 of a budget unit.
UNIT_KINDS: tuple[str, ...] = (
    "行政机关",
    "参照公务员法管理事业单位",
    "公益一类",
    "公益二类",
    "生产经营类",
    "其他事业单位",
    "其他",
)
#: 单位性质 values that count as 行政单位 in "包括 N 个行政单位和 M 个事业单位".
ADMIN_UNIT_KINDS: frozenset[str] = frozenset({"行政机关"})
#: 单位性质 values that count as 事业单位.
INSTITUTION_UNIT_KINDS: frozenset[str] = frozenset(
    {"参照公务员法管理事业单位", "公益一类", "公益二类", "生产经营类", "其他事业单位"}
)
QUAL_GRADES: tuple[str, ...] = ("达成", "部分达成", "未达成")
AMOUNT_UNIT_CHOICES: tuple[str, ...] = ("万元", "元")
EXPENDITURE_NATURES: tuple[str, ...] = (
    "基本支出",
    "项目支出",
    "经营支出",
    "上缴上级支出",
    "对附属单位补助支出",
)
CARRYOVER_FUNDS: tuple[str, ...] = ("合计", "财政拨款", "非财政拨款")
#: Keys of the 文字说明 sheet: English id → Chinese label.
TEXT_KEYS: dict[str, str] = {
    "org_setup": "机构设置",
    "functions": "主要职能",
    "function_change": "职能转变",
    "annual_work": "年度总体工作",
    "goal_completion": "绩效目标完成情况",
    "budget_scope": "部门预算编制范围",
    "performance_analysis": "履职效能分析",
    "management_analysis": "管理效率分析",
    "cost_control": "经济成本控制",
    "three_public_note": "“三公”经费变动原因",
    "carryover_note": "结转结余原因",
    "budget_variance_note": "预决算差异原因",
    "conclusion": "自评结论",
    "other": "其他自评情况",
}


# --------------------------------------------------------------------------- forms


@dataclass(frozen=True)
class Profile:
    """基本信息: who, which year, headcount, and the unit counts a published report states
    (audit-only fields: the workbook asks for them on the optional 声明数 sheet)."""

    department_name: str = col("部门名称", T.TEXT, required=True)
    year: int | None = col("年度", T.INT, required=True, year=True, help="预算年度，如 2023")
    fill_date: date | None = col("填报日期", T.DATE)
    preparer: str = col("填报人", T.TEXT)
    phone: str = col("联系电话", T.TEXT)
    amount_unit: str = col(
        "金额单位",
        T.CHOICE,
        required=True,
        choices=AMOUNT_UNIT_CHOICES,
        default="万元",
        help="本工作簿所有金额的单位；导入时统一换算为万元",
    )
    stated_unit_count: int | None = col(
        "预算单位数量（声明）", T.INT, audit=True, help="已发布报告所写的预算单位数量"
    )
    stated_admin_units: int | None = col(
        "行政单位数（声明）", T.INT, audit=True, help="已发布报告所写“包括N个行政单位”"
    )
    stated_institution_units: int | None = col(
        "事业单位数（声明）", T.INT, audit=True, help="已发布报告所写“和M个事业单位”"
    )
    independent_accounting_units: int | None = col("独立核算机构数", T.INT)
    prior_unit_count: int | None = col("上年预算单位数", T.INT)
    unit_change_note: str = col("单位变动说明", T.LONGTEXT)
    headcount_total: int | None = col(
        "年末实有人数", T.INT, unit="人", help="在职人员 + 离退休人员"
    )
    headcount_active: int | None = col("在职人员", T.INT, unit="人")
    headcount_retired: int | None = col("离退休人员", T.INT, unit="人")
    headcount_retired_pension_fund: int | None = col(
        "其中：养老保险基金发放养老金的离退休人员", T.INT, unit="人"
    )
    headcount_survivors: int | None = col("遗属人员", T.INT, unit="人")
    headcount_survivors_note: str = col("遗属人员说明", T.TEXT)
    headcount_authorised: int | None = col("编制数", T.INT, unit="人", help="用于在职人员控制率")
    trips_groups: int | None = col("因公出国（境）团组数", T.INT, unit="个")
    trips_persons: int | None = col("因公出国（境）人次", T.INT, unit="人次")
    loc: str = loc_field()


@dataclass(frozen=True)
class Assets:
    """资产: fixed assets at year end and what was added."""

    fixed_assets_value: Decimal | None = col("固定资产金额", T.MONEY, help="年末固定资产原值")
    fixed_assets_in_use: Decimal | None = col(
        "在用固定资产金额", T.MONEY, help="用于固定资产利用率"
    )
    prior_fixed_assets_value: Decimal | None = col("上年末固定资产金额", T.MONEY)
    building_area: Decimal | None = col("房屋面积", T.NUMBER, unit="平方米")
    vehicles: int | None = col("车辆数", T.INT, unit="辆")
    large_equipment: int | None = col("单价100万元以上设备数", T.INT, unit="台")
    new_assets_value: Decimal | None = col("本年新增固定资产", T.MONEY)
    new_assets_desc: str = col("新增固定资产内容", T.TEXT)
    procurement_budget: Decimal | None = col("政府采购预算", T.MONEY)
    procurement_actual: Decimal | None = col("政府采购实际金额", T.MONEY)
    loc: str = loc_field()


@dataclass(frozen=True)
class SelfEvaluation:
    """自评结论: the scoring framework, and what a published report states about the result
    (audit-only fields: the workbook asks for them on the optional 声明数 sheet)."""

    framework: str = col("评分框架", T.TEXT, help="评分框架编号，如 gd-dept-2023")
    stated_total: Decimal | None = col(
        "自评总分（声明）", T.NUMBER, unit="分", audit=True, help="已发布报告所写的自评总分"
    )
    stated_grade: str = col(
        "自评等级（声明）", T.TEXT, audit=True, help="已发布报告所写的自评等级，如 优秀、良好"
    )
    stated_full_marks: str = col(
        "自评结论所列满分项",
        T.TEXT,
        audit=True,
        help="已发布报告的自评结论所列满分项，以“、”分隔的指标名称",
    )
    stated_deducted: str = col(
        "自评结论所列扣分项",
        T.TEXT,
        audit=True,
        help="已发布报告的自评结论所列扣分项，以“、”分隔的指标名称",
    )
    loc: str = loc_field()


def split_names(text: str) -> list[str]:
    """A 自评结论 list of names: ``预算编制、信息公开`` → ``["预算编制", "信息公开"]``.

    People separate them with 、, commas, semicolons, slashes or spaces (full or half width).
    """
    return [n.strip() for n in re.split(r"[、,，;；/\s]+", text) if n.strip()]


# --------------------------------------------------------------------------- rows


@dataclass(frozen=True)
class Division:
    """内设机构（处室）."""

    name: str = col("处室名称", T.TEXT, required=True)
    note: str = col("备注", T.TEXT)
    loc: str = loc_field()


@dataclass(frozen=True)
class Unit:
    """预算单位."""

    code: str = col("预算编码", T.TEXT, required=True)
    name: str = col("单位名称", T.TEXT, required=True)
    kind: str = col("单位性质", T.CHOICE, required=True, choices=UNIT_KINDS)
    note: str = col("备注", T.TEXT)
    loc: str = loc_field()


@dataclass(frozen=True)
class TextBlock:
    """文字说明: one paragraph of free text, under a key of :data:`TEXT_KEYS`."""

    key: str = col("类别", T.CHOICE, required=True, choices=tuple(TEXT_KEYS.values()))
    content: str = col("内容", T.LONGTEXT, required=True)
    loc: str = loc_field()


@dataclass(frozen=True)
class KeyTask:
    """重点工作计划 → 主要工作任务 → 取得成效."""

    plan: str = col("重点工作计划", T.TEXT, required=True, help="与上一行相同可留空")
    task: str = col("主要工作任务", T.TEXT, required=True)
    result: str = col("取得成效", T.LONGTEXT)
    loc: str = loc_field()


@dataclass(frozen=True)
class Goal:
    """部门整体支出绩效总目标."""

    code: str = col("目标编号", T.TEXT, required=True)
    content: str = col("总目标内容", T.LONGTEXT, required=True)
    completion: str = col("完成情况", T.LONGTEXT)
    loc: str = loc_field()


@dataclass(frozen=True)
class Indicator:
    """A performance indicator (部门整体 or 项目) with its target and actual."""

    owner: str = col(
        "目标编号", T.TEXT, required=True, help="部门指标填目标编号；项目指标填项目编码"
    )
    code: str = col("指标编码", T.TEXT, help="核心指标库编码（可选）")
    level1: str = col("一级指标", T.TEXT, required=True, help="产出指标/效益指标/满意度指标")
    level2: str = col("二级指标", T.TEXT, help="数量指标/质量指标/时效指标/成本指标/社会效益指标…")
    name: str = col("三级指标", T.TEXT, required=True)
    sign: str = col("计算符号", T.CHOICE, required=True, choices=SIGNS)
    target: Decimal | None = col("指标值", T.NUMBER, signed=True, help="定量指标必填")
    target_desc: str = col("指标值说明", T.TEXT, help="定性指标的目标描述，或指标值的补充说明")
    unit: str = col("计量单位", T.TEXT)
    actual: Decimal | None = col("完成值", T.NUMBER, signed=True, help="空白表示尚无完成数据")
    actual_desc: str = col("完成情况说明", T.LONGTEXT)
    qual_grade: str = col(
        "定性完成档次", T.CHOICE, choices=QUAL_GRADES, help="定性指标：达成/部分达成/未达成"
    )
    weight: Decimal | None = col("权重", T.NUMBER, help="分值或权重（可选）")
    horizon: str = col("目标期限", T.CHOICE, choices=("年度", "中期"), default="年度")
    deviation: str = col("偏差原因及改进措施", T.LONGTEXT)
    loc: str = loc_field()

    @property
    def quantitative(self) -> bool:
        return self.sign != "定性"


@dataclass(frozen=True)
class MoneyLine:
    """One line of a money table: 年初预算, 调整后预算, 决算, 上年决算 and its explanation."""

    unit: str = col("单位编码", T.TEXT, help="空白为部门（合并）数；填预算编码为该单位数")
    item: str = col("项目", T.CODE, required=True)
    budget: Decimal | None = col("年初预算数", T.MONEY)
    adjusted: Decimal | None = col("调整后预算数", T.MONEY)
    final: Decimal | None = col("决算数", T.MONEY)
    prior: Decimal | None = col("上年决算数", T.MONEY)
    note: str = col("差异说明", T.LONGTEXT)
    loc: str = loc_field()


@dataclass(frozen=True)
class EconomicLine:
    """经济分类 line of the expenditure, within a 支出性质 (基本/项目/经营)."""

    unit: str = col("单位编码", T.TEXT, help="空白为部门（合并）数")
    nature: str = col("支出性质", T.CHOICE, required=True, choices=EXPENDITURE_NATURES)
    item: str = col("经济分类编码", T.CODE, required=True, ref="economic")
    budget: Decimal | None = col("年初预算数", T.MONEY)
    final: Decimal | None = col("决算数", T.MONEY)
    prior: Decimal | None = col("上年决算数", T.MONEY)
    note: str = col("说明", T.LONGTEXT)
    loc: str = loc_field()


@dataclass(frozen=True)
class CarryOver:
    """结转结余: opening (= last year's closing), closing and what else moved it."""

    unit: str = col("单位编码", T.TEXT, help="空白为部门（合并）数")
    fund: str = col("资金类别", T.CHOICE, required=True, choices=CARRYOVER_FUNDS, default="合计")
    opening: Decimal | None = col("年初结转和结余", T.MONEY, help="即上年末结转和结余")
    closing: Decimal | None = col("年末结转和结余", T.MONEY)
    adjustments: Decimal | None = col(
        "结余分配及其他调整", T.MONEY, signed=True, help="提取专用基金、缴回等；减少填负数"
    )
    note: str = col("说明", T.LONGTEXT)
    loc: str = loc_field()


@dataclass(frozen=True)
class Project:
    """项目支出 item or 专项资金."""

    code: str = col("项目编码", T.TEXT, required=True)
    name: str = col("项目名称", T.TEXT, required=True)
    unit: str = col("单位编码", T.TEXT, help="实施单位预算编码")
    division: str = col("主管处室", T.TEXT)
    fund: str = col("资金来源", T.TEXT, help="如 一般公共预算财政拨款")
    special: bool | None = col("是否专项资金", T.BOOL)
    budget: Decimal | None = col("年初预算数", T.MONEY)
    adjusted: Decimal | None = col("调整后预算数", T.MONEY)
    executed: Decimal | None = col("执行数", T.MONEY)
    note: str = col("执行情况说明", T.LONGTEXT, help="执行率低于90%须说明原因")
    self_score: Decimal | None = col("自评得分", T.NUMBER, unit="分")
    loc: str = loc_field()


@dataclass(frozen=True)
class ScoreItem:
    """One line of the self-evaluation scorecard (自评指标评分表) as the department filled it."""

    code: str = col("编码", T.TEXT, required=True, help="层级编码，如 2、2.1、2.1.3")
    name: str = col("指标名称", T.TEXT, required=True)
    points: Decimal | None = col("分值", T.NUMBER, unit="分")
    score: Decimal | None = col("自评得分", T.NUMBER, unit="分")
    stated_deduction: Decimal | None = col(
        "声明扣分", T.NUMBER, unit="分", help="报告文字所写“扣N分”"
    )
    reason: str = col("评分说明", T.LONGTEXT)
    loc: str = loc_field()

    @property
    def parent_code(self) -> str:
        return self.code.rpartition(".")[0]


@dataclass(frozen=True)
class Problem:
    """存在问题及改进措施."""

    title: str = col("标题", T.TEXT, required=True)
    problem: str = col("存在问题", T.LONGTEXT)
    measure: str = col("改进措施", T.LONGTEXT)
    loc: str = loc_field()


@dataclass(frozen=True)
class StatedFigure:
    """声明数: a figure as the department's own report states it, checked against ours."""

    figure: str = col("数据编号", T.TEXT, required=True, help="figures 输出中的 id")
    value: Decimal | None = col(
        "声明值",
        T.NUMBER,
        required=True,
        signed=True,
        keep_places=True,
        help="按报告原文填写，保留末尾的 0",
    )
    source: str = col("出处", T.TEXT, help="报告中的位置或原文")
    loc: str = loc_field()


@dataclass(frozen=True)
class ExecutionLine:
    """执行进度: cumulative execution of one project (or unit) up to the end of a month."""

    period: str = col(
        "月份", T.TEXT, required=True, help="YYYY-MM，如 2023-06；数值为截至该月末的累计数"
    )
    unit: str = col("单位编码", T.TEXT, help="预算单位编码")
    project: str = col("项目编码", T.TEXT, help="项目编码；空白表示该单位的全部资金")
    cumulative: Decimal | None = col("累计执行数", T.MONEY, required=True)
    budget: Decimal | None = col(
        "预算数", T.MONEY, help="截至该月的预算（调整后）；空白则取“项目”表的预算"
    )
    indicator_progress: Decimal | None = col(
        "指标完成进度", T.NUMBER, unit="%", help="该项目绩效指标的平均完成进度（0–100）"
    )
    loc: str = loc_field()


@dataclass(frozen=True)
class Rectification:
    """整改事项: a deduction or an unmet target to be rectified, carried into the next year."""

    source_year: int | None = col("来源年度", T.INT, year=True, help="产生该整改事项的评价年度")
    kind: str = col("类型", T.TEXT, required=True, help="如 扣分项、未完成指标")
    subject: str = col("事项", T.TEXT, required=True)
    detail: str = col("问题说明", T.LONGTEXT)
    owner: str = col("责任主体", T.TEXT, help="责任处室、单位或项目")
    deadline: date | None = col("整改期限", T.DATE)
    status: str = col(
        "整改状态", T.CHOICE, choices=("待整改", "整改中", "已整改"), default="待整改"
    )
    loc: str = loc_field()


# --------------------------------------------------------------------------- dataset


@dataclass(frozen=True)
class Dataset:
    """Everything a 部门整体支出绩效自评 needs, for one department and one year."""

    profile: Profile = field(default_factory=Profile)
    divisions: tuple[Division, ...] = ()
    units: tuple[Unit, ...] = ()
    texts: tuple[TextBlock, ...] = ()
    key_tasks: tuple[KeyTask, ...] = ()
    goals: tuple[Goal, ...] = ()
    indicators: tuple[Indicator, ...] = ()
    income: tuple[MoneyLine, ...] = ()
    expenditure_function: tuple[MoneyLine, ...] = ()
    expenditure_nature: tuple[MoneyLine, ...] = ()
    expenditure_economic: tuple[EconomicLine, ...] = ()
    three_public: tuple[MoneyLine, ...] = ()
    carryover: tuple[CarryOver, ...] = ()
    assets: Assets = field(default_factory=Assets)
    projects: tuple[Project, ...] = ()
    project_indicators: tuple[Indicator, ...] = ()
    self_evaluation: SelfEvaluation = field(default_factory=SelfEvaluation)
    scores: tuple[ScoreItem, ...] = ()
    problems: tuple[Problem, ...] = ()
    stated: tuple[StatedFigure, ...] = ()
    execution: tuple[ExecutionLine, ...] = ()
    rectifications: tuple[Rectification, ...] = ()

    def text(self, key: str) -> list[str]:
        """Paragraphs of the 文字说明 under ``key`` (an id of :data:`TEXT_KEYS`)."""
        label = TEXT_KEYS[key]
        return [t.content for t in self.texts if t.key == label]

    def unit_by_code(self) -> dict[str, Unit]:
        return {u.code: u for u in self.units}


def _money_spec(key: str, sheet: str, ref: str, header: str, help: str) -> TableSpec:
    """Money tables share :class:`MoneyLine`; only the code list of ``item`` differs."""
    return TableSpec(
        key, sheet, MoneyLine, help=help, unique=("unit", "item"), item_ref=ref, item_header=header
    )


#: Every table of the dataset, in workbook order.
TABLES: tuple[TableSpec, ...] = (
    TableSpec(
        "profile",
        "基本信息",
        Profile,
        form=True,
        help="部门名称、年度、填报信息和人员",
    ),
    TableSpec("divisions", "内设机构", Division, help="部门本级内设处室"),
    TableSpec("units", "预算单位", Unit, help="纳入部门预算（决算）的预算单位", unique=("code",)),
    TableSpec("texts", "文字说明", TextBlock, help="报告各部分的文字，按类别逐段填写"),
    TableSpec("key_tasks", "重点工作", KeyTask, help="年度重点工作计划、主要工作任务及取得成效"),
    TableSpec("goals", "绩效目标", Goal, help="部门整体支出绩效总目标及完成情况", unique=("code",)),
    TableSpec("indicators", "绩效指标", Indicator, help="部门整体绩效指标：指标值与完成值"),
    _money_spec("income", "收入", "income", "收入项目", "收入预算与决算，按资金来源"),
    _money_spec(
        "expenditure_function",
        "支出功能分类",
        "function",
        "功能分类科目编码",
        "支出按政府收支分类科目（功能分类）",
    ),
    _money_spec(
        "expenditure_nature",
        "支出性质",
        "nature",
        "支出性质",
        "支出按性质：基本支出（人员经费、日常公用经费）、项目支出、经营支出等",
    ),
    TableSpec(
        "expenditure_economic",
        "经济分类",
        EconomicLine,
        help="支出按部门预算支出经济分类",
        unique=("unit", "nature", "item"),
    ),
    _money_spec(
        "three_public",
        "三公经费",
        "three_public",
        "“三公”经费项目",
        "“三公”经费预算、决算与上年决算",
    ),
    TableSpec(
        "carryover", "结转结余", CarryOver, help="年初、年末结转和结余", unique=("unit", "fund")
    ),
    TableSpec(
        "assets",
        "资产",
        Assets,
        form=True,
        help="固定资产、房屋、车辆、大型设备、新增资产、政府采购",
    ),
    TableSpec("projects", "项目", Project, help="项目支出及专项资金", unique=("code",)),
    TableSpec(
        "project_indicators",
        "项目绩效指标",
        Indicator,
        help="各项目的绩效指标（目标编号一列填项目编码）",
    ),
    TableSpec(
        "self_evaluation",
        "自评结论",
        SelfEvaluation,
        form=True,
        help="自评所用的评分框架",
    ),
    TableSpec(
        "scores",
        "自评评分",
        ScoreItem,
        help="自评指标评分表：分值、自评得分、扣分原因",
        unique=("code",),
    ),
    TableSpec("problems", "问题与措施", Problem, help="存在问题及改进措施"),
    TableSpec(
        "stated",
        "声明数",
        StatedFigure,
        help="选填，只在审核已发布的报告时填写：报告所写的单位数、自评总分和等级、满分项和扣分项及文中的数字，与计算结果核对",
        unique=("figure",),
    ),
    TableSpec(
        "execution",
        "执行进度",
        ExecutionLine,
        help="按月累计的预算执行数（绩效运行监控用）",
        unique=("period", "unit", "project"),
    ),
    TableSpec("rectifications", "整改事项", Rectification, help="上年评价结果形成的整改事项及进展"),
)

TABLES_BY_KEY: dict[str, TableSpec] = {t.key: t for t in TABLES}
TABLES_BY_SHEET: dict[str, TableSpec] = {t.sheet: t for t in TABLES}

#: The table whose sheet also holds the audit-only form fields (:attr:`Column.audit`).
AUDIT_TABLE = "stated"


def audit_fields() -> tuple[tuple[TableSpec, Column], ...]:
    """The audit-only form fields, in workbook order: (their form, the field)."""
    return tuple((spec, c) for spec in TABLES if spec.form for c in spec.columns if c.audit)


def field_sheet(table: str, column: str) -> str:
    """The workbook sheet a field sits on: an audit-only form field on 声明数, any other on
    its table's sheet (for findings that name a form field: ``声明数.自评总分（声明）``)."""
    spec = TABLES_BY_KEY[table]
    if spec.form and spec.column(column).audit:
        return TABLES_BY_KEY[AUDIT_TABLE].sheet
    return spec.sheet
