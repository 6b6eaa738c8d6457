"""End to end with the real plugins on main: a 红邻菜单 (mutual_aid) service finished with its
minutes, and a building head's yearly evaluation (building_heads), each emit their event
through core's outbox; points_market turns it into a claim (under 30 minutes: rejected), the
claim passes review and the 公示 notice, and the posting job credits the account of the
volunteer who served (never the resident served).
The same event delivered again credits nothing more."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

from core.events.types import Event
from core.plugin import get_node, system_access, today_shanghai
from plugins.points_market.services import claims, ledger, on_event
from plugins.points_market.tables import Claim, Transfer
from tests.plugins.points_market.conftest import build_market


async def _world(linli_env: Any, factory: Any, enable_plugin: Any, *plugins: str) -> Any:
    market = await build_market(linli_env, factory, enable_plugin)
    for plugin in plugins:
        await enable_plugin(market.node, plugin)
    return market


async def _access(market: Any) -> Any:
    return system_access(await get_node(market.node.id))


async def _finish_service(market: Any, volunteer_id: int, minutes: int) -> None:
    """A 红邻菜单 order by another resident, served by ``volunteer_id`` (named at acceptance)
    and finished with ``minutes``: the service record names the volunteer."""
    from plugins.mutual_aid.services import menu
    from plugins.mutual_aid.tables import Team

    async with market.write():
        access = await _access(market)
        team = await Team.select(Team.id).where(
            Team.community_id == market.place.community.id).first()
        dish = await menu.create_dish(access, team_id=int(team["id"]), title="帮办代办",
                                      mode="service")
        order = await menu.place_order(access, dish_id=dish["id"],
                                       resident_id=market.resident.id)
    for step in (lambda a: menu.accept_order(a, order_id=order["id"],
                                             server_resident_id=volunteer_id),
                 lambda a: menu.finish_order(a, order_id=order["id"], minutes=minutes)):
        async with market.write():
            await step(await _access(market))


async def _review_notice_post(market: Any, claim_id: int) -> int:
    """Approve now, then run the posting job the day after the notice ends."""
    async with market.write():
        noticed = await claims.review_claim(claim_id, True,
                                            reviewer_account_id=market.reviewer.id)
    assert noticed["status"] == "noticed"
    async with market.write():   # still on notice: nothing posted
        assert await claims.post_due(noticed["notice_until"]) == 0
    async with market.write():
        return await claims.post_due(noticed["notice_until"] + timedelta(days=1))


async def _balance(market: Any, resident_id: int) -> tuple[int, int]:
    async with market.read():
        row = (await ledger.accounts_of("resident", [resident_id])).get(resident_id)
    return (int(row["balance"]), int(row["earned"])) if row else (0, 0)


async def _redeliver(market: Any, info: Any) -> None:
    event = Event(id=info.id, type=info.event_type, version=1, tenant_id=info.tenant_id,
                  payload=json.loads(info.payload), created_at=datetime.now(UTC))
    async with market.write():
        await on_event(event)


async def test_a_mutual_aid_service_becomes_points_once(linli_env, factory, enable_plugin, drain,
                                                        emitted_events):
    market = await _world(linli_env, factory, enable_plugin, "mutual_aid")
    volunteer = market.neighbour.id                     # serves market.resident
    await _finish_service(market, volunteer, 45)
    await _finish_service(market, volunteer, 20)        # under 30 minutes
    await drain()
    async with market.read():
        rows = await Claim.select().where(Claim.source_type == "volunteer.service_recorded"
                                          ).order_by(Claim.minutes)
    assert [(r["minutes"], r["status"], r["reporter_kind"], r["resident_id"]) for r in rows] == [
        (20, "rejected", "event", volunteer), (45, "pending", "event", volunteer)]
    long = rows[1]
    assert long["item_code"] == "C01" and long["points"] > 0
    assert await _review_notice_post(market, int(long["id"])) == 1
    assert await _balance(market, volunteer) == (long["points"], long["points"])
    # the same event delivered again: no second claim, no second transfer
    for info in await emitted_events(market.node, "volunteer.service_recorded"):
        await _redeliver(market, info)
    async with market.read():
        assert await Claim.count().where(Claim.source_type == "volunteer.service_recorded") == 2
        assert await Transfer.count().where(Transfer.kind == "award") == 1
        assert (await ledger.check_books()).ok
    assert await _balance(market, volunteer) == (long["points"], long["points"])
    assert await _balance(market, market.resident.id) == (0, 0)   # the one served earns nothing


async def test_a_building_head_evaluation_becomes_points_once(linli_env, factory, enable_plugin,
                                                              drain, emitted_events):
    from plugins.building_heads.services import evaluation
    from plugins.building_heads.tables import Appointment

    market = await _world(linli_env, factory, enable_plugin, "building_heads")
    head = market.resident.id
    today = today_shanghai()
    year = today.year - 1
    async with market.write():
        await Appointment.insert(Appointment(
            tenant_id=market.node.id, building_id=market.place.building.id, resident_id=head,
            role="head", serving_head=market.place.building.id,
            term_start=today.replace(year=year, month=1, day=1),
            term_end=today.replace(year=year + 2, month=12, day=31),
            created_at=datetime.now(UTC)))
        done = await evaluation.evaluate_year(linli_env.state.services.rules, year,
                                              account_id=None, today=today)
    assert len(done) == 1
    await drain()
    async with market.read():
        rows = await Claim.select().where(
            Claim.source_type == "building_heads.evaluation_completed")
    assert [(r["resident_id"], r["item_code"], r["status"]) for r in rows] == [
        (head, "C03", "pending")]
    assert await _review_notice_post(market, int(rows[0]["id"])) == 1
    points = int(rows[0]["points"])
    assert await _balance(market, head) == (points, points)
    for info in await emitted_events(market.node, "building_heads.evaluation_completed"):
        await _redeliver(market, info)
    async with market.read():
        assert await Claim.count().where(
            Claim.source_type == "building_heads.evaluation_completed") == 1
        assert (await ledger.check_books()).ok
    assert await _balance(market, head) == (points, points)
