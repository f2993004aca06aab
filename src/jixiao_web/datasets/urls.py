from __future__ import annotations

from django.urls import path

from jixiao_web.datasets import views

app_name = "datasets"

urlpatterns = [
    path("", views.home, name="home"),
    path("datasets/<int:pk>/", views.dataset_detail, name="detail"),
    path("datasets/<int:pk>/upload/", views.upload, name="upload"),
    path("datasets/<int:pk>/download.<str:fmt>", views.download, name="download"),
    path("datasets/<int:pk>/units/<str:code>/", views.unit_page, name="unit"),
    path("datasets/<int:pk>/statements/", views.statements, name="statements"),
    path("datasets/<int:pk>/tables/<str:table>/", views.table_view, name="table"),
    path("datasets/<int:pk>/tables/<str:table>/new/", views.row_edit, name="row_new"),
    path("datasets/<int:pk>/tables/<str:table>/<int:row_id>/", views.row_edit, name="row_edit"),
    path(
        "datasets/<int:pk>/tables/<str:table>/<int:row_id>/delete/",
        views.row_delete,
        name="row_delete",
    ),
    path(
        "datasets/<int:pk>/tables/<str:table>/<int:row_id>/history/",
        views.row_history,
        name="row_history",
    ),
]
