"""Live slot availability: a session's subscriber receives one message per booking and per
cancellation, over WebSocket (graphql-transport-ws) through core's pub/sub with Litestar's
in-process test client; a booking refused (slot full) publishes nothing; another session's
changes are not sent; where the plugin is off the subscription answers PLUGIN_DISABLED."""

from __future__ import annotations

import asyncio
import time
from typing import Any

from litestar.testing import TestClient

from core import db as db_module
from core import pubsub as pubsub_module
from core.app import create_app
from core.db import Database, bind_tables
from core.plugin import encode_global_id
from core.state import AppState
from core.tables import all_tables
from plugins.blood_drive.services.bookings import SLOT_TOPIC
from plugins.blood_drive.services.stats import RESULTS_TOPIC
from tests.plugins.blood_drive.test_graphql import op

BOOK = op("BloodDriveBook")
CANCEL = op("BloodDriveCancelBooking")
SUBSCRIBE = op("BloodDriveSlotUpdates")
BOARD = op("BloodDriveUnitLeaderboardUpdates")
CHECK_IN = op("BloodDriveCheckIn")
RESULT = op("BloodDriveRecordResult")


def gid(type_name: str, pk: int) -> str:
    return str(encode_global_id(type_name, pk))


def _own_app(linli_env: Any) -> tuple[AppState, Any]:
    shared = linli_env.state
    state = AppState(settings=shared.settings, registry=shared.registry,
                     db=Database(shared.settings.database_url, all_tables(shared.registry)),
                     rolebook=shared.rolebook, schema=shared.schema)
    pubsub_module.install(state)
    return state, create_app(state=state, manage_db=True)


def _wait(state: AppState, tenant_id: int, topic: str = SLOT_TOPIC) -> None:
    for _ in range(500):  # until the subscription is listening (not a timed assertion)
        if state.services.pubsub.subscribers(topic, tenant_id):
            return
        time.sleep(0.01)
    raise AssertionError("the subscription never started listening")


async def test_slot_updates_arrive_live(world, linli_env):
    campaign = await world.campaign()
    session = await world.session(world.a, campaign, capacity=1, slots=2)
    other = await world.session(world.a, campaign, capacity=5, days=4)
    first, second = await world.slots(world.a, session)
    elsewhere = (await world.slots(world.a, other))[0]
    d1 = await world.donor(world.a, "甲")
    d2 = await world.donor(world.a, "乙")
    d3 = await world.donor(world.a, "丙")
    shared_db = linli_env.state.db
    previous_pubsub = pubsub_module.get_pubsub()
    state, app = _own_app(linli_env)
    headers = {"Authorization": f"Bearer {world.a.admin.token}",
               "X-Linli-Node": world.a.node.code}

    def post(client: TestClient, query: str, input: dict[str, Any]) -> dict[str, Any]:
        out = client.post("/graphql", json={"query": query, "variables": {"input": input}},
                          headers=headers).json()
        return next(iter(out["data"].values()))  # type: ignore[no-any-return]

    def run() -> list[dict[str, Any]]:
        with TestClient(app) as client, client.websocket_connect(
                "/graphql", subprotocols=["graphql-transport-ws"], headers=headers) as ws:
            ws.send_json({"type": "connection_init"})
            assert ws.receive_json()["type"] == "connection_ack"
            ws.send_json({"id": "1", "type": "subscribe", "payload": {
                "query": SUBSCRIBE,
                "variables": {"sessionId": gid("BloodDriveSession", int(session["id"]))}}})
            _wait(state, world.a.node.id)
            messages = []
            booked = post(client, BOOK, {"slotId": gid("BloodDriveSlot", int(first["id"])),
                                         "donorId": gid("BloodDriveDonor", int(d1["id"]))})
            messages.append(ws.receive_json())
            full = post(client, BOOK, {"slotId": gid("BloodDriveSlot", int(first["id"])),
                                       "donorId": gid("BloodDriveDonor", int(d2["id"]))})
            assert full["code"] == "CONFLICT"                # refused: nothing published
            assert post(client, BOOK, {"slotId": gid("BloodDriveSlot", int(elsewhere["id"])),
                                       "donorId": gid("BloodDriveDonor", int(d3["id"]))}
                        )["__typename"] == "BloodDriveBookPayload"   # another session
            assert post(client, BOOK, {"slotId": gid("BloodDriveSlot", int(second["id"])),
                                       "donorId": gid("BloodDriveDonor", int(d2["id"]))}
                        )["__typename"] == "BloodDriveBookPayload"
            messages.append(ws.receive_json())
            post(client, CANCEL, {"bookingId": booked["booking"]["id"]})
            messages.append(ws.receive_json())
            ws.send_json({"id": "1", "type": "complete"})
            return messages

    db_module.set_db(state.db)
    try:
        messages = await asyncio.to_thread(run)
    finally:
        db_module.set_db(shared_db)
        pubsub_module.set_pubsub(previous_pubsub)
        bind_tables(shared_db.tables, shared_db.engine)
    assert all(m["type"] == "next" for m in messages), messages
    updates = [m["payload"]["data"]["bloodDriveSlotUpdates"] for m in messages]
    slot_ids = [gid("BloodDriveSlot", int(s["id"])) for s in (first, second)]
    assert [(u["slot"]["id"], u["slot"]["booked"], u["slot"]["available"]) for u in updates] == [
        (slot_ids[0], 1, 0), (slot_ids[1], 1, 0), (slot_ids[0], 0, 1)]
    assert {u["session"]["id"] for u in updates} == {gid("BloodDriveSession",
                                                         int(session["id"]))}


async def test_slot_updates_refused_where_the_plugin_is_off(linli_env, factory):
    from plugins.blood_drive.schema.subscriptions import blood_drive_slot_updates

    tenant = await factory.tenant()

    class Ctx:  # the parts of core's context the resolver uses before it reads
        state = linli_env.state

        async def enabled_plugins(self) -> list[str]:
            from tenants.service import enabled_plugins

            async with self.state.db.transaction(write=False):
                return await enabled_plugins(tenant, self.state.registry.names)

    class Info:
        context = Ctx()

    gen = blood_drive_slot_updates.base_resolver.wrapped_func(
        Info(), session_id=gid("BloodDriveSession", 1))
    try:
        await gen.__anext__()
    except Exception as exc:  # noqa: BLE001 - the typed error is what we look at
        assert getattr(exc, "code", None) == "PLUGIN_DISABLED"
    else:
        raise AssertionError("the subscription started where the plugin is off")


async def test_the_unit_leaderboard_updates_live_for_the_city(world, linli_env):
    """The city's organiser follows the campaign's unit leaderboard; a result entered at a
    street office's site sends the new ranking (the city hears every street's results)."""
    campaign = await world.campaign()
    session = await world.session(world.a, campaign, capacity=5)
    slot = (await world.slots(world.a, session))[0]
    donor = await world.donor(world.a, "甲", work_unit="市直机关")
    shared_db = linli_env.state.db
    previous_pubsub = pubsub_module.get_pubsub()
    state, app = _own_app(linli_env)
    at_a = {"X-Linli-Node": world.a.node.code}

    def post(client: TestClient, who: Any, query: str, input: dict[str, Any]) -> Any:
        out = client.post("/graphql", json={"query": query, "variables": {"input": input}},
                          headers={**at_a, "Authorization": f"Bearer {who.token}"}).json()
        return next(iter(out["data"].values()))

    def run() -> list[dict[str, Any]]:
        with TestClient(app) as client, client.websocket_connect(
                "/graphql", subprotocols=["graphql-transport-ws"],
                headers={"Authorization": f"Bearer {world.organiser.token}",
                         "X-Linli-Node": world.city.code}) as ws:
            ws.send_json({"type": "connection_init"})
            assert ws.receive_json()["type"] == "connection_ack"
            ws.send_json({"id": "1", "type": "subscribe", "payload": {
                "query": BOARD,
                "variables": {"campaignId": gid("BloodDriveCampaign", int(campaign["id"]))}}})
            _wait(state, world.city.id, RESULTS_TOPIC)
            booked = post(client, world.a.admin, BOOK, {
                "slotId": gid("BloodDriveSlot", int(slot["id"])),
                "donorId": gid("BloodDriveDonor", int(donor["id"]))})
            bid = booked["booking"]["id"]
            post(client, world.a.site, CHECK_IN, {"bookingId": bid})
            out = post(client, world.a.site, RESULT, {"bookingId": bid, "outcome": "DONATED",
                                                      "volumeMl": 300})
            assert out["created"], out
            message = ws.receive_json()
            ws.send_json({"id": "1", "type": "complete"})
            return [message]

    db_module.set_db(state.db)
    try:
        messages = await asyncio.to_thread(run)
    finally:
        db_module.set_db(shared_db)
        pubsub_module.set_pubsub(previous_pubsub)
        bind_tables(shared_db.tables, shared_db.engine)
    assert messages[0]["type"] == "next", messages
    board = messages[0]["payload"]["data"]["bloodDriveUnitLeaderboardUpdates"]
    assert [(x["workUnit"], x["donations"], x["volumeMl"], x["count"]) for x in board] == [
        ("市直机关", 1, 300, 1.5)]
