"""Throwaway consumer plugins, an effect table, a steerable clock and the events CLI.

Each test registers its own plugins (unique names) on the session registry and unregisters them
afterwards; a plugin is enabled only for the test's own tenants. The service under test has its
own clock, which tests move forward past a retry's backoff instead of sleeping.
"""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import click
import pytest
from click.testing import CliRunner, Result
from piccolo.columns import BigInt, Varchar

from core import cli_db
from core.db import Database, ScopedTable, bind_tables, set_db
from core.events import cli as events_cli
from core.events.service import EventService
from core.events.types import utcnow
from core.people.tables import Resident
from core.plugin import PluginMeta, hookimpl
from core.settings import reset_settings
from core.tables import all_tables
from tenants.plugins import change_plugin
from tenants.service import scope_for


class EventEffect(ScopedTable, tablename="events_test_effect"):
    """One row per applied delivery: what a handler's effect looks like."""

    event_id = BigInt(null=False, default=None)
    handler = Varchar(length=64, null=False)


class Consumer:
    """A plugin that consumes ``consumes``; its handler writes an effect row and then fails
    while ``failing`` says so (the row must vanish with the failure)."""

    def __init__(self, consumes: tuple[str, ...], *, fail_first: int = 0,
                 types: tuple[Any, ...] = (), name: str | None = None) -> None:
        self.name = name or f"evt_{secrets.token_hex(4)}"
        self.consumes, self.types = consumes, types
        self.fail_first = fail_first
        self.always_fail = False
        self.calls: list[Any] = []
        self.scopes: list[int | None] = []

    @hookimpl
    def linli_plugin_meta(self) -> PluginMeta:
        return PluginMeta(name=self.name, title_zh="事件测试", title_en="Event test",
                          version="0.1", consumes=self.consumes,
                          emits=tuple(t.name for t in self.types))

    @hookimpl
    def linli_event_types(self) -> list[Any]:
        return list(self.types)

    @hookimpl
    async def linli_on_event(self, event: Any) -> None:
        from tenants.scope import current_scope

        self.calls.append(event)
        self.scopes.append(current_scope().write_node)
        await EventEffect.insert(EventEffect(tenant_id=event.tenant_id, event_id=event.id,
                                             handler=self.name))
        if self.always_fail or len(self.calls) <= self.fail_first:
            raise RuntimeError(f"boom #{len(self.calls)}")


class Clock:
    """Real time plus an offset the test moves forward."""

    def __init__(self) -> None:
        self.offset = timedelta(0)

    def __call__(self) -> datetime:
        return utcnow() + self.offset

    def advance(self, seconds: float) -> None:
        self.offset += timedelta(seconds=seconds)


@dataclass
class Kit:
    env: Any
    factory: Any
    clock: Clock
    service: EventService
    plugins: list[Consumer]

    @property
    def db(self) -> Any:
        return self.env.state.db

    def plugin(self, *consumes: str, **kw: Any) -> Consumer:
        consumer = Consumer(tuple(consumes), **kw)
        self.env.state.registry.register(consumer)
        self.plugins.append(consumer)
        return consumer

    async def enable(self, node: Any, *plugins: Consumer, on: bool = True) -> None:
        async with self.db.transaction():
            for p in plugins:
                await change_plugin(node, p.name, on)

    async def effects(self, node: Any, event_ids: list[int] | None = None) -> int:
        async with self.db.scoped(scope_for(node)):
            query = EventEffect.count()
            if event_ids is not None:
                query = query.where(EventEffect.event_id.is_in(event_ids or [-1]))
            return int(await query)

    async def resident(self, node: Any) -> int:
        async with self.db.scoped(scope_for(node), write=True):
            rows = await Resident.insert(Resident(
                tenant_id=node.id, name="张三", gender="male", birth_date=date(1950, 1, 1),
                id_number_cipher="-", id_number_index=secrets.token_hex(16),
                id_number_masked="1101**********001X"))
            return int(rows[0]["id"])

    async def pending(self, event_ids: list[int]) -> list[int]:
        """Those of ``event_ids`` still waiting in the outbox."""
        return [i for i in event_ids if (await self.outbox(i) or {}).get("pending")]

    async def outbox(self, event_id: int) -> dict[str, Any] | None:
        rows = await self.db.execute(
            "SELECT * FROM linli_event_outbox WHERE id = {}", event_id)
        return rows[0] if rows else None


@pytest.fixture(scope="session")
async def effect_table(linli_env: Any) -> None:
    await linli_env.create_tables([EventEffect])


@pytest.fixture
async def kit(linli_env: Any, factory: Any, effect_table: None) -> AsyncIterator[Kit]:
    clock = Clock()
    settings = replace(linli_env.settings, event_max_attempts=3, event_retry_base_seconds=10,
                       event_sweep_after_seconds=3600)
    plugins: list[Consumer] = []
    kit = Kit(linli_env, factory, clock, None, plugins)  # type: ignore[arg-type]
    kit.service = EventService(linli_env.state.db, linli_env.state.registry, settings,
                               clock=clock)
    try:
        yield kit
    finally:
        for p in plugins:
            linli_env.state.registry.unregister(p.name)


@pytest.fixture
def linli_cli(linli_env: Any, monkeypatch: pytest.MonkeyPatch,
              tmp_path: Path) -> Iterator[Callable[..., Awaitable[Result]]]:
    """``await linli_cli("events", "failed")`` runs the real command on the test database, in a
    thread (the command runs its own event loop); table bindings are restored afterwards."""

    @click.group()
    def main() -> None:
        pass

    events_cli.register(main)
    db = linli_env.state.db
    known = all_tables(linli_env.state.registry)
    extra = [t for t in db.tables if t not in known]

    class CommandDatabase(Database):
        """The throwaway plugins' tables (not in the app's table list) follow the command's
        engine too, so their handlers write in the command's transaction."""

        def add_tables(self, tables: Iterable[Any]) -> None:
            super().add_tables(tables)
            bind_tables(extra, self.engine)

    monkeypatch.setattr(cli_db, "Database", CommandDatabase)
    monkeypatch.setenv("LINLI_DATABASE_URL", linli_env.settings.database_url)
    monkeypatch.setenv("LINLI_VAR_DIR", str(tmp_path))
    monkeypatch.setenv("LINLI_SECRET_KEY", linli_env.settings.secret_key)
    monkeypatch.setenv("LINLI_PII_KEY", linli_env.settings.pii_key)
    monkeypatch.delenv("LINLI_REDIS_URL", raising=False)

    async def run(*args: str) -> Result:
        reset_settings()
        try:
            return await asyncio.to_thread(CliRunner().invoke, main, list(args),
                                           catch_exceptions=False)
        finally:
            bind_tables(db.tables, db.engine)
            set_db(db)
            reset_settings()

    yield run
