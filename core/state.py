"""AppState: everything a request needs, built once per app, and its typed services.

Dependencies point one way: the service modules know only :class:`core.host.Host`; this module
names their classes and installs them; the GraphQL context (``core.schema.context``) and the app
(``core.app``) sit above it.
"""

from __future__ import annotations

import gc
from dataclasses import dataclass, field
from typing import Any

from core import logging as logging_service
from core import metrics as metrics_service
from core import pubsub as pubsub_service
from core import startup
from core.audit import chain
from core.db import Database
from core.dbsetup import ensure_sqlite_schema
from core.events import service as events_service
from core.events.dispatch import EventService
from core.host import LifecycleHook
from core.identity.roles import RoleBook
from core.jobs import service as jobs_service
from core.jobs.service import JobService
from core.metrics import Metrics
from core.notify import service as notify_service
from core.notify.service import NotifyService
from core.pubsub import PubSub
from core.registry import Registry
from core.rules import service as rules_service
from core.rules.service import RuleRegistry
from core.settings import Settings

__all__ = ["AppState", "Services", "install_services", "settle_heap", "start_state", "stop_state"]


@dataclass
class Services:
    """The platform services of one app, each set by its module's ``install(state)``.

    ``None`` means not installed: :func:`install_services` installs them all, but tests and
    tools build partial states (only rules, or pubsub without jobs) and the services that use
    another one degrade when it is missing (notify delivers in-process without jobs)."""

    rules: RuleRegistry | None = None
    """Rule keys, values per tenant (``core.rules.service``)."""
    events: EventService | None = None
    """The outbox's delivery and sweep (``core.events.dispatch``)."""
    jobs: JobService | None = None
    """Queued and cron jobs (``core.jobs.service``)."""
    pubsub: PubSub | None = None
    """Live updates for subscriptions (``core.pubsub``)."""
    notify: NotifyService | None = None
    """Inbox and delivery channels (``core.notify.service``)."""
    metrics: Metrics | None = None
    """Prometheus metrics at ``/metrics`` (``core.metrics``)."""


@dataclass
class AppState:
    """Everything a request needs, built once per app (``core.app.build_state``)."""

    settings: Settings
    db: Database
    registry: Registry
    rolebook: RoleBook
    schema: Any
    """The strawberry schema (``core.schema.compose.build_schema``); typed loosely because the
    schema layer sits above this module."""
    services: Services = field(default_factory=Services)
    on_startup: list[LifecycleHook] = field(default_factory=list)
    on_shutdown: list[LifecycleHook] = field(default_factory=list)
    routes: list[Any] = field(default_factory=list)
    """Extra core route handlers contributed by services (``/metrics``)."""
    middleware: list[Any] = field(default_factory=list)


def install_services(state: AppState) -> None:
    """Install the platform services, in order (each module's ``install(state)``): notify
    needs pubsub (and uses jobs and rules), metrics reads jobs and events."""
    for install in (rules_service.install, events_service.install, jobs_service.install,
                    pubsub_service.install, notify_service.install, metrics_service.install,
                    logging_service.install, chain.install):
        install(state)


async def start_state(state: AppState) -> None:
    """Open the pool, create/check the embedded schema, start the services."""
    await state.db.start()
    if state.settings.is_sqlite:
        await ensure_sqlite_schema(state.db, state.db.tables)
    for start in state.on_startup:
        await start()
    settle_heap()


def settle_heap() -> None:
    """Move everything built so far (schema, plugins, registry, imported modules) out of the
    collector's reach with ``gc.freeze()``. Without it the first full collection after start-up
    walked that whole heap in one go: 207 ms measured in the middle of the dearest allowed
    query, during which the event loop answered nobody (``/health/live`` waited as long).
    Objects made later are collected as usual; what start-up built lives as long as the
    process anyway. The collector's thresholds, raised while starting (``core.startup``), go
    back to what they were."""
    gc.freeze()
    startup.end()


async def stop_state(state: AppState) -> None:
    for stop in reversed(state.on_shutdown):
        await stop()
    await state.db.stop()
