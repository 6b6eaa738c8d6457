"""Booking never exceeds capacity and a donor holds one open booking per campaign, under truly
concurrent requests (each its own transaction and pooled connection). PostgreSQL only (SQLite
serialises writers)."""

from __future__ import annotations

import asyncio

import pytest

from core.plugin import ApiError, system_access
from plugins.blood_drive.services import bookings
from plugins.blood_drive.tables import Booking, Slot

pytestmark = pytest.mark.postgres_only


async def _book(world, slot_id: int, donor_id: int) -> str:
    try:
        async with world.write(world.a.node):
            await bookings.book(system_access(world.a.node), slot_id, donor_id)
        return "booked"
    except ApiError as err:
        return f"{err.code}:{err.field}"


async def _donors(world, n: int) -> list[int]:
    from plugins.blood_drive.tables import Donor

    residents = []
    for i in range(n):
        residents.append(await world.factory.resident(world.a.household, f"献血者{i}"))
    async with world.write(world.a.node):
        from core.plugin import now_utc

        await Donor.insert(*[Donor(tenant_id=world.a.node.id, resident_id=r.id,
                                   created_at=now_utc()) for r in residents])
        rows = await Donor.select(Donor.id).where(
            Donor.resident_id.is_in([r.id for r in residents]))
    return [int(r["id"]) for r in rows]


async def test_fifty_concurrent_bookings_of_the_last_three_seats(world, linli_env):
    assert linli_env.state.db.is_postgres
    campaign = await world.campaign()
    session = await world.session(world.a, campaign, capacity=10)
    slot = (await world.slots(world.a, session))[0]
    donors = await _donors(world, 57)
    for donor in donors[:7]:                       # seven of ten seats taken: three are left
        assert await _book(world, int(slot["id"]), donor) == "booked"
    outcomes = await asyncio.gather(*(_book(world, int(slot["id"]), d) for d in donors[7:]))
    assert outcomes.count("booked") == 3, outcomes
    assert outcomes.count("CONFLICT:slotId") == 47, outcomes
    async with world.read(world.a.node):
        row = await Slot.select().where(Slot.id == slot["id"]).first()
        assert row["booked"] == 10
        assert await Booking.count().where(Booking.slot_id == slot["id"]) == 10


async def test_two_hundred_concurrent_bookings_never_exceed_capacity(world, linli_env):
    campaign = await world.campaign()
    session = await world.session(world.a, campaign, capacity=25)
    slot = (await world.slots(world.a, session))[0]
    donors = await _donors(world, 200)
    outcomes = await asyncio.gather(*(_book(world, int(slot["id"]), d) for d in donors))
    assert outcomes.count("booked") == 25, outcomes
    assert outcomes.count("CONFLICT:slotId") == 175, outcomes
    async with world.read(world.a.node):
        assert (await Slot.select().where(Slot.id == slot["id"]).first())["booked"] == 25
        assert await Booking.count().where(Booking.slot_id == slot["id"]) == 25


async def test_one_donor_booking_many_slots_at_once_gets_one(world, linli_env):
    campaign = await world.campaign()
    session = await world.session(world.a, campaign, capacity=5, slots=8)
    slots = await world.slots(world.a, session)
    donor = (await _donors(world, 1))[0]
    outcomes = await asyncio.gather(*(_book(world, int(s["id"]), donor)
                                      for s in slots for _ in range(5)))
    assert outcomes.count("booked") == 1, outcomes
    assert outcomes.count("CONFLICT:donorId") == 39, outcomes
    async with world.read(world.a.node):
        assert sum(int(s["booked"]) for s in await Slot.select().where(
            Slot.session_id == session["id"])) == 1
