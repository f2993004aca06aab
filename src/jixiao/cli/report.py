"""``jixiao report``: the self-evaluation report in Word, HTML, PDF and Excel."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer

from jixiao.cli.app import (
    EXIT_INPUT,
    app,
    check_folder,
    fail_input,
    framework_or_exit,
    load_or_exit,
    output_folder,
    print_findings,
    printable,
    stderr,
    stdout,
)
from jixiao.cli.progress import QuietOpt, progress_bar

if TYPE_CHECKING:
    from jixiao.dataset.model import Dataset
    from jixiao.lib.files import OutputFolder
    from jixiao.lib.progress import Progress

#: The files of a template directory that the report reads (docs/reports.md).
TEMPLATE_FILES = ("report.html.j2", "report.css")


def _fail_template(place: str, problem: str) -> NoReturn:
    stderr().print(f"[red]报告模板有误：{printable(place)}：{printable(problem)}[/red]")
    stderr().print("请改正模板后重试（可从 src/jixiao/reports/templates 复制原模板）。")
    raise typer.Exit(EXIT_INPUT)


def check_template_dir(template: Path) -> None:
    """Refuse, before any work, a template directory that cannot be used: missing,
    unreadable, not UTF-8, or a Jinja syntax error (exit 2, naming file and line)."""
    from jinja2 import Environment, TemplateSyntaxError

    from jixiao.cli.files import TooLarge, read_bounded
    from jixiao.io.limits import DEFAULT_LIMITS
    from jixiao.lib.files import failure_reason

    if not template.is_dir():
        stderr().print(f"[red]模板目录“{printable(str(template))}”不存在[/red]")
        raise typer.Exit(EXIT_INPUT)
    for name in TEMPLATE_FILES:
        path = template / name
        if not path.exists():
            continue  # the shipped file is used
        try:
            text = read_bounded(path, "模板文件", DEFAULT_LIMITS.config_bytes).decode("utf-8")
        except UnicodeDecodeError as error:
            _fail_template(str(path), f"不是 UTF-8 编码的文本文件（第 {error.start + 1} 个字节）")
        except TooLarge as error:
            _fail_template(str(path), str(error))
        except OSError as error:
            _fail_template(str(path), f"无法读取（{failure_reason(error)}）")
        if name.endswith(".j2"):
            try:
                Environment().parse(text, name, str(path))
            except TemplateSyntaxError as error:
                _fail_template(f"{path}:{error.lineno}", f"模板语法错误（{error.message}）")


_TEMPLATE_LINE = re.compile(r'File "(?P<file>[^"]+)", line (?P<line>\d+)')


def _template_place(error: BaseException, template: Path) -> str | None:
    """``file:line`` of the template line that raised ``error`` (also when it was raised
    in the process that renders the PDF: its traceback comes back as text)."""
    root = template.resolve()
    places: list[tuple[str, int]] = []
    seen: BaseException | None = error
    while seen is not None:
        tb = seen.__traceback__
        while tb is not None:
            places.append((tb.tb_frame.f_code.co_filename, tb.tb_lineno))
            tb = tb.tb_next
        places += [(m["file"], int(m["line"])) for m in _TEMPLATE_LINE.finditer(str(seen))]
        seen = seen.__cause__ or seen.__context__
    for filename, line in places:
        path = Path(filename)
        if path.suffix == ".j2" and path.resolve().is_relative_to(root):
            return f"{filename}:{line}"
    return None


_TEMPLATE_ERRORS = {
    "UndefinedError": "使用了未定义的名称或属性",
    "TemplateNotFound": "找不到引用的模板",
    "TemplateSyntaxError": "模板语法错误",
    "TemplateRuntimeError": "模板运行出错",
}


@contextmanager
def template_errors(template: Path | None) -> Iterator[None]:
    """An error raised by a user's template: its file and line, in Chinese, exit 2.

    Errors that do not come from the user's template are not ours to explain and pass.
    """
    from jinja2 import TemplateError

    if template is None:
        yield
        return
    try:
        yield
    except (KeyboardInterrupt, typer.Exit):
        raise
    except Exception as error:
        place = _template_place(error, template)
        if place is None and not isinstance(error, TemplateError):
            raise
        kind = _TEMPLATE_ERRORS.get(type(error).__name__, "模板运行出错")
        detail = getattr(error, "message", None) or str(error) or type(error).__name__
        _fail_template(place or str(template), f"{kind}（{detail}）")


def _formats(value: str) -> list[str]:
    from jixiao.reports.api import check_formats

    formats = [f.strip().lower() for f in value.split(",") if f.strip()]
    unknown = check_formats(formats)
    if unknown or not formats:
        shown = "、".join(unknown) or "（空）"
        stderr().print(
            f"[red]不支持的报告格式：{printable(shown)}（可选：docx、html、pdf、xlsx）[/red]"
        )
        raise typer.Exit(EXIT_INPUT)
    return formats


@app.command()
def report(
    dataset_path: Annotated[Path, typer.Argument(help="数据集：.xlsx 工作簿或 .yaml 文本格式")],
    out: Annotated[Path, typer.Option("--out", "-o", help="输出目录")] = Path("out"),
    framework: Annotated[
        str,
        typer.Option(
            "--framework",
            help="评分框架编号，或框架 YAML 文件；默认取数据集“自评结论”中的评分框架（须为内置编号）",
        ),
    ] = "",
    formats: Annotated[
        str, typer.Option("--format", help="报告格式，逗号分隔：docx,html,pdf,xlsx")
    ] = "docx,html,pdf,xlsx",
    per_unit: Annotated[
        bool,
        typer.Option("--per-unit", help="另为每个有分单位数据的预算单位各写一份报告（多进程并行）"),
    ] = False,
    wording: Annotated[
        Path | None,
        typer.Option("--wording", help="自定义措辞与大纲的 YAML 文件（见 docs/reports.md）"),
    ] = None,
    template: Annotated[
        Path | None,
        typer.Option(
            "--template",
            help="自定义 HTML/PDF 模板目录（report.html.j2、report.css，见 docs/reports.md）",
        ),
    ] = None,
    workers: Annotated[
        int, typer.Option("--workers", min=0, help="--per-unit 的并行进程数；默认为 CPU 核数")
    ] = 0,
    force: Annotated[
        bool,
        typer.Option("--force", help="输出目录已有其他文件时也整体替换（输入文件所在目录除外）"),
    ] = False,
    quiet: QuietOpt = False,
) -> None:
    """生成部门整体支出绩效自评报告（Word、网页、PDF、Excel），含图表、评分表和数据来源。"""
    from jixiao.cli.files import load_wording_file
    from jixiao.dataset.build import DatasetError
    from jixiao.evaluation import evaluate
    from jixiao.lib.batch import paused_gc
    from jixiao.reports.api import report_files
    from jixiao.scoring import UnknownFramework

    chosen = _formats(formats)
    chosen_framework = framework_or_exit(framework)
    if template is not None:
        check_template_dir(template)
    framework_file = [Path(framework)] if framework.endswith((".yaml", ".yml")) else []
    inputs = [p for p in (dataset_path, wording, *framework_file) if p is not None]
    check_folder(out, inputs=inputs, force=force)
    console = stdout()
    written: list[Path] = []
    with progress_bar(quiet) as progress:
        dataset = load_or_exit(dataset_path, progress)
        try:
            custom = load_wording_file(wording) if wording else None
        except DatasetError as error:
            fail_input(error)
        try:
            evaluation = evaluate(dataset, framework=chosen_framework, progress=progress)
        except UnknownFramework as error:
            stderr().print(f"[red]{printable(str(error))}[/red]")
            raise typer.Exit(EXIT_INPUT) from None
        # The report set (and the per-unit reports) is one transaction: the folder is
        # replaced only when every file is written.
        with output_folder(out, inputs=inputs, force=force, command="report") as folder:
            with paused_gc(), template_errors(template):
                files = report_files(
                    evaluation,
                    chosen,
                    wording=custom,
                    template_dir=template,
                    progress=progress,
                )
                for file in files:
                    written.append(folder.write(file.filename, file.data))
            unit_files = _per_unit(dataset, folder, chosen, workers, progress) if per_unit else None
    print_findings(list(evaluation.findings), "数据一致性检查", "（详见审核底稿）")
    for path in written:
        console.print(f"已写入 {printable(str(path))}")
    if unit_files is not None:
        count, files_written = unit_files
        console.print(
            f"已为 {count} 个预算单位写入 {files_written} 个文件：{printable(str(out / 'units'))}"
        )


def _per_unit(
    dataset: Dataset, folder: OutputFolder, formats: list[str], workers: int, progress: Progress
) -> tuple[int, int] | None:
    """One report per budget unit, in parallel processes, counted on ``progress``."""
    from jixiao.reports.api import unit_report_files, units_with_rows

    units = units_with_rows(dataset)
    if not units:
        stdout().print("[yellow]数据集中没有分单位数据，未生成分单位报告[/yellow]")
        return None
    done = 0

    def one_done(_unit: object) -> None:
        nonlocal done
        done += 1
        progress("分单位报告", done, len(units))

    progress("分单位报告", 0, len(units))
    files = unit_report_files(dataset, formats, workers=workers or None, on_done=one_done)
    for file in files:
        folder.write(f"units/{file.filename}", file.data)
    return len(units), len(files)
