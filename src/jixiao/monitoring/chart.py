"""The chart of the 执行进度通报: cumulative 执行率 by month against 序时进度 and the warning line.

Drawn by Typst with the report charts' template (``progress`` in
``jixiao/reports/templates/chart.typ``) and the shipped Chinese font, returned as PNG bytes
(960 × 570); the CLI decides where to write it. The values written at the points are
formatted here from the Decimals; floats only place them.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from jixiao.lib.money import format_number
from jixiao.monitoring.monitor import MonitoringReport
from jixiao.reports.charts import draw

#: The percentage axis: 0 to 100 (further, in steps of 20, when a rate or line passes 100).
STEP = 20


def chart_data(report: MonitoringReport, title: str = "") -> dict[str, Any]:
    """What the template's ``progress`` function is given for ``report``."""
    points = report.series
    values = [v for p in points for v in (p.rate, p.pace, p.line) if v is not None]
    top = max(Decimal(100), *values) if values else Decimal(100)
    last = -(-int(top.to_integral_value(rounding="ROUND_CEILING")) // STEP) * STEP
    return {
        "kind": "progress",
        "title": title or f"预算执行进度（截至 {report.period}）",
        "ticks": [{"value": v, "label": str(v)} for v in range(0, last + 1, STEP)],
        "months": [
            {
                "label": f"{p.month}月",
                "rate": float(p.rate) if p.rate is not None else None,
                "value": f"{format_number(p.rate, 1)}%" if p.rate is not None else "",
                "pace": float(p.pace),
                "line": float(p.line) if p.line is not None else None,
            }
            for p in points
        ],
        "legend": {
            "rate": "累计执行率",
            "pace": "序时进度",
            "line": "预警线" if any(p.line is not None for p in points) else None,
        },
    }


def execution_chart_png(report: MonitoringReport, title: str = "") -> bytes:
    """Department 执行率 (line with values), 序时进度 (dashed) and warning lines (markers)."""
    return draw(chart_data(report, title), "png")
