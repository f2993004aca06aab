"""Open data: the CSV files and their Fiscal Data Package descriptor, checked by frictionless."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest
from frictionless import Package, validate

pytestmark = pytest.mark.django_db


def test_the_published_data_is_a_valid_data_package(client: Any, tmp_path: Path) -> None:
    for name in ("datapackage.json", "budgets.csv", "results.csv", "targets.csv"):
        response = client.get(f"/public/data/{name}")
        assert response.status_code == 200, name
        (tmp_path / name).write_bytes(response.content)
    report = validate(str(tmp_path / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    package = Package(str(tmp_path / "datapackage.json"))
    assert [r.name for r in package.resources] == ["budgets", "results", "targets"]
    results = package.get_resource("results").read_rows()
    assert [
        (r["department"], r["fiscal_year"], str(r["total_score"]), r["grade"]) for r in results
    ] == [("广东省科学技术厅", 2023, "89.56", "良好")]


def test_the_csv_figures_are_the_engines_exact_values(client: Any) -> None:
    text = client.get("/public/data/budgets.csv").content.decode("utf-8")
    rows = {r["item_id"]: r for r in csv.DictReader(io.StringIO(text))}
    assert rows["income.final.total"]["amount"] == "617056.54"
    assert rows["income.final.total"]["unit"] == "万元"
    assert rows["income.final.total"]["department"] == "广东省科学技术厅"


def test_the_descriptor_declares_fiscal_column_types(client: Any) -> None:
    descriptor = json.loads(client.get("/public/data/datapackage.json").content)
    fields = {f["name"]: f for r in descriptor["resources"] for f in r["schema"]["fields"]}
    assert fields["fiscal_year"]["columnType"] == "date:fiscal-year"
    assert fields["amount"]["columnType"] == "value"
    assert "fiscal-data-package" in descriptor["keywords"]


def test_unpublished_data_never_appears(client: Any, synthetic: Any) -> None:
    for name in ("budgets.csv", "results.csv", "targets.csv"):
        assert "合成示范厅" not in client.get(f"/public/data/{name}").content.decode()
    assert client.get("/public/data/secrets.csv").status_code == 404
