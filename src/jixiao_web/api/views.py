"""The 「API 令牌」 page: a user makes and revokes their own tokens."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from jixiao_web.api import tokens
from jixiao_web.api.models import ApiToken


@login_required
@require_http_methods(["GET", "POST"])
def token_page(request: HttpRequest) -> HttpResponse:
    created = ""
    if request.method == "POST":
        if request.POST.get("action") == "revoke":
            raw = request.POST.get("token", "")
            if raw.isdigit() and tokens.revoke(request.user, int(raw)):  # type: ignore[arg-type]
                messages.success(request, "令牌已撤销")
            else:
                messages.error(request, "没有这个令牌，或它已撤销")
            return redirect("api_tokens")
        _row, created = tokens.create(request.user, request.POST.get("name", ""))  # type: ignore[arg-type]
    rows = ApiToken.objects.filter(user_id=int(request.user.pk or 0))
    # The new token is in this response only: never in the session, a message or a log.
    return render(request, "api/tokens.html", {"tokens": rows, "created": created})
