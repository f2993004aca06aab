"""The reports of one evaluation, as files in memory: what the CLI, the web and tasks call.

Two products are made from one :class:`~jixiao.evaluation.Evaluation`:

- the **submission report** (:func:`report_model`): what the department signs and sends —
  no finding codes, figure ids, cells, parameter names or data notes;
- the **review file** (:func:`review_model`, 审核底稿): for the finance office and the
  reviewers — the findings with their places, the score calculations, every deduction
  and its reason, and 数据来源 (figure id, formula, dataset inputs) for every number the
  report prints; its HTML links each number of the report's body to its source.

Renderers return :class:`~jixiao.reports.render.Rendered` (file name, media type,
bytes); nothing here writes a file. The command line writes them (atomically), a web
view streams them, a background task stores them. ``progress(step, done, total)`` is
called as each format is done, so a progress bar or a task's status can follow.
"""

from __future__ import annotations

import dataclasses
import multiprocessing
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor, as_completed
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jixiao.dataset.model import TABLES, Dataset, Profile, Unit
from jixiao.findings import Finding
from jixiao.lib.progress import Progress as Progress
from jixiao.lib.progress import no_progress
from jixiao.reports.builder import build_report
from jixiao.reports.charts import render_chart
from jixiao.reports.model import ReportModel
from jixiao.reports.render import RENDERERS, Rendered, get_renderer
from jixiao.reports.review import build_review
from jixiao.reports.wording import Wording, load_wording

if TYPE_CHECKING:
    from jixiao.evaluation import Evaluation
    from jixiao.monitoring.results import ResultApplication
    from jixiao.scoring import Framework

DEFAULT_FORMATS: tuple[str, ...] = ("docx", "html", "pdf", "xlsx")
#: The review file's formats: HTML (numbers linked to their sources) and Excel (to filter).
REVIEW_FORMATS: tuple[str, ...] = ("html", "xlsx")

#: ``progress(step, done, total)``: a step's Chinese name (“报告 PDF”), how many of
#: ``total`` steps are done; the contract of :mod:`jixiao.lib.progress`.
_no_progress = no_progress


# --------------------------------------------------------------------------- models


def report_model(evaluation: Evaluation, wording: Wording | None = None) -> ReportModel:
    """The submission report of one evaluation: it prints the evaluation's figures and scores."""
    return build_report(evaluation, wording)


def review_model(evaluation: Evaluation, report: ReportModel) -> ReportModel:
    """The review file (审核底稿) of ``report``, made from the same evaluation."""
    return build_review(evaluation, report)


def prepare_report(
    dataset: Dataset,
    framework_id: str | Framework | None = None,
    wording: Wording | None = None,
) -> tuple[ReportModel, list[Finding]]:
    """Evaluate ``dataset`` and build its report model; also every finding of the evaluation."""
    from jixiao.evaluation import evaluate

    evaluation = evaluate(dataset, framework=framework_id)
    return report_model(evaluation, wording), list(evaluation.findings)


# --------------------------------------------------------------------------- file names


def report_stem(dataset: Dataset) -> str:
    """The file name (without suffix): ``广东省科学技术厅2023年度部门整体支出绩效自评报告``."""
    profile = dataset.profile
    name = profile.department_name or "部门"
    return _safe(f"{name}{profile.year or ''}年度部门整体支出绩效自评报告")


def review_stem(dataset: Dataset) -> str:
    """The review file's name: ``广东省科学技术厅2023年度部门整体支出绩效自评审核底稿``."""
    return report_stem(dataset).removesuffix("报告") + "审核底稿"


def _safe(name: str) -> str:
    """A file name from data: no folder separators, no leading dot, at most 120 characters."""
    cleaned = "".join("／" if c in "/\\" else c for c in name if c.isprintable())
    return cleaned.lstrip(".")[:120] or "报告"


# --------------------------------------------------------------------------- rendering


def render_report(
    model: ReportModel,
    formats: Sequence[str],
    stem: str,
    *,
    parallel: bool = False,
    template_dir: Path | None = None,
    progress: Progress | None = None,
    step: str = "报告",
) -> list[Rendered]:
    """``model`` in each of ``formats``, in that order, as files in memory.

    The charts are drawn once, first, and shared by every renderer. With ``parallel``,
    the PDF is laid out by Typst in a second thread while this one lays out the other formats.
    """
    tell = progress or _no_progress
    total = len(formats)
    if model.charts:
        tell(f"{step}图表", 0, total)
        for chart in model.charts:
            render_chart(chart)
    done: dict[str, Rendered] = {}

    def finished(identifier: str, rendered: Rendered) -> None:
        done[identifier] = rendered
        tell(f"{step} {RENDERERS.name(identifier)}", len(done), total)

    if parallel and "pdf" in formats and len(formats) > 1 and (os.cpu_count() or 1) > 1:
        # A thread, not a forked process: Typst lays out with threads of its own (a fork of
        # a process that has run it can hang) and lets go of the GIL while it works.
        with ThreadPoolExecutor(max_workers=1) as pool:
            pdf = pool.submit(_render_one, "pdf", model, stem, template_dir)
            for identifier in formats:
                if identifier != "pdf":
                    finished(identifier, _render_one(identifier, model, stem, template_dir))
            finished("pdf", pdf.result())
    else:
        for identifier in formats:
            finished(identifier, _render_one(identifier, model, stem, template_dir))
    return [done[f] for f in formats]


def _render_one(
    identifier: str, model: ReportModel, stem: str, template_dir: Path | None
) -> Rendered:
    renderer = get_renderer(identifier, template_dir)
    return Rendered(f"{stem}{renderer.suffix}", renderer.media_type, renderer.render(model))


def check_formats(formats: Sequence[str]) -> list[str]:
    """The unknown format names in ``formats`` (empty when all are known)."""
    return [f for f in formats if f not in RENDERERS]


#: The file name of the work list (整改清单) and the budget suggestions.
WORKLIST_FILENAME = "结果应用与整改清单.xlsx"


def worklist_file(
    evaluation: Evaluation,
    reviewed_grade: str = "",
    report: ReportModel | None = None,
    result: ResultApplication | None = None,
) -> Rendered:
    """整改清单 as a work list and the budget suggestions (参考 without ``reviewed_grade``).

    ``report`` is the evaluation's submission report model when the caller has it (its
    scorecard lists the deductions as every format prints them); it is built otherwise.
    ``result`` is the result application when the caller made it with its own rules
    (`jixiao results --rules`); else the built-in rules are applied here.
    """
    from jixiao.monitoring.results import apply_results
    from jixiao.monitoring.settings import load_result_rules
    from jixiao.reports.worklist import build_worklist, worklist_xlsx

    if result is None:
        result = apply_results(evaluation, load_result_rules(None), reviewed_grade)
    model = report if report is not None else report_model(evaluation)
    data = worklist_xlsx(build_worklist(evaluation, model, result))
    return Rendered(WORKLIST_FILENAME, RENDERERS_XLSX_TYPE, data)


RENDERERS_XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def report_files(
    evaluation: Evaluation,
    formats: Sequence[str] = DEFAULT_FORMATS,
    *,
    review_formats: Sequence[str] = REVIEW_FORMATS,
    wording: Wording | None = None,
    template_dir: Path | None = None,
    parallel: bool = True,
    progress: Progress | None = None,
) -> list[Rendered]:
    """Both products of one evaluation: the report in ``formats``, the review file in ``review_formats``.

    This is what ``jixiao run`` and ``jixiao report`` call, and what a web task calls to
    store the files. ``parallel`` renders the PDF in a second process where that pays
    (more than one core and more than one format).
    """
    tell = progress or _no_progress
    total = len(formats) + len(review_formats)
    tell("报告", 0, total)
    report = report_model(evaluation, wording)
    files = render_report(
        report,
        formats,
        report_stem(evaluation.dataset),
        parallel=parallel,
        template_dir=template_dir,
        progress=lambda step, done, _total: tell(step, done, total),
    )
    if review_formats:
        review = review_model(evaluation, report)
        offset = len(formats)
        files += render_report(
            review,
            review_formats,
            review_stem(evaluation.dataset),
            template_dir=None,  # the review file keeps the shipped layout
            progress=lambda step, done, _total: tell(step, offset + done, total),
            step="审核底稿",
        )
    return files


def write_reports(
    dataset: Dataset,
    outdir: Path,
    formats: Sequence[str] = DEFAULT_FORMATS,
    framework_id: str | None = None,
) -> list[Path]:
    """Evaluate ``dataset`` and write its submission report into ``outdir`` (scripts and tests).

    A convenience over :func:`report_files` for callers that want files on disk (the
    audit's tests and benchmarks); the command line writes the files itself.
    """
    from jixiao.evaluation import evaluate
    from jixiao.lib.files import write_atomically

    evaluation = evaluate(dataset, framework=framework_id)
    outdir.mkdir(parents=True, exist_ok=True)
    return [
        write_atomically(outdir / file.filename, file.write_to)
        for file in report_files(evaluation, formats, review_formats=())
    ]


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
    return prepare_report(dataset, None, load_wording(variant="unit"))


def unit_report_stem(dataset: Dataset, model: ReportModel) -> str:
    """A unit report's file name: ``100002-示例科技服务中心2023年度单位整体支出绩效自评报告``."""
    return _safe(f"{dataset.units[0].code}-{model.title}")


def _unit_files(dataset: Dataset, formats: Sequence[str]) -> list[Rendered]:
    model, _ = prepare_unit_report(dataset)
    files = render_report(model, formats, unit_report_stem(dataset, model))
    release_render_caches(formats)
    return files


def release_render_caches(formats: Sequence[str]) -> None:
    """Drop what the renderers of ``formats`` keep of the documents rendered before.

    For processes that render one document after another (a pool's workers, the web's task
    worker): Typst keeps the layouts of its last ten compilations, ~30 MB each for a
    department's PDF, so such a process grew by ~300 MB (docs/performance.md, Province).
    The next PDF is the same bytes, only not helped by the cache; ~30 ms.
    """
    if "pdf" in formats:
        from jixiao.reports.render.pdf import forget_layouts

        forget_layouts()


def unit_report_files(
    dataset: Dataset,
    formats: Sequence[str] = DEFAULT_FORMATS,
    workers: int | None = None,
    on_done: Callable[[Unit], None] | None = None,
) -> list[Rendered]:
    """One report per budget unit with rows, rendered in ``workers`` processes (default: all cores).

    ``on_done(unit)`` is called as each unit finishes (the CLI advances its progress bar).
    ``workers=1`` renders in this process, without a pool. Sorted by file name.
    """
    units = units_with_rows(dataset)
    jobs = [unit_dataset(dataset, u) for u in units]
    count = workers or os.cpu_count() or 1
    files: list[Rendered] = []
    if count == 1:
        for unit, job in zip(units, jobs, strict=True):
            files += _unit_files(job, formats)
            if on_done:
                on_done(unit)
        return sorted(files, key=lambda f: f.filename)
    # A fork server, not a fork of this process: Typst runs threads of its own, and a
    # process forked from one that has run it can hang.
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("forkserver" if "forkserver" in methods else None)
    with ProcessPoolExecutor(max_workers=count, mp_context=context) as pool:
        futures = {
            pool.submit(_unit_files, job, formats): unit
            for unit, job in zip(units, jobs, strict=True)
        }
        for future in as_completed(futures):
            files += future.result()
            if on_done:
                on_done(futures[future])
    return sorted(files, key=lambda f: f.filename)
