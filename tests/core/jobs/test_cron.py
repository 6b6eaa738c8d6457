"""Cron: per-tenant fan-out, once-per-period work done once, in-process cron."""

import asyncio
import time
from datetime import UTC, datetime
from typing import Any


from core.jobs.service import JobService, period_of


async def period_keys(env: Any, job: str, tenant_id: int) -> list[str]:
    rows = await env.state.db.execute(
        "SELECT period FROM linli_job_period WHERE job = {} AND tenant_id = {} ORDER BY period",
        job, tenant_id)
    return [r["period"] for r in rows]


def test_periods_are_shanghai_days_months_and_years() -> None:
    late = datetime(2026, 11, 30, 16, 30, tzinfo=UTC)  # 00:30 on 1 Dec in Shanghai
    assert period_of(late, "day") == "2026-12-01"
    assert period_of(late, "month") == "2026-12"
    assert period_of(datetime(2026, 12, 31, 16, 0, tzinfo=UTC), "year") == "2027"


async def test_monthly_cron_fired_twice_at_once_does_its_work_once(
        linli_env: Any, make_jobs: Any, enabled_tenant: Any, tally: Any) -> None:
    jobs = await make_jobs()
    tenant = await enabled_tenant("jobs_probe")
    spec = jobs.crons["jobs_probe.monthly"]
    results = await asyncio.gather(jobs.run_cron(spec, tenant.id, {}, period="2026-11"),
                                   jobs.run_cron(spec, tenant.id, {}, period="2026-11"))
    assert results == [None, None]
    assert await tally(tenant, "monthly") == ["2026-11"]
    assert jobs.counters["succeeded"]["jobs_probe.monthly"] == 1
    assert jobs.counters["skipped"]["jobs_probe.monthly"] == 1
    await jobs.run_cron(spec, tenant.id, {}, period="2026-12")  # a new month runs again
    assert await tally(tenant, "monthly") == ["2026-11", "2026-12"]
    assert await period_keys(linli_env, "jobs_probe.monthly", tenant.id) == ["2026-11",
                                                                             "2026-12"]


async def test_monthly_cron_on_two_workers_does_its_work_once(
        linli_env: Any, make_jobs: Any, enabled_tenant: Any, tally: Any) -> None:
    """Two workers, each with its own firing of the same month (different job ids, so arq's
    uniqueness does not help), drain the queue at the same time."""
    jobs = await make_jobs()
    tenant = await enabled_tenant("jobs_probe")
    for firing in ("worker-1", "worker-2"):
        await jobs.enqueue("jobs_probe.monthly", tenant_id=tenant.id,
                           job_id=f"monthly:{tenant.id}:{firing}", period="2027-01")
    done = await asyncio.gather(jobs.drain(), jobs.drain())
    assert sum(done) == 2
    assert await tally(tenant, "monthly") == ["2027-01"]
    assert jobs.counters["succeeded"]["jobs_probe.monthly"] == 1
    assert jobs.counters["skipped"]["jobs_probe.monthly"] == 1


async def test_failed_monthly_work_rolls_back_its_key(linli_env: Any, make_jobs: Any,
                                                      enabled_tenant: Any, tally: Any,
                                                      jobs_plugin: Any) -> None:
    jobs = await make_jobs()
    tenant = await enabled_tenant("jobs_probe")
    spec = jobs.crons["jobs_probe.monthly"]
    jobs_plugin.FAIL_NEXT_MONTHLY.add(tenant.id)
    try:
        await jobs.run_cron(spec, tenant.id, {}, period="2027-02")
    except RuntimeError:
        pass
    else:
        raise AssertionError("the failing run should raise")
    assert await tally(tenant, "monthly") == []
    assert await period_keys(linli_env, "jobs_probe.monthly", tenant.id) == []
    await jobs.run_cron(spec, tenant.id, {}, period="2027-02")
    assert await tally(tenant, "monthly") == ["2027-02"]
    assert jobs.counters["failed"]["jobs_probe.monthly"] == 1


async def test_per_tenant_cron_fans_out_to_tenants_with_the_plugin(
        linli_env: Any, make_jobs: Any, enabled_tenant: Any, tally: Any) -> None:
    jobs = await make_jobs()
    on1 = await enabled_tenant("jobs_probe")
    on2 = await enabled_tenant("jobs_probe")
    off = await enabled_tenant()
    enabled = await jobs.tenants_enabled("jobs_probe")
    assert {on1.id, on2.id} <= set(enabled) and off.id not in enabled
    assert off.id in await jobs.tenants_enabled("core")
    fire = jobs._fire_coroutine(jobs.crons["jobs_probe.monthly"])
    fired_ms = int(datetime(2027, 2, 28, 18, 0, tzinfo=UTC).timestamp() * 1000)
    fanned = await fire({"score": fired_ms})  # 02:00 on 1 March in Shanghai
    assert fanned == len(enabled)
    assert await fire({"score": fired_ms}) == len(enabled)  # a second firing queues nothing
    assert jobs.counters["enqueued"]["jobs_probe.monthly"] == len(enabled)
    await jobs.drain()
    for tenant in (on1, on2):
        assert await tally(tenant, "monthly") == ["2027-03"]
    assert await tally(off, "monthly") == []


async def test_in_process_mode_runs_cron(linli_env: Any, make_jobs: Any,
                                         enabled_tenant: Any, tally: Any) -> None:
    jobs: JobService = await make_jobs(redis_url="", jobs_in_process=True)
    assert jobs.in_process and jobs._workers  # started with the app, like `linli serve`
    assert jobs.crons["events.sweep"].second == set(range(0, 60, 5))
    tenant = await enabled_tenant("jobs_tick")
    deadline = time.monotonic() + 20
    while not await tally(tenant, "tick"):
        assert time.monotonic() < deadline, "the every-second cron entry never ran"
        await asyncio.sleep(0.2)
    assert jobs.counters["succeeded"]["cron:jobs_tick.tick"] >= 1
    assert jobs.counters["succeeded"]["jobs_tick.tick"] >= 1


def test_with_redis_events_are_swept_every_minute(linli_env: Any) -> None:
    jobs = JobService(linli_env.state, redis_url="redis://127.0.0.1:6379/15")
    assert not jobs.in_process
    sweep = jobs.crons["events.sweep"]
    assert (sweep.second, sweep.minute, sweep.per_tenant) == (0, None, False)
