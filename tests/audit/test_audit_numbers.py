"""Numbers as reports print them, with their unit, value in 万元 and printed precision."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jixiao.audit.numbers import chinese_numeral, find_quantities, normalize

#: (text, kind, unit, value in the canonical unit, places, approx)
TOKENS = [
    ("收入合计 617,056.54 万元", "money", "万元", "617056.54", 2, False),
    ("公务接待费 56,000 元", "money", "元", "5.6", 0, False),
    ("基础研究投入30.5亿元", "money", "亿元", "305000.0", 1, False),
    ("科技信贷余额超过2.3万亿元", "money", "万亿元", "230000000.0", 1, True),
    ("占总收入 96.02%", "percent", "%", "96.02", 2, False),
    ("提高2.3个百分点", "percent", "个百分点", "2.3", 1, False),
    ("自评得分 13.5 分", "score", "分", "13.5", 1, False),
    ("高新技术企业 7.6 万家", "count", "万家", "76000.0", 1, False),
    ("包括十一个事业单位", "count", "个", "11", 0, False),
    ("包括两个行政单位", "count", "个", "2", 0, False),
    ("事业收入１２，０２１．６０万元", "money", "万元", "12021.60", 2, False),
    ("占总收入９６．０２％", "percent", "%", "96.02", 2, False),
    ("3000多名科学家", "count", "名", "3000", 0, True),
    ("比年初预算节约62.70万元", "money", "万元", "62.70", 2, False),
    ("近 3700 人", "count", "人", "3700", 0, True),
]


@pytest.mark.parametrize(("text", "kind", "unit", "value", "places", "approx"), TOKENS)
def test_it_reads_the_number_with_its_unit(
    text: str, kind: str, unit: str, value: str, places: int, approx: bool
) -> None:
    [q] = find_quantities(normalize(text))
    assert (q.kind, q.unit, q.value, q.places, q.approx) == (
        kind,
        unit,
        Decimal(value),
        places,
        approx,
    )


@pytest.mark.parametrize(
    "text",
    [
        "粤办发〔2018〕101号",
        "2023 年",
        "第一个",
        "一体化建设",
        "14 GPa",
        "5G 技术",
        "4K/8K",
        "约占全国 1/7",
        "1+9+N",
    ],
)
def test_it_ignores_numbers_that_are_not_quantities(text: str) -> None:
    assert find_quantities(normalize(text)) == []


@pytest.mark.parametrize(
    ("text", "value"),
    [("一", 1), ("两", 2), ("十", 10), ("十一", 11), ("二十三", 23), ("一百零五", 105)],
)
def test_it_reads_chinese_numerals(text: str, value: int) -> None:
    assert chinese_numeral(text) == value


@given(st.text(max_size=200))
def test_normalize_keeps_every_offset(text: str) -> None:
    assert len(normalize(text)) == len(text)
