"""Delivery through the real jobs service: notify() queues ``notify.deliver`` after commit (none
on rollback), a worker runs it, and the ``notify.sweep`` cron is registered."""

import pytest

from core.notify import service as notify_module
from tenants.service import scope_for, set_plugin_enabled

jobs_module = pytest.importorskip("core.jobs.service")


@pytest.fixture
async def jobs(world):
    service = jobs_module.JobService(world.state, redis_url="")     # in-memory queue
    world.state.services.jobs = service
    notify_module._register_jobs(service)
    await service.start()
    yield service
    await service.stop()


async def test_notify_deliver_runs_as_a_job(linli_env, factory, world, jobs):
    db = world.state.db
    tenant = await factory.tenant()
    admin = await factory.account(tenant, "tenant_admin")
    async with db.transaction():
        await set_plugin_enabled(tenant, "notify_probe", True)
    assert "notify.deliver" in jobs.jobs and "notify.sweep" in jobs.crons

    with pytest.raises(RuntimeError):
        async with db.scoped(scope_for(tenant), write=True):
            await notify_module.notify(admin.id, "probe.x", "回滚了", "")
            raise RuntimeError("rolled back")
    assert await jobs.drain() == 0                                # nothing was queued

    async with db.scoped(scope_for(tenant), write=True):
        (nid,) = await notify_module.notify(admin.id, "probe.x", "排队投递", "")
    assert await jobs.drain() == 1
    assert world.channel.delivered == [nid]
    assert await world.service.deliver_pending() == 0             # nothing left behind
