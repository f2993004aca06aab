"""URLs of the inbox."""

from __future__ import annotations

from django.urls import path

from jixiao_web.workflow import views

app_name = "workflow"

urlpatterns = [
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/<int:pk>/", views.open_notice, name="open"),
    path("inbox/<int:pk>/ack/", views.acknowledge, name="ack"),
]
