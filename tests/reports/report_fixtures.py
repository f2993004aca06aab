"""Helpers of the report tests: build a dataset's report model once."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from jixiao.dataset.model import Dataset
from jixiao.figures import compute_figures
from jixiao.figures.model import FigureSet
from jixiao.findings import Finding
from jixiao.io.formats import load_dataset
from jixiao.reports.api import prepare_report
from jixiao.reports.model import ReportModel

DATA = Path(__file__).resolve().parent.parent / "data"
MINI = DATA / "reports-mini.yaml"


@dataclass(frozen=True)
class Built:
    dataset: Dataset
    figures: FigureSet
    model: ReportModel
    findings: list[Finding]


def build(path: Path) -> Built:
    dataset = load_dataset(path)
    model, findings = prepare_report(dataset)
    return Built(dataset, compute_figures(dataset), model, findings)
