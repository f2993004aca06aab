"""``jixiao manage notify_overdue``: one 已逾期 notice per task past its deadline (run daily)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from jixiao_web.workflow.services import send_overdue_reminders


class Command(BaseCommand):
    help = "为已过期限仍未办理的待办事项发送“已逾期”提醒（每项一次）；建议每日运行一次"

    def handle(self, *args: Any, **options: Any) -> None:
        sent = send_overdue_reminders()
        self.stdout.write(f"已发送逾期提醒 {sent} 条")
