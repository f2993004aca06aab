"""Error pages in Chinese and the health check."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render


def _page(request: HttpRequest, status: int, title: str, message: str) -> HttpResponse:
    return render(request, "core/message.html", {"title": title, "message": message}, status=status)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _page(request, 400, "请求有误", "请求的内容无法处理，请返回后重试。")


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    reason = str(exception) if exception is not None and str(exception) else ""
    return _page(request, 403, "无权操作", reason or "您的角色不能进行此操作。")


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _page(request, 404, "页面不存在", "您要找的页面不存在，或您无权查看。")


def server_error(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "core/message.html",
        {"title": "系统错误", "message": "系统出现错误，已记录。请稍后重试。"},
        status=500,
    )


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return _page(request, 403, "页面已过期", "页面已过期或来源不明，请刷新页面后重试。")


def health(request: HttpRequest) -> HttpResponse:
    return JsonResponse({"status": "ok"})
