"""``/health/live`` answers quickly while the dearest query an account may run is running."""

from __future__ import annotations

import asyncio
import gc
import time

from core.schema.budget import operation_cost
from graphql import parse

PAGE_INNER = "residents(first:100){edges{node{name household{room members{name}}}}}"


def worst_allowed(schema, cap: int) -> str:
    """As many aliases of a full, nested page of residents as the cap allows."""
    one = operation_cost(schema, parse("{" + PAGE_INNER + "}"))
    n = min(30, cap // one)
    assert n >= 1
    return "{" + " ".join(f"p{i}: {PAGE_INNER}" for i in range(n)) + "}"


async def test_health_live_stays_quick_during_the_worst_allowed_query(
        gql, http, factory, seed, linli_env, record_property):
    town = await seed.town(factory, households=26, per_household=2)  # 104 residents
    staff = await factory.account(town.node, "community_staff", place_kind="community",
                                  place_id=town.community.id)
    query = worst_allowed(linli_env.state.schema._schema,
                           linli_env.settings.query_cost_account)
    latencies: list[float] = []
    done = asyncio.Event()

    async def probe() -> None:
        # from when the probe was due (10 ms after the last answer) to its answer: a blocked
        # event loop delays the send as much as the answer
        due = time.perf_counter()
        while not done.is_set():
            resp = await http.get("/health/live")
            latencies.append(time.perf_counter() - due)
            assert resp.status_code == 200
            due = time.perf_counter() + 0.01
            await asyncio.sleep(0.01)

    gc.collect()  # a full collection of the session's heap is not what this measures
    prober = asyncio.create_task(probe())
    started = time.perf_counter()
    out = await gql(query, token=staff.token, node=town.node.code)
    elapsed = time.perf_counter() - started
    done.set()
    await prober
    assert out.get("errors") is None, out
    assert len(out["data"]["p0"]["edges"]) == 100
    record_property("worst_allowed_query_seconds", round(elapsed, 3))
    record_property("health_live_max_ms", round(max(latencies) * 1000, 1))
    # generous: CI and this machine are shared (the benchmark, tests/benchmarks/
    # bench_health_under_load.py, reports the real numbers); before the budget the 30-alias
    # query was allowed and kept /health/live waiting 47.7 s
    assert latencies and max(latencies) < 2.5, (elapsed, sorted(latencies)[-5:])
