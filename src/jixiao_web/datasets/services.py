"""Every write to a stored dataset: create, load from a workbook, edit, add and delete rows.

Views call these functions and nothing else writes rows. Each write:

- is checked by the engine itself (:func:`jixiao.dataset.build.build_dataset`), so the
  browser shows the engine's own Chinese messages, at the cell they are about;
- runs in one transaction: nothing is half-written;
- refuses to overwrite a change the user has not seen (each row's ``version``): the
  :class:`Conflict` carries the row as it is now, field by field;
- records who changed what, when, with old and new values (simple-history), and bumps
  the dataset's ``version`` so a stored evaluation knows it is out of date.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import F
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from jixiao.dataset.build import DatasetError, InputError, RawCell, RawTable, build_dataset
from jixiao.dataset.model import TABLES, TABLES_BY_KEY
from jixiao.dataset.model import Dataset as EngineDataset
from jixiao.dataset.schema import ColType, TableSpec
from jixiao_web.datasets.convert import Places, cell_place, engine_rows, row_place, to_engine
from jixiao_web.datasets.models import ROW_MODELS, Dataset, DatasetRow
from jixiao_web.datasets.ownership import owning_division, owning_unit
from jixiao_web.orgs.access import Access, Action
from jixiao_web.orgs.models import Department, Unit

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser


class NotAllowed(Exception):
    """The user may not make this change (the view answers 403)."""


@dataclass(frozen=True)
class FieldError:
    """One problem with an edit: the engine's message, the field it is about (if any)."""

    column: str
    place: str
    message: str


class Invalid(Exception):
    """The edit was refused by the engine's checks; ``errors`` lists every problem."""

    def __init__(self, errors: Sequence[FieldError]) -> None:
        self.errors = list(errors)
        super().__init__("；".join(f"{e.place} {e.message}" for e in self.errors))


class Conflict(Exception):
    """Someone else changed the row since the user opened it.

    ``current`` is the row as stored now (``None``: it was deleted), ``changed`` the
    columns whose stored value differs from what the user started from.
    """

    def __init__(self, current: dict[str, Any] | None, changed: list[str]) -> None:
        self.current = current
        self.changed = changed
        super().__init__("该行已被他人修改")


# --------------------------------------------------------------------------- helpers


def same(a: Any, b: Any) -> bool:
    """Equal values *and* the same written form (``2000.00`` is not ``2000``)."""
    if isinstance(a, Decimal) or isinstance(b, Decimal):
        return type(a) is type(b) and str(a) == str(b)
    return type(a) is type(b) and bool(a == b)


def _project_maps(dataset: Dataset) -> tuple[dict[str, str], dict[str, str]]:
    projects = ROW_MODELS["projects"].objects.filter(dataset=dataset)
    units = {p.code: p.unit for p in projects}
    divisions = {p.code: p.division for p in projects}
    return units, divisions


def _bump(dataset: Dataset, user: AbstractBaseUser | None) -> None:
    Dataset.objects.filter(pk=dataset.pk).update(version=F("version") + 1)
    dataset.refresh_from_db(fields=["version"])
    dataset.updated_by_id = user.pk if user is not None else None
    dataset._history_user = user  # type: ignore[attr-defined]
    dataset.save(update_fields=["updated_by", "updated_at"])


# --------------------------------------------------------------------------- whole datasets


def create_dataset(department: Department, year: int) -> Dataset:
    dataset, _ = Dataset.objects.get_or_create(
        department=department, year=year, defaults={"region_id": department.region_id}
    )
    return dataset


def sync_units(dataset: Dataset, engine: EngineDataset) -> None:
    """The dataset's 预算单位 table names the department's units: add or rename them."""
    for unit in engine.units:
        Unit.objects.update_or_create(
            department_id=dataset.department_id,
            code=unit.code,
            defaults={"name": unit.name, "region_id": dataset.region_id},
        )


@transaction.atomic
def store(
    dataset: Dataset, engine: EngineDataset, user: AbstractBaseUser | None, reason: str
) -> int:
    """Make the stored rows equal ``engine``'s; returns the number of rows changed.

    Rows are matched by position, so a workbook uploaded again with one cell changed
    records exactly that change in the history (old and new value), not a new dataset.
    """
    problems = _belongs(dataset, engine)
    if problems:
        raise DatasetError(problems)
    project_units = {p.code: p.unit for p in engine.projects}
    changed = 0
    for spec in TABLES:
        changed += _store_table(
            dataset, spec, engine_rows(engine, spec.key), project_units, user, reason
        )
    sync_units(dataset, engine)
    if changed:
        _bump(dataset, user)
    return changed


def _belongs(dataset: Dataset, engine: EngineDataset) -> list[InputError]:
    """A workbook of another department or year is refused, with the cell to correct."""
    profile = TABLES_BY_KEY["profile"]
    errors = []
    name = engine.profile.department_name.strip()
    if name and name != dataset.department.name:
        errors.append(
            InputError(
                cell_place(profile, 0, "department_name"),
                f"部门名称“{name}”与本数据集的部门“{dataset.department.name}”不一致",
            )
        )
    if engine.profile.year is not None and engine.profile.year != dataset.year:
        errors.append(
            InputError(
                cell_place(profile, 0, "year"),
                f"年度“{engine.profile.year}”与本数据集的年度“{dataset.year}”不一致",
            )
        )
    return errors


def _store_table(
    dataset: Dataset,
    spec: TableSpec,
    new: list[dict[str, Any]],
    project_units: Mapping[str, str],
    user: AbstractBaseUser | None,
    reason: str,
) -> int:
    model = ROW_MODELS[spec.key]
    old = list(model.objects.filter(dataset=dataset).order_by("position", "pk"))
    keys = [c.key for c in spec.columns]
    updates, creates = [], []
    for index, values in enumerate(new):
        unit = owning_unit(spec.key, values, project_units)
        if index < len(old):
            row = old[index]
            if (
                row.position == index
                and row.unit_code == unit
                and all(same(getattr(row, k), values[k]) for k in keys)
            ):
                continue
            for key in keys:
                setattr(row, key, values[key])
            row.position, row.unit_code, row.version = index, unit, row.version + 1
            updates.append(row)
        else:
            creates.append(
                model(
                    region_id=dataset.region_id,
                    department_id=dataset.department_id,
                    dataset=dataset,
                    position=index,
                    unit_code=unit,
                    **values,
                )
            )
    if updates:
        bulk_update_with_history(
            updates,
            model,
            [*keys, "position", "unit_code", "version"],
            default_user=user,
            default_change_reason=reason,
        )
    if creates:
        bulk_create_with_history(creates, model, default_user=user, default_change_reason=reason)
    for row in old[len(new) :]:
        row._history_user = user
        row._change_reason = reason
        row.delete()
    return len(updates) + len(creates) + max(0, len(old) - len(new))


# --------------------------------------------------------------------------- one row


@dataclass(frozen=True)
class Saved:
    row: DatasetRow
    created: bool


def _raw_cell(value: Any, place: str) -> RawCell:
    return RawCell(None if value is None or value == "" else value, place)


def _validation_tables(table: str) -> set[str]:
    """The tables the engine needs to check an edit of ``table``: itself, the tables it
    refers to (预算单位, 绩效目标, 项目) and those that refer to it."""
    tables = {table, "units", "goals", "projects"}
    if table == "units":
        tables |= {
            spec.key for spec in TABLES if not spec.form and "unit" in {c.key for c in spec.columns}
        }
    if table == "goals":
        tables.add("indicators")
    if table == "projects":
        tables |= {"project_indicators", "execution"}
    return tables


def validate(
    dataset: Dataset,
    table: str,
    values: Mapping[str, Any],
    row_id: int | None,
    *,
    delete: bool = False,
) -> tuple[dict[str, Any], Places]:
    """Check one row as the engine checks a workbook; returns its parsed values.

    ``values`` are what the person typed (text) for every column of ``table``; the row
    replaces the stored row ``row_id`` (or is appended when ``None``; removed when
    ``delete``). Amounts are 万元 whatever the workbook's 金额单位. Raises
    :class:`Invalid` with every problem, each at the field it is about when it is.
    """
    spec = TABLES_BY_KEY[table]
    raw: dict[str, RawTable | dict[str, RawCell]] = {}
    edited_place = ""
    edited_index = -1
    places = Places()
    for key in _validation_tables(table) | {"profile"}:
        other = TABLES_BY_KEY[key]
        model = ROW_MODELS[key]
        rows = list(model.objects.filter(dataset=dataset).order_by("position", "pk"))
        if other.form:
            stored = {c.key: getattr(rows[0], c.key) for c in other.columns} if rows else {}
            if key == table:
                stored = dict(values)
                edited_index = 0
                if rows:
                    places.add(other, 0, rows[0].pk)
            # Amounts on screen are always 万元: check them as such.
            stored["amount_unit"] = "万元"
            raw[key] = {
                c.key: _raw_cell(stored.get(c.key), cell_place(other, 0, c.key))
                for c in other.columns
            }
            continue
        records: list[tuple[dict[str, Any], int | None]] = [
            ({c.key: getattr(r, c.key) for c in other.columns}, r.pk) for r in rows
        ]
        if key == table:
            if row_id is None:
                records.append((dict(values), None))
            else:
                index = next((i for i, (_, pk) in enumerate(records) if pk == row_id), None)
                if index is None:
                    raise Conflict(None, [])
                if delete:
                    records.pop(index)
                else:
                    records[index] = (dict(values), row_id)
        table_raw = RawTable(loc=f"{other.sheet}!A1")
        for index, (record, pk) in enumerate(records):
            place = row_place(other, index)
            if pk is not None:
                places.add(other, index, pk)
            if key == table and not delete and (pk == row_id if row_id is not None else pk is None):
                edited_place, edited_index = place, index
            table_raw.rows.append(
                (
                    place,
                    {
                        c.key: _raw_cell(record.get(c.key), cell_place(other, index, c.key))
                        for c in other.columns
                    },
                )
            )
        raw[key] = table_raw
    try:
        engine = build_dataset(raw)
    except DatasetError as error:
        raise Invalid(_field_errors(error, spec, edited_index, edited_place)) from None
    if delete:
        return {}, places
    record = getattr(engine, table) if spec.form else getattr(engine, table)[edited_index]
    parsed = {c.key: getattr(record, c.key) for c in spec.columns}
    if spec.form and table == "profile":
        parsed["amount_unit"] = values.get("amount_unit") or "万元"
    return parsed, places


def _field_errors(
    error: DatasetError, spec: TableSpec, index: int, row_place_: str
) -> list[FieldError]:
    cells = {cell_place(spec, index, c.key): c.key for c in spec.columns} if index >= 0 else {}
    result = []
    for item in error.errors:
        column = cells.get(item.location, "")
        place = "" if column or item.location == row_place_ else item.location
        result.append(FieldError(column, place, item.message))
    return result


def _check_allowed(access: Access, dataset: Dataset, table: str, values: Mapping[str, Any]) -> None:
    if not access.allows(Action.EDIT, dataset):
        raise NotAllowed("您的角色不能修改数据")
    units, divisions = _project_maps(dataset)
    unit = owning_unit(table, values, units)
    division = owning_division(table, values, divisions)
    if not access.can_edit_row(dataset, table, unit, division):
        raise NotAllowed("您只能修改本单位（本处室）的数据")


def _coerce(spec: TableSpec, values: Mapping[str, Any]) -> dict[str, Any]:
    """Typed values as the person typed them, for the ownership check before parsing."""
    return {c.key: values.get(c.key, "") for c in spec.columns}


#: How often a row edit is validated again when the dataset changes while it is checked.
WRITE_ATTEMPTS = 3
BUSY = "数据集正在被他人修改，请稍后再保存"


def _version(dataset: Dataset) -> int:
    found = Dataset.objects.filter(pk=dataset.pk).values_list("version", flat=True).first()
    if found is None:
        raise Conflict(None, [])
    return int(found)


def _locked_version(dataset: Dataset) -> int | None:
    """The dataset's version with its row locked (PostgreSQL; SQLite's transaction holds
    the whole database's write lock already): every row write bumps it under that lock."""
    found = (
        Dataset.objects.select_for_update()
        .filter(pk=dataset.pk)
        .values_list("version", flat=True)
        .first()
    )
    return None if found is None else int(found)


def save_row(
    access: Access,
    user: AbstractBaseUser,
    dataset: Dataset,
    table: str,
    values: Mapping[str, str],
    *,
    row_id: int | None = None,
    version: int | None = None,
) -> Saved:
    """Change (``row_id``) or add one row; raises NotAllowed, Conflict or Invalid.

    The row is checked by the engine (:func:`validate`: the related tables read and the
    dataset built, seconds on a province's department) *before* the write transaction: on
    SQLite a transaction holds the database's one write lock from its start, and other
    writers waiting past the busy timeout fail with "database is locked". Under the
    transaction the dataset's version is compared with the one checked (every row write
    bumps it); if it moved, the edit is checked again (a few times, then a Chinese
    refusal asks to save again).
    """
    spec = TABLES_BY_KEY[table]
    typed = _coerce(spec, values)
    for _ in range(WRITE_ATTEMPTS):
        seen = _version(dataset)
        current = _editable_row(access, dataset, table, typed, row_id, version)
        parsed, _ = validate(dataset, table, typed, row_id)
        with transaction.atomic():
            if _locked_version(dataset) == seen:
                return _write_row(user, dataset, table, parsed, current)
    raise Invalid([FieldError("", "", BUSY)])


def _editable_row(
    access: Access,
    dataset: Dataset,
    table: str,
    typed: Mapping[str, Any],
    row_id: int | None,
    version: int | None,
) -> DatasetRow | None:
    """The stored row an edit changes (None: a new row), after the rights and version checks."""
    spec = TABLES_BY_KEY[table]
    model = ROW_MODELS[table]
    current: DatasetRow | None = None
    if row_id is not None:
        current = model.objects.filter(dataset=dataset, pk=row_id).first()
        if current is None:
            raise Conflict(None, [])
        # The row as stored must be the user's to change, and so must the row as typed.
        _check_allowed(
            access, dataset, table, {c.key: getattr(current, c.key) for c in spec.columns}
        )
        if version is not None and current.version != version:
            stored = {c.key: getattr(current, c.key) for c in spec.columns}
            changed = [c.key for c in spec.columns if not _typed_same(stored[c.key], typed[c.key])]
            raise Conflict(stored, changed)
    elif spec.form and model.objects.filter(dataset=dataset).exists():
        raise Conflict(None, [])
    _check_allowed(access, dataset, table, typed)
    return current


def _write_row(
    user: AbstractBaseUser,
    dataset: Dataset,
    table: str,
    parsed: dict[str, Any],
    current: DatasetRow | None,
) -> Saved:
    """Write a checked row (in the caller's transaction, the dataset's version unmoved)."""
    model = ROW_MODELS[table]
    units, _divisions = _project_maps(dataset)
    if table == "projects":
        units[str(parsed["code"])] = str(parsed["unit"])
    unit = owning_unit(table, parsed, units)
    if current is None:
        position = model.objects.filter(dataset=dataset).count()
        row = model(
            region_id=dataset.region_id,
            department_id=dataset.department_id,
            dataset=dataset,
            position=position,
            unit_code=unit,
            **parsed,
        )
        row._history_user = user
        row.save()
        created = True
    else:
        row = current
        for key, value in parsed.items():
            setattr(row, key, value)
        row.unit_code = unit
        row.version += 1
        row._history_user = user
        row.save()
        created = False
    if table == "projects":
        _reown_project_rows(dataset, str(parsed["code"]), unit, user)
    if table == "units":
        Unit.objects.update_or_create(
            department_id=dataset.department_id,
            code=parsed["code"],
            defaults={"name": parsed["name"], "region_id": dataset.region_id},
        )
    _bump(dataset, user)
    return Saved(row, created)


def _typed_same(stored: Any, typed: Any) -> bool:
    shown = (
        ""
        if stored is None
        else (format(stored, "f") if isinstance(stored, Decimal) else str(stored))
    )
    return shown.strip() == str(typed or "").strip()


def _reown_project_rows(dataset: Dataset, project: str, unit: str, user: AbstractBaseUser) -> None:
    """A project's indicators (and unit-less execution lines) belong to the project's unit."""
    for table, field in (("project_indicators", "owner"), ("execution", "project")):
        model = ROW_MODELS[table]
        rows = model.objects.filter(dataset=dataset, **{field: project}).exclude(unit_code=unit)
        if table == "execution":
            rows = rows.filter(unit="")
        for row in rows:
            row.unit_code = unit
            row._history_user = user
            row.save(update_fields=["unit_code"])


def delete_row(
    access: Access,
    user: AbstractBaseUser,
    dataset: Dataset,
    table: str,
    row_id: int,
    version: int,
) -> None:
    """Delete one row; checked by the engine before the write transaction (as
    :func:`save_row`), the dataset's version compared under it."""
    spec = TABLES_BY_KEY[table]
    if spec.form:
        raise NotAllowed("表单不能删除")
    model = ROW_MODELS[table]
    for _ in range(WRITE_ATTEMPTS):
        seen = _version(dataset)
        current = model.objects.filter(dataset=dataset, pk=row_id).first()
        if current is None:
            raise Conflict(None, [])
        stored = {c.key: getattr(current, c.key) for c in spec.columns}
        _check_allowed(access, dataset, table, stored)
        if current.version != version:
            raise Conflict(stored, [])
        validate(dataset, table, {}, row_id, delete=True)
        with transaction.atomic():
            if _locked_version(dataset) != seen:
                continue
            current._history_user = user
            current.delete()
            later = model.objects.filter(dataset=dataset, position__gt=current.position).order_by(
                "position"
            )
            for row in later:  # keep positions dense: the workbook places stay row numbers
                row.position -= 1
                row._history_user = user
                row.save(update_fields=["position"])
            _bump(dataset, user)
            return
    raise Invalid([FieldError("", "", BUSY)])


def load_engine(dataset: Dataset) -> EngineDataset:
    return to_engine(dataset)[0]


def form_values(spec: TableSpec, row: DatasetRow | None) -> dict[str, str]:
    """A row's values as the edit form shows them (amounts in 万元, exact text)."""
    result = {}
    for column in spec.columns:
        value = getattr(row, column.key) if row is not None else None
        if value is None:
            text = ""
        elif isinstance(value, bool):
            text = "是" if value else "否"
        elif isinstance(value, Decimal):
            text = format(value, "f")
        else:
            text = str(value)
        if row is None and column.type is ColType.CHOICE and not text:
            default = next(
                f.default for f in dataclasses.fields(spec.row_type) if f.name == column.key
            )
            text = default if isinstance(default, str) else ""
        result[column.key] = text
    return result
