"""Where one GraphQL request's time goes, in process (run on demand, not collected by pytest)::

    .venv/bin/python tests/benchmarks/bench_request_split.py [N] [notifications|notifications100|notifications1|typename|residents|nested]

On PostgreSQL (``LINLI_TEST_DATABASE_URL``, its own database and roles as in tests), one street
with 120 notifications; ``N`` (default 500) sequential ``myNotifications(first: 50)`` requests
through the whole app (httpx ASGITransport, one event loop, token cached after the first).
``PROFILE=tottime`` (or ``cumtime``) also prints the top of a cProfile of those requests;
``FAST_PATH=0`` runs graphql-core's stock execution path instead of the fast one; ``AS=worker``
sends the requests as the street's grid worker (as the side-by-side's residents page does)
instead of its administrator.
Wall time is summed per stage by wrapping: the context getter (authentication), the database
(every statement, plus BEGIN/COMMIT and pool checkout of the shared transaction), execution
minus the database (graphql-core and strawberry), JSON encoding, the rest of the app (Litestar,
middleware, strawberry's view) and, outside the app, the test client (httpx and its ASGI
transport: not a server cost).
"""

from __future__ import annotations

import asyncio
import logging
import os
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import httpx

QUERIES = {
    "notifications": """{ myNotifications(first: 50) { edges { node { id kind title body
      createdAt } } pageInfo { hasNextPage endCursor } } }""",
    "notifications100": """{ myNotifications(first: 100) { edges { node { id kind title body
      createdAt } } pageInfo { hasNextPage endCursor } } }""",
    # one row: what every request costs whatever its size
    "notifications1": """{ myNotifications(first: 1) { edges { node { id kind title body
      createdAt } } pageInfo { hasNextPage endCursor } } }""",
    # no database, no resolver: what the HTTP layer, strawberry and graphql-core cost alone
    "typename": "{ __typename }",
    "residents": """{ residents(first: 50) { edges { node { id name gender birthDate idNumber } }
      pageInfo { hasNextPage endCursor } } }""",
    "nested": """{ residents(first: 50) { edges { node { id name household { room
      building { name grid { name } } } } } pageInfo { hasNextPage endCursor } } }""",
}
QUERY = QUERIES["notifications"]


def timed(owner: Any, name: str, bucket: str, spent: dict[str, float]) -> None:
    original = getattr(owner, name)

    if asyncio.iscoroutinefunction(original):
        async def wrapper(*args: Any, **kwargs: Any) -> Any:
            t = time.perf_counter()
            try:
                return await original(*args, **kwargs)
            finally:
                spent[bucket] += time.perf_counter() - t
    else:
        def wrapper(*args: Any, **kwargs: Any) -> Any:  # type: ignore[misc]
            t = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                spent[bucket] += time.perf_counter() - t
    setattr(owner, name, wrapper)


async def main(n: int) -> None:
    logging.disable(logging.WARNING)
    from bench_vs_postgraphile import seeded_state

    import core.schema.context as context_mod
    import core.schema.http as http_mod
    from core import db as db_mod
    from core.app import create_app
    from core.schema.compose import LinliSchema

    if os.environ.get("FAST_PATH") == "0":  # graphql-core's stock path, to compare
        from core.schema import compose
        compose.FastExecutionContext = compose.LinliExecutionContext  # type: ignore[misc]
    async with seeded_state("linli-split-") as (state, s):
        spent: dict[str, float] = defaultdict(float)
        timed(context_mod, "_authenticate", "auth", spent)
        timed(LinliSchema, "execute", "execute", spent)
        timed(db_mod.LinliPostgresEngine, "run_querystring", "db", spent)
        timed(db_mod.SharedTransaction, "_do_open", "db", spent)
        timed(db_mod.SharedTransaction, "close", "db", spent)
        timed(http_mod, "encode_response", "encode", spent)
        import core.app as app_mod
        app_mod.encode_response = http_mod.encode_response  # the controller's reference
        app = create_app(state=state, manage_db=False)
        from core.state import settle_heap
        settle_heap()  # as a started state does: start-up's heap frozen, thresholds back
        if os.environ.get("GC_THRESHOLDS"):  # to compare (``GC_THRESHOLDS=7000,10,10``)
            import gc
            gc.set_threshold(*map(int, os.environ["GC_THRESHOLDS"].split(",")))

        async def served(scope: Any, receive: Any, send: Any) -> None:
            t = time.perf_counter()
            try:
                await app(scope, receive, send)
            finally:
                spent["app"] += time.perf_counter() - t

        token = s.worker_token if os.environ.get("AS") == "worker" else s.admin_token
        headers = {"Authorization": f"Bearer {token}", "X-Linli-Node": s.tenant_code}
        transport = httpx.ASGITransport(app=served)
        async with httpx.AsyncClient(transport=transport, base_url="http://split") as http:
            for _ in range(30):  # warm
                r = await http.post("/graphql", json={"query": QUERY}, headers=headers)
                assert not r.json().get("errors"), r.text
            if os.environ.get("GC_GARBAGE"):  # what the requests leave in reference cycles
                import collections
                import gc
                gc.collect()
                gc.set_debug(gc.DEBUG_SAVEALL)
                for _ in range(100):
                    await http.post("/graphql", json={"query": QUERY}, headers=headers)
                gc.collect()
                gc.set_debug(0)
                kinds = collections.Counter(type(o).__qualname__ for o in gc.garbage)
                print(f"{len(gc.garbage) / 100:.0f} objects in cycles per request:",
                      ", ".join(f"{k} {v / 100:g}" for k, v in kinds.most_common(40)))
                gc.garbage.clear()
            spent.clear()
            times = []
            profiler = None
            if os.environ.get("PROFILE"):
                import cProfile
                profiler = (cProfile.Profile(time.process_time) if os.environ.get("PROFILE_CPU")
                            else cProfile.Profile())  # CPU time: what preemption leaves out
                profiler.enable()
            import gc
            collected: dict[Any, float] = {"t": 0.0, "n": 0, "start": 0.0}

            def on_gc(phase: str, info: dict[str, Any]) -> None:
                if phase == "start":
                    collected["start"] = time.perf_counter()
                else:
                    collected["t"] += time.perf_counter() - collected["start"]
                    collected["n"] += 1
                    g = info["generation"]
                    collected[g] = collected.get(g, 0) + time.perf_counter() - collected["start"]
                    collected[(g, "n")] = collected.get((g, "n"), 0) + 1
            gc.callbacks.append(on_gc)
            cpu = time.process_time()
            concurrent = int(os.environ.get("CONCURRENCY", "1"))  # requests in flight at once

            async def one() -> None:
                t = time.perf_counter()
                await http.post("/graphql", json={"query": QUERY}, headers=headers)
                times.append(time.perf_counter() - t)

            for _ in range(n // concurrent):
                if concurrent == 1:
                    await one()
                else:
                    await asyncio.gather(*(one() for _ in range(concurrent)))
            cpu = time.process_time() - cpu
            gc.callbacks.remove(on_gc)
        if profiler is not None:
            import pstats
            profiler.disable()
            pstats.Stats(profiler).sort_stats(os.environ["PROFILE"]).print_stats(45)
            if os.environ.get("PROFILE_OUT"):  # the whole profile, for pstats or snakeviz
                profiler.dump_stats(os.environ["PROFILE_OUT"])
        n = len(times)
        total = sum(times)
        ms = {k: v / n * 1000 for k, v in spent.items()}
        execute_only = ms.get("execute", 0) - ms.get("db", 0)
        rest = ms.get("app", 0) - ms.get("auth", 0) - ms.get("execute", 0) - ms.get("encode", 0)
        print(f"{n} requests, median {statistics.median(times) * 1000:.2f} ms, "
              f"mean {total / n * 1000:.2f} ms per request; CPU of this process (client "
              f"included) {cpu / n * 1000:.2f} ms per request (steadier than wall time on a "
              f"shared machine)")
        print(f"  garbage collection: {collected['t'] / n * 1000:.2f} ms "
              f"({collected['n'] / n:.2f} collections per request; thresholds {gc.get_threshold()}; "
              + ", ".join(f"generation {g}: {collected.get((g, 'n'), 0):.0f} taking "
                          f"{collected.get(g, 0) * 1000:.0f} ms" for g in range(3)) + ")")
        print(f"  authentication (context getter): {ms.get('auth', 0):.2f} ms")
        print(f"  database (statements, BEGIN/COMMIT, checkout): {ms.get('db', 0):.2f} ms")
        print(f"  graphql-core + strawberry execution (without the database): "
              f"{execute_only:.2f} ms")
        print(f"  JSON encoding: {ms.get('encode', 0):.2f} ms")
        print(f"  Litestar, middleware, the GraphQL view (in the app, outside the above): "
              f"{rest:.2f} ms")
        print(f"  the test client (httpx over ASGI, outside the app): "
              f"{total / n * 1000 - ms.get('app', 0):.2f} ms")


if __name__ == "__main__":
    if len(sys.argv) > 2:
        QUERY = QUERIES[sys.argv[2]]
    if os.environ.get("UVLOOP", "1") != "0":  # the loop ``linli serve`` runs on
        import uvloop
        uvloop.install()
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 500))
