"""Holds (first come, first served; ready only once on the pickup room's shelf; expiry passes the
copy on) and 统筹配送 transfers (manifest, received copy by copy)."""

from __future__ import annotations

import io
from datetime import timedelta

from core.plugin import today_shanghai


async def _hold(world, card, title_id, pickup):
    from plugins.reading_rooms.services import holds

    async with world.county_write():
        return await holds.place_hold(world.network, card, title_id, world.rooms[pickup])


async def _hold_row(world, hold_id):
    from plugins.reading_rooms.tables import Hold

    async with world.county_write():
        return await Hold.select().where(Hold.id == hold_id).first()


async def test_hold_is_ready_only_after_the_transit_is_received(world, factory, notifications,
                                                                drain):
    reader = await factory.account(world.qr, "resident")
    waiting = await world.card("候补", account=reader, home=world.qr)
    borrower = await world.card("借者")
    title, codes = await world.title(copies={"sz": 1})
    await world.checkout("sz", borrower, codes[0])              # every copy is out
    hold = await _hold(world, waiting, int(title["id"]), "jd")
    assert hold["status"] == "waiting"
    done = await world.checkin("qr", codes[0])                  # returned at a third room
    assert (done.action, done.destination_room_id, done.reason) == (
        "transit", world.rooms["jd"], "hold")
    row = await _hold_row(world, hold["id"])
    assert row["status"] == "in_transit" and row["ready_at"] is None
    await drain()
    assert await notifications(world.qr, reader, "reading_rooms.hold_ready") == []
    arrived = await world.checkin("jd", codes[0])               # received at the pickup room
    assert arrived.action == "hold_shelf"
    row = await _hold_row(world, hold["id"])
    assert row["status"] == "ready"
    assert row["expires_on"] == today_shanghai() + timedelta(days=7)
    await drain()     # told in the reader's own tenant (侨润), not at the county's desk
    assert await notifications(world.county, reader, "reading_rooms.hold_ready") == []
    [told] = await notifications(world.qr, reader, "reading_rooms.hold_ready")
    assert told["title"] == "预约的图书已到" and told["title_en"] == "Your reserved book is ready"
    await drain()     # delivered exactly once
    assert len(await notifications(world.qr, reader, "reading_rooms.hold_ready")) == 1
    copy = await world.copy(codes[0])
    assert (copy["status"], copy["current_room_id"]) == ("on_hold_shelf", world.rooms["jd"])
    # only the reader it waits for may borrow it
    loan = await world.checkout("jd", waiting, codes[0])
    assert loan["status"] == "open"
    assert (await _hold_row(world, hold["id"]))["status"] == "collected"


async def test_holds_first_come_first_served_and_expiry_passes_on(world):
    from plugins.reading_rooms.services import holds
    from plugins.reading_rooms.tables import Hold

    first, second, borrower = await world.card("一"), await world.card("二"), await world.card()
    title, codes = await world.title(copies={"qr": 1})
    await world.checkout("qr", borrower, codes[0])
    h1 = await _hold(world, first, int(title["id"]), "qr")
    h2 = await _hold(world, second, int(title["id"]), "qr")
    assert (await world.checkin("qr", codes[0])).hold_id == h1["id"]
    async with world.county_write():
        await Hold.update({Hold.expires_on: today_shanghai() - timedelta(days=1)}).where(
            Hold.id == h1["id"])
        assert await holds.expire_holds(world.network) == 1
        assert await holds.expire_holds(world.network) == 0          # idempotent
    assert (await _hold_row(world, h1["id"]))["status"] == "expired"
    assert (await _hold_row(world, h2["id"]))["status"] == "ready"
    assert (await world.copy(codes[0]))["hold_id"] == h2["id"]


async def test_renewal_refused_while_another_reader_waits(world):
    import pytest

    from core.plugin import ApiError
    from plugins.reading_rooms.services import circulation

    reader, other = await world.card(), await world.card()
    title, codes = await world.title()
    loan = await world.checkout("qr", reader, codes[0])
    await _hold(world, other, int(title["id"]), "sz")
    async with world.county_write():
        with pytest.raises(ApiError, match="预约"):
            await circulation.renew(world.staff, world.network, loan["id"])


async def test_transfer_batch_manifest_and_receipt(world):
    from openpyxl import load_workbook

    from plugins.reading_rooms.services import transfers
    from plugins.reading_rooms.tables import Transfer

    _, codes = await world.title(copies={"qr": 3})
    async with world.county_write():
        batch = await transfers.create_transfer(world.staff, world.network, world.rooms["qr"],
                                                world.rooms["jd"], codes, "第1批")
        data = await transfers.manifest_xlsx(world.network, int(batch["id"]))
    sheet = load_workbook(io.BytesIO(data)).active
    cells = [[c for c in row] for row in sheet.iter_rows(values_only=True)]
    assert cells[2][1] == "金斗营书房" and {r[1] for r in cells[6:]} == set(codes)
    assert (await world.copy(codes[0]))["status"] == "in_transit"
    await world.checkin("jd", codes[0])
    await world.checkin("jd", codes[1])
    async with world.county_write():
        assert (await Transfer.select().where(Transfer.id == batch["id"]).first())[
            "status"] == "sent"
    await world.checkin("jd", codes[2])
    async with world.county_write():
        assert (await Transfer.select().where(Transfer.id == batch["id"]).first())[
            "status"] == "received"
    assert (await world.copy(codes[2]))["current_room_id"] == world.rooms["jd"]
