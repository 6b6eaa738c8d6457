"""通借通还 through the services: checkout anywhere, return anywhere with the network's policy,
check-in saying where the copy goes, loan rules (limits, overdue block, renewals, closed days)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from core.plugin import ApiError, today_shanghai


async def test_borrow_in_one_room_return_in_another_float(world, factory):
    reader = await factory.account(world.qr, "resident")
    card = await world.card("张三", account=reader, home=world.qr)
    _, codes = await world.title(copies={"sz": 1})
    loan = await world.checkout("sz", card, codes[0])
    assert loan["status"] == "open" and loan["room_id"] == world.rooms["sz"]
    assert (await world.copy(codes[0]))["status"] == "on_loan"
    done = await world.checkin("jd", codes[0])
    assert (done.action, done.destination_room_id) == ("shelf", world.rooms["jd"])
    copy = await world.copy(codes[0])
    assert (copy["status"], copy["current_room_id"], copy["owning_room_id"]) == (
        "available", world.rooms["jd"], world.rooms["sz"])


async def test_return_home_policy_sends_the_copy_home(make_world, factory):
    world = await make_world("home")
    card = await world.card()
    _, codes = await world.title(copies={"sz": 1})
    await world.checkout("sz", card, codes[0])
    done = await world.checkin("qr", codes[0])
    assert (done.action, done.destination_room_id, done.reason) == (
        "transit", world.rooms["sz"], "home")
    assert (await world.copy(codes[0]))["status"] == "in_transit"
    arrived = await world.checkin("sz", codes[0])            # received at home
    assert (arrived.action, arrived.reason) == ("shelf", "received")
    assert (await world.copy(codes[0]))["status"] == "available"


async def test_float_class_limit_sends_surplus_to_the_emptiest_room(world):
    from plugins.reading_rooms.services import network

    _, codes = await world.title(letter="K", copies={"qr": 2})
    async with world.county_write():
        await network.set_class_limit(world.staff, world.rooms["jd"], "K", 2)
        await network.set_class_limit(world.staff, world.rooms["sz"], "K", 4)
        await network.set_class_limit(world.staff, world.rooms["qr"], "K", 10)
    card = await world.card()
    _, more = await world.title(letter="K", copies={"jd": 2})
    await world.checkout("jd", card, more[0])
    await world.checkout("qr", card, codes[0])
    # jd holds 1 of 2 now; returning the qr copy to jd fills it, no surplus
    assert (await world.checkin("jd", codes[0])).action == "shelf"
    # jd is at its limit (2 of 2): the next K copy returned there goes to the emptiest room
    done = await world.checkin("jd", more[0])
    assert (done.action, done.reason, done.destination_room_id) == (
        "transit", "rebalance", world.rooms["sz"])


async def test_one_copy_cannot_be_lent_twice(world):
    a, b = await world.card("甲"), await world.card("乙")
    _, codes = await world.title()
    await world.checkout("qr", a, codes[0])
    with pytest.raises(ApiError) as err:
        await world.checkout("qr", b, codes[0])
    assert err.value.code == "CONFLICT"


async def test_limits_overdue_block_and_renewal(world):
    from plugins.reading_rooms.services import circulation
    from plugins.reading_rooms.tables import Loan

    card = await world.card()
    _, codes = await world.title(copies={"qr": 6})
    loans = [await world.checkout("qr", card, code) for code in codes[:5]]
    with pytest.raises(ApiError, match="上限"):
        await world.checkout("qr", card, codes[5])
    assert all(loan["due_on"] >= today_shanghai() + timedelta(days=30) for loan in loans)
    async with world.county_write():
        renewed = await circulation.renew(world.staff, world.network, loans[0]["id"])
        assert renewed["renewals"] == 1
        with pytest.raises(ApiError, match="续借次数"):
            await circulation.renew(world.staff, world.network, loans[0]["id"])
        await Loan.update({Loan.due_on: today_shanghai() - timedelta(days=1)}).where(
            Loan.id == loans[1]["id"])
    await world.checkin("qr", codes[0])
    with pytest.raises(ApiError, match="逾期"):
        await world.checkout("qr", card, codes[5])


async def test_due_date_moves_off_closed_days(world):
    from plugins.reading_rooms.services.common import next_open_day
    from plugins.reading_rooms.tables import Room

    async with world.county_write():
        await Room.update({Room.closed_weekdays: "0,1,2,3,4,5"}).where(
            Room.id == world.rooms["qr"])
    card = await world.card()
    _, codes = await world.title()
    loan = await world.checkout("qr", card, codes[0])
    assert loan["due_on"].weekday() == 6
    async with world.county_write():
        room = {"id": world.rooms["qr"], "closed_weekdays": "5,6"}
        day = await next_open_day(room, today_shanghai())
    assert day.weekday() < 5


async def test_checkin_of_a_copy_not_on_loan_is_refused(world):
    _, codes = await world.title()
    with pytest.raises(ApiError) as err:
        await world.checkin("qr", codes[0])
    assert err.value.code == "INVALID_ARGUMENT"


async def test_checkout_and_checkin_statement_counts(world, linli_env):
    """The work of one scan is a fixed, small number of statements (rules in one read)."""
    calls: list[str] = []
    engine = linli_env.state.db.engine
    cls = type(engine)
    original = cls.run_querystring

    async def counted(self, querystring, *args, **kwargs):
        if self is engine:
            calls.append(str(querystring)[:60])
        return await original(self, querystring, *args, **kwargs)

    card = await world.card()
    _, codes = await world.title(copies={"qr": 2})
    await world.checkout("qr", card, codes[1])       # caches warm
    cls.run_querystring = counted
    try:
        await world.checkout("qr", card, codes[0])
        out = len(calls)
        calls.clear()
        await world.checkin("sz", codes[0])
        back = len(calls)
    finally:
        cls.run_querystring = original
    print(f"checkout {out} statements, check-in {back} statements")
    assert out <= 10 and back <= 9, (out, back)
