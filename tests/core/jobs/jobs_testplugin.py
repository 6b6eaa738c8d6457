"""Throwaway plugins for the job tests; ``linli worker --plugin jobs_testplugin:probe`` loads the
same object in a worker subprocess (the test puts this directory on ``PYTHONPATH``)."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any, ClassVar

from piccolo.columns import BigInt, Integer, Varchar
from piccolo.conf.apps import AppConfig

from core.db import ScopedTable
from core.jobs.service import CronSpec, JobSpec
from core.plugin import PluginMeta, hookimpl
from tenants.scope import current_scope

FAIL_NEXT_MONTHLY: set[int] = set()
"""Tenants whose next monthly run raises after doing its work (tests of the rollback)."""


class JobsProbeEffect(ScopedTable, tablename="jobs_probe_effect"):
    """A job's effect, unique per (tenant, key): a re-run must find it and do nothing."""

    key = Varchar(length=64, null=False)
    scope_node = BigInt(null=False, default=0)
    job_try = Integer(null=False, default=0)

    unique_together: ClassVar[list[tuple[str, ...]]] = [("tenant_id", "key")]


class JobsProbeTally(ScopedTable, tablename="jobs_probe_tally"):
    """One row per run of a cron entry's work (no unique key: a double run shows)."""

    what = Varchar(length=64, null=False)
    period = Varchar(length=16, null=False, default="")


async def _record(ctx: dict[str, Any], tenant_id: int, key: str) -> str:
    """Idempotent: the effect row is written once whatever the number of runs."""
    scope = current_scope()
    exists = await JobsProbeEffect.exists().where(JobsProbeEffect.key == key)
    if not exists:
        await JobsProbeEffect.insert(JobsProbeEffect(
            tenant_id=tenant_id, key=key, scope_node=scope.write_node or 0,
            job_try=ctx.get("job_try", 0)))
    return "exists" if exists else "written"


async def record(ctx: dict[str, Any], tenant_id: int, key: str) -> str:
    return await _record(ctx, tenant_id, key)


async def slow_record(ctx: dict[str, Any], tenant_id: int, key: str, marker: str) -> str:
    """Writes its effect, then on the first try sleeps inside the open transaction (the test
    kills the worker there)."""
    result = await _record(ctx, tenant_id, key)
    if ctx.get("job_try", 1) == 1:
        Path(marker).write_text(str(ctx.get("job_id")))
        await asyncio.sleep(120)
    return result


async def stuck(ctx: dict[str, Any], tenant_id: int, key: str) -> None:
    """Writes, then outlives its timeout: the write must be rolled back."""
    await _record(ctx, tenant_id, key)
    await asyncio.sleep(60)


async def monthly(ctx: dict[str, Any], tenant_id: int) -> None:
    await JobsProbeTally.insert(JobsProbeTally(tenant_id=tenant_id, what="monthly",
                                                period=ctx["period"]))
    await asyncio.sleep(0.05)  # widen the window in which a second runner could slip in
    if tenant_id in FAIL_NEXT_MONTHLY:
        FAIL_NEXT_MONTHLY.discard(tenant_id)
        raise RuntimeError("monthly work failed after writing")


async def hourly(ctx: dict[str, Any], tenant_id: int) -> None:
    await JobsProbeTally.insert(JobsProbeTally(tenant_id=tenant_id, what="hourly"))


async def tick(ctx: dict[str, Any], tenant_id: int) -> None:
    await JobsProbeTally.insert(JobsProbeTally(tenant_id=tenant_id, what="tick"))


class Probe:
    """Plugin ``jobs_probe``: two jobs, a monthly and an hourly cron entry."""

    @hookimpl
    def linli_plugin_meta(self) -> PluginMeta:
        return PluginMeta(name="jobs_probe", title_zh="任务探针", title_en="Job probe",
                          version="0.1")

    @hookimpl
    def linli_tables(self) -> AppConfig:
        return AppConfig(app_name="jobs_probe", migrations_folder_path="",
                         table_classes=[JobsProbeEffect, JobsProbeTally])

    @hookimpl
    def linli_jobs(self) -> list[Any]:
        return [record, JobSpec("slow_record", slow_record, max_tries=3),
                JobSpec("stuck", stuck, timeout=0.5)]

    @hookimpl
    def linli_cron_jobs(self) -> list[CronSpec]:
        return [CronSpec("monthly", monthly, day=1, hour=2, minute=0, once_per="month"),
                CronSpec("hourly", hourly, minute=5)]


class Ticker:
    """Plugin ``jobs_tick``: a cron entry every second (the in-process cron test)."""

    @hookimpl
    def linli_plugin_meta(self) -> PluginMeta:
        return PluginMeta(name="jobs_tick", title_zh="秒表", title_en="Ticker", version="0.1")

    @hookimpl
    def linli_cron_jobs(self) -> list[CronSpec]:
        return [CronSpec("tick", tick, second=None)]


probe = Probe()
ticker = Ticker()
