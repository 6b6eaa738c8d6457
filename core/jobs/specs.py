"""Job and cron declarations: what plugins return from ``linli_jobs`` / ``linli_cron_jobs``.

A job is ``async def job(ctx, tenant_id: int, **kwargs)``; it runs inside a write scope for
``tenant_id`` that the job runner opens itself. A cron entry names a function
``async def work(ctx, tenant_id: int)`` and a schedule in Asia/Shanghai; per-tenant entries run
once for every tenant with the plugin enabled, and ``once_per`` work is guarded by a database key.
Registered names carry the plugin's prefix (``canteen.close_day``).
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, Literal

from core.clock import SHANGHAI

__all__ = [
    "CORE",
    "SHANGHAI",
    "CronSpec",
    "JobSpec",
    "JobSpecError",
    "Period",
    "collect_crons",
    "collect_jobs",
    "period_of",
]

CORE = "core"
"""The owner of core's own jobs (``events.deliver``); their names carry no plugin prefix."""

Period = Literal["day", "month", "year"]
JobFunc = Callable[..., Awaitable[Any]]
Option = int | set[int] | None
_PERIOD_FORMATS: dict[str, str] = {"day": "%Y-%m-%d", "month": "%Y-%m", "year": "%Y"}


class JobSpecError(ValueError):
    """A job or cron declaration is malformed or clashes with another."""


def _full_name(plugin: str, name: str) -> str:
    if plugin == CORE or name.startswith(plugin + "."):
        return name
    return f"{plugin}.{name}"


def _check_func(owner: str, func: Any) -> None:
    if not inspect.iscoroutinefunction(func):
        raise JobSpecError(f"{owner}: 任务函数必须是 async 函数 / the job function must be async")


@dataclass(frozen=True)
class JobSpec:
    """任务 A job function a plugin (or core) lets the workers run.

    ``tenant_scoped=False`` is for core's cross-tenant jobs only (the events service opens each
    handler's scope itself); a plugin's job always runs in its tenant's scope.
    """

    name: str
    func: JobFunc
    plugin: str = ""
    max_tries: int | None = None
    """Runs allowed when the job raises ``arq.Retry`` or its worker dies (arq's default: 5)."""
    timeout: float | None = None
    """Seconds; default ``Settings.job_timeout_seconds``."""
    keep_result: float | None = None
    """Seconds arq keeps the result (and refuses the same job id); default 300."""
    tenant_scoped: bool = True

    @property
    def full_name(self) -> str:
        return _full_name(self.plugin, self.name)


@dataclass(frozen=True)
class CronSpec:
    """定时任务 A cron entry: ``func(ctx, tenant_id)`` on a schedule in Asia/Shanghai.

    The schedule fields work like arq's ``cron`` (an int or a set; ``None`` = every value;
    ``weekday`` 0 = Monday). ``once_per`` makes the work idempotent per Shanghai day, month or
    year through a database key inserted in the work's own transaction. ``per_tenant`` runs the
    work for every tenant with the plugin enabled, each in its own scope and transaction; only
    core may declare tenant-less entries (``per_tenant=False``), which run without a scope.
    """

    name: str
    func: JobFunc
    plugin: str = ""
    month: Option = None
    day: Option = None
    weekday: Option = None
    hour: Option = None
    minute: Option = None
    second: Option = 0
    once_per: Period | None = None
    per_tenant: bool = True
    timeout: float | None = None

    @property
    def full_name(self) -> str:
        return _full_name(self.plugin, self.name)

    @property
    def cron_name(self) -> str:
        """What firings of the entry are counted as (``cron:<full name>``)."""
        return "cron:" + self.full_name

    def schedule(self) -> dict[str, Option]:
        return {"month": self.month, "day": self.day, "weekday": self.weekday,
                "hour": self.hour, "minute": self.minute, "second": self.second}


def period_of(moment: datetime, once_per: Period) -> str:
    """The Shanghai period ``moment`` falls in: ``2026-11-23``, ``2026-11`` or ``2026``."""
    if once_per not in _PERIOD_FORMATS:
        raise JobSpecError(f"once_per must be day, month or year, not {once_per!r}")
    return moment.astimezone(SHANGHAI).strftime(_PERIOD_FORMATS[once_per])


def _own(plugin: str, spec: Any) -> Any:
    if spec.plugin and spec.plugin != plugin:
        raise JobSpecError(f"插件 {plugin} 声明了属于 {spec.plugin} 的任务 / plugin {plugin} "
                           f"declared job {spec.name!r} of plugin {spec.plugin!r}")
    return replace(spec, plugin=plugin)


def collect_jobs(contributions: Iterable[tuple[str, Any]]) -> list[JobSpec]:
    """Normalise ``(plugin, JobSpec | async function)`` pairs from ``registry.jobs()``."""
    out: list[JobSpec] = []
    for plugin, item in contributions:
        spec = _own(plugin, item) if isinstance(item, JobSpec) else JobSpec(
            name=getattr(item, "__name__", ""), func=item, plugin=plugin)
        _check_func(spec.full_name, spec.func)
        if not spec.tenant_scoped and plugin != CORE:
            raise JobSpecError(f"{spec.full_name}: 插件任务必须在租户范围内运行 / a plugin's job "
                               "always runs in its tenant's scope (tenant_scoped=False is core's)")
        out.append(spec)
    return out


def collect_crons(contributions: Iterable[tuple[str, Any]]) -> list[CronSpec]:
    """Normalise ``(plugin, CronSpec)`` pairs from ``registry.cron_jobs()``."""
    out: list[CronSpec] = []
    for plugin, item in contributions:
        if not isinstance(item, CronSpec):
            raise JobSpecError(f"插件 {plugin} 的定时任务须为 CronSpec / plugin {plugin}: cron "
                               f"entries must be core.jobs.service.CronSpec, not {type(item).__name__}")
        spec = _own(plugin, item)
        _check_func(spec.full_name, spec.func)
        if not spec.per_tenant and plugin != CORE:
            raise JobSpecError(f"{spec.full_name}: 插件定时任务须按租户运行 / a plugin's cron "
                               "entry runs per tenant (per_tenant=False is core's)")
        if spec.once_per is not None:
            period_of(datetime.now(SHANGHAI), spec.once_per)
        out.append(spec)
    return out
