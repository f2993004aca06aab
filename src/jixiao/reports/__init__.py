"""Self-evaluation reports: a pure report model, then Word, HTML, PDF and Excel renderers."""

from __future__ import annotations
