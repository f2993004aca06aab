"""URLs of 绩效评价管理."""

from __future__ import annotations

from django.urls import path

from jixiao_web.assessment import views

app_name = "assessment"

urlpatterns = [
    path("assessment/", views.task_list, name="list"),
    path("assessment/new/", views.task_new, name="new"),
    path("assessment/tasks/<int:pk>/", views.task_detail, name="task"),
    path("assessment/tasks/<int:pk>/cancel/", views.task_cancel, name="cancel"),
    path("assessment/tasks/<int:pk>/sample/", views.sample, name="sample"),
    path("assessment/sample/<int:pk>/", views.review_save, name="review"),
    path("assessment/sheets/<int:pk>/", views.sheet_view, name="sheet"),
    path("assessment/sheets/<int:pk>/items/<str:code>/", views.entry_save, name="entry"),
    path(
        "assessment/sheets/<int:pk>/items/<str:code>/evidence/",
        views.evidence_upload,
        name="evidence_upload",
    ),
    path("assessment/sheets/<int:pk>/summary/", views.summary_save, name="summary"),
    path("assessment/sheets/<int:pk>/act/", views.act, name="act"),
    path("assessment/sheets/<int:pk>/report/", views.report, name="report"),
    path("assessment/sheets/<int:pk>/report/<int:job_id>/", views.report_job, name="report_job"),
    path(
        "assessment/sheets/<int:pk>/report/<int:job_id>/files/<int:file_id>/",
        views.report_file,
        name="report_file",
    ),
    path("assessment/sheets/<int:pk>/experts/", views.assign, name="assign"),
    path("assessment/evidence/<int:pk>/", views.evidence_download, name="evidence"),
    path("assessment/evidence/<int:pk>/delete/", views.evidence_delete, name="evidence_delete"),
    path("assessment/key/<int:pk>/", views.key_view, name="key"),
    path("assessment/key/<int:pk>/declare/", views.key_declare, name="key_declare"),
    path("assessment/key/<int:pk>/items/<str:code>/", views.key_score, name="key_score"),
]
