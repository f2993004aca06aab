from __future__ import annotations

from django.apps import AppConfig


class RegionConfig(AppConfig):
    name = "jixiao_web.region"
    label = "region"
    verbose_name = "部门评价对比"
