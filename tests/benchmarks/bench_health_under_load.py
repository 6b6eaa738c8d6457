"""``/health/live`` latency while the dearest queries an account may run are running, each sent
as a document the server has never seen (cold: parsed, validated and costed for the first time).

Run on demand (not collected by pytest)::

    .venv/bin/python tests/benchmarks/bench_health_under_load.py [ROUNDS] [sqlite|postgres]

It builds the app as ``linli serve`` does (``start_state``), seeds one tenant with 100 residents
in 50 households, prints the cost of the outside test's 30-alias query against the account cap
(and that it is refused), then for each round and each shape below sends a fresh document (the
aliases renamed, so no cache helps) while probing ``/health/live`` every 10 ms through the same
app and event loop (httpx ASGITransport). Per request it prints the query time, the probes'
median and worst latency, and the longest the event loop went without running a 1 ms ticker
(the stall a request caused, free of the probe's own cost). The shapes, all within the cap:

- ``page``: as many aliases as fit of a full page of residents with household and members;
- ``30 aliases``: the outside test's 30 aliases, with the page size that fits the cap;
- ``wide``: a ~7,000-character document of 4 response keys, each merging the most copies
  allowed (costly to validate: graphql-core compares merged fields pairwise).

``GC_THRESHOLD=700,10,10`` sets the collector's thresholds first (to try other values).
PostgreSQL: ``LINLI_TEST_DATABASE_URL`` (default ``postgresql://postgres@127.0.0.1:5432/postgres``);
the script creates and drops its own database and roles.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import httpx
from bench_graphql import fictitious_id

from core.app import build_state, create_app, start_state, stop_state
from core.db import Database
from core.registry import Registry
from core.schema.budget import operation_cost
from core.schema.documents import MAX_SAME_FIELD
from core.testing import Factory, TestEnv, _test_settings
from core.testing.pg import PostgresTestDatabase
from graphql import parse

PAGE = "residents(first:{n}){{edges{{node{{name household{{room members{{name}}}}}}}}}}"
INNER = ("residents(first:100){edges{node{household{building{households{members"
         "{household{members{name}}}}}}}}}")
WORST = "{" + " ".join(f"a{i}: {INNER}" for i in range(30)) + "}"
WIDE = ("residents(first:1){edges{cursor node{id name gender birthDate idNumber phone "
        "household{id room building{id name} members{id name gender birthDate}}}}"
        "pageInfo{hasNextPage endCursor}}")


def shapes(schema: object, cap: int, tag: str) -> dict[str, str]:
    """The dearest documents within ``cap``, their aliases prefixed by ``tag`` (a new text)."""
    def doc(parts: list[str]) -> str:
        return "{" + " ".join(parts) + "}"

    one = operation_cost(schema, parse("{" + PAGE.format(n=100) + "}"))  # type: ignore[arg-type]
    pages = min(30, cap // one)
    first = 100
    while operation_cost(schema, parse(doc(  # type: ignore[arg-type]
            [f"a{i}: {PAGE.format(n=first)}" for i in range(30)]))) > cap:
        first -= 1
    return {
        f"page ×{pages}": doc([f"{tag}p{i}: {PAGE.format(n=100)}" for i in range(pages)]),
        f"30 aliases, first:{first}": doc([f"{tag}a{i}: {PAGE.format(n=first)}"
                                           for i in range(30)]),
        # the most copies of one field that may merge (MAX_SAME_FIELD), under four response
        # keys (the alias limit counts every copy): ~3,900 tokens
        "wide (4 keys × 10 merged)": doc([WIDE] * MAX_SAME_FIELD + [
            f"{tag}w{i}: {WIDE}" for i in range(3) for _ in range(MAX_SAME_FIELD)]),
    }


async def seed(state: object, tenant: object) -> None:
    from core.people import places
    from core.people.residents import apply_resident, make_resident_data
    from tenants.service import scope_for

    async with state.db.scoped(scope_for(tenant), write=True):  # type: ignore[attr-defined]
        community = await places.new_community("御苑社区")
        grid = await places.new_grid(community, "第1网格")
        building, _ = await places.ensure_building(community, "1号楼", grid=grid)
        for h in range(50):
            household, _ = await places.ensure_household(building, f"{h + 1:02d}01")
            for m in range(2):
                await apply_resident(make_resident_data(
                    name=f"居民{h}-{m}", id_number=fictitious_id(h * 2 + m + 11),
                    phone=f"13800{h:03d}{m:03d}", household=household,
                    relation="户主" if m == 0 else "配偶"),
                    state.settings.pii_key)  # type: ignore[attr-defined]


async def under_probes(http: httpx.AsyncClient, send: object
                       ) -> tuple[object, list[float], float, float, float]:
    """Run ``send()`` while probing ``/health/live`` every 10 ms and ticking every 1 ms: its
    response, the probe latencies, the longest gap between ticks in wall time and in the event
    loop thread's CPU time (the work that held the loop, which a loaded machine does not
    stretch), and the longest garbage collection in CPU time (seconds)."""
    latencies: list[float] = []
    stall = [0.0, 0.0]
    done = asyncio.Event()

    async def probe() -> None:
        # from when the probe was due (10 ms after the last answer) to its answer: a blocked
        # event loop delays the send as much as the answer
        due = time.perf_counter()
        while not done.is_set():
            await http.get("/health/live")
            latencies.append(time.perf_counter() - due)
            due = time.perf_counter() + 0.01
            await asyncio.sleep(0.01)

    async def tick() -> None:
        last, last_cpu = time.perf_counter(), time.thread_time()
        while not done.is_set():
            await asyncio.sleep(0.001)
            now, cpu = time.perf_counter(), time.thread_time()
            stall[0] = max(stall[0], now - last)
            stall[1] = max(stall[1], cpu - last_cpu)
            last, last_cpu = now, cpu

    pauses: list[float] = []
    started = [0.0]

    def collector(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            started[0] = time.thread_time()
        else:
            pauses.append(time.thread_time() - started[0])

    gc.callbacks.append(collector)
    tasks = [asyncio.create_task(probe()), asyncio.create_task(tick())]
    await asyncio.sleep(0)
    try:
        resp = await send()  # type: ignore[operator]
    finally:
        done.set()
        await asyncio.gather(*tasks)
        gc.callbacks.remove(collector)
    return resp, latencies, stall[0], stall[1], max(pauses, default=0.0)


async def main(rounds: int, engine: str) -> None:
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("linli.access").setLevel(logging.WARNING)
    tmp = Path(tempfile.mkdtemp(prefix="linli-bench-"))
    registry = Registry()
    registry.load_entrypoints()
    pg = None
    if engine == "postgres":
        pg = await PostgresTestDatabase.create(registry)
        settings = _test_settings(pg.app_url, tmp, migrate_database_url=pg.owner_url)
    else:
        settings = _test_settings(f"sqlite:///{tmp}/bench.sqlite3", tmp)
    state = build_state(settings, registry, Database(settings.database_url))
    if os.environ.get("GC_THRESHOLD"):
        gc.set_threshold(*map(int, os.environ["GC_THRESHOLD"].split(",")))
    try:
        await start_state(state)
        factory = Factory(TestEnv(settings=settings, state=state, engine=engine, pg=pg))
        tenant = await factory.tenant()
        await seed(state, tenant)
        gc.collect()  # the seeding's garbage is the benchmark's, not the server's
        admin = await factory.account(tenant)
        schema = state.schema._schema
        cap = settings.query_cost_account
        print(f"engine {engine}; 30-alias query of the outside test: cost "
              f"{operation_cost(schema, parse(WORST)):,}, account cap {cap:,}")
        headers = {"Authorization": f"Bearer {admin.token}", "X-Linli-Node": tenant.code}
        transport = httpx.ASGITransport(app=create_app(state=state, manage_db=False))
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as http:
            refused = (await http.post("/graphql", json={"query": WORST},
                                       headers=headers)).json()
            print("  its answer:", refused["errors"][0]["extensions"]["code"])
            for name, query in shapes(schema, cap, "x").items():
                print(f"  {name}: cost {operation_cost(schema, parse(query)):,}, "
                      f"{len(query):,} characters")
            worst: dict[str, list[float]] = {}
            for r in range(rounds):
                for name, query in shapes(schema, cap, f"r{r}").items():
                    started = time.perf_counter()

                    async def send(query: str = query) -> httpx.Response:
                        return await http.post("/graphql", json={"query": query},
                                               headers=headers)

                    resp, lat, stall, stall_cpu, pause = await under_probes(http, send)
                    took = time.perf_counter() - started
                    assert isinstance(resp, httpx.Response)
                    body = resp.json()
                    assert resp.status_code == 200 and not body.get("errors"), body
                    worst.setdefault(name, []).append(max(lat))
                    print(f"round {r + 1} {name:24} query {took * 1000:6.0f} ms "
                          f"{len(resp.content):>9,} bytes; /health/live median "
                          f"{statistics.median(lat) * 1000:5.1f} ms, worst "
                          f"{max(lat) * 1000:6.1f} ms over {len(lat):3} probes; "
                          f"longest stall {stall * 1000:5.1f} ms wall, "
                          f"{stall_cpu * 1000:4.1f} ms CPU; longest collection "
                          f"{pause * 1000:4.1f} ms CPU")
            for name, values in worst.items():
                print(f"{name:24} worst probe per round: median "
                      f"{statistics.median(values) * 1000:.1f} ms, max {max(values) * 1000:.1f} ms")
    finally:
        await stop_state(state)
        if pg is not None:
            await pg.drop()


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 3,
                     sys.argv[2] if len(sys.argv) > 2 else "sqlite"))
