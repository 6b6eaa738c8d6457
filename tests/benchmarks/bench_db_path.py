"""CPU of the database path alone, in process (run on demand, not collected by pytest)::

    .venv/bin/python tests/benchmarks/bench_db_path.py [N]

On PostgreSQL (``LINLI_TEST_DATABASE_URL``), the benchmark's seeded street: ``N`` (default
3000) rounds of what a ``myNotifications(first: 1)`` request does with the database — open the
request's shared transaction (checkout, BEGIN, the scope statement), read one inbox row through
it, commit — against the same four statements sent straight through asyncpg's pool. Prints the
CPU per round of each, side by side (uvloop, as ``linli serve`` runs).
"""

from __future__ import annotations

import asyncio
import logging
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
sys.path.insert(0, str(Path(__file__).resolve().parent))


async def main(n: int) -> None:
    logging.disable(logging.WARNING)
    from bench_vs_postgraphile import seeded_state

    from core.notify import service as notify
    from tenants.service import scope_for
    from tenants.tables import Node

    async with seeded_state("linli-dbpath-") as (state, s):
        tenant = await Node.objects().where(Node.id == s.tenant_id).first()
        scope = scope_for(tenant)
        db = state.db

        async def linli() -> None:
            shared = db.shared(scope)
            async with shared.use():
                rows = await notify.inbox(s.account_id, s.tenant_id, 1)
            assert rows
            await shared.close()

        pool = db.engine.pool
        nodes = ",".join(str(x) for x in sorted(scope.read_nodes))

        async def raw() -> None:
            async with pool.acquire() as c:
                tr = c.transaction()
                await tr.start()
                await c.fetch("SELECT set_config('linli.read_nodes', $1, true), "
                              "set_config('statement_timeout', $2, true), 1 AS e", nodes, "5000")
                rows = await c.fetch("SELECT * FROM linli_notification WHERE account_id = $1 "
                                     "ORDER BY id DESC LIMIT 2", s.account_id)
                assert rows
                await tr.commit()

        results: dict[str, list[float]] = {"linli": [], "asyncpg": []}
        for _ in range(3):
            for name, fn in (("linli", linli), ("asyncpg", raw)):
                for _ in range(100):
                    await fn()
                cpu = time.process_time()
                for _ in range(n):
                    await fn()
                results[name].append((time.process_time() - cpu) / n * 1000)
        for name, xs in results.items():
            print(f"{name:8s} CPU per round: min {min(xs):.3f} ms, median {sorted(xs)[1]:.3f} ms")


if __name__ == "__main__":
    import uvloop
    uvloop.install()
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 3000))
