"""``jixiao score``: score a dataset with an indicator framework (评分)."""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape

from jixiao.cli.app import (
    EXIT_INPUT,
    EXIT_OK,
    app,
    check_output,
    fail_framework,
    framework_or_exit,
    load_or_exit,
    output_edge,
    print_json,
    stderr,
    stdout,
    write_output,
)
from jixiao.cli.progress import QuietOpt, progress_bar

if TYPE_CHECKING:
    from rich.console import Console
    from rich.table import Table

    from jixiao.dataset.model import Dataset
    from jixiao.lib.progress import Progress
    from jixiao.scoring import Framework, Scorecard, WhatIf
    from jixiao.scoring.model import ItemScore


class ScoreFormat(StrEnum):
    text = "text"
    json = "json"
    xlsx = "xlsx"


DatasetArg = Annotated[
    Path, typer.Argument(metavar="DATASET", help="数据集：.xlsx 工作簿或 .yaml 文本格式")
]
FrameworkOpt = Annotated[
    str,
    typer.Option(
        "--framework",
        "-f",
        help="评分框架编号（如 gd-dept-2023）或框架 YAML 文件；默认取数据集“自评结论”中的评分框架",
    ),
]
FormatOpt = Annotated[
    ScoreFormat, typer.Option("--format", help="输出格式：text、json 或 xlsx（附表 评分表）")
]
OutputOpt = Annotated[
    Path | None,
    typer.Option("--output", "-o", help="输出文件（xlsx 必填；text/json 默认输出到屏幕）"),
]
WhatIfOpt = Annotated[bool, typer.Option("--what-if", help="列出达到上一等级所需的最小改动")]
ForceOpt = Annotated[bool, typer.Option("--force", help="覆盖已有的输出文件")]


@app.command()
def score(
    dataset_path: DatasetArg,
    framework_id: FrameworkOpt = "",
    output_format: FormatOpt = ScoreFormat.text,
    output: OutputOpt = None,
    show_what_if: WhatIfOpt = False,
    force: ForceOpt = False,
    quiet: QuietOpt = False,
) -> None:
    """按评分框架为数据集评分：评分表（分值、得分、评分说明）、总分、等级及发现的问题。"""
    from jixiao.scoring import what_if

    if output_format is ScoreFormat.xlsx and output is None:
        stderr().print("[red]--format xlsx 需要用 -o 指定输出文件，如 -o 评分表.xlsx[/red]")
        raise typer.Exit(EXIT_INPUT)
    if output is not None:
        framework_file = [Path(framework_id)] if framework_id.endswith((".yaml", ".yml")) else []
        check_output(output, force=force, inputs=[dataset_path, *framework_file])
    chosen = framework_or_exit(framework_id)
    with progress_bar(quiet) as progress:
        dataset = load_or_exit(dataset_path, progress)
        framework = _framework(chosen or dataset.self_evaluation.framework)
        cards = _score(dataset, framework, progress)
    if not cards:
        stderr().print(
            f"[yellow]“{escape(framework.id)}”为项目评分框架，但数据集中没有项目，未评分[/yellow]"
        )
        raise typer.Exit(EXIT_OK)
    hints = {c.subject: what_if(c, framework) for c in cards} if show_what_if else {}
    if output_format is ScoreFormat.xlsx:
        from jixiao.lib.files import bytes_from_writer
        from jixiao.scoring.export import write_scorecards_xlsx

        assert output is not None
        with output_edge():
            data = bytes_from_writer(lambda p: write_scorecards_xlsx(cards, p), output)
        write_output(output, data)
        stdout().print(f"已写入 {escape(str(output))}")
    elif output_format is ScoreFormat.json:
        _print_json(cards, framework, hints, output)
    else:
        _print_text(cards, hints, output)


def _print_text(
    cards: list[Scorecard], hints: dict[str, WhatIf | None], output: Path | None
) -> None:
    """The scorecards as tables: on the screen, or as plain text into ``output``."""
    import io

    from rich.console import Console

    if output is None:
        console = stdout()
        for card in cards:
            _print_card(card, hints.get(card.subject), console)
        return
    text = io.StringIO()
    to = Console(file=text, width=160, highlight=False, force_terminal=False)
    for card in cards:
        _print_card(card, hints.get(card.subject), to)
    write_output(output, text.getvalue().encode("utf-8"))
    stdout().print(f"已写入 {escape(str(output))}")


def _framework(framework_id: str | Framework) -> Framework:
    from jixiao.scoring import Framework, FrameworkError, load_framework

    if isinstance(framework_id, Framework):
        return framework_id
    if not framework_id:
        from jixiao.scoring import known_frameworks

        known = "、".join(known_frameworks())
        fail_framework([("--framework", f"未指定评分框架，数据集也未写明（可用：{known}）")])
    try:
        return load_framework(framework_id)
    except FrameworkError as error:
        fail_framework([(e.location, e.message) for e in error.errors])


def _score(dataset: Dataset, framework: Framework, progress: Progress) -> list[Scorecard]:
    """Each project's scorecard, or the department's from the one evaluation service."""
    from jixiao.evaluation import evaluate
    from jixiao.scoring import score_projects

    if framework.subject == "project":
        progress("项目评分", 0, 1)
        cards = list(score_projects(dataset, framework))
        progress("项目评分", 1, 1)
        return cards
    card = evaluate(dataset, framework=framework, progress=progress).scorecard
    return [card] if card is not None else []


def _print_json(
    cards: list[Scorecard],
    framework: Framework,
    hints: dict[str, WhatIf | None],
    output: Path | None,
) -> None:
    documents = []
    for card in cards:
        document = card.to_json()
        if card.subject in hints:
            document["what_if"] = _what_if_json(hints[card.subject])
        documents.append(document)
    result: object = (
        documents[0]
        if framework.subject == "department"
        else {"framework": framework.id, "projects": documents}
    )
    if output is None:
        print_json(result)
        return
    import json

    text = json.dumps(result, ensure_ascii=False, indent=2) + "\n"
    write_output(output, text.encode("utf-8"))
    stdout().print(f"已写入 {escape(str(output))}")


def _what_if_json(hint: WhatIf | None) -> object:
    if hint is None:
        return None
    changes = [
        {"code": c.code, "name": c.name, "score": str(c.score), "increase": str(c.increase)}
        for c in hint.single
    ]
    combined = [
        {"code": c.code, "name": c.name, "score": str(c.score), "increase": str(c.increase)}
        for c in hint.combined
    ]
    return {
        "target": hint.target.label,
        "gap": str(hint.gap),
        "single": changes,
        "combined": combined,
    }


def _shown(value: Decimal | None) -> str:
    """A number as the scorecard prints it: ``13.5``, ``50``, ``—`` when unknown."""
    from jixiao.scoring.rules import num

    return "—" if value is None else num(value)


def _add_rows(table: Table, items: tuple[ItemScore, ...], depth: int = 0) -> None:
    from jixiao.scoring.model import Status

    for item in items:
        score = item.rating or _shown(item.score)
        style = "yellow" if item.status is not Status.SCORED else None
        table.add_row(
            escape(item.code),
            escape("  " * depth + item.name),
            _shown(item.points),
            score,
            escape(item.explanation),
            style=style,
        )
        for reference in item.references:
            table.add_row("", "", "", "", f"[dim]{escape(reference)}[/dim]")
        _add_rows(table, item.children, depth + 1)


def _print_card(card: Scorecard, hint: WhatIf | None, to: Console) -> None:
    from rich.table import Table

    table = Table(title=escape(f"{card.framework_name}：{card.subject}"), show_lines=False)
    for name in ("编码", "指标", "分值", "得分", "评分说明"):
        table.add_column(name, overflow="fold")
    _add_rows(table, card.items)
    to.print(table)
    if card.total is not None:
        grade = f"，等级：{card.grade_label}" if card.grade_label else ""
        partial = "（部分指标缺少数据，未计入）" if not card.complete else ""
        to.print(f"总分：{_shown(card.total)} 分{grade}{partial}")
    for finding in card.findings:
        colour = {"error": "red", "warning": "yellow"}.get(finding.severity.value, "cyan")
        to.print(f"[{colour}]【{finding.severity.value}】[/{colour}] {escape(finding.message)}")
    if hint is not None:
        _print_what_if(hint, to)


def _print_what_if(hint: WhatIf, to: Console) -> None:
    to.print(
        f"达到“{hint.target.label}”（≥ {_shown(hint.target.minimum)} 分）还差 {_shown(hint.gap)} 分："
    )
    for change in hint.single:
        to.print(
            f"  · {escape(change.code)} {escape(change.name)}：{_shown(change.score)} → {_shown(change.new_score)}（+{_shown(change.increase)}）"
        )
    if hint.combined:
        to.print(
            "  需同时提高："
            + "；".join(
                f"{escape(c.code)} {escape(c.name)} +{_shown(c.increase)}" for c in hint.combined
            )
        )
    if not hint.reachable:
        to.print("  现有可提分的指标不足以达到该等级")
