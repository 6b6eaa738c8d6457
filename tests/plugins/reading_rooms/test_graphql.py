"""The main workflow through GraphQL with the committed example operations: a reader of 侨润街道
registers and borrows in 寿张镇, returns in 金斗营镇; librarians limited to their room; a machine
key bound to a room; the public catalogue search in Chinese and by ISBN; statement counts that do
not grow with page size; who may see the network at all; PLUGIN_DISABLED."""

from __future__ import annotations

import re
from pathlib import Path

from core.plugin import decode_global_id, encode_global_id
from core.testing import count_statements as counting

OPS = Path(__file__).resolve().parents[3] / "graphql" / "operations" / "reading_rooms"
DOC = "\n".join(p.read_text(encoding="utf-8") for p in sorted(OPS.glob("*.graphql")))


def only(name: str) -> str:
    """One named operation of the example documents (operations are separated by blank
    lines)."""
    return next(b for b in DOC.split("\n\n")
                if re.search(rf"(query|mutation) {name}\b", b))


async def call(gql, name: str, variables: dict | None = None, **kw) -> dict:
    """Run one named operation of the example documents."""
    out = await gql(only(name), variables or {}, **kw)
    assert "errors" not in out, out
    return out["data"]




def room_gid(world, key: str) -> str:
    return encode_global_id("ReadingRoomRoom", world.rooms[key])


async def librarian(world, factory, key: str):
    from plugins.reading_rooms.services import network

    account = await factory.account(world.county, "reading_rooms.librarian")
    async with world.county_write():
        await network.link_librarian(world.staff, world.rooms[key], account.id)
    return account


async def test_reader_borrows_in_one_town_and_returns_in_another(world, factory, gql):
    reader = await factory.account(world.qr, "resident")
    card = await world.card("张三", account=reader, home=world.qr)
    assert card["home_tenant_id"] == world.qr.id
    _, codes = await world.title("红楼梦", copies={"sz": 1})
    at_sz, at_jd = await librarian(world, factory, "sz"), await librarian(world, factory, "jd")
    county = world.county.code
    out = await call(gql, "ReadingRoomCheckout", {"input": {
        "roomId": room_gid(world, "sz"), "cardNumber": card["card_number"],
        "barcode": codes[0]}}, token=at_sz.token, node=county)
    loan = out["readingRoomCheckout"]["loan"]
    assert loan["copy"]["title"]["title"] == "红楼梦" and loan["room"]["name"] == "寿张书房"
    # the 寿张 librarian cannot act at 金斗营; the 金斗营 librarian can
    refused = await call(gql, "ReadingRoomCheckin", {"input": {
        "roomId": room_gid(world, "jd"), "barcode": codes[0]}}, token=at_sz.token, node=county)
    assert refused["readingRoomCheckin"]["code"] == "FORBIDDEN"
    mine = await call(gql, "ReadingRoomMyCards", token=reader.token, node=world.qr.code)
    [own] = mine["readingRoomMyCards"]
    assert own["name"] == "张*" and [x["copy"]["barcode"] for x in own["loans"]] == codes
    back = await call(gql, "ReadingRoomCheckin", {"input": {
        "roomId": room_gid(world, "jd"), "barcode": codes[0]}}, token=at_jd.token, node=county)
    checkin = back["readingRoomCheckin"]["checkin"]
    assert (checkin["action"], checkin["destinationRoom"]["name"], checkin["instruction"]) == (
        "SHELF", "金斗营书房", "上架（本书房）")
    assert (await world.copy(codes[0]))["current_room_id"] == world.rooms["jd"]
    # the reader renews nothing now (returned), and cannot see another reader's card
    other = await factory.account(world.sz, "resident")
    await world.card("李四", account=other, home=world.sz)
    theirs = await call(gql, "ReadingRoomMyCards", token=other.token, node=world.sz.code)
    assert [c["name"] for c in theirs["readingRoomMyCards"]] == ["李*"]


async def test_self_service_registration_rules(world, factory, gql):
    from core.testing import id_number

    reader = await factory.account(world.qr, "resident")
    number = id_number(__import__("datetime").date(1980, 1, 2), male=True)
    ok = await call(gql, "ReadingRoomRegisterCard", {"input": {"name": "王五",
                    "idNumber": number, "phone": "13912345678"}},
                    token=reader.token, node=world.qr.code)
    card = ok["readingRoomRegisterCard"]["card"]
    assert card["idNumber"].startswith(number[:2]) and "*" in card["idNumber"]
    assert card["phone"] == "139******78"
    again = await call(gql, "ReadingRoomRegisterCard", {"input": {"name": "王五",
                       "idNumber": number}}, token=reader.token, node=world.sz.code
                       if False else world.qr.code)
    assert again["readingRoomRegisterCard"]["code"] == "CONFLICT"
    bad = await call(gql, "ReadingRoomRegisterCard", {"input": {"name": "王五",
                     "idNumber": number[:-1] + ("0" if number[-1] != "0" else "1")}},
                     token=reader.token, node=world.qr.code)
    assert bad["readingRoomRegisterCard"]["field"] == "idNumber"
    child = await call(gql, "ReadingRoomRegisterCard", {"input": {"name": "王小",
                       "idNumber": id_number(__import__("datetime").date(2018, 5, 1),
                                             male=False)}},
                       token=reader.token, node=world.qr.code)
    assert child["readingRoomRegisterCard"]["field"] == "guardianCardNumber"
    child = await call(gql, "ReadingRoomRegisterCard", {"input": {
        "name": "王小", "idNumber": id_number(__import__("datetime").date(2018, 5, 1),
                                            male=False),
        "guardianCardNumber": card["cardNumber"]}}, token=reader.token, node=world.qr.code)
    assert child["readingRoomRegisterCard"]["card"]["readerType"] == "child"
    mine = await call(gql, "ReadingRoomMyCards", token=reader.token, node=world.qr.code)
    assert [c["readerType"] for c in mine["readingRoomMyCards"]] == ["adult", "child"]


async def test_catalogue_search_in_chinese_and_by_isbn(world, gql, factory):
    from plugins.reading_rooms.services import catalogue

    async with world.county_write():
        row = await catalogue.add_title(world.staff, world.network, isbn="7-02-000220-X",
                                        title="红楼梦", authors="曹雪芹 高鹗",
                                        publisher="人民文学出版社", year=1996, class_letter="I",
                                        call_number="I242.4/1")
        await catalogue.add_copies(world.staff, world.network, int(row["id"]),
                                   world.rooms["sz"], ["HLM-1"])
    await world.title("西游记", authors="吴承恩")
    assert row["isbn13"] == "9787020002207"
    for words in ("红楼", "曹雪芹", "9787020002207", "978-7-02-000220-7", "702000220X",
                  "7-02-000220-X"):
        out = await call(gql, "ReadingRoomSearch", {"first": 10, "words": words},
                         node=world.jd.code)  # anonymous: the public board of 金斗营镇
        titles = [e["node"]["title"] for e in out["readingRoomSearch"]["edges"]]
        assert titles == ["红楼梦"], (words, titles)
    out = await call(gql, "ReadingRoomSearch", {"first": 10, "words": "红楼",
                     "availableInRoomId": room_gid(world, "sz")}, node=world.qr.code)
    [edge] = out["readingRoomSearch"]["edges"]
    assert edge["node"]["availability"] == [{"available": 1, "room": {
        "id": room_gid(world, "sz"), "name": "寿张书房"}}]
    none = await call(gql, "ReadingRoomSearch", {"first": 10, "words": "红楼",
                      "availableInRoomId": room_gid(world, "qr")}, node=world.qr.code)
    assert none["readingRoomSearch"]["edges"] == []
    bad = await gql(only("ReadingRoomSearch"), {"first": 10, "classLetter": "ZZ"},
                    node=world.qr.code)
    assert bad["errors"][0]["extensions"]["code"] == "INVALID_ARGUMENT"


async def test_machine_key_bound_to_a_room(world, gql, linli_env):
    from core.identity.apikeys import create_api_key

    card = await world.card()
    _, codes = await world.title(copies={"qr": 1, "sz": 1})
    async with linli_env.state.db.transaction():
        _, key = await create_api_key(world.county.id, ["reading_rooms.circulate",
                                                        "reading_rooms.read"],
                                      linli_env.state.rolebook, object_kind="reading_rooms.room",
                                      object_id=world.rooms["qr"])
    kw = {"headers": {"X-Api-Key": key}}
    status = await call(gql, "ReadingRoomPatronStatus", {"roomId": room_gid(world, "qr"),
                        "cardNumber": card["card_number"]}, **kw)
    assert status["readingRoomPatronStatus"]["status"] == "active"
    out = await call(gql, "ReadingRoomCheckout", {"input": {
        "roomId": room_gid(world, "qr"), "cardNumber": card["card_number"],
        "barcode": codes[0]}}, **kw)
    assert out["readingRoomCheckout"]["__typename"] == "ReadingRoomCheckoutPayload"
    elsewhere = await call(gql, "ReadingRoomCheckout", {"input": {
        "roomId": room_gid(world, "sz"), "cardNumber": card["card_number"],
        "barcode": codes[1]}}, **kw)
    assert elsewhere["readingRoomCheckout"]["code"] == "FORBIDDEN"
    status = await call(gql, "ReadingRoomPatronStatus", {"roomId": room_gid(world, "qr"),
                        "cardNumber": card["card_number"]}, **kw)
    assert [x["copy"]["barcode"] for x in status["readingRoomPatronStatus"]["loans"]] == [
        codes[0]]


async def test_statement_count_is_the_same_for_10_and_100_loans(world, factory, gql,
                                                                 linli_env):
    central = await factory.account(world.county, "reading_rooms.central")
    cards = [await world.card(f"读者{n}") for n in range(3)]
    _, codes = await world.title(copies={"qr": 12, "sz": 3})
    for n, code in enumerate(codes[:12]):
        await world.checkout("qr", cards[n % 3], code)
    counts = {}
    for first in (10, 100):
        for _ in range(2):  # the first request warms the token's access and the plugin gate
            with counting(linli_env.state.db.engine) as calls:
                out = await call(gql, "ReadingRoomLoans", {"first": first}, token=central.token,
                                 node=world.county.code)
        assert len(out["readingRoomLoans"]["edges"]) == min(first, 12)
        counts[first] = len(calls)
    assert counts[10] == counts[100], counts
    for first in (10, 100):
        for _ in range(2):
            with counting(linli_env.state.db.engine) as calls:
                await call(gql, "ReadingRoomSearch", {"first": first}, node=world.qr.code)
        counts[f"search{first}"] = len(calls)
    assert counts["search10"] == counts["search100"], counts


async def test_who_sees_the_network(world, factory, gql, enable_plugin):
    from core.plugin import system_access
    from plugins.reading_rooms.services import network
    from tenants.service import scope_for

    central = await factory.account(world.county, "reading_rooms.central")
    other_county = await factory.region("county", name="东阿县")
    await enable_plugin(other_county, "reading_rooms")
    async with world.db.scoped(scope_for(other_county), write=True):
        await network.create_network(system_access(other_county), "东阿县城市书房")
    other_staff = await factory.account(other_county, "reading_rooms.central")
    outsider = await factory.tenant(other_county, name="新城街道")
    outsider_reader = await factory.account(outsider, "resident")
    official = await factory.account(world.county, "region_official")
    reader = await factory.account(world.qr, "resident")
    card = await world.card("张三", account=reader, home=world.qr)

    seen = await call(gql, "ReadingRoomNetworks", token=official.token, node=world.county.code)
    assert [n["name"] for n in seen["readingRoomNetworks"]] == ["阳谷县城市书房"]
    below = await call(gql, "ReadingRoomNetworks", node=world.sz.code)   # public, below
    assert len(below["readingRoomNetworks"]) == 1
    report = await call(gql, "ReadingRoomReport", {"month": "2026-11"}, token=official.token,
                        node=world.county.code)
    assert len(report["readingRoomReport"]["collection"]) == 3
    assert len(report["readingRoomReport"]["collection"][0]["missingClasses"]) == 22
    for who, node in ((other_staff, other_county), (outsider_reader, outsider)):
        out = await call(gql, "ReadingRoomNetworks", token=who.token, node=node.code)
        assert [n["name"] for n in out["readingRoomNetworks"]] == ["东阿县城市书房"]
    anonymous = await call(gql, "ReadingRoomNetworks", node=outsider.code)
    assert [n["name"] for n in anonymous["readingRoomNetworks"]] == ["东阿县城市书房"]
    await world.title("红楼梦")
    theirs = await call(gql, "ReadingRoomSearch", {"first": 5, "words": "红"},
                        node=outsider.code)
    assert theirs["readingRoomSearch"]["edges"] == []     # their own (empty) catalogue
    mine = await call(gql, "ReadingRoomSearch", {"first": 5, "words": "红"}, node=world.qr.code)
    assert len(mine["readingRoomSearch"]["edges"]) == 1
    named = await gql(only("ReadingRoomSearch").replace("$after: String,", "$after: String, "
                                                       "$networkId: ID,").replace(
        "after: $after,", "after: $after, networkId: $networkId,"),
        {"first": 5, "networkId": encode_global_id("ReadingRoomNetwork", world.network.id)},
        node=outsider.code)
    assert named["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    # a reader outside the county cannot register; staff of another county see no cards
    join = await call(gql, "ReadingRoomRegisterCard", {"input": {
        "name": "外人", "idNumber": "11010519491231002X",
        "networkId": encode_global_id("ReadingRoomNetwork", world.network.id)}},
        token=outsider_reader.token, node=outsider.code)
    assert join["readingRoomRegisterCard"]["code"] == "NOT_FOUND"
    loans = await gql("query($n: ID) { readingRoomLoans(first: 5, networkId: $n) { edges { "
                      "node { id } } } }",
                      {"n": encode_global_id("ReadingRoomNetwork", world.network.id)},
                      token=other_staff.token, node=other_county.code)
    assert loans["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    patron = await gql(only("ReadingRoomPatronStatus"), {"roomId": room_gid(world, "qr"),
                       "cardNumber": card["card_number"]}, token=other_staff.token,
                       node=other_county.code)
    assert patron["errors"][0]["extensions"]["code"] == "NOT_FOUND"       # another county's card
    own = await call(gql, "ReadingRoomLoans", {"first": 5}, token=central.token,
                     node=world.county.code)
    assert own["readingRoomLoans"]["edges"] == []
    # a reader of a tenant below never reads the county's loans list
    as_reader = await gql(only("ReadingRoomLoans"), {"first": 5},
                          token=reader.token, node=world.qr.code)
    assert as_reader["errors"][0]["extensions"]["code"] in ("FORBIDDEN", "NOT_FOUND")


async def test_plugin_disabled_where_off(gql, factory):
    tenant = await factory.tenant()
    admin = await factory.account(tenant)
    out = await gql("{ readingRoomNetworks { id } }", token=admin.token, node=tenant.code)
    assert out["errors"][0]["extensions"]["code"] == "PLUGIN_DISABLED"


def test_ids_are_global(world):
    kind, _ = decode_global_id(room_gid(world, "qr"), "ReadingRoomRoom", "id")
    assert kind == "ReadingRoomRoom"


async def test_catalogue_sheet_import_with_row_errors(world, factory, gql):
    import base64
    import io

    from openpyxl import Workbook

    central = await factory.account(world.county, "reading_rooms.central")
    book = Workbook()
    sheet = book.active
    sheet.append(["ISBN", "题名", "责任者", "出版社", "出版年", "中图法大类", "索书号", "书房", "条码"])
    sheet.append(["978-7-02-000220-7", "红楼梦", "曹雪芹", "人民文学出版社", 1996, "I", "I242/1",
                  "不二城市书房", "S-1,S-2"])
    sheet.append(["9787020002208", "坏校验", "", "", "", "I", "", "不二城市书房", "S-3"])
    sheet.append(["7-02-000221-8", "无此类", "", "", "", "W", "", "不二城市书房", ""])
    sheet.append(["9787020002207", "红楼梦", "", "", "", "I", "", "没有的书房", "S-4"])
    buffer = io.BytesIO()
    book.save(buffer)
    out = await call(gql, "ReadingRoomImportCatalogue", {"input": {
        "contentBase64": base64.b64encode(buffer.getvalue()).decode()}},
        token=central.token, node=world.county.code)
    report = out["readingRoomImportCatalogue"]
    assert (report["titles"], report["copies"]) == (1, 2)
    assert [(e["row"], e["field"]) for e in report["errors"]] == [
        (3, "isbn"), (4, "classLetter"), (5, "room")]
    again = await call(gql, "ReadingRoomImportCatalogue", {"input": {
        "contentBase64": base64.b64encode(buffer.getvalue()).decode()}},
        token=central.token, node=world.county.code)              # idempotent: nothing more
    rerun = again["readingRoomImportCatalogue"]
    assert (rerun["titles"], rerun["copies"], rerun["errorCount"]) == (0, 0, 3)
    junk = await call(gql, "ReadingRoomImportCatalogue", {"input": {"contentBase64": "bm90"}},
                      token=central.token, node=world.county.code)
    assert junk["readingRoomImportCatalogue"]["code"] == "INVALID_ARGUMENT"


async def test_card_status_and_audited_reveal(world, factory, gql, linli_env):
    central = await factory.account(world.county, "reading_rooms.central")
    admin = await factory.account(world.county)                   # tenant_admin of the county
    card = await world.card("赵六")
    _, codes = await world.title()
    kw = {"token": central.token, "node": world.county.code}
    refused = await call(gql, "ReadingRoomRevealCard", {"input": {
        "cardNumber": card["card_number"], "reason": "核对身份"}}, **kw)
    assert refused["readingRoomRevealCard"]["code"] == "FORBIDDEN"
    no_reason = await call(gql, "ReadingRoomRevealCard", {"input": {
        "cardNumber": card["card_number"], "reason": " "}}, token=admin.token,
        node=world.county.code)
    assert no_reason["readingRoomRevealCard"]["field"] == "reason"
    shown = await call(gql, "ReadingRoomRevealCard", {"input": {
        "cardNumber": card["card_number"], "reason": "核对身份"}}, token=admin.token,
        node=world.county.code)
    identity = shown["readingRoomRevealCard"]["identity"]
    assert identity["name"] == "赵六" and len(identity["idNumber"]) == 18
    from core.audit.service import AuditEntry
    from tenants.service import scope_for

    async with linli_env.state.db.scoped(scope_for(world.county)):
        entries = await AuditEntry.select().where(AuditEntry.action == "reading_rooms.card.reveal")
    assert entries and entries[-1]["account_id"] == admin.id
    blocked = await call(gql, "ReadingRoomSetCardStatus", {"input": {
        "cardNumber": card["card_number"], "status": "blocked"}}, **kw)
    assert blocked["readingRoomSetCardStatus"]["card"]["status"] == "blocked"
    out = await call(gql, "ReadingRoomCheckout", {"input": {
        "roomId": room_gid(world, "qr"), "cardNumber": card["card_number"],
        "barcode": codes[0]}}, **kw)
    assert out["readingRoomCheckout"]["field"] == "cardNumber"
