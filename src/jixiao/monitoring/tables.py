"""The three outputs as plain tables (title, headers, rows of text or Decimal).

One description serves the text output (Rich tables) and the Excel export, so the two
cannot drift apart. Numbers stay ``Decimal`` here; the renderers format them.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from jixiao.findings import Finding
from jixiao.lib.money import round_half_up
from jixiao.monitoring.monitor import MonitoringReport
from jixiao.monitoring.results import ResultApplication
from jixiao.monitoring.review import TargetReview

Cell = str | int | Decimal | None


@dataclass(frozen=True)
class Table:
    title: str  #: also the sheet name in Excel (≤ 31 characters)
    headers: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]
    #: columns holding money (万元): two decimals with 千分位; other numbers as given.
    money: frozenset[int] = frozenset()
    #: columns shown on screen (all when empty); JSON and Excel always have every column.
    brief: tuple[int, ...] = ()


def _r(value: Decimal | None) -> Decimal | None:
    return round_half_up(value, 2) if value is not None else None


def findings_table(findings: tuple[Finding, ...], title: str = "问题清单") -> Table:
    severity = {"error": "错误", "warning": "警告", "info": "提示"}
    return Table(
        title,
        ("级别", "位置", "说明"),
        tuple((severity[f.severity.value], f.place, f.message) for f in findings),
    )


def review_tables(review: TargetReview) -> list[Table]:
    rows = tuple(
        (
            r.owner,
            r.level1,
            r.level2,
            r.name,
            r.code,
            r.sign,
            r.target,
            r.unit,
            r.history.last_year if r.history else None,
            r.history.last_actual if r.history else None,
            r.actual,
            "、".join(r.flags),
        )
        for r in review.rows
    )
    headers = (
        "目标编号",
        "一级指标",
        "二级指标",
        "三级指标",
        "库编码",
        "符号",
        "指标值",
        "单位",
        "上年度",
        "上年完成值",
        "完成值",
        "审核标记",
    )
    return [
        Table("目标审核", headers, rows, brief=(0, 3, 5, 6, 7, 9, 10, 11)),
        findings_table(review.findings, "审核意见"),
    ]


def monitoring_tables(report: MonitoringReport) -> list[Table]:
    units = tuple(
        (
            u.rank,
            u.unit,
            u.name,
            u.budget,
            u.cumulative,
            _r(u.rate),
            _r(u.pace),
            _r(u.lag),
            u.line,
            "约谈" if u.interview else "预警" if u.below_line else "正常",
        )
        for u in report.units
    )
    alerts = tuple(
        (a.level, a.code, a.name, a.unit, a.kind, _r(a.rate), _r(a.reference), a.message)
        for a in report.alerts
    )
    interviews = tuple(
        (u.unit, u.name, "；".join(f"{m}月 {_r(r)}%" for m, r in u.checkpoints), _r(u.rate))
        for u in report.interviews
    )
    return [
        Table(
            "执行进度通报" if report.by == "unit" else "执行进度通报（按资金来源）",
            (
                "排名",
                "单位编码" if report.by == "unit" else "资金来源",
                "单位名称",
                "预算数（万元）",
                "累计执行数（万元）",
                "执行率%",
                "序时进度%",
                "滞后（百分点）",
                "预警线%",
                "状态",
            ),
            units,
            frozenset({3, 4}),
        ),
        Table(
            "预警清单",
            ("层级", "编码", "名称", "单位", "类型", "执行率%", "对照值%", "说明"),
            alerts,
            brief=(0, 1, 2, 4, 7),
        ),
        Table("约谈名单", ("单位编码", "单位名称", "各检查月执行率", "本期执行率%"), interviews),
        findings_table(report.findings, "数据问题"),
    ]


def results_tables(result: ResultApplication) -> list[Table]:
    recs = tuple(
        (r.level, r.code, r.name, r.score, r.grade, r.recommendation, r.basis)
        for r in result.recommendations
    )
    items = tuple(
        (
            i,
            r.source_year,
            r.kind,
            r.subject,
            r.owner,
            r.deadline.isoformat() if r.deadline else "",
            r.status,
            r.detail,
        )
        for i, r in enumerate(result.rectifications, start=1)
    )
    return [
        Table(
            "结果应用", ("层级", "编码", "名称", "得分", "等级", "预算安排建议", "得分来源"), recs
        ),
        Table(
            "整改清单",
            ("序号", "来源年度", "类型", "整改事项", "责任主体", "整改期限", "状态", "问题说明"),
            items,
            brief=(0, 2, 3, 4, 5, 6),
        ),
        findings_table(result.findings, "提示"),
    ]
