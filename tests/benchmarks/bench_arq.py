"""Drain rate of one job worker process (target: ≥ 1,000 jobs/s).

Run on demand (not collected by pytest)::

    .venv/bin/python tests/benchmarks/bench_arq.py [N] [--redis URL] [--max-jobs 200] [--postgres]

In a temporary SQLite database with one tenant, it enqueues N no-op jobs through
``JobService.enqueue`` on a fresh queue, then starts one worker process built exactly as
``linli worker`` builds it (``JobService.make_worker`` with its default ``max_jobs`` and
``poll_delay``, under uvloop) in burst mode, and reports the enqueue rate and the time from the
worker's start to an empty queue. Two kinds of job:

* ``bench.noop`` — a core job outside any tenant scope: arq plus the job runner's bookkeeping.
* ``bench_arq.noop`` — a plugin job: the runner also loads the tenant, checks the plugin is
  enabled there and opens (and commits) the tenant's scoped write transaction — on SQLite, or
  with ``--postgres`` on a throwaway PostgreSQL database (``LINLI_TEST_DATABASE_URL``).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import secrets
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from core.app import build_state
from core.jobs.service import WORKER_MAX_JOBS, WORKER_POLL_DELAY, JobService, JobSpec
from core.plugin import PluginMeta, hookimpl
from core.registry import Registry, set_registry
from core.state import start_state, stop_state
from core.testing import _test_settings


async def noop(ctx: dict[str, Any], tenant_id: int | None) -> None:
    return None


class BenchPlugin:
    @hookimpl
    def linli_plugin_meta(self) -> PluginMeta:
        return PluginMeta(name="bench_arq", title_zh="基准", title_en="Benchmark", version="0")

    @hookimpl
    def linli_jobs(self) -> list[Any]:
        return [JobSpec("noop", noop, keep_result=0)]


def _registry() -> Registry:
    registry = Registry()
    registry.load_entrypoints()
    registry.register(BenchPlugin())
    registry.check()
    return registry


async def _state(tmp: Path, redis_url: str, queue: str, db_url: str) -> Any:
    settings = replace(_test_settings(db_url or f"sqlite:///{tmp}/bench.sqlite3", tmp),
                       redis_url=redis_url, job_queue=queue)
    registry = _registry()
    set_registry(registry)
    state = build_state(settings, registry)
    state.services.jobs.register(JobSpec("bench.noop", noop, tenant_scoped=False,
                                            keep_result=0))
    await start_state(state)
    return state


async def child(tmp: Path, redis_url: str, queue: str, max_jobs: int, db_url: str) -> None:
    """The worker process: drain the queue once, print what it took."""
    state = await _state(tmp, redis_url, queue, db_url)
    jobs: JobService = state.services.jobs
    worker = await jobs.make_worker(burst=True, cron=False, max_jobs=max_jobs)
    started = time.perf_counter()
    await worker.async_run()
    elapsed = time.perf_counter() - started
    await worker.close()
    await stop_state(state)
    print(json.dumps({"ran": worker.jobs_complete, "failed": worker.jobs_failed,
                      "seconds": elapsed}))


async def enqueue_all(tmp: Path, redis_url: str, queue: str, job: str, n: int,
                      db_url: str) -> float:
    """Queue ``n`` jobs for a fresh tenant with the bench plugin on; the enqueue rate."""
    from core.testing import Factory, TestEnv
    from tenants.service import set_plugin_enabled

    state = await _state(tmp, redis_url, queue, db_url)
    jobs: JobService = state.services.jobs
    try:
        env = TestEnv(settings=state.settings, state=state,
                      engine="postgres" if db_url else "sqlite")
        tenant = await Factory(env).tenant()
        async with state.db.transaction():
            await set_plugin_enabled(tenant, "bench_arq", True)
        started = time.perf_counter()
        for start in range(0, n, 500):
            await asyncio.gather(*[jobs.enqueue(job, tenant_id=tenant.id)
                                   for _ in range(start, min(n, start + 500))])
        return n / (time.perf_counter() - started)
    finally:
        await stop_state(state)


def one_run(redis_url: str, job: str, n: int, max_jobs: int, db_url: str) -> dict[str, Any]:
    tmp = Path(tempfile.mkdtemp(prefix="linli-bench-arq-"))
    queue = f"linli-bench:{secrets.token_hex(4)}"
    enqueue_rate = asyncio.run(enqueue_all(tmp, redis_url, queue, job, n, db_url))
    out = subprocess.run([sys.executable, __file__, "--child", str(tmp), "--redis", redis_url,
                          "--queue", queue, "--max-jobs", str(max_jobs), "--db", db_url],
                         capture_output=True, text=True, check=True)
    result = json.loads(out.stdout.strip().splitlines()[-1])
    return {"job": job, "n": n, "enqueue_per_s": round(enqueue_rate),
            "drain_per_s": round(result["ran"] / result["seconds"]), **result}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("n", nargs="?", type=int, default=20000)
    parser.add_argument("--redis", default=os.environ.get("LINLI_TEST_REDIS_URL",
                                                          "redis://127.0.0.1:6379/15"))
    parser.add_argument("--child", default=None)
    parser.add_argument("--queue", default="")
    parser.add_argument("--max-jobs", type=int, default=WORKER_MAX_JOBS)
    parser.add_argument("--postgres", action="store_true",
                        help="a throwaway PostgreSQL database (LINLI_TEST_DATABASE_URL)")
    parser.add_argument("--db", default="", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        import uvloop  # as `linli worker` runs

        uvloop.run(child(Path(args.child), args.redis, args.queue, args.max_jobs, args.db))
        return
    pg = None
    if args.postgres:
        from core.testing.pg import PostgresTestDatabase

        pg = asyncio.run(PostgresTestDatabase.create(_registry()))
    engine = "PostgreSQL" if pg else "SQLite"
    print(f"worker: max_jobs={args.max_jobs} poll_delay={WORKER_POLL_DELAY}s uvloop, "
          f"one process, burst; {os.cpu_count()} CPUs; Redis {args.redis}; {engine}")
    try:
        for job, n in (("bench.noop", args.n), ("bench_arq.noop", max(args.n // 4, 1000))):
            report(one_run(args.redis, job, n, args.max_jobs, pg.app_url if pg else ""))
    finally:
        if pg is not None:
            asyncio.run(pg.drop())


def report(r: dict[str, Any]) -> None:
    print(f"{r['job']:16} n={r['n']:6}  enqueue {r['enqueue_per_s']:6}/s  "
          f"drain {r['drain_per_s']:6} jobs/s  ({r['ran']} ran, {r['failed']} failed, "
          f"{r['seconds']:.2f} s)")


if __name__ == "__main__":
    main()
