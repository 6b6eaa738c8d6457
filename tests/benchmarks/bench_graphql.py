"""Per-request time of a 50-row connection query through the whole app, with the GraphQL
limiters on and off and with the parser/validation caches on and off.

Run on demand (not collected by pytest)::

    .venv/bin/python tests/benchmarks/bench_graphql.py [N]

It seeds, in a temporary SQLite file, 50 residents (25 households) in one tenant and 50 tenant
nodes under a district, asks ``residents(first: 50)`` and ``tenantTree(first: 50)`` as the
administrator through httpx's ASGITransport, and prints ms/request and strawberry's
validation-cache hit counts. The point: our limiters are
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

from core.app import build_state, create_app
from core.dbsetup import ensure_sqlite_schema
from core.people.validation import id_check_digit
from core.registry import Registry
from core.schema.compose import build_schema
from core.state import AppState
from core.testing import Factory, TestEnv, _test_settings

TREE = """query Bench { tenantTree(first: 50) {
  edges { cursor node { id code name kind } } pageInfo { hasNextPage endCursor } } }"""
RESIDENTS = """query Bench { residents(first: 50) {
  edges { cursor node { id name gender birthDate idNumber tags household { room } } }
  pageInfo { hasNextPage endCursor } } }"""


def fictitious_id(n: int) -> str:
    """A valid (invented) 身份证号 with serial ``n``."""
    body = f"371502195003{1 + n % 28:02d}{n % 1000:03d}"
    return body + id_check_digit(body)


async def seed_residents(state: AppState, tenant: object) -> None:
    from core.people import places
    from core.people.residents import apply_resident, make_resident_data
    from tenants.service import scope_for

    async with state.db.scoped(scope_for(tenant), write=True):  # type: ignore[arg-type]
        community = await places.new_community("御苑社区")
        grid = await places.new_grid(community, "第1网格")
        building, _ = await places.ensure_building(community, "1号楼", grid=grid)
        for h in range(25):
            household, _ = await places.ensure_household(building, f"{h + 1:02d}01")
            for m in range(2):
                await apply_resident(make_resident_data(
                    name=f"居民{h}-{m}", id_number=fictitious_id(h * 2 + m + 11),
                    phone=f"13800{h:03d}{m:03d}", household=household,
                    relation="户主" if m == 0 else "配偶"), state.settings.pii_key)
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
    tenant = await factory.tenant(region)
    await seed_residents(state, tenant)
    for name, query, node in (("residents", RESIDENTS, tenant), ("tenantTree", TREE, region)):
        admin = await factory.account(node)
        await measure(name, query, n, registry, state,
                      {"Authorization": f"Bearer {admin.token}", "X-Linli-Node": node.code})
    await state.db.stop()


async def measure(name: str, query: str, n: int, registry: Registry, state: AppState,
                  headers: dict[str, str]) -> None:
    settings = state.settings

    clients = {}
    for label, limits, caches in CONFIGS:
        app_state = AppState(settings=settings, db=state.db, registry=registry,
                             rolebook=state.rolebook,
                             schema=build_schema(registry, limits=limits, caches=caches))
        clients[label] = httpx.AsyncClient(transport=httpx.ASGITransport(
            app=create_app(state=app_state, manage_db=False)), base_url="http://bench")

    async def one(client: httpx.AsyncClient) -> None:
        resp = await client.post("/graphql", json={"query": query}, headers=headers)
        body = resp.json()
        assert not body.get("errors") and len(body["data"][name]["edges"]) == 50, body

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

    print(f"\n{name}(first: 50), SQLite, {n} requests per configuration after warm-up")
    print(f"{'configuration':<24}{'ms/request (median of rounds)':>32}{'best':>8}"
          f"{'validation cache hits/misses':>32}")
    for label, *_ in CONFIGS:
        print(f"{label:<24}{statistics.median(timings[label]):>32.2f}"
              f"{min(timings[label]):>8.2f}{f'{hits[label]}/{misses[label]}':>32}")
    for client in clients.values():
        await client.aclose()


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 500))
