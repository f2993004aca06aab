from __future__ import annotations

from django.urls import path

from jixiao_web.region import views

app_name = "region"

urlpatterns = [
    path("region/", views.dashboard, name="dashboard"),
    path("region/export.xlsx", views.export, name="export"),
]
