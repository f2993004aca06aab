"""PEFA aggregation: M1 (weakest link) and M2 (averaging conversion table)."""

from __future__ import annotations

import pytest

from jixiao.scoring.aggregate import averaging, m2_table, weakest_link
from jixiao.scoring.rules import rating_value


@pytest.mark.parametrize(
    ("dimensions", "overall"),
    [("A", "A"), ("AAA", "A"), ("BBA", "B+"), ("CDB", "D+"), ("DDD", "D"), ("BC", "C+")],
)
def test_m1_takes_the_weakest_dimension_plus_when_another_is_higher(
    dimensions: str, overall: str
) -> None:
    result = weakest_link([rating_value(d) for d in dimensions], list(dimensions))
    assert result.rating == overall


@pytest.mark.parametrize(
    ("dimensions", "overall"),
    [
        ("A", "A"),
        ("DD", "D"),
        ("DC", "D+"),
        ("DB", "C"),
        ("DA", "C+"),
        ("CA", "B"),
        ("BA", "B+"),
        ("AA", "A"),
        ("DDC", "D+"),
        ("DDA", "C"),
        ("DCA", "C+"),
        ("CCC", "C"),
        ("BBA", "B+"),
        ("AAA", "A"),
        ("DDDD", "D"),
        ("DDCC", "D+"),
        ("CCCC", "C"),
        ("BAAA", "A"),
    ],
)
def test_m2_converts_dimension_scores_by_the_averaging_table(dimensions: str, overall: str) -> None:
    assert m2_table(list(dimensions)) == overall
    assert averaging([rating_value(d) for d in dimensions], list(dimensions)).rating == overall


def test_m2_does_not_depend_on_the_order_of_dimensions() -> None:
    assert m2_table(["A", "D", "C"]) == m2_table(["D", "C", "A"])
