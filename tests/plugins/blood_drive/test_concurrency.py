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


async def test_one_person_booking_in_two_street_offices_at_once_gets_one(world, linli_env):
    """One person registered in streets A and B books the city's campaign in both at once, five
    times in each: the city's unique claim lets exactly one booking land."""
    from plugins.blood_drive.tables import BookingClaim

    campaign = await world.campaign()
    slot_a = (await world.slots(world.a, await world.session(world.a, campaign, 10)))[0]
    slot_b = (await world.slots(world.b, await world.session(world.b, campaign, 10)))[0]
    people = [await world.twin(f"两地{i}") for i in range(6)]

    async def book(street, slot, donor) -> str:
        try:
            async with world.write(street.node):
                await bookings.book(system_access(street.node), int(slot["id"]),
                                    int(donor["id"]))
            return "booked"
        except ApiError as err:
            return f"{err.code}:{err.field}"

    one = people[0]
    outcomes = await asyncio.gather(*(book(street, slot, donor) for _ in range(5)
                                      for street, slot, donor in ((world.a, slot_a, one[0]),
                                                                  (world.b, slot_b, one[1]))))
    assert outcomes.count("booked") == 1, outcomes
    assert outcomes.count("CONFLICT:donorId") == 9, outcomes
    rest = await asyncio.gather(*(book(street, slot, donor) for in_a, in_b in people[1:]
                                  for street, slot, donor in ((world.a, slot_a, in_a),
                                                              (world.b, slot_b, in_b))))
    assert rest.count("booked") == 5, rest
    async with world.read(world.a.node):
        seats_a = (await Slot.select().where(Slot.id == slot_a["id"]).first())["booked"]
        claims = await BookingClaim.count().where((BookingClaim.campaign_id == campaign["id"])
                                                  & (BookingClaim.active == 1))
    async with world.read(world.b.node):
        seats_b = (await Slot.select().where(Slot.id == slot_b["id"]).first())["booked"]
    assert seats_a + seats_b == 6 and claims == 6


async def test_taking_over_a_passed_claim_at_once_gets_one(world, linli_env):
    """The person's booking passed unattended; five bookings in each street at once take the
    claim over: exactly one lands (the conditional update of the passed claim has one winner)."""
    from datetime import timedelta

    from core.plugin import now_utc
    from plugins.blood_drive.tables import BookingClaim

    campaign = await world.campaign()
    old = (await world.slots(world.a, await world.session(world.a, campaign, 10)))[0]
    slot_a = (await world.slots(world.a, await world.session(world.a, campaign, 10, days=4)))[0]
    slot_b = (await world.slots(world.b, await world.session(world.b, campaign, 10)))[0]
    in_a, in_b = await world.twin()
    async with world.write(world.a.node):
        first = await bookings.book(system_access(world.a.node), int(old["id"]),
                                    int(in_a["id"]))
    past = now_utc() - timedelta(days=1)
    async with world.write(world.a.node):
        await Slot.update({Slot.starts_at: past - timedelta(hours=1), Slot.ends_at: past}).where(
            Slot.id == old["id"])
    async with world.write(world.city):
        await BookingClaim.update({BookingClaim.ends_at: past}).where(
            BookingClaim.booking_id == first["id"])

    async def book(street, slot, donor) -> str:
        try:
            async with world.write(street.node):
                await bookings.book(system_access(street.node), int(slot["id"]),
                                    int(donor["id"]))
            return "booked"
        except ApiError as err:
            return f"{err.code}:{err.field}"

    outcomes = await asyncio.gather(*(book(street, slot, donor) for _ in range(5)
                                      for street, slot, donor in ((world.a, slot_a, in_a),
                                                                  (world.b, slot_b, in_b))))
    assert outcomes.count("booked") == 1, outcomes
    assert outcomes.count("CONFLICT:donorId") == 9, outcomes
    async with world.read(world.city):
        assert await BookingClaim.count().where(
            (BookingClaim.campaign_id == campaign["id"]) & (BookingClaim.active == 1)) == 1


async def test_visiting_bookings_at_once_hold_both_rules(world, linli_env):
    """Donors registered only in street A book street B's session of the city's campaign from
    A, truly at once: one person booking A's own slot and B's slot five times each gets
    exactly one booking; 50 of A's donors after B's last 3 seats get exactly 3."""
    from plugins.blood_drive.tables import BookingClaim, Donor

    campaign = await world.campaign()
    slot_a = (await world.slots(world.a, await world.session(world.a, campaign, 10)))[0]
    slot_b = (await world.slots(world.b, await world.session(world.b, campaign, 10)))[0]
    donors = await _donors(world, 51)

    async def visit(donor: int, slot: dict) -> str:
        try:
            async with world.write(world.a.node):
                await bookings.book_visiting(system_access(world.a.node), world.b.node,
                                             int(slot["id"]), donor)
            return "booked"
        except ApiError as err:
            return f"{err.code}:{err.field}"

    one = donors[0]
    outcomes = await asyncio.gather(*(
        _book(world, int(slot_a["id"]), one) if i % 2 else visit(one, slot_b)
        for i in range(10)))
    assert outcomes.count("booked") == 1, outcomes
    assert outcomes.count("CONFLICT:donorId") == 9, outcomes
    async with world.read(world.b.node):
        seats_b = (await Slot.select().where(Slot.id == slot_b["id"]).first())["booked"]
    async with world.read(world.a.node):
        seats_a = (await Slot.select().where(Slot.id == slot_a["id"]).first())["booked"]
    assert seats_a + seats_b == 1
    last = (await world.slots(world.b, await world.session(world.b, campaign, 10, days=3)))[0]
    async with world.write(world.b.node):               # seven of ten taken: three left
        await Slot.update({Slot.booked: 7}).where(Slot.id == last["id"])
    crowd = await asyncio.gather(*(visit(d, last) for d in donors[1:]))
    assert crowd.count("booked") == 3, crowd
    assert crowd.count("CONFLICT:slotId") == 47, crowd
    async with world.read(world.b.node):
        assert (await Slot.select().where(Slot.id == last["id"]).first())["booked"] == 10
        assert await Booking.count().where(Booking.slot_id == last["id"]) == 3
        visitors = await Donor.count().where(Donor.home_tenant_id == world.a.node.id)
    async with world.read(world.city):
        claims = await BookingClaim.count().where((BookingClaim.campaign_id == campaign["id"])
                                                  & (BookingClaim.active == 1))
    assert claims == 4
    assert visitors <= 51
