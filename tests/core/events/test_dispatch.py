"""Dispatching: exactly-once effects, retries with backoff, parking, enablement, the sweeper."""

import asyncio
import os

from core.events.service import emit
from tenants.service import scope_for

SERVICE = "volunteer.service_recorded"


async def _emit_many(kit, tenant, n: int) -> list[int]:
    resident = await kit.resident(tenant)
    async with kit.db.scoped(scope_for(tenant), write=True):
        return [await emit(SERVICE, {"resident_id": resident, "minutes": 10 + i, "kind": "助餐",
                                     "source_module": "test"}) for i in range(n)]


async def _deliveries(kit, event_id):
    return await kit.service.deliveries([event_id])


async def test_a_handler_failing_twice_then_succeeding_is_applied_once(kit):
    tenant = await kit.factory.tenant()
    flaky = kit.plugin(SERVICE, fail_first=2)
    await kit.enable(tenant, flaky)
    [event_id] = await _emit_many(kit, tenant, 1)

    await kit.service.dispatch_pending()
    [first] = await _deliveries(kit, event_id)
    assert (first.status, first.attempts) == ("retry", 1)
    assert "boom #1" in first.last_error
    assert await kit.effects(tenant) == 0  # the failed try's effect was rolled back

    await kit.service.dispatch_pending()  # not due yet: backoff
    assert len(flaky.calls) == 1
    kit.clock.advance(11)
    await kit.service.dispatch_pending()
    [second] = await _deliveries(kit, event_id)
    assert (second.status, second.attempts) == ("retry", 2)
    assert second.next_attempt_at - kit.clock() > first.next_attempt_at - kit.clock()  # doubled

    kit.clock.advance(21)
    await kit.service.dispatch_pending()
    [done] = await _deliveries(kit, event_id)
    assert (done.status, done.attempts) == ("done", 3)
    assert await kit.effects(tenant, [event_id]) == 1
    assert not (await kit.outbox(event_id))["pending"]

    kit.clock.advance(3600)
    await kit.service.dispatch_pending()
    await kit.service.deliver(event_id)
    assert len(flaky.calls) == 3 and await kit.effects(tenant, [event_id]) == 1


async def test_after_the_last_try_a_delivery_is_parked_and_retry_requeues_it(kit):
    tenant = await kit.factory.tenant()
    broken, fine = kit.plugin(SERVICE), kit.plugin(SERVICE)
    broken.always_fail = True
    await kit.enable(tenant, broken, fine)
    [event_id] = await _emit_many(kit, tenant, 1)
    for _ in range(3):
        await kit.service.dispatch_pending()
        kit.clock.advance(3600)
    by_handler = {d.handler: d for d in await _deliveries(kit, event_id)}
    assert (by_handler[broken.name].status, by_handler[broken.name].attempts) == ("parked", 3)
    assert by_handler[fine.name].status == "done"  # one failure did not hold back the other
    assert not (await kit.outbox(event_id))["pending"]  # done or parked: dispatched
    assert [p.event_id for p in await kit.service.failed()].count(event_id) == 1

    broken.always_fail = False
    assert await kit.service.retry_parked(event_id) == 1
    assert (await kit.outbox(event_id))["pending"]
    await kit.service.dispatch_pending()
    assert {d.handler: d.status for d in await _deliveries(kit, event_id)} == {
        broken.name: "done", fine.name: "done"}
    assert await kit.effects(tenant, [event_id]) == 2  # one per handler
    assert await kit.service.retry_parked(event_id) == 0


async def test_a_plugin_disabled_for_the_tenant_gets_nothing(kit):
    tenant, elsewhere = await kit.factory.tenant(), await kit.factory.tenant()
    on, off, other = kit.plugin(SERVICE), kit.plugin(SERVICE), kit.plugin(SERVICE)
    await kit.enable(tenant, on, off)
    await kit.enable(tenant, off, on=False)
    await kit.enable(elsewhere, other)
    unrelated = kit.plugin("people.welfare_concern")
    await kit.enable(tenant, unrelated)
    ids = await _emit_many(kit, tenant, 3)
    await kit.service.sweep(older_than=0)
    assert sorted(e.id for e in on.calls) == ids
    assert off.calls == [] and other.calls == [] and unrelated.calls == []
    assert await kit.pending(ids) == []


async def test_dispatching_twice_or_concurrently_applies_each_handler_once(kit):
    tenant = await kit.factory.tenant()
    one, two = kit.plugin(SERVICE), kit.plugin(SERVICE)
    await kit.enable(tenant, one, two)
    ids = await _emit_many(kit, tenant, 40)
    applied = await asyncio.gather(kit.service.dispatch_pending(),
                                   kit.service.dispatch_pending())
    applied_again = await kit.service.dispatch_pending()
    for event_id in ids:
        await kit.service.deliver(event_id)
    kit.clock.advance(60)
    await kit.service.sweep(older_than=0)
    assert sum(applied) + applied_again >= 80
    assert await kit.effects(tenant, ids) == 80
    assert sorted(e.id for e in one.calls) == ids and sorted(e.id for e in two.calls) == ids
    assert {(d.status, d.attempts) for i in ids for d in await _deliveries(kit, i)} == {
        ("done", 1)}


async def test_sweep_after_a_redis_flush_delivers_every_undelivered_event(kit):
    tenant = await kit.factory.tenant()
    consumer = kit.plugin(SERVICE)
    await kit.enable(tenant, consumer)
    ids = await _emit_many(kit, tenant, 25)
    redis_url = os.environ.get("LINLI_TEST_REDIS_URL")
    if redis_url:  # whatever jobs were queued for these events are gone
        from redis.asyncio import from_url

        client = from_url(redis_url)
        await client.flushdb()
        await client.aclose()
    assert await kit.service.sweep() == 0  # younger than the sweep age: left to the jobs
    kit.clock.advance(3601)
    assert await kit.service.sweep() >= 25
    assert sorted(e.id for e in consumer.calls) == ids
    assert await kit.effects(tenant, ids) == 25
    assert await kit.pending(ids) == []


async def test_events_of_several_tenants_run_in_each_tenants_scope(kit):
    a, b = await kit.factory.tenant(), await kit.factory.tenant()
    consumer = kit.plugin(SERVICE)
    await kit.enable(a, consumer)
    await kit.enable(b, consumer)
    ids_a, ids_b = await _emit_many(kit, a, 3), await _emit_many(kit, b, 2)
    await kit.service.sweep(older_than=0)
    seen = {e.id: (e.tenant_id, scope) for e, scope in zip(consumer.calls, consumer.scopes)}
    assert {seen[i] for i in ids_a} == {(a.id, a.id)}
    assert {seen[i] for i in ids_b} == {(b.id, b.id)}
    assert await kit.effects(a) == 3 and await kit.effects(b) == 2


async def test_stats_count_pending_and_parked(kit):
    tenant = await kit.factory.tenant()
    broken = kit.plugin(SERVICE)
    broken.always_fail = True
    await kit.enable(tenant, broken)
    await kit.service.sweep(older_than=0)
    before = await kit.service.stats()
    await _emit_many(kit, tenant, 2)
    pending = await kit.service.stats()
    assert pending.pending == before.pending + 2 and pending.oldest_pending_seconds >= 0
    for _ in range(3):
        await kit.service.sweep(older_than=0)
        kit.clock.advance(3600)
    after = await kit.service.stats()
    assert after.parked == before.parked + 2 and after.pending == before.pending
