"""Booking: capacity holds, one open booking per donor and campaign, cancel and rebook."""

from __future__ import annotations

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
