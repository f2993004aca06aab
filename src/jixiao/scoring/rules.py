"""The rule registry: one small class per scoring rule (评分规则).

A rule gets the resolved values of its inputs and its parameters and returns a
:class:`RuleResult`: the score (rounded half-up to the framework's places), and the
Chinese sentence that explains it (评分说明/扣分原因). A rule never sees a missing
required input: the engine reports those as *missing data* before calling it.

Arithmetic keeps one division per score and runs in a wide Decimal context, so the
result is the exact rational value rounded once; the bulk path (:mod:`.bulk`) computes
the same values in integers and must agree to the last digit.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, localcontext
from itertools import pairwise
from typing import Any, ClassVar

from jixiao.dataset.model import Indicator
from jixiao.domain.over_achievement import OverAchievement, exceeds, over_rate
from jixiao.domain.signs import QUALITATIVE_GRADES, Direction, is_met, score_share, sign_of
from jixiao.lib.money import HUNDRED, ZERO, format_number, round_half_up
from jixiao.lib.registry import Registry

ONE = Decimal(1)
FLAG_TARGET_TOO_LOW = "目标值设定偏低"
FLAG_VETO = "一票否决"
FLAG_NO_REASON = "缺少评分说明"
FLAG_OVER_POINTS = "得分超过分值"
FLAG_NOT_APPLICABLE = "不适用"


@dataclass(frozen=True)
class ManualScore:
    """A score entered by a person (the department's 自评得分 or a reviewer's), with its reason."""

    score: Decimal | None
    reason: str = ""
    loc: str = ""


Value = Decimal | str | bool | list[Any] | ManualScore | Indicator | None


@dataclass(frozen=True)
class RuleContext:
    """What a rule sees: the leaf, its points as a fraction, the inputs and parameters."""

    name: str
    points_num: Decimal  #: the leaf's points are ``points_num / points_den`` (shares stay exact)
    values: Mapping[str, Value]
    params: Mapping[str, Any] = field(default_factory=dict)
    points_den: Decimal = ONE
    places: int = 2
    over_achievement: OverAchievement | None = None
    qualitative: Mapping[str, Decimal] = field(default_factory=dict)

    @property
    def points(self) -> Decimal:
        return exact(self.points_num, self.points_den)

    def full(self) -> Decimal:
        return self.round(self.points)

    def share(self, numerator: Decimal, denominator: Decimal = ONE) -> Decimal:
        """``points × numerator / denominator``, rounded once."""
        return self.round(exact(self.points_num * numerator, self.points_den * denominator))

    def round(self, value: Decimal) -> Decimal:
        return round_half_up(value, self.places)

    def value(self, name: str) -> Any:
        return self.values.get(name)


@dataclass(frozen=True)
class RuleResult:
    score: Decimal | None
    explanation: str
    flags: tuple[str, ...] = ()
    rating: str = ""
    veto: str = ""  #: ``total`` or ``parent`` when a 一票否决 condition holds


def exact(numerator: Decimal, denominator: Decimal) -> Decimal:
    """A quotient wide enough that rounding it afterwards equals rounding the exact fraction."""
    with localcontext() as ctx:
        ctx.prec = 80
        return numerator / denominator


def num(value: Decimal) -> str:
    """A number in an explanation: 2 decimals, trailing zeros dropped (``85.50`` → ``85.5``)."""
    text = format_number(value, 2)
    return text.rstrip("0").rstrip(".") if "." in text else text


class Rule:
    """Base of every rule; subclasses set the class attributes and implement :meth:`score`."""

    identifier: ClassVar[str]
    verbose_name: ClassVar[str]
    required: ClassVar[tuple[str, ...]] = ()
    optional: ClassVar[tuple[str, ...]] = ()
    #: inputs whose value is a list (weighted average) rather than one number
    list_inputs: ClassVar[tuple[str, ...]] = ()
    #: inputs whose value is text (qualitative grade), not a number
    text_inputs: ClassVar[tuple[str, ...]] = ()
    #: every input is a presence test (要素法, 一票否决): any value type is fine
    any_inputs: ClassVar[bool] = False

    def check(self, params: Mapping[str, Any], inputs: Mapping[str, Any]) -> list[str]:
        """Problems with the parameters or constant inputs, in Chinese (empty when fine)."""
        return []

    def score(self, ctx: RuleContext) -> RuleResult:
        raise NotImplementedError


#: Every rule type a framework may name, by identifier, in registration order.
RULES: Registry[Rule] = Registry("评分规则类型")


def rule(cls: type[Rule]) -> type[Rule]:
    """Register a rule class under its ``identifier`` and Chinese ``verbose_name``."""
    RULES.add(cls.identifier, cls.verbose_name, cls())
    return cls


def _positive_constant(inputs: Mapping[str, Any], name: str, label: str) -> list[str]:
    value = inputs.get(name)
    if isinstance(value, Decimal) and value <= 0:
        return [f"{label}为 {num(value)}：按比例计分的{label}必须大于 0"]
    return []


def _target_too_low(
    ctx: RuleContext, symbol: str, actual: Decimal, target: Decimal
) -> RuleResult | None:
    """目标值设定偏低 (:mod:`jixiao.domain.over_achievement`): the framework's deduction."""
    rule_over = ctx.params.get("over_achievement")
    over = rule_over if isinstance(rule_over, OverAchievement) else ctx.over_achievement
    if over is None or not exceeds(over, symbol, actual, target):
        return None
    score = ctx.share(ONE - over.deduction)
    rate = over_rate(symbol, actual, target)
    assert rate is not None
    if sign_of(symbol).direction is Direction.LOWER:
        measured = f"指标值 {num(target)} 为完成值 {num(actual)} 的 {num(rate)}%（反向指标）"
    else:
        measured = f"完成值 {num(actual)} 为指标值 {num(target)} 的 {num(rate)}%"
    return RuleResult(
        score,
        f"{measured}，超过 {num(over.threshold)}%，"
        f"视为{FLAG_TARGET_TOO_LOW}，扣减 {num(over.deduction * HUNDRED)}% 分值，得 {num(score)} 分",
        flags=(FLAG_TARGET_TOO_LOW,),
    )


# --------------------------------------------------------------------------- rules


@rule
class ProportionalPositive(Rule):
    """正向指标（≥）：得分 = 完成值 / 指标值 × 分值，达到指标值得满分."""

    identifier = "proportional_positive"
    verbose_name = "正向比例（完成值/指标值×分值）"
    required = ("actual", "target")

    def check(self, params: Mapping[str, Any], inputs: Mapping[str, Any]) -> list[str]:
        return _positive_constant(inputs, "target", "指标值")

    def score(self, ctx: RuleContext) -> RuleResult:
        actual, target = ctx.value("actual"), ctx.value("target")
        return positive_score(ctx, actual, target)


def positive_score(ctx: RuleContext, actual: Decimal, target: Decimal) -> RuleResult:
    """正向 (≥): :func:`sign_score` with ``≥``."""
    return sign_score(ctx, "≥", actual, target)


def sign_score(ctx: RuleContext, symbol: str, actual: Decimal, target: Decimal) -> RuleResult:
    """A quantitative target scored by its 计算符号 (:mod:`jixiao.domain.signs`).

    Met: full points (less the framework's 目标值设定偏低 deduction). Not met: the
    national proportion (正向 完成值 ÷ 指标值, 反向 指标值 ÷ 完成值, ``＝`` the smaller).
    """
    sign = sign_of(symbol)
    share = score_share(symbol, actual, target)
    if share is None:
        return RuleResult(None, f"指标值为 {num(target)}，未达成时无法按比例计分")
    if is_met(symbol, actual, target):
        too_low = _target_too_low(ctx, symbol, actual, target)
        if too_low is not None:
            return too_low
        full = num(ctx.full())
        if sign.direction is Direction.LOWER:
            return RuleResult(
                ctx.full(), f"完成值 {num(actual)} 未超过指标值 {num(target)}，得满分 {full} 分"
            )
        if sign.direction is Direction.EQUAL:
            return RuleResult(ctx.full(), f"完成值等于指标值 {num(target)}，得满分 {full} 分")
        return RuleResult(
            ctx.full(), f"完成值 {num(actual)} 达到指标值 {num(target)}，得满分 {full} 分"
        )
    score = ctx.share(*share)
    if actual == target:
        # the boundary of a strict sign (＞ 10 with 10): not met, yet the proportion is 1
        return RuleResult(
            score,
            f"完成值 {num(actual)} 未{sign.words}指标值 {num(target)}（计算符号“{symbol}”），未达成；"
            f"按比例计分：完成率 100%，得分 = 100% × {num(ctx.points)} = {num(score)} 分",
        )
    if share[1] == target:  # 完成值 ÷ 指标值 (正向, or ＝ below the value)
        rate = exact(share[0] * HUNDRED, target)
        return RuleResult(
            score,
            f"完成值 {num(actual)}，指标值 {num(target)}，完成率 {num(rate)}%，得分 = {num(rate)}% × {num(ctx.points)} = {num(score)} 分",
        )
    if sign.direction is Direction.EQUAL:
        return RuleResult(
            score,
            f"完成值 {num(actual)} 偏离指标值 {num(target)}，得分 = {num(target)} / {num(actual)} × {num(ctx.points)} = {num(score)} 分",
        )
    return RuleResult(
        score,
        f"完成值 {num(actual)} 超过指标值 {num(target)}，得分 = {num(target)} / {num(actual)} × {num(ctx.points)} = {num(score)} 分",
    )


@rule
class ProportionalNegative(Rule):
    """反向指标（≤）：得分 = 指标值 / 完成值 × 分值，不超过指标值得满分."""

    identifier = "proportional_negative"
    verbose_name = "反向比例（指标值/完成值×分值）"
    required = ("actual", "target")

    def check(self, params: Mapping[str, Any], inputs: Mapping[str, Any]) -> list[str]:
        target = inputs.get("target")
        if isinstance(target, Decimal) and target < 0:
            return [f"指标值为 {num(target)}：反向比例计分的指标值不能为负数"]
        return []

    def score(self, ctx: RuleContext) -> RuleResult:
        return negative_score(ctx, ctx.value("actual"), ctx.value("target"))


def negative_score(ctx: RuleContext, actual: Decimal, target: Decimal) -> RuleResult:
    """反向 (≤): :func:`sign_score` with ``≤``."""
    return sign_score(ctx, "≤", actual, target)


@rule
class RatePoints(Rule):
    """比率 × 分值（如预算执行率）：rate 给出百分比，或由 numerator/denominator 计算."""

    identifier = "rate_points"
    verbose_name = "比率×分值（如预算执行率）"
    optional = ("rate", "numerator", "denominator")

    def check(self, params: Mapping[str, Any], inputs: Mapping[str, Any]) -> list[str]:
        if "rate" not in inputs and not ("numerator" in inputs and "denominator" in inputs):
            return ["比率×分值规则需要 rate，或同时给出 numerator 和 denominator"]
        return _positive_constant(inputs, "denominator", "分母")

    def score(self, ctx: RuleContext) -> RuleResult:
        label = str(ctx.params.get("label", "比率"))
        if ctx.value("rate") is not None:
            numerator, denominator = ctx.value("rate"), HUNDRED
        elif ctx.value("numerator") is not None and ctx.value("denominator") is not None:
            numerator, denominator = ctx.value("numerator"), ctx.value("denominator")
        else:
            return RuleResult(None, f"缺少计算{label}所需的数据")
        if denominator <= 0:
            return RuleResult(None, f"{label}的分母为 {num(denominator)}，无法计算")
        rate = exact(numerator * HUNDRED, denominator)
        if numerator >= denominator:
            return RuleResult(
                ctx.full(), f"{label} {num(rate)}%，达到 100%，得满分 {num(ctx.full())} 分"
            )
        score = ctx.share(max(numerator, ZERO), denominator)
        return RuleResult(
            score,
            f"{label} {num(rate)}%，得分 = {num(rate)}% × {num(ctx.points)} = {num(score)} 分",
        )


@dataclass(frozen=True)
class Band:
    """One band of a tiered rule: ``[minimum, maximum)`` → percent of the points or a rating."""

    minimum: Decimal | None
    maximum: Decimal | None
    percent: Decimal | None = None
    score: Decimal | None = None
    rating: str = ""
    label: str = ""

    def contains(self, value: Decimal) -> bool:
        low = self.minimum is None or value >= self.minimum
        return low and (self.maximum is None or value < self.maximum)

    def describe(self) -> str:
        if self.label:
            return self.label
        low = "" if self.minimum is None else f"≥{num(self.minimum)}"
        high = "" if self.maximum is None else f"＜{num(self.maximum)}"
        return "且".join(p for p in (low, high) if p) or "任意值"


def band_problems(bands: Sequence[Band]) -> list[str]:
    """Bands must be ordered, touch end to end (no gap, no overlap) and cover every value."""
    problems = []
    if not bands:
        return ["至少需要一个分档"]
    if bands[0].minimum is not None:
        problems.append(
            f"第一档应从负无穷开始（去掉 min），否则低于 {num(bands[0].minimum)} 的值无档可依"
        )
    if bands[-1].maximum is not None:
        problems.append(
            f"最后一档应无上限（去掉 max），否则不低于 {num(bands[-1].maximum)} 的值无档可依"
        )
    for i, (low, high) in enumerate(pairwise(bands), start=1):
        if low.maximum is None or high.minimum is None:
            problems.append(f"第 {i} 档与第 {i + 1} 档重叠（中间的档必须同时有 min 和 max）")
        elif low.maximum < high.minimum:
            problems.append(
                f"第 {i} 档与第 {i + 1} 档之间有空档：{num(low.maximum)} 至 {num(high.minimum)}"
            )
        elif low.maximum > high.minimum:
            problems.append(
                f"第 {i} 档与第 {i + 1} 档重叠：{num(high.minimum)} 至 {num(low.maximum)}"
            )
    for i, band in enumerate(bands, start=1):
        if band.minimum is not None and band.maximum is not None and band.minimum >= band.maximum:
            problems.append(f"第 {i} 档的 min {num(band.minimum)} 不小于 max {num(band.maximum)}")
        if band.percent is not None and not ZERO <= band.percent <= HUNDRED:
            problems.append(f"第 {i} 档的得分比例 {num(band.percent)}% 应在 0 至 100 之间")
    return problems


@rule
class Tiered(Rule):
    """分档：值落在哪一档就得该档的分（比例、分数或 PEFA 等级）."""

    identifier = "tiered"
    verbose_name = "分档计分"
    required = ("value",)

    def check(self, params: Mapping[str, Any], inputs: Mapping[str, Any]) -> list[str]:
        return band_problems(params.get("bands", ()))

    def score(self, ctx: RuleContext) -> RuleResult:
        value: Decimal = ctx.value("value")
        label = str(ctx.params.get("label", "指标值"))
        band = next(b for b in ctx.params["bands"] if b.contains(value))
        if band.rating:
            return RuleResult(
                rating_value(band.rating),
                f"{label} {num(value)}，属“{band.describe()}”档，评为 {band.rating}",
                rating=band.rating,
            )
        score = (
            ctx.round(band.score)
            if band.score is not None
            else ctx.share(band.percent or ZERO, HUNDRED)
        )
        return RuleResult(
            score, f"{label} {num(value)}，属“{band.describe()}”档，得 {num(score)} 分"
        )


@rule
class DeductionPerUnit(Rule):
    """每超过阈值 1 个单位扣 x 分，扣完为止（如“三公”经费变动率每超 1 个百分点扣 0.3 分）."""

    identifier = "deduction_per_unit"
    verbose_name = "超出阈值按单位扣分"
    required = ("value",)

    def check(self, params: Mapping[str, Any], inputs: Mapping[str, Any]) -> list[str]:
        problems = []
        if not isinstance(params.get("deduction"), Decimal) or params["deduction"] <= 0:
            problems.append("deduction（每单位扣分）必须是大于 0 的数")
        if not isinstance(params.get("threshold"), Decimal):
            problems.append("threshold（阈值）必须是数")
        if params.get("direction", "above") not in ("above", "below"):
            problems.append("direction 应为 above（超过扣分）或 below（低于扣分）")
        step = params.get("step", ONE)
        if not isinstance(step, Decimal) or step <= 0:
            problems.append("step（单位）必须是大于 0 的数")
        return problems

    def score(self, ctx: RuleContext) -> RuleResult:
        value: Decimal = ctx.value("value")
        threshold: Decimal = ctx.params["threshold"]
        step: Decimal = ctx.params.get("step", ONE)
        label = str(ctx.params.get("label", "指标值"))
        unit = str(ctx.params.get("unit", ""))
        above = ctx.params.get("direction", "above") == "above"
        excess = value - threshold if above else threshold - value
        if excess <= 0:
            where = "未超过" if above else "不低于"
            return RuleResult(
                ctx.full(),
                f"{label} {num(value)}{unit}，{where}{num(threshold)}{unit}，得满分 {num(ctx.full())} 分",
            )
        deduction = ctx.round(exact(excess * ctx.params["deduction"], step))
        score = max(ctx.full() - deduction, ZERO)
        word = "超过" if above else "低于"
        return RuleResult(
            score,
            f"{label} {num(value)}{unit}，{word}{num(threshold)}{unit} {num(excess)}{unit}，"
            f"每{word} {num(step)}{unit} 扣 {num(ctx.params['deduction'])} 分，扣 {num(min(deduction, ctx.full()))} 分，得 {num(score)} 分",
        )


@dataclass(frozen=True)
class Element:
    """One element (要素) of a checklist and its points."""

    name: str
    points: Decimal


def truthy(value: Value) -> bool:
    """An element is met when its data is there: non-empty text, a list, true, a non-zero number."""
    if isinstance(value, Decimal):
        return value != 0
    if isinstance(value, str | list):
        return bool(value)
    return bool(value)


@rule
class Checklist(Rule):
    """要素法：每个要素具备得该要素的分，缺失不得分."""

    identifier = "checklist"
    verbose_name = "要素法"
    any_inputs = True

    def check(self, params: Mapping[str, Any], inputs: Mapping[str, Any]) -> list[str]:
        return [] if params.get("elements") else ["要素法至少需要一个要素（elements）"]

    def score(self, ctx: RuleContext) -> RuleResult:
        elements: Sequence[Element] = ctx.params["elements"]
        met = [e for i, e in enumerate(elements) if truthy(ctx.value(f"element{i}"))]
        missed = [e for e in elements if e not in met]
        score = ctx.round(sum((e.points for e in met), ZERO))
        parts = []
        if met:
            parts.append("具备：" + "、".join(e.name for e in met))
        if missed:
            parts.append("缺少：" + "、".join(f"{e.name}（扣 {num(e.points)} 分）" for e in missed))
        return RuleResult(score, "；".join(parts) + f"，得 {num(score)} 分")


@rule
class Qualitative(Rule):
    """定性指标：达成 100–80%、部分达成 80–60%、未达成 60–0%（评分比例可由评审给出）."""

    identifier = "qualitative"
    verbose_name = "定性三档"
    required = ("grade",)
    optional = ("percent",)
    text_inputs = ("grade",)

    def score(self, ctx: RuleContext) -> RuleResult:
        return qualitative_score(ctx, str(ctx.value("grade")), ctx.value("percent"))


def qualitative_score(ctx: RuleContext, grade: str, percent: Decimal | None) -> RuleResult:
    band = QUALITATIVE_GRADES.get(grade)
    if band is None:
        return RuleResult(
            None, f"定性完成档次“{grade}”无法识别（应为：{'、'.join(QUALITATIVE_GRADES)}）"
        )
    flags: tuple[str, ...] = ()
    if percent is None:
        percent = ctx.qualitative.get(grade, band.default)
    elif not band.low <= percent <= band.high:
        flags = ("评分比例超出档次范围",)
        percent = band.clamp(percent)
    score = ctx.share(percent, HUNDRED)
    return RuleResult(
        score,
        f"定性评价为“{grade}”（{num(band.low)}%–{num(band.high)}%档），按 {num(percent)}% 计，得 {num(score)} 分",
        flags=flags,
    )


@rule
class Veto(Rule):
    """一票否决：条件成立时，上级指标（scope: parent）或总分（scope: total）记 0 分."""

    identifier = "veto"
    verbose_name = "一票否决"
    required = ("condition",)
    any_inputs = True

    def check(self, params: Mapping[str, Any], inputs: Mapping[str, Any]) -> list[str]:
        if params.get("scope", "total") not in ("total", "parent"):
            return ["scope 应为 total（总分）或 parent（上级指标）"]
        return []

    def score(self, ctx: RuleContext) -> RuleResult:
        what = str(ctx.params.get("label", "否决情形"))
        if truthy(ctx.value("condition")):
            scope = str(ctx.params.get("scope", "total"))
            target = "总分" if scope == "total" else "上级指标"
            return RuleResult(
                ZERO, f"存在{what}，{FLAG_VETO}，{target}记 0 分", flags=(FLAG_VETO,), veto=scope
            )
        return RuleResult(ctx.full(), f"未发现{what}")


@rule
class WeightedAverage(Rule):
    """加权平均：得分 = 分值 × Σ(得分ᵢ × 权重ᵢ) / (满分 × Σ权重ᵢ)，如专项效能按资金额加权."""

    identifier = "weighted_average"
    verbose_name = "加权平均"
    required = ("scores", "weights")
    list_inputs = ("scores", "weights")

    def check(self, params: Mapping[str, Any], inputs: Mapping[str, Any]) -> list[str]:
        scale = params.get("scale", HUNDRED)
        return [] if isinstance(scale, Decimal) and scale > 0 else ["scale（各项满分）必须大于 0"]

    def score(self, ctx: RuleContext) -> RuleResult:
        pairs = [
            (s, w)
            for s, w in zip(ctx.value("scores"), ctx.value("weights"), strict=False)
            if isinstance(s, Decimal) and isinstance(w, Decimal) and w > 0
        ]
        if not pairs:
            return RuleResult(None, "没有可加权的得分（得分或权重均为空）")
        scale: Decimal = ctx.params.get("scale", HUNDRED)
        weighted = sum((s * w for s, w in pairs), ZERO)
        weights = sum((w for _, w in pairs), ZERO)
        score = ctx.share(weighted, scale * weights)
        average = exact(weighted, weights)
        return RuleResult(
            score,
            f"{len(pairs)} 项按权重加权平均得分 {num(average)}（满分 {num(scale)}），折算得分 = {num(average)} / {num(scale)} × {num(ctx.points)} = {num(score)} 分",
        )


@rule
class Manual(Rule):
    """人工评分：评审（或部门自评）给出的得分，必须附评分说明."""

    identifier = "manual"
    verbose_name = "人工评分"
    required = ("score",)
    optional = ("reason",)

    def score(self, ctx: RuleContext) -> RuleResult:
        raw = ctx.value("score")
        entered = raw.score if isinstance(raw, ManualScore) else raw
        reason = raw.reason if isinstance(raw, ManualScore) else str(ctx.value("reason") or "")
        if entered is None:
            return RuleResult(None, "未填写人工评分")
        flags: list[str] = []
        score = ctx.round(entered)
        if score > ctx.full() or score < 0:
            flags.append(FLAG_OVER_POINTS)
            score = min(max(score, ZERO), ctx.full())
        if not reason.strip():
            flags.append(FLAG_NO_REASON)
        deducted = ctx.full() - score
        text = f"人工评分 {num(score)} 分" + (
            f"（扣 {num(deducted)} 分）" if deducted else "（满分）"
        )
        text += f"：{reason.strip()}" if reason.strip() else "，未填写评分说明"
        return RuleResult(score, text, flags=tuple(flags))


@rule
class Completion(Rule):
    """绩效指标完成情况（财预〔2020〕10号）：按计算符号选正向、反向、等于或定性计分."""

    identifier = "completion"
    verbose_name = "绩效指标完成情况（按计算符号）"
    required = ("indicator",)

    def score(self, ctx: RuleContext) -> RuleResult:
        ind: Indicator = ctx.value("indicator")
        if not ind.quantitative:
            if not ind.qual_grade:
                return RuleResult(None, "定性指标缺少完成档次（达成/部分达成/未达成）")
            return qualitative_score(ctx, ind.qual_grade, None)
        if ind.actual is None or ind.target is None:
            return RuleResult(None, "缺少完成值或指标值")
        return sign_score(ctx, ind.sign, ind.actual, ind.target)


# --------------------------------------------------------------------------- PEFA ratings

RATING_VALUES: dict[str, Decimal] = {"D": ONE, "C": Decimal(2), "B": Decimal(3), "A": Decimal(4)}


def rating_value(rating: str) -> Decimal:
    """A PEFA rating as a number (D=1 … A=4, ``+`` adds 0.5) so that it fits a score column."""
    base = RATING_VALUES[rating[0]]
    return base + Decimal("0.5") if rating.endswith("+") else base
