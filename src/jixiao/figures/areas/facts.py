"""Carry-over, headcount, budget units, "三公" trips and assets.

These figures have a fixed shape, so every id is always present (``value=None`` when
the dataset does not give the input): scoring and reports can bind to them safely.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from jixiao.dataset.model import ADMIN_UNIT_KINDS, INSTITUTION_UNIT_KINDS, UNIT_KINDS, CarryOver
from jixiao.figures.engine import (
    Context,
    area,
    difference,
    growth,
    inputs_of,
    ratio,
    stated,
    summed,
)
from jixiao.figures.ids import (
    ASSETS,
    CARRYOVER_VALUES,
    HEADCOUNT,
    carryover_id,
    unit_count_id,
)
from jixiao.figures.model import Figure

# --------------------------------------------------------------------------- carry-over


def carryover_rows(ctx: Context) -> dict[str, CarryOver]:
    """Department carry-over rows by fund: own rows, else the sum of the unit rows."""
    groups = ctx.rows_by_unit("carryover")
    own: list[CarryOver] = groups.get("", [])
    if own:
        return {r.fund: r for r in own}
    sums: dict[str, dict[str, Decimal | None]] = {}
    for code, rows in groups.items():
        for row in rows if code else ():
            fund = sums.setdefault(row.fund, dict.fromkeys(CARRYOVER_VALUES))
            for key in CARRYOVER_VALUES:
                value = getattr(row, key)
                if value is not None:
                    fund[key] = (fund[key] or Decimal(0)) + value
    return {
        f: CarryOver(
            fund=f, opening=v["opening"], closing=v["closing"], adjustments=v["adjustments"]
        )
        for f, v in sums.items()
    }


def _fund_value(rows: dict[str, CarryOver], key: str) -> tuple[Decimal | None, str]:
    """合计 as given, else 财政拨款 + 非财政拨款 when both are given."""
    total = rows.get("合计")
    if total is not None and getattr(total, key) is not None:
        return getattr(total, key), f"结转结余[合计].{CARRYOVER_VALUES[key]}"
    parts = [getattr(rows[f], key) for f in ("财政拨款", "非财政拨款") if f in rows]
    if len(parts) == 2 and all(p is not None for p in parts):
        return sum(
            (p for p in parts if p is not None), Decimal(0)
        ), f"结转结余[财政拨款+非财政拨款].{CARRYOVER_VALUES[key]}"
    return None, f"结转结余[合计].{CARRYOVER_VALUES[key]}"


@area("carryover")
def carryover(ctx: Context) -> Iterator[Figure]:
    """年初/年末结转和结余, their change, and the flow 年初 + 收入 − 支出 against 年末."""
    rows = carryover_rows(ctx)
    made: dict[str, Figure] = {}
    for key, label in CARRYOVER_VALUES.items():
        value, source = _fund_value(rows, key)
        made[key] = stated(f"carryover.{key}", label, value, "万元", source)
        yield made[key]
    opening, closing = made["opening"], made["closing"]
    yield difference("carryover.change", "年末结转和结余比年初增减额", closing, opening)
    yield growth("carryover.change_rate", "年末结转和结余比年初增减幅度", closing, opening)
    yield from _flow(ctx, opening, closing, made["adjustments"])
    for fund in ("财政拨款", "非财政拨款"):
        row = rows.get(fund)
        if row is None:
            continue
        o = stated(
            carryover_id(fund, "opening"),
            f"{fund}年初结转和结余",
            row.opening,
            "万元",
            f"结转结余[{fund}].年初结转和结余",
        )
        c = stated(
            carryover_id(fund, "closing"),
            f"{fund}年末结转和结余",
            row.closing,
            "万元",
            f"结转结余[{fund}].年末结转和结余",
        )
        yield o
        yield c
        yield difference(carryover_id(fund, "change"), f"{fund}年末结转和结余比年初增减额", c, o)
        yield growth(carryover_id(fund, "change_rate"), f"{fund}年末结转和结余比年初增减幅度", c, o)


def _flow(ctx: Context, opening: Figure, closing: Figure, adjustments: Figure) -> Iterator[Figure]:
    """年初结转和结余 + 决算收入 − 决算支出 (+ 调整) should give 年末结转和结余."""
    income = ctx.need("income.final.total", "决算收入合计")
    spending = ctx.need("expenditure.final.total", "决算支出合计")
    value = None
    if opening.value is not None and income.value is not None and spending.value is not None:
        value = opening.value + income.value - spending.value + (adjustments.value or Decimal(0))
    formula = f"{opening.label} + {income.label} − {spending.label}"
    used = [opening, income, spending]
    if adjustments.value is not None:
        formula += f" + {adjustments.label}"
        used.append(adjustments)
    expected = Figure(
        "carryover.flow_expected",
        "按收支推算的年末结转和结余",
        value,
        "万元",
        2,
        formula,
        inputs_of(*used),
    )
    yield expected
    yield difference("carryover.flow_gap", "年末结转和结余与按收支推算数的差额", closing, expected)


# --------------------------------------------------------------------------- headcount


@area("headcount")
def headcount(ctx: Context) -> Iterator[Figure]:
    """Headcount as stated, 在职 + 离退休, 年末实有人数 and 在职人员控制率."""
    profile = ctx.dataset.profile
    made = {}
    for key, (attr, label) in HEADCOUNT.items():
        made[key] = stated(
            f"headcount.{key}", label, getattr(profile, attr), "人", f"基本信息.{label}"
        )
        yield made[key]
    computed = summed(
        "headcount.active_plus_retired",
        "在职人员与离退休人员之和",
        [made["active"], made["retired"]],
        "人",
    )
    yield computed
    if profile.headcount_total is not None:
        yield stated(
            "headcount.total",
            "年末实有人数",
            profile.headcount_total,
            "人",
            "基本信息.年末实有人数",
        )
    else:
        yield summed("headcount.total", "年末实有人数", [made["active"], made["retired"]], "人")
    yield ratio(
        "headcount.active_control_rate", "在职人员控制率", made["active"], made["authorised"]
    )


# --------------------------------------------------------------------------- units


def _count(id: str, label: str, count: int, formula: str, source: str) -> Figure:
    return Figure(id, label, Decimal(count), "个", 0, formula, {source: str(count)})


@area("units")
def units(ctx: Context) -> Iterator[Figure]:
    """Budget units counted from the 预算单位 table, by 单位性质, and against last year."""
    rows = ctx.dataset.units
    kinds = [u.kind for u in rows]
    yield _count("units.count", "预算单位数量", len(rows), "“预算单位”表行数", "预算单位.行数")
    admin = sum(k in ADMIN_UNIT_KINDS for k in kinds)
    institution = sum(k in INSTITUTION_UNIT_KINDS for k in kinds)
    yield _count(
        "units.count_admin",
        "行政单位数量",
        admin,
        "单位性质为行政机关的单位数",
        "预算单位.单位性质",
    )
    yield _count(
        "units.count_institution",
        "事业单位数量",
        institution,
        "单位性质为事业单位各类的单位数",
        "预算单位.单位性质",
    )
    for kind in UNIT_KINDS:
        n = kinds.count(kind)
        if n:
            yield _count(
                unit_count_id(kind),
                f"{kind}数量",
                n,
                f"单位性质为{kind}的单位数",
                "预算单位.单位性质",
            )
    profile = ctx.dataset.profile
    prior = stated(
        "units.prior_count",
        "上年预算单位数",
        profile.prior_unit_count,
        "个",
        "基本信息.上年预算单位数",
    )
    yield prior
    yield difference(
        "units.change_vs_prior", "预算单位数比上年增减", ctx.figures["units.count"], prior
    )


# --------------------------------------------------------------------------- trips and assets


@area("three_public.trips")
def trips(ctx: Context) -> Iterator[Figure]:
    """因公出国（境）团组数 and 人次."""
    profile = ctx.dataset.profile
    yield stated(
        "three_public.trips.groups",
        "因公出国（境）团组数",
        profile.trips_groups,
        "个",
        "基本信息.因公出国（境）团组数",
    )
    yield stated(
        "three_public.trips.persons",
        "因公出国（境）人次",
        profile.trips_persons,
        "人次",
        "基本信息.因公出国（境）人次",
    )


@area("assets")
def assets(ctx: Context) -> Iterator[Figure]:
    """Assets as stated, 固定资产利用率, growth and 政府采购执行率."""
    values: Any = ctx.dataset.assets
    made = {}
    for key, (unit, label) in ASSETS.items():
        made[key] = stated(f"assets.{key}", label, getattr(values, key), unit, f"资产.{label}")
        yield made[key]
    yield ratio(
        "assets.fixed_assets_utilisation",
        "固定资产利用率",
        made["fixed_assets_in_use"],
        made["fixed_assets_value"],
    )
    yield growth(
        "assets.fixed_assets_growth",
        "固定资产比上年末增减幅度",
        made["fixed_assets_value"],
        made["prior_fixed_assets_value"],
    )
    yield ratio(
        "assets.procurement_execution_rate",
        "政府采购执行率",
        made["procurement_actual"],
        made["procurement_budget"],
    )
