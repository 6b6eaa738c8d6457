"""Jobs: arq workers with Redis; the same job functions and cron entries in-process without it.

:class:`JobService` (``state.services.jobs``) collects core's jobs and every plugin's
``linli_jobs`` / ``linli_cron_jobs`` (see ``core.jobs.specs``), enqueues, and builds arq
``Worker`` objects. With ``LINLI_REDIS_URL`` the API only enqueues and ``linli worker`` processes
(any number) run the jobs and cron. Without Redis the embedded server runs one arq ``Worker`` on
its own event loop over an in-memory fakeredis. We chose that over a hand-written runner: the same
arq code runs cron, timeouts, retries and pickling in both modes, so a job that only works
unpickled or only once fails in development too. Jobs queued in memory die with the process; the
database is the truth (the events outbox is swept, once-per-period work is keyed), so nothing
that matters is lost.

Every job runs as its tenant: the runner forgets any inherited scope and transaction, loads the
tenant, refuses the job (logged and counted, no effect) if the owning plugin is disabled there,
and opens ``db.scoped(scope_for(tenant), write=True)`` around the work. ``once_per`` cron work
first inserts a ``(job, tenant_id, period)`` key in that same transaction, so two workers firing
together do it once, and a failed run rolls its key back.

Events: ``events.deliver`` runs ``EventService.deliver(event_id)``; the ``events.sweep`` cron
(every minute, every 5 s in-process) runs ``dispatch_pending()`` and ``sweep()``. ``emit`` may call
:func:`after_commit_deliver` to queue delivery as soon as its transaction commits; without it
the sweeper delivers. Core services add jobs of their own with :meth:`JobService.register`.
Tests set ``jobs_in_process=False``: jobs are queued (in memory or on a per-run Redis queue) and
:meth:`JobService.drain` runs them when the test says so.
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from collections.abc import Awaitable, Callable
from contextlib import suppress
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from functools import cache
from typing import TYPE_CHECKING, Any, ClassVar, Protocol, cast

from arq import Retry
from arq.connections import ArqRedis, RedisSettings, create_pool
from arq.cron import cron as arq_cron
from arq.typing import WorkerCoroutine
from arq.worker import Worker
from arq.worker import func as arq_func
from piccolo.columns import BigInt, Timestamptz, Varchar

from core.audit.service import request_id_var
from core.db import BaseTable
from core.errors import ApiError, ErrorCode
from core.host import Host
from core.jobs.specs import (
    CORE,
    SHANGHAI,
    CronSpec,
    JobSpec,
    JobSpecError,
    collect_crons,
    collect_jobs,
    period_of,
)
from core.logging import node_var
from tenants.scope import use_scope
from tenants.service import enabled_plugins, get_node, list_nodes, scope_for
from tenants.tables import TENANT_KINDS, PluginEnablement

if TYPE_CHECKING:
    from fakeredis import FakeServer

__all__ = [
    "CronSpec",
    "JobPeriodKey",
    "JobService",
    "JobSpec",
    "JobSpecError",
    "RunOutcome",
    "after_commit_deliver",
    "install",
    "period_of",
]

log = logging.getLogger("linli.jobs")

OUTCOMES = ("enqueued", "succeeded", "failed", "retried", "interrupted", "refused", "skipped")
"""``retried``: the job raised ``arq.Retry``; ``interrupted``: cancelled (timeout, shutdown)."""
WORKER_MAX_JOBS = 200
"""Jobs one worker runs at once; with ``WORKER_POLL_DELAY`` ~1,000+ jobs/s (STACK-NOTES)."""
WORKER_POLL_DELAY = 0.05
KEEP_RESULT_SECONDS = 300
INPROCESS_SWEEP_SECONDS = 5
INPROCESS_MAX_JOBS = 20
"""The embedded worker shares the server's loop (and, usually, one SQLite writer)."""
INPROCESS_POLL_DELAY = 0.25
"""The embedded worker's poll: each poll is four or five fakeredis commands in the server's own
process (queue, aborts, health, cron), ~5 % of a loaded server's CPU at ``WORKER_POLL_DELAY``
(py-spy, issue 10); a job queued in-process starts within this."""


class JobPeriodKey(BaseTable, tablename="linli_job_period"):
    """任务周期键 "This work was done for this tenant in this period" (``2026-11``), written in
    the work's own transaction. An infrastructure table, not a ScopedTable: it is keyed across
    tenants and ``tenant_id`` is 0 for core's tenant-less work."""

    job = Varchar(length=128, null=False)
    tenant_id = BigInt(null=False, default=None)
    period = Varchar(length=16, null=False)
    done_at = Timestamptz()

    unique_together: ClassVar[list[tuple[str, ...]]] = [("job", "tenant_id", "period")]


@cache
def _fake_arq_redis() -> type[ArqRedis]:
    """arq's client on an in-memory fakeredis server (the embedded, Redis-less mode); made on
    first use, as fakeredis is imported only by that mode (~25 ms of a cold start)."""
    from fakeredis.aioredis import FakeAsyncRedisMixin

    class _FakeArqRedis(FakeAsyncRedisMixin, ArqRedis):  # type: ignore[misc]
        is_fake = True

    return _FakeArqRedis


def _fake_pool(server: FakeServer) -> ArqRedis:
    _quiet_fake_info()
    return _fake_arq_redis()(server=server)


def _quiet_fake_info() -> None:
    """arq's worker logs ``INFO`` from Redis at start; fakeredis has no ``INFO``."""
    import arq.worker as arq_worker

    original = arq_worker.log_redis_info  # type: ignore[attr-defined]
    if getattr(original, "linli_wrapped", False):
        return

    async def log_redis_info(redis: Any, log_func: Callable[[str], Any]) -> None:
        if getattr(redis, "is_fake", False):
            log_func("in-process queue (fakeredis)")
            return
        await original(redis, log_func)

    log_redis_info.linli_wrapped = True  # type: ignore[attr-defined]
    arq_worker.log_redis_info = log_redis_info  # type: ignore[attr-defined]


async def _deliver_event(ctx: dict[str, Any], tenant_id: int | None, event_id: int) -> None:
    """``events.deliver``: deliver one committed event now."""
    events = ctx["state"].services.events
    if events is not None:
        await events.deliver(event_id)


async def _sweep_events(ctx: dict[str, Any], tenant_id: int | None) -> int:
    """``events.sweep``: due retries, then anything left undelivered."""
    events = ctx["state"].services.events
    if events is None:
        return 0
    return int(await events.dispatch_pending()) + int(await events.sweep())


_running: JobService | None = None


def after_commit_deliver(event_id: int, tenant_id: int | None = None) -> None:
    """Queue ``events.deliver`` once the caller's transaction commits, if a job service is
    running (for ``emit``, which has no app state at hand); otherwise the sweeper delivers."""
    if _running is not None:
        _running.after_commit_deliver(event_id, tenant_id)


@dataclass(frozen=True)
class RunOutcome:
    """What :meth:`JobService.run_now` did."""

    outcome: str
    """``succeeded``, ``skipped`` (``once_per`` key already held) or ``refused``."""
    result: Any
    """The work's return value (``None`` unless it succeeded)."""
    reason: str = ""
    """Why it was refused or skipped (English)."""
    period: str | None = None
    """The ``once_per`` period key it ran under."""


class JobService:
    """任务服务 Enqueues jobs, runs them as their tenant, builds arq workers, counts outcomes."""

    def __init__(self, state: Host, *, queue_name: str | None = None,
                 redis_url: str | None = None) -> None:
        settings = state.settings
        self.state = state
        self.db = state.db
        self.redis_url = settings.redis_url if redis_url is None else redis_url
        self.queue_name = queue_name or settings.job_queue
        self.job_timeout = settings.job_timeout_seconds
        self.counters: dict[str, Counter[str]] = {o: Counter() for o in OUTCOMES}
        """Outcome → job name → count, for ``/metrics`` (this process's share)."""
        self.pool: ArqRedis | None = None
        self._fake_server: FakeServer | None = None
        self._core_jobs: list[JobSpec] = [
            JobSpec("events.deliver", _deliver_event, CORE, tenant_scoped=False, keep_result=0)]
        sweep_second = (set(range(0, 60, INPROCESS_SWEEP_SECONDS)) if self.in_process else 0)
        self._core_crons: list[CronSpec] = [
            CronSpec("events.sweep", _sweep_events, CORE, second=sweep_second, per_tenant=False)]
        self._jobs: dict[str, JobSpec] | None = None
        self._crons: dict[str, CronSpec] | None = None
        self._workers: list[tuple[Worker, asyncio.Task[None]]] = []
        self._pending: set[asyncio.Task[Any]] = set()

    @property
    def in_process(self) -> bool:
        """No Redis: jobs run on the server's own event loop."""
        return not self.redis_url

    # -- declarations -----------------------------------------------------------
    def register(self, spec: JobSpec | CronSpec) -> None:
        """Add a core service's job or cron entry (call from its ``install``)."""
        if isinstance(spec, JobSpec):
            self._core_jobs.append(replace(spec, plugin=CORE))
        else:
            self._core_crons.append(replace(spec, plugin=CORE))
        self._jobs = self._crons = None

    def _load(self) -> tuple[dict[str, JobSpec], dict[str, CronSpec]]:
        if self._jobs is None or self._crons is None:
            registry = self.state.registry
            jobs = collect_jobs([(CORE, s) for s in self._core_jobs] + registry.jobs())
            crons = collect_crons([(CORE, s) for s in self._core_crons] + registry.cron_jobs())
            names: dict[str, str] = {}
            specs: list[JobSpec | CronSpec] = [*jobs, *crons]
            for spec in specs:
                if spec.full_name in names:
                    raise JobSpecError(f"任务名重复 / job {spec.full_name!r} declared by "
                                       f"{names[spec.full_name]} and {spec.plugin}")
                names[spec.full_name] = spec.plugin
            self._jobs = {s.full_name: s for s in jobs}
            self._crons = {s.full_name: s for s in crons}
        return self._jobs, self._crons

    @property
    def jobs(self) -> dict[str, JobSpec]:
        return self._load()[0]

    @property
    def crons(self) -> dict[str, CronSpec]:
        return self._load()[1]

    # -- lifecycle ----------------------------------------------------------------
    async def start(self) -> None:
        """Open the queue; without Redis also start the in-process worker (if enabled)."""
        global _running
        self._load()
        self.pool = await self._new_pool()
        _running = self
        if self.in_process and self.state.settings.jobs_in_process:
            await self.start_worker(max_jobs=INPROCESS_MAX_JOBS, poll_delay=INPROCESS_POLL_DELAY)

    async def stop(self) -> None:
        global _running
        if _running is self:
            _running = None
        for worker, task in self._workers:
            with suppress(asyncio.CancelledError):
                await worker.close()
            with suppress(asyncio.CancelledError):
                await task
        self._workers.clear()
        if self._pending:
            await asyncio.gather(*self._pending, return_exceptions=True)
        if self.pool is not None:
            await self.pool.aclose()
            self.pool = None

    async def _new_pool(self) -> ArqRedis:
        if self.redis_url:
            return await create_pool(RedisSettings.from_dsn(self.redis_url),
                                     default_queue_name=self.queue_name)
        if self._fake_server is None:
            from fakeredis import FakeServer  # the Redis-less mode only (see _fake_arq_redis)

            self._fake_server = FakeServer()
        return _fake_pool(self._fake_server)

    async def make_worker(self, *, max_jobs: int = WORKER_MAX_JOBS,
                          poll_delay: float = WORKER_POLL_DELAY, job_timeout: float | None = None,
                          handle_signals: bool = False, burst: bool = False,
                          cron: bool = True) -> Worker:
        """An arq worker with every job and (unless ``cron=False``) every cron entry, on a
        connection of its own (``Worker.close`` closes it)."""
        jobs, crons = self._load()
        functions = [arq_func(cast(WorkerCoroutine, self._job_coroutine(s)), name=name, timeout=s.timeout,
                              keep_result=s.keep_result, max_tries=s.max_tries)
                     for name, s in jobs.items()]
        functions += [arq_func(cast(WorkerCoroutine, self._cron_coroutine(s)), name=name, timeout=s.timeout)
                      for name, s in crons.items()]
        # arq derives a firing's job id from the entry's name; the queue keeps deployments
        # sharing one Redis database apart
        cron_jobs = [arq_cron(cast(WorkerCoroutine, self._fire_coroutine(s)), name=f"{s.cron_name}@{self.queue_name}",
                              unique=True,
                              timeout=s.timeout, **s.schedule())  # type: ignore[arg-type]
                     for s in crons.values()] if cron else []
        return Worker(functions, cron_jobs=cron_jobs, queue_name=self.queue_name,
                      redis_pool=await self._new_pool(), burst=burst,
                      handle_signals=handle_signals, max_jobs=max_jobs, poll_delay=poll_delay,
                      job_timeout=job_timeout or self.job_timeout,
                      keep_result=KEEP_RESULT_SECONDS, timezone=SHANGHAI,  # type: ignore[arg-type]
                      ctx={"state": self.state, "jobs": self}, log_results=False)

    async def start_worker(self, **options: Any) -> Worker:
        """Run a worker on this event loop until :meth:`stop` (the embedded mode; tests)."""
        worker = await self.make_worker(handle_signals=False, **options)
        task = asyncio.get_running_loop().create_task(worker.main())
        worker.main_task = task
        self._workers.append((worker, task))
        return worker

    async def drain(self, *, cron: bool = False) -> int:
        """Run every queued job now and return how many ran (a burst worker; tests, CLI)."""
        worker = await self.make_worker(burst=True, cron=cron, poll_delay=0.01)
        try:
            await worker.async_run()
        finally:
            await worker.close()
        return worker.jobs_complete + worker.jobs_failed

    # -- enqueueing -----------------------------------------------------------------
    async def enqueue(self, name: str, *, tenant_id: int | None, job_id: str | None = None,
                      defer_by: float | None = None, **kwargs: Any) -> bool:
        """Queue job ``name`` for ``tenant_id``; ``False`` if ``job_id`` is already queued or
        its result still kept. Enqueue after your transaction commits (``db.after_commit``)."""
        jobs, crons = self._load()
        spec = jobs.get(name) or crons.get(name)
        if spec is None:
            raise ApiError(ErrorCode.NOT_FOUND, f"没有名为 {name} 的任务", f"no job named {name!r}")
        scoped = spec.tenant_scoped if isinstance(spec, JobSpec) else spec.per_tenant
        if scoped and tenant_id is None:
            raise ApiError(ErrorCode.INVALID_ARGUMENT, f"任务 {name} 需要租户",
                           f"job {name!r} needs a tenant_id")
        return await self._enqueue(name, tenant_id, job_id, defer_by, **kwargs)

    async def _enqueue(self, name: str, tenant_id: int | None, job_id: str | None,
                       defer_by: float | None = None, **kwargs: Any) -> bool:
        if self.pool is None:
            raise ApiError(ErrorCode.UNAVAILABLE, "任务服务未启动", "the job service is not started")
        if job_id is not None:  # arq's job ids are global to the Redis database
            job_id = f"{self.queue_name}:{job_id}"
        job = await self.pool.enqueue_job(name, _job_id=job_id, _queue_name=self.queue_name,
                                          _defer_by=defer_by, tenant_id=tenant_id, **kwargs)
        if job is None:
            return False
        self.counters["enqueued"][name] += 1
        return True

    def after_commit_deliver(self, event_id: int, tenant_id: int | None = None) -> None:
        """Queue ``events.deliver`` for ``event_id`` once the current transaction commits
        (nothing on rollback); outside a transaction, right away."""
        if self.pool is None:
            return

        async def deliver() -> None:
            await self._enqueue("events.deliver", tenant_id, f"events.deliver:{event_id}",
                                event_id=event_id)

        try:
            self.db.after_commit(deliver)
        except RuntimeError:  # no transaction open: the event is already committed
            task = asyncio.get_running_loop().create_task(deliver())
            self._pending.add(task)
            task.add_done_callback(self._pending.discard)

    # -- running ------------------------------------------------------------------------
    def _job_coroutine(self, spec: JobSpec) -> Callable[..., Awaitable[Any]]:
        async def run(ctx: dict[str, Any], *, tenant_id: int | None = None,
                      **kwargs: Any) -> Any:
            async def work(job_ctx: dict[str, Any]) -> Any:
                return await spec.func(job_ctx, tenant_id, **kwargs)

            return await self.run(spec.full_name, spec.plugin, tenant_id, ctx, work,
                                  scoped=spec.tenant_scoped)

        run.__qualname__ = spec.full_name
        return run

    def _cron_coroutine(self, spec: CronSpec) -> Callable[..., Awaitable[Any]]:
        """One run of a cron entry's work (for one tenant, or tenant-less)."""
        async def run(ctx: dict[str, Any], *, tenant_id: int | None = None,
                      period: str | None = None) -> Any:
            return await self.run_cron(spec, tenant_id, ctx, period=period)

        run.__qualname__ = spec.full_name
        return run

    def _fire_coroutine(self, spec: CronSpec) -> Callable[..., Awaitable[Any]]:
        """What the schedule fires: the work itself, or one job per enabled tenant."""
        async def fire(ctx: dict[str, Any]) -> int:
            score = ctx.get("score")
            fired = (datetime.fromtimestamp(score / 1000, UTC) if score
                     else datetime.now(UTC))
            period = period_of(fired, spec.once_per) if spec.once_per else None
            try:
                if not spec.per_tenant:
                    await self.run_cron(spec, None, ctx, period=period)
                    return 1
                stamp = period or fired.astimezone(SHANGHAI).strftime("%Y%m%dT%H%M%S")
                tenants = await self.tenants_enabled(spec.plugin)
                for tenant in tenants:
                    await self._enqueue(spec.full_name, tenant,
                                        f"{spec.full_name}:{tenant}:{stamp}", period=period)
            except Exception:
                self.counters["failed"][spec.cron_name] += 1
                raise
            self.counters["succeeded"][spec.cron_name] += 1
            return len(tenants)

        fire.__qualname__ = spec.cron_name
        return fire

    async def run_cron(self, spec: CronSpec, tenant_id: int | None, ctx: dict[str, Any], *,
                       period: str | None = None) -> Any:
        """Run a cron entry's work once for ``tenant_id`` (``None`` for core's tenant-less
        entries); with ``once_per`` it is skipped if the period's key exists."""
        if spec.once_per and period is None:
            period = period_of(datetime.now(UTC), spec.once_per)

        async def work(job_ctx: dict[str, Any]) -> Any:
            return await spec.func(job_ctx, tenant_id)

        return await self.run(spec.full_name, spec.plugin, tenant_id, ctx, work,
                              scoped=spec.per_tenant, period=period if spec.once_per else None)

    async def run(self, name: str, plugin: str, tenant_id: int | None, ctx: dict[str, Any],
                  work: Callable[[dict[str, Any]], Awaitable[Any]], *, scoped: bool = True,
                  period: str | None = None) -> Any:
        """Run ``work`` as job ``name``: in a fresh write scope for ``tenant_id`` (refused if
        the tenant is gone or ``plugin`` is off there), guarded by the period key if given.
        It runs in a task of its own, so the caller's scope and transaction stay untouched."""
        _, result = await asyncio.get_running_loop().create_task(
            self._run(name, plugin, tenant_id, ctx, work, scoped=scoped, period=period))
        return result

    async def run_now(self, name: str, tenant_id: int | None, *, period: str | None = None,
                      **kwargs: Any) -> RunOutcome:
        """Run job or cron entry ``name`` once, now, in this process, for ``tenant_id`` (an
        operator's ``linli jobs run``, a test's ``run_cron``). The same runner as the queue's:
        a fresh write scope, refused where the plugin is off, ``once_per`` keyed (the current
        period unless ``period`` is given). Exceptions of the work propagate."""
        jobs, crons = self._load()
        if name not in jobs and name not in crons:  # a plugin registered since (tests)
            self._jobs = self._crons = None
            jobs, crons = self._load()
        spec: JobSpec | CronSpec | None = jobs.get(name) or crons.get(name)
        if spec is None:
            raise ApiError(ErrorCode.NOT_FOUND, f"没有名为 {name} 的任务", f"no job named {name!r}")
        if isinstance(spec, JobSpec):
            if kwargs.keys() & {"tenant_id", "period"}:
                raise ApiError(ErrorCode.INVALID_ARGUMENT, "参数名不可用", "reserved argument name")
            job_spec = spec

            async def job_work(job_ctx: dict[str, Any]) -> Any:
                return await job_spec.func(job_ctx, tenant_id, **kwargs)

            work, scoped, key = job_work, spec.tenant_scoped, None
        else:
            if kwargs:
                raise ApiError(ErrorCode.INVALID_ARGUMENT, "定时任务不接受参数",
                               "a cron entry takes no arguments")
            cron_spec = spec

            async def cron_work(job_ctx: dict[str, Any]) -> Any:
                return await cron_spec.func(job_ctx, tenant_id)

            work, scoped = cron_work, spec.per_tenant
            key = (period or period_of(datetime.now(UTC), spec.once_per)) if spec.once_per \
                else None
        if scoped and tenant_id is None:
            raise ApiError(ErrorCode.INVALID_ARGUMENT, f"任务 {name} 需要租户",
                           f"job {name!r} needs a tenant_id")
        outcome, result = await asyncio.get_running_loop().create_task(
            self._run(name, spec.plugin, tenant_id if scoped else None,
                      {"job_try": 1, "job_id": f"run-now:{name}"}, work, scoped=scoped,
                      period=key))
        if outcome == "refused":
            return RunOutcome(outcome, None, str(result["refused"]), key)
        if outcome == "skipped":
            return RunOutcome(outcome, None, f"already ran for {key}", key)
        return RunOutcome(outcome, result, "", key)

    async def _run(self, name: str, plugin: str, tenant_id: int | None, ctx: dict[str, Any],
                   work: Callable[[dict[str, Any]], Awaitable[Any]], *, scoped: bool,
                   period: str | None) -> tuple[str, Any]:
        use_scope(None)  # nothing inherited: this job builds its own scope and transaction
        self.db.engine.current_transaction.set(None)
        job_ctx = {**ctx, "state": self.state, "jobs": self, "tenant_id": tenant_id,
                   "period": period}
        _log_context(ctx.get("job_id"))
        try:
            if scoped:
                outcome, result = await self._run_scoped(name, plugin, tenant_id, job_ctx, work,
                                                         period)
            elif period is not None:
                async with self.db.transaction():
                    claimed = await self._claim(name, 0, period)
                    outcome, result = ("succeeded", await work(job_ctx)) if claimed else (
                        "skipped", None)
            else:
                outcome, result = "succeeded", await work(job_ctx)
        except Retry:
            self.counters["retried"][name] += 1
            raise
        except asyncio.CancelledError:
            self.counters["interrupted"][name] += 1
            raise
        except Exception:
            self.counters["failed"][name] += 1
            raise
        self.counters[outcome][name] += 1
        return outcome, result

    async def _run_scoped(self, name: str, plugin: str, tenant_id: int | None,
                          ctx: dict[str, Any], work: Callable[[dict[str, Any]], Awaitable[Any]],
                          period: str | None) -> tuple[str, Any]:

        async with self.db.transaction():  # one transaction: the check, the key, the work
            # node ids are 32-bit serials; anything else names no tenant
            node = await get_node(tenant_id) if tenant_id and 0 < tenant_id < 2**31 else None
            enabled = node is not None and (
                plugin == CORE or plugin in await enabled_plugins(node, [plugin]))
            if node is not None and enabled:
                _log_context(None, node.code)
                scope = replace(scope_for(node), label=f"job:{name}")
                async with self.db.scoped(scope, write=True):
                    if period is not None and not await self._claim(name, node.id, period):
                        return "skipped", None
                    return "succeeded", await work(ctx)
        why = "no such tenant" if node is None else f"plugin {plugin} is disabled there"
        log.warning("job %s refused for tenant %s: %s", name, tenant_id, why,
                    extra={"job": name, "tenant_id": tenant_id})
        return "refused", {"refused": why}

    async def _claim(self, name: str, tenant_id: int, period: str) -> bool:
        """Insert the period key in the current transaction; ``False`` if it exists."""
        rows = await self.db.execute(
            "INSERT INTO linli_job_period (job, tenant_id, period, done_at) "
            "VALUES ({}, {}, {}, {}) ON CONFLICT (job, tenant_id, period) DO NOTHING RETURNING id",
            name, tenant_id, period, datetime.now(UTC))
        return bool(rows)

    async def tenants_enabled(self, plugin: str) -> list[int]:
        """Ids of every tenant where ``plugin`` is on (every tenant for core), by id."""

        async with self.db.transaction(write=False):
            nodes = await list_nodes()
            rows = [] if plugin == CORE else await PluginEnablement.select(
                PluginEnablement.node_id, PluginEnablement.enabled).where(
                PluginEnablement.plugin == plugin)
        setting = {int(r["node_id"]): bool(r["enabled"]) for r in rows}
        out = []
        for node in nodes:
            if node.kind not in TENANT_KINDS:
                continue
            on = plugin == CORE
            for nid in (int(p) for p in node.path.strip("/").split("/") if p):
                on = setting.get(nid, on)  # the nearest explicit setting wins
            if on:
                out.append(node.id)
        return sorted(out)

    def snapshot(self) -> list[tuple[str, str, int]]:
        """``(outcome, job name, count)`` rows for the metrics exporter."""
        return [(o, n, c) for o in OUTCOMES for n, c in sorted(self.counters[o].items())]


def _log_context(job_id: str | None, node_code: str | None = None) -> None:
    """Tag log lines and audit entries of this job (its task's own context)."""
    if job_id is not None:
        request_id_var.set(f"job:{job_id}")
    if node_code is not None:
        node_var.set(node_code)


class _Slot(Protocol):
    jobs: JobService | None


class _Host(Host, Protocol):
    @property
    def services(self) -> _Slot: ...


def install(state: _Host) -> None:
    """``state.services.jobs``, started and stopped with the app."""
    service = JobService(state)
    state.services.jobs = service
    state.on_startup.append(service.start)
    state.on_shutdown.append(service.stop)
