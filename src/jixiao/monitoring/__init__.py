"""Targets and in-year monitoring: the core indicator library, target review, 执行监控, 结果应用.

Public API (other areas import these names from ``jixiao.monitoring``):

- :func:`review_targets` → :class:`TargetReview` (不完整, 偏低/偏高 against history,
  与资金不一致, 目标设定偏低); :func:`shipped_library`, :class:`IndicatorLibrary`;
- :func:`monitor_execution` → :class:`MonitoringReport` (执行进度通报 ranked by lag,
  warnings, 约谈);
- :func:`apply_results` → :class:`ResultApplication` (recommendations from the
  evaluation's grade, the 整改 list), :func:`carry_forward`;
- the rules as data: :func:`load_review_settings`, :func:`load_warning_lines`,
  :func:`load_result_rules` from a :class:`RuleSource`.

The review and the monitoring compute in polars; they are imported on first use, so
importing this package (e.g. for the rule loaders) stays light.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from jixiao.monitoring.results import ResultApplication, apply_results, carry_forward
from jixiao.monitoring.settings import (
    SHIPPED_RULES,
    RuleSource,
    RuleTexts,
    load_result_rules,
    load_review_settings,
    load_warning_lines,
)

if TYPE_CHECKING:
    from jixiao.monitoring.library import IndicatorLibrary, shipped_library
    from jixiao.monitoring.monitor import MonitoringReport, monitor_execution
    from jixiao.monitoring.review import TargetReview, review_targets

#: Heavy (polars) parts of the API: name → module, imported on first use.
_LAZY: dict[str, str] = {
    "IndicatorLibrary": "jixiao.monitoring.library",
    "shipped_library": "jixiao.monitoring.library",
    "MonitoringReport": "jixiao.monitoring.monitor",
    "monitor_execution": "jixiao.monitoring.monitor",
    "TargetReview": "jixiao.monitoring.review",
    "review_targets": "jixiao.monitoring.review",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(import_module(_LAZY[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "SHIPPED_RULES",
    "IndicatorLibrary",
    "MonitoringReport",
    "ResultApplication",
    "RuleSource",
    "RuleTexts",
    "TargetReview",
    "apply_results",
    "carry_forward",
    "load_result_rules",
    "load_review_settings",
    "load_warning_lines",
    "monitor_execution",
    "review_targets",
    "shipped_library",
]
