"""The HTTP layer's own cost per GraphQL request (run on demand, not collected by pytest)::

    .venv/bin/python tests/benchmarks/bench_http_layer.py [N]

Everything a ``POST /graphql`` goes through except the work behind it: the ASGI app as
``linli serve`` builds it (middleware, Litestar routing, the GraphQL controller, strawberry's
view, JSON encoding) is called directly with a prepared scope and body, while the schema's
``execute`` returns a canned 50-row ``myNotifications`` page and authentication returns no
caller (both measured elsewhere: ``bench_request_split.py``). Prints the process's CPU time
per request for 5 runs of ``N`` (default 2000) requests: CPU rather than wall time, so that
others' load on a shared machine disturbs it less. No database is touched (SQLite, unused).
``PROFILE=1`` writes a cProfile of the runs to ``bench_http_layer.prof``.
"""

from __future__ import annotations

import asyncio
import logging
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

QUERY = (b'{"query": "{ myNotifications(first: 50) { edges { node { id kind title body '
         b'createdAt } } pageInfo { hasNextPage endCursor } } }"}')


async def main(n: int) -> None:
    logging.disable(logging.WARNING)
    import core.schema.context as context_mod
    from core.app import build_state, create_app
    from core.registry import Registry
    from core.schema.compose import LinliSchema
    from core.testing import _test_settings
    from graphql import ExecutionResult

    registry = Registry()
    registry.load_entrypoints()
    tmp = Path(tempfile.mkdtemp(prefix="linli-http-layer-"))
    settings = _test_settings(f"sqlite:///{tmp}/unused.sqlite3", tmp, redis_url="")
    state = build_state(settings, registry)
    edges = [{"node": {"id": f"Tm90aWZpY2F0aW9uOj{i:04d}", "kind": "bench.notice",
                       "title": f"通知 {i}", "body": "请于本周六上午到社区服务中心领取防汛物资。" * 2,
                       "createdAt": "2026-11-28T08:00:00.123456+00:00"}} for i in range(50)]
    canned = ExecutionResult(data={"myNotifications": {
        "edges": edges, "pageInfo": {"hasNextPage": True, "endCursor": "Y3Vyc29yOjUw"}}})

    async def execute(self: Any, *args: Any, **kwargs: Any) -> ExecutionResult:
        return canned

    async def authenticate(*args: Any) -> tuple[None, None, str]:
        return None, None, ""

    LinliSchema.execute = execute  # type: ignore[method-assign]
    context_mod._authenticate = authenticate  # type: ignore[assignment]
    app = create_app(state=state, manage_db=False)
    headers = [(b"host", b"bench"), (b"content-type", b"application/json"),
               (b"content-length", str(len(QUERY)).encode()),
               (b"authorization", b"Bearer unused"), (b"x-linli-node", b"110101001000"),
               (b"user-agent", b"autocannon")]
    scope = {"type": "http", "asgi": {"version": "3.0", "spec_version": "2.3"},
             "http_version": "1.1", "method": "POST", "scheme": "http", "path": "/graphql",
             "raw_path": b"/graphql", "query_string": b"", "root_path": "", "headers": headers,
             "client": ("127.0.0.1", 50000), "server": ("127.0.0.1", 8000)}
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": QUERY, "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    async def one() -> None:
        sent.clear()
        await app({**scope, "state": {}}, receive, send)
        assert sent[0]["status"] == 200, sent

    for _ in range(200):  # warm
        await one()
    profiler = None
    if os.environ.get("PROFILE"):
        import cProfile
        profiler = cProfile.Profile()
        profiler.enable()
    runs = []
    for _ in range(5):
        cpu = time.process_time()
        for _ in range(n):
            await one()
        runs.append((time.process_time() - cpu) / n * 1e6)
    if profiler is not None:
        profiler.disable()
        profiler.dump_stats("bench_http_layer.prof")
    print(f"{n} requests x 5 runs, CPU µs per request: "
          + " ".join(f"{r:.0f}" for r in runs)
          + f"; min {min(runs):.0f}, median {statistics.median(runs):.0f} "
          f"(response {len(sent[1]['body'])} bytes; load average "
          f"{os.getloadavg()[0]:.2f})")


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 2000))
