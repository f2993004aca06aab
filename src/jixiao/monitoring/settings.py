"""The monitoring rules as data: review thresholds, warning lines, result rules.

Shipped in ``jixiao/data/monitoring/*.yaml``; a finance bureau with other rules supplies
its own text. Where the text comes from is a small interface, :class:`RuleSource`: the
shipped files (:data:`SHIPPED_RULES`), or :class:`RuleTexts` — texts the caller has (the
command line reads a file the user named; the web system keeps them in its database). The
engine itself never opens a path. Numbers are quoted in the files and read as ``Decimal``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from importlib import resources
from typing import Any, Protocol

import yaml

from jixiao.dataset.build import DatasetError, InputError
from jixiao.domain.grades import GRADE_ORDER, canonical
from jixiao.domain.over_achievement import OverAchievement
from jixiao.lib.money import parse_decimal


@dataclass(frozen=True)
class ReviewSettings:
    """Thresholds of the target review (see ``review.yaml``)."""

    required_level1: tuple[str, ...] = ("产出指标", "效益指标")
    required_level2: tuple[tuple[str, tuple[str, ...]], ...] = (("产出指标", ("数量指标",)),)
    high_factor: Decimal = Decimal("1.5")
    #: 目标设定偏低 at self-evaluation (:mod:`jixiao.domain.over_achievement`): 完成率 above
    #: this many percent of the target; the review flags, it does not deduct
    over_achievement: OverAchievement = field(default_factory=lambda: OverAchievement(Decimal(120)))
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
class ResultRules:
    """Grade → recommendation, and the 整改 deadline (MM-DD of next year).

    The grade itself is the evaluation's (the scoring framework's bands); this file only
    says what each grade means for next year's budget.
    """

    recommendations: tuple[tuple[str, str], ...]
    deadline: str = "06-30"

    def recommendation(self, grade: str) -> str:
        """What ``grade`` (any spelling: 优 or 优秀) means for next year's budget."""
        return dict(self.recommendations).get(canonical(grade), "") if grade else ""


#: The rule files a source may be asked for.
RULE_FILES: tuple[str, ...] = ("review.yaml", "warning-lines.yaml", "results.yaml")


class RuleSource(Protocol):
    """Where the text of a rule file comes from; ``name`` is one of :data:`RULE_FILES`."""

    def read(self, name: str) -> tuple[str, str]:
        """``(text, where)``: the YAML text and the place messages name (file, record)."""
        ...


class ShippedRules:
    """The rule files shipped with jixiao (``jixiao/data/monitoring``)."""

    def read(self, name: str) -> tuple[str, str]:
        text = (resources.files("jixiao.data") / "monitoring" / name).read_text("utf-8")
        return text, f"jixiao/data/monitoring/{name}"


@dataclass(frozen=True)
class RuleTexts:
    """Rule texts the caller already has, by file name; the others come from ``fallback``."""

    texts: dict[str, tuple[str, str]]  #: name → (text, where)
    fallback: RuleSource = field(default_factory=ShippedRules)

    def read(self, name: str) -> tuple[str, str]:
        return self.texts[name] if name in self.texts else self.fallback.read(name)


SHIPPED_RULES: RuleSource = ShippedRules()


def _read(source: RuleSource | None, name: str) -> tuple[Any, str]:
    text, where = (source or SHIPPED_RULES).read(name)
    name = where
    try:
        return yaml.safe_load(text), name
    except yaml.YAMLError as exc:
        raise DatasetError([InputError(name, f"YAML 格式错误：{exc}")]) from None


def _decimal(value: object, where: str, what: str) -> Decimal:
    number = parse_decimal(str(value))
    if number is None:
        raise DatasetError([InputError(where, f"“{what}”应为数字，实际为“{value}”")])
    return number


def _over_achievement(data: dict[str, Any], name: str, default: OverAchievement) -> OverAchievement:
    if "self_eval_low_ratio" in data:
        raise DatasetError(
            [
                InputError(
                    name,
                    "self_eval_low_ratio 已改为 over_achievement.threshold（百分比，"
                    '如 1.2 写作 over_achievement: {threshold: "120"}），与评分框架的写法一致',
                )
            ]
        )
    spec = data.get("over_achievement")
    if spec is None:
        return default
    if not isinstance(spec, dict) or "threshold" not in spec:
        raise DatasetError(
            [InputError(name, "over_achievement 应为映射，并给出 threshold（完成率百分比）")]
        )
    policy = OverAchievement(_decimal(spec["threshold"], name, "over_achievement.threshold"))
    problems = policy.problems()
    if problems:
        raise DatasetError([InputError(name, f"over_achievement：{p}") for p in problems])
    return policy


def load_review_settings(source: RuleSource | None = None) -> ReviewSettings:
    """The target review's thresholds from ``source`` (default: the shipped ``review.yaml``)."""
    data, name = _read(source, "review.yaml")
    if not isinstance(data, dict):
        raise DatasetError([InputError(name, "审核规则文件应为映射")])
    base = ReviewSettings()
    level2 = data.get("required_level2") or {}
    return ReviewSettings(
        required_level1=tuple(data.get("required_level1") or base.required_level1),
        required_level2=tuple((k, tuple(v or ())) for k, v in level2.items()),
        high_factor=_decimal(data.get("high_factor", base.high_factor), name, "high_factor"),
        over_achievement=_over_achievement(data, name, base.over_achievement),
        money_change_pct=_decimal(
            data.get("money_change_pct", base.money_change_pct), name, "money_change_pct"
        ),
    )


def load_warning_lines(
    rule_set: str | None = None, source: RuleSource | None = None
) -> WarningLines:
    """The warning-line rule set ``rule_set`` (default: the file's ``default``)."""
    data, name = _read(source, "warning-lines.yaml")
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


def load_result_rules(source: RuleSource | None = None) -> ResultRules:
    """Grade → recommendation and the 整改 deadline (default: the shipped ``results.yaml``)."""
    data, name = _read(source, "results.yaml")
    if not isinstance(data, dict) or not isinstance(data.get("recommendations"), dict):
        raise DatasetError([InputError(name, "结果应用规则应包含 recommendations（等级 → 建议）")])
    if "grade_bands" in data:
        raise DatasetError(
            [
                InputError(
                    name,
                    "结果应用规则不再包含 grade_bands：等级按评分框架的 grade_bands 评定，"
                    "请删去此项（要改等级线，请改评分框架）",
                )
            ]
        )
    recs = tuple((canonical(str(k)), str(v)) for k, v in data["recommendations"].items())
    unknown = [k for k, _ in recs if k not in GRADE_ORDER]
    if unknown:
        raise DatasetError(
            [
                InputError(name, f"recommendations 中的等级“{k}”不是优、良、中、差之一")
                for k in unknown
            ]
        )
    return ResultRules(recs, str(data.get("deadline", "06-30")))
