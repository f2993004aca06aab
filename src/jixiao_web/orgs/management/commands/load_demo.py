"""``manage.py load_demo``: the demonstration region, departments, datasets and logins."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from jixiao_web.orgs.demo import PASSWORD, DemoUnavailable, load_demo


class Command(BaseCommand):
    help = "载入演示数据（广东省科学技术厅 2023 与一个合成部门）和各角色的演示账号"

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            logins = load_demo()
        except DemoUnavailable as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"演示账号（密码均为 {PASSWORD}）：")
        for login in logins:
            self.stdout.write(f"  {login.username:<16} {login.role}（{login.place}）")
