"""URLs of 结果应用."""

from __future__ import annotations

from django.urls import path

from jixiao_web.results import views

app_name = "results"

urlpatterns = [
    path("results/", views.home, name="home"),
    path("results/<int:pk>/", views.dataset_results, name="dataset"),
    path(
        "results/<int:pk>/<str:action>/",
        views.dataset_action,
        name="action",
    ),
    path("results/item/<int:pk>/", views.item_detail, name="item"),
    path("results/item/<int:pk>/assign/", views.item_assign, name="assign"),
    path("results/item/<int:pk>/decide/", views.item_decide, name="decide"),
    path("results/item/<int:pk>/evidence/", views.item_evidence, name="evidence"),
    path("results/evidence/<int:pk>/", views.evidence_download, name="download"),
]
