"""The change history of rows and datasets, from django-simple-history, as people read it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from jixiao.dataset.schema import TableSpec
from jixiao_web.datasets.models import ROW_MODELS

ACTIONS = {"+": "新增", "~": "修改", "-": "删除"}


@dataclass(frozen=True)
class Change:
    when: datetime
    who: str
    action: str
    reason: str
    #: (column header, old value, new value) for every column that changed
    fields: list[tuple[str, str, str]]


def _shown(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


def changes_of(spec: TableSpec, records: list[Any]) -> list[Change]:
    """``records`` newest first (one row's history); each compared with the one before."""
    result = []
    for index, record in enumerate(records):
        before = records[index + 1] if index + 1 < len(records) else None
        fields = []
        for column in spec.columns:
            new = _shown(getattr(record, column.key))
            old = _shown(getattr(before, column.key)) if before is not None else ""
            if record.history_type == "-":
                new, old = "", new
            if new != old:
                fields.append((column.header, old, new))
        user = record.history_user
        result.append(
            Change(
                when=record.history_date,
                who=(user.get_full_name() or user.get_username()) if user is not None else "系统",
                action=ACTIONS.get(record.history_type, record.history_type),
                reason=record.history_change_reason or "",
                fields=fields,
            )
        )
    return result


def row_changes(spec: TableSpec, row_id: int) -> list[Change]:
    model = ROW_MODELS[spec.key]
    records = list(
        model.history.filter(id=row_id)
        .select_related("history_user")
        .order_by("-history_date", "-history_id")
    )
    return changes_of(spec, records)


@dataclass(frozen=True)
class DatasetChange:
    table: TableSpec
    row_id: int
    change: Change


#: How many history records per table the dataset page reads (newest first).
HISTORY_LIMIT = 2000


def dataset_changes(dataset: Any, table: str = "") -> list[DatasetChange]:
    """Every recorded change of a dataset's rows, newest first (``table``: one table only)."""
    entries: list[DatasetChange] = []
    for key, model in ROW_MODELS.items():
        if table and key != table:
            continue
        records = list(
            model.history.filter(dataset_id=dataset.pk)
            .select_related("history_user")
            .order_by("-history_date", "-history_id")[:HISTORY_LIMIT]
        )
        by_row: dict[int, list[Any]] = {}
        for record in records:
            by_row.setdefault(record.id, []).append(record)
        for row_id, row_records in by_row.items():
            for change in changes_of(model.spec, row_records):
                entries.append(DatasetChange(model.spec, row_id, change))
    entries.sort(key=lambda e: e.change.when, reverse=True)
    return entries
