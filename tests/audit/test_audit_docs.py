"""docs/audit.md documents every registered rule with a before/after example."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from jixiao.audit.rules import RULES

DOC = (Path(__file__).resolve().parents[2] / "docs" / "audit.md").read_text(encoding="utf-8")
SECTIONS = dict(re.findall(r"^### `([a-z-]+)`[^\n]*\n(.*?)(?=^### |^## )", DOC, re.S | re.M))


@pytest.mark.parametrize("identifier", [r.identifier for r in RULES])
def test_every_rule_has_its_section_with_a_before_and_an_after(identifier: str) -> None:
    body = SECTIONS.get(identifier)
    assert body is not None, f"docs/audit.md has no section ### `{identifier}`"
    assert "Before" in body and "After" in body, identifier
