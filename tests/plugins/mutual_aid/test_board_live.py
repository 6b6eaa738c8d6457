"""The public boards live over WebSocket (graphql-transport-ws), anonymous like a screen in the
party-and-people service centre: a need placed and +1'd, a note answered — each one message,
re-read through the board's rules (a pending note is not sent)."""

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
from plugins.mutual_aid.services import menu
from plugins.mutual_aid.services.live import TOPIC

SUBSCRIBE = """subscription($c: ID) { mutualAidBoardUpdates(communityId: $c) {
  kind need { title status plusOnes } note { text answer } } }"""


def gid(type_name: str, pk: int) -> str:
    return str(encode_global_id(type_name, pk))


async def _teams(world: Any) -> list[dict[str, Any]]:
    async with world.read():
        return await menu.teams_of(world.community.id)


def _own_app(linli_env: Any) -> tuple[AppState, Any]:
    shared = linli_env.state
    state = AppState(settings=shared.settings, registry=shared.registry,
                     db=Database(shared.settings.database_url, all_tables(shared.registry)),
                     rolebook=shared.rolebook, schema=shared.schema)
    pubsub_module.install(state)
    return state, create_app(state=state, manage_db=True)


# Both engines. It used to hang intermittently on PostgreSQL in the app's shutdown: the
# subscription yielded inside its read transaction, and the `complete` below could leave that
# connection checked out for good, so closing the pool waited forever (now it reads, closes
# the transaction, then yields).
async def test_the_boards_update_live(world, linli_env, factory, drain):
    await drain()  # nothing of earlier tests left for this app's own delivery to pick up
    team = (await _teams(world))[0]
    staff = await factory.account(world.node)
    shared_db = linli_env.state.db
    previous = pubsub_module.get_pubsub()
    state, app = _own_app(linli_env)   # from here on the tables use this app's engine
    community = str(encode_global_id("Community", world.community.id))
    headers = {"Authorization": f"Bearer {staff.token}", "X-Linli-Node": world.node.code}

    def post(client: TestClient, query: str, input: dict[str, Any]) -> dict[str, Any]:
        out = client.post("/graphql", headers=headers, json={
            "query": query, "variables": {"input": input}}).json()
        assert "errors" not in out, out
        return next(iter(out["data"].values()))  # type: ignore[no-any-return]

    def changes(client: TestClient, ws: Any) -> list[dict[str, Any]]:
        """Each change, then its message before the next change: a message is re-read when it
        is delivered, so one change's message read after the next change would show both."""
        messages = []
        order = post(client, """mutation($input: MutualAidPlaceOrderInput!) {
            mutualAidPlaceOrder(input: $input) { ... on MutualAidPlaceOrderPayload {
            order { id } } } }""", {"teamId": gid("MutualAidTeam", team["id"]),
                                    "title": "楼道灯不亮",
                                    "residentId": gid("Resident", world.residents[0].id)})
        messages.append(ws.receive_json())
        post(client, """mutation($input: MutualAidPlusOneInput!) { mutualAidPlusOne(input: $input)
            { __typename } }""", {"orderId": order["order"]["id"],
                                  "residentId": gid("Resident", world.residents[1].id)})
        messages.append(ws.receive_json())
        note = post(client, """mutation($input: MutualAidPostNoteInput!) {
            mutualAidPostNote(input: $input) { ... on MutualAidPostNotePayload { note { id } } }
            }""", {"communityId": community, "text": "快递柜坏了", "paper": True})
        post(client, """mutation($input: MutualAidAnswerNoteInput!) {
            mutualAidAnswerNote(input: $input) { __typename } }""",
             {"noteId": note["note"]["id"], "answer": "已报修，周五修好"})
        messages.append(ws.receive_json())  # the pending note sent nothing: the answer's
        return messages

    def run() -> list[dict[str, Any]]:
        with TestClient(app) as client, client.websocket_connect(
                "/graphql", subprotocols=["graphql-transport-ws"],
                headers={"X-Linli-Node": world.node.code}) as ws:
            ws.send_json({"type": "connection_init"})
            assert ws.receive_json()["type"] == "connection_ack"
            ws.send_json({"id": "1", "type": "subscribe",
                          "payload": {"query": SUBSCRIBE, "variables": {"c": community}}})
            for _ in range(500):  # until the subscription listens (not a timed assertion)
                if state.services.pubsub.subscribers(TOPIC, world.node.id):
                    break
                time.sleep(0.01)
            messages = changes(client, ws)
            ws.send_json({"id": "1", "type": "complete"})
            return messages

    db_module.set_db(state.db)
    try:
        messages = await asyncio.to_thread(run)
    finally:
        db_module.set_db(shared_db)
        pubsub_module.set_pubsub(previous)
        bind_tables(shared_db.tables, shared_db.engine)
    updates = [m["payload"]["data"]["mutualAidBoardUpdates"] for m in messages]
    assert updates == [
        {"kind": "need", "need": {"title": "楼道灯不亮", "status": "placed", "plusOnes": 0},
         "note": None},
        {"kind": "need", "need": {"title": "楼道灯不亮", "status": "placed", "plusOnes": 1},
         "note": None},
        {"kind": "note", "need": None, "note": {"text": "快递柜坏了", "answer": "已报修，周五修好"}},
    ]
