"""声明数: figures as the department's report states them, against ours.

A stated value is compared at its own precision: ``241.70`` is compared with our value
rounded half-up to 2 decimals (341.70 → error); ``94.1`` with 1 decimal. A stated value
that equals our value *cut* rather than rounded is a warning (a rounding slip, not a
wrong figure). Changes and growth rates may be stated as magnitudes (减少 1,198.05 →
``1198.05``). A stated change together with a stated growth rate implies the prior-year
value; it must agree with this year's value minus the change.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal

from jixiao.checks.registry import CheckSettings, at, check
from jixiao.checks.rules.facts import UNIT_COUNTS
from jixiao.dataset.model import Dataset, StatedFigure
from jixiao.figures import Figure, FigureSet
from jixiao.figures.ids import score_id
from jixiao.findings import Finding, Severity, kind, value_text
from jixiao.lib.money import HUNDRED, parse_decimal, quantum, round_half_up, truncate

TABLE = "stated"

STATED_LESS_PRECISE = kind(
    "stated.less_precise",
    Severity.WARNING,
    "{said}，按数据计算为 {ours}：报告精度不足（若原文末位有 0 被省略，则二者不符）",
    "声明数精度不足",
)
STATED_TRUNCATED = kind(
    "stated.truncated",
    Severity.WARNING,
    "{said}，按四舍五入应为 {ours}（报告为截尾）",
    "声明数为截尾",
)
STATED_MISMATCH = kind(
    "stated.mismatch",
    Severity.ERROR,
    "{said}，按数据计算为 {ours}（{formula}）",
    "声明数与计算结果不一致",
)
STATED_UNKNOWN = kind(
    "stated.unknown_figure",
    Severity.WARNING,
    "声明数的数据编号“{figure}”不是已知的计算指标（见 jixiao figures 的输出）",
    "声明数编号未知",
)
STATED_NOT_COMPUTABLE = kind(
    "stated.not_computable",
    Severity.INFO,
    "{label}：报告写 {printed}，但数据不足以计算（{formula}）",
    "声明数无法计算",
)
IMPLIED_PRIOR = kind(
    "yoy.implied_prior_mismatch",
    Severity.ERROR,
    "{label}：报告写增减 {change}、幅度 {growth}%，隐含上年数 {implied:n}；但本年数 {current:n} 减去增减额得上年数 {prior:n}，两者不一致",
    "增减额与增幅隐含的上年数不一致",
)
#: Figure id fragments whose sign a report may drop (“减少 x”, “减幅 y%”).
MAGNITUDE_IDS: tuple[str, ...] = ("change", "growth", "saving")


def places_of(value: Decimal) -> int:
    exponent = value.as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


_NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?")


def stated_places(row: StatedFigure) -> int:
    """The precision the report printed: the value's own, or more if 出处 quotes it so.

    A workbook keeps 94.10 as the number 94.1; the quoted source (“占比 94.10%”) still
    shows the two decimals the report printed.
    """
    assert row.value is not None
    places = places_of(row.value)
    for match in _NUMBER.findall(row.source):
        quoted = parse_decimal(match)
        if quoted is not None and quoted == abs(row.value):
            places = max(places, places_of(quoted))
    return places


def printed(row: StatedFigure) -> Decimal:
    """The stated value with the decimals the report printed (a workbook's 94.1 → ``94.10``)."""
    assert row.value is not None
    return row.value.quantize(quantum(stated_places(row)))


def _shown(figure: Figure, value: Decimal) -> str:
    unit = figure.unit if figure.unit in ("%", "") else f" {figure.unit}"
    return f"{value_text(value)}{unit}"  # as printed: 241.70, 1.00, never normalised


def _compare(row: StatedFigure, figure: Figure) -> Finding | None:
    """None when the stated value agrees with ours; else a finding.

    Agreement is equality at the figure's printing precision, or the stated one if finer
    (``35`` = 35.00). A shorter value that is our value correctly rounded (``42.2`` for
    42.16) is only a warning: the report is less precise than its genre, or a trailing
    zero was lost and the 出处 does not quote the number (see :func:`stated_places`). Truncation is recognised at full
    precision only: ``扣 1 分`` against 1.5 is a wrong number, not a rounding slip.
    """
    assert row.value is not None and figure.value is not None
    places = stated_places(row)
    ours = round_half_up(figure.value, max(places, figure.places))
    if _agrees(figure, ours, row.value):
        return None
    source = f"（{row.source}）" if row.source else ""
    values = {
        "said": f"{figure.label}：报告写 {_shown(figure, printed(row))}{source}",
        "ours": _shown(figure, ours),
        "stated": row.value,
        "computed": figure.value,
        "rounded": ours,
    }
    location = at(TABLE, row, item=row.figure, column="value")
    if places < figure.places and _agrees(figure, round_half_up(figure.value, places), row.value):
        return STATED_LESS_PRECISE.at(location, **values)
    if places >= figure.places and truncate(figure.value, places) == row.value:
        return STATED_TRUNCATED.at(location, **values)
    return STATED_MISMATCH.at(location, formula=figure.formula, **values)


def _agrees(figure: Figure, ours: Decimal, stated: Decimal) -> bool:
    magnitude_ok = any(m in figure.id for m in MAGNITUDE_IDS)
    return ours == stated or (magnitude_ok and abs(ours) == abs(stated))


def _stated_elsewhere(dataset: Dataset) -> dict[str, Decimal | int]:
    """Figures whose statement has its own field, compared by its own check: id → value.

    A report's unit counts, “扣N分” and 自评总分 are entered on 基本信息, the scorecard row
    and 自评结论, where :mod:`facts` and :mod:`scorecard` check them. The same statement
    entered again on 声明数 would report the same contradiction twice.
    """
    elsewhere: dict[str, Decimal | int | None] = {
        rule.figure: getattr(dataset.profile, rule.field) for rule in UNIT_COUNTS
    }
    elsewhere |= {score_id(s.code, "deduction"): s.stated_deduction for s in dataset.scores}
    elsewhere["score.score_total"] = dataset.self_evaluation.stated_total
    return {key: value for key, value in elsewhere.items() if value is not None}


@check("stated_figures", "声明数与计算结果一致")
def stated_figures(dataset: Dataset, figures: FigureSet, settings: CheckSettings) -> list[Finding]:
    """Every 声明数 row against the figure it names, at the stated precision.

    Rows that repeat a statement already checked elsewhere (same figure, same value) are
    left to that check.
    """
    result = []
    elsewhere = _stated_elsewhere(dataset)
    for row in dataset.stated:
        figure = figures.get(row.figure)
        if row.value is None or elsewhere.get(row.figure) == row.value:
            continue
        if figure is None:
            location = at(TABLE, row, item=row.figure, column="figure")
            result.append(STATED_UNKNOWN.at(location, figure=row.figure))
        elif figure.value is None:
            result.append(
                STATED_NOT_COMPUTABLE.at(
                    at(TABLE, row, item=row.figure, column="value"),
                    label=figure.label,
                    printed=value_text(printed(row)),
                    formula=figure.formula,
                    stated=row.value,
                )
            )
        elif (found := _compare(row, figure)) is not None:
            result.append(found)
    return result


def _pairs(stated: dict[str, StatedFigure]) -> Iterator[tuple[str, str]]:
    """(change id, growth id) pairs both stated: ``x.change.i`` + ``x.growth.i``, ``carryover.change`` + ``…_rate``."""
    for key in stated:
        if ".growth" in key:
            change = key.replace(".growth", ".change", 1)
        elif key.endswith(".change_rate"):
            change = key.removesuffix("_rate")
        else:
            continue
        if change in stated:
            yield change, key


def current_of(change_id: str) -> str:
    """The this-year figure a change is measured from: ``x.change.i`` → ``x.final.i``."""
    if change_id.startswith("carryover."):
        return change_id.replace("change", "closing")
    head, _, item = change_id.partition(".change")
    return f"{head}.final{item or '.total'}"


def _half(value: Decimal) -> Decimal:
    return quantum(places_of(value)) / 2


@check("implied_prior", "声明的增减额与增幅相互一致")
def implied_prior(dataset: Dataset, figures: FigureSet, settings: CheckSettings) -> list[Finding]:
    """A stated change and growth imply the prior value: change ÷ growth must equal current − change."""
    stated = {s.figure: s for s in dataset.stated if s.value is not None}
    result = []
    for change_id, growth_id in _pairs(stated):
        current = figures.get(current_of(change_id))
        if current is None or current.value is None or stated[growth_id].value == 0:
            continue
        # At the printed precision: it sets the rounding interval and is what the message shows.
        c, g = printed(stated[change_id]), printed(stated[growth_id])
        found = _implied_prior_finding(current, abs(c), abs(g), stated[growth_id])
        if found is not None:
            result.append(found)
    return result


def _implied_prior_finding(
    current_fig: Figure, c: Decimal, g: Decimal, growth_row: StatedFigure
) -> Finding | None:
    """None when ``c`` (change) and ``g`` (growth %) fit the current value within rounding.

    The prior implied by the growth rate, c ÷ g × 100, is an interval because both were
    rounded to their printed precision; this year's value minus (or plus, for a decrease
    stated as a magnitude) the change must fall in it.
    """
    assert current_fig.value is not None
    current = current_fig.value
    ch, gh = _half(c), _half(g)
    if g - gh <= 0:
        return None
    low, high = (c - ch) / (g + gh) * HUNDRED, (c + ch) / (g - gh) * HUNDRED
    candidates = (current - c, current + c)
    if any(p + ch >= low and p - ch <= high for p in candidates):
        return None
    implied = c / g * HUNDRED
    return IMPLIED_PRIOR.at(
        at(TABLE, growth_row, item=growth_row.figure, column="value"),
        label=current_fig.label,
        implied=round_half_up(implied),
        prior=current - c,
        change=c,
        growth=g,
        current=current,
        implied_prior=implied,
    )
