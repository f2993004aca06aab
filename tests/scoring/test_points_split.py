"""Points shared among generated indicator lines add up to their parent (largest remainder)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jixiao.evaluation import evaluate
from jixiao.io.formats import load_dataset
from jixiao.lib.money import split_largest_remainder

D = Decimal


@pytest.mark.parametrize(
    ("total", "weights", "parts"),
    [
        ("25", [1] * 12, ["2.09"] * 4 + ["2.08"] * 8),
        ("20", [1] * 9, ["2.23"] * 2 + ["2.22"] * 7),
        ("20", [1] * 12, ["1.67"] * 8 + ["1.66"] * 4),
        ("15", [1] * 3, ["5.00"] * 3),
        ("10", [1, 2], ["3.33", "6.67"]),
        ("10", [3, 3, 3], ["3.34", "3.33", "3.33"]),
    ],
)
def test_a_split_adds_up_to_the_total(total: str, weights: list[int], parts: list[str]) -> None:
    split = split_largest_remainder(D(total), [D(w) for w in weights])
    assert split == [D(p) for p in parts]
    assert sum(split) == D(total)


@given(
    st.integers(min_value=1, max_value=10_000),
    st.lists(st.integers(min_value=1, max_value=1000), min_size=1, max_size=40),
)
def test_any_split_adds_up_and_no_part_is_off_by_more_than_a_cent(
    cents: int, weights: list[int]
) -> None:
    total = D(cents).scaleb(-2)
    split = split_largest_remainder(total, [D(w) for w in weights])
    assert sum(split) == total
    whole = sum(weights)
    for part, weight in zip(split, weights, strict=True):
        assert abs(part - total * weight / whole) < D("0.01")


def test_the_leaves_points_of_an_expanded_item_add_up_to_its_points(example_yaml: object) -> None:
    card = evaluate(load_dataset(example_yaml), framework="gd-dept-2023").scorecard  # type: ignore[arg-type]
    assert card is not None
    item = card.item("1.1")
    assert item is not None and len(item.children) == 12
    assert sum(c.points for c in item.children) == item.points == 25
    assert {c.points for c in item.children} == {D("2.09"), D("2.08")}
