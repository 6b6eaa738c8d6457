"""``notificationAdded`` over WebSocket (graphql-transport-ws), on an app with its own database
engine and pools: Litestar's TestClient runs the app on another thread and event loop."""

import asyncio
import time
from typing import Any

from litestar.testing import TestClient

from core import pubsub as pubsub_module
from core.app import create_app
from core.db import Database, bind_tables
from core.notify import service as notify_module
from core.rules import service as rules_module
from core.state import AppState
from core.tables import all_tables
from tenants.service import scope_for

SUBSCRIBE = "subscription { notificationAdded { id kind title body read } }"


def _own_app(linli_env: Any) -> tuple[AppState, Any]:
    shared = linli_env.state
    state = AppState(settings=shared.settings, registry=shared.registry,
                     db=Database(shared.settings.database_url, all_tables(shared.registry)),
                     rolebook=shared.rolebook, schema=shared.schema)
    rules_module.install(state)
    pubsub_module.install(state)
    notify_module.install(state)
    return state, create_app(state=state, manage_db=True)


def _wait_for_subscriber(pubsub: pubsub_module.PubSub, account_id: int) -> None:
    for _ in range(500):  # until the subscription is listening (not a timed assertion)
        if pubsub.subscribers(notify_module.TOPIC, account_id):
            return
        time.sleep(0.01)
    raise AssertionError("the subscription never started listening")


async def test_notification_added_arrives_over_websocket(linli_env, factory):
    tenant = await factory.tenant()
    admin = await factory.account(tenant, "tenant_admin")
    other = await factory.account(tenant, "tenant_admin")
    shared_db = linli_env.state.db
    previous, previous_pubsub = notify_module._service, pubsub_module.get_pubsub()
    state, app = _own_app(linli_env)

    async def send(account_id: int, title: str) -> list[int]:
        async with state.db.scoped(scope_for(tenant), write=True):
            return await notify_module.notify(account_id, "probe.live", title, "正文")

    def run() -> dict[str, Any]:
        with TestClient(app) as client, client.websocket_connect(
                "/graphql", subprotocols=["graphql-transport-ws"],
                headers={"Authorization": f"Bearer {admin.token}",
                         "X-Linli-Node": tenant.code}) as ws:
            ws.send_json({"type": "connection_init"})
            assert ws.receive_json()["type"] == "connection_ack"
            ws.send_json({"id": "1", "type": "subscribe", "payload": {"query": SUBSCRIBE}})
            pubsub = state.services.pubsub
            # with LINLI_TEST_REDIS_URL set the update travels through Redis pub/sub
            assert pubsub.distributed == bool(state.settings.redis_url)
            _wait_for_subscriber(pubsub, admin.id)
            client.blocking_portal.call(send, other.id, "别人的通知")
            (nid,) = client.blocking_portal.call(send, admin.id, "新的通知")
            message = ws.receive_json()
            ws.send_json({"id": "1", "type": "complete"})
            return {"message": message, "nid": nid}

    try:
        got = await asyncio.to_thread(run)
    finally:
        bind_tables(shared_db.tables, shared_db.engine)
        notify_module.set_service(previous)
        pubsub_module.set_pubsub(previous_pubsub)
    assert got["message"]["type"] == "next", got
    added = got["message"]["payload"]["data"]["notificationAdded"]
    assert (added["title"], added["kind"], added["read"]) == ("新的通知", "probe.live", False)
