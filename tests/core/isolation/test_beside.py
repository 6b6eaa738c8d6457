"""``beside``: a tenant's write transaction may switch to another tenant below the same region
(a city's campaign run across its street offices) and back, in the same transaction; refused
for a region that is not above both, a region as the other tenant, or outside a write
transaction; on PostgreSQL row-level security follows the switch."""

from __future__ import annotations

import pytest

from core.db import CrossTenantWriteError, Database
from core.plugin import beside
from tenants.scope import Scope


async def test_one_tenant_writes_another_below_the_same_region_and_returns(
        linli_env, factory, iso, probe_tables):
    db: Database = linli_env.state.db
    city = await factory.region("city", name="聊城市")
    a = await factory.tenant(city)
    b = await factory.tenant(await factory.region("district", parent=city))
    async with db.scoped(factory.scope(a), write=True):
        async with beside(b, city) as inner:
            assert inner.write_node == b.id and inner.read_nodes == {b.id}
            theirs = await iso.build_row(iso.ProbeNote)
            assert theirs.tenant_id == b.id
            await iso.ProbeNote.insert(theirs)
            if db.is_postgres:
                rows = await db.execute("SELECT tenant_id FROM isoprobe_note")
                assert {r["tenant_id"] for r in rows} == {b.id}
        # back in A's scope: B's row is neither visible nor writable
        assert await iso.ProbeNote.select() == []
        if db.is_postgres:
            assert await db.execute("SELECT tenant_id FROM isoprobe_note") == []
        stray = await iso.build_row(iso.ProbeNote)
        stray.tenant_id = b.id
        with pytest.raises(CrossTenantWriteError):
            await iso.ProbeNote.insert(stray)
        mine = await iso.build_row(iso.ProbeNote)
        await iso.ProbeNote.insert(mine)
    async with db.scoped(factory.scope(b)):
        assert [r["id"] for r in await iso.ProbeNote.select()] == [theirs.id]


async def test_a_failure_inside_rolls_both_back(linli_env, factory, iso, probe_tables):
    db: Database = linli_env.state.db
    city = await factory.region("city")
    a, b = await factory.tenant(city), await factory.tenant(city)
    with pytest.raises(RuntimeError):
        async with db.scoped(factory.scope(a), write=True):
            await iso.ProbeNote.insert(await iso.build_row(iso.ProbeNote))
            async with beside(b, city):
                await iso.ProbeNote.insert(await iso.build_row(iso.ProbeNote))
            raise RuntimeError("later")
    for node in (a, b):
        async with db.scoped(factory.scope(node)):
            assert await iso.ProbeNote.select() == []


async def test_refusals(linli_env, factory):
    db: Database = linli_env.state.db
    city = await factory.region("city")
    other_city = await factory.region("city")
    a, b = await factory.tenant(city), await factory.tenant(city)
    far = await factory.tenant(other_city)
    read_only = Scope.for_node(a.id, ancestors=a.ancestor_ids, writable=False)
    cases = [(factory.scope(a), True, far, city), (factory.scope(a), True, far, other_city),
             (factory.scope(a), True, city, city), (read_only, False, b, city),
             (factory.scope(b), True, a, b)]
    for scope, write, tenant, region in cases:
        with pytest.raises(CrossTenantWriteError):
            async with db.scoped(scope, write=write), beside(tenant, region):
                pass
