"""Write the self-evaluation reports of a dataset: the one function the CLI and ``jixiao run`` call.

:func:`prepare_report` runs the engines (figures, checks, scoring) and builds the report
model; :func:`write_reports` renders it in each format. :func:`write_unit_reports`
writes one report per budget unit, in parallel processes.
"""

from __future__ import annotations

import dataclasses
import multiprocessing
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jixiao.dataset.model import TABLES, Dataset, Profile, Unit
from jixiao.findings import Finding
from jixiao.reports.builder import build_report
from jixiao.reports.charts import render_chart
from jixiao.reports.model import ReportModel
from jixiao.reports.render import RENDERERS, get_renderer
from jixiao.reports.wording import Wording, load_wording

if TYPE_CHECKING:
    from jixiao.evaluation import Evaluation
    from jixiao.scoring import Framework

DEFAULT_FORMATS: tuple[str, ...] = ("docx", "html", "pdf", "xlsx")


def prepare_report(
    dataset: Dataset,
    framework_id: str | Framework | None = None,
    wording: Wording | None = None,
    omit_empty: bool = False,
) -> tuple[ReportModel, list[Finding]]:
    """The report model of ``dataset`` and every finding (checks + scoring) it lists.

    ``omit_empty`` leaves out headings with nothing under them (a budget unit's report).
    """
    from jixiao.evaluation import evaluate

    evaluation = evaluate(dataset, framework=framework_id)
    return report_model(evaluation, wording, omit_empty), list(evaluation.findings)


def report_model(
    evaluation: Evaluation, wording: Wording | None = None, omit_empty: bool = False
) -> ReportModel:
    """The report of one evaluation: it prints the evaluation's figures, scores and findings."""
    return build_report(
        evaluation.dataset,
        evaluation.figures,
        evaluation.report_scorecard,
        list(evaluation.findings),
        wording,
        omit_empty=omit_empty,
    )


def report_stem(dataset: Dataset) -> str:
    """The file name (without suffix): ``广东省科学技术厅2023年度部门整体支出绩效自评报告``."""
    profile = dataset.profile
    name = profile.department_name or "部门"
    return f"{name}{profile.year or ''}年度部门整体支出绩效自评报告".replace("/", "／")


def render_report(
    model: ReportModel,
    outdir: Path,
    formats: Sequence[str],
    stem: str,
    parallel: bool = False,
    template_dir: Path | None = None,
) -> list[Path]:
    """Write ``model`` in each of ``formats`` into ``outdir``; returns the files written.

    The charts are drawn once, first, and shared by every renderer. With ``parallel``,
    the PDF (most of the time: WeasyPrint's layout) is rendered in a forked process
    while this one writes the other formats.
    """
    outdir.mkdir(parents=True, exist_ok=True)
    for chart in model.charts:
        render_chart(chart)
    if not (parallel and "pdf" in formats and len(formats) > 1 and _can_fork()):
        return [_render_one(f, model, outdir, stem, template_dir) for f in formats]
    context = multiprocessing.get_context("fork")  # the child inherits the drawn charts
    with ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
        pdf = pool.submit(_render_one, "pdf", model, outdir, stem, template_dir)
        paths = {
            f: _render_one(f, model, outdir, stem, template_dir) for f in formats if f != "pdf"
        }
        paths["pdf"] = pdf.result()
    return [paths[f] for f in formats]


def _render_one(
    identifier: str, model: ReportModel, outdir: Path, stem: str, template_dir: Path | None
) -> Path:
    renderer = get_renderer(identifier, template_dir)
    path = outdir / f"{stem}{renderer.suffix}"
    renderer.render(model, path)
    return path


def _can_fork() -> bool:
    return "fork" in multiprocessing.get_all_start_methods() and (os.cpu_count() or 1) > 1


def check_formats(formats: Sequence[str]) -> list[str]:
    """The unknown format names in ``formats`` (empty when all are known)."""
    return [f for f in formats if f not in RENDERERS]


def write_reports(
    dataset: Dataset,
    outdir: Path,
    formats: Sequence[str] = DEFAULT_FORMATS,
    framework_id: str | None = None,
    wording: Wording | None = None,
    template_dir: Path | None = None,
) -> list[Path]:
    """Build the department's report and write it in ``formats``; returns the paths written."""
    model, _ = prepare_report(dataset, framework_id, wording)
    stem = report_stem(dataset)
    return render_report(model, outdir, formats, stem, parallel=True, template_dir=template_dir)


# --------------------------------------------------------------------------- per unit


def units_with_rows(dataset: Dataset) -> list[Unit]:
    """Budget units that have their own rows in some money table, in 预算单位 order."""
    codes = {
        row.unit
        for spec in TABLES
        if not spec.form and "unit" in {c.key for c in spec.columns}
        for row in getattr(dataset, spec.key)
        if row.unit
    }
    return [u for u in dataset.units if u.code in codes]


def unit_dataset(dataset: Dataset, unit: Unit) -> Dataset:
    """The dataset of one budget unit: its rows become the (department) rows of a report.

    Free text, goals and scores are the department's and are not carried over; the unit
    report states the unit's money, with its own figures, checks and charts, and leaves
    out the headings it has nothing to say under.
    """
    values: dict[str, Any] = {}
    for spec in TABLES:
        if spec.form or "unit" not in {c.key for c in spec.columns}:
            continue
        rows = getattr(dataset, spec.key)
        values[spec.key] = tuple(
            dataclasses.replace(r, unit="") for r in rows if r.unit == unit.code
        )
    profile = Profile(
        department_name=unit.name,
        year=dataset.profile.year,
        fill_date=dataset.profile.fill_date,
        amount_unit=dataset.profile.amount_unit,
    )
    return Dataset(profile=profile, units=(unit,), **values)


def prepare_unit_report(dataset: Dataset) -> tuple[ReportModel, list[Finding]]:
    """The report of one budget unit (a dataset from :func:`unit_dataset`) and its findings.

    It uses the ``unit`` wording (单位整体支出绩效自评报告, 本单位, a cover with the 预算编码,
    only the sections a unit has data for) and leaves out the headings with nothing under them.
    """
    return prepare_report(dataset, None, load_wording(variant="unit"), omit_empty=True)


def unit_report_stem(dataset: Dataset, model: ReportModel) -> str:
    """A unit report's file name: ``100002-示例科技服务中心2023年度单位整体支出绩效自评报告``."""
    return f"{dataset.units[0].code}-{model.title}".replace("/", "／")


def _write_unit(dataset: Dataset, outdir: Path, formats: Sequence[str]) -> list[Path]:
    model, _ = prepare_unit_report(dataset)
    return render_report(model, outdir, formats, unit_report_stem(dataset, model))


def write_unit_reports(
    dataset: Dataset,
    outdir: Path,
    formats: Sequence[str] = DEFAULT_FORMATS,
    workers: int | None = None,
    on_done: Callable[[Unit], None] | None = None,
) -> list[Path]:
    """One report per budget unit with rows, rendered in ``workers`` processes (default: all cores).

    ``on_done(unit)`` is called as each unit finishes (the CLI advances its progress bar).
    ``workers=1`` renders in this process, without a pool.
    """
    units = units_with_rows(dataset)
    jobs = [unit_dataset(dataset, u) for u in units]
    count = workers or os.cpu_count() or 1
    written: list[Path] = []
    if count == 1:
        for unit, job in zip(units, jobs, strict=True):
            written += _write_unit(job, outdir, formats)
            if on_done:
                on_done(unit)
        return written
    with ProcessPoolExecutor(max_workers=count) as pool:
        futures = {
            pool.submit(_write_unit, job, outdir, formats): unit
            for unit, job in zip(units, jobs, strict=True)
        }
        for future in as_completed(futures):
            written += future.result()
            if on_done:
                on_done(futures[future])
    return sorted(written)
