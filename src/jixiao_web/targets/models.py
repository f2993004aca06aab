"""Target forms of the budget year: one 部门整体 form per department and year, one per project.

They live here, keyed by region/department/unit/year, rather than in the engine dataset:
a dataset is the department's year *after* the fact (budget, execution, self-evaluation),
while targets are set for the year being prepared, by other people, through a review
chain. On 批复 the approved indicators export to the dataset's 项目绩效指标 layout
(``services.dataset_workbook``). Every table carries its tenant keys.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from jixiao_web.datasets.fields import ExactDecimalField
from jixiao_web.orgs.models import Department, Division, Region, Unit


class TargetForm(models.Model):
    """A 绩效目标申报表: the department's whole (``department``) or one project's."""

    class Kind(models.TextChoices):
        DEPARTMENT = "department", "部门整体"
        PROJECT = "project", "项目"

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    department = models.ForeignKey(Department, on_delete=models.CASCADE, related_name="+")
    #: the implementing unit of a project (blank for the department's form)
    unit = models.ForeignKey(
        Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    #: the 主管处室 of a project: its 业务处室 fills and may return it
    division = models.ForeignKey(
        Division, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    year = models.PositiveSmallIntegerField("预算年度")
    kind = models.CharField("类别", max_length=12, choices=Kind.choices)
    # --- project
    code = models.CharField("项目编码", max_length=64, blank=True, default="")
    name = models.CharField("名称", max_length=200)
    attribute = models.CharField("项目属性", max_length=20, blank=True, default="")
    category = models.CharField("项目类型", max_length=20, blank=True, default="")
    start_year = models.PositiveSmallIntegerField("实施期起", null=True, blank=True)
    end_year = models.PositiveSmallIntegerField("实施期止", null=True, blank=True)
    fund_source = models.CharField("资金来源", max_length=20, blank=True, default="")
    budget = ExactDecimalField("年度预算数", null=True, blank=True)
    total_budget = ExactDecimalField("项目总预算", null=True, blank=True)
    long_goal = models.TextField("实施期总体目标", blank=True, default="")
    # --- department
    functions = models.TextField("部门职能概述", blank=True, default="")
    income_fiscal = ExactDecimalField("财政拨款收入", null=True, blank=True)
    income_other = ExactDecimalField("其他收入", null=True, blank=True)
    spend_basic = ExactDecimalField("基本支出", null=True, blank=True)
    spend_project = ExactDecimalField("项目支出", null=True, blank=True)
    # --- both
    goal = models.TextField("年度总体目标", blank=True, default="")
    #: bumped by every save: an edit made on an older page answers 409
    version = models.PositiveIntegerField("版本", default=1)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = "绩效目标申报表"
        ordering = ["department", "-year", "kind", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["department", "year", "kind", "code"], name="target_form_unique"
            )
        ]
        indexes = [models.Index(fields=["region", "department", "year"])]

    def __str__(self) -> str:
        if self.kind == self.Kind.DEPARTMENT:
            return f"{self.department.name}{self.year}年度部门整体绩效目标"
        return f"{self.code} {self.name}（{self.year}年度）"

    @property
    def multi_year(self) -> bool:
        return bool(self.start_year and self.end_year and self.end_year > self.start_year)


class TargetTask(models.Model):
    """年度主要任务 of the department, or a project's 分年度 实施内容."""

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    department = models.ForeignKey(Department, on_delete=models.CASCADE, related_name="+")
    form = models.ForeignKey(TargetForm, on_delete=models.CASCADE, related_name="tasks")
    position = models.PositiveIntegerField("行序")
    year = models.PositiveSmallIntegerField("年度")
    name = models.CharField("任务名称", max_length=200)
    content = models.TextField("主要内容", blank=True, default="")
    amount = ExactDecimalField("预算金额", null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "主要任务"
        ordering = ["form", "position"]


class TargetIndicator(models.Model):
    """One 三级指标 of a form, with its target for one year (分年度 for multi-year projects)."""

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    department = models.ForeignKey(Department, on_delete=models.CASCADE, related_name="+")
    form = models.ForeignKey(TargetForm, on_delete=models.CASCADE, related_name="indicators")
    position = models.PositiveIntegerField("行序")
    year = models.PositiveSmallIntegerField("年度")
    level1 = models.CharField("一级指标", max_length=20)
    level2 = models.CharField("二级指标", max_length=40)
    name = models.CharField("三级指标", max_length=200)
    code = models.CharField("指标编码", max_length=64, blank=True, default="")
    is_new = models.BooleanField("新增指标", default=False)
    sign = models.CharField("计算符号", max_length=4)
    target = ExactDecimalField("指标值", null=True, blank=True)
    target_desc = models.CharField("指标值说明", max_length=500, blank=True, default="")
    unit = models.CharField("度量单位", max_length=20, blank=True, default="")
    weight = ExactDecimalField("权重", null=True, blank=True)
    prior_actual = ExactDecimalField("上年实际值", null=True, blank=True)
    basis = models.CharField("取值依据", max_length=10, blank=True, default="")
    explanation = models.TextField("指标解释", blank=True, default="")
    history = HistoricalRecords()

    class Meta:
        verbose_name = "绩效指标"
        ordering = ["form", "position"]


class TargetVersion(models.Model):
    """What a form held when it was submitted (送审): the reviewer's diff compares these."""

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    department = models.ForeignKey(Department, on_delete=models.CASCADE, related_name="+")
    form = models.ForeignKey(TargetForm, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField("送审次数")
    content = models.JSONField("内容")
    created_at = models.DateTimeField("送审时间", auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "送审版本"
        ordering = ["form", "number"]
        constraints = [
            models.UniqueConstraint(fields=["form", "number"], name="target_version_unique")
        ]
