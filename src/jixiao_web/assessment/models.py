"""自评任务, 自评表 and what hangs on them: entries, evidence, 抽查复核, 重点评价."""

from __future__ import annotations

import uuid
from pathlib import PurePosixPath
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from jixiao_web.datasets.fields import ExactDecimalField
from jixiao_web.datasets.models import Dataset
from jixiao_web.orgs.models import Department, Region, Unit


def _exact(label: str, **options: Any) -> Any:
    """A ``Decimal`` kept as its exact text (typed ``Any``: the field is a text field)."""
    return ExactDecimalField(label, **options)


class AssessmentTask(models.Model):
    """A 自评任务 issued by 财政: which datasets, which framework, by when."""

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    title = models.CharField("任务名称", max_length=200)
    year = models.PositiveSmallIntegerField("评价年度")
    #: a shipped framework id (``jixiao.scoring.known_frameworks``), department subject
    framework = models.CharField("评分框架", max_length=60)
    deadline = models.DateField("截止日期")
    note = models.TextField("任务说明", blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    issued_at = models.DateTimeField("下达时间", default=timezone.now)
    cancelled_at = models.DateTimeField("撤销时间", null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    cancel_reason = models.TextField("撤销原因", blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "自评任务"
        ordering = ["-issued_at", "-pk"]

    def __str__(self) -> str:
        return self.title

    @property
    def cancelled(self) -> bool:
        return self.cancelled_at is not None


class ScoreSheet(models.Model):
    """One 自评表: a department-year dataset scored with the task's framework."""

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    department = models.ForeignKey(Department, on_delete=models.CASCADE, related_name="+")
    task = models.ForeignKey(AssessmentTask, on_delete=models.CASCADE, related_name="sheets")
    dataset = models.ForeignKey(Dataset, on_delete=models.PROTECT, related_name="+")
    #: the budget unit whose clerk fills the sheet (blank: the department's 财务处 fills it)
    unit = models.ForeignKey(
        Unit, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    conclusion = models.TextField("评价结论", blank=True)
    problems = models.TextField("存在问题", blank=True)
    measures = models.TextField("改进措施", blank=True)
    #: bumped by every saved change: a form opened before someone else's save gets 409
    version = models.PositiveIntegerField("版本", default=1)
    updated_at = models.DateTimeField("更新时间", auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = "自评表"
        ordering = ["task", "department__code"]
        constraints = [
            models.UniqueConstraint(fields=["task", "dataset"], name="score_sheet_unique")
        ]

    def __str__(self) -> str:
        return f"{self.department.name}{self.dataset.year}年度自评表"


class ScoreEntry(models.Model):
    """What the unit entered for one item of the framework (by the item's code)."""

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    department = models.ForeignKey(Department, on_delete=models.CASCADE, related_name="+")
    sheet = models.ForeignKey(ScoreSheet, on_delete=models.CASCADE, related_name="entries")
    code = models.CharField("编码", max_length=40)
    #: 完成值 of an indicator item (the engine scores it by the indicator's 计算符号)
    actual = _exact("完成值", null=True, blank=True)
    #: 定性完成档次 of a qualitative indicator (达成/部分达成/未达成)
    qual_grade = models.CharField("定性完成档次", max_length=10, blank=True)
    score = _exact("自评得分", null=True, blank=True)
    reason = models.TextField("未完成原因及评分说明", blank=True)
    version = models.PositiveIntegerField("版本", default=1)
    updated_at = models.DateTimeField("更新时间", auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = "自评得分"
        ordering = ["sheet", "pk"]
        constraints = [models.UniqueConstraint(fields=["sheet", "code"], name="score_entry_unique")]


def evidence_path(instance: Evidence, filename: str) -> str:
    """A name the system chooses: the browser's file name never becomes part of a path."""
    suffix = PurePosixPath(filename).suffix.lower()
    return (
        f"assessment/evidence/{instance.region_id}/{instance.sheet_id}/{uuid.uuid4().hex}{suffix}"
    )


class Evidence(models.Model):
    """A supporting document (佐证材料) uploaded for one item of a scorecard."""

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    department = models.ForeignKey(Department, on_delete=models.CASCADE, related_name="+")
    sheet = models.ForeignKey(ScoreSheet, on_delete=models.CASCADE, related_name="evidence")
    code = models.CharField("编码", max_length=40)
    file = models.FileField("文件", upload_to=evidence_path, max_length=200)
    #: the name the browser sent, for display and download only (never a path)
    original_name = models.CharField("原文件名", max_length=200)
    size = models.PositiveBigIntegerField("大小")
    media_type = models.CharField("类型", max_length=100)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField("上传时间", default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "佐证材料"
        ordering = ["code", "uploaded_at", "pk"]


class SampleDraw(models.Model):
    """The 抽查复核 sample of a task: the rule, its parameters and the seed, kept to redo it."""

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    task = models.OneToOneField(AssessmentTask, on_delete=models.CASCADE, related_name="draw")
    rule = models.CharField("抽样规则", max_length=40)
    percent = models.DecimalField("抽样比例（%）", max_digits=5, decimal_places=2)
    seed = models.PositiveBigIntegerField("随机种子")
    drawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    drawn_at = models.DateTimeField("抽取时间", default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "抽查复核抽样"


class SampledItem(models.Model):
    """One item drawn for 抽查复核: what the unit entered and its points at the draw, what
    财政 found on re-checking, and the points the framework gives each.

    Both scores are the engine's (``assessment.scoring.rescore``), so 自评 and 复核 compare
    like with like: an indicator item is re-scored from the 复核完成值 (or 完成档次) by the
    indicator's 计算符号, a manual item from the 复核评分 and its 复核说明 by the framework's
    manual rule — the same deductions, caps and flags the self-score went through.
    """

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    department = models.ForeignKey(Department, on_delete=models.CASCADE, related_name="+")
    draw = models.ForeignKey(SampleDraw, on_delete=models.CASCADE, related_name="items")
    sheet = models.ForeignKey(ScoreSheet, on_delete=models.CASCADE, related_name="+")
    code = models.CharField("编码", max_length=40)
    name = models.CharField("指标名称", max_length=200)
    points = _exact("分值")
    #: how the item is scored: ``quantitative``/``qualitative`` indicator, or ``manual``
    kind = models.CharField("计分方式", max_length=12, default="manual")
    #: the unit's entry at the draw: 完成值 / 完成档次 / the 自评得分 it typed
    self_actual = _exact("自评完成值", null=True, blank=True)
    self_qual_grade = models.CharField("自评完成档次", max_length=10, blank=True)
    self_entered = _exact("自评填报得分", null=True, blank=True)
    #: the framework's points for the unit's entry (the engine's)
    self_score = _exact("自评得分")
    #: what 财政 found on re-checking (blank: not yet re-scored)
    review_actual = _exact("复核完成值", null=True, blank=True)
    review_qual_grade = models.CharField("复核完成档次", max_length=10, blank=True)
    review_entered = _exact("复核评分", null=True, blank=True)
    #: the framework's points for 财政's values (the engine's), and its explanation
    review_score = _exact("复核得分", null=True, blank=True)
    review_explanation = models.TextField("复核计分说明", blank=True)
    review_flags = models.CharField("复核标记", max_length=200, blank=True)
    note = models.TextField("复核说明", blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField("复核时间", null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "抽查复核项"
        ordering = ["department__code", "pk"]

    @property
    def deviation(self) -> Any:
        """复核得分 − 自评得分 (None until re-scored)."""
        if self.review_score is None:
            return None
        return self.review_score - self.self_score

    @property
    def anchor(self) -> str:
        """The item's row id on its sheet (``1.1.7`` → ``1-1-7``)."""
        return str(self.code).replace(".", "-")


class KeyEvaluation(models.Model):
    """重点评价: a third party (机构/专家) assigned to score one scorecard itself."""

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    department = models.ForeignKey(Department, on_delete=models.CASCADE, related_name="+")
    sheet = models.ForeignKey(ScoreSheet, on_delete=models.CASCADE, related_name="key_evaluations")
    evaluator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="key_evaluations"
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    assigned_at = models.DateTimeField("委托时间", default=timezone.now)
    #: 利益冲突声明: required before any score is accepted; a declared conflict refuses scoring
    declared_at = models.DateTimeField("声明时间", null=True, blank=True)
    has_conflict = models.BooleanField("存在利益冲突", null=True, blank=True)
    declaration = models.TextField("声明内容", blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "重点评价委托"
        constraints = [
            models.UniqueConstraint(fields=["sheet", "evaluator"], name="key_evaluation_unique")
        ]

    @property
    def may_score(self) -> bool:
        return self.declared_at is not None and self.has_conflict is False


class ExpertScore(models.Model):
    """A third party's score of one item in a 重点评价."""

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    department = models.ForeignKey(Department, on_delete=models.CASCADE, related_name="+")
    evaluation = models.ForeignKey(KeyEvaluation, on_delete=models.CASCADE, related_name="scores")
    code = models.CharField("编码", max_length=40)
    score = _exact("评价得分", null=True, blank=True)
    note = models.TextField("评价意见", blank=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "重点评价得分"
        constraints = [
            models.UniqueConstraint(fields=["evaluation", "code"], name="expert_score_unique")
        ]
