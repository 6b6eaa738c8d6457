"""Demo data: 阳谷县's network with rooms in 侨润街道, 寿张镇 and 金斗营镇, 3,000 copies per room over
the 22 classes, loans and holds in every state, a half-received transfer; fast, seeded once; and
every example operation runs on it as it is."""

from __future__ import annotations

import time
from collections import Counter
from datetime import UTC, datetime, timedelta

from core.plugin import encode_global_id
from tenants.service import scope_for


async def _yanggu(factory, enable_plugin):
    county = await factory.region("county", name="阳谷县")
    tenants = [await factory.tenant(county, name="侨润街道"),
               await factory.tenant(county, kind="town", name="寿张镇"),
               await factory.tenant(county, kind="town", name="金斗营镇")]
    await enable_plugin(county, "reading_rooms")
    return county, tenants


async def test_demo_and_every_example_operation(linli_env, factory, enable_plugin, gql, ops):
    from plugins.reading_rooms.demo import seed_demo
    from plugins.reading_rooms.tables import Card, Copy, Hold, Loan, Room, Title, Transfer

    county, tenants = await _yanggu(factory, enable_plugin)
    db = linli_env.state.db
    started = time.perf_counter()
    for tenant in tenants:
        async with db.scoped(scope_for(tenant), write=True):
            await seed_demo(tenant.id)
    elapsed = time.perf_counter() - started
    async with db.scoped(scope_for(county)):
        rooms = {r["name"]: r for r in await Room.select()}
        per_room = Counter(r["owning_room_id"] for r in await Copy.select(Copy.owning_room_id))
        classes = {r["class_letter"] for r in await Title.select(Title.class_letter)}
        loans = Counter(r["status"] for r in await Loan.select(Loan.status))
        overdue = await Loan.count().where((Loan.status == "open") & (
            Loan.due_on < datetime.now(UTC).date()))
        holds = Counter(r["status"] for r in await Hold.select(Hold.status))
        transfer = await Transfer.select().first()
        card = await Card.select().where(Card.reader_type == "adult").order_by(Card.id).first()
    assert set(rooms) == {"不二城市书房", "寿张镇城市书房", "金斗营镇城市书房"}
    assert {r["place_tenant_id"] for r in rooms.values()} == {t.id for t in tenants}
    assert set(per_room.values()) == {3000} and len(classes) == 22
    assert loans["open"] > 5 and loans["returned"] >= 1 and overdue >= 2
    assert {"waiting", "in_transit", "ready", "expired"} <= set(holds)
    assert transfer["status"] == "sent"
    print(f"reading_rooms demo seeded in {elapsed:.2f} s")   # a figure, not a timed test
    for tenant in tenants:                         # seeded once
        async with db.scoped(scope_for(tenant), write=True):
            await seed_demo(tenant.id)
    async with db.scoped(scope_for(county)):
        assert await Room.count() == 3
    # the example operations, as the demo's operator acting at the county
    call = ops.call
    operator = await factory.account(operator=True)
    kw = {"token": operator.token, "node": county.code}
    qr = encode_global_id("ReadingRoomRoom", rooms["不二城市书房"]["id"])
    jd = encode_global_id("ReadingRoomRoom", rooms["金斗营镇城市书房"]["id"])
    networks = await call(gql, "ReadingRoomNetworks", **kw)
    assert networks["readingRoomNetworks"][0]["name"] == "阳谷县城市书房"
    detail = await call(gql, "ReadingRoomRoomDetail", {"id": qr}, **kw)
    assert len(detail["node"]["seats"]) == 10 and detail["node"]["activities"]
    found = await call(gql, "ReadingRoomSearch", {"first": 10, "words": "红楼"},
                       node=tenants[1].code)
    assert found["readingRoomSearch"]["edges"][0]["node"]["title"] == "红楼梦"
    status = await call(gql, "ReadingRoomPatronStatus", {"roomId": qr,
                        "cardNumber": card["card_number"]}, **kw)
    assert status["readingRoomPatronStatus"]["loans"]
    loans_page = await call(gql, "ReadingRoomLoans", {"first": 20, "overdueOnly": True}, **kw)
    assert len(loans_page["readingRoomLoans"]["edges"]) >= 2
    transfers = await call(gql, "ReadingRoomTransfers", {"first": 10}, **kw)
    [edge] = transfers["readingRoomTransfers"]["edges"]
    assert (edge["node"]["items"], edge["node"]["received"]) == (5, 2)
    manifest = await call(gql, "ReadingRoomTransferManifest", {"transferId": edge["node"]["id"]},
                          **kw)
    assert manifest["readingRoomTransferManifest"].startswith("UEsD")   # a zip (xlsx)
    report = await call(gql, "ReadingRoomReport", {"month": datetime.now(UTC).strftime("%Y-%m")},
                        **kw)
    assert all(not c["missingClasses"] for c in report["readingRoomReport"]["collection"])
    assert all(v["entries"] > 0 for v in report["readingRoomReport"]["visits"])
    assert report["readingRoomReport"]["activeReaders"] > 0
    await call(gql, "ReadingRoomMyCards", **kw)
    title = found["readingRoomSearch"]["edges"][0]["node"]
    out = await call(gql, "ReadingRoomPlaceHold", {"input": {"titleId": title["id"],
                     "pickupRoomId": jd, "cardNumber": card["card_number"]}}, **kw)
    hold = out["readingRoomPlaceHold"]["hold"]
    out = await call(gql, "ReadingRoomCancelHold", {"input": {"holdId": hold["id"]}}, **kw)
    assert out["readingRoomCancelHold"]["hold"]["status"] == "CANCELLED"
    barcode = status["readingRoomPatronStatus"]["loans"][0]["copy"]["barcode"]
    back = await call(gql, "ReadingRoomCheckin", {"input": {"roomId": jd, "barcode": barcode}},
                      **kw)
    assert back["readingRoomCheckin"]["checkin"]["instruction"]
    shelf = await call(gql, "ReadingRoomSearch", {"first": 1, "availableInRoomId": qr}, **kw)
    copies = await call(gql, "ReadingRoomAddCopies", {"input": {
        "titleId": shelf["readingRoomSearch"]["edges"][0]["node"]["id"], "roomId": qr,
        "barcodes": ["YG-NEW-0001", "YG-NEW-0002"]}}, **kw)
    assert copies["readingRoomAddCopies"]["copies"][0]["status"] == "AVAILABLE"
    out = await call(gql, "ReadingRoomCheckout", {"input": {"roomId": qr, "cardNumber":
                     card["card_number"], "barcode": "YG-NEW-0001"}}, **kw)
    loan_id = out["readingRoomCheckout"]["loan"]["id"]
    out = await call(gql, "ReadingRoomRenew", {"input": {"loanId": loan_id}}, **kw)
    assert out["readingRoomRenew"]["loan"]["renewals"] == 1
    back = await call(gql, "ReadingRoomCheckin", {"input": {"roomId": jd,
                      "barcode": "YG-NEW-0001"}}, **kw)
    assert back["readingRoomCheckin"]["checkin"]["action"] == "SHELF"
    sent = await call(gql, "ReadingRoomCreateTransfer", {"input": {
        "fromRoomId": qr, "toRoomId": jd, "barcodes": ["YG-NEW-0002"]}}, **kw)
    assert sent["readingRoomCreateTransfer"]["transfer"]["items"] == 1
    added = await call(gql, "ReadingRoomAddTitle", {"input": {
        "isbn": "978-7-5302-1593-5", "title": "平凡的世界（新版）", "classLetter": "I"}}, **kw)
    assert added["readingRoomAddTitle"]["__typename"] in ("ReadingRoomAddTitlePayload",
                                                         "UserError")
    registered = await call(gql, "ReadingRoomRegisterCard", {"input": {
        "name": "新读者", "idNumber": "11010519491231002X", "phone": "13912345678"}}, **kw)
    assert registered["readingRoomRegisterCard"]["card"]["readerType"] == "adult"
    seat = detail["node"]["seats"][5]["id"]
    booked = await call(gql, "ReadingRoomBookSeat", {"input": {
        "seatId": seat, "bookedOn": (datetime.now(UTC) + timedelta(days=2)).date().isoformat(),
        "slot": 1, "cardNumber": card["card_number"]}}, **kw)
    assert booked["readingRoomBookSeat"]["booking"]["slot"] == 1
    day = (datetime.now(UTC) + timedelta(days=2)).date().isoformat()
    slots = await call(gql, "ReadingRoomSeatSlots", {"id": qr, "on": day}, node=tenants[1].code)
    assert [s["takenSlots"] for s in slots["node"]["seats"] if s["id"] == seat] == [[1]]
    more = await call(gql, "ReadingRoomAddSeats", {"input": {"roomId": qr,
                                                            "labels": ["C01", "C02"]}}, **kw)
    assert len(more["readingRoomAddSeats"]["room"]["seats"]) == 12
    counted = await call(gql, "ReadingRoomRecordVisits", {"input": {"roomId": qr,
                                                                    "entries": 35}}, **kw)
    assert counted["readingRoomRecordVisits"]["visit"]["entries"] >= 35
    activity = await call(gql, "ReadingRoomCreateActivity", {"input": {
        "roomId": qr, "title": "亲子绘本会", "kind": "parent_child", "capacity": 2,
        "startsAt": (datetime.now(UTC) + timedelta(days=5)).isoformat()}}, **kw)
    act = activity["readingRoomCreateActivity"]["activity"]
    joined = await call(gql, "ReadingRoomSignUp", {"input": {
        "activityId": act["id"], "cardNumber": card["card_number"]}}, **kw)
    assert joined["readingRoomSignUp"]["activity"]["signedUp"] == 1
    created = await call(gql, "ReadingRoomAddRoom", {"input": {
        "name": "侨润第二书房", "placeTenantCode": tenants[0].code}}, **kw)
    room_id = created["readingRoomAddRoom"]["room"]["id"]
    librarian = await factory.account(county, "reading_rooms.librarian")
    linked = await call(gql, "ReadingRoomLinkLibrarian", {"input": {
        "roomId": room_id, "accountId": encode_global_id("Account", librarian.id)}}, **kw)
    assert linked["readingRoomLinkLibrarian"]["__typename"] == "ReadingRoomLinkLibrarianPayload"
    shown = await call(gql, "ReadingRoomRevealCard", {"input": {
        "cardNumber": card["card_number"], "reason": "演示：核对身份"}}, **kw)
    assert shown["readingRoomRevealCard"]["identity"]["name"]
    status = await call(gql, "ReadingRoomSetCardStatus", {"input": {
        "cardNumber": registered["readingRoomRegisterCard"]["card"]["cardNumber"],
        "status": "blocked"}}, **kw)
    assert status["readingRoomSetCardStatus"]["card"]["status"] == "blocked"
    again = await call(gql, "ReadingRoomCreateNetwork", {"input": {"name": "阳谷县城市书房"}}, **kw)
    assert again["readingRoomCreateNetwork"]["code"] == "CONFLICT"
