"""Report fixtures: the bundled example and the mini dataset, built and rendered once per session."""

from __future__ import annotations

from pathlib import Path

import pytest
from report_fixtures import MINI, Built, build, built

from jixiao.reports.api import DEFAULT_FORMATS, REVIEW_FORMATS, render_report


@pytest.fixture(scope="session")
def example(example_yaml: Path) -> Built:
    return build(example_yaml)


@pytest.fixture(scope="session")
def county() -> Built:
    """The synthetic county department (mof-dept-2013, every field filled)."""
    from county import county_department

    return built(county_department())


@pytest.fixture(scope="session")
def mini() -> Built:
    return build(MINI)


def _write(files: list, outdir: Path) -> dict[str, Path]:
    result = {}
    for file in files:
        path = outdir / file.filename
        path.write_bytes(file.data)
        result[path.suffix.lstrip(".")] = path
    return result


@pytest.fixture(scope="session")
def rendered(example: Built, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The example's report in every format: identifier → file."""
    outdir = tmp_path_factory.mktemp("report")
    return _write(render_report(example.model, DEFAULT_FORMATS, "report"), outdir)


@pytest.fixture(scope="session")
def rendered_review(example: Built, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The example's review file in its formats: identifier → file."""
    outdir = tmp_path_factory.mktemp("review")
    return _write(render_report(example.review, REVIEW_FORMATS, "review"), outdir)
