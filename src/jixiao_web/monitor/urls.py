"""URLs of 绩效运行监控."""

from __future__ import annotations

from django.urls import path

from jixiao_web.monitor import views

app_name = "monitor"

urlpatterns = [
    path("monitor/", views.rounds, name="rounds"),
    path("monitor/new/", views.round_new, name="round_new"),
    path("monitor/<int:pk>/", views.round_detail, name="round"),
    path("monitor/<int:pk>/notify/", views.round_notify, name="notify"),
    path("monitor/return/<int:pk>/", views.return_detail, name="return"),
    path("monitor/return/<int:pk>/decide/", views.return_decide, name="decide"),
    path("monitor/return/<int:pk>/import/", views.return_import, name="import"),
    path("monitor/return/<int:pk>/workbook.xlsx", views.return_workbook, name="workbook"),
]
