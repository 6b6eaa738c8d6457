"""The one-per-day cap holds city-wide under truly concurrent counters: 100 subsidised meals
for one elder on one day, recorded at the same moment at two canteens of two street offices in
different districts of the same city (each request its own transaction and connection) → exactly
one subsidised. The same holds for the once-a-slot rule: 50 counters, one slot → one
meal. PostgreSQL only (SQLite serialises writers)."""

from __future__ import annotations

import asyncio
from datetime import date

import pytest

from core.errors import ApiError
from plugins.canteen.services import meals
from plugins.canteen.tables import DailySubsidy, Meal, SlotClaim

pytestmark = pytest.mark.postgres_only


async def test_hundred_concurrent_meals_one_subsidy(city, linli_env):
    elder = await city.elder("周淑珍", date(1940, 3, 3))
    db = linli_env.state.db
    day = date(2024, 7, 1)
    slots = ("breakfast", "lunch", "dinner")

    async def one(i: int) -> str:
        street = city.a if i % 2 else city.b
        try:
            async with city.write(street):
                done = await meals.record_meal(
                    city.system(street), int(street.canteen["id"]), served_on=day,
                    slot=slots[(i // 2) % 3], price_fen=1000, elder_id=int(elder["id"]))
            if not done.created:
                return "same"          # an identical meal already recorded: not a new one
            return "subsidised" if done.meal["subsidy_fen"] else "plain"
        except ApiError as err:
            return err.code

    assert db.is_postgres
    outcomes = await asyncio.gather(*(one(i) for i in range(100)))
    assert outcomes.count("subsidised") == 1, outcomes
    # one meal per slot city-wide; the rest found it recorded (or lost the race)
    assert outcomes.count("plain") == 2, outcomes
    assert outcomes.count("same") + outcomes.count("CONFLICT") == 97, outcomes
    async with city.read(city.a):
        claims = await DailySubsidy.select().where(DailySubsidy.elder_id == elder["id"])
        assert len(claims) == 1
    total = 0
    for street in (city.a, city.b):
        async with city.read(street):
            total += await Meal.count().where((Meal.elder_id == elder["id"])
                                              & (Meal.subsidy_fen > 0))
    assert total == 1


async def test_fifty_concurrent_same_slot_two_street_offices_one_meal(city, linli_env):
    """The same elder in one slot of one day at two canteens of different street offices, 50
    counters at once (each its own transaction and connection) → exactly one meal recorded,
    city-wide; every other counter is refused (CONFLICT) or finds its own meal (same)."""
    elder = await city.elder("孙玉兰", date(1942, 8, 8))
    day = date(2024, 7, 2)

    async def one(i: int) -> str:
        street = city.a if i % 2 else city.b
        try:
            async with city.write(street):
                done = await meals.record_meal(
                    city.system(street), int(street.canteen["id"]), served_on=day,
                    slot="lunch", price_fen=1000, elder_id=int(elder["id"]))
            return "recorded" if done.created else "same"
        except ApiError as err:
            return err.code

    assert linli_env.state.db.is_postgres
    outcomes = await asyncio.gather(*(one(i) for i in range(50)))
    assert outcomes.count("recorded") == 1, outcomes
    assert outcomes.count("same") + outcomes.count("CONFLICT") == 49, outcomes
    total = 0
    for street in (city.a, city.b):
        async with city.read(street):
            total += await Meal.count().where((Meal.elder_id == elder["id"])
                                              & (Meal.served_on == day))
    assert total == 1
    async with city.read(city.a):
        assert await SlotClaim.count().where(SlotClaim.elder_id == elder["id"]) == 1
