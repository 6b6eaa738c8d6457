"""The monthly reminder: each serving head is told, once a month, which special households of
their building are not yet visited this month; run twice, it reminds once."""

import sys
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))  # --import-mode=importlib

from visits_kit import add_visits, appoint, notifications, tag

from core.jobs.service import period_of
from core.plugin import today_shanghai

KIND = "building_heads.visit_reminder"
CRON = "building_heads.visit_reminder"


async def heads_and_specials(world, factory):
    """b0: special 101 (鳏寡孤独) not visited → reminded. b1: special 301 (老加残) visited
    today → nothing to remind. b2: no serving head."""
    b0, b1, _ = world.buildings
    await tag(world, world.households[b1.id][2], "老加残居民", ["老加残"])
    await add_visits(world, [(world.households[b1.id][2], today_shanghai())])
    return await appoint(world, factory, b0), await appoint(world, factory, b1)


def test_the_schedule_is_the_25th_at_nine_once_a_month(linli_env):
    spec = linli_env.state.services.jobs.crons[CRON]
    assert (spec.day, spec.hour, spec.minute, spec.second) == (25, 9, 0, 0)
    assert spec.once_per == "month" and spec.per_tenant


async def test_run_twice_in_a_month_reminds_once(world, factory, linli_env):
    head0, head1 = await heads_and_specials(world, factory)
    jobs = linli_env.state.services.jobs
    spec = jobs.crons[CRON]
    period = period_of(datetime.now(UTC), "month")
    skipped = jobs.counters["skipped"][CRON]
    await jobs.run_cron(spec, world.node.id, {}, period=period)
    await jobs.run_cron(spec, world.node.id, {}, period=period)
    [note] = await notifications(world, head0.id, KIND)
    assert "1号楼：101" in note["body"] and note["title"].startswith("本月还有1户重点户未走访")
    assert await notifications(world, head1.id, KIND) == []
    assert jobs.counters["skipped"][CRON] == skipped + 1


async def test_two_queued_firings_of_one_month_remind_once(world, factory, linli_env):
    """Two firings with different job ids (so arq's uniqueness does not help), drained: the
    period key in the database is what guarantees one reminder."""
    head0, _ = await heads_and_specials(world, factory)
    jobs = linli_env.state.services.jobs
    period = period_of(datetime.now(UTC), "month")
    for firing in ("a", "b"):
        await jobs.enqueue(CRON, tenant_id=world.node.id,
                           job_id=f"{CRON}:{world.node.id}:{firing}", period=period)
    await jobs.drain()
    assert len(await notifications(world, head0.id, KIND)) == 1


async def test_disabled_tenant_gets_no_reminders(make_world, factory, linli_env):
    off = await make_world(enable=False)
    head = await appoint(off, factory, off.buildings[0])
    jobs = linli_env.state.services.jobs
    refused = jobs.counters["refused"][CRON]
    result = await jobs.run_cron(jobs.crons[CRON], off.node.id, {},
                                 period=period_of(datetime.now(UTC), "month"))
    assert "refused" in result
    assert jobs.counters["refused"][CRON] == refused + 1
    assert await notifications(off, head.id, KIND) == []
    assert off.node.id not in await jobs.tenants_enabled("building_heads")
