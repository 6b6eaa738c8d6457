"""``linli events failed|retry|status`` on the test database."""

from core.events.service import emit
from tenants.service import scope_for

SERVICE = "volunteer.service_recorded"


async def _parked_event(kit) -> tuple[object, object, int]:
    tenant = await kit.factory.tenant()
    broken = kit.plugin(SERVICE)
    broken.always_fail = True
    await kit.enable(tenant, broken)
    resident = await kit.resident(tenant)
    async with kit.db.scoped(scope_for(tenant), write=True):
        event_id = await emit(SERVICE, {"resident_id": resident, "minutes": 45, "kind": "探访",
                                        "source_module": "test"})
    for _ in range(3):
        await kit.service.deliver(event_id)
        kit.clock.advance(3600)
    return tenant, broken, event_id


async def test_failed_lists_parked_deliveries_and_retry_redelivers(kit, linli_cli):
    tenant, broken, event_id = await _parked_event(kit)
    listed = await linli_cli("events", "failed")
    assert listed.exit_code == 0, listed.output
    assert "event\ttype\ttenant\thandler\tattempts\terror" in listed.output
    assert (f"{event_id}\t{SERVICE}\t{tenant.code}\t{broken.name}\t3\tRuntimeError: boom #3"
            in listed.output)

    status = await linli_cli("events", "status")
    assert status.exit_code == 0 and "parked" in status.output

    broken.always_fail = False
    retried = await linli_cli("events", "retry", str(event_id))
    assert retried.exit_code == 0, retried.output
    assert "re-queued 1 deliveries" in retried.output
    assert "delivered 1, awaiting retry 0, parked again 0" in retried.output
    assert await kit.effects(tenant, [event_id]) == 1
    assert [d.status for d in await kit.service.deliveries([event_id])] == ["done"]
    again = await linli_cli("events", "failed")
    assert f"{event_id}\t{SERVICE}" not in again.output


async def test_retry_all_requeues_without_delivering(kit, linli_cli):
    tenant, broken, event_id = await _parked_event(kit)
    retried = await linli_cli("events", "retry", "--all", "--no-deliver")
    assert retried.exit_code == 0, retried.output
    assert "re-queued" in retried.output and "delivered" not in retried.output
    [delivery] = await kit.service.deliveries([event_id])
    assert (delivery.status, delivery.attempts) == ("retry", 0)
    broken.always_fail = False
    await kit.service.dispatch_pending()
    assert await kit.effects(tenant, [event_id]) == 1


async def test_retry_needs_an_event_or_all(linli_cli):
    neither = await linli_cli("events", "retry")
    assert neither.exit_code == 2 and "EVENT_ID" in neither.output
    nothing = await linli_cli("events", "retry", "999999999")
    assert nothing.exit_code == 1 and "no parked deliveries" in nothing.output


async def test_list_shows_emitted_events_with_their_delivery_state(kit, linli_cli):
    tenant, broken, parked_id = await _parked_event(kit)
    other = await kit.factory.tenant()
    consumer = kit.plugin(SERVICE)
    await kit.enable(other, consumer)
    resident = await kit.resident(other)
    async with kit.db.scoped(scope_for(other), write=True):
        done_id = await emit(SERVICE, {"resident_id": resident, "minutes": 30, "kind": "探访",
                                       "source_module": "test"})
        waiting_id = await emit(SERVICE, {"resident_id": resident, "minutes": 5, "kind": "探访",
                                          "source_module": "test"})
    await kit.service.deliver(done_id)

    listed = await linli_cli("events", "list", "--type", SERVICE, "--limit", "1000")
    assert listed.exit_code == 0, listed.output
    assert "event\ttype\ttenant\tcreated\tstate" in listed.output
    lines = {int(line.split("\t")[0]): line.split("\t") for line in listed.output.splitlines()
             if line[:1].isdigit()}
    assert lines[parked_id][2] == tenant.code and lines[parked_id][4] == "parked"
    assert lines[done_id][2] == other.code and lines[done_id][4] == "delivered"
    assert lines[waiting_id][4] == "pending"
    assert list(lines) == sorted(lines, reverse=True)  # newest first

    mine = await linli_cli("events", "list", "--node", other.code, "--limit", "1")
    rows = [line for line in mine.output.splitlines() if line[:1].isdigit()]
    assert rows == [f"{waiting_id}\t{SERVICE}\t{other.code}\t" + rows[0].split("\t")[3]
                    + "\tpending"]
    unknown = await linli_cli("events", "list", "--node", "999999999999")
    assert unknown.exit_code == 1 and "no node" in unknown.output
