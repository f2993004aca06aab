"""The 执行进度 chart, drawn by Typst (``progress`` in reports/templates/chart.typ)."""

from __future__ import annotations

import io
import subprocess
from decimal import Decimal

from PIL import Image, ImageStat

from jixiao.monitoring.chart import chart_data, execution_chart_png
from jixiao.monitoring.monitor import MonitoringReport, SeriesPoint
from jixiao.reports.charts import draw

D = Decimal


def _report(*points: SeriesPoint) -> MonitoringReport:
    return MonitoringReport(
        period="2023-04",
        rule_set="测试",
        pace=points[-1].pace if points else D(0),
        line=points[-1].line if points else None,
        total_budget=D(100),
        total_cumulative=D(30),
        units=(),
        alerts=(),
        interviews=(),
        series=points,
        findings=(),
    )


REPORT = _report(
    SeriesPoint(1, D("3.04"), D("8.33"), None),
    SeriesPoint(2, None, D("16.67"), None),  # no 执行率 reported: a gap in the line
    SeriesPoint(3, D("12.35"), D("25.00"), D("20")),
    SeriesPoint(4, D("20.26"), D("33.33"), D("25")),
)


def _text(pdf: bytes) -> str:
    out = subprocess.run(["pdftotext", "-", "-"], input=pdf, check=True, capture_output=True)
    return "".join(out.stdout.decode().split())


def test_the_chart_is_a_960_by_570_png() -> None:
    png = execution_chart_png(REPORT, "示例科技厅 预算执行进度（截至 2023-04）")
    image = Image.open(io.BytesIO(png))
    assert image.size == (960, 570)
    assert ImageStat.Stat(image.convert("L")).var[0] > 100


def test_the_chart_shows_the_title_months_values_and_legend() -> None:
    text = _text(draw(chart_data(REPORT, "示例科技厅 预算执行进度"), "pdf"))
    assert "示例科技厅预算执行进度" in text
    assert all(f"{m}月" in text for m in range(1, 5))
    assert "3.0%" in text and "12.4%" in text and "20.3%" in text  # one decimal, rounded
    assert "累计执行率" in text and "序时进度" in text and "预警线" in text
    assert "100" in text and "120" not in text


def test_without_warning_lines_the_legend_has_no_triangle_and_past_100_the_axis_grows() -> None:
    report = _report(
        SeriesPoint(11, D("95"), D("91.67"), None), SeriesPoint(12, D("104.5"), D(100), None)
    )
    text = _text(draw(chart_data(report), "pdf"))
    assert "预算执行进度（截至2023-04）" in text  # the default title
    assert "预警线" not in text
    assert "104.5%" in text and "120" in text


def test_a_period_before_any_months_data_draws_the_axes_alone() -> None:
    """``jixiao monitor`` on a dataset without 执行进度 lines: no month, still a chart, no error."""
    png = execution_chart_png(_report(), "无执行数据")
    assert Image.open(io.BytesIO(png)).size == (960, 570)
    assert "无执行数据" in _text(draw(chart_data(_report(), "无执行数据"), "pdf"))
