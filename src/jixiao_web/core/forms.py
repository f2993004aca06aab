"""The login form, with throttling (see :mod:`jixiao_web.core.throttle`)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm

from jixiao_web.core import throttle


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": "用户名或密码不正确。",
        "inactive": "该账号已停用。",
        "throttled": "登录失败次数过多，请 15 分钟后再试。",
    }

    def clean(self) -> dict[str, Any]:
        username = self.data.get("username", "")
        if self.request is not None and throttle.blocked(self.request, str(username)):
            raise forms.ValidationError(self.error_messages["throttled"], code="throttled")
        try:
            cleaned = super().clean()
        except forms.ValidationError:
            if self.request is not None:
                throttle.failed(self.request, str(username))
            raise
        if self.request is not None:
            throttle.succeeded(self.request, str(username))
        return cleaned
