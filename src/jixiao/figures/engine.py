"""The figures registry and the small helpers every area uses to make figures.

Each area is a function ``(ctx) -> Iterable[Figure]`` registered with :func:`area`;
:func:`compute_figures` runs them in registration order. A figure yielded by an area
is visible to every later figure (``ctx.get``), including later ones of the same area.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from jixiao.dataset.model import Dataset
from jixiao.figures.model import Figure, FigureSet, default_places
from jixiao.figures.trees import Tree, by_unit, item_name
from jixiao.lib.money import exact_text, ratio_percent


@dataclass
class Context:
    """What an area sees: the dataset, rows indexed once, and the figures so far."""

    dataset: Dataset
    figures: dict[str, Figure] = field(default_factory=dict)
    _groups: dict[str, dict[str, list[Any]]] = field(default_factory=dict)

    def get(self, key: str) -> Figure | None:
        return self.figures.get(key)

    def need(self, key: str, label: str, unit: str = "万元") -> Figure:
        """The figure ``key``, or a ``None``-valued placeholder labelled ``label``."""
        return self.figures.get(key) or placeholder(key, label, unit)

    def value(self, key: str) -> Decimal | None:
        figure = self.figures.get(key)
        return None if figure is None else figure.value

    def rows_by_unit(self, table: str) -> dict[str, list[Any]]:
        """Rows of ``table`` grouped by unit code (``""`` = department), computed once."""
        if table not in self._groups:
            self._groups[table] = by_unit(getattr(self.dataset, table))
        return self._groups[table]


AreaFn = Callable[[Context], Iterable[Figure]]

#: (area name, function), in the order they run; see :func:`area`.
AREAS: list[tuple[str, AreaFn]] = []


def area(name: str) -> Callable[[AreaFn], AreaFn]:
    """Register a figures area: ``@area("income")``."""

    def register(fn: AreaFn) -> AreaFn:
        AREAS.append((name, fn))
        return fn

    return register


def compute_figures(dataset: Dataset) -> FigureSet:
    """Every derived figure of ``dataset``: totals, shares, ratios, changes, completion…

    Pure: no I/O. Figures whose inputs are missing have ``value=None``; nothing raises
    on partial data.
    """
    import jixiao.figures.areas  # noqa: F401  (registers the areas)

    ctx = Context(dataset)
    for _name, fn in AREAS:
        for figure in fn(ctx):
            ctx.figures[figure.id] = figure
    return FigureSet(ctx.figures.values())


# --------------------------------------------------------------------------- helpers


#: Exact value text for ``Figure.inputs`` (no exponent; ``""`` for none).
text = exact_text


def inputs_of(*figures: Figure) -> dict[str, str]:
    """``{figure id: exact value text}`` for the figures that exist (placeholders have no inputs)."""
    return {f.id: text(f.value) for f in figures if f.value is not None or f.inputs}


def stated(
    id: str,
    label: str,
    value: Decimal | int | None,
    unit: str,
    source: str,
    places: int | None = None,
) -> Figure:
    """A figure taken as the data states it (``source`` = ``table[item].field``)."""
    number = None if value is None else Decimal(value)
    return Figure(
        id=id,
        label=label,
        value=number,
        unit=unit,
        places=default_places(unit) if places is None else places,
        formula="填报数",
        inputs={source: text(value)},
    )


def summed(id: str, label: str, parts: list[Figure], unit: str = "万元") -> Figure:
    """The sum of ``parts``; ``None`` if any part is missing or there are none."""
    values = [p.value for p in parts]
    value = (
        None
        if not parts or any(v is None for v in values)
        else sum((v for v in values if v is not None), Decimal(0))
    )
    return Figure(
        id=id,
        label=label,
        value=value,
        unit=unit,
        places=default_places(unit),
        formula=" + ".join(p.label for p in parts) or "（无数据）",
        inputs=inputs_of(*parts),
    )


def ratio(id: str, label: str, numerator: Figure, denominator: Figure) -> Figure:
    """``numerator ÷ denominator × 100%``; ``None`` when an input is missing or the base is 0."""
    n, d = numerator.value, denominator.value
    value = ratio_percent(n, d) if n is not None and d is not None else None
    return Figure(
        id=id,
        label=label,
        value=value,
        unit="%",
        places=2,
        formula=f"{numerator.label} ÷ {denominator.label} × 100%",
        inputs=inputs_of(numerator, denominator),
    )


def difference(id: str, label: str, a: Figure, b: Figure) -> Figure:
    """``a − b`` in ``a``'s unit; ``None`` when either is missing."""
    value = a.value - b.value if a.value is not None and b.value is not None else None
    return Figure(
        id=id,
        label=label,
        value=value,
        unit=a.unit,
        places=a.places,
        formula=f"{a.label} − {b.label}",
        inputs=inputs_of(a, b),
    )


def growth(id: str, label: str, current: Figure, prior: Figure) -> Figure:
    """``(current − prior) ÷ prior × 100%``; ``None`` when prior is 0 or missing."""
    c, p = current.value, prior.value
    value = ratio_percent(c - p, p) if c is not None and p is not None else None
    return Figure(
        id=id,
        label=label,
        value=value,
        unit="%",
        places=2,
        formula=f"({current.label} − {prior.label}) ÷ {prior.label} × 100%",
        inputs=inputs_of(current, prior),
    )


def placeholder(id: str, label: str, unit: str = "万元") -> Figure:
    """A figure that has no data: used as a ``None`` input so formulas still read well."""
    return Figure(id=id, label=label, value=None, unit=unit, places=default_places(unit))


@dataclass(frozen=True)
class Naming:
    """How the amount figures of one tree are named: ``{name}`` and ``{item}`` are filled in."""

    id_prefix: str  #: ``income.final`` → ids ``income.final.<item>``
    label: str  #: ``{name}决算数``
    source: str  #: ``收入[{item}].决算数``
    list_name: str  #: code list giving ``{name}``


def tree_figures(tree: Tree, naming: Naming) -> dict[str, Figure]:
    """Amount figures of every item of ``tree``: stated where given, else the sum of children.

    Computed children-first; returned parent-first (code order), as reports list them.
    """
    made: dict[str, Figure] = {}
    for item in tree.post_order():
        fid = f"{naming.id_prefix}.{item}"
        # replace(), not format(): unit codes and names may contain braces
        label = naming.label.replace("{name}", item_name(item, naming.list_name))
        if tree.derived(item):
            made[item] = summed(fid, label, [made[c] for c in tree.children[item]])
        else:
            source = naming.source.replace("{item}", item)
            made[item] = stated(fid, label, tree.values[item], "万元", source)
    return {item: made[item] for item in tree.items()}
