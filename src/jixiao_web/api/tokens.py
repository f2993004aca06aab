"""Create, check and revoke API tokens (the page, the command and the API all call these).

A token is ``jx_`` + 40 random URL-safe characters (about 240 bits); only its SHA-256
is stored. A fast hash is right here: the token is random, not a password, so there is
nothing to guess slowly, and every API request checks one.
"""

from __future__ import annotations

import hashlib
import secrets
from typing import TYPE_CHECKING

from django.utils import timezone

from jixiao_web.api.models import ApiToken

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

PREFIX = "jx_"


def digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create(user: AbstractBaseUser, name: str) -> tuple[ApiToken, str]:
    """A new token for ``user``: the stored row and the token text (shown once, never kept)."""
    name = name.strip()[:100] or "未命名"
    token = PREFIX + secrets.token_urlsafe(30)
    row = ApiToken.objects.create(
        user_id=user.pk, name=name, prefix=token[:10], digest=digest(token)
    )
    return row, token


def user_for(token: str) -> AbstractBaseUser | None:
    """The active user a token belongs to, or ``None`` (unknown, revoked, inactive user)."""
    if not token.startswith(PREFIX) or len(token) > 200:
        return None
    row = (
        ApiToken.objects.filter(digest=digest(token), revoked_at__isnull=True)
        .select_related("user")
        .first()
    )
    if row is None or not row.user.is_active:
        return None
    ApiToken.objects.filter(pk=row.pk).update(last_used_at=timezone.now())
    return row.user


def revoke(user: AbstractBaseUser, token_id: int) -> bool:
    """Revoke one of ``user``'s tokens; False when it is not theirs or already revoked."""
    return bool(
        ApiToken.objects.filter(pk=token_id, user_id=user.pk, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
    )
