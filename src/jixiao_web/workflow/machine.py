"""Workflows as data: states, and who may move an object from which state to which.

A :class:`Workflow` is a table, not code: every (state, action) → new state, the roles
that may take the action and whether an 审核意见 is required. The services
(:mod:`jixiao_web.workflow.services`) apply it; ``docs/web.md`` prints it; the tests walk
every transition × every role of it. Nothing here touches the database.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from jixiao_web.orgs.models import Role


@dataclass(frozen=True)
class State:
    code: str
    label: str  #: Chinese, as the lists show it (草稿, 已送审 …)


@dataclass(frozen=True)
class Transition:
    """An action: from any of ``sources`` to ``target``, by any of ``roles``."""

    action: str  #: stable code (``submit``, ``return`` …), what forms post
    label: str  #: the Chinese verb on the button (送审, 退回 …)
    sources: tuple[str, ...]
    target: str
    roles: frozenset[Role]
    #: an 审核意见 must be given (every 退回, and approvals where the rules say so)
    opinion_required: bool = False


@dataclass(frozen=True)
class Workflow:
    """The states and transitions of one kind of object (绩效目标, 自评, 整改 …)."""

    name: str  #: stable code, stored with every event
    label: str  #: Chinese name
    states: tuple[State, ...]
    initial: str
    transitions: tuple[Transition, ...]
    #: states in which the object's content may still be edited by its owner
    editable: frozenset[str] = field(default_factory=frozenset)

    def __post_init__(self) -> None:
        codes = {s.code for s in self.states}
        assert self.initial in codes, self.initial
        for t in self.transitions:
            unknown = {*t.sources, t.target} - codes
            assert not unknown, f"{self.name}.{t.action}: unknown states {unknown}"

    def state(self, code: str) -> State:
        return next(s for s in self.states if s.code == code)

    def label_of(self, code: str) -> str:
        return self.state(code).label

    def transition(self, action: str) -> Transition | None:
        return next((t for t in self.transitions if t.action == action), None)

    def available(self, state: str, roles: Iterable[Role]) -> list[Transition]:
        """The actions someone with ``roles`` may take on an object in ``state``."""
        held = set(roles)
        return [t for t in self.transitions if state in t.sources and held & t.roles]

    def choices(self) -> list[tuple[str, str]]:
        return [(s.code, s.label) for s in self.states]
