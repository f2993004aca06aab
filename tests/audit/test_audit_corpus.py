"""Clean real-style text (tests/audit/corpus, hand-written, every figure recomputed) gives
no error and no warning: no false alarms on reports that add up."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import CORPUS
from jixiao.audit import audit_file


@pytest.mark.parametrize("path", CORPUS, ids=[p.name for p in CORPUS])
def test_it_finds_nothing_wrong_in_a_clean_report(path: Path) -> None:
    result = audit_file(path)
    assert [(f.location.line, f.code, f.message) for f in result.findings] == []
    assert result.checked >= result.claims // 2  # most of its figures were actually verified


def test_the_corpus_covers_the_genre() -> None:
    text = "\n".join(p.read_text(encoding="utf-8") for p in CORPUS)
    for phrase in (
        "其中",
        "占",
        "为年初预算的",
        "较上年",
        "节约",
        "分值",
        "扣",
        "满分",
        "亿元",
        "元",
        "十一个",
        "６",
    ):
        assert phrase in text
