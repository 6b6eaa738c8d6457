"""Issue 14, Deliver 4: the same elder twice in one slot of one day is refused city-wide — at a
canteen of another street office too (the city's once-a-slot record), at the counter and in a
batch (a per-row rejection); another slot that day is still recorded (without subsidy)."""

from __future__ import annotations

from datetime import date

import pytest

from core.errors import ApiError
from plugins.canteen.services import batch
from plugins.canteen.tables import Meal, SlotClaim


async def test_counter_refuses_the_slot_taken_in_another_street_office(city):
    elder = await city.elder("赵凤兰", date(1939, 4, 4))
    day = date(2024, 8, 5)
    first = await city.meal(city.a, elder, day, "lunch")
    assert first["subsidy_fen"] == 400
    with pytest.raises(ApiError) as err:
        await city.meal(city.b, elder, day, "lunch")
    assert (err.value.code, err.value.field) == ("CONFLICT", "slot")
    dinner = await city.meal(city.b, elder, day, "dinner")
    assert (dinner["subsidy_fen"], dinner["unsubsidised_reason"]) == (0, "daily_cap")
    async with city.read(city.b):
        assert await Meal.count().where(Meal.slot == "lunch") == 0
        claims = await SlotClaim.select().where(SlotClaim.elder_id == elder["id"])
    assert sorted((c["slot"], c["meal_tenant_id"]) for c in claims) == [
        ("dinner", city.b.node.id), ("lunch", city.a.node.id)]


async def test_batch_rejects_the_row_and_stays_idempotent(city):
    elder = await city.elder("钱德明", date(1950, 1, 1))
    other = await city.elder("李春花", date(1944, 1, 1))
    day = date(2024, 8, 6)
    await city.meal(city.a, elder, day, "lunch")
    data = ("卡号,日期,餐次,价格(分)\n"
            f"{elder['card_token']},{day},午餐,1000\n"
            f"{elder['card_token']},{day},晚餐,1000\n"
            f"{other['card_token']},{day},午餐,1000\n"
            f"{other['card_token']},{day},午餐,1000\n").encode()

    async def upload() -> batch.BatchReport:
        async with city.write(city.b):
            return await batch.upload_meals(city.system(city.b), int(city.b.canteen["id"]),
                                            data, "day.csv")

    first = await upload()
    assert (first.recorded, first.unchanged, first.subsidised) == (2, 1, 1)
    assert [(r.row, r.code, r.field) for r in first.rejected] == [(1, "CONFLICT", "slot")]
    second = await upload()
    assert (second.recorded, second.unchanged) == (0, 3)
    assert [(r.row, r.code) for r in second.rejected] == [(1, "CONFLICT")]
