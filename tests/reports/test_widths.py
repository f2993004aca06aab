"""Table column widths (``reports/render/widths.py``), shared by the HTML/PDF and Word layouts."""

from __future__ import annotations

from dataclasses import replace

from hypothesis import given, settings
from hypothesis import strategies as st
from report_fixtures import MINI, evaluate, load_dataset, report_model

from jixiao.reports.model import Cell, Section, Table
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


def test_the_pdf_gives_the_leftover_width_to_text_not_to_a_short_number_column() -> None:
    """The example's 表5: “决算为年初预算的（%）” over numbers like 89.02 took 31% of the PDF
    table's width (widened to set its header on one line, then a share of what was left by
    its header's length) while 支出性质 had 26%."""
    from jixiao.reports.render.pdf import document

    def row(name: str, *numbers: str) -> tuple[Cell, ...]:
        return (Cell(name), *(Cell(n, numeric=True) for n in numbers), Cell(""))

    rows = (
        row("基本支出", "39,855.33", "35,480.92", "89.02"),
        row("其中：人员经费", "31,373.05", "29,615.67", "94.40"),
        row("项目支出", "140,387.60", "578,025.85", "411.74"),
        row("经营支出", "0.00", "2,376.96", ""),
        row("合计", "180,242.93", "615,883.73", "341.70"),
    )
    header = ("支出性质", "年初预算", "决算", "决算为年初预算的（%）", "说明")
    table = Table("表5", "支出预算与决算（按支出性质）", header, rows)
    model = report_model(evaluate(load_dataset(MINI)))
    section = Section("spending.final", "3.部门决算情况", 3, (table,))
    (laid,) = document(replace(model, sections=(section,), body=()))["sections"][0]["blocks"]
    kind, budget, final, ratio, _note = laid["widths"]
    assert ratio <= 15  # “411.74” and a header of three lines (决算为年/初预算的/（%）)
    assert kind >= 35 and kind > budget and kind > final
    assert ratio < kind and ratio <= budget
    assert sum(laid["widths"]) in (99, 100, 101)
    # Word keeps its widths (its page numbers and the golden parts are computed from them)
    assert column_widths(table)[3] > 25


def _grow_asking_every_column(
    widths: list[float], lengths: list[list[float]], room: float, table_ems: float
) -> None:
    """The growth loop as first written: each column asked about every row (the reference)."""
    from jixiao.reports.render.widths import _lines

    step = 1.0
    heights = [
        [_lines(n, w, table_ems) for n, w in zip(row, widths, strict=True)] for row in lengths
    ]
    while room >= step:
        tallest = [max(row) for row in heights]
        best, best_saving = -1, 0.0
        for i, width in enumerate(widths):
            saving = 0.0
            for row, height, top in zip(lengths, heights, tallest, strict=True):
                if height[i] < top:
                    continue
                others = max((h for k, h in enumerate(height) if k != i), default=1.0)
                saving += top - max(others, _lines(row[i], width + step, table_ems))
            if saving > best_saving + 1e-9:
                best, best_saving = i, saving
        if best < 0:
            return
        widths[best] += step
        room -= step
        for row, height in zip(lengths, heights, strict=True):
            height[best] = _lines(row[best], widths[best], table_ems)


@settings(max_examples=300, deadline=None)
@given(
    st.integers(1, 7).flatmap(
        lambda columns: st.tuples(
            st.lists(st.floats(4.0, 40.0), min_size=columns, max_size=columns),
            st.lists(
                st.lists(
                    st.one_of(
                        st.sampled_from([0.0, 1.0, 2.0, 4.8, 12.0, 60.0]), st.floats(0.0, 400.0)
                    ),
                    min_size=columns,
                    max_size=columns,
                ),
                min_size=1,
                max_size=12,
            ),
            st.sampled_from([TABLE_EMS, 58.0]),
        )
    )
)
def test_growing_by_each_rows_tallest_cell_gives_the_widths_asking_every_column_gave(
    case: tuple[list[float], list[list[float]], float],
) -> None:
    from jixiao.reports.render.widths import _grow_where_lines_are_saved

    widths, lengths, table_ems = case
    room = 100 - sum(widths)
    ours, reference = list(widths), list(widths)
    _grow_where_lines_are_saved(ours, lengths, room, table_ems)
    _grow_asking_every_column(reference, lengths, room, table_ems)
    assert ours == reference


def _grow_every_row_every_step(
    widths: list[float],
    lengths: list[list[float]],
    room: float,
    table_ems: float,
    header_lines: int = 1,
) -> None:
    """The growth loop before it kept each row's saving: every row assessed on every step."""
    from jixiao.reports.render.widths import _lines

    step = 1.0
    free = float(header_lines - 1)

    def lines(r: int, n: float, w: float) -> float:
        count = _lines(n, w, table_ems)
        return max(1.0, count - free) if r == 0 and free else count

    heights = [
        [lines(r, n, w) for n, w in zip(row, widths, strict=True)] for r, row in enumerate(lengths)
    ]
    while room >= step:
        savings = [0.0] * len(widths)
        for r, (row, height) in enumerate(zip(lengths, heights, strict=True)):
            top = max(height)
            if height.count(top) > 1:
                continue
            j = height.index(top)
            others = max(height[:j] + height[j + 1 :]) if len(height) > 1 else 1.0
            savings[j] += top - max(others, lines(r, row[j], widths[j] + step))
        best, best_saving = -1, 0.0
        for i, saving in enumerate(savings):
            if saving > best_saving + 1e-9:
                best, best_saving = i, saving
        if best < 0:
            return
        widths[best] += step
        room -= step
        for r, (row, height) in enumerate(zip(lengths, heights, strict=True)):
            height[best] = lines(r, row[best], widths[best])


@settings(max_examples=500, deadline=None)
@given(
    st.integers(1, 8).flatmap(
        lambda columns: st.tuples(
            # a column under about 4% holds half a character whatever its width (the
            # floor in ``_lines``): a step that does not change its lines still counts
            st.lists(
                st.one_of(st.sampled_from([3.0, 3.5, 4.0, 5.0]), st.floats(3.0, 30.0)),
                min_size=columns,
                max_size=columns,
            ),
            st.lists(
                st.lists(
                    # few distinct lengths: ties between a row's cells, and rows alike
                    st.one_of(
                        st.sampled_from([0.0, 0.6, 1.0, 2.0, 4.8, 6.0, 12.0, 33.3, 60.0, 140.0]),
                        st.floats(0.0, 400.0),
                    ),
                    min_size=columns,
                    max_size=columns,
                ),
                min_size=1,
                max_size=40,
            ),
            st.sampled_from([TABLE_EMS, 46.0, 60.0, 67.5]),
            st.sampled_from([1, 3]),
        )
    )
)
def test_keeping_each_rows_saving_gives_the_widths_of_assessing_every_row_every_step(
    case: tuple[list[float], list[list[float]], float, int],
) -> None:
    from jixiao.reports.render.widths import _grow_where_lines_are_saved

    widths, lengths, table_ems, header_lines = case
    room = max(0.0, 100 - sum(widths))
    ours, reference = list(widths), list(widths)
    _grow_where_lines_are_saved(ours, lengths, room, table_ems, header_lines)
    _grow_every_row_every_step(reference, lengths, room, table_ems, header_lines)
    assert ours == reference
