"""Bulk scoring: many projects × indicators at once with polars (the province-wide case).

The per-item engine walks one project at a time in Python; here a whole table of
indicator rows is scored by vectorised expressions, with exactly the same results.
Exactness comes from integers: every input is read as a ``Decimal(38, 6)`` column and
taken as its physical ``Int128`` (value × 10⁶); every score is one fraction n / d of
such integers and framework constants, rounded half-up in integers as
``(2n + d) // (2d)`` — the same single rounding of the same exact fraction that the
per-item rules do in a wide Decimal context. The property test in
``tests/scoring/test_bulk.py`` checks the two agree on random frameworks and data.

Supported frameworks are ``project`` frameworks whose top-level items are either a
``rate_points`` leaf reading two project fields (预算执行率) or an ``expand`` group over
``project_indicators`` scored by the ``completion`` rule (e.g. ``mof-project-2020``).
Inputs must have at most 6 decimals and lie within ±10⁹ (weights ≤ 10⁴) so that no
intermediate product leaves Int128; anything else raises :class:`BulkUnsupported`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from math import lcm
from typing import TYPE_CHECKING

import polars as pl

from jixiao.dataset.model import Indicator, Project
from jixiao.domain.signs import QUALITATIVE_GRADES, SIGNS, Direction, Sign
from jixiao.scoring.model import Framework, Node

if TYPE_CHECKING:
    from jixiao.scoring.projects import ProjectTotal

SCALE = 6
UNIT = 10**SCALE
LIMIT = 10**9 * UNIT  #: largest |value| (scaled) the integer arithmetic stays exact for
WEIGHT_LIMIT = 10**4 * UNIT
I128 = pl.Int128

INDICATOR_COLUMNS = ("project", "level1", "sign", "target", "actual", "qual_grade", "weight")
PROJECT_COLUMNS = ("project", "budget", "adjusted", "executed")


class BulkUnsupported(ValueError):
    """The framework or the data is outside what the bulk path computes exactly."""


@dataclass(frozen=True)
class _Item:
    """A top-level item of a bulk-scorable framework."""

    node: Node
    kind: str  #: ``rate`` or ``group``
    numerator: str = ""  #: project field of a rate leaf
    denominator: str = ""
    level1: str = ""


def _fraction(value: Decimal) -> tuple[int, int]:
    n, d = value.as_integer_ratio()
    return n, d


def _items(framework: Framework) -> list[_Item]:
    if framework.subject != "project" or framework.scale != "points" or framework.places > 4:
        raise BulkUnsupported("批量评分只支持按分值计分、保留不超过 4 位小数的项目评分框架")
    items = []
    for node in framework.items:
        rule, expand = node.rule, node.expand
        if (
            expand is not None
            and expand.source == "project_indicators"
            and expand.rule.type == "completion"
            and not expand.rule.params
            and expand.level1
        ):
            items.append(_Item(node, "group", level1=expand.level1.removesuffix("指标")))
        elif rule is not None and rule.type == "rate_points" and _project_fields(rule.inputs):
            num, den = _project_fields(rule.inputs)
            items.append(_Item(node, "rate", numerator=num, denominator=den))
        else:
            raise BulkUnsupported(
                f"指标“{node.code} {node.name}”不是批量评分支持的形式（预算执行率或按项目绩效指标展开）"
            )
    levels = [i.level1 for i in items if i.kind == "group"]
    if len(set(levels)) != len(levels):
        raise BulkUnsupported("批量评分要求各展开组的一级指标互不相同")
    return items


def _project_fields(inputs: object) -> tuple[str, str]:
    from jixiao.scoring.model import Input

    assert isinstance(inputs, dict)
    num, den = inputs.get("numerator"), inputs.get("denominator")
    if not (isinstance(num, Input) and isinstance(den, Input)):
        return ("", "")
    if not (num.binding.startswith("project:") and den.binding.startswith("project:")):
        return ("", "")
    return num.binding.removeprefix("project:"), den.binding.removeprefix("project:")


# --------------------------------------------------------------------------- frames


def project_frames(
    projects: Sequence[Project], indicators: Sequence[Indicator]
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Projects and their indicators (dataset rows) as the two frames the bulk path reads."""
    project_frame = pl.DataFrame(
        {
            "project": pl.Series([p.code for p in projects], dtype=pl.String),
            "budget": _decimals([p.budget for p in projects]),
            "adjusted": _decimals([p.adjusted for p in projects]),
            "executed": _decimals([p.executed for p in projects]),
        }
    )
    indicator_frame = pl.DataFrame(
        {
            "project": pl.Series([i.owner for i in indicators], dtype=pl.String),
            "level1": pl.Series([i.level1 for i in indicators], dtype=pl.String),
            "sign": pl.Series([i.sign for i in indicators], dtype=pl.String),
            "target": _decimals([i.target for i in indicators]),
            "actual": _decimals([i.actual for i in indicators]),
            "qual_grade": pl.Series([i.qual_grade for i in indicators], dtype=pl.String),
            "weight": _decimals([i.weight for i in indicators]),
        }
    )
    return project_frame, indicator_frame


#: A Decimal's text with at most SCALE decimals and no exponent: parsed exactly by polars.
_PLAIN = rf"^-?\d{{1,26}}(?:\.\d{{1,{SCALE}}})?$"


def _decimals(values: list[Decimal | None]) -> pl.Series:
    """A ``Decimal(38, 6)`` column of ``values``, exactly.

    Through the values' text (3–4× faster than handing polars the Decimal objects); a
    column with an exponent or more than 6 decimals takes the slow exact way, which
    raises :class:`BulkUnsupported` for the latter.
    """
    texts = pl.Series([None if v is None else str(v) for v in values], dtype=pl.String)
    if texts.str.contains(_PLAIN).fill_null(True).all():
        return texts.str.to_decimal(scale=SCALE)
    return pl.Series([_exact(v) for v in values], dtype=pl.Decimal(38, SCALE))


def _exact(value: Decimal | None) -> Decimal | None:
    if value is not None and value.as_tuple().exponent < -SCALE:  # type: ignore[operator]
        raise BulkUnsupported(f"数值 {value} 超过 {SCALE} 位小数，批量评分无法精确计算")
    return value


def _scaled(column: str) -> pl.Expr:
    """A number column as Int128 units of 10⁻⁶ (exact for ≤ 6 decimals)."""
    return pl.col(column).cast(pl.Decimal(38, SCALE)).to_physical().cast(I128)


def _check_range(frame: pl.DataFrame, limits: dict[str, int]) -> None:
    """Refuse float columns, more than 6 decimals, and values beyond the exact range."""
    for column in limits:
        dtype = frame.schema[column]
        if dtype in (pl.Float32, pl.Float64):
            raise BulkUnsupported(f"列“{column}”是浮点数，批量评分需要 Decimal 或整数列")
        if isinstance(dtype, pl.Decimal) and dtype.scale is not None and dtype.scale > SCALE:
            raise BulkUnsupported(f"列“{column}”的小数位超过 {SCALE} 位")
    peaks = frame.select([_scaled(c).abs().max().alias(c) for c in limits]).row(0, named=True)
    for column, limit in limits.items():
        if peaks[column] is not None and peaks[column] > limit:
            raise BulkUnsupported(f"列“{column}”的数值超出批量评分的精确计算范围")


# --------------------------------------------------------------------------- scoring


def _rounded(n: pl.Expr, d: pl.Expr) -> pl.Expr:
    """Half-up rounding of n / d for n ≥ 0, d > 0, in integers."""
    return (2 * n + d) // (2 * d)


def _indicator_scores(
    framework: Framework, groups: list[_Item], indicators: pl.DataFrame
) -> pl.DataFrame:
    """One row per indicator that belongs to a group: its score in units of 10⁻places."""
    places = 10**framework.places
    group_table = pl.DataFrame(
        {
            "group": [g.node.code for g in groups],
            "key": [g.level1 for g in groups],
            "gn": [_fraction(g.node.points)[0] for g in groups],
            "gd": [_fraction(g.node.points)[1] for g in groups],
        },
        schema={"group": pl.String, "key": pl.String, "gn": I128, "gd": I128},
    )
    rows = (
        indicators.lazy()
        .with_row_index("pos")
        .with_columns(key=pl.col("level1").str.strip_suffix("指标"))
        .join(group_table.lazy(), on="key", how="inner")
        .sort("pos")  # the indicators' own order breaks ties of the largest remainder
        .with_columns(t=_scaled("target"), a=_scaled("actual"), w=_scaled("weight"))
    )
    # 权重: used only when every indicator of the group has a positive weight.
    weighted = (pl.col("w").is_not_null() & (pl.col("w") > 0)).all().over("project", "group")
    rows = rows.with_columns(w=pl.when(weighted).then(pl.col("w")).otherwise(pl.lit(UNIT, I128)))
    rows = rows.with_columns(W=pl.col("w").sum().over("project", "group"))
    # The group's points shared at the printed precision by largest remainder, as
    # jixiao.lib.money.split_largest_remainder does: whole units of 10⁻places first, the
    # units still missing to the largest remainders (earlier indicators first on a tie).
    exact_n = pl.col("gn") * pl.col("w") * places
    exact_d = pl.col("gd") * pl.col("W")
    rows = rows.with_columns(base=exact_n // exact_d, rest=exact_n % exact_d).with_columns(
        missing=(pl.col("gn") * places) // pl.col("gd")
        - pl.col("base").sum().over("project", "group"),
        rank=pl.col("rest").rank("ordinal", descending=True).over("project", "group"),
    )
    rows = rows.with_columns(
        share=pl.col("base") + (pl.col("rank") <= pl.col("missing")).cast(I128)
    )
    n0 = pl.col("share")
    d0 = pl.lit(1, I128)
    score = pl.lit(None, I128)
    for sign in SIGNS.values():
        score = (
            pl.when(pl.col("sign") == sign.symbol)
            .then(_sign_score(framework, sign, n0, d0))
            .otherwise(score)
        )
    return rows.select("project", "group", score=score).collect()


def _sign_score(framework: Framework, sign: Sign, n0: pl.Expr, d0: pl.Expr) -> pl.Expr:
    """The score of one 计算符号 in integers: :func:`jixiao.scoring.rules.sign_score`, vectorised.

    Met is ``sign.compare`` applied to the columns (the domain's own comparison), the
    proportions are :func:`jixiao.domain.signs.score_share`'s and the 目标设定偏低 test
    :func:`jixiao.domain.over_achievement.exceeds`'s; the property test holds them equal.
    """
    t, a = pl.col("t"), pl.col("a")
    full = _rounded(n0, d0)
    zero = pl.lit(0, I128)
    if sign.compare is None:  # 定性: the framework's percent for the 档次
        qualitative = pl.lit(None, I128)
        for grade in QUALITATIVE_GRADES.values():
            pn, pd = _fraction(framework.qualitative.get(grade.name, grade.default))
            qualitative = (
                pl.when(pl.col("qual_grade") == grade.name)
                .then(_rounded(n0 * pn, d0 * pd * 100))
                .otherwise(qualitative)
            )
        return qualitative
    met = sign.compare(a, t)  # type: ignore[arg-type]  # operator.ge & co. on expressions
    reached = full
    over = framework.over_achievement
    if over is not None and sign.direction in (Direction.HIGHER, Direction.LOWER):
        on, od = _fraction(1 - over.deduction)
        tn, td = _fraction(over.threshold)
        n, d = (a, t) if sign.direction is Direction.HIGHER else (t, a)
        too_low = (a > 0) & (t > 0) & (n * 100 * td > d * tn)
        reached = pl.when(too_low).then(_rounded(n0 * on, d0 * od)).otherwise(full)
    done = pl.max_horizontal(a, zero)
    unmet: pl.Expr
    if sign.direction is Direction.HIGHER:
        unmet = pl.when(t > 0).then(_rounded(n0 * done, d0 * t))
    elif sign.direction is Direction.LOWER:
        unmet = pl.when((t >= 0) & (a > 0)).then(_rounded(n0 * t, d0 * a))
    else:
        unmet = (
            pl.when(t <= 0)
            .then(None)
            .when(a < t)
            .then(_rounded(n0 * done, d0 * t))
            .otherwise(_rounded(n0 * t, d0 * a))
        )
    return pl.when(a.is_null() | t.is_null()).then(None).when(met).then(reached).otherwise(unmet)


def _rate_scores(framework: Framework, item: _Item, projects: pl.DataFrame) -> pl.Expr:
    places = 10**framework.places
    pn, pd = _fraction(item.node.points)
    e = _field(item.numerator)
    b = _field(item.denominator)
    return (
        pl.when(e.is_null() | b.is_null() | (b <= 0))
        .then(None)
        .when(e >= b)
        .then(_rounded(pl.lit(pn * places, I128), pl.lit(pd, I128)))
        .otherwise(_rounded(pl.max_horizontal(e, pl.lit(0, I128)) * pn * places, b * pd))
    )


def _field(name: str) -> pl.Expr:
    if name == "execution_base":
        # 预算执行率 = 执行数 / 调整后预算数; 年初预算 when nothing was adjusted.
        return pl.coalesce(_scaled("adjusted"), _scaled("budget"))
    return _scaled(name)


def score_projects_bulk(
    framework: Framework, projects: pl.DataFrame, indicators: pl.DataFrame
) -> pl.DataFrame:
    """Score every project at once.

    ``projects`` has columns ``project, budget, adjusted, executed``; ``indicators`` has
    ``project, level1, sign, target, actual, qual_grade, weight`` (numbers as Decimal or
    integer columns; see :func:`project_frames`). Returns one row per project: ``total``
    and one column per top-level item as Int128 units of 10⁻ᵖˡᵃᶜᵉˢ (null = missing data),
    ``grade`` and ``complete``. :func:`decimal_results` turns them into Decimals.
    """
    items = _items(framework)
    _check_range(indicators, {"target": LIMIT, "actual": LIMIT, "weight": WEIGHT_LIMIT})
    _check_range(projects, {"budget": LIMIT, "adjusted": LIMIT, "executed": LIMIT})
    groups = [i for i in items if i.kind == "group"]
    scored = _indicator_scores(framework, groups, indicators)
    per_group = scored.group_by("project", "group").agg(
        score=pl.col("score").sum(),
        known=pl.col("score").is_not_null().sum(),
        count=pl.len(),
    )
    frame = projects.select(
        "project",
        *[
            _rate_scores(framework, i, projects).alias(i.node.code)
            for i in items
            if i.kind == "rate"
        ],
    )
    for group in groups:
        part = per_group.filter(pl.col("group") == group.node.code).select(
            "project",
            pl.when(pl.col("known") > 0)
            .then(pl.col("score"))
            .otherwise(None)
            .alias(group.node.code),
            (pl.col("known") == pl.col("count")).alias(f"{group.node.code}:complete"),
        )
        frame = frame.join(part, on="project", how="left")
    return _totals(framework, items, frame)


def _totals(framework: Framework, items: list[_Item], frame: pl.DataFrame) -> pl.DataFrame:
    places = 10**framework.places
    codes = [i.node.code for i in items]
    denominators = [_fraction(i.node.points)[1] for i in items]
    common = lcm(*denominators, _fraction(framework.total_points)[1])
    applicable = {
        i.node.code: pl.lit(True)
        if i.kind == "rate"
        else pl.col(f"{i.node.code}:complete").is_not_null()
        for i in items
    }
    point_units = {i.node.code: i.node.points * common for i in items}
    known_sum = pl.sum_horizontal([pl.col(c).fill_null(0) for c in codes]).cast(I128)
    any_known = pl.any_horizontal([pl.col(c).is_not_null() for c in codes])
    all_apply = pl.all_horizontal(list(applicable.values()))
    applicable_points = pl.sum_horizontal(
        [
            pl.when(applicable[c])
            .then(pl.lit(int(point_units[c]), I128))
            .otherwise(pl.lit(0, I128))
            for c in codes
        ]
    ).cast(I128)
    total_units = int(framework.total_points * common)
    rescaled = _rounded(known_sum * total_units, applicable_points)
    if framework.not_applicable == "rescale":
        total = pl.when(all_apply | (applicable_points == 0)).then(known_sum).otherwise(rescaled)
    else:
        total = known_sum
    complete = pl.all_horizontal(
        [
            pl.col(i.node.code).is_not_null()
            if i.kind == "rate"
            else pl.col(f"{i.node.code}:complete").fill_null(True)
            for i in items
        ]
    )
    result = frame.select(
        "project",
        *codes,
        total=pl.when(any_known).then(total).otherwise(None),
        complete=complete,
    )
    grade = pl.lit(None, pl.String)
    for band in sorted(framework.grade_bands, key=lambda b: b.minimum):
        bn, bd = _fraction(band.minimum)
        grade = (
            pl.when(pl.col("total") * bd >= bn * places).then(pl.lit(band.grade)).otherwise(grade)
        )
    graded = pl.col("total").is_not_null() & pl.col("complete")
    return result.with_columns(grade=pl.when(graded).then(grade).otherwise(None))


def decimal_results(
    framework: Framework, frame: pl.DataFrame
) -> dict[str, dict[str, Decimal | str | bool | None]]:
    """The bulk result as Decimals, by project: ``total``, ``grade``, ``complete`` and each item code."""
    places = framework.places
    codes = [n.code for n in framework.items]
    result = {}
    for row in frame.iter_rows(named=True):
        values: dict[str, Decimal | str | bool | None] = {
            code: _units(row[code], places) for code in [*codes, "total"]
        }
        values["grade"] = row["grade"] or ""
        values["complete"] = bool(row["complete"])
        result[row["project"]] = values
    return result


def _units(value: int | None, places: int) -> Decimal | None:
    return None if value is None else Decimal(value).scaleb(-places)


def bulk_totals(
    framework: Framework, projects: Sequence[Project], indicators: Sequence[Indicator]
) -> tuple[ProjectTotal, ...]:
    """Every project's total, grade and completeness, in the order of ``projects``.

    Raises :class:`BulkUnsupported` when the framework or the numbers are outside what
    this path computes exactly; :func:`jixiao.scoring.score_projects` then scores per item.
    """
    from jixiao.scoring.projects import ProjectTotal

    _items(framework)  # refuse an unsupported framework before building any frame
    frame = score_projects_bulk(framework, *project_frames(projects, indicators))
    places = framework.places
    labels = {b.grade: b.label for b in framework.grade_bands}
    by_code = {
        code: (total, grade or "", bool(complete))
        for code, total, grade, complete in frame.select(
            "project", "total", "grade", "complete"
        ).iter_rows()
    }
    result = []
    for project in projects:
        total, grade, complete = by_code[project.code]
        result.append(
            ProjectTotal(
                project.code,
                project.name,
                _units(total, places),
                grade,
                labels.get(grade, ""),
                complete,
            )
        )
    return tuple(result)
