"""The monitoring rules as data: review thresholds, warning lines, result rules.

Shipped in ``jixiao/data/monitoring/*.yaml``; a finance bureau with other rules passes
its own file. Numbers are quoted in the files and read as ``Decimal``.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from jixiao.dataset.build import DatasetError, InputError
from jixiao.lib.money import parse_decimal


@dataclass(frozen=True)
class ReviewSettings:
    """Thresholds of the target review (see ``review.yaml``)."""

    required_level1: tuple[str, ...] = ("产出指标", "效益指标")
    required_level2: tuple[tuple[str, tuple[str, ...]], ...] = (("产出指标", ("数量指标",)),)
    high_factor: Decimal = Decimal("1.5")
    self_eval_low_ratio: Decimal = Decimal("1.2")
    money_change_pct: Decimal = Decimal("5")


@dataclass(frozen=True)
class WarningLines:
    """One rule set of execution warning lines: month → minimum cumulative 执行率 (%)."""

    id: str
    name: str
    lines: tuple[tuple[int, Decimal], ...]
    interview_after: int = 2
    progress_gap: Decimal = Decimal("10")

    def line_at(self, month: int) -> tuple[int, Decimal] | None:
        """The checkpoint in force at ``month`` (the latest one not after it)."""
        due = [(m, v) for m, v in self.lines if m <= month]
        return due[-1] if due else None

    def checkpoints_until(self, month: int) -> list[int]:
        return [m for m, _ in self.lines if m <= month]


@dataclass(frozen=True)
class GradeBand:
    grade: str
    min: Decimal


@dataclass(frozen=True)
class ResultRules:
    """Grade bands, grade → recommendation, and the 整改 deadline (MM-DD of next year)."""

    grade_bands: tuple[GradeBand, ...]
    recommendations: tuple[tuple[str, str], ...]
    deadline: str = "06-30"

    def grade_of(self, total: Decimal) -> str:
        for band in sorted(self.grade_bands, key=lambda b: b.min, reverse=True):
            if total >= band.min:
                return band.grade
        return ""

    def recommendation(self, grade: str) -> str:
        return dict(self.recommendations).get(grade, "")


def _read(path: Path | None, shipped: str) -> tuple[Any, str]:
    if path is None:
        text = (resources.files("jixiao.data") / "monitoring" / shipped).read_text("utf-8")
        name = f"jixiao/data/monitoring/{shipped}"
    else:
        if not path.exists():
            raise DatasetError([InputError(str(path), "文件不存在")])
        text, name = path.read_text("utf-8"), str(path)
    try:
        return yaml.safe_load(text), name
    except yaml.YAMLError as exc:
        raise DatasetError([InputError(name, f"YAML 格式错误：{exc}")]) from None


def _decimal(value: object, where: str, what: str) -> Decimal:
    number = parse_decimal(str(value))
    if number is None:
        raise DatasetError([InputError(where, f"“{what}”应为数字，实际为“{value}”")])
    return number


def load_review_settings(path: Path | None = None) -> ReviewSettings:
    data, name = _read(path, "review.yaml")
    if not isinstance(data, dict):
        raise DatasetError([InputError(name, "审核规则文件应为映射")])
    base = ReviewSettings()
    level2 = data.get("required_level2") or {}
    return ReviewSettings(
        required_level1=tuple(data.get("required_level1") or base.required_level1),
        required_level2=tuple((k, tuple(v or ())) for k, v in level2.items()),
        high_factor=_decimal(data.get("high_factor", base.high_factor), name, "high_factor"),
        self_eval_low_ratio=_decimal(
            data.get("self_eval_low_ratio", base.self_eval_low_ratio), name, "self_eval_low_ratio"
        ),
        money_change_pct=_decimal(
            data.get("money_change_pct", base.money_change_pct), name, "money_change_pct"
        ),
    )


def load_warning_lines(rule_set: str | None = None, path: Path | None = None) -> WarningLines:
    """The warning-line rule set ``rule_set`` (default: the file's ``default``)."""
    data, name = _read(path, "warning-lines.yaml")
    sets = (data or {}).get("rule_sets") or {}
    key = rule_set or (data or {}).get("default", "")
    if key not in sets:
        raise DatasetError(
            [InputError(name, f"没有预警线规则集“{key}”（可用：{'、'.join(sets)}）")]
        )
    spec = sets[key]
    lines = tuple(
        sorted(
            (int(m), _decimal(v, name, f"{key}.lines.{m}"))
            for m, v in (spec.get("lines") or {}).items()
        )
    )
    bad = [m for m, _ in lines if not 1 <= m <= 12]
    if bad:
        raise DatasetError([InputError(name, f"预警线月份应在 1–12 之间：{bad}")])
    return WarningLines(
        id=key,
        name=str(spec.get("name", key)),
        lines=lines,
        interview_after=int(spec.get("interview_after", 2)),
        progress_gap=_decimal(spec.get("progress_gap", "10"), name, f"{key}.progress_gap"),
    )


def load_result_rules(path: Path | None = None) -> ResultRules:
    data, name = _read(path, "results.yaml")
    if not isinstance(data, dict) or not data.get("grade_bands"):
        raise DatasetError([InputError(name, "结果应用规则应包含 grade_bands")])
    bands = tuple(
        GradeBand(str(b["grade"]), _decimal(b["min"], name, "grade_bands.min"))
        for b in data["grade_bands"]
    )
    recs = tuple((str(k), str(v)) for k, v in (data.get("recommendations") or {}).items())
    return ResultRules(bands, recs, str(data.get("deadline", "06-30")))
