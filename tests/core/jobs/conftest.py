"""A job service around a registry with the throwaway plugins of ``jobs_testplugin``.

With ``LINLI_TEST_REDIS_URL`` set the service queues to that Redis (a queue of its own per test)
and the tests run arq workers against it; without it, the in-process fakeredis queue is used.
"""

import os
import secrets
import sys
from collections.abc import AsyncIterator, Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

import jobs_testplugin

from core.identity.roles import RoleBook
from core.jobs.service import JobService
from core.registry import Registry
from core.state import AppState, Services

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
