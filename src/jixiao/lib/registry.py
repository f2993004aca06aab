"""Registries in one shape: checks, scoring rules, renderers, formats, report sections.

Every extension point of the engine is an ordered registry of named entries: a stable
identifier (what options, files and the web system store), a Chinese name (what people
read), and the item itself (a function, a rule object, the import path of a renderer).
A registry is a read-only mapping identifier → item in registration order; a lookup of
an unknown identifier raises :class:`UnknownEntry` with a Chinese message naming the
known ones, and :meth:`Registry.select` picks a subset in registration order.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")


class UnknownEntry(KeyError):
    """An identifier the registry does not have; ``str()`` is a Chinese message."""

    def __init__(self, what: str, identifier: str, known: Iterable[str]) -> None:
        super().__init__(identifier)
        self.identifier = identifier
        self.message = f"未知的{what}“{identifier}”（可用：{'、'.join(known)}）"

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True)
class Entry(Generic[T]):
    """One registered item: its identifier, its Chinese name and the item."""

    id: str
    name: str
    item: T


class Registry(Mapping[str, T], Generic[T]):
    """An ordered registry; ``what`` names its kind in messages (``检查``, ``报告格式``)."""

    def __init__(self, what: str) -> None:
        self.what = what
        self._entries: dict[str, Entry[T]] = {}

    def add(self, identifier: str, name: str, item: T) -> T:
        if identifier in self._entries:
            raise ValueError(f"{self.what} {identifier!r} is registered twice")
        self._entries[identifier] = Entry(identifier, name, item)
        return item

    def register(self, identifier: str, name: str) -> Callable[[T], T]:
        """A decorator: ``@REGISTRY.register("id", "中文名")``."""

        def decorate(item: T) -> T:
            return self.add(identifier, name, item)

        return decorate

    def __getitem__(self, identifier: str) -> T:
        return self.entry(identifier).item

    def __iter__(self) -> Iterator[str]:
        return iter(self._entries)

    def __len__(self) -> int:
        return len(self._entries)

    def ids(self) -> list[str]:
        return list(self._entries)

    def entries(self) -> list[Entry[T]]:
        return list(self._entries.values())

    def name(self, identifier: str) -> str:
        """The Chinese name of ``identifier``."""
        return self.entry(identifier).name

    def entry(self, identifier: str) -> Entry[T]:
        try:
            return self._entries[identifier]
        except KeyError:
            raise UnknownEntry(self.what, identifier, self._entries) from None

    def select(self, identifiers: Iterable[str] | None = None) -> list[Entry[T]]:
        """The chosen entries in registration order (all when ``identifiers`` is None).

        Raises :class:`UnknownEntry` for the first identifier the registry does not have.
        """
        if identifiers is None:
            return list(self._entries.values())
        wanted = set(identifiers)
        unknown = sorted(wanted - set(self._entries))
        if unknown:
            raise UnknownEntry(self.what, unknown[0], self._entries)
        return [e for e in self._entries.values() if e.id in wanted]
