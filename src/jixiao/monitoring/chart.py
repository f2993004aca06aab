"""The chart of the 执行进度通报: cumulative 执行率 by month against 序时进度 and the warning line.

Drawn with matplotlib and the shipped Chinese font (the reports' font helper), returned
as PNG bytes; the CLI decides where to write it.
"""

from __future__ import annotations

import io
from typing import Any

from jixiao.lib.money import format_number
from jixiao.monitoring.monitor import MonitoringReport
from jixiao.reports.fonts import chart_rc


def execution_chart_png(report: MonitoringReport, title: str = "") -> bytes:
    """Department 执行率 (line with values), 序时进度 (dashed) and warning lines (markers)."""
    import matplotlib
    import matplotlib.pyplot as plt

    months = [p.month for p in report.series]
    # The shipped font for this figure only (rc_context): no process-wide rcParams change.
    with matplotlib.rc_context(chart_rc()):
        return _draw(plt, report, months, title)


def _draw(plt: Any, report: MonitoringReport, months: list[int], title: str) -> bytes:
    fig, ax = plt.subplots(figsize=(6.4, 3.8), dpi=150)
    try:
        rates = [float(p.rate) if p.rate is not None else float("nan") for p in report.series]
        ax.plot(months, rates, marker="o", color="#2f5d8a", label="累计执行率")
        for p in report.series:
            if p.rate is not None:
                ax.annotate(
                    f"{format_number(p.rate, 1)}%",
                    (p.month, float(p.rate)),
                    textcoords="offset points",
                    xytext=(0, -13),
                    ha="center",
                    fontsize=7,
                )
        ax.plot(
            months,
            [float(p.pace) for p in report.series],
            linestyle="--",
            color="#8c8c8c",
            label="序时进度",
        )
        lines = [(p.month, float(p.line)) for p in report.series if p.line is not None]
        if lines:
            ax.scatter(
                [m for m, _ in lines],
                [v for _, v in lines],
                marker="v",
                color="#b8474b",
                zorder=3,
                label="预警线",
            )
        ax.set_xticks(months, [f"{m}月" for m in months])
        ax.set_ylim(0, 105)
        ax.set_ylabel("%")
        ax.set_title(title or f"预算执行进度（截至 {report.period}）")
        ax.grid(axis="y", alpha=0.3)
        ax.legend(loc="upper left", fontsize=8, frameon=False)
        fig.tight_layout()
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png")
        return buffer.getvalue()
    finally:
        plt.close(fig)
