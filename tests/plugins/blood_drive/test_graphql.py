"""The main workflow through GraphQL with the example operations: the city creates a campaign
and targets, a street office schedules a session, a donor registers, pre-checks, books; site
staff check in and record the result; the station imports results. Organisers never reach
health answers — through any field, ``node()`` or the lists; the statement count of the main
nested lists does not grow with the page; the plugin answers PLUGIN_DISABLED where it is off."""

from __future__ import annotations

import json
import re
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from core.plugin import SHANGHAI, encode_global_id
from core.testing import count_statements as counting

OPS = Path(__file__).resolve().parents[3] / "graphql" / "operations" / "blood_drive"
DOCS = "\n".join(p.read_text(encoding="utf-8") for p in sorted(OPS.glob("*.graphql")))


def op(name: str) -> str:
    """One named operation of the example documents."""
    parts = re.split(r"\n(?=(?:query|mutation|subscription) )", DOCS)
    return next(p for p in parts if re.match(rf"(query|mutation|subscription) {name}\b", p.strip()))


async def call(gql: Any, name: str, variables: dict[str, Any], who: Any, node: Any) -> Any:
    out = await gql(op(name), variables, token=who.token, node=node.code)
    assert "errors" not in out, out
    data = next(iter(out["data"].values()))
    if isinstance(data, dict) and data.get("__typename") == "UserError":
        raise AssertionError(data)
    return out["data"] if len(out["data"]) > 1 else data




async def donor_account(world: Any, resident_id: int) -> Any:
    from core.identity.tables import Account

    acct = await world.factory.account(world.a.node, "resident")
    async with world.env.state.db.transaction():
        await Account.update({Account.resident_id: resident_id,
                              Account.resident_tenant_id: world.a.node.id}).where(
            Account.id == acct.id)
    return acct


async def workflow(world: Any, gql: Any) -> dict[str, Any]:
    today = date.today()
    campaign = await call(gql, "BloodDriveCreateCampaign", {"input": {
        "title": "学雷锋见行动 捐热血献真情", "startsOn": str(today - timedelta(days=1)),
        "endsOn": str(today + timedelta(days=30)),
        "organisers": ["市委市直机关工委", "市文明办", "团市委", "市卫健委", "市红十字会"],
        "contactName": "王老师", "contactPhones": ["0635-0000001"],
        "anchorOn": str(today + timedelta(days=10)), "anchorName": "学雷锋纪念日",
        "targetGroups": ["CADRES", "PARTY_MEMBERS", "LEAGUE_MEMBERS", "PUBLIC"],
        "targetDonors": 100, "targetUnits": 150}}, world.organiser, world.city)
    cid = campaign["campaign"]["id"]
    await call(gql, "BloodDriveSetTarget", {"input": {
        "campaignId": cid, "tenantId": encode_global_id("Tenant", world.a.node.id),
        "donors": 40, "units": 60}}, world.organiser, world.city)
    day = today + timedelta(days=2)
    start = datetime(day.year, day.month, day.day, 9, tzinfo=SHANGHAI)
    session = await call(gql, "BloodDriveCreateSession", {"input": {
        "campaignId": cid, "siteName": "献血车（柳园广场）", "heldOn": str(day),
        "slots": [{"startsAt": (start + timedelta(hours=h)).isoformat(),
                   "endsAt": (start + timedelta(hours=h + 1)).isoformat(), "capacity": 2}
                  for h in range(2)]}}, world.a.admin, world.a.node)
    slots = session["session"]["slots"]
    await call(gql, "BloodDriveSetUnit", {"input": {"name": "市直机关", "staffCount": 300}},
               world.a.admin, world.a.node)
    resident = await world.factory.resident(world.a.household, "张献血", birth=date(1990, 5, 1))
    donor_acct = await donor_account(world, resident.id)
    donor = await call(gql, "BloodDriveRegisterDonor", {"input": {
        "residentId": encode_global_id("Resident", resident.id), "workUnit": "市直机关",
        "remindOptIn": True}}, donor_acct, world.a.node)
    did = donor["donor"]["id"]
    assert donor["donor"]["nameMasked"] == "张**"
    check = await call(gql, "BloodDriveSubmitPrecheck", {"input": {
        "donorId": did, "weightKg": 68, "campaignId": cid}}, donor_acct, world.a.node)
    assert check["precheck"]["outcome"] == "ELIGIBLE"
    assert check["precheck"]["answers"]["weightKg"] == 68
    booking = await call(gql, "BloodDriveBook", {"input": {"slotId": slots[0]["id"],
                                                           "donorId": did}},
                         donor_acct, world.a.node)
    bid = booking["booking"]["id"]
    await call(gql, "BloodDriveCheckIn", {"input": {"bookingId": bid}}, world.a.site,
               world.a.node)
    result = await call(gql, "BloodDriveRecordResult", {"input": {
        "bookingId": bid, "outcome": "DONATED", "volumeMl": 400}}, world.a.site, world.a.node)
    assert result["created"] and result["donation"]["count"] == 2.0
    again = await call(gql, "BloodDriveRecordResult", {"input": {
        "bookingId": bid, "outcome": "DONATED", "volumeMl": 400}}, world.a.site, world.a.node)
    assert not again["created"] and again["donation"]["id"] == result["donation"]["id"]
    return {"campaign": cid, "donor": did, "precheck": check["precheck"]["id"],
            "booking": bid, "donation": result["donation"]["id"], "donor_acct": donor_acct,
            "session": session["session"]["id"], "resident": resident}


async def test_workflow_and_event(world, gql, emitted_events):
    ids = await workflow(world, gql)
    events = await emitted_events(world.a.node, "blood_drive.donation_completed")
    assert len(events) == 1
    assert json.loads(events[0].payload)["resident_id"] == ids["resident"].id
    honours = await call(gql, "BloodDriveHonours", {"donorId": ids["donor"]},
                         ids["donor_acct"], world.a.node)
    assert honours["bloodDriveHonours"]["count"] == 2.0
    assert honours["bloodDriveHonours"]["nextTier"] == "BRONZE"
    assert honours["bloodDriveHonours"]["remaining"] == 18.0
    assert honours["bloodDriveBenefits"]["donorLimitMl"] == 2000
    stats = await call(gql, "BloodDriveCampaignStats", {"campaignId": ids["campaign"]},
                       world.organiser, world.city)
    total, *rest = stats["lines"]
    assert (total["signups"], total["donations"], total["volumeMl"], total["targetDonors"]) \
        == (1, 1, 400, 100)
    street = next(x for x in rest if x["workUnit"] == "" and x["tenantName"] == "街道0")
    assert (street["targetDonors"], street["count"]) == (40, 2.0)
    board = await call(gql, "BloodDriveUnitLeaderboard", {"campaignId": ids["campaign"]},
                       world.organiser, world.city)
    assert board[0]["workUnit"] == "市直机关"
    people = await call(gql, "BloodDriveDonorLeaderboard", {"campaignId": ids["campaign"]},
                        world.organiser, world.city)
    assert people == []                 # the donor did not agree to be ranked
    shift = await call(gql, "BloodDriveRecordVolunteer", {"input": {
        "sessionId": ids["session"], "residentId": encode_global_id("Resident",
                                                                     ids["resident"].id),
        "minutes": 240}}, world.a.admin, world.a.node)
    assert shift["created"]
    assert len(await emitted_events(world.a.node, "volunteer.service_recorded")) == 1


async def test_organisers_never_see_health_answers(world, gql):
    ids = await workflow(world, gql)
    for who, node in ((world.organiser, world.city), (world.a.admin, world.a.node)):
        for name, variables in (("BloodDrivePrechecks", {"donorId": ids["donor"], "first": 5}),
                                ("BloodDriveDonations", {"donorId": ids["donor"], "first": 5})):
            out = await gql(op(name), variables, token=who.token, node=node.code)
            assert out["data"] is None and out["errors"][0]["extensions"]["code"] == \
                "NOT_FOUND", out
        for gid in (ids["precheck"], ids["donation"]):
            out = await gql("query($id: ID!) { node(id: $id) { id } }", {"id": gid},
                            token=who.token, node=node.code)
            assert "errors" in out and "68" not in str(out), out
        reveal = await gql(op("BloodDriveRevealPrecheck"), {"input": {
            "precheckId": ids["precheck"], "reason": "核对"}}, token=who.token, node=node.code)
        assert reveal["data"]["bloodDriveRevealPrecheck"]["code"] == "NOT_FOUND", reveal
        listed = await gql(op("BloodDriveBookings"), {"first": 10}, token=who.token,
                           node=node.code)
        assert "errors" not in listed and "weight" not in str(listed).lower()
    # site staff reveal the answers on purpose, with a reason; audited
    shown = await call(gql, "BloodDriveRevealPrecheck", {"input": {
        "precheckId": ids["precheck"], "reason": "采血前复核"}}, world.a.site, world.a.node)
    assert shown["precheck"]["answers"]["weightKg"] == 68
    from core.audit.service import AuditEntry

    async with world.read(world.a.node):
        entries = await AuditEntry.select().where(
            AuditEntry.action == "blood_drive.precheck.reveal")
    assert len(entries) == 1 and "weight" not in str(entries[0]["summary"])


async def test_answers_are_sealed_at_rest(world, gql):
    ids = await workflow(world, gql)
    from plugins.blood_drive.tables import Precheck

    async with world.read(world.a.node):
        row = await Precheck.select().first()
    assert row["answers_cipher"].startswith("v1:") and "weight" not in row["answers_cipher"]
    assert row["reasons_cipher"].startswith("v1:")
    assert ids["precheck"]


async def test_import_is_idempotent_with_rejections(world, gql):
    ids = await workflow(world, gql)
    station = await world.factory.account(world.a.node, "blood_drive.station_staff")
    rows = [
        {"externalId": "LC-1", "donorId": ids["donor"], "donatedOn": "2009-06-01",
         "outcome": "DONATED", "kind": "PLATELETS", "units": 1},
        {"externalId": "LC-2", "donorId": ids["donor"], "donatedOn": "2021-06-01",
         "outcome": "DONATED", "volumeMl": 350},
        {"externalId": "LC-3", "donorId": "bad", "donatedOn": "2021-06-01",
         "outcome": "DONATED", "volumeMl": 200},
        {"externalId": "LC-4", "donorId": ids["donor"], "donatedOn": "2022-06-01",
         "outcome": "DEFERRED", "deferralCode": "hemoglobin"},
        {"externalId": "LC-1", "donorId": ids["donor"], "donatedOn": "2009-06-01",
         "outcome": "DONATED", "kind": "PLATELETS", "units": 1},
    ]
    first = await call(gql, "BloodDriveImportResults", {"input": {"rows": rows}}, station,
                       world.a.node)
    report = first["report"]
    assert (report["imported"], report["duplicates"]) == (2, 0), report
    assert [(r["row"], r["field"]) for r in report["rejected"]] == [
        (2, "volumeMl"), (3, "donorId"), (5, "externalId")]
    second = await call(gql, "BloodDriveImportResults", {"input": {"rows": rows[:2]}}, station,
                        world.a.node)
    assert (second["report"]["imported"], second["report"]["duplicates"]) == (0, 1)
    honours = await call(gql, "BloodDriveHonours", {"donorId": ids["donor"]},
                         ids["donor_acct"], world.a.node)
    assert honours["bloodDriveHonours"]["count"] == 6.0     # 400 mL = 2, 2009 platelet = 4
    refused = await gql(op("BloodDriveImportResults"), {"input": {"rows": rows}},
                        token=world.a.admin.token, node=world.a.node.code)
    assert refused["data"]["bloodDriveImportResults"]["code"] == "FORBIDDEN"


async def test_statement_count_of_nested_lists(world, gql, linli_env):
    campaign = await world.campaign()
    from plugins.blood_drive.services import bookings

    for n in range(12):
        session = await world.session(world.a, campaign, capacity=2, slots=2, days=2 + n)
        slot = (await world.slots(world.a, session))[0]
        donor = await world.donor(world.a, f"献血者{n}")
        await world.do(world.a.node, lambda s, sl=slot, d=donor: bookings.book(
            s, int(sl["id"]), int(d["id"])))
    counts = {}
    kw = {"token": world.a.admin.token, "node": world.a.node.code}
    for first in (10, 100):
        for name in ("BloodDriveSessions", "BloodDriveBookings", "BloodDriveCampaigns"):
            # warm: the token's access and the plugin gate are cached after a first request
            await gql(op(name), {"first": first}, **kw)
            with counting(linli_env.state.db.engine) as calls:
                out = await gql(op(name), {"first": first}, **kw)
            assert "errors" not in out, out
            counts[(name, first)] = len(calls)
    print(f"\nblood_drive statement counts: {counts}")
    for name in ("BloodDriveSessions", "BloodDriveBookings", "BloodDriveCampaigns"):
        assert counts[(name, 10)] == counts[(name, 100)], counts


async def test_plugin_disabled(world, gql, factory, enable_plugin):
    other = await factory.tenant()
    admin = await factory.account(other)
    out = await gql(op("BloodDriveCampaigns"), {"first": 5}, token=admin.token, node=other.code)
    assert out["errors"][0]["extensions"]["code"] == "PLUGIN_DISABLED"


async def test_isolation_probe(world, isolation_probe):
    from plugins.blood_drive import tables

    await isolation_probe([tables.Campaign, tables.Target, tables.Unit, tables.Donor,
                           tables.Precheck, tables.Session, tables.Slot, tables.Booking,
                           tables.Donation, tables.VolunteerShift, tables.Reminder])


async def test_station_sheet_by_id_number(world, gql):
    import base64
    import io

    from openpyxl import Workbook

    from core.people.residents import apply_resident, make_resident_data
    from core.testing import id_number

    number = id_number(date(1988, 4, 2), male=False)
    async with world.write(world.a.node):
        rec, _ = await apply_resident(make_resident_data(
            name="刘献血", id_number=number, household=world.a.household, relation="其他",
            tags=[]), world.env.settings.pii_key)
    station = await world.factory.account(world.a.node, "blood_drive.station_staff")
    book = Workbook()
    sheet = book.active
    sheet.append(["血站记录号", "身份证号", "献血日期", "结果", "类型", "献血量", "治疗单位",
                  "暂缓原因"])
    sheet.append(["LC-S1", number, date(2024, 3, 1), "已献血", "全血", 400, None, None])
    sheet.append(["LC-S2", number, date(2024, 9, 5), "已献血", "血小板", None, 2, None])
    sheet.append(["LC-S3", "110101199001011234", date(2024, 9, 5), "已献血", "全血", 200, None,
                  None])
    sheet.append(["LC-S4", number, "not a date", "已献血", "全血", 200, None, None])
    buf = io.BytesIO()
    book.save(buf)
    payload = {"input": {"fileBase64": base64.b64encode(buf.getvalue()).decode()}}
    first = await call(gql, "BloodDriveImportResultsSheet", payload, station, world.a.node)
    assert first["report"]["imported"] == 2, first
    assert [(r["row"], r["field"]) for r in first["report"]["rejected"]] == [
        (4, "idNumber"), (5, "donatedOn")]
    again = await call(gql, "BloodDriveImportResultsSheet", payload, station, world.a.node)
    assert (again["report"]["imported"], again["report"]["duplicates"]) == (0, 2)
    from plugins.blood_drive.tables import Donation, Donor

    async with world.read(world.a.node):
        donor = await Donor.select().where(Donor.resident_id == rec.id).first()
        assert donor is not None      # the station's record made the resident a donor
        assert await Donation.count().where(Donation.donor_id == donor["id"]) == 2
    bad = await gql(op("BloodDriveImportResultsSheet"), {"input": {"fileBase64": "bm90IHhsc3g="}},
                    token=station.token, node=world.a.node.code)
    assert bad["data"]["bloodDriveImportResultsSheet"]["code"] == "INVALID_ARGUMENT"


async def test_points_market_turns_a_donation_into_a_claim(world, gql, enable_plugin, drain):
    """The contract with points_market: its handler finds the donor in ``resident_id`` and the
    date in ``donated_on`` and files one claim under item C02 (无偿献血)."""
    from plugins.points_market.tables import Claim

    await enable_plugin(world.a.node, "points_market")
    ids = await workflow(world, gql)
    await drain()
    await drain()
    async with world.read(world.a.node):
        claims = await Claim.select().where(
            Claim.source_type == "blood_drive.donation_completed")
    assert len(claims) == 1 and claims[0]["resident_id"] == ids["resident"].id


async def test_statistics_export_sheet_is_audited(world, gql):
    """The city's organiser downloads the campaign's statistics as .xlsx (total, each street
    office, each work unit, against targets); the download is audited with the actor; a caller
    without ``blood_drive.read`` is refused and nothing is audited."""
    import base64
    import io

    from openpyxl import load_workbook

    from core.audit.service import AuditEntry
    from plugins.blood_drive.services.stats import SHEET_HEADERS

    ids = await workflow(world, gql)
    out = await call(gql, "BloodDriveExportStats", {"input": {"campaignId": ids["campaign"]}},
                     world.organiser, world.city)
    assert out["fileName"].endswith(".xlsx") and out["campaign"]["id"] == ids["campaign"]
    sheet = load_workbook(io.BytesIO(base64.b64decode(out["contentBase64"]))).active
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert rows[0][0].startswith("学雷锋见行动 捐热血献真情")
    assert tuple(rows[1]) == SHEET_HEADERS
    total = rows[2]
    assert total[:10] == ["合计", None, 1, 1, 1, 1, 400, 2, 100, 150]
    assert total[10] == 0.01 and round(total[11], 4) == 0.0133
    street = next(r for r in rows[3:] if r[0] == "街道0" and r[1] is None)
    assert (street[5], street[8], street[9], street[10]) == (1, 40, 60, 0.025)
    unit = next(r for r in rows[3:] if r[1] == "市直机关")
    assert (unit[0], unit[2], unit[6], unit[8], unit[10]) == ("街道0", 1, 400, 0, None)
    resident = await world.factory.account(world.a.node, "resident")
    refused = await gql(op("BloodDriveExportStats"), {"input": {"campaignId": ids["campaign"]}},
                        token=resident.token, node=world.a.node.code)
    assert refused["data"]["bloodDriveExportStats"]["code"] == "FORBIDDEN", refused
    async with world.read(world.city):
        entries = await AuditEntry.select().where(
            AuditEntry.action == "blood_drive.stats.export")
    assert [(e["account_id"], e["object_type"]) for e in entries] == [
        (world.organiser.id, "BloodDriveCampaign")]


async def test_a_donor_books_another_street_office_from_the_public_call(world, gql):
    """A resident donor of street A, signed in at A, picks a slot on street B's public call
    and books it with B's code; the booking holds their one booking in the city's campaign;
    they cancel it the same way; another street's code of no such campaign is NOT_FOUND."""
    campaign = await world.campaign()
    await world.session(world.b, campaign)
    resident = await world.factory.resident(world.a.household, "王跨街", birth=date(1991, 2, 3))
    acct = await donor_account(world, resident.id)
    donor = await call(gql, "BloodDriveRegisterDonor", {"input": {
        "residentId": encode_global_id("Resident", resident.id)}}, acct, world.a.node)
    board = await gql(op("BloodDrivePublicCalls"), {}, node=world.b.node.code)
    [call_b] = [c for c in board["data"]["bloodDrivePublicCalls"] if c["title"] ==
                campaign["title"]]
    slot_id = call_b["sessions"][0]["slots"][0]["slotId"]
    booked = await call(gql, "BloodDriveBook", {"input": {
        "slotId": slot_id, "donorId": donor["donor"]["id"],
        "streetOfficeCode": world.b.node.code}}, acct, world.a.node)
    assert booked["booking"]["status"] == "BOOKED"
    # from A: B's slot is not A's to read; the visit says where and when, donor is A's donor
    visit = booked["booking"]["visit"]
    assert booked["booking"]["slot"] is None
    assert booked["booking"]["donor"]["id"] == donor["donor"]["id"]
    [session_b] = call_b["sessions"]
    assert (visit["streetOfficeName"], visit["streetOfficeCode"], visit["siteName"],
            visit["address"], visit["heldOn"], visit["status"]) == (
        world.b.node.name, world.b.node.code, session_b["siteName"], session_b["address"],
        session_b["heldOn"], "BOOKED")
    assert visit["startsAt"] == call_b["sessions"][0]["slots"][0]["startsAt"]
    listed_a = await call(gql, "BloodDriveVisits", {"donorId": donor["donor"]["id"],
                                                    "first": 10}, acct, world.a.node)
    assert [e["node"]["bookingId"] for e in listed_a["edges"]] == [
        booked["booking"]["id"]]
    again = await gql(op("BloodDriveBook"), {"input": {
        "slotId": slot_id, "donorId": donor["donor"]["id"],
        "streetOfficeCode": world.b.node.code}}, token=acct.token, node=world.a.node.code)
    assert again["data"]["bloodDriveBook"]["code"] == "CONFLICT"
    listed = await call(gql, "BloodDriveBookings", {"first": 10}, world.b.site, world.b.node)
    [edge] = listed["edges"]
    assert edge["node"]["donor"]["nameMasked"] == "王**"     # B's site staff see the visitor
    nowhere = await gql(op("BloodDriveBook"), {"input": {
        "slotId": slot_id, "donorId": donor["donor"]["id"], "streetOfficeCode": "000"}},
        token=acct.token, node=world.a.node.code)
    assert nowhere["data"]["bloodDriveBook"]["code"] == "NOT_FOUND"
    cancelled = await call(gql, "BloodDriveCancelBooking", {"input": {
        "bookingId": booked["booking"]["id"], "streetOfficeCode": world.b.node.code}},
        acct, world.a.node)
    assert cancelled["booking"]["status"] == "CANCELLED"
    assert cancelled["booking"]["visit"]["status"] == "CANCELLED"
    listed_a = await call(gql, "BloodDriveVisits", {"donorId": donor["donor"]["id"],
                                                    "first": 10}, acct, world.a.node)
    assert [e["node"]["status"] for e in listed_a["edges"]] == ["CANCELLED"]
    # B's street admin asking A's visits of that donor: not their donor
    other = await gql(op("BloodDriveVisits"), {"donorId": donor["donor"]["id"], "first": 10},
                      token=world.b.admin.token, node=world.b.node.code)
    assert other["data"] is None or other["data"]["bloodDriveVisits"] is None


HEALTH_MARKS = ("DONATED", "DEFERRED", "hemoglobin", "血红蛋白", "weightKg", "feelingWell",
                "体重", "adverse", "NOT_ELIGIBLE", "ELIGIBLE_FROM", "reasons")


async def test_no_query_node_or_export_gives_organisers_health_data(world, gql):
    """Every query document of the module (examples and console pages) run by the city's
    organiser and by the street's administrator, ``node()`` on every booking, pre-check and
    donation id, and the statistics sheet: no result, deferral, pre-check outcome or answer
    comes back (a donated or deferred booking reads ATTENDED); site staff see them."""
    import base64
    import io
    import re

    from openpyxl import load_workbook

    ids = await workflow(world, gql)
    # a second donor: a failed pre-check and a deferral
    resident = await world.factory.resident(world.a.household, "钱暂缓", birth=date(1985, 1, 1))
    donor = await call(gql, "BloodDriveRegisterDonor", {"input": {
        "residentId": encode_global_id("Resident", resident.id), "workUnit": "市直机关"}},
        world.a.admin, world.a.node)
    did = donor["donor"]["id"]
    low = await call(gql, "BloodDriveSubmitPrecheck", {"input": {
        "donorId": did, "weightKg": 41, "feelingWell": False}}, world.a.site, world.a.node)
    sessions = await call(gql, "BloodDriveSessions", {"first": 5}, world.a.admin, world.a.node)
    slot = sessions["edges"][0]["node"]["slots"][1]["id"]
    booked = await call(gql, "BloodDriveBook", {"input": {"slotId": slot, "donorId": did}},
                        world.a.admin, world.a.node)
    bid = booked["booking"]["id"]
    await call(gql, "BloodDriveCheckIn", {"input": {"bookingId": bid}}, world.a.site,
               world.a.node)
    deferred = await call(gql, "BloodDriveRecordResult", {"input": {
        "bookingId": bid, "outcome": "DEFERRED", "deferralCode": "hemoglobin"}},
        world.a.site, world.a.node)
    docs = DOCS + "\n" + "\n".join(p.read_text(encoding="utf-8") for p in sorted(
        (Path(__file__).resolve().parents[3] / "plugins" / "blood_drive" / "console"
         ).glob("*.graphql")))
    queries = [p for p in re.split(r"\n(?=(?:query|mutation|subscription|#) )", docs)
               if p.strip().startswith("query ")]
    assert len(queries) >= 20
    values = {"first": 20, "campaignId": ids["campaign"], "sessionId": ids["session"],
              "donorId": did, "unit": "市直机关"}
    for who, node in ((world.organiser, world.city), (world.a.admin, world.a.node)):
        for document in queries:
            wanted = set(re.findall(r"\$(\w+):", document.split("{", 1)[0]))
            out = await gql(document, {k: values[k] for k in wanted if k in values},
                            token=who.token, node=node.code)
            text = str(out)
            assert "GRAPHQL_VALIDATION_FAILED" not in text, (document[:60], text[:400])
            assert not any(mark in text for mark in HEALTH_MARKS), (document[:60], text[:400])
        for gid in (ids["booking"], bid, ids["precheck"], low["precheck"]["id"],
                    ids["donation"], deferred["donation"]["id"]):
            out = await gql("""query($id: ID!) { node(id: $id) { id __typename
                ... on BloodDriveBooking { status }
                ... on BloodDrivePrecheck { checkOutcome: outcome }
                ... on BloodDriveDonation { outcome kind } } }""", {"id": gid},
                token=who.token, node=node.code)
            assert "GRAPHQL_VALIDATION_FAILED" not in str(out), out
            text = str(out)
            assert not any(mark in text for mark in HEALTH_MARKS), text
            if gid in (ids["booking"], bid) and node == world.a.node:
                assert (out.get("data") or {}).get("node", {}).get("status") == "ATTENDED", out
    sheet = await call(gql, "BloodDriveExportStats", {"input": {"campaignId": ids["campaign"]}},
                       world.organiser, world.city)
    cells = str([list(r) for r in load_workbook(io.BytesIO(base64.b64decode(
        sheet["contentBase64"]))).active.iter_rows(values_only=True)])
    assert not any(mark in cells for mark in HEALTH_MARKS) and "钱" not in cells
    staff = await gql("query($id: ID!) { node(id: $id) { ... on BloodDriveBooking { status } } }",
                      {"id": bid}, token=world.a.site.token, node=world.a.node.code)
    assert staff["data"]["node"]["status"] == "DEFERRED"
