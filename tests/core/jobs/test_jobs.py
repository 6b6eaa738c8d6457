"""Jobs run as their tenant, are refused where their plugin is off, and are counted."""

from typing import Any

import pytest

from core.errors import ApiError
from core.jobs.service import JobSpec
from tenants.service import scope_for, set_plugin_enabled


async def test_job_runs_in_its_tenants_scope(linli_env: Any, make_jobs: Any,
                                             enabled_tenant: Any, effects: Any) -> None:
    jobs = await make_jobs()
    a = await enabled_tenant("jobs_probe")
    b = await enabled_tenant("jobs_probe")
    # enqueued from inside another tenant's write scope: nothing of it may leak into the job
    async with linli_env.state.db.scoped(scope_for(b), write=True):
        assert await jobs.enqueue("jobs_probe.record", tenant_id=a.id, key="k1")
    assert await jobs.drain() == 1
    rows = await effects(a)
    assert [(r["key"], r["tenant_id"], r["scope_node"]) for r in rows] == [("k1", a.id, a.id)]
    assert await effects(b) == []
    assert jobs.counters["enqueued"]["jobs_probe.record"] == 1
    assert jobs.counters["succeeded"]["jobs_probe.record"] == 1


async def test_job_of_a_disabled_plugin_is_refused(linli_env: Any, make_jobs: Any,
                                                   enabled_tenant: Any, factory: Any,
                                                   effects: Any) -> None:
    jobs = await make_jobs()
    never = await enabled_tenant()  # plugin never enabled
    region = await factory.region()
    async with linli_env.state.db.transaction():
        await set_plugin_enabled(region, "jobs_probe", True)
    switched_off = await enabled_tenant(region=region)
    async with linli_env.state.db.transaction():
        await set_plugin_enabled(switched_off, "jobs_probe", False)
    inherited = await enabled_tenant(region=region)
    for tenant in (never, switched_off, inherited):
        await jobs.enqueue("jobs_probe.record", tenant_id=tenant.id, key="k")
    await jobs.enqueue("jobs_probe.record", tenant_id=10**12, key="k")  # no such tenant
    assert await jobs.drain() == 4
    assert await effects(never) == []
    assert await effects(switched_off) == []
    assert [r["key"] for r in await effects(inherited)] == ["k"]
    assert jobs.counters["refused"]["jobs_probe.record"] == 3
    assert jobs.counters["succeeded"]["jobs_probe.record"] == 1
    assert ("refused", "jobs_probe.record", 3) in jobs.snapshot()


async def test_a_rerun_has_no_second_effect(linli_env: Any, make_jobs: Any,
                                            enabled_tenant: Any, effects: Any) -> None:
    jobs = await make_jobs()
    tenant = await enabled_tenant("jobs_probe")
    await jobs.enqueue("jobs_probe.record", tenant_id=tenant.id, key="once")
    await jobs.enqueue("jobs_probe.record", tenant_id=tenant.id, key="once")
    assert await jobs.drain() == 2
    assert [r["key"] for r in await effects(tenant)] == ["once"]


async def test_a_reused_job_id_is_not_queued_twice(make_jobs: Any, enabled_tenant: Any) -> None:
    jobs = await make_jobs()
    tenant = await enabled_tenant("jobs_probe")
    assert await jobs.enqueue("jobs_probe.record", tenant_id=tenant.id, job_id="same", key="x")
    assert not await jobs.enqueue("jobs_probe.record", tenant_id=tenant.id, job_id="same",
                                  key="x")
    assert await jobs.drain() == 1


async def test_a_job_past_its_timeout_is_cancelled_and_rolled_back(
        linli_env: Any, make_jobs: Any, enabled_tenant: Any, effects: Any) -> None:
    jobs = await make_jobs()
    tenant = await enabled_tenant("jobs_probe")
    await jobs.enqueue("jobs_probe.stuck", tenant_id=tenant.id, key="late")
    assert await jobs.drain() == 1
    assert await effects(tenant) == []
    assert jobs.counters["interrupted"]["jobs_probe.stuck"] == 1


async def test_enqueue_refuses_unknown_jobs_and_missing_tenants(make_jobs: Any) -> None:
    jobs = await make_jobs()
    with pytest.raises(ApiError) as unknown:
        await jobs.enqueue("jobs_probe.nope", tenant_id=1)
    assert unknown.value.code == "NOT_FOUND"
    with pytest.raises(ApiError) as no_tenant:
        await jobs.enqueue("jobs_probe.record", tenant_id=None, key="k")
    assert no_tenant.value.code == "INVALID_ARGUMENT"


async def test_names_carry_the_plugin_prefix(make_jobs: Any) -> None:
    jobs = await make_jobs()
    assert {"events.deliver", "jobs_probe.record", "jobs_probe.slow_record"} <= set(jobs.jobs)
    assert {"events.sweep", "jobs_probe.monthly", "jobs_probe.hourly",
            "jobs_tick.tick"} <= set(jobs.crons)
    assert jobs.crons["jobs_probe.monthly"].cron_name == "cron:jobs_probe.monthly"


async def test_core_services_register_their_own_jobs(linli_env: Any, make_jobs: Any,
                                                     enabled_tenant: Any) -> None:
    seen: list[tuple[int, Any]] = []

    async def ping(ctx: dict[str, Any], tenant_id: int, n: int) -> None:
        from tenants.scope import current_scope

        seen.append((n, current_scope().write_node))

    jobs = await make_jobs()
    jobs.register(JobSpec("notify.ping", ping))
    tenant = await enabled_tenant()  # core jobs need no plugin enabled
    await jobs.enqueue("notify.ping", tenant_id=tenant.id, n=7)
    assert await jobs.drain() == 1
    assert seen == [(7, tenant.id)]


class RecordingEvents:
    """Stands in for the events service: records what the jobs asked of it."""

    def __init__(self) -> None:
        self.delivered: list[int] = []
        self.swept = 0

    async def deliver(self, event_id: int) -> None:
        self.delivered.append(event_id)

    async def dispatch_pending(self, limit: int = 500) -> int:
        self.swept += 1
        return 2

    async def sweep(self) -> int:
        self.swept += 1
        return 1


async def test_after_commit_deliver_queues_only_committed_events(linli_env: Any,
                                                                 make_jobs: Any) -> None:
    events = RecordingEvents()
    jobs = await make_jobs(services={"events": events})
    db = linli_env.state.db
    async with db.transaction():
        jobs.after_commit_deliver(41, 1)
        assert jobs.counters["enqueued"]["events.deliver"] == 0  # not before the commit
    with pytest.raises(RuntimeError):
        async with db.transaction():
            jobs.after_commit_deliver(42, 1)
            raise RuntimeError("rolled back")
    async with db.transaction():
        jobs.after_commit_deliver(41, 1)  # a duplicate of a queued delivery is dropped
    assert jobs.counters["enqueued"]["events.deliver"] == 1
    assert await jobs.drain() == 1
    assert events.delivered == [41]


async def test_events_sweep_cron_calls_the_events_service(make_jobs: Any) -> None:
    events = RecordingEvents()
    jobs = await make_jobs(services={"events": events})
    spec = jobs.crons["events.sweep"]
    await jobs.run_cron(spec, None, {})
    assert events.swept == 2
    without = await make_jobs(services={})
    assert await without.run_cron(without.crons["events.sweep"], None, {}) == 0
