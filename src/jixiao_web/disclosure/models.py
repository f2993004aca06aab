"""What a department's year looks like to the public: a snapshot taken when it is published.

Publishing (财政 or the department itself, :mod:`.services`) evaluates the dataset as
stored then and keeps, in one :class:`Publication`, exactly what the public pages show:
the 绩效目标表 (the projects' indicators with targets and results), the printed
scorecard, the score, grade and 执行率, and the dataset's text form, from which the
自评报告 is rendered on first request (and then kept, named by the text's digest).
Later edits of the dataset change nothing public until it is published again. Every
publish and unpublish is a :class:`PublicationEvent` (who, when, which version).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from jixiao_web.datasets.models import Dataset
from jixiao_web.orgs.models import Department, Region, Role


class Publication(models.Model):
    """The public snapshot of one dataset (department × year); visible while ``published``."""

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    department = models.ForeignKey(Department, on_delete=models.CASCADE, related_name="+")
    dataset = models.OneToOneField(Dataset, on_delete=models.CASCADE, related_name="publication")
    year = models.PositiveSmallIntegerField("年度")
    published = models.BooleanField("已公开", default=False)
    published_at = models.DateTimeField("公开时间", null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    #: the dataset's version the snapshot was taken from
    dataset_version = models.PositiveIntegerField("数据版本", default=0)
    total = models.CharField("总分", max_length=64, blank=True)
    grade = models.CharField("等级", max_length=16, blank=True)
    #: 项目预算执行率 as the engine computed it (exact text, percent); blank: not computable
    execution_rate = models.CharField("执行率", max_length=64, blank=True)
    execution_rate_text = models.CharField("执行率（显示）", max_length=64, blank=True)
    #: {"targets": [...], "scorecard": {...}, "budget": {...}} — what the pages print
    content = models.JSONField("公开内容", default=dict)
    #: the dataset's text form at publication: the report is rendered from it
    text = models.TextField("数据快照", blank=True)
    #: SHA-256 of ``text``: names the cached report files
    digest = models.CharField("摘要", max_length=64, blank=True)

    class Meta:
        verbose_name = "信息公开"
        ordering = ["department__code", "-year"]
        indexes = [models.Index(fields=["region", "published", "year"])]

    def __str__(self) -> str:
        return f"{self.department.name}{self.year}年度（公开）"


class PublicationEvent(models.Model):
    """One publish or unpublish decision: who, when, what (the audit trail of disclosure)."""

    class Action(models.TextChoices):
        PUBLISH = "publish", "公开"
        UNPUBLISH = "unpublish", "撤回公开"

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    department = models.ForeignKey(Department, on_delete=models.CASCADE, related_name="+")
    dataset = models.ForeignKey(Dataset, on_delete=models.CASCADE, related_name="+")
    action = models.CharField("操作", max_length=16, choices=Action.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    role = models.CharField("角色", max_length=20, blank=True)
    at = models.DateTimeField("时间", auto_now_add=True)
    dataset_version = models.PositiveIntegerField("数据版本", default=0)
    digest = models.CharField("摘要", max_length=64, blank=True)

    class Meta:
        verbose_name = "公开记录"
        ordering = ["-at", "-pk"]

    @property
    def role_label(self) -> str:
        """The role in words (财政绩效管理处), not its stored code."""
        return str(Role(self.role).label) if self.role in Role.values else self.role
