"""``linli worker``: an arq worker running every job and cron entry (needs ``LINLI_REDIS_URL``);
``linli jobs run NAME --node CODE``: one job or cron entry, now, for one tenant.

Run as many as you like; each takes jobs from the queue ``LINLI_JOB_QUEUE``. Cron entries are
enqueued by every worker under one job id per firing, so one of them runs each; once-per-period
work is also keyed in the database. ``--plugin module:attr`` loads an extra plugin object next to
the installed ones — a development aid (tests use it for throwaway jobs); its tables must already
exist, they are bound but neither created nor part of the embedded schema's fingerprint.
"""

from __future__ import annotations

import asyncio
import importlib
import json
import logging
from collections.abc import Sequence
from contextlib import AsyncExitStack
from typing import Any

import click

from core.app import build_state, start_state, stop_state
from core.errors import ApiError
from core.jobs.service import WORKER_MAX_JOBS, WORKER_POLL_DELAY, RunOutcome
from core.logging import configure_logging
from core.metrics import metrics_server
from core.registry import Registry, get_registry, set_registry
from core.settings import get_settings
from tenants.service import enabled_plugins, get_node_by_code
from tenants.tables import TENANT_KINDS

__all__ = ["register", "run_now", "run_worker"]

log = logging.getLogger("linli.jobs")


def _load_object(ref: str) -> Any:
    module_name, _, attr = ref.partition(":")
    module = importlib.import_module(module_name)
    return getattr(module, attr) if attr else module


async def _serve(*, queue: str | None, max_jobs: int, poll_delay: float,
                 job_timeout: float | None, burst: bool, plugins: Sequence[str],
                 metrics_port: int = 0) -> int:

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
    metrics = AsyncExitStack()
    try:
        if metrics_port:  # this worker's job counters at http://LINLI_METRICS_HOST:PORT/metrics

            await metrics.enter_async_context(metrics_server(state, settings.metrics_host,
                                                             metrics_port))
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
        await metrics.aclose()
        await stop_state(state)


def run_worker(*, queue: str | None = None, max_jobs: int = WORKER_MAX_JOBS,
               poll_delay: float = WORKER_POLL_DELAY, job_timeout: float | None = None,
               burst: bool = False, plugins: Sequence[str] = (), metrics_port: int = 0) -> int:
    """Run a worker until signalled (or, with ``burst``, until the queue is empty); with
    ``metrics_port``, serve its ``/metrics`` (job counts by name and outcome) meanwhile."""
    coro = _serve(queue=queue, max_jobs=max_jobs, poll_delay=poll_delay,
                  job_timeout=job_timeout, burst=burst, plugins=plugins,
                  metrics_port=metrics_port)
    try:
        import uvloop
    except ImportError:  # pragma: no cover - Windows
        return asyncio.run(coro)
    return uvloop.run(coro)


def _argument(text: str) -> tuple[str, Any]:
    key, sep, raw = text.partition("=")
    if not sep or not key.isidentifier():
        raise click.BadParameter(f"应为 KEY=VALUE / expected KEY=VALUE, got {text!r}",
                                 param_hint="--arg")
    try:
        return key, json.loads(raw)
    except ValueError:
        return key, raw  # not JSON: the plain string


async def run_now(name: str, node_code: str, kwargs: dict[str, Any]) -> RunOutcome:
    """Run job or cron entry ``name`` once for the tenant ``node_code`` in this process (the
    runner a worker uses: its own write scope, refused where the plugin is off, ``once_per``
    keyed). A refusal is a :class:`click.ClickException` saying why."""
    from dataclasses import replace


    # this process runs the one job itself; it must not start an in-process worker as well
    settings = replace(get_settings(), jobs_in_process=False)
    state = build_state(settings, get_registry(), limits=False)
    await start_state(state)
    try:
        jobs = state.services.jobs
        assert jobs is not None, "build_state installs the job service"
        spec = jobs.jobs.get(name) or jobs.crons.get(name)
        if spec is None:
            known = ", ".join(sorted([*jobs.jobs, *jobs.crons]))
            raise click.ClickException(f"没有名为 {name} 的任务 / no job or cron entry named "
                                       f"{name!r} (known: {known})")
        async with state.db.transaction(write=False):
            node = await get_node_by_code(node_code)
            on = node is not None and (spec.plugin == "core" or spec.plugin in
                                       await enabled_plugins(node, [spec.plugin]))
        if node is None:
            raise click.ClickException(f"没有编码为 {node_code} 的节点 / no node {node_code}")
        if node.kind not in TENANT_KINDS:
            raise click.ClickException(f"{node_code} 不是租户（街道/乡镇）/ {node_code} is a "
                                       f"{node.kind}, not a tenant: jobs run for one tenant")
        if not on:
            raise click.ClickException(
                f"插件 {spec.plugin} 未在 {node_code} 启用，任务 {name} 不运行 / plugin "
                f"{spec.plugin} is disabled at {node_code}: {name} refused")
        try:
            outcome: RunOutcome = await jobs.run_now(name, node.id, **kwargs)
        except ApiError as exc:
            raise click.ClickException(f"{exc}") from exc
        if outcome.outcome == "refused":
            raise click.ClickException(f"任务被拒绝 / {name} refused: {outcome.reason}")
        return outcome
    finally:
        await stop_state(state)


def register(group: click.Group) -> None:
    @group.group("jobs", help="后台任务 / jobs and cron entries")
    def jobs_group() -> None:
        pass

    @jobs_group.command("run", help="立即为一个租户运行任务或定时任务 / run a job or cron entry "
                                    "now for one tenant (operators, tests)")
    @click.argument("name")
    @click.option("--node", "node_code", required=True, metavar="CODE",
                  help="租户的行政区划代码 / the tenant's administrative code")
    @click.option("--arg", "args", multiple=True, metavar="KEY=VALUE",
                  help="任务参数（值按 JSON 解析）/ job argument (value parsed as JSON)")
    def run_cmd(name: str, node_code: str, args: tuple[str, ...]) -> None:
        kwargs = dict(_argument(a) for a in args)
        outcome = asyncio.run(run_now(name, node_code, kwargs))
        if outcome.outcome == "skipped":
            click.echo(f"已跳过：本期 {outcome.period} 已运行 / skipped: {name} already ran for "
                       f"{outcome.period} at {node_code}")
            return
        shown = "" if outcome.result is None else f": {outcome.result!r}"
        click.echo(f"已完成 / done: {name} at {node_code}{shown}")

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
    @click.option("--metrics-port", type=int, default=0, metavar="PORT",
                  help="在此端口提供本进程的 /metrics（监听 LINLI_METRICS_HOST，默认 127.0.0.1）"
                       " / serve this worker's /metrics on PORT (on LINLI_METRICS_HOST; "
                       "LINLI_METRICS_TOKEN applies)")
    def worker_cmd(queue: str | None, max_jobs: int, poll_delay: float,
                   job_timeout: float | None, burst: bool, plugins: tuple[str, ...],
                   verbose: bool, metrics_port: int) -> None:

        if not get_settings().redis_url:
            raise click.UsageError(
                "未设置 LINLI_REDIS_URL：没有 Redis 时任务在 `linli serve` 进程内运行。\n"
                "LINLI_REDIS_URL is not set: without Redis, jobs run inside `linli serve`.")
        try:

            configure_logging("INFO")
        except ImportError:  # pragma: no cover
            logging.basicConfig(level=logging.INFO)
        logging.getLogger("arq.worker").setLevel(logging.INFO if verbose else logging.WARNING)
        run_worker(queue=queue, max_jobs=max_jobs, poll_delay=poll_delay,
                   job_timeout=job_timeout, burst=burst, plugins=plugins,
                   metrics_port=metrics_port)
