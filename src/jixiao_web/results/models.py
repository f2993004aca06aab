"""结果应用: the 整改 items of an evaluation, their evidence, and the 财政复核结论.

- :class:`Rectification` — one 整改 item the engine's result application found (a
  deduction, an unmet target, an item still open from earlier years), assigned to a
  责任单位/责任人 with a deadline; its state is the ``rectification`` workflow's
  (:mod:`.workflows`);
- :class:`Evidence` — a file proving the rectification, stored through Django's storage
  under a name the system chooses (the browser's file name is only shown);
- :class:`GradeReview` — 财政复核结论: the score and grade the finance bureau's reviewer
  arrived at, entered here. Next year's budget suggestion uses this grade when there is
  one, else the grade of the self-evaluation sheet 财政 approved in 绩效评价管理 (with its
  抽查复核 values), else the self-grade marked 参考 (``services.reviewed_grade``).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from jixiao_web.datasets.fields import ExactDecimalField
from jixiao_web.datasets.models import Dataset
from jixiao_web.orgs.models import Department, Region, Unit


class Rectification(models.Model):
    """One 整改事项 of a department-year evaluation."""

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+")
    dataset = models.ForeignKey(Dataset, on_delete=models.CASCADE, related_name="+")
    #: identifies the engine's item within the dataset, so generating twice adds nothing
    key = models.CharField(max_length=64)
    source_year = models.PositiveSmallIntegerField("来源年度", null=True, blank=True)
    kind = models.CharField("类型", max_length=40)
    subject = models.CharField("事项", max_length=500)
    detail = models.TextField("问题说明", blank=True)
    owner_text = models.CharField("责任主体（评价结果）", max_length=300, blank=True)
    unit = models.ForeignKey(
        Unit,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="责任单位",
    )
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="责任人",
    )
    deadline = models.DateField("整改期限", null=True, blank=True)
    measures = models.TextField("整改措施与结果", blank=True)
    created_at = models.DateTimeField("生成时间", auto_now_add=True)
    version = models.PositiveIntegerField("版本", default=1)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "整改事项"
        ordering = ["dataset", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["dataset", "key"], name="rectification_key_unique")
        ]
        # the bureau's and a department's 整改 lists, paged by deadline: a page of a
        # province's ~100,000 items read from the index instead of sorting all of them
        indexes = [
            models.Index(fields=["region", "deadline", "id"], name="rectification_region_due"),
            models.Index(
                fields=["department", "deadline", "id"], name="rectification_department_due"
            ),
        ]

    def __str__(self) -> str:
        return self.subject


def evidence_path(instance: Evidence, filename: str) -> str:
    """A name chosen by the system: tenant folders and a random name with a vetted suffix
    (``filename`` is the browser's and is never used)."""
    item = instance.item
    return (
        f"evidence/{item.region_id}/{item.department_id}/{item.pk}/"
        f"{uuid.uuid4().hex}{instance.suffix}"
    )


class Evidence(models.Model):
    """A file proving a rectification (整改佐证材料)."""

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+")
    item = models.ForeignKey(Rectification, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(upload_to=evidence_path, max_length=300)
    #: the browser's file name, cleaned, for display only
    name = models.CharField("文件名", max_length=120)
    suffix = models.CharField(max_length=8)
    size = models.PositiveBigIntegerField("大小")
    note = models.CharField("说明", max_length=200, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    class Meta:
        verbose_name = "整改佐证材料"
        ordering = ["item", "uploaded_at", "pk"]


class GradeReview(models.Model):
    """财政复核结论: the finance bureau's reviewed score and grade of a dataset's evaluation."""

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+")
    dataset = models.OneToOneField(Dataset, on_delete=models.CASCADE, related_name="+")
    score = ExactDecimalField("复核得分")
    #: from the evaluation's framework bands (the engine's grading), never typed
    grade = models.CharField("复核等级", max_length=4)
    opinion = models.TextField("复核意见", blank=True)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField("复核时间", auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "财政复核结论"

    def __str__(self) -> str:
        return f"{self.score} {self.grade}"
