"""Backup and restore of the whole system: every table and every stored file in one archive.

``jixiao dump OUT`` writes, ``jixiao load IN`` reads (``jixiao/cli/web.py``). The archive is
a zip file:

- ``manifest.json``: the format and its version, the jixiao version, the database engine it
  came from, the migration state (every applied migration), and per table the model, the
  column names, the row count and the sha256 of its data member; per stored file its path,
  size and sha256.
- ``data/<app>.<model>.jsonl``: one JSON array per row, the columns in the manifest's order,
  rows by primary key. Values are written by type so that reading them back gives the same
  Python value on any engine: a datetime as its ISO text with microseconds and offset (an
  instant; the engines store UTC), a date or time as ISO text, a decimal as its exact text
  (``2000.00`` stays ``2000.00``), a UUID as text, a JSON column as its JSON. (Django's
  ``dumpdata`` JSON cuts datetimes to milliseconds, which is why it is not used.)
- ``files/<path>``: the files of Django's default storage (``JX_DATA_DIR/files``: report
  files, 佐证材料, rendered public reports), byte for byte.

Every table of every installed model is written, Django's own included (users, groups,
permissions, content types, sessions), the history tables of django-simple-history and
django-tasks' task rows; not the cache table (login throttle counters: transient) and not
``django_migrations``, whose content is the manifest's migration state.

Loading is checked before anything is changed: the archive must be a zip with our
manifest, every member must be present with the recorded sha256 and row count, the
migration state must be exactly this version's (anything else is refused: load the archive
with the jixiao version that wrote it, then upgrade), and the database must hold no data
unless ``replace`` is given. Then, in one transaction, every table is emptied and filled,
foreign keys are checked, sequences reset; the files, already written to a staging folder
beside the storage folder, are swapped in just before the commit (and swapped back if the
commit fails). A refused or failed load changes neither the database nor the files.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import io
import json
import os
import secrets
import shutil
import uuid
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path, PurePosixPath
from typing import IO, Any

from django.apps import apps
from django.core.cache import caches
from django.core.files.storage import FileSystemStorage, storages
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import DatabaseError, connections, models, transaction
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone

FORMAT = "jixiao-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
DATA_PREFIX = "data/"
FILES_PREFIX = "files/"
#: Rows per ``executemany`` when loading.
BATCH = 1000
#: Problems listed in a refusal; beyond this, one line says how many more there are.
SHOWN_PROBLEMS = 50
#: Tables a fresh ``migrate`` fills itself: rows there do not make a database "not empty".
MIGRATE_FILLS = frozenset({"contenttypes.ContentType", "auth.Permission"})


class BackupError(Exception):
    """A dump or load that must not go on: Chinese problems, each naming its place."""

    def __init__(self, problems: Iterable[str]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(self.problems))

    @property
    def lines(self) -> list[str]:
        shown = self.problems[:SHOWN_PROBLEMS]
        if len(self.problems) > SHOWN_PROBLEMS:
            shown.append(f"……另有 {len(self.problems) - SHOWN_PROBLEMS} 处问题")
        return shown


@dataclass(frozen=True)
class TableEntry:
    model: str
    table: str
    columns: list[str]
    rows: int
    sha256: str

    @property
    def member(self) -> str:
        return f"{DATA_PREFIX}{self.model}.jsonl"


@dataclass(frozen=True)
class FileEntry:
    path: str
    size: int
    sha256: str

    @property
    def member(self) -> str:
        return f"{FILES_PREFIX}{self.path}"


@dataclass
class Summary:
    """What a dump wrote or a load restored."""

    tables: int = 0
    rows: int = 0
    files: int = 0
    file_bytes: int = 0
    per_table: dict[str, int] = field(default_factory=dict)


# --------------------------------------------------------------------------- what is backed up


def backed_up_models() -> list[type[models.Model]]:
    """Every model with a table of its own (many-to-many tables included), by label."""
    chosen = [
        model
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy and not model._meta.swapped
    ]
    return sorted(chosen, key=lambda model: model._meta.label)


def _columns(model: type[models.Model]) -> list[models.Field[Any, Any]]:
    return list(model._meta.concrete_fields)


def migration_state(using: str = "default") -> list[list[str]]:
    """The applied migrations of the apps this version has migrations for, sorted."""
    loader = MigrationLoader(connections[using], ignore_no_migrations=True)
    return sorted([app, name] for app, name in loader.applied_migrations)


def code_migrations() -> list[list[str]]:
    """Every migration this version of the code has (the state a fresh ``migrate`` reaches)."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    return sorted([app, name] for app, name in loader.graph.nodes)


def storage_root() -> Path:
    """The folder of Django's default storage (only a file-system storage is backed up)."""
    storage = storages["default"]
    if not isinstance(storage, FileSystemStorage):
        raise BackupError(["文件存储不是本地目录（如对象存储），请用存储自身的工具备份文件"])
    return Path(storage.location)


def jixiao_version() -> str:
    try:
        return version("jixiao")
    except PackageNotFoundError:  # pragma: no cover - a checkout without metadata
        return "unknown"


# --------------------------------------------------------------------------- values


def encode(value: Any) -> Any:
    """A column's Python value → JSON, so that :func:`decode` gives it back exactly."""
    if isinstance(value, dt.datetime):
        return value.isoformat()  # microseconds and offset kept: the same instant
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, dt.timedelta):
        return (value.days * 86_400 + value.seconds) * 1_000_000 + value.microseconds
    if isinstance(value, bytes | memoryview):
        return base64.b64encode(bytes(value)).decode("ascii")
    return value


def decode(column: models.Field[Any, Any], value: Any) -> Any:
    """JSON from :func:`encode` → the column's Python value."""
    if value is None:
        return None
    kind = column.get_internal_type()
    if kind == "JSONField":
        return value
    if kind == "DurationField":
        return dt.timedelta(microseconds=value)
    return column.to_python(value)


# --------------------------------------------------------------------------- dump


def dump(stream: IO[bytes], *, using: str = "default") -> Summary:
    """Write the whole database and the stored files to ``stream`` as one archive.

    The tables are read in one read-only transaction (:func:`_snapshot`). Files are
    read after the tables: a file only ever appears before the row naming it is committed
    and is deleted only after its row is, so every file a dumped row names is there.
    """
    connection = connections[using]
    state = migration_state(using)
    unapplied = [f"{app}.{name}" for app, name in code_migrations() if [app, name] not in state]
    if unapplied:
        raise BackupError(
            [
                f"数据库尚未迁移到本程序的版本（未应用：{'、'.join(unapplied[:5])}），请先运行 jixiao manage migrate"
            ]
        )
    summary = Summary()
    tables: list[TableEntry] = []
    with zipfile.ZipFile(stream, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as zf:
        with _snapshot(using):
            for model in backed_up_models():
                entry = _dump_table(zf, model, using)
                tables.append(entry)
                summary.per_table[entry.model] = entry.rows
                summary.rows += entry.rows
        files = list(_dump_files(zf, storage_root()))
        summary.tables = len(tables)
        summary.files = len(files)
        summary.file_bytes = sum(entry.size for entry in files)
        manifest = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "jixiao_version": jixiao_version(),
            "created_at": timezone.now().isoformat(),
            "engine": connection.vendor,
            "migrations": state,
            "tables": [entry.__dict__ for entry in tables],
            "files": [entry.__dict__ for entry in files],
        }
        zf.writestr(MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1))
    return summary


@contextmanager
def _snapshot(using: str) -> Iterator[None]:
    """One read-only transaction around every table's reads: a consistent snapshot.

    PostgreSQL: ``REPEATABLE READ READ ONLY``. SQLite: a ``DEFERRED`` read transaction on the
    WAL, begun by hand because the settings make Django's transactions ``IMMEDIATE`` (they
    take the write lock: writers would wait for the whole dump, and give up after the busy
    timeout). Inside a caller's transaction (a test case's) the reads simply join it.
    """
    connection = connections[using]
    if connection.in_atomic_block:
        yield
        return
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        with connection.cursor() as cursor:
            cursor.execute("BEGIN DEFERRED")
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute("ROLLBACK")  # nothing was written
        return
    with transaction.atomic(using=using):
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        yield


def _dump_table(zf: zipfile.ZipFile, model: type[models.Model], using: str) -> TableEntry:
    columns = _columns(model)
    names = [column.attname for column in columns]
    digest = hashlib.sha256()
    rows = 0
    label = model._meta.label
    query = model._base_manager.using(using).order_by("pk").values_list(*names)
    with zf.open(f"{DATA_PREFIX}{label}.jsonl", "w", force_zip64=True) as member:
        pending: list[bytes] = []
        for row in query.iterator(chunk_size=2000):
            line = (
                json.dumps([encode(value) for value in row], ensure_ascii=False) + "\n"
            ).encode()
            digest.update(line)
            pending.append(line)
            rows += 1
            if len(pending) >= 2000:
                member.write(b"".join(pending))
                pending.clear()
        member.write(b"".join(pending))
    return TableEntry(
        model=label, table=model._meta.db_table, columns=names, rows=rows, sha256=digest.hexdigest()
    )


def _stored_files(root: Path) -> Iterator[tuple[str, Path]]:
    """Every regular file below ``root`` (no links followed), by relative POSIX path."""
    if not root.is_dir():
        return
    found: list[tuple[str, Path]] = []
    for folder, subfolders, names in os.walk(root):
        subfolders.sort()
        for name in names:
            path = Path(folder) / name
            if path.is_file() and not path.is_symlink():
                found.append((path.relative_to(root).as_posix(), path))
    yield from sorted(found)


def _dump_files(zf: zipfile.ZipFile, root: Path) -> Iterator[FileEntry]:
    for relative, path in _stored_files(root):
        digest = hashlib.sha256()
        size = 0
        with path.open("rb") as source, zf.open(f"{FILES_PREFIX}{relative}", "w") as member:
            while chunk := source.read(1 << 20):
                digest.update(chunk)
                member.write(chunk)
                size += len(chunk)
        yield FileEntry(path=relative, size=size, sha256=digest.hexdigest())


# --------------------------------------------------------------------------- reading an archive


@dataclass
class Archive:
    """An archive checked member by member (:func:`open_archive`)."""

    zf: zipfile.ZipFile
    manifest: dict[str, Any]
    tables: list[TableEntry]
    files: list[FileEntry]


def open_archive(path: Path) -> Archive:
    """Open and check ``path``: every problem at once, as :class:`BackupError`."""
    try:
        zf = zipfile.ZipFile(path)
    except FileNotFoundError:
        raise BackupError([f"找不到备份文件“{path}”"]) from None
    except IsADirectoryError:
        raise BackupError([f"“{path}”是目录，不是备份文件"]) from None
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise BackupError([f"“{path}”不是有效的备份文件（无法作为 zip 读取：{error}）"]) from None
    try:
        archive = _read_manifest(zf, path)
        problems = _check_schema(archive) + _check_members(archive)
    except BaseException:
        zf.close()
        raise
    if problems:
        zf.close()
        raise BackupError(problems)
    return archive


def _read_manifest(zf: zipfile.ZipFile, path: Path) -> Archive:
    try:
        manifest = json.loads(zf.read(MANIFEST).decode("utf-8"))
    except KeyError:
        raise BackupError([f"“{path}”中没有 {MANIFEST}：不是 jixiao 备份文件"]) from None
    except (zipfile.BadZipFile, zlib.error, UnicodeDecodeError, ValueError, OSError) as error:
        raise BackupError([f"“{path}”的 {MANIFEST} 已损坏：{error}"]) from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError([f"“{path}”不是 jixiao 备份文件（{MANIFEST} 的 format 不是 {FORMAT}）"])
    if manifest.get("format_version") != FORMAT_VERSION:
        raise BackupError(
            [
                f"备份格式版本为 {manifest.get('format_version')!r}，本程序只能载入第 {FORMAT_VERSION} 版"
                f"（备份由 jixiao {manifest.get('jixiao_version', '?')} 写出）"
            ]
        )
    try:
        tables = [TableEntry(**entry) for entry in manifest["tables"]]
        files = [FileEntry(**entry) for entry in manifest["files"]]
        migrations = [list(item) for item in manifest["migrations"]]
    except (KeyError, TypeError) as error:
        raise BackupError([f"“{path}”的 {MANIFEST} 缺少或有错误的项：{error}"]) from None
    manifest["migrations"] = migrations
    return Archive(zf=zf, manifest=manifest, tables=tables, files=files)


def _check_schema(archive: Archive) -> list[str]:
    """The archive's migration state and tables must be exactly this version's."""
    problems: list[str] = []
    theirs = {tuple(item) for item in archive.manifest["migrations"]}
    ours = {tuple(item) for item in code_migrations()}
    newer = sorted(theirs - ours)
    older = sorted(ours - theirs)
    written_by = archive.manifest.get("jixiao_version", "?")
    if newer:
        names = "、".join(f"{app}.{name}" for app, name in newer[:5])
        problems.append(
            f"备份的数据库结构比本程序新（本程序没有迁移 {names}）：请用写出备份的 jixiao {written_by} 载入"
        )
    if older:
        names = "、".join(f"{app}.{name}" for app, name in older[:5])
        problems.append(
            f"备份的数据库结构比本程序旧（备份中未应用迁移 {names}）：请先用写出备份的 jixiao "
            f"{written_by} 载入，再升级并运行 jixiao manage migrate"
        )
    if problems:
        return problems
    models_by_label = {model._meta.label: model for model in backed_up_models()}
    listed = {entry.model for entry in archive.tables}
    for label in sorted(set(models_by_label) - listed):
        problems.append(f"备份中缺少表 {label}")
    for entry in archive.tables:
        model = models_by_label.get(entry.model)
        if model is None:
            problems.append(f"备份中的表 {entry.model} 在本程序中不存在")
        elif entry.columns != [column.attname for column in _columns(model)]:
            problems.append(f"备份中表 {entry.model} 的栏目与本程序不同")
    return problems


def _safe_path(relative: str) -> bool:
    """A stored file's path from the archive: relative, inside the storage, no tricks."""
    path = PurePosixPath(relative)
    return (
        bool(relative)
        and "\\" not in relative
        and "\x00" not in relative
        and not path.is_absolute()
        and all(part not in ("", ".", "..") for part in relative.split("/"))
    )


def _check_members(archive: Archive) -> list[str]:
    """Every data member hashes to its sha256 and has its row count; every file likewise."""
    problems: list[str] = []
    names = set(archive.zf.namelist())
    for table in archive.tables:
        if table.member not in names:
            problems.append(f"备份中缺少 {table.member}")
            continue
        try:
            digest, rows = _hash_member(archive.zf, table.member, count_lines=True)
        except (zipfile.BadZipFile, zlib.error, OSError, EOFError) as error:
            problems.append(f"{table.member} 已损坏：{error}")
            continue
        if digest != table.sha256:
            problems.append(f"{table.member} 的校验值（sha256）与清单不符：文件已损坏或被改动")
        elif rows != table.rows:
            problems.append(f"{table.member} 有 {rows} 行，清单记为 {table.rows} 行")
    seen: set[str] = set()
    for file in archive.files:
        if not _safe_path(file.path) or file.path in seen:
            problems.append(
                f"备份中的文件路径“{file.path}”不允许（须为存储目录内的相对路径，且不重复）"
            )
            continue
        seen.add(file.path)
        if file.member not in names:
            problems.append(f"备份中缺少文件 {file.member}")
            continue
        try:
            digest, size = _hash_member(archive.zf, file.member, count_lines=False)
        except (zipfile.BadZipFile, zlib.error, OSError, EOFError) as error:
            problems.append(f"{file.member} 已损坏：{error}")
            continue
        if digest != file.sha256 or size != file.size:
            problems.append(f"{file.member} 的校验值（sha256）或大小与清单不符：文件已损坏或被改动")
    return problems


def _hash_member(zf: zipfile.ZipFile, name: str, *, count_lines: bool) -> tuple[str, int]:
    """sha256 of a member and its line count (data) or size (files)."""
    digest = hashlib.sha256()
    count = 0
    with zf.open(name) as member:
        while chunk := member.read(1 << 20):
            digest.update(chunk)
            count += chunk.count(b"\n") if count_lines else len(chunk)
    return digest.hexdigest(), count


# --------------------------------------------------------------------------- load


def has_data(using: str = "default") -> list[str]:
    """What a load would overwrite: the tables holding rows a fresh ``migrate`` does not
    make, and the storage folder if it holds files (a fresh system has neither)."""
    connection = connections[using]
    existing = set(connection.introspection.table_names())
    filled: list[str] = []
    for model in backed_up_models():
        if model._meta.label in MIGRATE_FILLS or model._meta.db_table not in existing:
            continue
        if model._base_manager.using(using).exists():
            filled.append(model._meta.label)
    if next(_stored_files(storage_root()), None) is not None:
        filled.append("文件目录")
    return filled


def load(path: Path, *, replace: bool = False, using: str = "default") -> Summary:
    """Restore the archive at ``path``: all of it, or (refused or failed) nothing."""
    archive = open_archive(path)
    try:
        return _load(archive, replace=replace, using=using)
    finally:
        archive.zf.close()


def _load(archive: Archive, *, replace: bool, using: str) -> Summary:
    filled = has_data(using)
    if filled and not replace:
        raise BackupError(
            [
                f"数据库不是空的（已有数据：{'、'.join(filled[:5])}{'等' if len(filled) > 5 else ''}），"
                "为免覆盖，未载入；确需以备份替换全部现有数据和文件，请加 --replace"
            ]
        )
    call_command("migrate", interactive=False, verbosity=0, database=using)
    if sorted(migration_state(using)) != sorted(archive.manifest["migrations"]):
        raise BackupError(["数据库的迁移状态与备份不同，无法载入"])
    call_command("createcachetable", verbosity=0, database=using)
    root = storage_root()
    staging = root.parent / f".{root.name}.load-{secrets.token_hex(4)}"
    old = root.parent / f".{root.name}.old-{secrets.token_hex(4)}"
    try:
        _extract_files(archive, staging)
        summary = _load_tables(archive, using, swap=lambda: _swap(staging, root, old))
    except BaseException:
        if old.exists():  # the files were swapped in but the commit failed: put them back
            _swap_back(staging, root, old)
        raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    shutil.rmtree(old, ignore_errors=True)
    summary.files = len(archive.files)
    summary.file_bytes = sum(file.size for file in archive.files)
    # Caches keyed by database ids are stale now: content types and the shared cache.
    from django.contrib.contenttypes.models import ContentType

    ContentType.objects.clear_cache()
    caches["default"].clear()
    return summary


def _extract_files(archive: Archive, staging: Path) -> None:
    """Write the archive's files into a fresh staging folder (checked again on the way)."""
    staging.mkdir(mode=0o700)
    for file in archive.files:
        target = staging.joinpath(*file.path.split("/"))
        target.parent.mkdir(parents=True, exist_ok=True)
        digest = hashlib.sha256()
        with archive.zf.open(file.member) as member, target.open("xb") as out:
            while chunk := member.read(1 << 20):
                digest.update(chunk)
                out.write(chunk)
        if digest.hexdigest() != file.sha256:
            raise BackupError([f"{file.member} 的校验值（sha256）与清单不符"])
        target.chmod(0o600)


def _swap(staging: Path, root: Path, old: Path) -> None:
    if root.exists():
        root.rename(old)
    else:
        old.mkdir()  # marks "swapped" for the way back
    staging.rename(root)


def _swap_back(staging: Path, root: Path, old: Path) -> None:
    if root.exists():
        root.rename(staging)
    if any(old.iterdir()) or not staging.exists():
        old.rename(root)
    else:
        old.rmdir()


def _load_tables(archive: Archive, using: str, *, swap: Any) -> Summary:
    connection = connections[using]
    models_by_label = {model._meta.label: model for model in backed_up_models()}
    summary = Summary(tables=len(archive.tables))
    with transaction.atomic(using=using):
        with connection.cursor() as cursor:
            for entry in archive.tables:
                cursor.execute(f"DELETE FROM {connection.ops.quote_name(entry.table)}")
            for entry in archive.tables:
                model = models_by_label[entry.model]
                _insert_rows(cursor, connection, model, _rows(archive, entry, model))
                summary.per_table[entry.model] = entry.rows
                summary.rows += entry.rows
            try:
                connection.check_constraints()
            except DatabaseError as error:
                raise BackupError([f"备份中的数据不一致（外键约束）：{error}"]) from None
            for statement in connection.ops.sequence_reset_sql(
                no_style(), list(models_by_label.values())
            ):
                cursor.execute(statement)
        swap()
    return summary


def _rows(archive: Archive, entry: TableEntry, model: type[models.Model]) -> Iterator[list[Any]]:
    columns = _columns(model)
    with archive.zf.open(entry.member) as member:
        for number, line in enumerate(io.TextIOWrapper(member, encoding="utf-8"), start=1):
            try:
                values = json.loads(line)
                if not isinstance(values, list) or len(values) != len(columns):
                    raise ValueError("栏目数不符")
                yield [decode(column, value) for column, value in zip(columns, values, strict=True)]
            except (ValueError, TypeError) as error:
                raise BackupError([f"{entry.member} 第 {number} 行无法读取：{error}"]) from None


def _insert_rows(
    cursor: Any, connection: Any, model: type[models.Model], rows: Iterator[list[Any]]
) -> None:
    columns = _columns(model)
    quote = connection.ops.quote_name
    sql = "INSERT INTO {} ({}) VALUES ({})".format(
        quote(model._meta.db_table),
        ", ".join(quote(column.column) for column in columns),
        ", ".join(["%s"] * len(columns)),
    )
    batch: list[list[Any]] = []
    for row in rows:
        # get_db_prep_save, not save(): no auto_now stamps, no signals, no history rows.
        batch.append(
            [
                column.get_db_prep_save(value, connection)
                for column, value in zip(columns, row, strict=True)
            ]
        )
        if len(batch) >= BATCH:
            cursor.executemany(sql, batch)
            batch.clear()
    if batch:
        cursor.executemany(sql, batch)
