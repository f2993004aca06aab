"""Public disclosure (no login) and the publish page."""

from __future__ import annotations

from django.urls import path

from jixiao_web.disclosure import views

app_name = "disclosure"

urlpatterns = [
    path("public/", views.index, name="index"),
    path("public/<int:pk>/", views.detail, name="detail"),
    path("public/<int:pk>/report.<str:fmt>", views.report, name="report"),
    path("public/data/<str:name>", views.data_file, name="data"),
    path("datasets/<int:pk>/publish/", views.manage, name="manage"),
]
