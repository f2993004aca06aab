"""The report's wording as data: outline, captions and phrase templates (``wording.yaml``).

A phrase is a ``str.format``-style template; :meth:`Wording.runs` fills it with plain
text, figure runs or other phrases and returns :class:`~jixiao.reports.model.Run` s,
so a figure keeps its id wherever the wording places it.
"""

from __future__ import annotations

import string
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import yaml

from jixiao.dataset.build import DatasetError, InputError
from jixiao.reports.model import Run

#: What can fill a placeholder: text, one run, or a list of runs (a nested phrase).
Fill = str | Run | Sequence[Run]


@dataclass(frozen=True)
class OutlineEntry:
    id: str
    title: str
    level: int


@dataclass(frozen=True)
class Wording:
    """The parsed wording file."""

    data: Mapping[str, Any]

    @property
    def outline(self) -> tuple[OutlineEntry, ...]:
        return tuple(
            OutlineEntry(str(e["id"]), str(e["title"]), int(e["level"]))
            for e in self.data["outline"]
        )

    def text(self, group: str, key: str, **values: object) -> str:
        """A plain-text entry (title, caption, cover label) with ``values`` filled in."""
        return str(self.data[group][key]).format(**values)

    def runs(self, key: str, **values: Fill) -> list[Run]:
        """The phrase ``key`` as runs; figure runs keep their figure id."""
        result: list[Run] = []
        for literal, field, _spec, _conv in string.Formatter().parse(
            str(self.data["phrases"][key])
        ):
            if literal:
                result.append(Run(literal))
            if field is not None:
                result.extend(_as_runs(values[field]))
        return merge_runs(result)


def _as_runs(value: Fill) -> list[Run]:
    if isinstance(value, str):
        return [Run(value)] if value else []
    if isinstance(value, Run):
        return [value]
    return list(value)


def merge_runs(runs: Sequence[Run]) -> list[Run]:
    """Join neighbouring plain runs, so the model (and its snapshot) stays readable."""
    merged: list[Run] = []
    for run in runs:
        if merged and _plain(run) and _plain(merged[-1]):
            merged[-1] = Run(merged[-1].text + run.text)
        elif run.text:
            merged.append(run)
    return merged


def _plain(run: Run) -> bool:
    return not (run.figure or run.score or run.bold)


def join_runs(parts: Sequence[Sequence[Run]], separator: str) -> list[Run]:
    """``parts`` joined with ``separator`` (``、`` or ``；``)."""
    result: list[Run] = []
    for i, part in enumerate(parts):
        if i:
            result.append(Run(separator))
        result.extend(part)
    return merge_runs(result)


#: Wording variants shipped with jixiao, each an overlay of ``wording.yaml`` (same keys,
#: merged the same way as a ``--wording`` file): ``unit`` is a budget unit's own report.
VARIANTS: dict[str, str] = {"unit": "templates/wording-unit.yaml"}

#: The lines a cover can have (``cover_fields``); the report builder has a value for each.
COVER_FIELDS = ("department", "unit_count", "budget_code", "preparer", "phone", "fill_date")


@cache
def _shipped(resource: str) -> dict[str, Any]:
    text = resources.files("jixiao.reports").joinpath(resource).read_text("utf-8")
    data: dict[str, Any] = yaml.safe_load(text)
    return data


def default_wording_data() -> dict[str, Any]:
    """The department's wording as shipped (``templates/wording.yaml``)."""
    return _shipped("templates/wording.yaml")


def _merged(data: Mapping[str, Any], override: Mapping[str, Any]) -> dict[str, Any]:
    """``data`` with the groups of ``override`` merged in key by key (other values replaced)."""
    result = {k: (dict(v) if isinstance(v, dict) else v) for k, v in data.items()}
    for group, value in override.items():
        if isinstance(value, dict) and isinstance(result.get(group), dict):
            result[group] = {**result[group], **value}
        else:
            result[group] = value
    return result


def load_wording(override: tuple[str, str] | None = None, variant: str | None = None) -> Wording:
    """The shipped wording, with the groups and keys of ``override`` replacing it.

    ``override`` is a wording file's YAML text and its name, ``(text, name)``, as the
    command line read it (:mod:`jixiao.cli.files`); problems name the file and the key.
    ``variant`` (a key of :data:`VARIANTS`, e.g. ``"unit"``) lays a shipped overlay over
    the department's wording first; ``override`` then overrides that.
    Raises :class:`DatasetError` naming the file and the key when the override is unusable.
    """
    data = _merged(default_wording_data(), {})
    if variant is not None:
        data = _merged(data, _shipped(VARIANTS[variant]))
    if override is None:
        return Wording(data)
    text, name = override
    wording = Wording(_merged(data, _read_override(text, name)))
    _validate(wording, name)
    return wording


def _read_override(text: str, name: str) -> dict[str, Any]:
    try:
        loaded = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise DatasetError([InputError(name, f"YAML 格式错误：{exc}")]) from None
    if not isinstance(loaded, dict):
        raise DatasetError(
            [InputError(name, "措辞文件顶层应为映射（outline、phrases、captions…）")]
        )
    return loaded


def _validate(wording: Wording, path: str) -> None:
    errors = []
    known = set(default_wording_data()["phrases"])
    for key, template in wording.data["phrases"].items():
        if key not in known:
            errors.append(InputError(f"{path}:phrases.{key}", "未知的措辞项"))
            continue
        wanted = placeholders(default_wording_data()["phrases"][key])
        missing = wanted - placeholders(str(template))
        extra = placeholders(str(template)) - wanted
        if missing or extra:
            detail = "、".join(f"{{{f}}}" for f in sorted(missing | extra))
            errors.append(InputError(f"{path}:phrases.{key}", f"占位符与默认措辞不一致：{detail}"))
    for field in wording.data.get("cover_fields") or []:
        if field not in COVER_FIELDS:
            errors.append(InputError(f"{path}:cover_fields", f"未知的封面项：{field}"))
    for i, entry in enumerate(wording.data.get("outline") or []):
        if not isinstance(entry, dict) or not {"id", "title", "level"} <= set(entry):
            errors.append(InputError(f"{path}:outline[{i}]", "大纲每项应有 id、title、level"))
    if errors:
        raise DatasetError(errors)


def placeholders(template: str) -> set[str]:
    """The ``{name}`` placeholders of a phrase template (a broken template: ``<格式错误>``)."""
    try:
        return {f for _, f, _, _ in string.Formatter().parse(template) if f}
    except ValueError:
        return {"<格式错误>"}
