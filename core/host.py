"""Host: what a platform service may use of the app state it is installed into.

Services (rules, events, jobs, pubsub, notify, metrics, …) depend on this protocol, never on
:class:`core.state.AppState`, which aggregates them: imports then point one way
(settings/db/registry → host → services → state → schema → app). Each service module adds the
one ``services`` slot it sets with a small protocol of its own.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, Protocol

from core.db import Database
from core.registry import Registry
from core.settings import Settings

__all__ = ["Host", "LifecycleHook"]

LifecycleHook = Callable[[], Awaitable[None]]
"""A start or stop step run with the app (``on_startup`` in order, ``on_shutdown`` reversed)."""


class Host(Protocol):
    """The parts of the app state a service's ``install(state)`` reads or appends to."""

    @property
    def settings(self) -> Settings: ...

    @property
    def db(self) -> Database: ...

    @property
    def registry(self) -> Registry: ...

    @property
    def on_startup(self) -> list[LifecycleHook]: ...

    @property
    def on_shutdown(self) -> list[LifecycleHook]: ...

    @property
    def middleware(self) -> list[Any]: ...

    @property
    def routes(self) -> list[Any]: ...
