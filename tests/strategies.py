"""Hypothesis strategies for valid :class:`~jixiao.dataset.model.Dataset` values.

Shared by every area's tests: ``from strategies import datasets`` (pytest puts ``tests/``
on ``sys.path``: it holds the root ``conftest.py`` and no ``__init__.py``). The
strategies are generated from the schema
(:data:`~jixiao.dataset.model.TABLES`), so a new table or column is covered with no
change here — except a new *reference* between tables, which goes into
:data:`REFERENCES` (build.py rejects rows that point at nothing).

A generated dataset is exactly what the importers produce for it: texts are stripped
(one-line texts have single spaces), money is in 万元 as converted from amounts
entered in the dataset's 金额单位 (元 or 万元), codes come from the shipped code lists,
unique columns are unique and references point at existing rows.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

from hypothesis import strategies as st

from jixiao.dataset.codes import load_codes
from jixiao.dataset.model import AMOUNT_UNIT_CHOICES, TABLES, CarryOver, Dataset, MoneyLine, Profile
from jixiao.dataset.schema import YEARS, ColType, Column, TableSpec
from jixiao.lib.money import to_canonical

#: (table key, column key) → (table key, column key) it must refer to. A row is only
#: generated when the referenced table has rows; optional references may stay blank.
REFERENCES: dict[tuple[str, str], tuple[str, str]] = {
    **{
        (spec.key, "unit"): ("units", "code")
        for spec in TABLES
        if not spec.form and "unit" in {c.key for c in spec.columns}
    },
    ("indicators", "owner"): ("goals", "code"),
    ("project_indicators", "owner"): ("projects", "code"),
    ("execution", "project"): ("projects", "code"),
}

#: Characters of the texts: Chinese, the report's punctuation, ASCII, and a few that
#: need care in files ('=' opens an Excel formula, '#', ':' and '-' mean things in YAML).
_CHINESE = (
    "预算绩效管理科学技术厅广东省收入支出决算年度目标完成情况财政拨款事业经营其他单位项目资金"
)
_PUNCT = "，。、；：（）“”《》％%·—-+=#:!?'\"/\\[]{}&*_ "
_ALPHABET = st.one_of(
    st.sampled_from(_CHINESE),
    st.sampled_from(_PUNCT),
    # U+FFFE and U+FFFF are refused at load like control characters (docs/reliability.md).
    st.characters(
        codec="utf-8", exclude_categories=("Cs", "Cc"), exclude_characters="\ufffe\uffff"
    ),
    st.sampled_from("0123456789abcXYZ"),
)


def one_line_text(min_size: int = 0, max_size: int = 24) -> st.SearchStrategy[str]:
    """A one-line text as the importers keep it: stripped, single spaces."""
    return (
        st.text(_ALPHABET, min_size=min_size, max_size=max_size)
        .map(lambda s: " ".join(s.split()))
        .filter(lambda s: len(s) >= min_size)
    )


def long_text(min_size: int = 0, max_size: int = 5) -> st.SearchStrategy[str]:
    """Paragraphs joined by newlines, stripped at both ends."""
    return (
        st.lists(one_line_text(0, 30), min_size=min_size, max_size=max_size)
        .map(lambda lines: "\n".join(lines).strip())
        .filter(lambda s: len(s) >= min_size)
    )


def decimals(
    places: int = 2, max_digits: int = 12, signed: bool = False
) -> st.SearchStrategy[Decimal]:
    """Decimals with up to ``places`` decimals and ``max_digits`` digits (``12021.60``)."""
    limit = 10**max_digits - 1
    return st.builds(
        lambda n, p: Decimal(n).scaleb(-p),
        st.integers(-limit if signed else 0, limit),
        st.integers(0, places),
    )


def amounts(amount_unit: str, signed: bool = False) -> st.SearchStrategy[Decimal]:
    """Money as a department enters it in ``amount_unit`` (cents), normalised to 万元."""
    return decimals(2, 13, signed).map(lambda v: to_canonical(v, amount_unit))


def _codes(ref: str) -> list[str]:
    return [c.code for c in load_codes(ref).codes]


def column_values(column: Column, amount_unit: str, form: bool = False) -> st.SearchStrategy[Any]:
    """Valid values of one column; blank (``None``/``""``) when optional."""
    required = column.required and not form
    kind = column.type
    value: st.SearchStrategy[Any]
    if kind is ColType.TEXT:
        value = one_line_text(1)
    elif kind is ColType.LONGTEXT:
        value = long_text(1)
    elif kind is ColType.CODE:
        value = st.sampled_from(_codes(column.ref))
    elif kind is ColType.CHOICE:
        value = st.sampled_from(column.choices)
    elif kind is ColType.BOOL:
        value = st.booleans()
    elif kind is ColType.DATE:
        value = st.dates(date(1990, 1, 1), date(2100, 12, 31))
    elif kind is ColType.INT:
        value = st.integers(*YEARS) if column.year else st.integers(0, 10**6)
    elif kind is ColType.MONEY:
        value = amounts(amount_unit, column.signed)
    else:
        value = decimals(4, 8, column.signed)
    if required:
        return value
    blank: Any = (
        "" if kind in (ColType.TEXT, ColType.LONGTEXT, ColType.CODE, ColType.CHOICE) else None
    )
    return st.one_of(st.just(blank), value)


@st.composite
def records(
    draw: Callable[..., Any],
    spec: TableSpec,
    amount_unit: str,
    pools: dict[tuple[str, str], list[str]],
) -> Any:
    """One row (or the form) of ``spec``; references drawn from ``pools``."""
    kwargs: dict[str, Any] = {}
    for column in spec.columns:
        target = REFERENCES.get((spec.key, column.key))
        if target is not None:
            choices = pools.get(target, [])
            options = choices if column.required else ["", *choices]
            kwargs[column.key] = draw(st.sampled_from(options))
        else:
            kwargs[column.key] = draw(column_values(column, amount_unit, spec.form))
    return spec.row_type(**kwargs)


def _can_have_rows(spec: TableSpec, pools: dict[tuple[str, str], list[str]]) -> bool:
    for column in spec.columns:
        target = REFERENCES.get((spec.key, column.key))
        if column.required and target is not None and not pools.get(target):
            return False
    return True


@st.composite
def datasets(
    draw: Callable[..., Any], max_rows: int = 4, amount_unit: str | None = None
) -> Dataset:
    """A valid dataset with up to ``max_rows`` rows per table."""
    unit = amount_unit or draw(st.sampled_from(AMOUNT_UNIT_CHOICES))
    pools: dict[tuple[str, str], list[str]] = {}
    values: dict[str, Any] = {}
    for spec in TABLES:  # TABLES lists referenced tables before the tables referring to them
        if spec.form:
            record = draw(records(spec, unit, pools))
            if spec.key == "profile":
                record = dataclasses.replace(record, amount_unit=unit)
            values[spec.key] = record
            continue
        rows: list[Any] = []
        if _can_have_rows(spec, pools):
            seen: set[tuple[Any, ...]] = set()
            for row in draw(st.lists(records(spec, unit, pools), max_size=max_rows)):
                key = tuple(getattr(row, k) for k in spec.unique)
                if spec.unique and any(v not in ("", None) for v in key):
                    if key in seen:
                        continue
                    seen.add(key)
                rows.append(row)
        values[spec.key] = tuple(rows)
        for column in spec.columns:
            pools[(spec.key, column.key)] = [
                getattr(r, column.key) for r in rows if getattr(r, column.key)
            ]
    return Dataset(**values)


# ---------------------------------------------------------------- money-only datasets

#: Department money tables only (收入, 支出性质, “三公”, 结转结余) with blanks, zeros and large
#: amounts: what the report and audit properties render.
_REPORT_AMOUNT = st.one_of(
    st.none(),
    st.just(Decimal(0)),
    st.decimals(min_value=0, max_value=10**7, places=2, allow_nan=False, allow_infinity=False),
)


def _money_lines(items: list[str]) -> st.SearchStrategy[tuple[MoneyLine, ...]]:
    line = st.builds(
        lambda item, b, f, p: MoneyLine(item=item, budget=b, final=f, prior=p),
        st.sampled_from(items),
        _REPORT_AMOUNT,
        _REPORT_AMOUNT,
        _REPORT_AMOUNT,
    )
    return st.lists(line, max_size=len(items), unique_by=lambda m: m.item).map(tuple)


money_datasets = st.builds(
    lambda income, nature, three, carry: Dataset(
        profile=Profile(department_name="测试部门", year=2023),
        income=income,
        expenditure_nature=nature,
        three_public=three,
        carryover=carry,
    ),
    _money_lines(["财政拨款收入", "一般公共预算财政拨款收入", "事业收入", "经营收入", "其他收入"]),
    _money_lines(["基本支出", "人员经费", "日常公用经费", "项目支出", "经营支出"]),
    _money_lines(["三公经费合计", "因公出国（境）费", "公务用车运行维护费", "公务接待费"]),
    st.lists(
        st.builds(
            lambda o, c: CarryOver(fund="合计", opening=o, closing=c),
            _REPORT_AMOUNT,
            _REPORT_AMOUNT,
        ),
        max_size=1,
    ).map(tuple),
)


# ---------------------------------------------------------------- synthetic departments


def synthetic_department(framework: str) -> st.SearchStrategy[Dataset]:
    """A whole department as :mod:`jixiao.synthetic` makes one (every table filled, money
    that adds up, a self-evaluation for ``framework``), from a drawn seed and 1–2 units."""
    from jixiao.synthetic import synthetic_province

    return st.builds(
        lambda seed, units: synthetic_province(
            1, units, seed, name="合成第1厅", framework=framework
        ),
        st.integers(min_value=0, max_value=10**6),
        st.integers(min_value=1, max_value=2),
    )
