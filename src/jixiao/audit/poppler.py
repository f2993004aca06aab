"""poppler's ``pdftotext`` run as processes on a PDF's bytes: the text and the word boxes.

Light on purpose — the standard library's process tools and nothing of jixiao's but this
package's (empty) ``__init__`` — so that ``jixiao audit report.pdf`` can start poppler
before it imports anything else (:func:`read_ahead`, called by :mod:`jixiao.cli.early`):
importing :mod:`jixiao.audit.extract` first (dataclasses, zipfile, its regular
expressions) would delay poppler's start by about 30 ms. The text is turned into pages and
the lines rejoined by :class:`jixiao.audit.extract.PopplerReader`.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import threading
from typing import IO, TYPE_CHECKING, Generic, TypeVar

if TYPE_CHECKING:
    from collections.abc import Callable

_T = TypeVar("_T")

#: Larger files are refused: a 300-page report is a few MB as .docx or .pdf.
MAX_BYTES = 50 * 1024 * 1024
#: …and so is more text than this (about 3,000 pages).
MAX_CHARS = 3_000_000
#: Bytes of UTF-8 text beyond which the text is certainly more than :data:`MAX_CHARS`
#: characters (at most 4 bytes a character): poppler's output is read up to this and no
#: further (the word boxes: four times this).
MAX_TEXT_BYTES = 4 * MAX_CHARS
#: How long poppler may take on one file before the next reader is tried (a 300-page
#: report takes well under a second of CPU; the machine may be loaded).
POPPLER_TIMEOUT = 60.0
#: ``-raw``: the text in the order the page draws it (jixiao.audit.extract.PopplerReader
#: says why this mode); the PDF on standard input, the text on standard output.
ARGUMENTS: tuple[str, ...] = ("-raw", "-q", "-enc", "UTF-8", "-eol", "unix", "-", "-")


class PopplerRun:
    """poppler's two processes on one PDF's bytes, running: the text (``-raw``) and the word
    boxes (``-raw -bbox``), each started and read by a thread of its own, so that with a free
    core reading takes the wall time of one run and the caller may do other work meanwhile.

    The boxes alone cannot give the text: poppler breaks lines and writes spaces by each
    word's baseline and font size, which ``-bbox`` does not print (docs/audit.md, "Why not
    one pass").
    """

    def __init__(self, executable: str, data: bytes) -> None:
        self.data = data
        text, words = [executable, *ARGUMENTS], [executable, "-bbox", *ARGUMENTS]
        self._text = _InThread(run_bounded, text, data, MAX_TEXT_BYTES, POPPLER_TIMEOUT)
        self._words = _InThread(run_bounded, words, data, 4 * MAX_TEXT_BYTES, POPPLER_TIMEOUT)

    @classmethod
    def start(cls, data: bytes) -> PopplerRun | None:
        """Both processes started on ``data``; None when poppler is not installed."""
        executable = shutil.which("pdftotext")
        return None if executable is None else cls(executable, data)

    def result(self) -> tuple[tuple[int, bytes], tuple[int, bytes]]:
        """(exit code, output) of the text run and of the word-box run, when both ended."""
        return self._text.result(), self._words.result()


class _InThread(Generic[_T]):
    """``function(*arguments)`` run in a daemon thread: an unclaimed run never holds up the
    interpreter's exit (its processes then end on their closed pipes)."""

    def __init__(self, function: Callable[..., _T], *arguments: object) -> None:
        self._value: _T | None = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, args=(function, arguments), daemon=True)
        self._thread.start()

    def _run(self, function: Callable[..., _T], arguments: tuple[object, ...]) -> None:
        try:
            self._value = function(*arguments)
        except BaseException as error:  # handed to the caller of result()
            self._error = error

    def result(self) -> _T:
        self._thread.join()
        if self._error is not None:
            raise self._error
        return self._value  # type: ignore[return-value]  # set when no error was raised


def run_bounded(command: list[str], data: bytes, limit: int, timeout: float) -> tuple[int, bytes]:
    """Run ``command`` with ``data`` on its standard input: (exit code, at most ``limit`` + 1
    bytes of its output). Killed after ``timeout`` seconds (the exit code is then negative)
    or as soon as its output passes ``limit``."""
    process = subprocess.Popen(
        command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL
    )
    assert process.stdin is not None and process.stdout is not None
    # The input is written from a second thread while this one reads, so that neither pipe
    # can fill up and stop both processes.
    feeder = threading.Thread(target=_feed, args=(process.stdin, data), daemon=True)
    timer = threading.Timer(timeout, process.kill)
    timer.start()
    feeder.start()
    try:
        output = process.stdout.read(limit + 1)
        if len(output) > limit:
            process.kill()
    finally:
        process.stdout.close()
        code = process.wait()
        timer.cancel()
        feeder.join()
    return code, output


def _feed(pipe: IO[bytes], data: bytes) -> None:
    try:
        pipe.write(data)
    except OSError:  # the process stopped reading (it failed, or was killed)
        pass
    finally:
        with contextlib.suppress(OSError):
            pipe.close()


#: The run :func:`read_ahead` started, until a reader takes it.
_read_ahead: PopplerRun | None = None
_read_ahead_lock = threading.Lock()


def read_ahead(path: str) -> None:
    """Start poppler on the PDF at ``path`` now, for the reader that reads the same bytes
    later (``jixiao audit report.pdf``: the command's start-up — typer, Rich, the rules —
    then overlaps the reading instead of preceding it). The reader takes the run only if
    the bytes it is given are those read here; anything unusual (not a regular file, not a
    PDF, too large, no poppler) starts nothing and leaves every check to the reader."""
    global _read_ahead
    try:
        # A regular file only, checked before opening: opening a named pipe would wait for
        # its writer, and reading it would take the data the command is to read.
        if not os.path.isfile(path) or os.path.getsize(path) > MAX_BYTES:
            return
        with open(path, "rb") as stream:
            data = stream.read(MAX_BYTES + 1)
    except OSError:
        return
    if len(data) > MAX_BYTES or not data.startswith(b"%PDF"):
        return
    run = PopplerRun.start(data)
    with _read_ahead_lock:
        _read_ahead = run


def take_read_ahead(data: bytes) -> PopplerRun | None:
    """The run :func:`read_ahead` started, if it read exactly ``data`` (once: a run for
    other bytes is dropped)."""
    global _read_ahead
    with _read_ahead_lock:
        run, _read_ahead = _read_ahead, None
    return run if run is not None and run.data == data else None
