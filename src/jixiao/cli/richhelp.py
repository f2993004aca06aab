"""Typer's Rich help without the parts jixiao never uses (issue 15, item 2: start-up).

Typer renders ``--help`` and its error panels with ``typer.rich_utils``, imported when
first needed. That module imports, at its top, ``rich.markdown`` (with ``markdown_it``:
only for ``rich_markup_mode="markdown"``) and ``rich.traceback`` (with ``rich.syntax`` and
Pygments: only for pretty exceptions). jixiao's help is in Rich markup mode and its
pretty exceptions are off, so neither is ever used, yet the two imports were about 40 % of
``jixiao --help``'s CPU (benchmarks/bench_startup.py).

:func:`install` puts a finder on ``sys.meta_path`` that takes part in one import only:
``typer.rich_utils``. It runs typer's own module unchanged, with the two names it imports
from those modules bound to small stand-ins that import the real class the first time
they are used (so markdown help or a Rich traceback still work if ever asked for). The
stand-in modules exist only while ``typer.rich_utils`` runs; an import of ``rich.markdown``
or ``rich.traceback`` afterwards, by anyone, gets the real module. If either is already
imported, the real one is used. tests/cli/test_startup.py guards the import set and that
the help and the stand-ins still work.
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import sys
import types
from collections.abc import Sequence
from typing import Any

TARGET = "typer.rich_utils"


class Markdown:
    """Stands for ``rich.markdown.Markdown`` in typer's help renderer until used."""

    def __new__(cls, *args: Any, **kwargs: Any) -> Any:
        from rich.markdown import Markdown as Real

        return Real(*args, **kwargs)


class Traceback:
    """Stands for ``rich.traceback.Traceback`` in typer's help renderer until used."""

    @classmethod
    def from_exception(cls, *args: Any, **kwargs: Any) -> Any:
        from rich.traceback import Traceback as Real

        return Real.from_exception(*args, **kwargs)


#: module → the one name typer.rich_utils imports from it → its stand-in.
STAND_INS: dict[str, tuple[str, type]] = {
    "rich.markdown": ("Markdown", Markdown),
    "rich.traceback": ("Traceback", Traceback),
}


class _Loader(importlib.abc.Loader):
    def __init__(self, real: importlib.abc.Loader) -> None:
        self._real = real

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> types.ModuleType | None:
        return self._real.create_module(spec)

    def exec_module(self, module: types.ModuleType) -> None:
        _uninstall()  # one import only
        placed = []
        for name, (attribute, stand_in) in STAND_INS.items():
            if name not in sys.modules:
                stand_in_module = types.ModuleType(name, "jixiao.cli.richhelp stand-in")
                setattr(stand_in_module, attribute, stand_in)
                sys.modules[name] = stand_in_module
                placed.append(name)
        try:
            self._real.exec_module(module)
        finally:
            for name in placed:
                del sys.modules[name]


class _Finder(importlib.abc.MetaPathFinder):
    def find_spec(
        self,
        fullname: str,
        path: Sequence[str] | None,
        target: types.ModuleType | None = None,
    ) -> importlib.machinery.ModuleSpec | None:
        if fullname != TARGET:
            return None
        for finder in sys.meta_path:  # the finder that would have found it
            find_spec = getattr(finder, "find_spec", None)
            if finder is self or find_spec is None:
                continue
            spec: importlib.machinery.ModuleSpec | None = find_spec(fullname, path, target)
            if spec is not None:
                if spec.loader is not None:
                    spec.loader = _Loader(spec.loader)
                return spec
        return None


def _uninstall() -> None:
    sys.meta_path[:] = [f for f in sys.meta_path if not isinstance(f, _Finder)]


def install() -> None:
    """Make the next import of ``typer.rich_utils`` skip rich.markdown and rich.traceback."""
    if TARGET in sys.modules or any(isinstance(f, _Finder) for f in sys.meta_path):
        return
    sys.meta_path.insert(0, _Finder())
