"""One request, one transaction (issue 10, item 2): a query reads through one shared scoped
transaction, a token seen before needs no identity SQL, and what changes who may do what
(memberships, logout) is seen on the very next request."""

from __future__ import annotations

import asyncio
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

import pytest

from core.db import Database, _ScopedBegin
from core.identity.cache import auth_cache
from core.identity.tables import Membership

NOTIFICATIONS = """query($n: Int!) { myNotifications(first: $n) {
  edges { node { id kind title body createdAt } } pageInfo { hasNextPage endCursor } } }"""
TWICE = """{ a: myNotifications(first: 5) { edges { node { id } } }
  b: myNotifications(first: 7) { edges { node { title } } } unreadNotificationCount }"""


@contextmanager
def watching(db: Database):
    """Statements sent through the engine, and transactions the requests opened."""
    statements: list[str] = []
    opened: list[int] = []
    engine_cls = type(db.engine)
    original_run = engine_cls.run_querystring
    original_tx = engine_cls.transaction

    async def counted(self, querystring, *args, **kwargs):
        if self is db.engine:
            statements.append(str(querystring)[:100])
        return await original_run(self, querystring, *args, **kwargs)

    def transaction(self, *args, **kwargs):
        if self is db.engine and self.current_transaction.get() is None:
            opened.append(1)
        return original_tx(self, *args, **kwargs)

    original_begun = _ScopedBegin.__init__

    def begun(self, engine, *args, **kwargs):  # BEGIN and the scope in one (PostgreSQL)
        if engine is db.engine:
            opened.append(1)
        original_begun(self, engine, *args, **kwargs)

    engine_cls.run_querystring = counted
    engine_cls.transaction = transaction
    _ScopedBegin.__init__ = begun
    try:
        yield statements, opened
    finally:
        engine_cls.run_querystring = original_run
        engine_cls.transaction = original_tx
        _ScopedBegin.__init__ = original_begun


async def _seed_inbox(linli_env, node, account, n: int = 30) -> None:
    from core.notify.service import Notification

    now = datetime.now(UTC)
    async with linli_env.state.db.scoped(_scope(node), write=True):
        await Notification.insert(*[
            Notification(tenant_id=node.id, account_id=account.id, kind="test.notice",
                         title=f"通知 {i}", body="正文", created_at=now - timedelta(minutes=i))
            for i in range(n)])


def _scope(node):
    from tenants.service import scope_for

    return scope_for(node)


async def test_a_list_query_is_one_transaction_without_identity_sql(gql, factory, linli_env):
    tenant = await factory.tenant()
    admin = await factory.account(tenant)
    await _seed_inbox(linli_env, tenant, admin)
    first = await gql(NOTIFICATIONS, {"n": 10}, token=admin.token, node=tenant.code)
    assert first.get("errors") is None, first
    with watching(linli_env.state.db) as (statements, opened):
        out = await gql(NOTIFICATIONS, {"n": 20}, token=admin.token, node=tenant.code)
    assert out.get("errors") is None, out
    assert len(out["data"]["myNotifications"]["edges"]) == 20
    assert len(opened) == 1, statements
    assert not [s for s in statements if "linli_account" in s or "linli_membership" in s
                or "linli_node" in s or "linli_revoked" in s], statements
    # on PostgreSQL: BEGIN with the scope (which also checks the shared auth epoch) in one
    # round trip, the page, COMMIT (the engine sees the page alone); on SQLite the epoch is
    # read on its own
    if linli_env.engine == "postgres":
        assert len(statements) == 1 and "linli_notification" in statements[0], statements
    else:
        assert len(statements) == 2 and "linli_auth_epoch" in statements[0], statements


async def test_concurrent_resolvers_share_the_transaction(gql, factory, linli_env):
    tenant = await factory.tenant()
    admin = await factory.account(tenant)
    await _seed_inbox(linli_env, tenant, admin, 10)
    await gql(TWICE, token=admin.token, node=tenant.code)
    with watching(linli_env.state.db) as (_statements, opened):
        outs = await asyncio.gather(*[gql(TWICE, token=admin.token, node=tenant.code)
                                      for _ in range(8)])
    for out in outs:
        assert out.get("errors") is None, out
        assert len(out["data"]["a"]["edges"]) == 5 and len(out["data"]["b"]["edges"]) == 7
        assert out["data"]["unreadNotificationCount"] == 10
    assert len(opened) == 8  # one per request, three root fields each


async def test_a_membership_change_reaches_a_cached_token_at_once(gql, factory, linli_env):
    first = await factory.tenant()
    second = await factory.tenant()
    account = await factory.account(first)
    me = "{ myNotifications(first: 1) { edges { node { id } } } }"
    assert (await gql(me, token=account.token, node=first.code)).get("errors") is None
    refused = await gql(me, token=account.token, node=second.code)
    assert refused["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    hits = auth_cache.hits
    assert (await gql(me, token=account.token, node=first.code)).get("errors") is None
    assert auth_cache.hits > hits  # the token was served from the cache
    await factory.grant(account, second, "tenant_admin")
    assert (await gql(me, token=account.token, node=second.code)).get("errors") is None
    async with linli_env.state.db.transaction():
        await Membership.delete().where((Membership.account_id == account.id)
                                        & (Membership.node_id == second.id))
    again = await gql(me, token=account.token, node=second.code)
    assert again["errors"][0]["extensions"]["code"] == "NOT_FOUND"


async def test_an_error_ending_the_operation_leaves_no_connection_behind(gql, factory,
                                                                         linli_env):
    """A non-null field that fails nulls the whole answer while its siblings may still be
    opening the shared transaction: none of them may keep a pooled connection."""
    tenant = await factory.tenant()
    admin = await factory.account(tenant)
    await _seed_inbox(linli_env, tenant, admin, 3)
    bad = ('{ a: myNotifications(first: 2, after: "bm90LWEtY3Vyc29y") { edges { node { id } } }'
           ' b: myNotifications(first: 3) { edges { node { id } } } unreadNotificationCount }')
    for _ in range(15):
        out = await gql(bad, token=admin.token, node=tenant.code)
        assert out["errors"][0]["extensions"]["code"] == "INVALID_ARGUMENT"
    await asyncio.sleep(0.2)
    if linli_env.engine == "postgres":
        pool = linli_env.state.db.engine.pool
        assert pool.get_size() - pool.get_idle_size() == 0
    out = await gql("{ unreadNotificationCount }", token=admin.token, node=tenant.code)
    assert out == {"data": {"unreadNotificationCount": 3}}


class _CountedSlots(asyncio.Semaphore):
    """A read gate that remembers how many slots were held at most and how often a request
    had to wait for one."""

    def __init__(self, value: int) -> None:
        super().__init__(value)
        self.held = self.most = self.waited = 0

    async def acquire(self) -> bool:
        if self.locked():
            self.waited += 1
        await super().acquire()
        self.held += 1
        self.most = max(self.most, self.held)
        return True

    def release(self) -> None:
        self.held -= 1
        super().release()


async def test_query_requests_wait_for_a_read_slot_holding_no_connection(gql, factory,
                                                                         linli_env, monkeypatch):
    """At most ``read_slots`` query requests hold their shared transaction at once (on
    PostgreSQL: 8 of a pool of 10, so reads never take the connections writes, jobs and
    sign-ins need); the others wait for a slot before they take a connection, and every
    slot comes back, also from a request whose scope statement failed."""
    from core.db import read_slot_count

    assert [read_slot_count(n) for n in (1, 4, 10, 20)] == [1, 2, 8, 15]
    db = linli_env.state.db
    if linli_env.engine == "postgres":
        assert db.read_slots is not None and db.read_slots._value == 8
    tenant = await factory.tenant()
    admin = await factory.account(tenant)
    await _seed_inbox(linli_env, tenant, admin, 5)
    slots = _CountedSlots(2)
    monkeypatch.setattr(db, "read_slots", slots)
    outs = await asyncio.gather(*[gql(NOTIFICATIONS, {"n": 5}, token=admin.token,
                                      node=tenant.code) for _ in range(8)])
    assert all(o.get("errors") is None for o in outs), outs
    assert (slots.most, slots.held) == (2, 0)
    assert slots.waited > 0  # the eight did contend for the two slots

    import core.db as db_module

    original_scope = type(db)._apply_scope
    original_begin = db_module._begin_scoped_sql
    failures = iter([True])

    async def failing_once(self, scope):
        if next(failures, False):
            raise RuntimeError("scope statement failed")
        return await original_scope(self, scope)

    def failing_begin(*args):  # PostgreSQL: BEGIN goes through, the scope statement fails
        sql = original_begin(*args)
        return sql.replace("BEGIN; SELECT", "BEGIN; SELECT 1/0,") if next(failures, False) \
            else sql

    monkeypatch.setattr(type(db), "_apply_scope", failing_once)
    monkeypatch.setattr(db_module, "_begin_scoped_sql", failing_begin)
    out = await gql(NOTIFICATIONS, {"n": 5}, token=admin.token, node=tenant.code)
    assert out.get("errors"), out
    assert slots.held == 0 and slots._value == 2
    if linli_env.engine == "postgres":  # and no connection was left behind
        pool = db.engine.pool
        assert pool.get_size() - pool.get_idle_size() == 0
    out = await gql(NOTIFICATIONS, {"n": 5}, token=admin.token, node=tenant.code)
    assert out.get("errors") is None, out
    assert slots.held == 0 and slots._value == 2


async def test_a_moved_epoch_is_seen_through_the_one_round_trip_begin(gql, factory, linli_env):
    """On PostgreSQL a request's BEGIN carries its scope and checks the shared auth epoch in
    the same simple query; when another process moved the epoch that query fails, nothing is
    left open, and the request begins the long way (which reads the epoch and moves this
    process's caches) — answering as before, on the very request that saw it."""
    if linli_env.engine != "postgres":
        pytest.skip("SQLite reads the epoch in a statement of its own")
    from core.db import _BUMP_SHARED, AuthEpoch

    db = linli_env.state.db
    tenant = await factory.tenant()
    admin = await factory.account(tenant)
    await _seed_inbox(linli_env, tenant, admin, 3)
    assert (await gql(NOTIFICATIONS, {"n": 3}, token=admin.token, node=tenant.code)
            ).get("errors") is None
    async with db.engine.pool.acquire() as other:  # as another process would, unseen here
        moved = (await other.fetchrow(_BUMP_SHARED))["value"]
    before = AuthEpoch.value
    with watching(db) as (statements, opened):
        out = await gql(NOTIFICATIONS, {"n": 3}, token=admin.token, node=tenant.code)
    assert out.get("errors") is None and len(out["data"]["myNotifications"]["edges"]) == 3
    assert AuthEpoch.shared == moved and AuthEpoch.value > before
    assert len(opened) == 2  # the one-round-trip BEGIN that found the epoch moved, then BEGIN
    assert statements[0].startswith("SELECT set_config"), statements  # the epoch read
    pool = db.engine.pool
    assert pool.get_size() - pool.get_idle_size() == 0
    # the caches the move dropped fill again (the node by code, in a transaction of its own)
    assert (await gql(NOTIFICATIONS, {"n": 3}, token=admin.token, node=tenant.code)
            ).get("errors") is None
    with watching(db) as (statements, opened):
        out = await gql(NOTIFICATIONS, {"n": 3}, token=admin.token, node=tenant.code)
    assert out.get("errors") is None
    assert len(opened) == 1 and len(statements) == 1, statements  # one round trip again


def test_the_one_round_trip_begin_writes_integers_only():
    """The scope goes into the simple query's text (no parameters there): only integers."""
    from core.db import _begin_scoped_sql
    from tenants.scope import Scope

    sql = _begin_scoped_sql(Scope(read_nodes=frozenset({12, 3}), write_node=3), 5000, 7)
    assert sql.startswith("BEGIN; SELECT set_config('linli.read_nodes', '3,12', true),")
    assert "set_config('linli.write_node', '3', true)" in sql
    assert "set_config('statement_timeout', '5000', true)" in sql and "e.v <> 7 " in sql
    with pytest.raises(ValueError):
        _begin_scoped_sql(Scope(read_nodes=frozenset({"1'); DROP TABLE x; --"}),  # type: ignore[arg-type]
                                write_node=None), 0, 7)
