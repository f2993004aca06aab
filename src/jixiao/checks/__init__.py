"""Consistency checks: a registry of small functions, each returning findings.

``run_checks(dataset)`` computes the figures (or takes them) and runs every check in
:data:`CHECKS`. Codes, severities and messages are documented in ``docs/checks.md``.
"""

from __future__ import annotations

from jixiao.checks.registry import CHECKS, CheckSettings, check, run_checks
from jixiao.findings import Finding, Severity

__all__ = ["CHECKS", "CheckSettings", "Finding", "Severity", "check", "run_checks"]
