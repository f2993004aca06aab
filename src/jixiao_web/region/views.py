"""The region dashboard: departments × years side by side, chart, Excel, year-over-year.

Thin views over :mod:`.services`; the datasets come only from
``request.access.region_datasets()`` (bureau roles: their region; a department
administrator: its own department; other roles 403).
"""

from __future__ import annotations

from urllib.parse import quote, urlencode

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from jixiao_web.datasets.views import access_of
from jixiao_web.region import services

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _rows(
    request: HttpRequest,
) -> tuple[list[services.RegionRow], list[services.RegionRow], services.Filters]:
    all_rows = services.build_rows(access_of(request).region_datasets())
    filters = services.Filters.parse(request.GET)
    return all_rows, services.select(all_rows, filters), filters


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    """The table (filter by year, grade, department; search; sort), chart and export link."""
    all_rows, rows, filters = _rows(request)
    departments = sorted({(r.department_id, r.department) for r in all_rows}, key=lambda d: d[1])
    query = {
        k: v
        for k, v in request.GET.items()
        if k in ("year", "grade", "q", "department", "sort") and v
    }
    chart = [
        {"name": f"{r.department} {r.year}", "score": str(r.total)}
        for r in rows
        if r.total is not None and r.complete
    ]
    focus = next((name for pk, name in departments if pk == filters.department), "")
    # One department's year-over-year view: a 汇总 of one row would only repeat it.
    total_rows = [] if filters.department is not None else services.totals(rows)
    return render(
        request,
        "region/dashboard.html",
        {
            "rows": rows,
            "totals": total_rows,
            "columns": services.COLUMNS,
            "filters": filters,
            "years": sorted({r.year for r in all_rows}, reverse=True),
            "grades": services.GRADES,
            "departments": departments,
            "sorts": services.SORTS,
            "chart": chart,
            "focus": focus,
            "export_query": urlencode(query),
        },
    )


@login_required
def export(request: HttpRequest) -> HttpResponse:
    """The filtered table as an xlsx download."""
    _, rows, filters = _rows(request)
    total_rows = [] if filters.department is not None else services.totals(rows)
    response = HttpResponse(services.workbook(rows, total_rows), content_type=XLSX)
    name = f"部门评价对比_{timezone.localdate():%Y%m%d}.xlsx"
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response
