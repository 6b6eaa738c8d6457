"""core.db.fetch_shaped: a page's select built once per shape, checked against a fresh build."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

import core.db as db_module
from core.db import ShapeMismatch, fetch_shaped
from core.notify.service import INBOX_COLUMNS, Notification, inbox
from core.testing import count_statements

pytestmark = pytest.mark.postgres_only


async def _seed(linli_env, factory, n: int = 7):
    tenant = await factory.tenant()
    account = await factory.account(tenant)
    async with linli_env.state.db.scoped(factory.scope(tenant), write=True):
        for i in range(n):
            await Notification.insert(Notification(
                tenant_id=tenant.id, account_id=account.id, kind="test", title=f"标题{i}", body="正文",
                created_at=datetime.now(UTC), read_at=None if i % 2 else datetime.now(UTC)))
    return tenant, account


def _plain(rows):
    return [dict(r) for r in rows]


async def test_kept_shapes_answer_as_a_fresh_build(linli_env, factory, monkeypatch):
    tenant, account = await _seed(linli_env, factory)
    scope = factory.scope(tenant)
    monkeypatch.setattr(db_module, "CHECK_SHAPES", False)
    async with linli_env.state.db.scoped(scope):
        newest = await Notification.select(*INBOX_COLUMNS) \
            .where(Notification.account_id == account.id).order_by(Notification.id, ascending=False)
        for first, before, unread in [(3, 0, False), (3, 0, False), (2, newest[1]["id"], False),
                                      (5, newest[0]["id"], True), (100, 0, True)]:
            expected = [r for r in newest if (not before or r["id"] < before)
                        and (not unread or r["read_at"] is None)][:first + 1]
            got = await inbox(account.id, tenant.id, first, before, unread)
            assert _plain(got) == expected


async def test_the_second_call_builds_nothing_and_runs_one_statement(linli_env, factory,
                                                                     monkeypatch):
    tenant, account = await _seed(linli_env, factory, 3)
    monkeypatch.setattr(db_module, "CHECK_SHAPES", False)
    builds = []

    def build():
        builds.append(1)
        return Notification.select().where(Notification.account_id == account.id).limit(10)

    async with linli_env.state.db.scoped(factory.scope(tenant)):
        first = await fetch_shaped(Notification, ("test.shape", 10), [account.id], build)
        with count_statements(linli_env.state.db.engine) as calls:
            again = await fetch_shaped(Notification, ("test.shape", 10), [account.id], build)
    assert len(builds) == 1 and len(calls) == 1
    assert _plain(again) == _plain(first) and len(first) == 3


async def test_a_key_that_does_not_decide_the_sql_is_caught(linli_env, factory, monkeypatch):
    tenant, account = await _seed(linli_env, factory, 2)
    monkeypatch.setattr(db_module, "CHECK_SHAPES", True)
    async with linli_env.state.db.scoped(factory.scope(tenant)):
        for limit in (1, 2):  # the page size changes the text, the key leaves it out
            def build(limit=limit):
                return Notification.select().where(Notification.account_id == account.id) \
                    .limit(limit)
            if limit == 1:
                await fetch_shaped(Notification, ("test.bad-key",), [account.id], build)
            else:
                with pytest.raises(ShapeMismatch, match="does not decide"):
                    await fetch_shaped(Notification, ("test.bad-key",), [account.id], build)
        with pytest.raises(ShapeMismatch, match="parameters"):  # arguments in the wrong order
            await fetch_shaped(
                Notification, ("test.order",), [tenant.id, account.id],
                lambda: Notification.select().where((Notification.account_id == account.id)
                                                    & (Notification.tenant_id == tenant.id)))
