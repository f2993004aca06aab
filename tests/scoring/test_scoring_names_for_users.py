"""What the scoring engine says about missing data reads as the user's data, not the rule's
parameters (a clerk read “（规则参数 scores）” on the 自评表)."""

from __future__ import annotations

from pathlib import Path

from jixiao.evaluation import evaluate
from jixiao.io.formats import load_dataset

ROOT = Path(__file__).resolve().parents[2]


def test_missing_data_is_named_by_table_and_column_only() -> None:
    dataset = load_dataset(ROOT / "examples" / "gdstc-2023.xlsx")
    findings = evaluate(dataset, framework="gd-dept-2023").findings
    [special] = [
        f for f in findings if f.code == "scoring.missing_data" and "专项效能" in f.message
    ]
    assert "“项目”表中是否专项资金为“是”的行的“自评得分”无数据" in special.message
    assert "规则参数" not in special.message
    assert "scores" not in special.message and "weights" not in special.message
