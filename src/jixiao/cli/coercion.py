"""Parameters coerced without pydantic, for the commands whose start-up is measured.

typer 0.29 coerces every parameter but a bare flag through a pydantic ``TypeAdapter``
built when the command runs — the help flag included, whose value is simply absent:
importing pydantic and building the adapters of ``jixiao audit report.pdf -f json`` (its
path, its choice, two absent paths, the group's and the command's help flags) costs about
0.07 s of CPU, a tenth of the whole command on a 77-page PDF (issue 15 item 4;
docs/performance.md, the audit section). A path and a choice are coerced by typer's own
pydantic-free helpers exactly as its adapters coerce them (the same checks, the same
messages), and a help flag, which is absent (None) or given (True), needs no coercion:
:class:`PlainCommand` gives its parameters that coercion before typer would build an
adapter, and :func:`plain_help_option` does it for a group's help flag.

This uses typer's internals (a parameter's ``_runtime_param``, ``typer._coercion``). With
a typer whose internals differ nothing is changed — typer coerces as always, at
pydantic's cost — and a test (tests/cli/test_startup.py) notices that pydantic is back.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from typer._click import Context, Parameter
from typer._click.exceptions import BadParameter
from typer.core import TyperCommand

try:
    from typer._click.utils import _escape_control_characters
    from typer._coercion import PassThroughRuntimeParam, RuntimeParam
    from typer._param_types import coerce_cli_choice, coerce_cli_path
except ImportError:  # pragma: no cover  (another typer: its own coercion)
    RuntimeParam = None  # type: ignore[assignment, misc]

_P = TypeVar("_P", bound=Parameter)


if RuntimeParam is not None:

    @dataclass(frozen=True)
    class _ChoiceParam(RuntimeParam):
        """An enumeration's member by its value, as typer's choice adapter finds it."""

        choices: tuple[Any, ...]
        case_sensitive: bool

        def _coerce_value(self, value: Any, param: Any, ctx: Context) -> Any:
            try:
                return coerce_cli_choice(
                    value, choices=self.choices, case_sensitive=self.case_sensitive, ctx=ctx
                )
            except ValueError as error:  # the adapter's message, less pydantic's prefix
                message = _escape_control_characters(str(error))
                raise BadParameter(message, ctx=ctx, param=param) from None

    @dataclass(frozen=True)
    class _PathParam(RuntimeParam):
        """A :class:`~pathlib.Path` (pydantic's ``Path`` of a string is ``Path(string)``),
        then typer's own checks of it."""

        def _coerce_value(self, value: Any, param: Any, ctx: Context) -> Any:
            path = value if isinstance(value, Path) else Path(value)
            return coerce_cli_path(path, self.parameter_info, path_type=Path, param=param, ctx=ctx)


def _plain_coercion(param: Parameter) -> Any:
    """The pydantic-free coercion of a choice or a plain path parameter, else None."""
    descriptor = getattr(param, "type_descriptor", None)
    if RuntimeParam is None or descriptor is None or not hasattr(param, "_runtime_param"):
        return None
    info = descriptor.parameter_info
    if info.parser is not None or descriptor.is_list or descriptor.is_tuple:
        return None
    if descriptor.is_choice:
        choices = descriptor.choices
        return _ChoiceParam(info, descriptor.annotation, choices, descriptor.case_sensitive)
    if descriptor.annotation is Path and info.path_type is None:
        return _PathParam(info, descriptor.annotation)
    return None


def plain_help_option(option: _P | None) -> _P | None:
    """``option`` (a command's help flag) with no coercion: its value is None or True, which
    typer passes through untouched once it has a coercion at all."""
    descriptor = getattr(option, "type_descriptor", None)
    if (
        RuntimeParam is not None
        and option is not None
        and descriptor is not None
        and descriptor.annotation is bool
        and getattr(option, "_runtime_param", "") is None
    ):
        option._runtime_param = PassThroughRuntimeParam(  # type: ignore[attr-defined]
            descriptor.parameter_info, bool
        )
    return option


class PlainCommand(TyperCommand):
    """typer's command whose path, choice and help parameters are coerced without pydantic."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for param in self.params:
            coercion = _plain_coercion(param)
            if coercion is not None:
                param._runtime_param = coercion  # type: ignore[attr-defined]

    def get_help_option(self, ctx: Context) -> Any:
        return plain_help_option(super().get_help_option(ctx))
