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
