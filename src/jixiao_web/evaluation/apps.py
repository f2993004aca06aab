from __future__ import annotations

from django.apps import AppConfig


class EvaluationConfig(AppConfig):
    name = "jixiao_web.evaluation"
    label = "evaluation"
    verbose_name = "评价与报告"

    def ready(self) -> None:
        # Connects the receiver that deletes a report file's stored bytes with its row.
        from jixiao_web.evaluation import retention  # noqa: F401
