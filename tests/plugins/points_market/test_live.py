"""The counters' live shelf over WebSocket (graphql-transport-ws): a good is pushed each time
its stock changes — a restock, then a redemption at another counter."""

from __future__ import annotations

import time
from typing import Any

from litestar.testing import TestClient

from core.plugin import encode_global_id
from core.testing.live import in_own_app
from plugins.points_market.services import shop
from plugins.points_market.services.live import TOPIC

SUBSCRIBE = """subscription($goodId: ID) { pointsMarketShelfUpdates(goodId: $goodId) {
  id name stock } }"""
RESTOCK = """mutation($g: ID!, $q: Int!) { pointsMarketRestockGood(input: {goodId: $g,
  quantity: $q}) { __typename } }"""
REDEEM = """mutation($g: ID!, $r: ID!, $k: String!) { pointsMarketRedeem(input: {goodId: $g,
  residentId: $r, idempotencyKey: $k}) { __typename ... on UserError { code } } }"""


async def test_shelf_updates_follow_every_counter(market, linli_env):
    await market.fund(market.resident.id, 50)
    async with market.write():
        good = await shop.save_good(name="洗衣粉", value_fen=1000, price_points=10, stock=3)
    gid = str(encode_global_id("PointsMarketGood", good["id"]))
    resident = str(encode_global_id("Resident", market.resident.id))
    headers = {"Authorization": f"Bearer {market.admin.token}", "X-Linli-Node": market.node.code}
    keeper = {"Authorization": f"Bearer {market.keeper.token}", "X-Linli-Node": market.node.code}

    def run(state: Any, app: Any) -> list[dict[str, Any]]:
        with TestClient(app) as client, client.websocket_connect(
                "/graphql", subprotocols=["graphql-transport-ws"], headers=headers) as ws:
            ws.send_json({"type": "connection_init"})
            assert ws.receive_json()["type"] == "connection_ack"
            ws.send_json({"id": "1", "type": "subscribe",
                          "payload": {"query": SUBSCRIBE, "variables": {"goodId": gid}}})
            for _ in range(500):  # until the subscription listens (not a timed assertion)
                if state.services.pubsub.subscribers(TOPIC, market.node.id):
                    break
                time.sleep(0.01)
            out = client.post("/graphql", headers=headers, json={
                "query": RESTOCK, "variables": {"g": gid, "q": 5}}).json()
            assert out["data"]["pointsMarketRestockGood"]["__typename"] == \
                "PointsMarketRestockGoodPayload", out
            messages = [ws.receive_json()]
            out = client.post("/graphql", headers=keeper, json={
                "query": REDEEM, "variables": {"g": gid, "r": resident, "k": "live-1"}}).json()
            assert "code" not in out["data"]["pointsMarketRedeem"], out
            messages.append(ws.receive_json())
            ws.send_json({"id": "1", "type": "complete"})
            return messages

    messages = await in_own_app(linli_env, run)
    assert all(m["type"] == "next" for m in messages), messages
    shelf = [m["payload"]["data"]["pointsMarketShelfUpdates"] for m in messages]
    assert [(g["id"], g["stock"]) for g in shelf] == [(gid, 8), (gid, 7)]
