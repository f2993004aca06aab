"""Helpers of the report tests: evaluate a dataset and build its two products once."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from jixiao.dataset.model import Dataset
from jixiao.evaluation import Evaluation, evaluate
from jixiao.figures.model import FigureSet
from jixiao.findings import Finding
from jixiao.io.formats import load_dataset
from jixiao.reports.api import report_model, review_model
from jixiao.reports.model import ReportModel

DATA = Path(__file__).resolve().parent.parent / "data"
MINI = DATA / "reports-mini.yaml"


@dataclass(frozen=True)
class Built:
    evaluation: Evaluation
    model: ReportModel
    review: ReportModel

    @property
    def dataset(self) -> Dataset:
        return self.evaluation.dataset

    @property
    def figures(self) -> FigureSet:
        return self.evaluation.figures

    @property
    def findings(self) -> list[Finding]:
        return list(self.evaluation.findings)


def built(dataset: Dataset, framework: str | None = None) -> Built:
    evaluation = evaluate(dataset, framework=framework)
    model = report_model(evaluation)
    return Built(evaluation, model, review_model(evaluation, model))


def build(path: Path, framework: str | None = None) -> Built:
    return built(load_dataset(path), framework)
