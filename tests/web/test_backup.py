"""``jixiao dump`` / ``jixiao load``: the whole system round-trips, and a bad archive changes nothing.

The source is the test database with the demo and a change in every workflow (目标, 监控,
评价 with a 佐证 file, 整改 with a 佐证 file, 公开 with its rendered report, an API token).
It is dumped in this process and loaded by the real command into a fresh database and data
folder; then every table is compared row by row and every stored file byte by byte.

What "equal" means (the comparison is strict about what matters, :func:`canonical`):

- every model's table, Django's own included, has the same rows by primary key;
- text, integers, booleans and NULLs are identical;
- a datetime is the same instant to the microsecond (SQLite gives it back in UTC,
  PostgreSQL in the connection's zone: ``Z`` versus ``+00:00`` is not a difference);
- a decimal has the same exact text (``2000.00`` is not ``2000``);
- a JSON column has the same JSON value; the order of an object's keys is not compared,
  because PostgreSQL's ``jsonb`` does not keep it (a list's order is compared).

SQLite to SQLite runs always; with ``JX_TEST_DATABASE_URL`` (PostgreSQL) the same source is
also loaded into a fresh PostgreSQL database and into SQLite (PostgreSQL → SQLite), and the
restored SQLite database is dumped by the command and loaded into PostgreSQL (SQLite →
PostgreSQL).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import subprocess
import sys
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path
from typing import Any

import dj_database_url
import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connections
from django.db.utils import load_backend

from jixiao_web.core import backup
from jixiao_web.core.backup import BackupError

pytestmark = pytest.mark.django_db

REPOSITORY = Path(__file__).resolve().parents[2]
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _user(name: str) -> Any:
    return get_user_model().objects.get(username=name)


# --------------------------------------------------------------------------- one change per workflow


def _change_every_workflow(science: Any) -> dict[str, Any]:
    """Work done through the services, as people do it; returns what the checks look for."""
    from jixiao.dataset.build import RawCell
    from jixiao_web.api import tokens
    from jixiao_web.assessment import services as assessment
    from jixiao_web.assessment.models import ScoreSheet
    from jixiao_web.disclosure import services as disclosure
    from jixiao_web.monitor import services as monitor
    from jixiao_web.monitor.models import Round
    from jixiao_web.orgs.access import Access
    from jixiao_web.orgs.models import Division, Membership, Role
    from jixiao_web.results import services as results
    from jixiao_web.results.models import Rectification
    from jixiao_web.targets import services as targets

    clerk, admin = _user("unit-clerk"), _user("dept-admin")

    # 绩效目标: a new project's targets, filled and submitted.
    division = Division.objects.get(department=science.department, name="基础研究处")
    unit = Membership.objects.get(user=clerk).unit
    form = targets.create_project(
        Access.of(clerk), clerk, science.department, 2031, "BK-01", "备份测试项目", unit, division
    )
    header = {
        "attribute": "新增项目",
        "category": "一次性项目",
        "start_year": "2031",
        "end_year": "2031",
        "fund_source": "财政拨款",
        "budget": "2000.00",
        "goal": "完成备份与恢复演练。",
    }
    indicator = {
        "year": "2031",
        "level1": "产出指标",
        "level2": "数量指标",
        "name": "演练次数",
        "sign": "≥",
        "target": "2",
        "unit": "次",
    }
    content, errors = targets.parse(
        form,
        {k: RawCell(v, k) for k, v in header.items()},
        [],
        [("row:0", {k: RawCell(v, k) for k, v in indicator.items()})],
    )
    assert not errors, errors
    form = targets.save(Access.of(clerk), form, content, clerk, form.version)
    targets.decide(Access.of(clerk), form, "submit", clerk, opinion="请审核")

    # 运行监控: a return submitted.
    round_ = Round.objects.get(department_id=science.department_id, period="2023-06")
    ret = round_.returns.get(unit_code="163001")
    monitor.decide(ret, "submit", clerk, {Role.UNIT_CLERK})

    # 绩效评价: a 佐证 file on the self-assessment sheet.
    sheet = ScoreSheet.objects.get(task__title="2023年度部门整体支出绩效自评")
    code = sheet.entries.order_by("pk").first().code  # type: ignore[union-attr]
    assessment.add_evidence(
        sheet,
        code,
        SimpleUploadedFile("备份佐证.pdf", PDF, "application/pdf"),
        access=Access.of(clerk),
        actor=clerk,
    )

    # 结果应用: 整改 started with a 佐证 file.
    item = Rectification.objects.filter(dataset=science).order_by("pk").first()
    assert item is not None
    results.add_evidence(item, "整改报告（备份）.pdf", PDF + b"%rectification", clerk, "备份测试")
    results.decide(item, "start", clerk, {Role.UNIT_CLERK})

    # 信息公开: published again, and its report rendered into storage.
    publication = disclosure.publish(science, admin, Access.of(admin))
    disclosure.report_file(publication, "html")

    # API: a token.
    _, token = tokens.create(admin, "备份测试令牌")
    return {"token": token}


# --------------------------------------------------------------------------- comparing


def canonical(value: Any) -> Any:
    """A value as compared: instants, exact decimal text, JSON values (see the module text)."""
    if isinstance(value, dt.datetime):
        return ("instant", value.astimezone(dt.UTC).isoformat())
    if isinstance(value, Decimal):
        return ("decimal", format(value, "f"))
    if isinstance(value, dict | list):
        return ("json", json.dumps(value, sort_keys=True, ensure_ascii=False))
    return value


def table_rows(alias: str) -> dict[str, list[tuple[Any, ...]]]:
    """Every backed-up table of the database ``alias``: its rows in canonical form, by pk."""
    tables: dict[str, list[tuple[Any, ...]]] = {}
    for model in backup.backed_up_models():
        names = [column.attname for column in model._meta.concrete_fields]
        query = model._base_manager.using(alias).order_by("pk").values_list(*names)
        tables[model._meta.label] = [tuple(canonical(v) for v in row) for row in query]
    return tables


def stored_files(root: Path) -> dict[str, bytes]:
    if not root.exists():
        return {}
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def assert_same_tables(source: dict[str, list[Any]], restored: dict[str, list[Any]]) -> None:
    assert sorted(source) == sorted(restored)
    for label, rows in source.items():
        assert len(restored[label]) == len(rows), label
        for before, after in zip(rows, restored[label], strict=True):
            assert before == after, f"{label} pk={before[0]!r}"


@contextmanager
def database(alias: str, url: str) -> Iterator[str]:
    """A second database, opened in this process under ``alias`` for reading.

    The connection is made here and handed to Django's handler without adding the alias to
    its settings: the test case then treats it as a connection made at run time (allowed)
    rather than a configured database the test did not declare.
    """
    both = {
        "default": dict(connections.settings["default"]),
        alias: dict(dj_database_url.parse(url)),
    }
    config = connections.configure_settings(both)[alias]
    wrapper = load_backend(config["ENGINE"]).DatabaseWrapper(config, alias)
    setattr(connections._connections, alias, wrapper)
    try:
        yield alias
    finally:
        wrapper.close()
        del connections[alias]


# --------------------------------------------------------------------------- the command


def jixiao(*args: str, data_dir: Path, url: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "JX_DATA_DIR": str(data_dir),
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "jixiao_web.settings",
        "COLUMNS": "400",
    }
    return subprocess.run(
        [sys.executable, "-m", "jixiao", *args],
        env=env,
        cwd=REPOSITORY,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )


def fresh_sqlite(folder: Path) -> str:
    folder.mkdir(parents=True)
    return f"sqlite:///{folder / 'jixiao.sqlite3'}"


@contextmanager
def fresh_postgres(name: str) -> Iterator[str]:
    """A new, empty PostgreSQL database beside the test database (dropped afterwards)."""
    import psycopg

    server = os.environ["JX_TEST_DATABASE_URL"]
    config = dj_database_url.parse(server)
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    database_name = f"{config['NAME']}_{name}_{worker}"[:60]
    admin = psycopg.connect(
        host=config["HOST"] or "127.0.0.1",
        port=config["PORT"] or 5432,
        user=config["USER"],
        password=config["PASSWORD"] or None,
        dbname="postgres",
        autocommit=True,
    )
    try:
        admin.execute(f'DROP DATABASE IF EXISTS "{database_name}"')
        admin.execute(f'CREATE DATABASE "{database_name}"')
        yield server.rsplit("/", 1)[0] + f"/{database_name}"
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{database_name}" WITH (FORCE)')
        admin.close()


def dump_here(path: Path) -> backup.Summary:
    with path.open("wb") as stream:
        return backup.dump(stream)


def media_root() -> Path:
    return backup.storage_root()


# --------------------------------------------------------------------------- round trips


@pytest.mark.slow  # three loads by the real command, each migrating a fresh database
def test_everything_round_trips_into_a_fresh_system(tmp_path: Path, science: Any) -> None:
    made = _change_every_workflow(science)
    archive = tmp_path / "backup.zip"
    summary = dump_here(archive)
    source = table_rows("default")
    files = stored_files(media_root())
    assert summary.rows == sum(len(rows) for rows in source.values())
    assert summary.files == len(files) and files, "the workflows stored files"

    with zipfile.ZipFile(archive) as zf:
        manifest = json.loads(zf.read("manifest.json"))
    assert manifest["format"] == "jixiao-backup" and manifest["format_version"] == 1
    assert {t["model"]: t["rows"] for t in manifest["tables"]} == {
        label: len(rows) for label, rows in source.items()
    }
    assert {f["path"]: f["sha256"] for f in manifest["files"]} == {
        name: hashlib.sha256(data).hexdigest() for name, data in files.items()
    }
    for label in (
        "targets.TargetForm",
        "targets.HistoricalTargetForm",  # history (django-simple-history)
        "workflow.WorkflowState",
        "workflow.WorkflowEvent",  # the audit trail
        "workflow.Notice",
        "api.ApiToken",
        "assessment.Evidence",
        "results.Evidence",
        "disclosure.Publication",
        "auth.User",
        "sessions.Session" if source["sessions.Session"] else "orgs.Membership",
    ):
        assert source[label], label  # every workflow's change is in the source

    target = tmp_path / "restored"
    url = fresh_sqlite(target)
    done = jixiao("load", str(archive), data_dir=target, url=url)
    assert done.returncode == 0, done.stderr
    assert "已恢复" in done.stdout
    with database("restored", url) as alias:
        assert_same_tables(source, table_rows(alias))
        from jixiao_web.api.models import ApiToken
        from jixiao_web.api.tokens import digest

        assert ApiToken.objects.using(alias).filter(digest=digest(made["token"])).exists()
    assert stored_files(target / "files") == files

    # Loading again would overwrite: refused, exit 2, in Chinese, nothing changed.
    again = jixiao("load", str(archive), data_dir=target, url=url)
    assert again.returncode == 2
    assert "数据库不是空的" in again.stderr and "--replace" in again.stderr
    # A corrupt archive is refused even with --replace, before anything is touched.
    broken = tmp_path / "broken.zip"
    broken.write_bytes(archive.read_bytes()[: archive.stat().st_size // 2])
    refused = jixiao("load", str(broken), "--replace", data_dir=target, url=url)
    assert refused.returncode == 2 and "不是有效的备份文件" in refused.stderr
    assert "Traceback" not in refused.stderr
    # --replace with a good archive loads it again over the restored system.
    replaced = jixiao("load", str(archive), "--replace", data_dir=target, url=url)
    assert replaced.returncode == 0, replaced.stderr
    with database("restored", url) as alias:
        assert_same_tables(source, table_rows(alias))
    assert stored_files(target / "files") == files

    if os.environ.get("JX_TEST_DATABASE_URL"):
        _postgres_round_trips(tmp_path, archive, source, files, sqlite_url=url, sqlite_dir=target)


def _postgres_round_trips(
    tmp_path: Path,
    archive: Path,
    source: dict[str, list[Any]],
    files: dict[str, bytes],
    *,
    sqlite_url: str,
    sqlite_dir: Path,
) -> None:
    """The source is PostgreSQL here: PostgreSQL → PostgreSQL, and SQLite → PostgreSQL by
    dumping the SQLite database the test above restored (PostgreSQL → SQLite)."""
    with fresh_postgres("restore") as url:
        target = tmp_path / "pg-restored"
        target.mkdir()
        done = jixiao("load", str(archive), data_dir=target, url=url)
        assert done.returncode == 0, done.stderr
        with database("restored_pg", url) as alias:
            assert_same_tables(source, table_rows(alias))
        assert stored_files(target / "files") == files

    from_sqlite = tmp_path / "from-sqlite.zip"
    dumped = jixiao("dump", str(from_sqlite), data_dir=sqlite_dir, url=sqlite_url)
    assert dumped.returncode == 0, dumped.stderr
    with fresh_postgres("cross") as url:
        target = tmp_path / "cross-restored"
        target.mkdir()
        done = jixiao("load", str(from_sqlite), data_dir=target, url=url)
        assert done.returncode == 0, done.stderr
        with database("cross_pg", url) as alias:
            assert_same_tables(source, table_rows(alias))
        assert stored_files(target / "files") == files


def test_load_replace_in_place_restores_the_dumped_state(tmp_path: Path, science: Any) -> None:
    """Dump, change things, ``load --replace``: the database and files are as dumped."""
    from jixiao_web.api import tokens

    archive = tmp_path / "backup.zip"
    dump_here(archive)
    before, files = table_rows("default"), stored_files(media_root())
    _change_every_workflow(science)
    tokens.create(_user("bureau-admin"), "恢复后应消失")
    assert table_rows("default") != before
    with pytest.raises(BackupError, match="数据库不是空的"):
        backup.load(archive)
    summary = backup.load(archive, replace=True)
    assert summary.rows == sum(len(rows) for rows in before.values())
    assert_same_tables(before, table_rows("default"))
    assert stored_files(media_root()) == files


# --------------------------------------------------------------------------- refusals


def _rewrite(
    source: Path,
    target: Path,
    *,
    manifest: Callable[[dict[str, Any]], None] = lambda m: None,
    members: dict[str, bytes | None] | None = None,
) -> Path:
    """A copy of ``source`` with ``members`` replaced (``None``: left out) and the manifest edited."""
    members = members or {}
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        document = json.loads(old.read("manifest.json"))
        manifest(document)
        for info in old.infolist():
            if info.filename == "manifest.json":
                continue
            data = members.get(info.filename, old.read(info.filename))
            if data is not None:
                new.writestr(info.filename, data)
        new.writestr("manifest.json", json.dumps(document))
    return target


def _first_file(manifest: dict[str, Any]) -> dict[str, Any]:
    return dict(manifest["files"][0])


def _flip_a_byte_of(source: Path, target: Path, member: str) -> Path:
    """Damage the stored (compressed) bytes of ``member`` in place, as a bad disk would."""
    data = bytearray(source.read_bytes())
    with zipfile.ZipFile(source) as zf:
        info = zf.getinfo(member)
    header = info.header_offset
    name_length = int.from_bytes(data[header + 26 : header + 28], "little")
    extra_length = int.from_bytes(data[header + 28 : header + 30], "little")
    start = header + 30 + name_length + extra_length
    data[start + info.compress_size // 2] ^= 0xFF
    target.write_bytes(bytes(data))
    return target


def _dangling(archive: Path, target: Path) -> Path:
    """Consistent checksums, but a membership of a user that does not exist."""
    with zipfile.ZipFile(archive) as zf:
        manifest = json.loads(zf.read("manifest.json"))
        entry = next(t for t in manifest["tables"] if t["model"] == "orgs.Membership")
        lines = zf.read(f"data/{entry['model']}.jsonl").decode().splitlines()
    user_column = entry["columns"].index("user_id")
    row = json.loads(lines[0])
    row[user_column] = 987654321
    lines[0] = json.dumps(row, ensure_ascii=False)
    data = ("\n".join(lines) + "\n").encode()

    def edit(document: dict[str, Any]) -> None:
        for table in document["tables"]:
            if table["model"] == "orgs.Membership":
                table["sha256"] = hashlib.sha256(data).hexdigest()

    return _rewrite(archive, target, manifest=edit, members={f"data/{entry['model']}.jsonl": data})


def _without_manifest(source: Path, target: Path) -> Path:
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        for info in old.infolist():
            if info.filename != "manifest.json":
                new.writestr(info.filename, old.read(info.filename))
    return target


def _foreign(document: dict[str, Any]) -> None:
    document["format"] = "something-else"


def _future(document: dict[str, Any]) -> None:
    document["migrations"].append(["targets", "9999_from_the_future"])


def _older(document: dict[str, Any]) -> None:
    document["migrations"] = [m for m in document["migrations"] if m[0] != "results"]


def _version(document: dict[str, Any]) -> None:
    document["format_version"] = 99


def _escape(document: dict[str, Any]) -> None:
    document["files"][0]["path"] = "../../etc/escaped"


def _count(document: dict[str, Any]) -> None:
    document["tables"][0]["rows"] += 1


#: (case, how the archive is damaged, what the refusal says)
BROKEN: list[tuple[str, Callable[[Path, Path], Path], str]] = [
    (
        "not a zip",
        lambda a, t: (t.write_text("不是备份", encoding="utf-8"), t)[1],
        "不是有效的备份文件",
    ),
    (
        "truncated",
        lambda a, t: (t.write_bytes(a.read_bytes()[: a.stat().st_size // 3]), t)[1],
        "不是有效的备份文件",
    ),
    ("no manifest", lambda a, t: _without_manifest(a, t), "没有 manifest.json"),
    ("foreign manifest", lambda a, t: _rewrite(a, t, manifest=_foreign), "不是 jixiao 备份文件"),
    ("format version", lambda a, t: _rewrite(a, t, manifest=_version), "格式版本"),
    ("newer schema", lambda a, t: _rewrite(a, t, manifest=_future), "比本程序新"),
    ("older schema", lambda a, t: _rewrite(a, t, manifest=_older), "比本程序旧"),
    ("row count", lambda a, t: _rewrite(a, t, manifest=_count), "清单记为"),
    (
        "missing table",
        lambda a, t: _rewrite(a, t, members={"data/orgs.Membership.jsonl": None}),
        "缺少 data/orgs.Membership.jsonl",
    ),
    (
        "changed data",
        lambda a, t: _rewrite(a, t, members={"data/orgs.Membership.jsonl": b"[1]\n"}),
        "校验值",
    ),
    ("damaged bytes", lambda a, t: _flip_a_byte_of(a, t, "data/orgs.Region.jsonl"), "已损坏"),
    ("path outside", lambda a, t: _rewrite(a, t, manifest=_escape), "不允许"),
    ("dangling foreign key", _dangling, "外键"),
]


@pytest.fixture
def good_archive(tmp_path: Path, science: Any) -> Path:
    _change_every_workflow(science)  # with files in storage
    path = tmp_path / "good.zip"
    dump_here(path)
    return path


@pytest.mark.parametrize(("case", "damage", "says"), BROKEN, ids=[c for c, _, _ in BROKEN])
def test_a_bad_archive_is_refused_and_nothing_changes(
    tmp_path: Path,
    good_archive: Path,
    case: str,
    damage: Callable[[Path, Path], Path],
    says: str,
) -> None:
    bad = damage(good_archive, tmp_path / "bad.zip")
    before, files = table_rows("default"), stored_files(media_root())
    with pytest.raises(BackupError) as refused:
        backup.load(bad, replace=True)
    assert says in str(refused.value)
    assert_same_tables(before, table_rows("default"))
    assert stored_files(media_root()) == files
    assert not [p for p in media_root().parent.iterdir() if p.name.startswith(".files.")]


def test_the_command_refuses_an_existing_output(tmp_path: Path) -> None:
    existing = tmp_path / "backup.zip"
    existing.write_bytes(b"old")
    done = jixiao(
        "dump", str(existing), data_dir=tmp_path / "data", url=fresh_sqlite(tmp_path / "d")
    )
    assert done.returncode == 2 and "--force" in done.stderr
    assert existing.read_bytes() == b"old"
