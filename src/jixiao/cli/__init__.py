"""The ``jixiao`` command. Each area registers its commands by being imported here."""

from __future__ import annotations

from jixiao.cli import dataset  # noqa: F401  (convert)
from jixiao.cli import figures  # noqa: F401  (figures, check)
from jixiao.cli import monitoring  # noqa: F401  (targets, monitor, results)
from jixiao.cli import score  # noqa: F401  (score)
from jixiao.cli import template  # noqa: F401  (template)
from jixiao.cli.app import app

__all__ = ["app"]
