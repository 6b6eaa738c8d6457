"""The counter's live board over WebSocket (graphql-transport-ws): the day's figures first,
then one message per meal recorded at that canteen."""

from __future__ import annotations

import asyncio
import time
from datetime import date
from typing import Any

from canteen_kit import gid
from litestar.testing import TestClient

from core import db as db_module
from core import pubsub as pubsub_module
from core.app import create_app
from core.db import Database, bind_tables
from core.state import AppState
from core.tables import all_tables
from plugins.canteen.services.live import TOPIC

SUBSCRIBE = """subscription($canteenId: ID!) { canteenLiveStats(canteenId: $canteenId) {
  canteenId servedOn meals subsidised } }"""
RECORD = """mutation($input: CanteenRecordMealInput!) { canteenRecordMeal(input: $input) {
  __typename ... on CanteenRecordMealPayload { created } ... on UserError { code } } }"""


def _own_app(linli_env: Any) -> tuple[AppState, Any]:
    shared = linli_env.state
    state = AppState(settings=shared.settings, registry=shared.registry,
                     db=Database(shared.settings.database_url, all_tables(shared.registry)),
                     rolebook=shared.rolebook, schema=shared.schema)
    pubsub_module.install(state)
    return state, create_app(state=state, manage_db=True)


async def test_live_stats_follow_the_counter(city, linli_env, factory):
    elders = [await city.elder(f"老人{i}", date(1940, 1, 1 + i))
              for i in range(2)]
    admin = await factory.account(city.a.node)
    shared_db = linli_env.state.db
    previous = pubsub_module.get_pubsub()
    state, app = _own_app(linli_env)
    headers = {"Authorization": f"Bearer {admin.token}", "X-Linli-Node": city.a.node.code}
    canteen = gid("CanteenCanteen", city.a.canteen["id"])

    def run() -> list[dict[str, Any]]:
        with TestClient(app) as client, client.websocket_connect(
                "/graphql", subprotocols=["graphql-transport-ws"], headers=headers) as ws:
            ws.send_json({"type": "connection_init"})
            assert ws.receive_json()["type"] == "connection_ack"
            ws.send_json({"id": "1", "type": "subscribe",
                          "payload": {"query": SUBSCRIBE, "variables": {"canteenId": canteen}}})
            messages = [ws.receive_json()]           # the figures as they are
            for _ in range(500):  # until the subscription listens (not a timed assertion)
                if state.services.pubsub.subscribers(TOPIC, city.a.node.id):
                    break
                time.sleep(0.01)
            for elder in elders:
                out = client.post("/graphql", headers=headers, json={
                    "query": RECORD, "variables": {"input": {
                        "canteenId": canteen, "slot": "LUNCH", "priceFen": 1000,
                        "elderId": gid("CanteenElder", elder["id"])}}}).json()
                assert out["data"]["canteenRecordMeal"]["created"], out
                messages.append(ws.receive_json())
            ws.send_json({"id": "1", "type": "complete"})
            return messages

    db_module.set_db(state.db)
    try:
        messages = await asyncio.to_thread(run)
    finally:
        db_module.set_db(shared_db)
        pubsub_module.set_pubsub(previous)
        bind_tables(shared_db.tables, shared_db.engine)
    assert all(m["type"] == "next" for m in messages), messages
    stats = [m["payload"]["data"]["canteenLiveStats"] for m in messages]
    assert [(s["meals"], s["subsidised"]) for s in stats] == [(0, 0), (1, 1), (2, 2)]
    assert {s["canteenId"] for s in stats} == {canteen}
