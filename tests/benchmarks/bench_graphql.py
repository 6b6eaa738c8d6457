"""Per-request time of a 50-row connection query through the whole app, with the GraphQL
limiters on and off and with the parser/validation caches on and off.

Run on demand (not collected by pytest)::

    .venv/bin/python tests/benchmarks/bench_graphql.py [N]

It seeds 50 tenant nodes under a district in a temporary SQLite file, asks
``tenantTree(first: 50)`` as the district's administrator through httpx's ASGITransport, and
prints ms/request and strawberry's validation-cache hit counts. The point: our limiters are
fixed rule classes, so the validation cache keeps hitting with them on.
"""

from __future__ import annotations

import asyncio
import logging
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import httpx
from strawberry.extensions.validation_cache import _get_validate_cache

from core.app import AppState, build_state, create_app
from core.dbsetup import ensure_sqlite_schema
from core.registry import Registry
from core.schema.compose import build_schema
from core.testing import Factory, TestEnv, _test_settings

QUERY = """query Bench { tenantTree(first: 50) {
  edges { cursor node { id code name kind } } pageInfo { hasNextPage endCursor } } }"""
CONFIGS = [("limits on,  caches on ", True, True), ("limits off, caches on ", False, True),
           ("limits on,  caches off", True, False), ("limits off, caches off", False, False)]


async def main(n: int) -> None:
    logging.getLogger("httpx").setLevel(logging.WARNING)
    tmp = Path(tempfile.mkdtemp(prefix="linli-bench-"))
    settings = _test_settings(f"sqlite:///{tmp}/bench.sqlite3", tmp)
    registry = Registry()
    registry.load_entrypoints()
    state = build_state(settings, registry)
    await state.db.start()
    await ensure_sqlite_schema(state.db, state.db.tables)
    factory = Factory(TestEnv(settings=settings, state=state, engine="sqlite"))
    region = await factory.region()
    for i in range(50):
        await factory.tenant(region, name=f"街道{i}")
    admin = await factory.account(region)
    headers = {"Authorization": f"Bearer {admin.token}", "X-Linli-Node": region.code}

    clients = {}
    for label, limits, caches in CONFIGS:
        app_state = AppState(settings=settings, db=state.db, registry=registry,
                             rolebook=state.rolebook,
                             schema=build_schema(registry, limits=limits, caches=caches))
        clients[label] = httpx.AsyncClient(transport=httpx.ASGITransport(
            app=create_app(state=app_state, manage_db=False)), base_url="http://bench")

    async def one(client: httpx.AsyncClient) -> None:
        resp = await client.post("/graphql", json={"query": QUERY}, headers=headers)
        body = resp.json()
        assert not body.get("errors") and len(body["data"]["tenantTree"]["edges"]) == 50, body

    cache = _get_validate_cache(512)
    timings: dict[str, list[float]] = {label: [] for label, *_ in CONFIGS}
    hits: dict[str, int] = {label: 0 for label, *_ in CONFIGS}
    misses: dict[str, int] = {label: 0 for label, *_ in CONFIGS}
    for label, client in clients.items():  # warm-up
        for _ in range(30):
            await one(client)
    rounds = 5
    for _ in range(rounds):  # interleave configurations so drift hits them alike
        for label, client in clients.items():
            before = cache.cache_info()
            start = time.perf_counter()
            for _ in range(n // rounds):
                await one(client)
            timings[label].append((time.perf_counter() - start) * 1000 / (n // rounds))
            after = cache.cache_info()
            hits[label] += after.hits - before.hits
            misses[label] += after.misses - before.misses

    print(f"tenantTree(first: 50), SQLite, {n} requests per configuration after warm-up")
    print(f"{'configuration':<24}{'ms/request (median of rounds)':>32}{'best':>8}"
          f"{'validation cache hits/misses':>32}")
    for label, *_ in CONFIGS:
        print(f"{label:<24}{statistics.median(timings[label]):>32.2f}"
              f"{min(timings[label]):>8.2f}{f'{hits[label]}/{misses[label]}':>32}")
    for client in clients.values():
        await client.aclose()
    await state.db.stop()


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 500))
