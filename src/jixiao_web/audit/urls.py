from __future__ import annotations

from django.urls import path

from jixiao_web.audit import views

app_name = "audit"

urlpatterns = [
    path("datasets/<int:pk>/history/", views.dataset_history, name="dataset_history"),
]
