"""What the ``jixiao`` command starts before it imports anything else.

``jixiao audit report.pdf`` spends its first ~0.1 s of CPU importing typer, Rich and the
audit's rules, and a long PDF's reading (poppler, two processes) takes longer still:
started here, at the very start of the process, poppler reads the PDF on the other core
while Python imports (issue 15 item 4; docs/performance.md, the audit section). The
command line is looked at, not parsed: this is a guess that costs nothing when it is
wrong (the reader takes the run only if it gets the same bytes:
:func:`jixiao.audit.poppler.read_ahead`), and typer still parses the command line and
checks everything as always.
"""

from __future__ import annotations

import os
from collections.abc import Sequence

#: The ``jixiao audit`` options that take a value (the audit command's; a test keeps them
#: in step). Every other option is a flag.
AUDIT_VALUE_OPTIONS = frozenset({"--format", "-f", "--output", "-o", "--dataset", "-d"})


def read_ahead_for(argv: Sequence[str]) -> None:
    """Start reading the PDF of ``jixiao audit <one .pdf>`` (``argv`` is :data:`sys.argv`),
    and hold the garbage collector off while ``jixiao audit`` imports its modules
    (:func:`imports_done` turns it back on)."""
    if len(argv) < 3 or argv[1] != "audit" or not _is_jixiao(argv[0]):
        return
    _hold_collector()
    report = audit_report(argv[2:])
    if report is not None and report.lower().endswith(".pdf"):
        from jixiao.audit.poppler import read_ahead

        read_ahead(report)


def _is_jixiao(program: str) -> bool:
    """The console script ``jixiao`` or ``python -m jixiao`` (not a test runner that happens
    to import the commands)."""
    head, name = os.path.split(program)
    return name == "jixiao" or (name == "__main__.py" and os.path.basename(head) == "jixiao")


def audit_report(arguments: Sequence[str]) -> str | None:
    """The one REPORT among ``jixiao audit``'s ``arguments``; None when there is not exactly
    one, or help is asked for."""
    positional: list[str] = []
    expects_value = False
    rest = iter(arguments)
    for argument in rest:
        if expects_value:
            expects_value = False
        elif argument == "--":
            positional.extend(rest)
        elif argument == "--help":
            return None
        elif argument.startswith("--"):
            expects_value = "=" not in argument and argument in AUDIT_VALUE_OPTIONS
        elif argument.startswith("-") and len(argument) > 1:
            expects_value = _short_expects_value(argument)
        else:
            positional.append(argument)
    return positional[0] if len(positional) == 1 else None


def _short_expects_value(argument: str) -> bool:
    """``-q``, ``-fjson``, ``-qf`` (then the value is the next argument): click's short options."""
    for index, letter in enumerate(argument[1:], start=1):
        if f"-{letter}" in AUDIT_VALUE_OPTIONS:
            return index == len(argument) - 1
    return False


#: Whether :func:`read_ahead_for` turned the garbage collector off.
_collector_held = False


def _hold_collector() -> None:
    """No garbage collection while the command's modules are imported: typer, Rich and the
    audit's rules create some 100,000 objects that live as long as the process, and each
    collection on the way goes through them again, to free nothing (≈ 70 M instructions,
    ≈ 4 % of ``jixiao audit report.pdf``'s Python process; the peak memory is the same)."""
    import gc

    global _collector_held
    if gc.isenabled():
        gc.disable()
        _collector_held = True


def imports_done() -> None:
    """Called by ``jixiao audit`` when the command runs: the objects made so far move to
    the permanent generation (later collections skip them) and the collector is turned on
    again, if :func:`read_ahead_for` held it. Otherwise nothing."""
    import gc

    global _collector_held
    if _collector_held:
        _collector_held = False
        gc.freeze()
        gc.enable()
