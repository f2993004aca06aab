"""The ``jixiao`` command. Each area registers its commands by being imported here."""

from __future__ import annotations

import sys

from jixiao.cli.early import read_ahead_for

# ``jixiao audit report.pdf``: poppler starts reading now, while the rest is imported.
read_ahead_for(sys.argv)

from jixiao.cli import (  # noqa: E402  (after the read-ahead has started)
    audit,  # noqa: F401  (audit)
    dataset,  # noqa: F401  (convert)
    figures,  # noqa: F401  (figures, check)
    monitoring,  # noqa: F401  (targets, monitor, results)
    report,  # noqa: F401  (report)
    run,  # noqa: F401  (run: the main job)
    score,  # noqa: F401  (score)
    template,  # noqa: F401  (template)
    web,  # noqa: F401  (serve, manage: the web system)
)
from jixiao.cli.app import app  # noqa: E402

__all__ = ["app"]
