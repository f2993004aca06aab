"""Public pages (no login) and the publish page (logged in, through ``request.access``).

The public views start from :func:`.services.published` only: a department or year that
was not published, or was withdrawn, answers 404 like a page that does not exist.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from jixiao_web.core.paging import page_of
from jixiao_web.datasets.views import access_of
from jixiao_web.disclosure import opendata, services
from jixiao_web.disclosure.models import Publication, PublicationEvent
from jixiao_web.orgs.access import Action


def _publication(pk: Any) -> Publication:
    try:
        return services.published().get(pk=int(pk))
    except (ValueError, TypeError, OverflowError, Publication.DoesNotExist):
        raise Http404("没有公开这个部门和年度的信息") from None


def index(request: HttpRequest) -> HttpResponse:
    """Region overview: every published department and year with score, grade and 执行率."""
    # The list prints a few columns; a publication also holds the department's whole text
    # form and its page content (megabytes each), which the list read twice (3.1 s on a
    # province): only the printed columns are read, once, and the years by themselves.
    publications = (
        services.published()
        .order_by("region__code", "-year", "department__code")
        .defer("content", "text")
    )
    years = sorted(set(services.published().values_list("year", flat=True)), reverse=True)
    year = request.GET.get("year", "")
    if year.isdigit():
        publications = publications.filter(year=int(year))
    q = request.GET.get("q", "").strip()[:50]
    if q:
        publications = publications.filter(department__name__icontains=q)
    page = page_of(request, publications)
    rows = list(page.object_list)
    # the chart shows every listed department, the table one page of them
    chart = [
        {"name": name, "score": total, "year": year_}
        for name, total, year_ in publications.values_list("department__name", "total", "year")
        if total
    ]
    return render(
        request,
        "disclosure/index.html",
        {"page": page, "rows": rows, "years": years, "year": year, "q": q, "chart": chart},
    )


def _owners(rows: list[dict[str, str]]) -> list[dict[str, Any]]:
    """The 绩效目标表's rows grouped by their owner (a 总目标 or a project), in order."""
    owners: dict[tuple[str, str], dict[str, Any]] = {}
    for row in rows:
        group = owners.setdefault(
            (row["scope"], row["owner_code"]),
            {"scope": row["scope"], "code": row["owner_code"], "name": row["owner"], "rows": []},
        )
        group["rows"].append(row)
    return list(owners.values())


def _matches(group: dict[str, Any], q: str) -> bool:
    return q.casefold() in group["name"].casefold() or q.casefold() in group["code"].casefold()


def detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One department's year: 绩效目标表, 评分表, chart, the report's downloads.

    A province's department has ~1,000 projects with ~3 targets each: on one page that was
    ~3,000 table rows (1.3 MB of HTML, 155–450 ms to render, a long scroll on a phone). The
    department's own targets stay whole; the projects are paged (50 a page) with a search
    by name or code. The published report and ``targets.csv`` keep every project.
    """
    publication = _publication(pk)
    card = publication.content.get("scorecard", {})
    chart = [
        {"name": r["name"], "points": r["points"] or "0", "score": r["score"] or "0"}
        for r in card.get("rows", [])
        if r.get("level") == 1
    ]
    owners = _owners(publication.content.get("targets", []))
    projects = [g for g in owners if g["scope"] != "部门整体"]
    q = request.GET.get("q", "").strip()[:50]
    found = [g for g in projects if _matches(g, q)] if q else projects
    page = page_of(request, found)
    context = {
        "p": publication,
        "card": card,
        "chart": chart,
        "department_targets": [g for g in owners if g["scope"] == "部门整体"],
        "projects": list(page.object_list),
        "project_count": len(projects),
        "page": page,
        "q": q,
        "budget": publication.content.get("budget", []),
    }
    return render(request, "disclosure/detail.html", context)


def report(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    """The published 自评报告: HTML to read in the browser, PDF to download."""
    publication = _publication(pk)
    if fmt not in services.PUBLIC_FORMATS:
        raise Http404("没有这种格式")
    filename, data = services.report_file(publication, fmt)
    if fmt == "html":
        response = HttpResponse(data, content_type="text/html; charset=utf-8")
        # The engine's HTML report carries its own stylesheet (and no script): scripts
        # stay forbidden, its inline styles are allowed (django-csp's per-response replace).
        response._csp_replace = {"style-src": ["'self'", "'unsafe-inline'"]}  # type: ignore[attr-defined]
        return response
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = opendata.content_disposition(filename)
    return response


def data_file(request: HttpRequest, name: str) -> HttpResponse:
    """Open data: the CSV files and the Fiscal Data Package descriptor of what is published."""
    files = opendata.FILES
    if name not in files:
        raise Http404("没有这个文件")
    data, media_type = opendata.render(name, request.build_absolute_uri("/public/data/"))
    response = HttpResponse(data, content_type=media_type)
    response["Content-Disposition"] = opendata.content_disposition(name, attachment=False)
    return response


@login_required
@require_http_methods(["GET", "POST"])
def manage(request: HttpRequest, pk: int) -> HttpResponse:
    """Publish or withdraw one dataset (财政绩效管理处 or the department's 财务处)."""
    access = access_of(request)
    dataset = access.dataset(pk)
    access.require(Action.PUBLISH, dataset)
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "publish":
            services.publish(dataset, request.user, access)
            messages.success(request, f"已公开{dataset}的绩效信息")
        elif action == "unpublish":
            services.unpublish(dataset, request.user, access)
            messages.success(request, f"已撤回{dataset}的公开")
        else:
            messages.error(request, "请选择“公开”或“撤回公开”")
            return redirect("disclosure:manage", pk=dataset.pk)
        return redirect("disclosure:manage", pk=dataset.pk)
    publication = Publication.objects.filter(dataset=dataset).first()
    events = PublicationEvent.objects.filter(dataset=dataset).select_related("user")[:50]
    return render(
        request,
        "disclosure/manage.html",
        {"dataset": dataset, "publication": publication, "events": events},
    )
