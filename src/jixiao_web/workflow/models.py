"""Review decisions and the inbox: what happened to an object, and what awaits whom."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone

from jixiao_web.orgs.models import Department, Region


class WorkflowState(models.Model):
    """Where one object stands in one workflow (a project's 绩效目标, a dataset's 自评 …).

    Kept beside the object rather than in it, so any stored object — a dataset, one of its
    rows, a monitoring return — can go through any workflow without a field of its own.
    Changed only by :func:`jixiao_web.workflow.services.transition`.
    """

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    department = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField()
    subject = GenericForeignKey("content_type", "object_id")
    workflow = models.CharField("流程", max_length=40)
    state = models.CharField("状态", max_length=40)
    #: bumped by every decision: a reviewer acts on the version they saw
    version = models.PositiveIntegerField("版本", default=1)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "流程状态"
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id", "workflow"], name="workflow_state_unique"
            )
        ]
        indexes = [models.Index(fields=["workflow", "state", "department"])]


class WorkflowEvent(models.Model):
    """One decision on one object: 送审, 退回 with its 审核意见, 审核通过, 调整 …

    Written only by :func:`jixiao_web.workflow.services.transition`, in the same
    transaction as the state change; never edited afterwards.
    """

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    department = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField()
    subject = GenericForeignKey("content_type", "object_id")
    workflow = models.CharField("流程", max_length=40)
    action = models.CharField("操作", max_length=40)
    action_label = models.CharField("操作名称", max_length=40)
    from_state = models.CharField("原状态", max_length=40)
    to_state = models.CharField("新状态", max_length=40)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_role = models.CharField("操作角色", max_length=20)
    opinion = models.TextField("审核意见", blank=True)
    at = models.DateTimeField("时间", default=timezone.now)
    #: the object's version the decision was taken on (what the reviewer saw)
    object_version = models.PositiveIntegerField("版本")

    class Meta:
        verbose_name = "审核记录"
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["content_type", "object_id", "at"])]


class Notice(models.Model):
    """One entry of a user's inbox."""

    class Kind(models.TextChoices):
        TASK = "task", "待处理"  #: something awaits the user's decision or input
        RETURNED = "returned", "被退回"  #: the user's submission came back with an opinion
        DONE = "done", "已办结"  #: the user's submission was approved or closed
        NOTICE = "notice", "通知"  #: a 通报/提醒 from 财政 or the department
        OVERDUE = "overdue", "已逾期"  #: a deadline passed

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    department = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notices"
    )
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField("类别", max_length=10, choices=Kind.choices)
    title = models.CharField("标题", max_length=200)
    body = models.TextField("内容", blank=True)
    #: an internal path of this site (built with ``reverse``), never a user-given URL
    link = models.CharField("链接", max_length=300, blank=True)
    #: the object the notice is about; a task is closed when the object moves on
    content_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    object_id = models.PositiveBigIntegerField(null=True, blank=True)
    subject = GenericForeignKey("content_type", "object_id")
    created_at = models.DateTimeField("时间", default=timezone.now)
    due = models.DateField("期限", null=True, blank=True)
    read_at = models.DateTimeField("已读时间", null=True, blank=True)
    #: a task is closed when it no longer awaits the user (someone acted on the object)
    closed_at = models.DateTimeField("办结时间", null=True, blank=True)
    requires_ack = models.BooleanField("需确认收到", default=False)
    acknowledged_at = models.DateTimeField("确认时间", null=True, blank=True)

    class Meta:
        verbose_name = "消息"
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["recipient", "closed_at", "-created_at"]),
            models.Index(fields=["content_type", "object_id"]),
        ]

    @property
    def overdue(self) -> bool:
        return (
            self.due is not None
            and self.closed_at is None
            and self.kind == self.Kind.TASK
            and self.due < timezone.localdate()
        )
