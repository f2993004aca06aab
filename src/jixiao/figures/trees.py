"""Values along a code-list tree, and the money tables indexed once by unit.

A parent line given in the data is used as stated; a parent that is not given is the
sum of its children (recursively). Department figures come from the department rows
(blank ``unit``), or — when a table gives only unit rows — from their consolidation.
Everything here is linear in the number of rows: rows are indexed once.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from typing import Any

from jixiao.dataset.codes import CodeList, load_codes


@cache
def codes(name: str) -> CodeList:
    """The code list ``name``; an empty list while its data file does not exist yet."""
    try:
        return load_codes(name)
    except FileNotFoundError:
        return CodeList(name=name, codes=())


@cache
def _parents(name: str) -> dict[str, str]:
    # Our own index: ``CodeList.by_code`` re-hashes the whole list on every call.
    return {c.code: c.parent for c in codes(name).codes}


@cache
def _names(name: str) -> dict[str, str]:
    return {c.code: c.name for c in codes(name).codes}


@cache
def _positions(name: str) -> dict[str, int]:
    return {c.code: i for i, c in enumerate(codes(name).codes)}


def sort_codes(items: Iterable[str], list_name: str) -> list[str]:
    """Items in code-list order; unknown items keep their order after the known ones."""
    positions = _positions(list_name)
    known = [i for i in items if i in positions]
    unknown = [i for i in items if i not in positions]
    return sorted(known, key=positions.__getitem__) + unknown


def item_name(item: str, list_name: str) -> str:
    """``财政拨款收入``; numeric codes with their name: ``科学技术支出（206）``."""
    name = _names(list_name).get(item, item)
    return f"{name}（{item}）" if item.isdigit() and name != item else name


def parent_of(item: str, list_name: str) -> str:
    """The parent code of ``item`` (``""`` for a top-level or unknown code)."""
    return _parents(list_name).get(item, "")


def name_of(item: str, list_name: str) -> str:
    """The plain name of ``item`` (the code itself when unknown)."""
    return _names(list_name).get(item, item)


@dataclass(frozen=True)
class Tree:
    """The values of one column of one table, completed up the code-list tree."""

    given: dict[str, Decimal]  #: item → value as the data states it
    values: dict[str, Decimal]  #: item → value used (given, or the sum of its children)
    children: dict[str, list[str]]  #: item → its children that have a value
    roots: list[str]  #: top-level items that have a value, in code order

    @property
    def total(self) -> Decimal | None:
        """Sum of the top-level items, or ``None`` when nothing is given."""
        if not self.roots:
            return None
        return sum((self.values[r] for r in self.roots), Decimal(0))

    def derived(self, item: str) -> bool:
        """True when ``item`` is not given but summed from its children."""
        return item not in self.given

    def post_order(self) -> list[str]:
        """Every item with a value, children before their parent (for computing sums)."""
        result: list[str] = []

        def walk(item: str) -> None:
            for child in self.children.get(item, ()):
                walk(child)
            result.append(item)

        for root in self.roots:
            walk(root)
        return result

    def items(self) -> list[str]:
        """Every item with a value, depth-first in code order (parent before children)."""
        result: list[str] = []

        def walk(item: str) -> None:
            result.append(item)
            for child in self.children.get(item, ()):
                walk(child)

        for root in self.roots:
            walk(root)
        return result


def build_tree(given: Mapping[str, Decimal], list_name: str) -> Tree:
    """Complete ``given`` values up the tree of code list ``list_name``.

    Runs once per unit, table and column, so it is kept tight: one walk up from each
    given item, one sort, and sums only for the parents that are not given.
    """
    parents, positions = _parents(list_name), _positions(list_name)
    nodes = set(given)
    for item in given:
        node = parents.get(item, "")
        while node and node not in nodes:
            nodes.add(node)
            node = parents.get(node, "")
    unknown = len(positions)
    ordered = sorted(nodes, key=lambda c: (positions.get(c, unknown), c))
    children: dict[str, list[str]] = {}
    roots: list[str] = []
    for node in ordered:
        parent = parents.get(node, "")
        if parent in nodes:
            children.setdefault(parent, []).append(node)
        else:
            roots.append(node)
    values = dict(given)

    def value_of(node: str) -> Decimal:
        value = values.get(node)
        if value is None:
            value = values[node] = sum((value_of(c) for c in children[node]), Decimal(0))
        return value

    for node in nodes.difference(given):
        value_of(node)
    return Tree(given=dict(given), values=values, children=children, roots=roots)


def column_values(rows: Sequence[object], column: str, key: str = "item") -> dict[str, Decimal]:
    """``{row.<key>: row.<column>}`` for the rows where the column has a value."""
    result: dict[str, Decimal] = {}
    for row in rows:
        value = getattr(row, column)
        if value is not None:
            result[getattr(row, key)] = value
    return result


def by_unit(rows: Iterable[Any]) -> dict[str, list[Any]]:
    """Rows grouped by their ``unit`` column (``""`` = the department's own rows)."""
    groups: dict[str, list[Any]] = defaultdict(list)
    for row in rows:
        groups[getattr(row, "unit", "")].append(row)
    return dict(groups)


def consolidate(
    unit_rows: Mapping[str, Sequence[object]], column: str, key: str = "item"
) -> dict[str, Decimal]:
    """Sum of ``column`` over every unit's rows, per ``key`` (汇总); only keys with a value."""
    totals: dict[str, Decimal] = {}
    for code, rows in unit_rows.items():
        if not code:
            continue
        for row in rows:
            value = getattr(row, column)
            if value is not None:
                item = getattr(row, key)
                totals[item] = totals.get(item, Decimal(0)) + value
    return totals


@cache
def child_codes(list_name: str) -> dict[str, tuple[str, ...]]:
    """code → its children in the code list (built once; ``CodeList.children_of`` is linear)."""
    children: dict[str, list[str]] = defaultdict(list)
    for code in codes(list_name).codes:
        if code.parent:
            children[code.parent].append(code.code)
    return {k: tuple(v) for k, v in children.items()}
