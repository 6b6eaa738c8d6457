"""The menu: five teams seeded per community, dishes and eligibility, the order cycle, the
service record emitted once, escalation once, +1 once per resident, and session capacity never
exceeded under concurrent sign-ups."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from core.plugin import ApiError
from plugins.mutual_aid.services import menu
from plugins.mutual_aid.tables import Order, Session, Signup, Team


async def _team(world: Any, code: str = "party_care") -> int:
    async with world.read():
        row = await Team.select().where((Team.community_id == world.community.id)
                                        & (Team.code == code)).first()
    return int(row["id"])


async def _dish(world: Any, **kw: Any) -> dict[str, Any]:
    team = await _team(world)
    async with world.write():
        return await menu.create_dish(await world.access(), team_id=team, **kw)


async def _order(world: Any, dish: dict[str, Any], resident: int | None = None
                 ) -> dict[str, Any]:
    async with world.write():
        return await menu.place_order(await world.access(), dish_id=dish["id"],
                                      resident_id=resident or world.residents[1].id)


async def test_five_teams_are_seeded_per_community_on_enablement(world, enable_plugin):
    async with world.read():
        teams = await Team.select(Team.code, Team.name).where(
            Team.community_id == world.community.id).order_by(Team.id)
    assert [t["name"] for t in teams] == ["党员暖心服务队", "文明婚庆服务队", "文明健康服务队",
                                          "入学升学服务队", "助老扶幼服务队"]
    await enable_plugin(world.node, "mutual_aid", enabled=False)
    await enable_plugin(world.node, "mutual_aid")
    async with world.read():
        assert await Team.count().where(Team.community_id == world.community.id) == 5


async def test_a_community_created_later_gets_its_five_teams(world, factory, drain,
                                                            emitted_events):
    """Event-driven: core emits people.community_created for every new community; the plugin
    seeds the five teams there (a second delivery changes nothing)."""
    later = await factory.community(world.node, "新建社区")
    await drain()
    async with world.read():
        codes = sorted(r["code"] for r in await Team.select(Team.code).where(
            Team.community_id == later.id))
    assert codes == sorted(code for code, _, _ in menu.TEAMS)
    [event] = [e for e in await emitted_events(world.node, "people.community_created")
               if json.loads(e.payload)["community_id"] == later.id]
    assert event.state == "delivered"
    async with world.write():
        assert await menu.seed_teams(world.node.id, [later.id]) == 0


async def test_an_order_runs_its_cycle_and_the_service_is_recorded_once(world, emitted_events):
    dish = await _dish(world, title="帮办代办", mode="service")
    order = await _order(world, dish)
    assert order["status"] == "placed" and order["response_rule_version"] >= 1
    assert order["due_at"] - order["placed_at"] == timedelta(hours=48)
    volunteer = world.residents[2].id        # who serves; residents[1] is served
    steps = [
        lambda a: menu.accept_order(a, order_id=order["id"], server_resident_id=volunteer),
        lambda a: menu.schedule_order(a, order_id=order["id"],
                                      scheduled_for=datetime(2030, 1, 1, tzinfo=UTC)),
        lambda a: menu.finish_order(a, order_id=order["id"], minutes=45),
    ]
    for step in steps:
        async with world.write():
            row = await step(await world.access())
    assert row["status"] == "done" and row["minutes"] == 45
    with pytest.raises(ApiError) as again:
        async with world.write():
            await menu.finish_order(await world.access(), order_id=order["id"], minutes=45)
    assert again.value.code == "CONFLICT"
    async with world.write():
        row = await menu.confirm_order(await world.access(), order_id=order["id"], rating=5,
                                       comment="谢谢")
    assert row["status"] == "confirmed" and row["rating"] == 5
    events = await emitted_events(world.node, "volunteer.service_recorded")
    assert len(events) == 1
    payload = json.loads(events[0].payload)
    # the event names the volunteer who served, whom the points module credits
    assert payload == {"resident_id": volunteer, "minutes": 45,
                       "kind": "mutual_aid.service", "source_module": "mutual_aid"}
    async with world.read():
        assert (await menu.get_order(order["id"]))["server_resident_id"] == volunteer


async def test_the_volunteer_is_the_serving_accounts_resident_or_named_at_finish(
        world, factory, linli_env, emitted_events):
    """A volunteer's account linked to a resident accepts: that resident is credited. A staff
    account linked to no resident finishes an order nobody named: minutes kept, no event (no
    one to credit); naming the volunteer at the finish credits them."""
    from core.identity.tables import Account

    dish = await _dish(world, title="上门探望", mode="service")
    volunteer = world.residents[3].id
    linked = await factory.account(world.node, "mutual_aid.volunteer")
    async with linli_env.state.db.transaction():
        await Account.update({Account.resident_id: volunteer,
                              Account.resident_tenant_id: world.node.id}).where(
            Account.id == linked.id)
    first = await _order(world, dish)
    async with world.write():
        access = await world.access()
        await menu.accept_order(access, order_id=first["id"], server_account_id=linked.id)
        done = await menu.finish_order(access, order_id=first["id"], minutes=45)
    assert done["server_resident_id"] == volunteer and done["service_recorded"]
    second = await _order(world, dish)
    async with world.write():
        await menu.accept_order(await world.access(), order_id=second["id"])
    async with world.write():
        done = await menu.finish_order(await world.access(), order_id=second["id"], minutes=30)
    assert done["status"] == "done" and not done["service_recorded"]
    third = await _order(world, dish)
    async with world.write():
        await menu.accept_order(await world.access(), order_id=third["id"])
    async with world.write():
        done = await menu.finish_order(await world.access(), order_id=third["id"], minutes=60,
                                       server_resident_id=world.residents[0].id)
    assert done["service_recorded"]
    events = [json.loads(e.payload) for e in
              await emitted_events(world.node, "volunteer.service_recorded")]
    assert sorted((e["resident_id"], e["minutes"]) for e in events) == sorted(
        [(volunteer, 45), (world.residents[0].id, 60)])
    with pytest.raises(ApiError) as stranger:
        async with world.write():
            await menu.accept_order(await world.access(), order_id=(await _order(world, dish))[
                "id"], server_resident_id=10 ** 9)
    assert (stranger.value.code, stranger.value.field) == ("NOT_FOUND", "serverResidentId")


async def test_concurrent_finishes_emit_once(world, emitted_events):
    dish = await _dish(world, title="上门探望", mode="service")
    order = await _order(world, dish)
    async with world.write():
        await menu.accept_order(await world.access(), order_id=order["id"],
                                server_resident_id=world.residents[2].id)

    async def finish() -> Any:
        try:
            async with world.write():
                return await menu.finish_order(await world.access(), order_id=order["id"],
                                               minutes=45)
        except ApiError as exc:
            return exc

    results = await asyncio.gather(*(finish() for _ in range(5)))
    assert sum(not isinstance(r, ApiError) for r in results) == 1
    assert len(await emitted_events(world.node, "volunteer.service_recorded")) == 1


async def test_an_unaccepted_order_escalates_once(world, factory, run_cron, notifications):
    staff = await factory.account(world.node, "community_staff")
    dish = await _dish(world, title="帮办代办", mode="service")
    late = await _order(world, dish)
    fresh = await _order(world, dish)
    async with world.write():
        await Order.update({Order.due_at: datetime.now(UTC) - timedelta(minutes=1)}).where(
            Order.id == late["id"])
    first = await run_cron("mutual_aid.escalate_orders", world.node)
    second = await run_cron("mutual_aid.escalate_orders", world.node)
    assert first.result == 1 and second.result == 0
    async with world.read():
        rows = {r["id"]: r for r in await Order.select()}
    assert rows[late["id"]]["escalated_at"] is not None
    assert rows[fresh["id"]]["escalated_at"] is None
    inbox = await notifications(world.node, staff, "mutual_aid.escalated")
    assert len(inbox) == 1


async def test_an_accepted_order_does_not_escalate(world, run_cron):
    dish = await _dish(world, title="帮办代办", mode="service")
    order = await _order(world, dish)
    async with world.write():
        await menu.accept_order(await world.access(), order_id=order["id"])
        await Order.update({Order.due_at: datetime.now(UTC) - timedelta(hours=1)}).where(
            Order.id == order["id"])
    assert (await run_cron("mutual_aid.escalate_orders", world.node)).result == 0


async def test_plus_one_once_per_resident(world):
    dish = await _dish(world, title="楼道灯维修", mode="service")
    order = await _order(world, dish, world.residents[0].id)
    async with world.write():
        row = await menu.add_plus_one(await world.access(), order_id=order["id"],
                                      resident_id=world.residents[2].id)
    assert row["plus_ones"] == 1
    for resident in (world.residents[2].id, world.residents[0].id):
        with pytest.raises(ApiError) as again:
            async with world.write():
                await menu.add_plus_one(await world.access(), order_id=order["id"],
                                        resident_id=resident)
        assert again.value.code == "CONFLICT"


async def test_eligibility_by_tag(world):
    dish = await _dish(world, title="独居老人上门探望", mode="service", eligible_tag="lives_alone")
    with pytest.raises(ApiError) as refused:
        await _order(world, dish, world.residents[1].id)  # not tagged
    assert refused.value.code == "INVALID_ARGUMENT"
    assert (await _order(world, dish, world.residents[0].id))["status"] == "placed"


async def test_concurrent_sign_ups_never_exceed_capacity(make_world):
    world = await make_world(residents=12)
    dish = await _dish(world, title="插花", mode="session")
    async with world.write():
        session = await menu.create_session(await world.access(), dish_id=dish["id"],
                                            starts_at=datetime(2030, 5, 1, 1, tzinfo=UTC),
                                            capacity=5)

    async def sign(resident: int) -> Any:
        try:
            async with world.write():
                return await menu.sign_up(await world.access(), session_id=session["id"],
                                          resident_id=resident)
        except ApiError as exc:
            return exc

    results = await asyncio.gather(*(sign(r.id) for r in world.residents))
    assert sum(not isinstance(r, ApiError) for r in results) == 5
    async with world.read():
        row = await Session.select().where(Session.id == session["id"]).first()
        signups = await Signup.count().where(Signup.session_id == session["id"])
    assert row["signed_up"] == 5 and signups == 5


async def test_response_times_per_team(world, gql):
    from core.plugin import encode_global_id

    dish = await _dish(world, title="帮办代办", mode="service")
    now = datetime.now(UTC)
    for n, hours in enumerate((1, 2, 3, 4, 10)):
        order = await _order(world, dish)
        async with world.write():
            await menu.accept_order(await world.access(), order_id=order["id"])
            await Order.update({Order.placed_at: now - timedelta(days=1),
                                Order.accepted_at: now - timedelta(days=1)
                                + timedelta(hours=hours)}).where(Order.id == order["id"])
    await _order(world, dish)  # not accepted yet
    out = await gql("""query($c: ID!) { mutualAidTeamResponseTimes(communityId: $c) {
      team { code } orders accepted medianAcceptHours p90AcceptHours medianDoneHours } }""",
                    {"c": str(encode_global_id("Community", world.community.id))},
                    node=world.node.code)  # public
    rows = {r["team"]["code"]: r for r in out["data"]["mutualAidTeamResponseTimes"]}
    assert len(rows) == 5
    assert rows["party_care"] == {"team": {"code": "party_care"}, "orders": 6, "accepted": 5,
                                  "medianAcceptHours": 3.0, "p90AcceptHours": 10.0,
                                  "medianDoneHours": None}
    assert rows["school"]["orders"] == 0 and rows["school"]["medianAcceptHours"] is None


async def test_personal_data_exports_and_erases_one_person(world):
    """Export: the orders placed, the services given as a volunteer, the +1s. Erase: +1s
    deleted, order comments blanked; orders and services kept (figures, points earned)."""
    from plugins.mutual_aid.services.personal_data import personal_data

    dish = await _dish(world, title="帮办代办", mode="service")
    served, volunteer, voice = (r.id for r in world.residents[1:4])
    order = await _order(world, dish, served)
    other = await _order(world, dish, voice)
    async with world.write():
        access = await world.access()
        await menu.add_plus_one(access, order_id=other["id"], resident_id=served)
        await menu.accept_order(access, order_id=order["id"], server_resident_id=volunteer)
        await menu.finish_order(access, order_id=order["id"], minutes=45)
        await menu.confirm_order(access, order_id=order["id"], rating=5, comment="王阿姨很热心")
    async with world.read():
        mine = await personal_data(served, "export")
        theirs = await personal_data(volunteer, "export")
    assert mine is not None and theirs is not None
    assert [(o["id"], o["comment"]) for o in mine["orders"]] == [(order["id"], "王阿姨很热心")]
    assert [p["order_id"] for p in mine["plus_ones"]] == [other["id"]]
    assert mine["services_given"] == []
    assert [(s["id"], s["minutes"], s["service_recorded"]) for s in theirs["services_given"]] == [
        (order["id"], 45, True)]
    async with world.write():
        assert await personal_data(served, "erase") == {"plus_ones_deleted": 1,
                                                        "order_comments_cleared": 1}
    async with world.read():
        after = await personal_data(served, "export")
    assert after is not None and after["plus_ones"] == []
    assert [(o["id"], o["comment"], o["rating"]) for o in after["orders"]] == [
        (order["id"], "", 5)]
