"""``/health/live`` latency while the dearest query an account may run is running, and the cost
of the outside test's 30-alias query against the account cap.

Run on demand (not collected by pytest)::

    .venv/bin/python tests/benchmarks/bench_health_under_load.py [ROUNDS]

It seeds 50 residents (25 households in one building) in a temporary SQLite file, then, for
each round, sends the most aliases of a full nested page of residents that fit the account cap
while probing ``/health/live`` every 10 ms through the same app (httpx ASGITransport, one event
loop), and prints the query time and the probes' median and worst latency.
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
sys.path.insert(0, str(Path(__file__).resolve().parent))

import httpx
from bench_graphql import seed_residents

from core.app import build_state, create_app
from core.dbsetup import ensure_sqlite_schema
from core.registry import Registry
from core.schema.budget import operation_cost
from core.testing import Factory, TestEnv, _test_settings
from graphql import parse

PAGE = "residents(first:100){edges{node{name household{room members{name}}}}}"
INNER = ("residents(first:100){edges{node{household{building{households{members"
         "{household{members{name}}}}}}}}}")
WORST = "{" + " ".join(f"a{i}: {INNER}" for i in range(30)) + "}"


async def main(rounds: int) -> None:
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("linli.access").setLevel(logging.WARNING)
    tmp = Path(tempfile.mkdtemp(prefix="linli-bench-"))
    settings = _test_settings(f"sqlite:///{tmp}/bench.sqlite3", tmp)
    registry = Registry()
    registry.load_entrypoints()
    state = build_state(settings, registry)
    await state.db.start()
    await ensure_sqlite_schema(state.db, state.db.tables)
    factory = Factory(TestEnv(settings=settings, state=state, engine="sqlite"))
    tenant = await factory.tenant()
    await seed_residents(state, tenant)
    admin = await factory.account(tenant)
    schema = state.schema._schema
    cap = settings.query_cost_account
    print(f"30-alias query: cost {operation_cost(schema, parse(WORST)):,}, account cap {cap:,}")
    n = min(30, cap // operation_cost(schema, parse("{" + PAGE + "}")))
    query = "{" + " ".join(f"p{i}: {PAGE}" for i in range(n)) + "}"
    print(f"dearest allowed: {n} aliases, cost {operation_cost(schema, parse(query)):,}")
    headers = {"Authorization": f"Bearer {admin.token}", "X-Linli-Node": tenant.code}
    transport = httpx.ASGITransport(app=create_app(state=state, manage_db=False))
    async with httpx.AsyncClient(transport=transport, base_url="http://bench") as http:
        refused = (await http.post("/graphql", json={"query": WORST}, headers=headers)).json()
        print("30-alias query answer:", refused["errors"][0]["extensions"]["code"])
        for r in range(rounds):
            latencies: list[float] = []
            done = asyncio.Event()

            async def probe(done: asyncio.Event, latencies: list[float]) -> None:
                # from when the probe was due (10 ms after the last answer) to its answer: a
                # blocked event loop delays the send as much as the answer
                due = time.perf_counter()
                while not done.is_set():
                    await http.get("/health/live")
                    latencies.append(time.perf_counter() - due)
                    due = time.perf_counter() + 0.01
                    await asyncio.sleep(0.01)

            task = asyncio.create_task(probe(done, latencies))
            started = time.perf_counter()
            resp = await http.post("/graphql", json={"query": query}, headers=headers)
            took = time.perf_counter() - started
            done.set()
            await task
            assert resp.status_code == 200 and not resp.json().get("errors")
            print(f"round {r + 1}: query {took * 1000:.0f} ms, {len(resp.content):,} bytes; "
                  f"/health/live median {statistics.median(latencies) * 1000:.1f} ms, "
                  f"worst {max(latencies) * 1000:.1f} ms over {len(latencies)} probes")
    await state.db.stop()


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 3))
