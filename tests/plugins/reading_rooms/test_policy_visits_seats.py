"""Loan rules by reader type and class (a versioned rule of the county), visits counted at a
room's door (the room's machine key adds to the day, bad counts refused), seat slots free or taken
as every tenant below sees them, one seat per reader and slot."""

from __future__ import annotations

from datetime import timedelta

import pytest

from core.plugin import ApiError, encode_global_id, today_shanghai


async def test_class_rules_set_a_childs_period_and_a_class_limit(world, linli_env):
    from datetime import date

    rules = linli_env.state.services.rules
    async with world.county_write():
        await rules.set("reading_rooms.class_policy", [
            {"reader_type": "child", "loan_days": 14},
            {"class_letter": "J", "limit": 1},
            {"reader_type": "child", "class_letter": "J", "loan_days": 7},
        ], world.county, today_shanghai())
    adult = await world.card("成人")
    _, art = await world.title("艺术概论", letter="J", copies={"qr": 2})
    _, novels = await world.title("边城", letter="I", copies={"qr": 1})
    first = await world.checkout("qr", adult, art[0])
    assert first["due_on"] >= today_shanghai() + timedelta(days=30)   # the network's period
    assert "class_policy=" in first["rule_versions"]
    with pytest.raises(ApiError, match="J类"):                          # one J at a time
        await world.checkout("qr", adult, art[1])
    await world.checkout("qr", adult, novels[0])                       # other classes go on
    # a child: 14 days, 7 for class J (the most specific entry wins)
    parent = await world.card("家长")
    from plugins.reading_rooms.services import cards

    async with world.county_write():
        child = await cards.register_card(
            world.staff, world.network, world.cipher, name="小读者",
            id_number=__import__("core.testing", fromlist=["id_number"]).id_number(
                date(today_shanghai().year - 8, 3, 1)),
            guardian_card_number=parent["card_number"])
    _, kids = await world.title("小王子", letter="I", copies={"qr": 1})
    _, kid_art = await world.title("儿童画", letter="J", copies={"qr": 1})
    loan = await world.checkout("qr", child, kids[0])
    assert today_shanghai() + timedelta(days=14) <= loan["due_on"] < today_shanghai() + \
        timedelta(days=21)
    drawing = await world.checkout("qr", child, kid_art[0])
    assert drawing["due_on"] < today_shanghai() + timedelta(days=14)


async def test_a_bad_class_rule_is_refused(world, linli_env):
    rules = linli_env.state.services.rules
    for bad in ([{"class_letter": "W", "limit": 1}], [{"loan_days": 3}],
                [{"reader_type": "adult", "limit": 99}], {"class_letter": "I"}):
        with pytest.raises(ApiError):
            async with world.county_write():
                await rules.set("reading_rooms.class_policy", bad, world.county,
                                today_shanghai())


async def test_returning_and_losing_give_the_place_back(world):
    """The open-loan count follows the loans: five out, one back, one more allowed."""
    from plugins.reading_rooms.tables import Card

    card = await world.card()
    _, codes = await world.title(copies={"qr": 7})
    for code in codes[:5]:
        await world.checkout("qr", card, code)
    with pytest.raises(ApiError, match="上限"):
        await world.checkout("qr", card, codes[5])
    await world.checkin("sz", codes[0])
    await world.checkout("qr", card, codes[5])
    async with world.county_write():
        row = await Card.select(Card.open_loans).where(Card.id == card["id"]).first()
    assert row["open_loans"] == 5


async def test_visits_counted_by_the_rooms_machine(official_world, gql, linli_env, ops):
    world = official_world
    from core.identity.apikeys import create_api_key

    async with linli_env.state.db.transaction():
        _, key = await create_api_key(world.county.id, ["reading_rooms.circulate"],
                                      linli_env.state.rolebook, object_kind="reading_rooms.room",
                                      object_id=world.rooms["qr"])
    kw = {"headers": {"X-Api-Key": key}}
    qr = encode_global_id("ReadingRoomRoom", world.rooms["qr"])
    for n in (12, 30):
        out = await ops.call(gql, "ReadingRoomRecordVisits", {"input": {"roomId": qr,
                                                                        "entries": n}}, **kw)
    assert out["readingRoomRecordVisits"]["visit"]["entries"] == 42
    for bad, field in (({"entries": 0}, "entries"),
                       ({"entries": 5, "visitedOn": (today_shanghai() + timedelta(days=1)
                                                     ).isoformat()}, "visitedOn")):
        refused = await ops.call(gql, "ReadingRoomRecordVisits", {"input": {"roomId": qr,
                                                                            **bad}}, **kw)
        assert (refused["readingRoomRecordVisits"]["code"],
                refused["readingRoomRecordVisits"]["field"]) == ("INVALID_ARGUMENT", field)
    sz = encode_global_id("ReadingRoomRoom", world.rooms["sz"])
    other = await ops.call(gql, "ReadingRoomRecordVisits", {"input": {"roomId": sz,
                                                                      "entries": 3}}, **kw)
    assert other["readingRoomRecordVisits"]["code"] == "FORBIDDEN"
    official_report = await _report(world, gql, ops)
    visits = {v["roomId"]: v["entries"] for v in official_report["visits"]}
    assert visits[qr] == 42 and visits[sz] == 0


async def _report(world, gql, ops):
    from datetime import datetime

    from core.plugin import SHANGHAI

    month = datetime.now(SHANGHAI).strftime("%Y-%m")
    token = world.official.token
    out = await ops.call(gql, "ReadingRoomReport", {"month": month}, token=token,
                         node=world.county.code)
    return out["readingRoomReport"]


@pytest.fixture
async def official_world(world, factory):
    world.official = await factory.account(world.county, "region_official")
    return world


async def test_seat_slots_seen_below_and_one_seat_per_reader(world, gql, ops):
    from plugins.reading_rooms.services import network, seats
    from plugins.reading_rooms.tables import Seat

    async with world.county_write():
        await network.add_seats(world.staff, world.rooms["qr"], ["A01", "A02"])
        rows = await Seat.select().where(Seat.room_id == world.rooms["qr"]).order_by(Seat.id)
    card = await world.card()
    day = today_shanghai() + timedelta(days=1)
    async with world.county_write():
        await seats.book_seat(world.network, card, rows[0]["id"], day, 3)
    with pytest.raises(ApiError) as err:          # the same reader, another seat, same slot
        async with world.county_write():
            await seats.book_seat(world.network, card, rows[1]["id"], day, 3)
    assert err.value.code == "CONFLICT"
    qr = encode_global_id("ReadingRoomRoom", world.rooms["qr"])
    seen = await ops.call(gql, "ReadingRoomSeatSlots", {"id": qr, "on": day.isoformat()},
                          node=world.jd.code)      # anonymous, in another town below
    assert [s["takenSlots"] for s in seen["node"]["seats"]] == [[3], []]
