"""notify(): inbox rows in the caller's transaction, who is reached for a resident, and delivery
through channels at least once and exactly once per (notification, channel)."""

import asyncio
import sqlite3
from datetime import UTC, datetime, timedelta

import pytest
from asyncpg.exceptions import UniqueViolationError

from core.errors import ApiError
from core.notify.service import (
    Notification,
    NotificationDelivery,
    ResidentRecipient,
    notify,
)
from tenants.service import scope_for, set_plugin_enabled


async def _send(db, tenant, recipient, title="献血提醒"):
    async with db.scoped(scope_for(tenant), write=True):
        return await notify(recipient, "probe.reminder", title, "明天上午九点，市中心血站", "/blood")


async def _rows(db, tenant, ids):
    async with db.scoped(scope_for(tenant)):
        return await Notification.select().where(Notification.id.is_in(ids)).order_by(
            Notification.id)


async def _enable(db, tenant, plugin):
    async with db.transaction():
        await set_plugin_enabled(tenant, plugin, True)


async def test_inbox_row_in_the_callers_transaction(linli_env, factory, world):
    db = world.state.db
    tenant = await factory.tenant()
    admin = await factory.account(tenant, "tenant_admin")
    async with world.service.subscribe(admin.id) as live:
        (nid,) = await _send(db, tenant, admin.id)
        assert (await live.get()).notification_id == nid          # published after commit
        with pytest.raises(RuntimeError):
            async with db.scoped(scope_for(tenant), write=True):
                await notify(admin.id, "probe.reminder", "不会留下", "")
                raise RuntimeError("rolled back")
        assert live.empty()                                       # nothing from the rollback
    (row,) = await _rows(db, tenant, [nid])
    assert (row["account_id"], row["tenant_id"], row["title"], row["link"], row["read_at"]) == (
        admin.id, tenant.id, "献血提醒", "/blood", None)
    async with db.scoped(scope_for(tenant)):
        assert await Notification.count().where(Notification.title == "不会留下") == 0
    assert world.jobs.calls == []                                 # no channel enabled here


async def test_bad_input_is_refused(linli_env, factory, world):
    db = world.state.db
    tenant = await factory.tenant()
    admin = await factory.account(tenant, "tenant_admin")
    async with db.scoped(scope_for(tenant), write=True):
        for args, field in [((admin.id, "Bad Kind", "t", ""), "kind"),
                            ((admin.id, "probe.x", " ", ""), "title"),
                            ((10**12, "probe.x", "t", ""), "recipient"),
                            ((ResidentRecipient(10**12), "probe.x", "t", ""), "recipient")]:
            with pytest.raises(ApiError) as err:
                await notify(*args)
            assert err.value.field == field


async def test_resident_without_account_reaches_the_grid_worker(linli_env, factory, world,
                                                                  people):
    db = world.state.db
    tenant = await factory.tenant()
    place = await people.place(db, tenant)
    resident = await people.resident(db, tenant, place)
    admin = await factory.account(tenant, "tenant_admin")
    staff = await factory.account(tenant, "community_staff", place_kind="community",
                                  place_id=place.community_id)
    worker = await factory.account(tenant, "grid_worker", place_kind="grid",
                                   place_id=place.grid_id)
    elsewhere = await people.place(db, tenant)
    await factory.account(tenant, "grid_worker", place_kind="grid", place_id=elsewhere.grid_id)

    ids = await _send(db, tenant, ResidentRecipient(resident))
    rows = await _rows(db, tenant, ids)
    assert [(r["account_id"], r["resident_id"]) for r in rows] == [(worker.id, resident)]

    # no grid worker: the community staff; none either: the tenant administrators
    lonely = await people.place(db, tenant)
    in_lonely = await people.resident(db, tenant, lonely, "李秀英")
    await factory.grant(staff, tenant, "community_staff", place_kind="community",
                        place_id=lonely.community_id)
    rows = await _rows(db, tenant, await _send(db, tenant, ResidentRecipient(in_lonely)))
    assert [r["account_id"] for r in rows] == [staff.id]
    nobody = await people.place(db, tenant)
    rows = await _rows(db, tenant, await _send(
        db, tenant, ResidentRecipient(await people.resident(db, tenant, nobody, "王淑珍"))))
    assert [r["account_id"] for r in rows] == [admin.id]

    # a resident with an account of their own is reached directly
    own = await factory.account(tenant, "resident")
    await people.link(db, own.id, resident, tenant)
    rows = await _rows(db, tenant, await _send(db, tenant, ResidentRecipient(resident)))
    assert [r["account_id"] for r in rows] == [own.id]


async def test_a_plugins_responsible_accounts_take_precedence(linli_env, factory, world,
                                                              people):
    db = world.state.db
    tenant = await factory.tenant()
    place = await people.place(db, tenant)
    resident = await people.resident(db, tenant, place)
    worker = await factory.account(tenant, "grid_worker", place_kind="grid",
                                   place_id=place.grid_id)
    head = await factory.account(tenant, "volunteer")
    world.heads.heads[resident] = head.id

    rows = await _rows(db, tenant, await _send(db, tenant, ResidentRecipient(resident)))
    assert [r["account_id"] for r in rows] == [worker.id]         # plugin off for this tenant
    await _enable(db, tenant, "heads_probe")
    rows = await _rows(db, tenant, await _send(db, tenant, ResidentRecipient(resident)))
    assert [(r["account_id"], r["resident_id"]) for r in rows] == [(head.id, resident)]


async def _deliveries(db, nid):
    async with db.transaction(write=False):
        return await NotificationDelivery.select().where(
            NotificationDelivery.notification_id == nid)


async def test_a_channel_failing_once_delivers_exactly_once(linli_env, factory, world):
    db, service, channel = world.state.db, world.service, world.channel
    tenant = await factory.tenant()
    admin = await factory.account(tenant, "tenant_admin")
    await _enable(db, tenant, "notify_probe")
    channel.failures = 1

    (nid,) = await _send(db, tenant, admin.id)
    assert world.jobs.calls == [("notify.deliver", {"tenant_id": tenant.id,
                                                    "notification_id": nid})]
    assert await service.deliver(tenant.id, nid) == 0             # the job's first try fails
    (row,) = await _deliveries(db, nid)
    assert (row["status"], row["attempts"]) == ("pending", 1)
    assert "SMS gateway" in row["last_error"]
    assert await service.deliver(tenant.id, nid) == 0             # not due yet (backoff)

    later = datetime.now(UTC) + timedelta(hours=1)
    assert await service.deliver_pending(now=later) == 1          # the sweep retries
    assert await service.deliver_pending(now=later + timedelta(hours=1)) == 0
    assert await service.deliver(tenant.id, nid, later + timedelta(hours=2)) == 0
    assert channel.attempts == [nid, nid] and channel.delivered == [nid]
    (row,) = await _deliveries(db, nid)
    assert (row["status"], row["attempts"], row["channel"]) == ("delivered", 2, "probe_sms")

    with pytest.raises((sqlite3.IntegrityError, UniqueViolationError)):  # one row per pair
        async with db.transaction():
            await NotificationDelivery.insert(NotificationDelivery(
                tenant_id=tenant.id, notification_id=nid, channel="probe_sms",
                next_attempt_at=later, created_at=later))


async def test_two_runners_at_once_send_once(linli_env, factory, world):
    db, service, channel = world.state.db, world.service, world.channel
    tenant = await factory.tenant()
    admin = await factory.account(tenant, "tenant_admin")
    await _enable(db, tenant, "notify_probe")
    (nid,) = await _send(db, tenant, admin.id)
    results = await asyncio.gather(service.deliver(tenant.id, nid),
                                   service.deliver_pending(), service.deliver(tenant.id, nid))
    assert sum(results) == 1 and channel.delivered == [nid]


async def test_attempts_stop_at_the_rule(linli_env, factory, world):
    db, service, channel = world.state.db, world.service, world.channel
    tenant = await factory.tenant()
    admin = await factory.account(tenant, "tenant_admin")
    await _enable(db, tenant, "notify_probe")
    async with db.scoped(scope_for(tenant), write=True):
        await world.state.services.rules.set("notify.delivery_attempts", 2, tenant)
    channel.failures = 5
    (nid,) = await _send(db, tenant, admin.id)
    now = datetime.now(UTC)
    await service.deliver(tenant.id, nid, now)
    await service.deliver(tenant.id, nid, now + timedelta(hours=1))
    assert await service.deliver(tenant.id, nid, now + timedelta(hours=3)) == 0
    (row,) = await _deliveries(db, nid)
    assert (row["status"], row["attempts"]) == ("failed", 2)
    assert channel.attempts == [nid, nid]


async def test_without_a_jobs_service_delivery_runs_in_process(linli_env, factory, world):
    db, service, channel = world.state.db, world.service, world.channel
    world.state.services.jobs = None
    tenant = await factory.tenant()
    admin = await factory.account(tenant, "tenant_admin")
    await _enable(db, tenant, "notify_probe")
    (nid,) = await _send(db, tenant, admin.id)
    await asyncio.gather(*service._tasks)
    assert channel.delivered == [nid]
