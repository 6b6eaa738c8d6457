"""A job service around a registry with the throwaway plugins of ``jobs_testplugin`` (the
``jobs_plugin`` fixture; ``effects`` and ``tally`` read its tables).

With ``LINLI_TEST_REDIS_URL`` set the service queues to that Redis (a queue of its own per test)
and the tests run arq workers against it; without it, the in-process fakeredis queue is used.
"""

import importlib.util
import os
import secrets
import sys
from collections.abc import AsyncIterator, Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

HERE = Path(__file__).resolve().parent


def _load_probe_plugin() -> Any:
    """``jobs_testplugin.py`` of this directory, loaded once under that module name (the worker
    subprocess imports the same name from its ``PYTHONPATH``); this process's path is left
    alone."""
    if "jobs_testplugin" in sys.modules:
        return sys.modules["jobs_testplugin"]
    spec = importlib.util.spec_from_file_location("jobs_testplugin", HERE / "jobs_testplugin.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["jobs_testplugin"] = module
    spec.loader.exec_module(module)
    return module


jobs_testplugin = _load_probe_plugin()

from core.identity.roles import RoleBook
from core.jobs.service import JobService
from core.registry import Registry
from core.state import AppState, Services
from tenants.service import scope_for

_created: list[bool] = []


def redis_test_url() -> str:
    return os.environ.get("LINLI_TEST_REDIS_URL", "")


@pytest.fixture
async def probe_tables(linli_env: Any) -> None:
    if not _created:
        await linli_env.create_tables([jobs_testplugin.JobsProbeEffect,
                                       jobs_testplugin.JobsProbeTally])
        _created.append(True)


@pytest.fixture
async def make_jobs(linli_env: Any, probe_tables: None) -> AsyncIterator[Callable[..., Any]]:
    """``await make_jobs(redis_url=None, services=None)`` → a started JobService on a fresh
    queue, with the probe and ticker plugins registered."""
    made: list[JobService] = []

    async def make(*, redis_url: str | None = None, services: dict[str, Any] | None = None,
                   **settings_over: Any) -> JobService:
        registry = Registry()
        registry.load_entrypoints()
        registry.register(jobs_testplugin.probe)
        registry.register(jobs_testplugin.ticker)
        registry.check()
        settings = replace(linli_env.settings, **{"jobs_in_process": False, **settings_over})
        state = AppState(settings=settings, db=linli_env.state.db, registry=registry,
                         rolebook=RoleBook.from_registry(registry),
                         schema=linli_env.state.schema,
                         services=(replace(linli_env.state.services) if services is None
                                   else Services(**services)))
        service = JobService(state, queue_name=f"linli-test-jobs:{secrets.token_hex(6)}",
                             redis_url=redis_test_url() if redis_url is None else redis_url)
        state.services.jobs = service
        await service.start()
        made.append(service)
        return service

    yield make
    for service in made:
        if service.pool is not None and not service.in_process:
            await service.pool.delete(service.queue_name)
        await service.stop()


@pytest.fixture
async def enabled_tenant(linli_env: Any, factory: Any) -> Callable[..., Any]:
    """``await enabled_tenant(*plugins)`` → a fresh tenant with those plugins on."""
    from tenants.service import set_plugin_enabled

    async def make(*plugins: str, region: Any = None) -> Any:
        tenant = await factory.tenant(region)
        async with linli_env.state.db.transaction():
            for plugin in plugins:
                await set_plugin_enabled(tenant, plugin, True)
        return tenant

    return make


@pytest.fixture
def jobs_plugin() -> Any:
    """The throwaway job plugins' module (``probe``, ``ticker``, ``FAIL_NEXT_MONTHLY``)."""
    return jobs_testplugin


@pytest.fixture
def effects(linli_env: Any) -> Callable[..., Any]:
    """``await effects(tenant, key=None)`` → the probe jobs' effect rows of a tenant."""
    table = jobs_testplugin.JobsProbeEffect

    async def rows(tenant: Any, key: str | None = None) -> list[dict[str, Any]]:
        async with linli_env.state.db.scoped(scope_for(tenant)):
            query = table.select()
            if key is not None:
                query = query.where(table.key == key)
            return list(await query.order_by(table.id))

    return rows


@pytest.fixture
def tally(linli_env: Any) -> Callable[..., Any]:
    """``await tally(tenant, what)`` → the periods the probe cron recorded for ``what``."""
    table = jobs_testplugin.JobsProbeTally

    async def periods(tenant: Any, what: str) -> list[str]:
        async with linli_env.state.db.scoped(scope_for(tenant)):
            rows = await table.select(table.period).where(table.what == what).order_by(table.id)
        return [r["period"] for r in rows]

    return periods
