"""The result types of the figures engine: :class:`Figure` and :class:`FigureSet`.

A figure is one number a report states (a total, a share, a ratio to budget, a
year-on-year growth…) together with everything needed to explain it: a stable id, a
Chinese label, the unrounded value, the unit and printing precision, a readable
formula and the exact inputs it was computed from.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from jixiao.lib.money import format_amount, format_number, round_half_up

#: Units printed without thousands separators (ratios, scores): ``342.35``.
PLAIN_UNITS: frozenset[str] = frozenset({"%", "分"})
#: Units of whole counts: printed with 0 decimals.
COUNT_UNITS: frozenset[str] = frozenset({"人", "个", "家", "辆", "台", "人次", "户", "项"})


def default_places(unit: str) -> int:
    """Printing precision for a unit: 0 for counts, 2 for money, ratios and the rest."""
    return 0 if unit in COUNT_UNITS else 2


@dataclass(frozen=True)
class Figure:
    """One derived figure.

    ``value`` is unrounded; it is ``None`` when an input is missing or a base is zero
    (a distinct state: "cannot be computed", never 0).
    """

    id: str
    label: str
    value: Decimal | None
    unit: str
    places: int = 2
    formula: str = ""
    #: input figure id or dataset field → the exact value text it had
    inputs: dict[str, str] = field(default_factory=dict)

    @property
    def rounded(self) -> Decimal | None:
        """The value rounded half-up to :attr:`places`, as a report prints it (never ``-0.00``)."""
        if self.value is None:
            return None
        rounded = round_half_up(self.value, self.places)
        return abs(rounded) if rounded == 0 else rounded

    @property
    def text(self) -> str:
        """The value as a report prints it: ``617,056.54`` (money), ``342.35`` (%), ``—`` if none."""
        rounded = self.rounded
        if rounded is None:
            return "—"
        if self.unit in PLAIN_UNITS:
            return format_number(rounded, self.places)
        return format_amount(rounded, self.places)

    @property
    def json_value(self) -> str | None:
        """The rounded value as plain decimal text (no thousands separators), or ``None``."""
        rounded = self.rounded
        return None if rounded is None else format(rounded, "f")

    def to_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "label": self.label,
            "value": self.json_value,
            "unit": self.unit,
            "formula": self.formula,
            "inputs": self.inputs,
        }


class FigureSet(Mapping[str, Figure]):
    """All figures of one dataset, in computation order, by id."""

    def __init__(self, figures: Iterable[Figure] = ()) -> None:
        self._figures: dict[str, Figure] = {f.id: f for f in figures}

    def __getitem__(self, key: str) -> Figure:
        return self._figures[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._figures)

    def __len__(self) -> int:
        return len(self._figures)

    def value(self, key: str) -> Decimal | None:
        """The unrounded value of ``key``, or ``None`` when absent or not computable."""
        figure = self._figures.get(key)
        return None if figure is None else figure.value

    def with_prefix(self, prefix: str) -> list[Figure]:
        """Every figure whose id starts with ``prefix`` (e.g. ``"income."``), in order."""
        return [f for key, f in self._figures.items() if key.startswith(prefix)]

    def to_json(self) -> dict[str, list[dict[str, object]]]:
        """``{"figures": [{"id", "label", "value", "unit", "formula", "inputs"}]}``."""
        return {"figures": [f.to_json() for f in self._figures.values()]}
