"""绩效运行监控 ("双监控"): a monitoring round, the units' returns and what they filled.

财政 issues a :class:`Round` (a department, the month reported on, which units, a
deadline); each unit gets a :class:`Return` that goes through the ``monitor-return``
workflow (:mod:`.workflows`). A return has one :class:`ProjectLine` per project —
1–N月 cumulative execution (:class:`MonthAmount`), 全年预计执行数, the indicators'
progress — and one :class:`IndicatorLine` per project indicator (当前完成值, 完成可能性,
偏差原因, 纠偏措施). The 执行进度通报, the warning list and the 约谈 list are not stored:
the engine (``jixiao.monitoring.monitor_execution``) computes them from these rows each
time the round's page is opened. Rows are written only by :mod:`.services`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from jixiao_web.datasets.fields import ExactDecimalField
from jixiao_web.datasets.models import Dataset
from jixiao_web.orgs.models import Department, Region, Unit

#: 完成目标可能性, as the 黄石 monitoring form has it.
LIKELIHOOD = (("确定能", "确定能"), ("有可能", "有可能"), ("不可能", "不可能"))
#: 偏差原因: the standard list (规划和目标设计、投入保障、制度保障、项目管理) and 其他.
DEVIATION_REASONS = (
    ("", "无偏差"),
    ("规划和目标设计", "规划和目标设计"),
    ("投入保障", "投入保障"),
    ("制度保障", "制度保障"),
    ("项目管理", "项目管理"),
    ("其他", "其他"),
)


class Round(models.Model):
    """A monitoring round (监控批次) of one department: the month reported on and a deadline."""

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+")
    #: the department-year dataset whose 预算单位 and 项目 the round monitors
    dataset = models.ForeignKey(Dataset, on_delete=models.PROTECT, related_name="+")
    period = models.CharField("监控期", max_length=7, help_text="YYYY-MM：填报截至该月末的累计数")
    title = models.CharField("名称", max_length=100)
    deadline = models.DateField("报送期限")
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    issued_at = models.DateTimeField("下发时间", auto_now_add=True)

    class Meta:
        verbose_name = "监控批次"
        ordering = ["-period", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["department", "period"], name="monitor_round_unique")
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def month(self) -> int:
        return int(self.period[5:7])

    @property
    def year(self) -> int:
        return int(self.period[:4])


class Return(models.Model):
    """One unit's return in a round (单位监控填报); its state is the workflow's."""

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+")
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="returns")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    unit_code = models.CharField("单位编码", max_length=32)
    submitted_at = models.DateTimeField("报送时间", null=True, blank=True)
    #: bumped by every save of the form: a form opened before someone else's save is refused
    version = models.PositiveIntegerField("版本", default=1)

    class Meta:
        verbose_name = "单位监控填报"
        ordering = ["round", "unit_code"]
        constraints = [
            models.UniqueConstraint(fields=["round", "unit"], name="monitor_return_unique")
        ]

    def __str__(self) -> str:
        return f"{self.round.title} {self.unit.name}"


class ProjectLine(models.Model):
    """One project of a return: its budget and what the unit reports about it."""

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+")
    ret = models.ForeignKey(Return, on_delete=models.CASCADE, related_name="projects")
    position = models.PositiveIntegerField(default=0)
    code = models.CharField("项目编码", max_length=64)
    name = models.CharField("项目名称", max_length=200)
    fund = models.CharField("资金来源", max_length=100, blank=True)
    budget = ExactDecimalField("预算数", null=True, blank=True)
    expected = ExactDecimalField("全年预计执行数", null=True, blank=True)
    progress = ExactDecimalField("指标完成进度", null=True, blank=True)
    deviation = models.CharField("偏差原因", max_length=20, blank=True, choices=DEVIATION_REASONS)
    measures = models.TextField("纠偏措施", blank=True)

    class Meta:
        verbose_name = "项目监控"
        ordering = ["ret", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["ret", "code"], name="monitor_project_unique")
        ]


class MonthAmount(models.Model):
    """Cumulative execution of a project up to the end of one month (1–N月执行数)."""

    line = models.ForeignKey(ProjectLine, on_delete=models.CASCADE, related_name="months")
    month = models.PositiveSmallIntegerField("月份")
    cumulative = ExactDecimalField("累计执行数")

    class Meta:
        verbose_name = "月度累计执行数"
        ordering = ["line", "month"]
        constraints = [
            models.UniqueConstraint(fields=["line", "month"], name="monitor_month_unique")
        ]


class IndicatorLine(models.Model):
    """One indicator of a project: its target and the unit's current progress."""

    line = models.ForeignKey(ProjectLine, on_delete=models.CASCADE, related_name="indicators")
    position = models.PositiveIntegerField(default=0)
    level1 = models.CharField("一级指标", max_length=40, blank=True)
    name = models.CharField("三级指标", max_length=200)
    sign = models.CharField("计算符号", max_length=4, blank=True)
    target = models.CharField("指标值", max_length=100, blank=True)
    unit = models.CharField("计量单位", max_length=20, blank=True)
    current = ExactDecimalField("当前完成值", null=True, blank=True)
    likelihood = models.CharField("完成可能性", max_length=6, blank=True, choices=LIKELIHOOD)
    deviation = models.CharField("偏差原因", max_length=20, blank=True, choices=DEVIATION_REASONS)
    measures = models.TextField("纠偏措施", blank=True)

    class Meta:
        verbose_name = "指标监控"
        ordering = ["line", "position", "pk"]
