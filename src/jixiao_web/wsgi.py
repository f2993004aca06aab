"""WSGI entry point (``jixiao serve`` uses it with waitress; production with gunicorn)."""

from __future__ import annotations

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jixiao_web.settings")
application = get_wsgi_application()
