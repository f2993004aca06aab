from __future__ import annotations

from django.apps import AppConfig


class AssessmentConfig(AppConfig):
    name = "jixiao_web.assessment"
    label = "assessment"
    verbose_name = "绩效评价管理"

    def ready(self) -> None:
        # a 自评表's report runs as the evaluation app's report job (one engine service)
        from jixiao_web.assessment.reports import register

        register()
