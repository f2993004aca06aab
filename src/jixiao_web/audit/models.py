"""Batch audits: many reports audited by a background task into one summary table.

A :class:`BatchAudit` is one request — reports uploaded at once, or the 自评报告 the system
generated for a region's (or a department's) datasets of one year — with its progress;
each report is a :class:`BatchItem` holding the engine's verdict, its counts and its
findings (the engine's JSON shape, :func:`jixiao.audit.findings.finding_json`). The
summary workbook is the engine's (:func:`jixiao.audit.export.workbook_bytes`), written
once when the batch finishes. Written only by :mod:`.batch`.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models

from jixiao.findings import SEVERITY_LABELS, Severity
from jixiao_web.orgs.models import Department, Region

#: How many findings the summary table shows per report (the most serious first).
TOP_FINDINGS = 3
_RANK = {s.value: rank for rank, s in enumerate(SEVERITY_LABELS)}
_LABELS = {s.value: label for s, label in SEVERITY_LABELS.items()}


class BatchAudit(models.Model):
    """One batch of reports audited together, run by a background worker."""

    class Source(models.TextChoices):
        UPLOAD = "upload", "上传的报告"
        REPORTS = "reports", "系统生成的自评报告"

    class Status(models.TextChoices):
        QUEUED = "queued", "排队中"
        RUNNING = "running", "审核中"
        DONE = "done", "已完成"
        FAILED = "failed", "失败"

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    #: the department whose own batch this is; blank: the region's (财政)
    department = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    source = models.CharField("来源", max_length=16, choices=Source.choices)
    #: the year whose generated reports were taken (source ``reports``)
    year = models.PositiveSmallIntegerField("年度", null=True, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField("提交时间", auto_now_add=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)
    #: the heartbeat: set when a worker starts the job and at each step (``core/jobs.py``)
    progressed_at = models.DateTimeField("最近进展", null=True, blank=True)
    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.QUEUED)
    done = models.PositiveIntegerField("已审核", default=0)
    total = models.PositiveIntegerField("报告数", default=0)
    #: a Chinese message when the batch failed (never a traceback)
    error = models.TextField("错误", blank=True)
    #: the summary workbook in the default storage (a name the system chose)
    workbook = models.CharField("汇总表", max_length=200, blank=True)

    class Meta:
        verbose_name = "批量审核"
        ordering = ["-requested_at", "-pk"]
        indexes = [models.Index(fields=["region", "department", "-requested_at"])]

    def __str__(self) -> str:
        return f"批量审核 {self.pk}（{self.total} 份）"

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        return int(self.done * 100 / self.total) if self.total else 0

    @property
    def scope_label(self) -> str:
        if self.department is not None:
            return self.department.name
        return f"{self.region.name}（全部部门）"


class BatchItem(models.Model):
    """One report of a batch: where it came from, and what the audit said about it."""

    class Status(models.TextChoices):
        PENDING = "pending", "待审核"
        DONE = "done", "已审核"
        UNREADABLE = "unreadable", "无法读取"

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    batch = models.ForeignKey(BatchAudit, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveIntegerField()
    #: the report's file name as shown (the upload's or the generated report's; never a path)
    name = models.CharField("报告", max_length=200)
    #: whose report: the department (or 部门 › 单位) it belongs to, as shown
    owner = models.CharField("部门", max_length=300, blank=True)
    department = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    #: an upload waiting in the default storage (removed once audited)
    stored = models.CharField(max_length=200, blank=True)
    #: a generated report (source ``reports``)
    report_file = models.ForeignKey(
        "evaluation.ReportFile", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.PENDING)
    #: why it could not be read (Chinese), or the engine's verdict (有错误/需人工核对/未发现问题)
    verdict = models.CharField("结论", max_length=300, blank=True)
    problem = models.TextField("无法读取的原因", blank=True)
    claims = models.PositiveIntegerField("数据陈述", default=0)
    checked = models.PositiveIntegerField("已核对", default=0)
    errors = models.PositiveIntegerField("错误", default=0)
    warnings = models.PositiveIntegerField("警告", default=0)
    rounding = models.PositiveIntegerField("截尾", default=0)
    infos = models.PositiveIntegerField("提示", default=0)
    #: every finding in the engine's JSON shape (``jixiao.audit.findings.finding_json``)
    findings = models.JSONField("问题", default=list)

    class Meta:
        verbose_name = "批量审核报告"
        ordering = ["batch", "position"]
        constraints = [
            models.UniqueConstraint(fields=["batch", "position"], name="batch_item_unique")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def top_findings(self) -> list[dict[str, Any]]:
        """The most serious findings first (errors, warnings, truncations; notes left out)."""
        serious = [f for f in self.findings if f.get("severity") != Severity.INFO.value]
        serious.sort(key=lambda f: (_RANK.get(f.get("severity", ""), 9), f.get("line") or 0))
        return [
            {**f, "severity_label": _LABELS.get(f.get("severity", ""), "")}
            for f in serious[:TOP_FINDINGS]
        ]

    @property
    def shown_findings(self) -> list[dict[str, Any]]:
        """Every finding with its severity's Chinese label, in the report's order."""
        return [
            {**f, "severity_label": _LABELS.get(f.get("severity", ""), "")} for f in self.findings
        ]
