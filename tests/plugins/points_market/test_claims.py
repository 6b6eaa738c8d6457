"""Claims → review → notice → ledger: the catalogue versions, duplicates, the self and
household check, meetings, objections, the posting job (once, even concurrently), and events
of other modules becoming points."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from core.events.service import emit
from core.events.types import Event, ServiceRecorded
from core.plugin import ApiError, today_shanghai
from plugins.points_market.services import catalogue, claims, ledger
from plugins.points_market.tables import Claim, Item, Transfer

PAST = today_shanghai() - timedelta(days=10)


async def _report(market: Any, code: str = "C04", *, resident: Any = None,
                  day: date = PAST, **kw: Any) -> dict[str, Any]:
    async with market.write():
        return await claims.report_claim(item_code=code, occurred_on=day,
                                         resident_id=(resident or market.resident).id, **kw)


async def _review(market: Any, claim_id: int, approve: bool = True, *,
                  reviewer: int | None = None, day: date = PAST) -> dict[str, Any]:
    async with market.write():
        return await claims.review_claim(claim_id, approve, reviewer_account_id=reviewer,
                                         today=day)


async def _balance(market: Any, resident: Any) -> tuple[int, int]:
    async with market.read():
        row = (await ledger.accounts_of("resident", [resident.id])).get(resident.id)
    return (0, 0) if row is None else (int(row["balance"]), int(row["earned"]))


async def test_enablement_seeds_a_catalogue_of_both_signs(market):
    async with market.read():
        items = await catalogue.list_items()
    signs = {i["sign"] for i in items}
    assert signs == {1, -1} and len(items) >= 10


async def test_a_new_item_version_leaves_granted_claims_on_theirs(market):
    claim = await _report(market, "C04", day=today_shanghai())
    async with market.write():
        new = await catalogue.save_item("C04", name_zh="保持庭院整洁", sign=1, points=3,
                                        effective_from=today_shanghai() + timedelta(days=1))
    assert new["version"] == 2
    async with market.read():
        old = await Item.select().where(Item.id == claim["item_id"]).first()
        assert old["version"] == 1 and old["effective_until"] == today_shanghai()
        later = await catalogue.current_item("C04", today_shanghai() + timedelta(days=1))
        assert later["points"] == 3
    assert claim["points"] == 1


async def test_duplicates_are_flagged(market):
    first = await _report(market)
    second = await _report(market)
    other_day = await _report(market, day=PAST - timedelta(days=1))
    assert (first["duplicate"], second["duplicate"], other_day["duplicate"]) == (
        False, True, False)


async def test_reviewer_cannot_approve_own_or_household_claim(market):
    await market.link(market.reviewer, market.resident)
    own = await _report(market)
    with pytest.raises(ApiError) as err:
        await _review(market, own["id"], reviewer=market.reviewer.id)
    assert err.value.code == "FORBIDDEN"
    spouse = await _report(market, resident=market.spouse)
    with pytest.raises(ApiError):
        await _review(market, spouse["id"], reviewer=market.reviewer.id)
    neighbour = await _report(market, resident=market.neighbour)
    ok = await _review(market, neighbour["id"], reviewer=market.reviewer.id)
    assert ok["status"] == "noticed"
    rejected = await _review(market, own["id"], False, reviewer=market.reviewer.id)
    assert rejected["status"] == "rejected"


async def test_notice_then_posting_credits_once(market, run_cron):
    claim = await _report(market, "C07")
    noticed = await _review(market, claim["id"])
    assert noticed["notice_from"] == PAST and noticed["notice_until"] == PAST + timedelta(days=6)
    outcome = await run_cron("points_market.post_noticed", market.node)
    assert outcome.result == 1
    assert await _balance(market, market.resident) == (3, 3)
    async with market.write():
        assert await claims.post_due() == 0
        row = await claims.get_claim(claim["id"])
    assert row["status"] == "posted"


async def test_a_discredit_lowers_both_figures_below_zero(market):
    claim = await _report(market, "D02")
    await _review(market, claim["id"])
    async with market.write():
        assert await claims.post_due() == 1
    assert await _balance(market, market.resident) == (-2, -2)


async def test_household_claims_post_to_the_household_account(market):
    async with market.write():
        row = await claims.report_claim(item_code="C08", occurred_on=PAST,
                                        household_id=market.place.household.id)
        await claims.review_claim(row["id"], True, reviewer_account_id=None, today=PAST)
        assert await claims.post_due() == 1
        accounts = await ledger.accounts_of("household", [market.place.household.id])
    assert accounts[market.place.household.id]["earned"] == 2


async def test_upheld_objection_cancels_and_open_one_holds(market):
    a = await _review(market, (await _report(market))["id"], day=today_shanghai())
    b = await _review(market, (await _report(market, resident=market.neighbour))["id"],
                      day=today_shanghai())
    async with market.write():
        oa = await claims.object_to(a["id"], text="不属实 / not true", account_id=None)
        ob = await claims.object_to(b["id"], text="存疑", account_id=None)
        await claims.decide_objection(oa["id"], True, account_id=market.admin.id)
        later = today_shanghai() + timedelta(days=30)
        assert await claims.post_due(later) == 0          # b waits for its objection
        await claims.decide_objection(ob["id"], False, account_id=market.admin.id)
        assert await claims.post_due(later) == 1
        assert (await claims.get_claim(a["id"]))["status"] == "cancelled"
        with pytest.raises(ApiError):
            await claims.object_to(b["id"], text="too late", account_id=None)


async def test_meeting_reviews_a_batch_and_records_members(market):
    ids = [(await _report(market, code))["id"] for code in ("C04", "C05", "C06")]
    async with market.write():
        meeting, decided = await claims.record_meeting(
            held_on=today_shanghai(), members=["王书记", "李委员"],
            decisions=[(ids[0], True), (ids[1], True), (ids[2], False)],
            reviewer_account_id=market.reviewer.id)
    assert [c["status"] for c in decided] == ["noticed", "noticed", "rejected"]
    assert {c["meeting_id"] for c in decided} == {meeting["id"]}


async def _post(market: Any) -> int:
    async with market.write():
        return await claims.post_due()


async def test_posting_job_run_concurrently_twice_posts_each_claim_once(market):
    for resident in (market.resident, market.spouse, market.neighbour):
        await _review(market, (await _report(market, "C05", resident=resident))["id"])
    counts = await asyncio.gather(_post(market), _post(market))
    assert sorted(counts) == [0, 3] or sum(counts) == 3
    async with market.read():
        assert await Transfer.count().where(Transfer.kind == "award") == 3
        assert await Claim.count().where(Claim.status == "posted") == 3
        assert (await ledger.check_books()).ok


async def _volunteer(market: Any, minutes: int, resident: Any = None) -> int:
    async with market.write():
        event_id = await emit("volunteer.service_recorded", ServiceRecorded(
            resident_id=(resident or market.resident).id, minutes=minutes, kind="助老",
            source_module="test_volunteering"))
    await market.env.state.services.events.dispatch_pending()
    return event_id


async def test_a_45_minute_service_ends_as_points_after_review_and_notice(market):
    event_id = await _volunteer(market, 45)
    async with market.read():
        claim = await Claim.select().where(Claim.source_event_id == event_id).first()
    assert claim["status"] == "pending" and claim["minutes"] == 45
    assert claim["reporter_kind"] == "event" and claim["item_code"] == "C01"
    # delivered again: by the dispatcher, then straight to the handler
    await market.env.state.services.events.dispatch_pending()
    event = Event(id=event_id, type="volunteer.service_recorded", version=1,
                  tenant_id=market.node.id, created_at=datetime.now(UTC),
                  payload=ServiceRecorded(market.resident.id, 45, "助老", "test_volunteering"))
    async with market.write():
        await market.env.state.registry.on_event(event, "points_market")
        assert await Claim.count().where(Claim.source_event_id == event_id) == 1
    await _review(market, claim["id"], reviewer=market.reviewer.id)
    async with market.write():
        assert await claims.post_due() == 1
        assert await claims.post_due() == 0
    assert await _balance(market, market.resident) == (2, 2)


async def test_service_under_30_minutes_is_rejected(market):
    event_id = await _volunteer(market, 20)
    async with market.read():
        claim = await Claim.select().where(Claim.source_event_id == event_id).first()
    assert claim["status"] == "rejected" and "30" in claim["review_note"]


async def test_event_mapping_is_a_tenant_rule(market):
    rules = market.env.state.services.rules
    async with market.write():
        await rules.set("points_market.event_items", {"volunteer.service_recorded": "C05"},
                        market.node)
    event_id = await _volunteer(market, 60)
    async with market.read():
        claim = await Claim.select().where(Claim.source_event_id == event_id).first()
    assert claim["item_code"] == "C05" and claim["event_rule_version"] > 0


async def test_enablement_seeds_the_rules_so_a_claim_stores_a_real_version(market,
                                                                          seeded_rules):
    """Enabling the plugin writes every default as a dated row of the root region: a claim
    made from an event stores the event mapping's row version (≥ 1), never 0."""
    from plugins.points_market.rules import RULES, SINCE

    event_id = await _volunteer(market, 60)
    async with market.read():
        claim = await Claim.select().where(Claim.source_event_id == event_id).first()
    got = await seeded_rules(market.node, RULES, SINCE, today_shanghai())
    assert claim["item_code"] == "C01"
    assert claim["event_rule_version"] == got["points_market.event_items"].version
