"""A visiting donor's donation reaches their home street office: a donor of street A books
street B's session of the city's campaign and donates there; A keeps its own record of it
(written through ``beside`` under the campaign's region with the result), so A's honours,
intervals and pre-check include it, and ``blood_drive.donation_completed`` is emitted in A
with the donor's resident id in A — points_market credits them there."""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

from plugins.blood_drive.services import bookings, honours, precheck, results
from plugins.blood_drive.tables import Donation


async def _visit_and_donate(world: Any, kind: str = "whole_blood", volume_ml: int = 400,
                            units: int = 0, name: str = "跨街道献血者"
                            ) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    campaign = await world.campaign()
    slot_b = (await world.slots(world.b, await world.session(world.b, campaign)))[0]
    donor = await world.donor(world.a, name, birth=date(1990, 1, 1))
    booked = await world.do(world.a.node, lambda s: bookings.book_visiting(
        s, world.b.node, int(slot_b["id"]), int(donor["id"])))
    await world.do(world.b.node, lambda s: bookings.check_in(s, int(booked["id"])))
    donation, created = await world.do(world.b.node, lambda s: results.record_result(
        s, int(booked["id"]), results.ResultInput(outcome="donated", kind=kind,
                                                   volume_ml=volume_ml, units=units)))
    assert created
    return campaign, donor, donation


async def test_a_visiting_donation_is_recorded_and_announced_at_home(world, emitted_events):
    campaign, donor, donation = await _visit_and_donate(world)
    assert donation["tenant_id"] == world.b.node.id
    assert await emitted_events(world.b.node, "blood_drive.donation_completed") == []
    [event] = await emitted_events(world.a.node, "blood_drive.donation_completed")
    data = json.loads(event.payload)
    async with world.read(world.a.node):
        [home] = await Donation.select().where(Donation.donor_id == donor["id"])
    assert (data["resident_id"], data["donor_id"], data["donation_id"]) == (
        donor["resident_id"], donor["id"], home["id"])
    assert (data["volume_ml"], data["campaign_id"]) == (400, campaign["id"])
    assert (home["source"], home["campaign_id"], home["volume_ml"], home["count_x100"]) == (
        "visit", None, 400, 200)
    # the campaign's statistics count the donation once, where it was collected
    counted = []
    for street in (world.a, world.b):
        async with world.read(street.node):
            counted += await Donation.select(Donation.tenant_id).where(
                Donation.campaign_id == campaign["id"])
    assert [r["tenant_id"] for r in counted] == [world.b.node.id]
    # the same result entered again adds nothing at home either
    booking_id = int(donation["booking_id"])
    again, created = await world.do(world.b.node, lambda s: results.record_result(
        s, booking_id, results.ResultInput(outcome="donated", volume_ml=400)))
    assert not created and again["id"] == donation["id"]
    assert len(await emitted_events(world.a.node, "blood_drive.donation_completed")) == 1


async def test_a_visiting_donation_counts_in_honours_and_intervals_at_home(world):
    """A whole-blood donation at B on day D: A's pre-check says eligible from D + 6 months
    (month end kept), A's honours count it; a deferral at B reaches nothing in A."""
    _, donor, donation = await _visit_and_donate(world)
    day = donation["donated_on"]
    got = await world.do(world.a.node, lambda s: honours.honours_of(s, int(donor["id"])))
    assert got.count_x100 == 200
    row = await world.do(world.a.node, lambda s: precheck.submit_precheck(
        s, int(donor["id"]), precheck.Answers(weight_kg=70), on=day + timedelta(days=1)))
    assert (row["outcome"], precheck.open_precheck(row)[1]) == ("eligible_from", ["interval"])
    from plugins.blood_drive.services.common import add_months
    assert row["eligible_on"] == add_months(day, 6)
    later = await world.do(world.a.node, lambda s: precheck.submit_precheck(
        s, int(donor["id"]), precheck.Answers(weight_kg=70), on=add_months(day, 6)))
    assert later["outcome"] == "eligible"


async def test_interval_edge_across_tenants_on_a_month_end(world):
    """The rule itself on a month end: a WB donation at B on 31 August (recorded by import
    of B's visiting donor row) makes A's pre-check eligible from 28 February."""
    from plugins.blood_drive.tables import Donor

    campaign = await world.campaign()
    slot_b = (await world.slots(world.b, await world.session(world.b, campaign)))[0]
    donor = await world.donor(world.a, "月末献血者", birth=date(1990, 1, 1))
    await world.do(world.a.node, lambda s: bookings.book_visiting(
        s, world.b.node, int(slot_b["id"]), int(donor["id"])))
    async with world.read(world.b.node):
        visitor = await Donor.select().where(Donor.resident_id == donor["resident_id"]).first()
    d = date(2025, 8, 31)
    report = await world.do(world.b.node, lambda s: results.import_results(s, [
        results.ImportRow(row=1, external_id="B-0831", donor_id=int(visitor["id"]),
                          donated_on=d, campaign_id=None,
                          result=results.ResultInput(outcome="donated", volume_ml=300))]))
    assert (report.imported, report.rejected) == (1, [])
    early = await world.do(world.a.node, lambda s: precheck.submit_precheck(
        s, int(donor["id"]), precheck.Answers(weight_kg=70), on=date(2026, 2, 27)))
    assert (early["outcome"], early["eligible_on"]) == ("eligible_from", date(2026, 2, 28))
    ok = await world.do(world.a.node, lambda s: precheck.submit_precheck(
        s, int(donor["id"]), precheck.Answers(weight_kg=70), on=date(2026, 2, 28)))
    assert ok["outcome"] == "eligible"


async def test_a_visiting_deferral_reaches_nothing_at_home(world, emitted_events):
    campaign = await world.campaign()
    slot_b = (await world.slots(world.b, await world.session(world.b, campaign)))[0]
    donor = await world.donor(world.a, "暂缓者")
    booked = await world.do(world.a.node, lambda s: bookings.book_visiting(
        s, world.b.node, int(slot_b["id"]), int(donor["id"])))
    await world.do(world.b.node, lambda s: bookings.check_in(s, int(booked["id"])))
    await world.do(world.b.node, lambda s: results.record_result(s, int(booked["id"]),
                   results.ResultInput(outcome="deferred", deferral_code="hemoglobin")))
    async with world.read(world.a.node):
        assert await Donation.count() == 0
    assert await emitted_events(world.a.node, "blood_drive.donation_completed") == []


async def test_points_market_credits_the_visiting_donor_at_home(world, enable_plugin, drain):
    """Cross-module: points_market on in A; the donation at B ends as a claim in A for the
    donor's resident record there, and nothing in B."""
    from plugins.points_market.tables import Claim

    await enable_plugin(world.a.node, "points_market")
    await enable_plugin(world.b.node, "points_market")
    _, donor, _ = await _visit_and_donate(world)
    await drain()
    async with world.read(world.a.node):
        claims = await Claim.select().where(Claim.source_type == "blood_drive.donation_completed")
    assert [(c["resident_id"], c["reporter_kind"]) for c in claims] == [
        (donor["resident_id"], "event")]
    async with world.read(world.b.node):
        assert await Claim.count() == 0
