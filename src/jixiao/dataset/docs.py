"""``docs/dataset.md``, generated from the schema so that the documentation cannot drift.

Run ``python -m jixiao.dataset.docs > docs/dataset.md`` after changing
:mod:`jixiao.dataset.model`; a test checks that the committed file equals
:func:`render_dataset_doc`. :func:`column_note` is also the help text of the Excel
template's header comments and form rows, so the workbook and the docs say the same.
"""

from __future__ import annotations

import sys
from datetime import date
from decimal import Decimal

from jixiao.dataset.build import _CODE_LIST_NAMES
from jixiao.dataset.model import (
    AUDIT_TABLE,
    TABLES,
    TABLES_BY_KEY,
    Dataset,
    Goal,
    Indicator,
    KeyTask,
    MoneyLine,
    Profile,
    Unit,
)
from jixiao.dataset.schema import YEARS, ColType, Column, TableSpec

#: Code list → its Chinese name (as build.py names it in messages).
CODE_LIST_NAMES: dict[str, str] = _CODE_LIST_NAMES

#: How each value type is filled in, in Chinese.
TYPE_LABELS: dict[ColType, str] = {
    ColType.TEXT: "文字",
    ColType.LONGTEXT: "长文字（可换行）",
    ColType.CODE: "代码",
    ColType.MONEY: "金额",
    ColType.NUMBER: "数值",
    ColType.INT: "整数",
    ColType.DATE: "日期",
    ColType.CHOICE: "选项",
    ColType.BOOL: "是/否",
}


def column_note(column: Column) -> str:
    """One line saying how to fill ``column``: required, type, unit, choices, help."""
    parts = ["必填" if column.required else "选填"]
    if column.type is ColType.MONEY:
        parts.append("金额，按“基本信息”中的金额单位（万元或元）填写")
    else:
        parts.append(TYPE_LABELS[column.type] + (f"，单位：{column.unit}" if column.unit else ""))
    if column.type is ColType.NUMBER and column.signed:
        parts.append("可为负数")
    if column.type is ColType.MONEY and column.signed:
        parts.append("可为负数")
    if column.type is ColType.DATE:
        parts.append("如 2024-05-11")
    if column.year:
        parts.append("四位年份，如 2023")
    if column.choices:
        parts.append("可选：" + "、".join(column.choices))
    if column.ref:
        parts.append(f"取自代码表“{CODE_LIST_NAMES.get(column.ref, column.ref)}”")
    if column.help:
        parts.append(column.help)
    return "；".join(parts)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _values(column: Column) -> str:
    if column.choices:
        return "、".join(column.choices)
    if column.ref:
        return f"代码表 `{column.ref}`"
    if column.type is ColType.BOOL:
        return "是、否"
    if column.year:
        return f"{YEARS[0]}–{YEARS[1]}"
    return ""


def _type(column: Column) -> str:
    label = TYPE_LABELS[column.type]
    if column.type in (ColType.MONEY, ColType.NUMBER) and column.signed:
        label += "（可为负）"
    return label


def _table_doc(spec: TableSpec) -> list[str]:
    kind = (
        "表单：每个字段一行（项目 | 值 | 说明）"
        if spec.form
        else "行表：第 1 行为列名，数据从第 2 行起，每行一条"
    )
    if spec.key == AUDIT_TABLE:
        kind = (
            "工作簿中最后一张数据表（灰色标签）。第 1 行是一段说明；其下先是审核用的表单字段"
            "（项目 | 值 | 说明，见下文标注“填在声明数表”的字段），空一行后是本表的列名和数据"
        )
    lines = [f"## {spec.sheet}（`{spec.key}`）", "", f"{spec.help}。{kind}。"]
    audit = [c for c in spec.columns if c.audit]
    if audit:
        shown = "、".join(f"“{c.header}”" for c in audit)
        lines += [
            "",
            f"{shown}只用于审核已发布的报告，工作簿把它们放在“{_audit_sheet()}”表（选填）；"
            f"较早的工作簿写在本表中的也照常读取，两处都填且不一致时报错并写明两个单元格。"
            f"文本格式中它们仍在 `{spec.key}` 下。",
        ]
    if spec.unique:
        lines.append("")
        lines.append(
            "唯一：" + " + ".join(f"“{spec.column(k).header}”" for k in spec.unique) + " 不得重复。"
        )
    lines += [
        "",
        "| 列名 | 键 | 类型 | 单位 | 必填 | 可选值 / 代码表 | 说明 |",
        "|---|---|---|---|---|---|---|",
    ]
    for column in spec.columns:
        required = "是" if column.required else ""
        unit = "金额单位" if column.type is ColType.MONEY else column.unit
        note = f"（填在“{_audit_sheet()}”表）{column.help}" if column.audit else column.help
        lines.append(
            f"| {_cell(column.header)} | `{column.key}` | {_type(column)} | {_cell(unit)} "
            f"| {required} | {_cell(_values(column))} | {_cell(note)} |"
        )
    lines.append("")
    return lines


def _audit_sheet() -> str:
    return TABLES_BY_KEY[AUDIT_TABLE].sheet


def _example_dataset() -> Dataset:
    """A few rows of every kind of value, for the text-form example."""
    return Dataset(
        profile=Profile(
            department_name="广东省科学技术厅",
            year=2023,
            fill_date=date(2024, 5, 11),
            amount_unit="万元",
        ),
        units=(Unit(code="163001", name="广东省科学技术厅本级", kind="行政机关"),),
        key_tasks=(
            KeyTask(
                plan="强化基础研究",
                task="实施基础与应用基础研究",
                result="第一段成效。\n第二段成效。",
            ),
        ),
        goals=(Goal(code="G1", content="提升科技创新能力"),),
        indicators=(
            Indicator(
                owner="G1",
                level1="产出指标",
                level2="数量指标",
                name="新增上市科技型企业",
                sign="≥",
                target=Decimal(90),
                unit="家",
                actual=Decimal(50),
            ),
        ),
        income=(
            MoneyLine(item="事业收入", budget=Decimal("12268.70"), final=Decimal("12021.60")),
            MoneyLine(unit="163001", item="事业收入", final=Decimal("1000.00")),
        ),
    )


def _text_form_doc() -> list[str]:
    from jixiao.io.textform import FORMAT_VERSION, write_text_form

    example = write_text_form(_example_dataset()).rstrip("\n")
    return [
        "## 文本格式（YAML）",
        "",
        "同一数据集也可以保存为 YAML 文本（`.yaml`），便于 git 管理、比较差异和接口调用；"
        "`jixiao convert` 在工作簿与文本格式之间无损转换。",
        "",
        f"- 第一行 `format: {FORMAT_VERSION}` 标明格式版本。",
        "- 顶层键为上面各表括号中的英文键（如 `profile`、`income`）；行表是行的列表，表单是“键: 值”映射。",
        "- 字段名为各表“键”一列的英文名；空白字段可以省略。",
        "- 金额按 `profile.amount_unit`（万元或元）书写，读取时换算为万元；数字按原样精确读取（`12021.60` 不会变成浮点数）。",
        "- 多行文字用 YAML 的 `|` 块。错误报告为 `文件名:行号`。",
        "",
        "```yaml",
        example,
        "```",
        "",
    ]


def render_dataset_doc() -> str:
    """The whole of ``docs/dataset.md``."""
    lines = [
        "# 数据集：工作表与字段",
        "",
        "<!-- 本文件由 `python -m jixiao.dataset.docs > docs/dataset.md` 从 "
        "`src/jixiao/dataset/model.py` 生成，请勿手工修改。 -->",
        "",
        "一个数据集是一个部门一个年度的预算绩效资料。它可以是 Excel 工作簿（`.xlsx`，"
        "用 `jixiao template 文件.xlsx` 生成空白模板）或 YAML 文本格式（`.yaml`），两者内容相同、可以互相转换。",
        "",
        "工作簿的结构：",
        "",
        "- 第一个工作表“说明”是填报说明；随后每张数据表一个工作表（顺序如下，只有“声明数”排在最后）；"
        "最后是隐藏的“代码表”，供下拉列表使用。",
        "- “声明数”表选填，只在审核已发布的报告时填写，可留空：报告所写的单位数、自评总分和等级、"
        "满分项和扣分项（基本信息、自评结论中标注“填在声明数表”的字段）以及文中的数字，与按数据计算的结果核对。",
        "- 行表的第 1 行为列名（可调整列的顺序，列名前后的空格和全角/半角差异不影响识别），数据从第 2 行起；整行空白的行被忽略。",
        "- 表单（基本信息、资产、自评结论）每个字段一行：“项目”列为字段名，“值”列填写内容。"
        "表单的必填项留空时仍可导入（空白模板必须能导入），由 `jixiao check` 报告缺少的内容；行表的必填列留空则不能导入。",
        "- 不需要的工作表可以留空或删除。导入时所有问题一次列出，每条写明“工作表!单元格”，有错误时不导入任何数据。",
        "",
        "金额单位：“基本信息”表的“金额单位”（万元或元）适用于整个工作簿的所有金额（下表“单位”一栏写作“金额单位”）；"
        "导入后一律换算为万元精确保存，导出时再换算回该单位。",
        "",
        "单位编码：金额表中“单位编码”留空表示部门（合并）数，填写“预算单位”表中的预算编码表示该单位的数；"
        "两者都填时，检查会核对各单位之和是否等于部门数。",
        "",
        "代码表（`src/jixiao/data/codes/`）：",
        "",
    ]
    lines += [f"- `{ref}`：{name}（`{ref}.csv`）" for ref, name in CODE_LIST_NAMES.items()]
    lines.append("")
    lines.append("工作表一览：")
    lines.append("")
    lines += [f"- [{spec.sheet}](#{spec.sheet}{spec.key})：{spec.help}" for spec in TABLES]
    lines.append("")
    for spec in TABLES:
        lines += _table_doc(spec)
    lines += _text_form_doc()
    return "\n".join(lines)


if __name__ == "__main__":
    sys.stdout.buffer.write(render_dataset_doc().encode("utf-8"))
