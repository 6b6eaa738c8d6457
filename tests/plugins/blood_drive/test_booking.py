"""Booking: capacity holds, one open booking per donor and campaign, cancel and rebook."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from core.plugin import ApiError
from plugins.blood_drive.services import bookings


async def test_book_cancel_rebook_and_full(world):
    campaign = await world.campaign()
    session = await world.session(world.a, campaign, capacity=1, slots=2)
    first, second = await world.slots(world.a, session)
    d1 = await world.donor(world.a, "甲")
    d2 = await world.donor(world.a, "乙")
    node = world.a.node
    b1 = await world.do(node, lambda s: bookings.book(s, int(first["id"]), int(d1["id"])))
    with pytest.raises(ApiError) as full:
        await world.do(node, lambda s: bookings.book(s, int(first["id"]), int(d2["id"])))
    assert full.value.code == "CONFLICT" and full.value.field == "slotId"
    with pytest.raises(ApiError) as twice:
        await world.do(node, lambda s: bookings.book(s, int(second["id"]), int(d1["id"])))
    assert twice.value.field == "donorId"
    after = await world.slots(world.a, session)
    assert [x["booked"] for x in after] == [1, 0]      # refusals left nothing behind
    await world.do(node, lambda s: bookings.cancel(s, int(b1["id"])))
    again = await world.do(node, lambda s: bookings.book(s, int(second["id"]), int(d1["id"])))
    other = await world.do(node, lambda s: bookings.book(s, int(first["id"]), int(d2["id"])))
    assert again["status"] == "booked" and other["status"] == "booked"
    first, second = await world.slots(world.a, session)
    assert (first["booked"], second["booked"]) == (1, 1)
    with pytest.raises(ApiError) as gone:
        await world.do(node, lambda s: bookings.cancel(s, int(b1["id"])))
    assert gone.value.code == "CONFLICT"


async def test_a_donor_books_only_their_own_street(world):
    campaign = await world.campaign()
    session = await world.session(world.b, campaign)
    slot = (await world.slots(world.b, session))[0]
    donor = await world.donor(world.a)
    with pytest.raises(ApiError) as refused:
        await world.do(world.a.node, lambda s: bookings.book(s, int(slot["id"]),
                                                             int(donor["id"])))
    assert refused.value.code == "NOT_FOUND"      # street B's slot is not visible from A


async def test_one_open_booking_per_person_across_street_offices(world):
    """The city's claim table holds the once-only key: one person registered in two street
    offices books the city's campaign once; cancel frees it for the other street."""
    from plugins.blood_drive.tables import BookingClaim

    campaign = await world.campaign()
    slot_a = (await world.slots(world.a, await world.session(world.a, campaign)))[0]
    slot_b = (await world.slots(world.b, await world.session(world.b, campaign)))[0]
    in_a, in_b = await world.twin()
    booked = await world.do(world.a.node, lambda s: bookings.book(s, int(slot_a["id"]),
                                                                  int(in_a["id"])))
    with pytest.raises(ApiError) as twice:
        await world.do(world.b.node, lambda s: bookings.book(s, int(slot_b["id"]),
                                                             int(in_b["id"])))
    assert (twice.value.code, twice.value.field) == ("CONFLICT", "donorId")
    assert (await world.slots(world.b, {"id": slot_b["session_id"]}))[0]["booked"] == 0
    async with world.read(world.city):
        claims = await BookingClaim.select().where(
            BookingClaim.campaign_id == campaign["id"])
    assert [(c["tenant_id"], c["booking_tenant_id"], c["active"]) for c in claims] == [
        (world.city.id, world.a.node.id, 1)]
    async with world.read(world.b.node):      # street B reads the city's claims, not A's rows
        assert await BookingClaim.count().where(
            BookingClaim.campaign_id == campaign["id"]) == 1
    await world.do(world.a.node, lambda s: bookings.cancel(s, int(booked["id"])))
    moved = await world.do(world.b.node, lambda s: bookings.book(s, int(slot_b["id"]),
                                                                 int(in_b["id"])))
    assert moved["status"] == "booked"
    other = await world.campaign(title="另一活动")
    slot_o = (await world.slots(world.a, await world.session(world.a, other)))[0]
    assert (await world.do(world.a.node, lambda s: bookings.book(
        s, int(slot_o["id"]), int(in_a["id"]))))["status"] == "booked"   # per campaign


async def test_a_passed_unattended_booking_is_no_longer_the_future_booking(world):
    """"One future booking per campaign": once the booked slot has ended unattended, the donor
    may book again — here or in another street office; the old booking becomes NO_SHOW and the
    city's claim moves to the new one."""
    from datetime import timedelta

    from core.plugin import now_utc
    from plugins.blood_drive.tables import Booking, BookingClaim, Slot

    campaign = await world.campaign()
    slot_a = (await world.slots(world.a, await world.session(world.a, campaign)))[0]
    later_a = (await world.slots(world.a, await world.session(world.a, campaign, days=5)))[0]
    slot_b = (await world.slots(world.b, await world.session(world.b, campaign)))[0]
    in_a, in_b = await world.twin()
    first = await world.do(world.a.node, lambda s: bookings.book(s, int(slot_a["id"]),
                                                                 int(in_a["id"])))
    with pytest.raises(ApiError):            # still a future booking: refused in both streets
        await world.do(world.b.node, lambda s: bookings.book(s, int(slot_b["id"]),
                                                             int(in_b["id"])))
    past = now_utc() - timedelta(days=1)
    async with world.write(world.a.node):    # the slot passes without the donor coming
        await Slot.update({Slot.starts_at: past - timedelta(hours=1), Slot.ends_at: past}).where(
            Slot.id == slot_a["id"])
    async with world.write(world.city):
        await BookingClaim.update({BookingClaim.ends_at: past}).where(
            BookingClaim.booking_id == first["id"])
    moved = await world.do(world.b.node, lambda s: bookings.book(s, int(slot_b["id"]),
                                                                 int(in_b["id"])))
    async with world.read(world.city):
        claims = await BookingClaim.select().where(
            BookingClaim.campaign_id == campaign["id"]).order_by(BookingClaim.id)
    assert [(c["booking_id"], c["active"]) for c in claims] == [(first["id"], None),
                                                                 (moved["id"], 1)]
    await world.do(world.b.node, lambda s: bookings.cancel(s, int(moved["id"])))
    again = await world.do(world.a.node, lambda s: bookings.book(s, int(later_a["id"]),
                                                                 int(in_a["id"])))
    assert again["status"] == "booked"
    async with world.read(world.a.node):
        old = await Booking.select().where(Booking.id == first["id"]).first()
    assert (old["status"], old["active"]) == ("no_show", None)


async def test_a_donor_of_one_street_books_the_city_campaign_in_another(world, emitted_events):
    """A donor registered only in street A books street B's session of the city's campaign:
    the booking, seat and a visiting donor row (name sealed) land in B in A's transaction,
    the city's claim still allows one future booking in the campaign; B's site staff check
    them in and record the result; cancelling from A frees the seat and the claim."""
    from core.plugin import open_personal
    from plugins.blood_drive.services import results
    from plugins.blood_drive.tables import Booking, BookingClaim, Donor, Slot

    campaign = await world.campaign()
    slot_a = (await world.slots(world.a, await world.session(world.a, campaign)))[0]
    slot_b = (await world.slots(world.b, await world.session(world.b, campaign)))[0]
    donor = await world.donor(world.a, "跨街道献血者")
    booked = await world.do(world.a.node, lambda s: bookings.book_visiting(
        s, world.b.node, int(slot_b["id"]), int(donor["id"])))
    assert booked["tenant_id"] == world.b.node.id and booked["status"] == "booked"
    async with world.read(world.b.node):
        visitor = await Donor.select().where(Donor.id == booked["donor_id"]).first()
        assert (await Slot.select().where(Slot.id == slot_b["id"]).first())["booked"] == 1
    assert visitor["home_tenant_id"] == world.a.node.id
    assert visitor["resident_id"] == donor["resident_id"]
    assert "跨街道" not in visitor["name_cipher"]
    assert open_personal(visitor["name_cipher"]) == "跨街道献血者"
    async with world.read(world.a.node):
        assert await Booking.count() == 0            # nothing of it in A's rows
    for street, slot, how in ((world.a, slot_a, "own"), (world.b, slot_b, "visiting")):
        with pytest.raises(ApiError) as twice:
            await world.do(world.a.node, lambda s, st=street, sl=slot, h=how: (
                bookings.book(s, int(sl["id"]), int(donor["id"])) if h == "own" else
                bookings.book_visiting(s, st.node, int(sl["id"]), int(donor["id"]))))
        assert (twice.value.code, twice.value.field) == ("CONFLICT", "donorId")
    async with world.read(world.city):
        claims = await BookingClaim.select().where(
            (BookingClaim.campaign_id == campaign["id"]) & (BookingClaim.active == 1))
    assert [(c["booking_tenant_id"], c["booking_id"]) for c in claims] == [
        (world.b.node.id, booked["id"])]
    # street B's site staff check the visitor in and record the result there
    await world.do(world.b.node, lambda s: bookings.check_in(s, int(booked["id"])))
    donation, created = await world.do(world.b.node, lambda s: results.record_result(
        s, int(booked["id"]), results.ResultInput(outcome="donated", volume_ml=400)))
    assert created and donation["tenant_id"] == world.b.node.id
    assert await emitted_events(world.b.node, "blood_drive.donation_completed") == []
    # cancel from A in another campaign: the seat and the claim return
    other = await world.campaign(title="跨街道另一活动")
    slot_o = (await world.slots(world.b, await world.session(world.b, other)))[0]
    again = await world.do(world.a.node, lambda s: bookings.book_visiting(
        s, world.b.node, int(slot_o["id"]), int(donor["id"])))
    assert again["donor_id"] == booked["donor_id"]          # the same visiting row
    cancelled = await world.do(world.a.node, lambda s: bookings.cancel_visiting(
        s, world.b.node, int(again["id"])))
    assert cancelled["status"] == "cancelled"
    async with world.read(world.b.node):
        assert (await Slot.select().where(Slot.id == slot_o["id"]).first())["booked"] == 0
    slot_oa = (await world.slots(world.a, await world.session(world.a, other)))[0]
    assert (await world.do(world.a.node, lambda s: bookings.book(
        s, int(slot_oa["id"]), int(donor["id"]))))["status"] == "booked"


async def test_visiting_is_refused_outside_a_campaign_run_across_both(world, factory,
                                                                      enable_plugin):
    """B's own campaign, a street of another city and a region are not reachable from A;
    a booking in B that is not A's donor's cannot be cancelled from A; nothing is written."""
    from plugins.blood_drive.services import campaigns
    from plugins.blood_drive.tables import Booking, Donor

    today = date.today()
    own = await world.do(world.b.node, lambda s: campaigns.create_campaign(
        s, campaigns.CampaignInput(title="街道自办", starts_on=today, organisers=("街道",),
                                   ends_on=today + timedelta(days=9))))
    slot_own = (await world.slots(world.b, await world.session(world.b, own)))[0]
    donor = await world.donor(world.a)
    for street, slot in ((world.b.node, slot_own["id"]), (world.city, slot_own["id"])):
        with pytest.raises(ApiError) as refused:
            await world.do(world.a.node, lambda s, st=street, sl=slot: bookings.book_visiting(
                s, st, int(sl), int(donor["id"])))
        assert (refused.value.code, refused.value.field) == ("NOT_FOUND", "slotId")
    elsewhere = await factory.tenant(await factory.region("city", name="外市"))
    await enable_plugin(elsewhere, "blood_drive")
    with pytest.raises(ApiError) as far:
        await world.do(world.a.node, lambda s: bookings.book_visiting(
            s, elsewhere, int(slot_own["id"]), int(donor["id"])))
    assert far.value.code == "NOT_FOUND"
    local = await world.donor(world.b)
    mine = await world.do(world.b.node, lambda s: bookings.book(s, int(slot_own["id"]),
                                                                int(local["id"])))
    with pytest.raises(ApiError) as foreign:
        await world.do(world.a.node, lambda s: bookings.cancel_visiting(
            s, world.b.node, int(mine["id"])))
    assert foreign.value.code == "NOT_FOUND"
    async with world.read(world.b.node):
        assert await Donor.count().where(Donor.home_tenant_id.is_not_null()) == 0
        assert await Booking.count().where(Booking.status == "booked") == 1
