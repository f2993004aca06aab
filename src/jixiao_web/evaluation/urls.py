from __future__ import annotations

from django.urls import path

from jixiao_web.evaluation import views

app_name = "evaluation"

urlpatterns = [
    path("datasets/<int:pk>/evaluate/", views.evaluate, name="evaluate"),
    path("datasets/<int:pk>/evaluation/", views.detail, name="detail"),
    path("datasets/<int:pk>/evaluation/figures/", views.figures, name="figures"),
    path("datasets/<int:pk>/reports/", views.report_list, name="reports"),
    path("reports/<int:job_id>/", views.report_job, name="report_job"),
    path("reports/<int:job_id>/retry/", views.report_retry, name="report_retry"),
    path("reports/files/<int:file_id>/", views.report_file, name="report_file"),
]
