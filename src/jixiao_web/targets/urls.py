"""URLs of 绩效目标管理."""

from __future__ import annotations

from django.urls import path

from jixiao_web.targets import views

app_name = "targets"

urlpatterns = [
    path("targets/", views.home, name="home"),
    path("targets/new/", views.new_project, name="new"),
    path("targets/department/", views.new_department, name="new_department"),
    path("targets/library/", views.library_search, name="library"),
    path("targets/<int:pk>/", views.detail, name="detail"),
    path("targets/<int:pk>/edit/", views.edit, name="edit"),
    path("targets/<int:pk>/check/", views.check, name="check"),
    path("targets/<int:pk>/decide/", views.decide, name="decide"),
    path("targets/<int:pk>/xlsx/", views.download, name="download"),
    path("targets/<int:pk>/upload/", views.upload, name="upload"),
    path("targets/<int:pk>/dataset.xlsx", views.export_dataset, name="export_dataset"),
]
