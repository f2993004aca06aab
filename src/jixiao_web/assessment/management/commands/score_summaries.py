"""``jixiao manage score_summaries``: score every missing 自评任务 sheet summary now.

The summaries are scored when a task is issued and by the task worker after each change
(``assessment/summaries.py``); the task page never scores one. After a new engine release
(every key names it), a cleared cache, or on a database loaded by an older version, the
pages would show 计算中 and ask the worker sheet by sheet while people use the site: this
fills them all at once beforehand, by the same path as the worker.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from jixiao_web.assessment.models import ScoreSheet
from jixiao_web.assessment.summaries import refresh_summaries


class Command(BaseCommand):
    help = "计算所有缺少的自评任务评分摘要（自评总分、系统计分、等级），已有的跳过"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--task", type=int, help="只计算这个自评任务（编号）的自评表")

    def handle(self, *args: Any, **options: Any) -> None:
        sheets = ScoreSheet.objects.filter(task__cancelled_at__isnull=True)
        if options["task"] is not None:
            sheets = sheets.filter(task_id=options["task"])
        ids = list(sheets.order_by("task_id", "department__code").values_list("pk", flat=True))
        scored = refresh_summaries.call(ids)
        self.stdout.write(f"自评表 {len(ids)} 份，新计算评分摘要 {scored} 份，其余已有")
