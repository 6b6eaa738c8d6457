"""``linli worker``: an arq worker running every job and cron entry (needs ``LINLI_REDIS_URL``).

Run as many as you like; each takes jobs from the queue ``LINLI_JOB_QUEUE``. Cron entries are
enqueued by every worker under one job id per firing, so one of them runs each; once-per-period
work is also keyed in the database. ``--plugin module:attr`` loads an extra plugin object next to
the installed ones — a development aid (tests use it for throwaway jobs); its tables must already
exist, they are bound but neither created nor part of the embedded schema's fingerprint.
"""

from __future__ import annotations

import asyncio
import importlib
import logging
from collections.abc import Sequence
from typing import Any

import click

from core.jobs.service import WORKER_MAX_JOBS, WORKER_POLL_DELAY

__all__ = ["register", "run_worker"]

log = logging.getLogger("linli.jobs")


def _load_object(ref: str) -> Any:
    module_name, _, attr = ref.partition(":")
    module = importlib.import_module(module_name)
    return getattr(module, attr) if attr else module


async def _serve(*, queue: str | None, max_jobs: int, poll_delay: float,
                 job_timeout: float | None, burst: bool, plugins: Sequence[str]) -> int:
    from core.app import build_state
    from core.state import start_state, stop_state
    from core.registry import Registry, set_registry
    from core.settings import get_settings

    settings = get_settings()
    registry = Registry(disabled=settings.disable_plugins)
    registry.load_entrypoints()
    set_registry(registry)
    state = build_state(settings, registry)
    extra_tables: list[Any] = []
    for ref in plugins:  # after build_state: outside the embedded schema's fingerprint
        name = registry.register(_load_object(ref))
        extra_tables += [t for owner, app in registry.tables() if owner == name
                         for t in app.table_classes]
    registry.check()
    jobs = state.services.jobs
    assert jobs is not None  # build_state installs every service
    if queue:
        jobs.queue_name = queue
    await start_state(state)
    state.db.add_tables(extra_tables)
    try:
        worker = await jobs.make_worker(max_jobs=max_jobs, poll_delay=poll_delay,
                                        job_timeout=job_timeout, handle_signals=True,
                                        burst=burst)
        log.info("worker on queue %s: %d jobs, %d cron entries, max_jobs=%d poll_delay=%s",
                 jobs.queue_name, len(jobs.jobs), len(jobs.crons), max_jobs, poll_delay)
        try:
            await worker.async_run()
        except asyncio.CancelledError:  # SIGTERM/SIGINT: arq cancelled its own main task
            pass
        finally:
            try:
                await worker.close()
            except asyncio.CancelledError:
                pass
        return int(worker.jobs_complete)
    finally:
        await stop_state(state)


def run_worker(*, queue: str | None = None, max_jobs: int = WORKER_MAX_JOBS,
               poll_delay: float = WORKER_POLL_DELAY, job_timeout: float | None = None,
               burst: bool = False, plugins: Sequence[str] = ()) -> int:
    """Run a worker until signalled (or, with ``burst``, until the queue is empty)."""
    coro = _serve(queue=queue, max_jobs=max_jobs, poll_delay=poll_delay,
                  job_timeout=job_timeout, burst=burst, plugins=plugins)
    try:
        import uvloop
    except ImportError:  # pragma: no cover - Windows
        return asyncio.run(coro)
    return uvloop.run(coro)


def register(group: click.Group) -> None:
    @group.command("worker", help="运行后台任务（需 LINLI_REDIS_URL）/ run jobs and cron "
                                  "(arq; needs LINLI_REDIS_URL)")
    @click.option("--queue", default=None, help="arq 队列 / queue (default LINLI_JOB_QUEUE)")
    @click.option("--max-jobs", type=int, default=WORKER_MAX_JOBS, show_default=True,
                  help="同时运行的任务数 / jobs run at once")
    @click.option("--poll-delay", type=float, default=WORKER_POLL_DELAY, show_default=True,
                  help="轮询间隔（秒）/ seconds between queue polls")
    @click.option("--job-timeout", type=float, default=None,
                  help="任务超时（秒）/ job timeout (default LINLI_JOB_TIMEOUT_SECONDS)")
    @click.option("--burst", is_flag=True, help="队列清空后退出 / exit once the queue is empty")
    @click.option("--plugin", "plugins", multiple=True, metavar="MODULE:ATTR",
                  help="额外加载的插件（开发用）/ extra plugin object to load (development aid)")
    @click.option("--verbose", is_flag=True, help="逐条记录任务 / log every job (arq)")
    def worker_cmd(queue: str | None, max_jobs: int, poll_delay: float,
                   job_timeout: float | None, burst: bool, plugins: tuple[str, ...],
                   verbose: bool) -> None:
        from core.settings import get_settings

        if not get_settings().redis_url:
            raise click.UsageError(
                "未设置 LINLI_REDIS_URL：没有 Redis 时任务在 `linli serve` 进程内运行。\n"
                "LINLI_REDIS_URL is not set: without Redis, jobs run inside `linli serve`.")
        try:
            from core.logging import configure_logging

            configure_logging("INFO")
        except ImportError:  # pragma: no cover
            logging.basicConfig(level=logging.INFO)
        logging.getLogger("arq.worker").setLevel(logging.INFO if verbose else logging.WARNING)
        run_worker(queue=queue, max_jobs=max_jobs, poll_delay=poll_delay,
                   job_timeout=job_timeout, burst=burst, plugins=plugins)
