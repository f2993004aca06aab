"""The inbox: what awaits me, what was returned, what is overdue, notices to read or sign."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from jixiao_web.workflow import services
from jixiao_web.workflow.models import Notice

TABS: dict[str, str] = {
    "pending": "待处理",
    "overdue": "已逾期",
    "returned": "被退回",
    "notices": "通知",
    "done": "已办结",
}


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    box = services.inbox(request.user)
    tab = request.GET.get("show", "pending")
    if tab not in TABS:
        tab = "pending"
    page = Paginator(getattr(box, tab), 30).get_page(request.GET.get("page"))
    tabs = [(key, label, box.counts.get(key, 0)) for key, label in TABS.items()]
    return render(request, "workflow/inbox.html", {"tabs": tabs, "tab": tab, "page": page})


def _own(request: HttpRequest, pk: int) -> Notice:
    """The user's own notice; anyone else's answers 404 (its existence is not revealed)."""
    notice = services.mine(request.user).filter(pk=pk).first()
    if notice is None:
        raise Http404("消息不存在")
    return notice


@login_required
def open_notice(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark a notice read and go where it leads (an internal path only)."""
    notice = _own(request, pk)
    services.mark_read(notice)
    if notice.link.startswith("/") and not notice.link.startswith("//"):
        return redirect(notice.link)
    return redirect("workflow:inbox")


@login_required
@require_POST
def acknowledge(request: HttpRequest, pk: int) -> HttpResponse:
    services.acknowledge(_own(request, pk))
    return redirect(f"{reverse('workflow:inbox')}?show=notices")
