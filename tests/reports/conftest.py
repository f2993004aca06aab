"""Report fixtures: the bundled example and the mini dataset, built and rendered once per session."""

from __future__ import annotations

from pathlib import Path

import pytest
from report_fixtures import MINI, Built, build

from jixiao.reports.api import DEFAULT_FORMATS, render_report


@pytest.fixture(scope="session")
def example(example_yaml: Path) -> Built:
    return build(example_yaml)


@pytest.fixture(scope="session")
def mini() -> Built:
    return build(MINI)


@pytest.fixture(scope="session")
def rendered(example: Built, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The example's report in every format: identifier → file."""
    outdir = tmp_path_factory.mktemp("report")
    paths = render_report(example.model, outdir, DEFAULT_FORMATS, "report")
    return {p.suffix.lstrip("."): p for p in paths}
