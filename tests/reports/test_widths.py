"""Table column widths (``reports/render/widths.py``), shared by the HTML/PDF and Word layouts."""

from __future__ import annotations

from jixiao.reports.model import Cell, Table
from jixiao.reports.render.widths import READABLE_EMS, TABLE_EMS, column_widths

ACHIEVEMENT = (
    "鹏城、广州实验室全面顺利运行并发挥重要作用，推动深圳国际量子研究院获批成为合肥实验室在粤基地，"
    "积极融入国家实验室“核心+基地+网络”体系。稳步推进省实验室动态调整，"
)


def _ems(percent: int) -> float:
    return percent / 100 * TABLE_EMS


def test_a_column_of_long_paragraphs_gets_the_room_without_squeezing_its_neighbours() -> None:
    rows = (
        (Cell("1"), Cell("加快战略科技力量建设，夯实实现高水平科技自立自强的战略根基"),
         Cell("构建高水平多层次实验室体系"), Cell(ACHIEVEMENT * 4)),
        (Cell(""), Cell(""), Cell("推进粤港澳大湾区国家技术创新中心运行"), Cell(ACHIEVEMENT * 2)),
    )  # fmt: skip
    table = Table(
        "表2", "重点工作任务及完成情况", ("序号", "重点工作计划", "主要工作任务", "取得成效"), rows
    )
    number, plan, task, result = column_widths(table)
    assert sum((number, plan, task, result)) in (99, 100, 101)
    assert _ems(plan) >= READABLE_EMS and _ems(task) >= READABLE_EMS  # not a character per line
    assert result > plan + task


def test_a_number_fits_its_column_even_in_a_crowded_table() -> None:
    header = ("编号", "名称", "数值", "单位", "计算公式", "所依据的数据")
    row = (
        Cell("income.final.total"),
        Cell("决算收入合计"),
        Cell("617,056.54", numeric=True),
        Cell("万元"),
        Cell("财政拨款收入决算数 + 事业收入决算数 + 经营收入决算数 + 其他收入决算数"),
        Cell("income.final.财政拨款收入 = 592519.16；income.final.事业收入 = 12021.60"),
    )
    widths = column_widths(Table("附录表2", "数据来源", header, (row,) * 5))
    # 8 digits at 0.55 em and 2 separators at 0.3 (Times/Liberation Serif in Word, Noto
    # Serif SC in the PDF), plus the cell padding
    assert _ems(widths[2]) >= 8 * 0.55 + 2 * 0.3 + 1
    assert _ems(widths[3]) >= 2  # 万元 stays whole


def test_a_header_over_empty_cells_keeps_two_characters_a_line() -> None:
    """表3's 偏差原因 over empty cells was one character a line (four lines of header)."""
    header = ("三级指标", "指标值", "完成值", "完成率（%）", "是否完成", "偏差原因")
    row = (
        Cell("建设新型研发机构（高水平创新研究院）数"),
        Cell("≥230家"),
        Cell("—"),
        Cell("—", numeric=True),
        Cell("—"),
        Cell(""),
    )
    widths = column_widths(Table("表3", "指标完成情况", header, (row,) * 8), readable=4.0)
    assert _ems(widths[4]) >= 2 + 1 and _ems(widths[5]) >= 2 + 1  # 是否 / 完成, 偏差 / 原因
