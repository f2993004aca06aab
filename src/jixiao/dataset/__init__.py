"""The budget-performance dataset: one department, one year, every table declared once.

Public API (other areas import these, not the modules' internals):

- :class:`Dataset` and its row types, :data:`TABLES` / :data:`TABLES_BY_KEY` (``model``):
  the one schema the importers, the template, the docs and the web system's models are
  derived from;
- :func:`build_dataset`, :class:`RawDataset`, :class:`RawTable`, :class:`RawCell`,
  :class:`DatasetError`, :class:`InputError` (``build``): cells from any importer →
  a checked ``Dataset``, every problem at once with its place;
- :func:`row_key`, :func:`indicator_key` (``keys``): a row's stable key.
"""

from __future__ import annotations

from jixiao.dataset.build import (
    DatasetError,
    InputError,
    RawCell,
    RawDataset,
    RawTable,
    build_dataset,
)
from jixiao.dataset.keys import indicator_key, row_key
from jixiao.dataset.model import TABLES, TABLES_BY_KEY, Dataset
from jixiao.dataset.schema import ColType, Column, TableSpec

__all__ = [
    "TABLES",
    "TABLES_BY_KEY",
    "ColType",
    "Column",
    "Dataset",
    "DatasetError",
    "InputError",
    "RawCell",
    "RawDataset",
    "RawTable",
    "TableSpec",
    "build_dataset",
    "indicator_key",
    "row_key",
]
