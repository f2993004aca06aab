"""The dataset benchmark's code, run at a tiny size so that it cannot rot."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType

from jixiao.io.formats import load_dataset, save_dataset

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"


def _module(name: str) -> ModuleType:
    if str(BENCHMARKS) not in sys.path:
        sys.path.insert(0, str(BENCHMARKS))  # bench_dataset imports synthetic as a script would
    spec = importlib.util.spec_from_file_location(name, BENCHMARKS / f"{name}.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_synthetic_province_loads_through_both_formats(tmp_path: Path) -> None:
    dataset = _module("synthetic").synthetic_province(2, 3, seed=7)
    assert len(dataset.units) == 6
    assert {line.unit for line in dataset.income} == {"", *(u.code for u in dataset.units)}
    for name in ("p.xlsx", "p.yaml"):
        save_dataset(dataset, tmp_path / name)
        assert load_dataset(tmp_path / name) == dataset


def test_the_benchmark_writes_its_json_and_its_doc_section(tmp_path: Path) -> None:
    bench = _module("bench_dataset")
    doc = tmp_path / "performance.md"
    doc.write_text("# Performance\n\n## Dataset\n\nold\n\n## Figures and checks\n\nkept\n", "utf-8")
    results = tmp_path / "dataset.json"
    bench.main(
        [
            "--departments",
            "1",
            "--units",
            "2",
            "--runs",
            "1",
            "--results",
            str(results),
            "--doc",
            str(doc),
        ]
    )
    report = json.loads(results.read_text("utf-8"))
    assert report["data"]["units"] == 2 and report["targets"]["read_xlsx_passed"]
    text = doc.read_text("utf-8")
    assert "old" not in text and "## Figures and checks\n\nkept" in text
    assert text.count("## Dataset") == 1 and "| read the workbook" in text
