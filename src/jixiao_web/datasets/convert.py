"""Stored rows ⇄ the engine's :class:`~jixiao.dataset.model.Dataset`, losslessly.

:func:`to_engine` builds the engine's dataset from the stored rows, giving every row the
place it has in the workbook the system would download (``收入!A7`` for the row,
``收入!E7`` for its 决算数): the engine's messages then name the same cell the person
finds in that workbook, and :class:`Places` maps a place back to the stored row and
field, so a finding links to what it is about.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from jixiao.dataset.model import TABLES, TABLES_BY_KEY
from jixiao.dataset.model import Dataset as EngineDataset
from jixiao.dataset.schema import TableSpec
from jixiao_web.datasets.models import ROW_MODELS, Dataset, DatasetRow


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def row_place(spec: TableSpec, index: int) -> str:
    """The workbook place of the ``index``-th row (0-based) of a row table."""
    from jixiao.io.excel import row_place as place

    return place(spec, index)


def cell_place(spec: TableSpec, index: int, column: str) -> str:
    """The workbook cell of ``column`` in the ``index``-th row (or of a form's field: the
    audit-only ones are on 声明数, as ``jixiao.io.excel`` writes them)."""
    from jixiao.io.excel import field_place

    if spec.form:
        return field_place(spec, column)
    keys = [c.key for c in spec.columns]
    row = row_place(spec, index).rpartition("!A")[2]
    return f"{spec.sheet}!{column_letter(keys.index(column))}{row}"


@dataclass(frozen=True)
class Target:
    """What a place points at: a stored row (and a field of it)."""

    table: str
    row_id: int
    column: str = ""


@dataclass
class Places:
    """Every place of a converted dataset → the stored row (and field) it is."""

    targets: dict[str, Target] = field(default_factory=dict)
    #: (table, stored row id) → the row's place
    by_row: dict[tuple[str, int], str] = field(default_factory=dict)

    def add(self, spec: TableSpec, index: int, row_id: int) -> None:
        if not spec.form:
            place = row_place(spec, index)
            self.targets[place] = Target(spec.key, row_id)
            self.by_row[spec.key, row_id] = place
        for column in spec.columns:
            self.targets[cell_place(spec, index, column.key)] = Target(spec.key, row_id, column.key)

    def find(self, place: str) -> Target | None:
        return self.targets.get(place)


def row_values(row: DatasetRow, spec: TableSpec) -> dict[str, Any]:
    return {c.key: getattr(row, c.key) for c in spec.columns}


def to_engine(dataset: Dataset) -> tuple[EngineDataset, Places]:
    """The engine's dataset of a stored dataset, and where each of its rows is stored."""
    places = Places()
    values: dict[str, Any] = {}
    for spec in TABLES:
        model = ROW_MODELS[spec.key]
        rows = list(model.objects.filter(dataset=dataset).order_by("position", "pk"))
        if spec.form:
            if rows:
                places.add(spec, 0, rows[0].pk)
                values[spec.key] = spec.row_type(**row_values(rows[0], spec))
            else:
                values[spec.key] = spec.row_type()
            continue
        records = []
        for index, row in enumerate(rows):
            places.add(spec, index, row.pk)
            records.append(spec.row_type(**row_values(row, spec), loc=row_place(spec, index)))
        values[spec.key] = tuple(records)
    return EngineDataset(**values), places


def engine_rows(dataset: EngineDataset, table: str) -> list[dict[str, Any]]:
    """The rows of one table of an engine dataset as ``{column: value}`` (a form: one)."""
    spec = TABLES_BY_KEY[table]
    records = [getattr(dataset, table)] if spec.form else list(getattr(dataset, table))
    return [{c.key: getattr(r, c.key) for c in spec.columns} for r in records]
