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

from jixiao.checks.registry import ERROR, INFO, WARNING, check, finding, plain, where
from jixiao.checks.rules.facts import UNIT_COUNTS
from jixiao.dataset.model import Dataset, StatedFigure
from jixiao.figures import Figure, FigureSet
from jixiao.findings import Finding, value_text
from jixiao.lib.money import HUNDRED, parse_decimal, quantum, round_half_up, truncate

SHEET = "声明数"
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
    loc = where(SHEET, row.loc, row.figure)
    source = f"（{row.source}）" if row.source else ""
    values = {"stated": row.value, "computed": figure.value, "rounded": ours}
    said = f"{figure.label}：报告写 {_shown(figure, printed(row))}{source}"
    if places < figure.places and _agrees(figure, round_half_up(figure.value, places), row.value):
        message = f"{said}，按数据计算为 {_shown(figure, ours)}：报告精度不足（若原文末位有 0 被省略，则二者不符）"
        return finding("stated.less_precise", WARNING, message, loc, **values)
    if places >= figure.places and truncate(figure.value, places) == row.value:
        message = f"{said}，按四舍五入应为 {_shown(figure, ours)}（报告为截尾）"
        return finding("stated.truncated", WARNING, message, loc, **values)
    message = f"{said}，按数据计算为 {_shown(figure, ours)}（{figure.formula}）"
    return finding("stated.mismatch", ERROR, message, loc, **values)


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
    elsewhere |= {f"score.{s.code}.deduction": s.stated_deduction for s in dataset.scores}
    elsewhere["score.score_total"] = dataset.self_evaluation.stated_total
    return {key: value for key, value in elsewhere.items() if value is not None}


@check
def stated_figures(dataset: Dataset, figures: FigureSet) -> list[Finding]:
    """Every 声明数 row against the figure it names, at the stated precision.

    Rows that repeat a statement already checked elsewhere (same figure, same value) are
    left to that check.
    """
    result = []
    elsewhere = _stated_elsewhere(dataset)
    for row in dataset.stated:
        loc = where(SHEET, row.loc, row.figure)
        figure = figures.get(row.figure)
        if row.value is None or elsewhere.get(row.figure) == row.value:
            continue
        if figure is None:
            message = (
                f"声明数的数据编号“{row.figure}”不是已知的计算指标（见 jixiao figures 的输出）"
            )
            result.append(
                finding("stated.unknown_figure", WARNING, message, loc, figure=row.figure)
            )
        elif figure.value is None:
            message = f"{figure.label}：报告写 {value_text(printed(row))}，但数据不足以计算（{figure.formula}）"
            result.append(finding("stated.not_computable", INFO, message, loc, stated=row.value))
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


@check
def implied_prior(dataset: Dataset, figures: FigureSet) -> list[Finding]:
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
    message = (
        f"{current_fig.label}：报告写增减 {value_text(c)}、幅度 {value_text(g)}%，隐含上年数 {plain(round_half_up(implied))}；"
        f"但本年数 {plain(current)} 减去增减额得上年数 {plain(current - c)}，两者不一致"
    )
    loc = where(SHEET, growth_row.loc, growth_row.figure)
    return finding(
        "yoy.implied_prior_mismatch",
        ERROR,
        message,
        loc,
        change=c,
        growth=g,
        current=current,
        implied_prior=implied,
    )
