"""The stored dataset and the engine's one schema cannot drift, and a round trip is lossless."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.management import call_command
from django.db import models

from jixiao.dataset.model import TABLES
from jixiao.dataset.schema import ColType
from jixiao_web.datasets.fields import ExactDecimalField
from jixiao_web.datasets.models import ROW_MODELS, SYSTEM_FIELDS

FIELD_TYPES: dict[ColType, type[models.Field[Any, Any]]] = {
    ColType.TEXT: models.TextField,
    ColType.LONGTEXT: models.TextField,
    ColType.CODE: models.TextField,
    ColType.CHOICE: models.TextField,
    ColType.MONEY: ExactDecimalField,
    ColType.NUMBER: ExactDecimalField,
    ColType.INT: models.BigIntegerField,
    ColType.DATE: models.DateField,
    ColType.BOOL: models.BooleanField,
}


@pytest.mark.parametrize("spec", TABLES, ids=lambda s: s.key)
def test_every_table_has_its_model_with_every_column(spec: Any) -> None:
    model = ROW_MODELS[spec.key]
    stored = [f for f in model._meta.concrete_fields if f.name not in SYSTEM_FIELDS]
    assert [f.name for f in stored] == [c.key for c in spec.columns]
    for field, column in zip(stored, spec.columns, strict=True):
        assert type(field) is FIELD_TYPES[column.type], column.key
        assert field.verbose_name == column.header
    assert not SYSTEM_FIELDS & {c.key for c in spec.columns}, "a column takes a system field's name"


def test_models_and_tables_are_the_same_set() -> None:
    assert list(ROW_MODELS) == [t.key for t in TABLES]


@pytest.mark.django_db
def test_migrations_are_up_to_date() -> None:
    """A column added to the engine needs its migration (``jixiao manage makemigrations``)."""
    out = io.StringIO()
    try:
        call_command("makemigrations", "--check", "--dry-run", stdout=out, stderr=out)
    except SystemExit as exit_:
        pytest.fail(f"migrations are missing (exit {exit_.code}):\n{out.getvalue()}")


@pytest.mark.django_db
def test_round_trip_of_the_bundled_example(science: Any, example_xlsx: Any) -> None:
    """Example workbook → database → engine Dataset: equal, and the same text form byte for byte."""
    from jixiao.io.formats import load_dataset
    from jixiao.io.textform import write_text_form
    from jixiao_web.datasets.convert import to_engine

    original = load_dataset(example_xlsx)
    stored, _ = to_engine(science)
    assert stored == original
    assert write_text_form(stored) == write_text_form(original)


@pytest.mark.django_db
def test_round_trip_keeps_written_decimals(science: Any) -> None:
    """2000.00 is not stored as 2000, nor 241.70 as 241.7: the exact text survives."""
    from decimal import Decimal

    from jixiao_web.datasets.convert import to_engine

    model = ROW_MODELS["stated"]
    row = model.objects.filter(dataset=science).first()
    assert row is not None
    row.value = Decimal("94.10")
    row.save()
    stored, _ = to_engine(science)
    assert str(next(s.value for s in stored.stated if s.figure == row.figure)) == "94.10"


@pytest.mark.django_db
def test_places_are_the_downloaded_workbooks_cells(science: Any, tmp_path: Any) -> None:
    """The places the web gives rows and cells are those of the workbook it downloads."""
    from jixiao.io.excel import write_workbook
    from jixiao.io.formats import load_dataset
    from jixiao_web.datasets.convert import cell_place, to_engine

    stored, places = to_engine(science)
    path = tmp_path / "d.xlsx"
    write_workbook(stored, path)
    reread = load_dataset(path)
    for spec in TABLES:
        if spec.form:
            continue
        for a, b in zip(getattr(stored, spec.key), getattr(reread, spec.key), strict=True):
            assert a.loc == b.loc, spec.key
    # A bad cell in the downloaded workbook is reported at the cell the web names.
    from openpyxl import load_workbook

    book = load_workbook(path)
    target = cell_place(TABLES[6], 0, "target")  # 绩效指标!…2
    sheet, cell = target.split("!")
    book[sheet][cell] = "abc"
    book.save(path)
    from jixiao.dataset.build import DatasetError

    with pytest.raises(DatasetError) as error:
        load_dataset(path)
    assert [e.location for e in error.value.errors] == [target]
    assert places.find(target) is not None
