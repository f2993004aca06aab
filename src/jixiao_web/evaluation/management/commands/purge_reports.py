"""``jixiao manage purge_reports``: delete superseded report sets and batch audits with their
files (run daily)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from jixiao_web.evaluation.retention import purge_superseded


class Command(BaseCommand):
    help = (
        "删除已被取代的报告生成结果和批量审核结果及其文件：每个数据集（批量审核：每个范围）"
        "保留最近 N 次（默认 JX_REPORT_KEEP），被评价任务、公开发布等引用的报告始终保留；"
        "建议每日运行一次"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--keep",
            type=int,
            default=settings.REPORT_KEEP,
            help="每个数据集（批量审核：每个范围）保留的次数",
        )
        parser.add_argument("--dry-run", action="store_true", help="只统计，不删除")

    def handle(self, *args: Any, **options: Any) -> None:
        keep = options["keep"]
        if keep < 1:
            raise CommandError("--keep 至少为 1")
        purged = purge_superseded(keep, dry_run=options["dry_run"])
        verb = "可删除" if options["dry_run"] else "已删除"
        self.stdout.write(
            f"{verb}报告生成结果 {purged.jobs} 次、批量审核 {purged.batches} 次，"
            f"文件 {purged.files} 个，共 {purged.bytes / 1024 / 1024:.1f} MB"
            f"（每个数据集、每个批量审核范围保留最近 {keep} 次）"
        )
