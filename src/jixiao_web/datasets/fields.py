"""Database columns for the engine's column types.

Money and numbers are stored as their exact decimal text, not as SQL ``numeric``/``real``:
SQLite keeps a ``decimal`` column as a float (15 significant digits), while the engine's
amounts go up to 10^21 with the places the person typed (``241.70`` is a statement to two
places, ``2000.00`` stays ``2000.00``). Text keeps both, on every database, so a stored
dataset converts back to exactly the engine's ``Dataset``. Sums and ratios are the
engine's figures, stored with each evaluation, so nothing needs SQL arithmetic on them.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models

from jixiao.dataset.schema import ColType, Column


class ExactDecimalField(models.TextField):  # type: ignore[type-arg]
    """A ``Decimal`` stored as its exact plain text (``12021.60``, never an exponent)."""

    description = "精确小数（按原文存储）"

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Decimal | None:
        if value is None or value == "":
            return None
        return Decimal(value)

    def to_python(self, value: Any) -> Decimal | None:
        if value is None or value == "":
            return None
        if isinstance(value, Decimal):
            return value
        try:
            return Decimal(str(value))
        except InvalidOperation:
            raise ValidationError("不是有效数值", code="invalid") from None

    def get_prep_value(self, value: Any) -> str | None:
        number = self.to_python(value)
        return None if number is None else format(number, "f")


def field_for(column: Column) -> models.Field[Any, Any]:
    """The model field that stores one engine column (blank values as the engine has them)."""
    name = column.header
    kind = column.type
    if kind in (ColType.TEXT, ColType.LONGTEXT, ColType.CODE, ColType.CHOICE):
        return models.TextField(name, blank=True, default="")
    if kind in (ColType.MONEY, ColType.NUMBER):
        return ExactDecimalField(name, null=True, blank=True)
    if kind is ColType.INT:
        return models.BigIntegerField(name, null=True, blank=True)
    if kind is ColType.DATE:
        return models.DateField(name, null=True, blank=True)
    if kind is ColType.BOOL:
        return models.BooleanField(name, null=True, blank=True)
    raise ValueError(f"no database column for column type {kind!r}")
