"""Outbox dispatch rate (events/s) on SQLite and, with ``LINLI_TEST_DATABASE_URL``, PostgreSQL.

Run on demand (not collected by pytest)::

    .venv/bin/python tests/benchmarks/bench_outbox.py [N_EVENTS] [N_TENANTS]
    LINLI_TEST_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test \\
        .venv/bin/python tests/benchmarks/bench_outbox.py

For each engine it builds the app state on a throwaway database (a temporary SQLite file; on
PostgreSQL a database and roles made by ``core.testing.pg.PostgresTestDatabase``, as the tests do,
with the application connecting as the non-owner role under row-level security), registers one
throwaway consumer plugin whose handler inserts an effect row (a tenant-owned table), enables it
for N_TENANTS tenants, emits N_EVENTS ``volunteer.service_recorded`` events spread over them, and
times ``EventService.sweep(older_than=0)`` (batches of 500, as ``dispatch_pending``) until
the outbox is empty. It then repeats with the
handler doing nothing (the dispatcher's own cost: claim, savepoint, call), and with the plugin
disabled (events with no consumer: only marked dispatched). Effects are counted to check
every event was applied exactly once.

On PostgreSQL the outbox and delivery tables come from core's migration; only the benchmark's
effect table is created directly as the owner (``create_extra_tables``, with RLS and grants).
"""

from __future__ import annotations

import asyncio
import logging
import os
import secrets
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from piccolo.columns import BigInt, Varchar

from core.app import build_state
from core.db import Database, ScopedTable
from core.dbsetup import create_tables_directly
from core.events.service import EventService, emit
from core.people.tables import Resident
from core.plugin import PluginMeta, hookimpl
from core.registry import Registry, set_registry
from core.state import AppState, start_state, stop_state
from core.testing import Factory, TestEnv, _test_settings
from tenants.plugins import change_plugin
from tenants.service import scope_for

SERVICE = "volunteer.service_recorded"


class BenchEffect(ScopedTable, tablename="bench_outbox_effect"):
    """What a consumer's handler writes: one row per applied delivery."""

    event_id = BigInt(null=False, default=None)
    handler = Varchar(length=64, null=False)


class BenchConsumer:
    """The throwaway consumer: one insert per event, in the dispatcher's scoped transaction."""

    name = "bench_outbox"
    writes = True

    @hookimpl
    def linli_plugin_meta(self) -> PluginMeta:
        return PluginMeta(name=self.name, title_zh="基准", title_en="Benchmark", version="0.1",
                          consumes=(SERVICE,))

    @hookimpl
    async def linli_on_event(self, event: Any) -> None:
        if not self.writes:
            return
        await BenchEffect.insert(BenchEffect(tenant_id=event.tenant_id, event_id=event.id,
                                             handler=self.name))


async def seed(state: AppState, tenants: list[Any], n: int) -> float:
    """Emit ``n`` events over ``tenants`` (one transaction per 500); the emit rate."""
    residents = {}
    for tenant in tenants:
        async with state.db.scoped(scope_for(tenant), write=True):
            rows = await Resident.insert(Resident(
                tenant_id=tenant.id, name="李四", gender="female", birth_date=date(1948, 5, 1),
                id_number_cipher="-", id_number_index=secrets.token_hex(16),
                id_number_masked="1101**********002X"))
            residents[tenant.id] = int(rows[0]["id"])
    per_tenant = n // len(tenants)
    start = time.perf_counter()
    for tenant in tenants:
        for offset in range(0, per_tenant, 500):
            async with state.db.scoped(scope_for(tenant), write=True):
                for i in range(offset, min(offset + 500, per_tenant)):
                    await emit(SERVICE, {"resident_id": residents[tenant.id], "minutes": 30,
                                         "kind": "助餐", "source_module": "bench"})
    return per_tenant * len(tenants) / (time.perf_counter() - start)


async def drain(service: EventService) -> tuple[int, float]:
    """Dispatch batches of 500 until nothing is due; (deliveries applied, seconds)."""
    start = time.perf_counter()
    applied = await service.sweep(older_than=0, limit=500)
    seconds = time.perf_counter() - start
    left = await service.stats()
    assert left.pending == 0, (left, [d for d in await service.deliveries() if d.status != "done"][:3])
    return applied, seconds


async def run(engine: str, n: int, n_tenants: int) -> None:
    tmp = Path(tempfile.mkdtemp(prefix="linli-bench-outbox-"))
    registry = Registry()
    registry.load_entrypoints()
    consumer = BenchConsumer()
    registry.register(consumer)
    set_registry(registry)
    pg = None
    if engine == "postgres":
        from core.testing.pg import PostgresTestDatabase

        pg = await PostgresTestDatabase.create(registry)
        settings = _test_settings(pg.app_url, tmp, migrate_database_url=pg.owner_url)
    else:
        settings = _test_settings(f"sqlite:///{tmp}/bench.sqlite3", tmp)
    state = None
    try:
        state = build_state(settings, registry, Database(settings.database_url))
        state.db.add_tables([BenchEffect])  # bound first: piccolo writes DDL for its engine
        if pg is not None:
            await pg.create_extra_tables([BenchEffect])
        await start_state(state)
        if pg is None:
            await create_tables_directly(state.db, [BenchEffect])
        factory = Factory(TestEnv(settings=settings, state=state, engine=engine, pg=pg))
        region = await factory.region()
        tenants = [await factory.tenant(region) for _ in range(n_tenants)]
        service: EventService = state.services.events

        scenarios = (("1 consumer, 1 insert each", True, True),
                     ("1 consumer, no writes", True, False), ("no consumer", False, False))
        for label, enabled, writes in scenarios:
            consumer.writes = writes
            async with state.db.transaction():
                await change_plugin(region, BenchConsumer.name, enabled)
            emit_rate = await seed(state, tenants, n)
            applied, seconds = await drain(service)
            total = n // n_tenants * n_tenants
            print(f"{engine:8} {label:26} events={total:6d} applied={applied:6d} "
                  f"dispatch={total / seconds:7.0f} events/s  (emit {emit_rate:6.0f}/s)")
        effects = 0
        for tenant in tenants:
            async with state.db.scoped(scope_for(tenant)):
                effects += await BenchEffect.count()
        assert effects == n // n_tenants * n_tenants, f"{effects} effects for {n} events"
        print(f"{engine:8} effects counted: {effects} (one per event of the first run)")
    finally:
        if state is not None:
            await stop_state(state)
        if pg is not None:
            await pg.drop()


async def main() -> None:
    logging.getLogger("linli").setLevel(logging.ERROR)
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 20_000
    n_tenants = int(sys.argv[2]) if len(sys.argv) > 2 else 10
    print(f"{os.cpu_count()} CPUs; {n} events over {n_tenants} tenants; batches of 500")
    await run("sqlite", n, n_tenants)
    if os.environ.get("LINLI_TEST_DATABASE_URL"):
        await run("postgres", n, n_tenants)
    else:
        print("PostgreSQL skipped: set LINLI_TEST_DATABASE_URL to measure it")


if __name__ == "__main__":
    asyncio.run(main())
