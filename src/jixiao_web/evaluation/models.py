"""Stored evaluations: what the engine said about a dataset, kept so pages read it back.

One :class:`Evaluation` per run of :func:`jixiao.evaluation.evaluate` on a stored dataset,
with the dataset version it read; beside it every figure (:class:`StoredFigure`), every
finding linked to the stored row and field it is about (:class:`StoredFinding`) and the
scorecard the report prints (:class:`ScoreItem`). Lists and dashboards read these tables;
nothing recomputes a number on a page. Written only by :mod:`.services`.

Report generation is a background task (:mod:`.tasks`): a :class:`ReportJob` carries its
progress, its :class:`ReportFile` rows name files kept through Django's storage API.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from jixiao.findings import SEVERITY_LABELS, Severity
from jixiao_web.datasets.models import Dataset
from jixiao_web.orgs.models import Department, Region

SEVERITY_CHOICES = [(s.value, SEVERITY_LABELS[s]) for s in Severity]
#: 0 error … 3 info: findings sort by seriousness
SEVERITY_RANK = {s.value: rank for rank, s in enumerate(SEVERITY_LABELS)}

#: Amounts, scores and rates as exact decimal text (SQLite keeps ``decimal`` as a float).
TEXT = 64


class Evaluation(models.Model):
    """One evaluation of a dataset at one of its versions."""

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    department = models.ForeignKey(Department, on_delete=models.CASCADE, related_name="+")
    dataset = models.ForeignKey(Dataset, on_delete=models.CASCADE, related_name="evaluations")
    #: the dataset's ``version`` when it was read: older than the dataset's → out of date
    dataset_version = models.PositiveIntegerField("数据版本")
    created_at = models.DateTimeField("评价时间", auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    framework_id = models.CharField("评分框架", max_length=100, blank=True)
    framework_name = models.CharField("评分框架名称", max_length=300, blank=True)
    #: why this framework (or none) was used, in the engine's words
    framework_reason = models.TextField("框架说明", blank=True)
    #: the framework's total as exact text; blank when not scored
    total = models.CharField("总分", max_length=TEXT, blank=True)
    #: 优/良/中/差 and 优秀/良好/…; blank without a complete score
    grade = models.CharField("等级", max_length=8, blank=True)
    grade_label = models.CharField("等级名称", max_length=16, blank=True)
    complete = models.BooleanField("评分完整", default=False)
    #: the printed scorecard's title, total and grade (the framework's or the department's own)
    scorecard_title = models.CharField("评分表", max_length=200, blank=True)
    scorecard_total = models.CharField("评分表总分", max_length=TEXT, blank=True)
    scorecard_points = models.CharField("评分表满分", max_length=TEXT, blank=True)
    scorecard_grade = models.CharField("评分表等级", max_length=16, blank=True)
    errors = models.PositiveIntegerField("错误", default=0)
    warnings = models.PositiveIntegerField("警告", default=0)
    infos = models.PositiveIntegerField("提示", default=0)

    class Meta:
        verbose_name = "评价结果"
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["dataset", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.dataset} 评价（数据版本 {self.dataset_version}）"


class StoredFigure(models.Model):
    """One figure of an evaluation (``jixiao.figures``), value as exact text."""

    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="figures")
    position = models.PositiveIntegerField()
    figure_id = models.CharField("数字编号", max_length=300)
    label = models.CharField("名称", max_length=300)
    #: the unrounded value as exact decimal text; blank: cannot be computed
    value = models.CharField("数值", max_length=TEXT, blank=True)
    #: as a report prints it (``617,056.54``; ``—`` when it cannot be computed)
    text = models.CharField("显示", max_length=TEXT)
    unit = models.CharField("单位", max_length=16, blank=True)
    places = models.PositiveSmallIntegerField(default=2)
    formula = models.TextField("公式", blank=True)
    inputs = models.JSONField("来源", default=dict)

    class Meta:
        verbose_name = "评价数字"
        ordering = ["evaluation", "position"]
        constraints = [
            models.UniqueConstraint(fields=["evaluation", "figure_id"], name="figure_unique")
        ]


class StoredFinding(models.Model):
    """One finding of an evaluation, linked to the stored row and field it is about."""

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    department = models.ForeignKey(Department, on_delete=models.CASCADE, related_name="+")
    dataset = models.ForeignKey(Dataset, on_delete=models.CASCADE, related_name="+")
    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="findings")
    position = models.PositiveIntegerField()
    code = models.CharField("代码", max_length=100)
    severity = models.CharField("级别", max_length=16, choices=SEVERITY_CHOICES)
    #: 0 error … 3 info: sorts by seriousness
    rank = models.PositiveSmallIntegerField(default=0)
    message = models.TextField("说明")
    values = models.JSONField("数值", default=dict)
    # The engine's structured location, as it gave it.
    where_table = models.CharField("表", max_length=64, blank=True)
    where_row = models.CharField("行", max_length=500, blank=True)
    where_column = models.CharField("栏目", max_length=64, blank=True)
    place = models.CharField("位置", max_length=300, blank=True)
    # The stored row (and field) it is about; blank when it is about no single row.
    row_table = models.CharField("所在表", max_length=64, blank=True)
    row_id = models.PositiveBigIntegerField("所在行", null=True, blank=True)
    row_column = models.CharField("所在栏目", max_length=64, blank=True)
    #: the scorecard item it is about (``2.4``), for findings of the scoring
    score_code = models.CharField("评分项", max_length=64, blank=True)
    #: the owning unit of the row (blank: the department's), so a unit can be filtered
    unit_code = models.CharField("所属单位", max_length=64, blank=True, db_index=True)

    class Meta:
        verbose_name = "评价发现"
        ordering = ["evaluation", "position"]
        indexes = [
            models.Index(fields=["evaluation", "rank", "position"]),
            models.Index(fields=["dataset", "row_table", "row_id"]),
        ]

    @property
    def severity_label(self) -> str:
        return SEVERITY_LABELS[Severity(self.severity)]

    @property
    def kind_title(self) -> str:
        """The finding's kind in Chinese (扣分与说明不符…), its code when none is declared."""
        from jixiao.evaluation import finding_title

        return finding_title(self.code) or self.code


class ScoreItem(models.Model):
    """One line of the scorecard the report prints (附表1)."""

    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveIntegerField()
    code = models.CharField("编号", max_length=64)
    name = models.CharField("指标", max_length=300)
    level = models.PositiveSmallIntegerField("层级", default=1)
    points = models.CharField("分值", max_length=TEXT, blank=True)
    score = models.CharField("得分", max_length=TEXT, blank=True)
    deduction = models.CharField("扣分", max_length=TEXT, blank=True)
    status = models.CharField("状态", max_length=16, blank=True)
    explanation = models.TextField("计分说明", blank=True)
    source = models.CharField("来源", max_length=300, blank=True)

    class Meta:
        verbose_name = "评分项"
        ordering = ["evaluation", "position"]


class ReportJob(models.Model):
    """One request to generate the reports of a dataset, run by a background worker."""

    class Status(models.TextChoices):
        QUEUED = "queued", "排队中"
        RUNNING = "running", "生成中"
        DONE = "done", "已完成"
        FAILED = "failed", "失败"

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    department = models.ForeignKey(Department, on_delete=models.CASCADE, related_name="+")
    dataset = models.ForeignKey(Dataset, on_delete=models.CASCADE, related_name="report_jobs")
    #: the evaluation the reports print (stored by the task when it starts)
    evaluation = models.ForeignKey(
        Evaluation, null=True, blank=True, on_delete=models.SET_NULL, related_name="report_jobs"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField("提交时间", auto_now_add=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)
    #: the heartbeat: set when a worker starts the job and at each step (``core/jobs.py``)
    progressed_at = models.DateTimeField("最近进展", null=True, blank=True)
    #: the report's formats and the review file's formats, e.g. ["docx", "pdf"]
    formats = models.JSONField("报告格式", default=list)
    review_formats = models.JSONField("审核底稿格式", default=list)
    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.QUEUED)
    step = models.CharField("当前步骤", max_length=100, blank=True)
    done = models.PositiveSmallIntegerField("已完成步骤", default=0)
    total = models.PositiveSmallIntegerField("步骤数", default=0)
    #: a Chinese message when it failed (never a traceback)
    error = models.TextField("错误", blank=True)
    dataset_version = models.PositiveIntegerField("数据版本", default=0)
    #: what the report is of when it is not the stored dataset as it is: a source another
    #: app registered (``reports.register_source``; e.g. ``self_evaluation``: a 自评表 of
    #: 绩效评价管理, the dataset with the entered scorecard) and that object's id
    source = models.CharField("报告来源", max_length=40, blank=True)
    source_id = models.PositiveBigIntegerField("来源编号", null=True, blank=True)

    class Meta:
        verbose_name = "报告生成任务"
        ordering = ["-requested_at", "-pk"]

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        return int(self.done * 100 / self.total) if self.total else 0


class ReportFile(models.Model):
    """One generated file; its bytes live in the default storage under a name we chose."""

    class Kind(models.TextChoices):
        REPORT = "report", "自评报告"
        REVIEW = "review", "审核底稿"

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    department = models.ForeignKey(Department, on_delete=models.CASCADE, related_name="+")
    job = models.ForeignKey(ReportJob, on_delete=models.CASCADE, related_name="files")
    kind = models.CharField("类别", max_length=16, choices=Kind.choices)
    format = models.CharField("格式", max_length=8)
    #: the Chinese file name the download carries (from the engine; never a path)
    filename = models.CharField("文件名", max_length=200)
    media_type = models.CharField(max_length=100)
    #: the storage name (``reports/<job>/<random>.pdf``), chosen by the system
    name = models.CharField(max_length=200)
    size = models.PositiveBigIntegerField("大小")

    class Meta:
        verbose_name = "报告文件"
        ordering = ["job", "kind", "pk"]
