"""The progress contract: how a long step tells its caller how far it has got.

A step that can take more than a second takes a ``progress`` argument: any callable
``progress(step, done, total)`` — the step's Chinese name (“读取工作表”, “报告 PDF”,
“审核”), how many of ``total`` units are done. The engine never keeps it anywhere
(no process-wide state): the caller passes it in and decides what to do with it. The
command line draws a progress bar on standard error; a web task writes it into its job
row, which the page polls.

The contract, which the tests check for every command on the example — over one call
of an operation that takes ``progress``:

- ``done`` starts at 0 (said before the first unit, so a slow first unit is visible) and
  never decreases;
- the last call has ``done == total``, and ``total`` is the same in every call: the
  number of units the operation does (tables, stages, formats, files, reports);
- ``step`` names what is being done and may change from call to call (“报告 Word”,
  “报告 PDF”): a progress bar shows it beside the count.
"""

from __future__ import annotations

from typing import Protocol


class Progress(Protocol):
    """``progress(step, done, total)``: ``done`` of ``total`` units of ``step`` are done."""

    def __call__(self, step: str, done: int, total: int, /) -> None: ...


def no_progress(step: str, done: int, total: int, /) -> None:
    """The progress of a caller that does not follow it."""


def tell_or_ignore(progress: Progress | None) -> Progress:
    """``progress``, or :func:`no_progress` when the caller passed none."""
    return progress if progress is not None else no_progress


__all__ = ["Progress", "no_progress", "tell_or_ignore"]
