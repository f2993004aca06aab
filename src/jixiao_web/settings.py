"""Settings of the 预算绩效管理信息系统, all from environment variables with working defaults.

With no variable set, the system runs embedded on one machine: SQLite in ``./jixiao-data``
(WAL, ``IMMEDIATE`` transactions and a busy timeout, so a worker and the web process never
see "database is locked"), a secret key generated once and kept there, debug off.
Production sets at least ``DATABASE_URL`` (PostgreSQL through psycopg 3), ``JX_SECRET_KEY``,
``JX_ALLOWED_HOSTS`` and ``JX_HTTPS=1`` (secure cookies, HSTS, redirect to HTTPS);
``manage.py check --deploy`` is then clean (``tests/web/test_settings.py``).

| variable | default | meaning |
|---|---|---|
| ``JX_DATA_DIR`` | ``./jixiao-data`` | the SQLite database, uploaded and generated files, the secret key |
| ``DATABASE_URL`` | SQLite in ``JX_DATA_DIR`` | ``postgres://user@host:5432/name`` in production |
| ``JX_SECRET_KEY`` | generated into ``JX_DATA_DIR/secret_key`` | Django's secret key |
| ``JX_DEBUG`` | ``0`` | ``1`` shows Django's debug pages (never in production) |
| ``JX_ALLOWED_HOSTS`` | ``127.0.0.1,localhost`` | comma-separated host names |
| ``JX_HTTPS`` | ``0`` | ``1`` behind HTTPS: secure cookies, HSTS, SSL redirect |
| ``JX_MAX_UPLOAD_MB`` | ``20`` | the largest workbook or report accepted |
| ``JX_REPORT_KEEP`` | ``3`` | report sets kept per dataset, batch audits per place, by ``jixiao manage purge_reports`` (run daily) |
| ``JX_TASKS`` | ``database`` | ``database`` (a ``jixiao manage task_worker`` runs them) or ``immediate`` (in the request) |
| ``JX_JOB_STALE_SECONDS`` | ``1800`` | a report job or batch audit without progress this long (its worker died) is ended as failed, to be asked for again (``core/jobs.py``) |
| ``JX_LOGIN_ATTEMPTS`` | ``5`` | failed logins per user name and address before a 15-minute pause |
| ``JX_DB_CONN_MAX_AGE`` | ``60`` | seconds a server-database connection is kept per process (0: one per request) |
| ``JX_REPLICA_URLS`` | (none) | comma-separated URLs of read replicas: read-only pages may read from them (``core/routers.py``) |
| ``JX_REPLICA_LAG_SECONDS`` | ``5`` | after a browser writes, its reads stay on the primary this long |
| ``JX_EMAIL_HOST`` | (none: notices printed to the console) | SMTP server for notice e-mails; ``JX_EMAIL_PORT``, ``JX_EMAIL_USER``, ``JX_EMAIL_PASSWORD``, ``JX_EMAIL_TLS``, ``JX_EMAIL_FROM`` |
"""

from __future__ import annotations

import importlib.util
import os
import secrets
from pathlib import Path
from typing import Any

import dj_database_url
from csp.constants import NONE, SELF

PACKAGE_DIR = Path(__file__).resolve().parent


def _package_dir(name: str) -> Path:
    """An installed package's folder, found without importing the package."""
    spec = importlib.util.find_spec(name)
    assert spec is not None and spec.submodule_search_locations is not None, name
    return Path(next(iter(spec.submodule_search_locations)))


#: django-ninja's Swagger UI (templates and static files), served from the site (no CDN).
#: Its folders are named here rather than "ninja" being an installed app: Django imports
#: every installed app at set-up, and importing ninja (pydantic, django.test, Jinja) was
#: a third of the web start-up for a process that serves no API page yet
#: (docs/performance.md, "Start-up"); the API's docs page renders ninja's own template
#: (``jixiao_web.api.api.LocalSwagger``).
NINJA_DIR = _package_dir("ninja")


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or not value.strip():
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DATA_DIR = Path(os.environ.get("JX_DATA_DIR") or Path.cwd() / "jixiao-data").resolve()


def _secret_key() -> str:
    """``JX_SECRET_KEY``, or a key generated once into the data folder (readable by us only)."""
    given = os.environ.get("JX_SECRET_KEY", "").strip()
    if given:
        return given
    path = DATA_DIR / "secret_key"
    if path.exists():
        return path.read_text(encoding="ascii").strip()
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(key)
    return key


SECRET_KEY = _secret_key()
DEBUG = env_bool("JX_DEBUG")
ALLOWED_HOSTS = env_list("JX_ALLOWED_HOSTS", "127.0.0.1,localhost")
HTTPS = env_bool("JX_HTTPS")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "simple_history",
    "django_tasks",
    "django_tasks_db",
    "csp",
    "jixiao_web.core",
    "jixiao_web.orgs",
    "jixiao_web.datasets",
    "jixiao_web.evaluation",
    "jixiao_web.audit",
    "jixiao_web.workflow",
    "jixiao_web.targets",
    "jixiao_web.assessment",
    "jixiao_web.disclosure",
    "jixiao_web.api",
    "jixiao_web.monitor",
    "jixiao_web.results",
    "jixiao_web.region",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before the session and user are read: which database a read may use is decided here.
    "jixiao_web.core.routers.ReplicaReadsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "jixiao_web.core.middleware.NoStoreMiddleware",
]

ROOT_URLCONF = "jixiao_web.urls"
WSGI_APPLICATION = "jixiao_web.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates", NINJA_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "jixiao_web.core.context.navigation",
                "jixiao_web.workflow.context.inbox_badge",
            ],
        },
    }
]

# --------------------------------------------------------------------------- database


# A server database keeps each process's connection for this many seconds: opening a
# PostgreSQL connection per request (TCP, authentication, a backend process) costs more
# than most pages' queries. Health checks drop a connection the server has closed.
CONN_MAX_AGE = int(os.environ.get("JX_DB_CONN_MAX_AGE", "60"))


def _database() -> dict[str, Any]:
    url = os.environ.get("DATABASE_URL", "").strip()
    if not url:
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        url = f"sqlite:///{DATA_DIR / 'jixiao.sqlite3'}"
    config: dict[str, Any] = dict(
        dj_database_url.parse(url, conn_max_age=CONN_MAX_AGE, conn_health_checks=True)
    )
    if config["ENGINE"] == "django.db.backends.sqlite3":
        config["CONN_MAX_AGE"] = 0  # opening a file costs nothing; keep no handle across requests
        # A reader-then-writer DEFERRED transaction cannot wait on busy_timeout and fails
        # with "database is locked"; IMMEDIATE takes the write lock first and waits.
        config["OPTIONS"] = {
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=10000;"
            ),
            "transaction_mode": "IMMEDIATE",
        }
    return config


def _replicas() -> dict[str, dict[str, Any]]:
    """``JX_REPLICA_URLS``: read replicas of the primary (``jixiao_web.core.routers``)."""
    replicas: dict[str, dict[str, Any]] = {}
    for number, url in enumerate(env_list("JX_REPLICA_URLS", ""), start=1):
        config: dict[str, Any] = dict(
            dj_database_url.parse(url, conn_max_age=CONN_MAX_AGE, conn_health_checks=True)
        )
        config["TEST"] = {"MIRROR": "default"}  # tests read the primary through the alias
        replicas[f"replica_{number}"] = config
    return replicas


DATABASES = {"default": _database(), **_replicas()}
REPLICA_LAG_SECONDS = float(os.environ.get("JX_REPLICA_LAG_SECONDS", "5"))
if len(DATABASES) > 1:
    DATABASE_ROUTERS = ["jixiao_web.core.routers.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

#: Entries the shared cache keeps before Django culls a third of them (by key order, not by
#: age). Django's default, 300, is less than a province uses: each department's 整改
#: application (~0.7 MB, rebuilt from the engine in seconds) and each 自评表 version's
#: summary is an entry — about 200 for 100 departments in one year, more with several years
#: and regions — so a busy province would lose warm entries to a cull and recompute them.
CACHE_MAX_ENTRIES = max(300, int(os.environ.get("JX_CACHE_MAX_ENTRIES", "5000")))

CACHES = {
    # Shared by every process (web and worker), so the login throttle counts across them.
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "jixiao_cache",
        "OPTIONS": {"MAX_ENTRIES": CACHE_MAX_ENTRIES},
    }
}

TASKS = {
    "default": {
        "BACKEND": (
            "django_tasks.backends.immediate.ImmediateBackend"
            if os.environ.get("JX_TASKS", "database") == "immediate"
            else "django_tasks_db.DatabaseBackend"
        ),
    }
}

# --------------------------------------------------------------------------- auth and security

LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/accounts/login/"
LOGIN_ATTEMPTS = int(os.environ.get("JX_LOGIN_ATTEMPTS", "5"))
#: A job whose heartbeat is older than this is stale: its worker died (``core/jobs.py``).
#: Far above one step of the largest report (a province department's PDF at a busy
#: machine's pace), so a slow job is not ended.
JOB_STALE_SECONDS = int(os.environ.get("JX_JOB_STALE_SECONDS", "1800"))
LOGIN_PAUSE_SECONDS = 15 * 60

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 8 * 60 * 60  # one working day
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS
SECURE_HSTS_SECONDS = 31_536_000 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if HTTPS else None
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Everything is served from this site: no CDN, no inline script, no eval (Alpine's CSP
# build; htmx with allowEval off). Charts set element styles from script, which CSP allows.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# --------------------------------------------------------------------------- uploads and files

MAX_UPLOAD_BYTES = int(float(os.environ.get("JX_MAX_UPLOAD_MB", "20")) * 1024 * 1024)
#: 佐证材料 (evidence) of 绩效评价: the largest file accepted, at most the upload limit
EVIDENCE_MAX_BYTES = min(
    int(float(os.environ.get("JX_EVIDENCE_MB", "10")) * 1024 * 1024), MAX_UPLOAD_BYTES
)
#: report sets kept per dataset, batch audits per place, by ``jixiao manage purge_reports``
REPORT_KEEP = max(1, int(os.environ.get("JX_REPORT_KEEP", "3")))
# A larger upload goes to a temporary file, not memory; the size limit is checked per file.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_NUMBER_FIELDS = 2000
FILE_UPLOAD_PERMISSIONS = 0o600

MEDIA_ROOT = DATA_DIR / "files"
MEDIA_URL = "/files/"  # never served directly: downloads go through views that check access
STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"  # collectstatic's target, for a front proxy
STATICFILES_DIRS = [PACKAGE_DIR / "static", NINJA_DIR / "static"]
STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(MEDIA_ROOT)},
    },
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# Embedded use serves static files straight from the package (no collectstatic step).
WHITENOISE_USE_FINDERS = True
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise warns about a missing root
WHITENOISE_AUTOREFRESH = DEBUG

# --------------------------------------------------------------------------- language

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --------------------------------------------------------------------------- logging

# Logs carry no personal data: no user names, no addresses, no cell contents. Request
# logs name the path and status only; the login throttle logs a hash, never the name.
LOGGING: dict[str, Any] = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        "jixiao_web": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "django.security": {"handlers": ["console"], "level": "WARNING", "propagate": False},
    },
}

# --------------------------------------------------------------------------- mail

# Notices also go out by e-mail to users with an address. By default they are printed
# to the server's console (an intranet may have no mail server); JX_EMAIL_HOST sends
# them through SMTP.
EMAIL_HOST = os.environ.get("JX_EMAIL_HOST", "").strip()
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend"
)
EMAIL_PORT = int(os.environ.get("JX_EMAIL_PORT", "25") or 25)
EMAIL_HOST_USER = os.environ.get("JX_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("JX_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = env_bool("JX_EMAIL_TLS")
DEFAULT_FROM_EMAIL = os.environ.get("JX_EMAIL_FROM", "jixiao@localhost")

SIMPLE_HISTORY_REVERT_DISABLED = True
CSRF_FAILURE_VIEW = "jixiao_web.core.views.csrf_failure"
