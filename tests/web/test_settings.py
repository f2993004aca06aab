"""Production settings pass ``check --deploy``; the defaults work without any variable."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

PRODUCTION = {
    "JX_SECRET_KEY": "p" * 20 + "-production-secret-key-of-sufficient-length-0123456789",
    "JX_ALLOWED_HOSTS": "jixiao.example.gov.cn",
    "JX_HTTPS": "1",
    "JX_DEBUG": "0",
}


def _manage(args: list[str], env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    clean = {
        k: v for k, v in os.environ.items() if not k.startswith(("JX_", "DATABASE_URL", "DJANGO_"))
    }
    return subprocess.run(
        [sys.executable, "-m", "jixiao", "manage", *args],
        env={**clean, "DJANGO_SETTINGS_MODULE": "jixiao_web.settings", **env},
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_with_production_settings(tmp_path: Path) -> None:
    result = _manage(
        ["check", "--deploy", "--fail-level", "WARNING"],
        {**PRODUCTION, "JX_DATA_DIR": str(tmp_path)},
        tmp_path,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_defaults_need_no_variable(tmp_path: Path) -> None:
    """With nothing set, the system keeps its database and a generated key in ./jixiao-data."""
    result = _manage(["check"], {}, tmp_path)
    assert result.returncode == 0, result.stderr
    key = tmp_path / "jixiao-data" / "secret_key"
    assert key.exists() and len(key.read_text()) > 40
    assert oct(key.stat().st_mode & 0o777) == "0o600"


def test_the_shared_cache_keeps_more_than_a_provinces_entries(db: None) -> None:
    """Django's default of 300 entries would cull a busy province's warm pages (~200 a year)."""
    from django.core.cache import cache

    entries = {f"province-entry-{i}": i for i in range(600)}
    cache.set_many(entries, 600)
    assert cache.get_many(list(entries)) == entries  # none culled


def test_cache_size_comes_from_the_environment(tmp_path: Path) -> None:
    show = "from django.conf import settings; print(settings.CACHES['default']['OPTIONS'])"
    default = _manage(["shell", "-c", show], {"JX_DATA_DIR": str(tmp_path)}, tmp_path)
    assert default.returncode == 0, default.stderr
    assert "'MAX_ENTRIES': 5000" in default.stdout
    given = {"JX_DATA_DIR": str(tmp_path), "JX_CACHE_MAX_ENTRIES": "20000"}
    larger = _manage(["shell", "-c", show], given, tmp_path)
    assert "'MAX_ENTRIES': 20000" in larger.stdout, larger.stderr
