"""``docs/dataset.md`` is generated from the schema and must not drift from it."""

from __future__ import annotations

import re
from pathlib import Path

from jixiao.dataset.docs import render_dataset_doc
from jixiao.dataset.model import TABLES
from jixiao.io.textform import read_text_form

ROOT = Path(__file__).resolve().parents[2]


def test_the_committed_doc_is_the_generated_one() -> None:
    committed = (ROOT / "docs" / "dataset.md").read_text("utf-8")
    assert committed == render_dataset_doc(), (
        "docs/dataset.md is out of date: run `python -m jixiao.dataset.docs > docs/dataset.md`"
    )


def test_the_doc_names_every_sheet_and_field() -> None:
    doc = render_dataset_doc()
    for spec in TABLES:
        assert f"## {spec.sheet}（`{spec.key}`）" in doc
        for column in spec.columns:
            assert f"| {column.header} | `{column.key}` |" in doc


def test_the_yaml_example_in_the_doc_loads() -> None:
    (example,) = re.findall(r"```yaml\n(.*?)```", render_dataset_doc(), re.S)
    dataset = read_text_form(example, "docs/dataset.md")
    assert dataset.profile.department_name == "广东省科学技术厅"
