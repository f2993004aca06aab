from __future__ import annotations

from django.urls import path

from jixiao_web.audit import views

app_name = "audit"

urlpatterns = [
    path("datasets/<int:pk>/history/", views.dataset_history, name="dataset_history"),
    path("datasets/<int:pk>/report-audit/", views.report_audit, name="report_audit"),
]
