from __future__ import annotations

from django.urls import path

from jixiao_web.audit import views

app_name = "audit"

urlpatterns = [
    path("datasets/<int:pk>/history/", views.dataset_history, name="dataset_history"),
    path("datasets/<int:pk>/report-audit/", views.report_audit, name="report_audit"),
    path("audit/batches/", views.batches, name="batches"),
    path("audit/batches/upload/", views.batch_upload, name="batch_upload"),
    path("audit/batches/reports/", views.batch_reports, name="batch_reports"),
    path("audit/batches/<int:pk>/", views.batch, name="batch"),
    path("audit/batches/<int:pk>/reports/<int:item>/", views.batch_item, name="batch_item"),
    path("audit/batches/<int:pk>/export.xlsx", views.batch_export, name="batch_export"),
]
