"""The ``jixiao`` command. Each area registers its commands by being imported here."""

from __future__ import annotations

from jixiao.cli import dataset  # noqa: F401  (convert)
from jixiao.cli.app import app

__all__ = ["app"]
