"""``jixiao run FOLDER``: a province — every department's dataset in a folder, in one run.

A finance bureau holds one dataset per department (``jixiao.synthetic.synthetic_departments``
makes such a folder). ``jixiao run FOLDER -o OUT`` runs the single-department job
(:func:`jixiao.cli.run.department_files`: the same files, from the same code) for each
``.xlsx`` / ``.yaml`` file directly in ``FOLDER``, into ``OUT/<file name without suffix>/``,
and writes ``OUT/汇总.json`` with one line per department (score, grade, finding counts).

How it is fast (docs/performance.md, Province):

- **Parallel over departments**, in a pool of ``--workers`` processes (default: every
  core). A department's report set is rendered serially inside its worker: forking a
  process for its PDF, as the single run does, only pays when a core would otherwise be
  idle.
- **One process renders many departments**: a worker registers the fonts once and loads
  the report templates once (all cached per process), then renders department after
  department. The modules they need (typst, python-docx, openpyxl, the renderers) are
  imported once, in the fork server the workers are forked from
  (:data:`FORKSERVER_PRELOAD`), not once per worker.
- **Memory stays flat**: after each department a worker makes Typst forget the PDF's
  layouts (:func:`jixiao.reports.render.pdf.forget_layouts`); typst-py keeps those of the
  last ten compilations, ~30 MB each, which took a worker to ~500 MB.
- The workers write straight into the output folder's staging directory and send back
  only a short summary, so no report's bytes cross a pipe; the parent stays small.

The output folder is one transaction, as for a single run: if any dataset cannot be read,
every problem of every such dataset is listed at once, exit 2, and nothing is written.
Findings in the data are output (counted in 汇总.json), not failures.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from contextlib import AbstractContextManager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from jixiao.cli.app import (
    EXIT_INPUT,
    output_folder,
    printable,
    stderr,
    stdout,
)

if TYPE_CHECKING:
    from jixiao.lib.progress import Progress
    from jixiao.scoring import Framework

#: The dataset files a province folder is made of (other files are left alone).
DATASET_SUFFIXES: tuple[str, ...] = (".xlsx", ".yaml", ".yml")
#: The province summary: one line per department.
SUMMARY_FILENAME = "汇总.json"
#: Problems listed per unreadable dataset (the rest are counted).
SHOWN_PROBLEMS = 20


@dataclass(frozen=True)
class DepartmentResult:
    """What a worker sends back about one department: a summary, never the files."""

    source: str  #: the dataset's file name
    folder: str  #: its sub-folder of the output
    department: str = ""
    year: int | None = None
    framework: str = ""
    total: str = ""  #: the framework's total as printed (``85.50``), ``""`` when not scored
    grade: str = ""  #: 优秀 / 良好 / …, ``""`` without a complete score
    errors: int = 0
    warnings: int = 0
    files: int = 0
    #: (place, message) of each problem when the dataset could not be read
    problems: tuple[tuple[str, str], ...] = field(default_factory=tuple)
    problem_count: int = 0

    @property
    def failed(self) -> bool:
        return self.problem_count > 0


def dataset_files(folder: Path) -> list[Path]:
    """The datasets directly in ``folder``, by name (hidden files and Office lock files skipped)."""
    return sorted(
        p
        for p in folder.iterdir()
        if p.is_file()
        and p.suffix.lower() in DATASET_SUFFIXES
        and not p.name.startswith((".", "~$"))
    )


def subfolder_names(paths: Sequence[Path]) -> list[str]:
    """Each dataset's output sub-folder: its name without suffix, or with it when two share one."""
    stems = [p.stem for p in paths]
    return [p.stem if stems.count(p.stem) == 1 else p.name for p in paths]


def department_job(
    path: Path,
    target: Path,
    folder: str,
    framework: str | Framework | None,
    formats: Sequence[str],
) -> DepartmentResult:
    """Load, evaluate and write one department into ``target`` (runs in a worker process)."""
    from jixiao.cli.run import department_files
    from jixiao.dataset.build import DatasetError
    from jixiao.evaluation import evaluate
    from jixiao.findings import Severity
    from jixiao.io.formats import load_dataset
    from jixiao.lib.batch import paused_gc
    from jixiao.lib.money import format_number

    # One department's objects all stay alive until it is written: no garbage to find.
    with paused_gc():
        try:
            dataset = load_dataset(path)
        except DatasetError as error:
            problems = tuple((e.location, e.message) for e in error.errors[:SHOWN_PROBLEMS])
            return DepartmentResult(
                path.name, folder, problems=problems, problem_count=max(1, error.total)
            )
        evaluation = evaluate(dataset, framework=framework)
        target.mkdir(parents=True, exist_ok=True)
        count = 0
        for name, data in department_files(evaluation, path.stem, formats, parallel=False):
            (target / name).write_bytes(data)
            count += 1
    if "pdf" in formats:
        from jixiao.reports.render.pdf import forget_layouts

        # Typst would keep the last ten departments' layouts (~30 MB each) per worker.
        forget_layouts()
    findings = evaluation.findings
    total = evaluation.total
    return DepartmentResult(
        path.name,
        folder,
        department=dataset.profile.department_name,
        year=dataset.profile.year,
        framework=evaluation.framework.id,
        total=format_number(total) if total is not None else "",
        grade=evaluation.grade_label,
        errors=sum(1 for f in findings if f.severity is Severity.ERROR),
        warnings=sum(1 for f in findings if f.severity is Severity.WARNING),
        files=count,
    )


#: What every worker imports, imported once in the fork server that forks the workers
#: (their pages are shared until written): each worker otherwise imported them itself,
#: ~2.5 CPU-s a process (docs/performance.md, Province). Only imports: nothing here runs
#: Typst (a process forked from one that has run it can hang) or opens a font.
FORKSERVER_PRELOAD: tuple[str, ...] = (
    "jixiao.cli.run",
    "jixiao.evaluation",
    "jixiao.io.formats",
    "jixiao.io.textform",
    "jixiao.reports.api",
    "jixiao.reports.review",
    "jixiao.reports.worklist",
    "jixiao.reports.render.excel",
    "jixiao.reports.render.html_page",
    "jixiao.reports.render.pdf",
    "jixiao.reports.render.word",
)


def _warm_up() -> None:
    """A worker's start: the heavy libraries imported and the fonts registered, once."""
    import jixiao.reports.render.html_page  # noqa: F401
    from jixiao.reports.render.pdf import load_fonts

    load_fonts()  # the charts' fonts too: Typst draws them


def run_departments(
    paths: Sequence[Path],
    staging: Path,
    framework: str | Framework | None,
    formats: Sequence[str],
    *,
    workers: int,
    progress: Callable[[], AbstractContextManager[Progress]] | None = None,
) -> list[DepartmentResult]:
    """Every department of ``paths`` into ``staging/<sub-folder>``; results in ``paths`` order.

    ``workers`` processes (1: in this process, no pool). ``progress()`` is entered once
    every worker process exists — a progress bar's drawing thread must not exist when the
    workers are forked — and told ``部门：<name>``, done, total as each department finishes.
    """
    from contextlib import nullcontext

    from jixiao.lib.progress import no_progress

    names = subfolder_names(paths)
    jobs = [(p, staging / n, n) for p, n in zip(paths, names, strict=True)]
    results: list[DepartmentResult | None] = [None] * len(jobs)
    bar = progress or (lambda: nullcontext(no_progress))

    def finished(i: int, result: DepartmentResult, tell: Progress) -> None:
        results[i] = result
        done = sum(1 for r in results if r is not None)
        tell(f"部门：{result.department or result.source}", done, len(jobs))

    if workers <= 1:
        _warm_up()
        with bar() as tell:
            tell("部门", 0, len(jobs))
            for i, (path, target, name) in enumerate(jobs):
                finished(i, department_job(path, target, name, framework, formats), tell)
    else:
        import multiprocessing

        methods = multiprocessing.get_all_start_methods()
        # Workers from a fork server, never forked from this process: Typst (the PDF) runs
        # threads of its own, and a process forked from one that has run it can hang.
        context = multiprocessing.get_context("forkserver" if "forkserver" in methods else None)
        if context.get_start_method() == "forkserver":
            # (a fork server already running, e.g. in a test process, keeps its own list)
            context.set_forkserver_preload(list(FORKSERVER_PRELOAD))
        with ProcessPoolExecutor(workers, mp_context=context, initializer=_warm_up) as pool:
            futures: dict[Future[DepartmentResult], int] = {
                pool.submit(department_job, path, target, name, framework, formats): i
                for i, (path, target, name) in enumerate(jobs)
            }
            with bar() as tell:
                tell("部门", 0, len(jobs))
                for future in as_completed(futures):
                    finished(futures[future], future.result(), tell)
    return [r for r in results if r is not None]


def summary_document(results: Sequence[DepartmentResult], formats: Sequence[str]) -> bytes:
    """汇总.json: the run's formats and one line per department, in file-name order."""
    keep = ("source", "folder", "department", "year", "framework", "total", "grade")
    document = {
        "formats": list(formats),
        "departments": [
            {
                **{k: v for k, v in asdict(r).items() if k in keep},
                "errors": r.errors,
                "warnings": r.warnings,
                "files": r.files,
            }
            for r in results
        ],
    }
    return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def _print_failures(failed: Sequence[DepartmentResult], out: Path) -> None:
    from rich.table import Table

    total = sum(r.problem_count for r in failed)
    table = Table(title=f"无法读取 {len(failed)} 个数据集：共 {total:,} 处问题")
    table.add_column("数据集", style="cyan", overflow="fold", max_width=30)
    table.add_column("位置", overflow="fold", max_width=30)
    table.add_column("问题")
    for result in failed:
        for place, message in result.problems:
            table.add_row(printable(result.source), printable(place), printable(message))
        more = result.problem_count - len(result.problems)
        if more > 0:
            table.add_row(printable(result.source), "", f"另有 {more:,} 项问题未列出")
    console = stderr()
    console.print(table)
    state = "保持原样" if out.exists() else "未创建"
    console.print(
        f"[yellow]输出目录“{printable(str(out))}”{state}，没有写入任何文件；"
        "请改正以上数据集后重新运行。[/yellow]"
    )


def _print_summary(results: Sequence[DepartmentResult]) -> None:
    from rich.table import Table

    table = Table(title="各部门评价结果", title_justify="left")
    for name, justify in (
        ("数据集", "left"),
        ("部门", "left"),
        ("总分", "right"),
        ("等级", "left"),
        ("错误", "right"),
        ("警告", "right"),
    ):
        table.add_column(name, justify=justify)  # type: ignore[arg-type]
    for r in results:
        table.add_row(
            printable(r.source),
            printable(r.department),
            r.total or "—",
            r.grade or "—",
            str(r.errors),
            str(r.warnings),
        )
    stdout().print(table)


def run_folder(
    folder_path: Path,
    out: Path,
    framework: str | Framework | None,
    formats: Sequence[str],
    *,
    inputs: Sequence[Path],
    force: bool,
    workers: int,
    quiet: bool = False,
) -> None:
    """``jixiao run FOLDER``: every department of the folder, with a progress bar of counts."""
    from jixiao.cli.progress import progress_bar
    from jixiao.scoring import UnknownFramework
    from jixiao.scoring.loader import SHIPPED

    paths = dataset_files(folder_path)
    if not paths:
        stderr().print(
            f"[red]目录“{printable(str(folder_path))}”中没有数据集"
            "（.xlsx 工作簿或 .yaml 文本格式）[/red]"
        )
        raise typer.Exit(EXIT_INPUT)
    if isinstance(framework, str):
        try:  # named once for every department: check it before any work
            framework = SHIPPED.get(framework)
        except UnknownFramework as error:
            stderr().print(f"[red]{printable(str(error))}[/red]")
            raise typer.Exit(EXIT_INPUT) from None
    count = min(workers or os.cpu_count() or 1, len(paths))
    with output_folder(out, inputs=inputs, force=force, command="run") as folder:
        results = run_departments(
            paths,
            folder.staging,
            framework,
            formats,
            workers=count,
            progress=lambda: progress_bar(quiet),
        )
        failed = [r for r in results if r.failed]
        if failed:
            _print_failures(failed, out)
            raise typer.Exit(EXIT_INPUT)
        folder.write(SUMMARY_FILENAME, summary_document(results, formats))

    _print_summary(results)
    files = sum(r.files for r in results) + 1
    stdout().print(
        f"已写入 {len(results)} 个部门的 {files:,} 个文件：{printable(str(out))}"
        f"（各部门一个子目录，汇总见 {SUMMARY_FILENAME}）"
    )
