"""``as_region``: a tenant's write transaction may switch to an ancestor region's rows in a
shared-downward table and back; every other use is refused, and on PostgreSQL row-level security
follows the switch (the inner scope sees the region's rows only, the outer one is restored)."""

from __future__ import annotations

from datetime import date

import pytest

from core.db import CrossTenantWriteError, Database
from core.plugin import as_region
from tenants.scope import Scope


async def test_tenant_writes_a_region_row_and_returns(linli_env, factory, iso, probe_tables):
    db: Database = linli_env.state.db
    city = await factory.region("city", name="聊城市")
    district = await factory.region("district", parent=city)
    below = await factory.tenant(district)
    note = iso.ProbeNote(tenant_id=city.id, title="城市", body="b", amount=1,
                         on_day=date.today())
    async with db.scoped(factory.scope(city), write=True):
        await iso.ProbeNote.insert(note)
    async with db.scoped(factory.scope(below), write=True):
        async with as_region(city, iso.ProbeCatalogue) as inner:
            assert inner.write_node == city.id and inner.read_nodes == {city.id}
            row = iso.ProbeCatalogue(tenant_id=city.id, title="每日一餐", note_ref=note.id)
            await iso.ProbeCatalogue.insert(row)
            if db.is_postgres:
                rows = await db.execute("SELECT tenant_id FROM isoprobe_note")
                assert {r["tenant_id"] for r in rows} == {city.id}
        # back in the tenant's scope: the region's row is read-only again, own rows writable
        with pytest.raises(CrossTenantWriteError):
            await iso.ProbeCatalogue.insert(
                iso.ProbeCatalogue(tenant_id=city.id, title="x", note_ref=note.id))
        own = await iso.build_row(iso.ProbeNote)
        await iso.ProbeNote.insert(own)
        if db.is_postgres:
            rows = await db.execute("SELECT tenant_id FROM isoprobe_note")
            assert {r["tenant_id"] for r in rows} == {below.id}
    async with db.scoped(factory.scope(below)):
        found = await iso.ProbeCatalogue.select().where(iso.ProbeCatalogue.id == row.id)
        assert [r["tenant_id"] for r in found] == [city.id]


async def test_a_table_reached_from_below(linli_env, factory, iso, probe_tables):
    """A region's private rows (not shared downward) are invisible to the tenants below, yet a
    tenant's work may enter them through ``as_region``; other regions' tenants may not."""
    db: Database = linli_env.state.db
    county = await factory.region("county", name="阳谷县")
    below = await factory.tenant(county)
    elsewhere = await factory.tenant()
    async with db.scoped(factory.scope(county), write=True):
        await iso.ProbeLedger.insert(iso.ProbeLedger(tenant_id=county.id, title="县里的"))
    async with db.scoped(factory.scope(below), write=True):
        assert await iso.ProbeLedger.select() == []          # not shared downward
        async with as_region(county, iso.ProbeLedger):
            await iso.ProbeLedger.insert(iso.ProbeLedger(tenant_id=county.id, title="读者的"))
            titles = {r["title"] for r in await iso.ProbeLedger.select()}
            assert titles == {"县里的", "读者的"}
            if db.is_postgres:
                rows = await db.execute("SELECT title FROM isoprobe_ledger")
                assert {r["title"] for r in rows} == titles
        assert await iso.ProbeLedger.select() == []
        if db.is_postgres:
            assert await db.execute("SELECT title FROM isoprobe_ledger") == []
    with pytest.raises(CrossTenantWriteError):
        async with db.scoped(factory.scope(elsewhere), write=True), \
                as_region(county, iso.ProbeLedger):
            pass


async def test_refusals(linli_env, factory, iso, probe_tables):
    db: Database = linli_env.state.db
    city = await factory.region("city", name="聊城市")
    below = await factory.tenant(await factory.region("district", parent=city))
    elsewhere = await factory.tenant()
    read_only = Scope.for_node(below.id, ancestors=below.ancestor_ids, writable=False)
    cases = [
        (factory.scope(elsewhere), True, city, iso.ProbeCatalogue),   # not an ancestor
        (factory.scope(below), True, city, iso.ProbeNote),            # not shared downward
        (read_only, False, city, iso.ProbeCatalogue),                  # a read-only scope
        (factory.scope(below), True, below, iso.ProbeCatalogue),      # not a region
    ]
    for scope, write, region, table in cases:
        with pytest.raises(CrossTenantWriteError):
            async with db.scoped(scope, write=write), as_region(region, table):
                pass
