"""``/health/live`` and ``/health/ready`` (database, and Redis when configured)."""

from __future__ import annotations

from dataclasses import replace

import httpx

from core.app import create_app
from core.state import AppState


async def test_live_and_ready(http):
    assert (await http.get("/health/live")).json() == {"status": "ok"}
    ready = await http.get("/health/ready")
    assert ready.status_code == 200
    assert ready.json()["status"] == "ok" and ready.json()["database"] == "ok"


def _app_with(env, **settings) -> httpx.AsyncClient:
    base: AppState = env.state
    state = AppState(settings=replace(base.settings, **settings), db=base.db,
                     registry=base.registry, rolebook=base.rolebook, schema=base.schema)
    app = create_app(state=state, manage_db=False)
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test")


async def test_ready_reports_unreachable_redis(linli_env):
    async with _app_with(linli_env, redis_url="redis://127.0.0.1:1/0") as client:
        ready = await client.get("/health/ready")
        live = await client.get("/health/live")
    assert ready.status_code == 503
    body = ready.json()
    assert body["status"] == "unavailable" and body["redis"].startswith("error")
    assert body["database"] == "ok"
    assert live.status_code == 200  # liveness does not depend on the dependencies


async def test_ready_without_redis_checks_only_the_database(linli_env):
    async with _app_with(linli_env, redis_url="") as client:
        body = (await client.get("/health/ready")).json()
    assert body == {"status": "ok", "database": "ok"}
