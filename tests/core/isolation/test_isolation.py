"""Tenant B can neither read, list, count, update nor delete tenant A's rows — in every scoped
table, those of plugins included (discovered from the database's tables). On PostgreSQL the same
probes with the application filter bypassed meet row-level security alone."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from piccolo.query import Insert
from piccolo.table import Table

from core.db import CrossTenantWriteError, Database, bind_tables
from tenants.scope import Scope, UnscopedAccessError


@pytest.fixture(autouse=True)
def _helpers(iso: Any) -> None:
    """Bind the conftest helpers to this module's names."""
    globals().update(ProbeNote=iso.ProbeNote, ProbeCatalogue=iso.ProbeCatalogue,
                     build_row=iso.build_row, changeable=iso.changeable, sample=iso.sample,
                     tally=iso.tally)


def _q(name: str) -> str:
    return '"' + name + '"'


async def _two_tenants(factory: Any) -> tuple[Any, Any]:
    """Tenants A and B in different regions."""
    return await factory.tenant(), await factory.tenant()


async def _insert_as(db: Database, scope: Scope, table: type[Table]) -> dict[str, Any]:
    async with db.scoped(scope, write=True):
        row = await build_row(table)
        await table.insert(row)
        found = await table.select().where(table.id == row.id).first()  # type: ignore[attr-defined]
    assert found is not None
    return found


async def _scoped_tables(linli_env: Any, probe_tables: list[type[Table]]) -> list[Any]:
    tables = linli_env.state.db.scoped_tables
    assert set(probe_tables) <= set(tables), "plugin tables must be discovered"
    return tables


async def test_every_scoped_table_is_walled(linli_env, factory, probe_tables):
    db: Database = linli_env.state.db
    engine = linli_env.engine
    a, b = await _two_tenants(factory)
    sa, sb = factory.scope(a), factory.scope(b)
    tables = await _scoped_tables(linli_env, probe_tables)
    for table in tables:
        row = await _insert_as(db, sa, table)
        rid = row["id"]
        col = changeable(table)
        async with db.scoped(sb, write=True):
            assert await table.select().where(table.id == rid) == [], table
            assert await table.objects().where(table.id == rid) == [], table
            listed = await table.select(table.id, table.tenant_id)
            assert all(r["tenant_id"] != a.id for r in listed), table
            assert await table.count().where(table.id == rid) == 0, table
            assert await table.exists().where(table.id == rid) is False, table
            changed = await table.update({col: sample(col)}).where(table.id == rid).returning(
                table.id)
            assert changed == [], table
            deleted = await table.delete().where(table.id == rid).returning(table.id)
            assert deleted == [], table
            foreign = table(**{c._meta.name: row[c._meta.name] for c in table._meta.columns
                               if not c._meta.primary_key})
            with pytest.raises(CrossTenantWriteError):
                await table.insert(foreign)
        tally(engine, "application layer", table, 8)
        async with db.scoped(sa):
            assert await table.select().where(table.id == rid).first() == row, table


@pytest.mark.postgres_only
async def test_row_level_security_alone(linli_env, factory, probe_tables):
    """Raw SQL (no application filter) inside B's scope: nothing of A's is visible or changed,
    a row carrying A's tenant cannot be written, and no scope at all reads nothing."""
    import asyncpg

    db: Database = linli_env.state.db
    a, b = await _two_tenants(factory)
    sa, sb = factory.scope(a), factory.scope(b)
    tables = await _scoped_tables(linli_env, probe_tables)
    for table in tables:
        t = _q(table._meta.tablename)
        row = await _insert_as(db, sa, table)
        own = await _insert_as(db, sb, table)
        rid = row["id"]
        async with db.scoped(sb, write=True):
            assert await db.execute(f"SELECT * FROM {t} WHERE id = {{}}", rid) == [], table
            assert await db.execute(f"SELECT id FROM {t} WHERE tenant_id = {{}}", a.id) == []
            listed = await db.execute(f"SELECT tenant_id FROM {t}")
            assert {r["tenant_id"] for r in listed} == {b.id}, table
            counted = await db.execute(f"SELECT count(*) AS n FROM {t} WHERE id = {{}}", rid)
            assert counted[0]["n"] == 0, table
            assert await db.execute(
                f"UPDATE {t} SET tenant_id = tenant_id WHERE id = {{}} RETURNING id", rid) == []
            assert await db.execute(f"DELETE FROM {t} WHERE id = {{}} RETURNING id", rid) == []
        # Writing a row of A's tenant from B's scope (bypassing ScopedTable.insert) fails.
        foreign = table(**{c._meta.name: row[c._meta.name] for c in table._meta.columns
                           if not c._meta.primary_key})
        with pytest.raises(asyncpg.InsufficientPrivilegeError):
            async with db.scoped(sb, write=True):
                await Insert(table=table).add(foreign)
        # Moving B's own row into A's tenant fails the WITH CHECK.
        with pytest.raises(asyncpg.InsufficientPrivilegeError):
            async with db.scoped(sb, write=True):
                await db.execute(f"UPDATE {t} SET tenant_id = {{}} WHERE id = {{}}", a.id,
                                 own["id"])
        # A read-only scope of A's own tenant cannot change A's row.
        async with db.scoped(Scope.for_node(a.id, writable=False)):
            assert await db.execute(
                f"UPDATE {t} SET tenant_id = tenant_id WHERE id = {{}} RETURNING id", rid) == []
        # With no scope at all, the application role reads nothing.
        conn = await asyncpg.connect(linli_env.settings.database_url)
        try:
            assert await conn.fetchval(f"SELECT count(*) FROM {t}") == 0, table
            async with conn.transaction():
                await conn.execute("SELECT set_config('linli.read_nodes', '', true),"
                                   " set_config('linli.write_node', '', true)")
                assert await conn.fetchval(f"SELECT count(*) FROM {t}") == 0, table
                assert await conn.fetch(f"DELETE FROM {t} RETURNING id") == [], table
        finally:
            await conn.close()
        async with db.scoped(sa):
            assert await table.select().where(table.id == rid).first() == row, table
        tally("postgres", "row-level security alone", table, 11)


@pytest.mark.postgres_only
async def test_roles_and_policies(linli_env):
    """The application role owns nothing and lacks BYPASSRLS; every scoped table has ENABLE and
    FORCE row-level security with the four policies."""
    import asyncpg

    conn = await asyncpg.connect(linli_env.settings.database_url)
    try:
        role = await conn.fetchrow("SELECT rolsuper, rolbypassrls FROM pg_roles "
                                   "WHERE rolname = current_user")
        assert (role["rolsuper"], role["rolbypassrls"]) == (False, False)
        owned = await conn.fetchval("SELECT count(*) FROM pg_class c JOIN pg_roles r "
                                    "ON r.oid = c.relowner WHERE r.rolname = current_user")
        assert owned == 0
        for table in linli_env.state.db.scoped_tables:
            flags = await conn.fetchrow(
                "SELECT relrowsecurity, relforcerowsecurity FROM pg_class WHERE relname = $1",
                table._meta.tablename)
            assert tuple(flags) == (True, True), table
            names = {r["policyname"] for r in await conn.fetch(
                "SELECT policyname FROM pg_policies WHERE tablename = $1", table._meta.tablename)}
            assert names == {"linli_read", "linli_insert", "linli_update", "linli_delete"}
        with pytest.raises(asyncpg.InsufficientPrivilegeError):
            await conn.fetch("SELECT * FROM migration")
    finally:
        await conn.close()


async def test_unscoped_access_is_refused(linli_env, probe_tables):
    for table in await _scoped_tables(linli_env, probe_tables):
        with pytest.raises(UnscopedAccessError):
            await table.select()
        with pytest.raises(UnscopedAccessError):
            table.raw("SELECT 1")


async def test_shared_downward(linli_env, factory, probe_tables):
    """A region's rows in a shared-downward table are read by the tenants below it, written only
    by the region; tenants elsewhere see nothing; a table not shared shows the region nothing."""
    db: Database = linli_env.state.db
    region = await factory.region()
    below = await factory.tenant(region)
    elsewhere = await factory.tenant()
    sr = factory.scope(region)
    shared = await _insert_as(db, sr, ProbeCatalogue)
    private = await _insert_as(db, sr, ProbeNote)
    async with db.scoped(factory.scope(below), write=True):
        assert await ProbeCatalogue.select().where(ProbeCatalogue.id == shared["id"]) != []
        assert await ProbeNote.select().where(ProbeNote.id == private["id"]) == []
        assert await ProbeCatalogue.update({ProbeCatalogue.title: "x"}).where(
            ProbeCatalogue.id == shared["id"]).returning(ProbeCatalogue.id) == []
        assert await ProbeCatalogue.delete().where(
            ProbeCatalogue.id == shared["id"]).returning(ProbeCatalogue.id) == []
        if db.is_postgres:
            rows = await db.execute("SELECT id FROM isoprobe_catalogue WHERE id = {}",
                                    shared["id"])
            assert [r["id"] for r in rows] == [shared["id"]]
            assert await db.execute("SELECT id FROM isoprobe_note WHERE id = {}",
                                    private["id"]) == []
            assert await db.execute("DELETE FROM isoprobe_catalogue WHERE id = {} RETURNING id",
                                    shared["id"]) == []
    async with db.scoped(factory.scope(elsewhere)):
        assert await ProbeCatalogue.select().where(ProbeCatalogue.id == shared["id"]) == []
        if db.is_postgres:
            assert await db.execute("SELECT id FROM isoprobe_catalogue WHERE id = {}",
                                    shared["id"]) == []
    async with db.scoped(sr):
        assert await ProbeCatalogue.select().where(ProbeCatalogue.id == shared["id"]).first() \
            == shared


async def test_alternating_tenants_over_small_pool(linli_env, factory, probe_tables):
    """1,000 concurrent scoped reads alternating between two tenants over a pool of two
    connections (SQLite: at most three at once) each see only their own rows."""
    env_db: Database = linli_env.state.db
    a, b = await _two_tenants(factory)
    scopes = {a.id: factory.scope(a), b.id: factory.scope(b)}
    for scope in scopes.values():
        for _ in range(3):
            await _insert_as(env_db, scope, ProbeNote)
    small = Database(linli_env.settings.database_url, [ProbeNote])
    if small.is_postgres:
        await small.engine.start_connection_pool(min_size=1, max_size=2)
    gate = asyncio.Semaphore(1000 if small.is_postgres else 3)
    seen: list[tuple[int, set[int]]] = []

    async def request(tenant: int) -> None:
        async with gate, small.scoped(scopes[tenant]):
            rows = await ProbeNote.select(ProbeNote.tenant_id)
            found = {r["tenant_id"] for r in rows}
            if small.is_postgres:
                raw = await small.execute("SELECT tenant_id FROM isoprobe_note")
                found |= {r["tenant_id"] for r in raw}
                assert len(raw) == len(rows)
            await asyncio.sleep(0)
            seen.append((tenant, found))

    try:
        await asyncio.gather(*(request(a.id if i % 2 else b.id) for i in range(1000)))
    finally:
        if small.is_postgres:
            await small.engine.close_connection_pool()
        bind_tables([ProbeNote], env_db.engine)
    leaks = [(t, f) for t, f in seen if f != {t}]
    assert len(seen) == 1000 and not leaks, f"{len(leaks)} of {len(seen)} requests leaked"
    tally(linli_env.engine, "alternating requests", ProbeNote, 1000)
