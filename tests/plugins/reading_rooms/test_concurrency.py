"""Only-once rules under truly concurrent requests on PostgreSQL: 100 checkouts of one copy at two
rooms → one loan; 20 bookings of one seat and slot → one booking."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from core.plugin import ApiError, today_shanghai

pytestmark = pytest.mark.postgres_only


async def test_100_concurrent_checkouts_of_one_copy_at_two_rooms(world):
    from plugins.reading_rooms.tables import Copy, Loan

    cards = [await world.card(f"读者{n}") for n in range(10)]
    _, codes = await world.title(copies={"qr": 1})
    async with world.county_write():   # the copy is on the shelf in 侨润; 寿张 scans it too
        await Copy.update({Copy.current_room_id: world.rooms["qr"]}).where(
            Copy.barcode == codes[0])

    async def attempt(n: int) -> str:
        try:
            await world.checkout("qr" if n % 2 else "sz", cards[n % 10], codes[0])
            return "ok"
        except ApiError as exc:
            return exc.code

    outcomes = await asyncio.gather(*(attempt(n) for n in range(100)))
    async with world.county_write():
        loans = await Loan.select().where(Loan.copy_id.is_in(
            Copy.select(Copy.id).where(Copy.barcode == codes[0])))
    assert outcomes.count("ok") == 1 and len(loans) == 1
    # refusals: CONFLICT (already lent) or, at the room the copy is not in, INVALID_ARGUMENT
    assert outcomes.count("CONFLICT") + outcomes.count("INVALID_ARGUMENT") == 99, outcomes
    print(f"100 concurrent checkouts of one copy: {outcomes.count('ok')} loan, "
          f"{outcomes.count('CONFLICT')} CONFLICT, {outcomes.count('INVALID_ARGUMENT')} "
          "INVALID_ARGUMENT (not at this room)")


async def test_20_concurrent_bookings_of_one_seat_and_slot(world):
    from plugins.reading_rooms.services import network, seats
    from plugins.reading_rooms.tables import Seat, SeatBooking

    async with world.county_write():
        await network.add_seats(world.staff, world.rooms["qr"], ["A01"])
        seat = await Seat.select().where(Seat.room_id == world.rooms["qr"]).first()
    cards = [await world.card(f"自习{n}") for n in range(20)]
    day = today_shanghai() + timedelta(days=1)

    async def attempt(card) -> str:
        try:
            async with world.county_write():
                await seats.book_seat(world.network, card, seat["id"], day, 2)
            return "ok"
        except ApiError as exc:
            return exc.code

    outcomes = await asyncio.gather(*(attempt(c) for c in cards))
    async with world.county_write():
        booked = await SeatBooking.count().where(SeatBooking.seat_id == seat["id"])
    assert outcomes.count("ok") == 1 and booked == 1
    assert outcomes.count("CONFLICT") == 19
    print(f"20 concurrent seat bookings: {booked} booking, {outcomes.count('CONFLICT')} CONFLICT")


async def test_the_loan_limit_holds_under_concurrent_checkouts(world):
    from plugins.reading_rooms.tables import Loan

    card = await world.card("限额")
    _, codes = await world.title(copies={"qr": 10})

    async def attempt(code: str) -> str:
        try:
            await world.checkout("qr", card, code)
            return "ok"
        except ApiError as exc:
            return exc.code

    outcomes = await asyncio.gather(*(attempt(c) for c in codes))
    async with world.county_write():
        loans = await Loan.count().where((Loan.card_id == card["id"]) & (Loan.status == "open"))
    assert outcomes.count("ok") == 5 and loans == 5, outcomes
    print(f"10 concurrent checkouts by one adult card: {loans} loans (limit 5)")
