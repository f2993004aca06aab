"""The commands' progress bar: one line on standard error while a long command works.

Every long step of the engine takes a ``progress(step, done, total)`` callable
(:mod:`jixiao.lib.progress`); :func:`progress_bar` gives the commands one that draws a
Rich progress bar — the step, the bar, ``done/total`` and the time — on **standard error**,
so a command's output (a table, ``--format json``, a file on standard output) is never
mixed with it. The bar is not drawn at all when standard error is not a terminal (a
script, a pipe, a log file, the tests) or with ``--quiet``, and it disappears when the
command ends (``transient``): what stays on the screen is the command's own result.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated

import typer

from jixiao.cli.app import stderr
from jixiao.lib.progress import Progress, no_progress

QuietOpt = Annotated[
    bool,
    typer.Option("--quiet", "-q", help="不显示进度条（标准错误不是终端时本来也不显示）"),
]


@contextmanager
def progress_bar(quiet: bool = False) -> Iterator[Progress]:
    """A :class:`~jixiao.lib.progress.Progress` that draws on standard error for the block.

    Quiet (:func:`~jixiao.lib.progress.no_progress`) with ``quiet`` or when standard
    error is not a terminal.
    """
    console = stderr()
    if quiet or not console.is_interactive:
        yield no_progress
        return
    from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeElapsedColumn
    from rich.progress import Progress as Bar

    bar = Bar(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
        # Standard output is left alone (Rich would route it through the bar's console,
        # on standard error): the command's data must stay exactly the data. Messages on
        # standard error (an input error in the middle of a step) are printed above the
        # bar, so clearing the bar at the end cannot erase their last line.
        redirect_stdout=False,
        redirect_stderr=True,
    )
    with bar:
        task = bar.add_task("开始", total=None)

        def tell(step: str, done: int, total: int, /) -> None:
            bar.update(task, description=step, completed=done, total=total)

        yield tell
