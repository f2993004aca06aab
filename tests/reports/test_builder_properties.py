"""Property: whatever the money data, every number the report prints is the engine's figure."""

from __future__ import annotations

from hypothesis import given, settings

from jixiao.dataset.model import Dataset
from jixiao.evaluation import evaluate
from jixiao.reports.builder import build_report
from jixiao.reports.model import Paragraph
from strategies import money_datasets


@settings(max_examples=150, deadline=None)
@given(money_datasets)
def test_every_printed_number_is_the_engines_figure_text(dataset: Dataset) -> None:
    evaluation = evaluate(dataset)
    figures = evaluation.figures
    model = build_report(evaluation)
    for run in model.figure_runs():
        figure = figures[run.figure]
        assert figure.value is not None, run.figure  # never a blank printed as “—”
        assert run.text == (figure.text.lstrip("-") if run.absolute else figure.text), run.figure
    for section in model.sections:
        for block in section.blocks:
            if isinstance(block, Paragraph):
                assert "—" not in block.text and "None" not in block.text, block.text
