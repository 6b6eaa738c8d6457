"""The monthly reminder: each serving head is told, once a month, which special households of
their building are not yet visited this month; run twice, it reminds once."""

from datetime import UTC, datetime

from core.jobs.service import period_of
from core.plugin import today_shanghai

KIND = "building_heads.visit_reminder"
CRON = "building_heads.visit_reminder"


async def heads_and_specials(world, heads_kit):
    """b0: special 101 (鳏寡孤独) not visited → reminded. b1: special 301 (老加残) visited
    today → nothing to remind. b2: no serving head."""
    b0, b1, _ = world.buildings
    await heads_kit.tag(world, world.households[b1.id][2], "老加残居民", ["老加残"])
    await heads_kit.add_visits(world, [(world.households[b1.id][2], today_shanghai())])
    return await heads_kit.appoint(world, b0), await heads_kit.appoint(world, b1)


def test_the_schedule_is_the_25th_at_nine_once_a_month(linli_env):
    spec = linli_env.state.services.jobs.crons[CRON]
    assert (spec.day, spec.hour, spec.minute, spec.second) == (25, 9, 0, 0)
    assert spec.once_per == "month" and spec.per_tenant


async def test_run_twice_in_a_month_reminds_once(world, factory, linli_env, heads_kit,
                                                 notifications):
    head0, head1 = await heads_and_specials(world, heads_kit)
    jobs = linli_env.state.services.jobs
    spec = jobs.crons[CRON]
    period = period_of(datetime.now(UTC), "month")
    skipped = jobs.counters["skipped"][CRON]
    await jobs.run_cron(spec, world.node.id, {}, period=period)
    await jobs.run_cron(spec, world.node.id, {}, period=period)
    [note] = await notifications(world.node, head0.id, KIND)
    assert "1号楼：101" in note["body"] and note["title"].startswith("本月还有1户特殊家庭未走访")
    assert await notifications(world.node, head1.id, KIND) == []
    assert jobs.counters["skipped"][CRON] == skipped + 1


async def test_two_queued_firings_of_one_month_remind_once(world, factory, linli_env, heads_kit,
                                                           notifications):
    """Two firings with different job ids (so arq's uniqueness does not help), drained: the
    period key in the database is what guarantees one reminder."""
    head0, _ = await heads_and_specials(world, heads_kit)
    jobs = linli_env.state.services.jobs
    period = period_of(datetime.now(UTC), "month")
    for firing in ("a", "b"):
        await jobs.enqueue(CRON, tenant_id=world.node.id,
                           job_id=f"{CRON}:{world.node.id}:{firing}", period=period)
    await jobs.drain()
    assert len(await notifications(world.node, head0.id, KIND)) == 1


async def test_disabled_tenant_gets_no_reminders(make_world, factory, linli_env, heads_kit,
                                                 notifications):
    off = await make_world(enable=False)
    head = await heads_kit.appoint(off, off.buildings[0])
    jobs = linli_env.state.services.jobs
    refused = jobs.counters["refused"][CRON]
    result = await jobs.run_cron(jobs.crons[CRON], off.node.id, {},
                                 period=period_of(datetime.now(UTC), "month"))
    assert "refused" in result
    assert jobs.counters["refused"][CRON] == refused + 1
    assert await notifications(off.node, head.id, KIND) == []
    assert off.node.id not in await jobs.tenants_enabled("building_heads")


LIST = """query { buildingHeadReminderList { building headName headHasAccount rooms } }"""


async def test_the_reminder_is_copied_to_staff_with_a_printable_list(world, factory, linli_env,
                                                                    heads_kit, notifications,
                                                                    gql):
    """b0's head has an account and is reminded; b2's head has none: the coordinator's copy
    names that building, and the printable list shows both with their heads."""
    head0, _ = await heads_and_specials(world, heads_kit)
    b2 = world.buildings[2]
    await heads_kit.tag(world, world.households[b2.id][0], "独居老人", ["鳏寡孤独"])
    await heads_kit.make_head(world, linli_env.state.services.rules, b2,
                              world.residents[world.households[b2.id][1].id][0])
    coordinator = await factory.account(world.node, "building_heads.coordinator")
    jobs = linli_env.state.services.jobs
    await jobs.run_cron(jobs.crons[CRON], world.node.id, {},
                        period=period_of(datetime.now(UTC), "month"))
    assert len(await notifications(world.node, head0.id, KIND)) == 1
    [copy] = await notifications(world.node, coordinator.id, "building_heads.visit_reminder_copy")
    assert "1号楼：101" in copy["body"] and "3号楼：101（楼长无账号" in copy["body"]
    out = await gql(LIST, token=coordinator.token, node=world.node.code)
    lines = {line["building"]: line for line in out["data"]["buildingHeadReminderList"]}
    assert lines["3号楼"]["headHasAccount"] is False and lines["3号楼"]["rooms"] == ["101"]
    assert lines["3号楼"]["headName"] == "居民21"
    assert lines["1号楼"]["rooms"] == ["101"]
