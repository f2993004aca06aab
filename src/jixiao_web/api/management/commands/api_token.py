"""``jixiao manage api_token create USER [--name 用途] | list USER | revoke USER ID``."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from jixiao_web.api import tokens
from jixiao_web.api.models import ApiToken


class Command(BaseCommand):
    help = "生成、列出或撤销用户的 API 令牌（令牌只在生成时显示一次）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["create", "list", "revoke"])
        parser.add_argument("username")
        parser.add_argument("token_id", nargs="?", type=int)
        parser.add_argument("--name", default="命令行生成")

    def handle(self, *args: Any, **options: Any) -> None:
        user = get_user_model().objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"没有用户“{options['username']}”")
        if options["action"] == "create":
            row, token = tokens.create(user, options["name"])
            self.stdout.write(token)
            self.stderr.write(f"已生成令牌 {row.pk}（{row.name}）；请妥善保存，它不会再次显示。")
        elif options["action"] == "list":
            for row in ApiToken.objects.filter(user=user):
                state = "有效" if row.active else "已撤销"
                self.stdout.write(f"{row.pk}\t{row.prefix}…\t{row.name}\t{state}")
        else:
            if options["token_id"] is None:
                raise CommandError("请给出要撤销的令牌编号（api_token list 用户名 可查看）")
            if not tokens.revoke(user, options["token_id"]):
                raise CommandError(
                    f"用户“{user.get_username()}”没有有效的令牌 {options['token_id']}"
                )
            self.stdout.write(f"已撤销令牌 {options['token_id']}")
