"""我的献血 (``bloodDriveMyDonor``): a resident signed in as themselves finds their own donor
record with honours, results, the next eligible day, bookings here and elsewhere; another
resident and an organiser get null (so no health answers reach them through it); the statement
count does not grow with the donor's bookings and results."""

from __future__ import annotations

from datetime import date, timedelta

from core.testing import count_statements as counting
from tests.plugins.blood_drive.test_graphql import call, op, workflow


async def test_the_donor_sees_their_own_record(world, gql):
    ids = await workflow(world, gql)
    me = await call(gql, "BloodDriveMyDonor", {}, ids["donor_acct"], world.a.node)
    assert me["donor"]["id"] == ids["donor"] and me["donor"]["nameMasked"] == "张**"
    assert me["honours"]["count"] == 2.0 and me["honours"]["nextTier"] == "BRONZE"
    assert me["honours"]["remaining"] == 18.0
    assert [d["id"] for d in me["donations"]] == [ids["donation"]]
    assert [b["id"] for b in me["bookings"]] == [ids["booking"]]
    assert me["bookings"][0]["session"]["siteName"] == "献血车（柳园广场）"
    assert me["bookings"][0]["status"] == "ATTENDED"       # the outcome stays the site's word
    # 400 mL whole blood today: whole blood again after six months, platelets after three
    today = date.today()
    assert date.fromisoformat(me["nextEligibleOn"]) > today + timedelta(days=150)
    assert today < date.fromisoformat(me["nextPlateletsOn"]) < date.fromisoformat(
        me["nextEligibleOn"])
    assert me["visits"] == []
    # in the other street office the same login has no donor record
    out = await gql(op("BloodDriveMyDonor"), {}, token=ids["donor_acct"].token,
                    node=world.b.node.code)
    assert "errors" in out or out["data"]["bloodDriveMyDonor"] is None


async def test_another_resident_and_an_organiser_get_null(world, gql):
    ids = await workflow(world, gql)
    other = await world.factory.resident(world.a.household, "李邻居", birth=date(1985, 1, 1))
    from tests.plugins.blood_drive.test_graphql import donor_account

    neighbour = await donor_account(world, other.id)
    for who, node in ((neighbour, world.a.node), (world.organiser, world.city),
                      (world.a.admin, world.a.node), (world.a.site, world.a.node)):
        out = await gql(op("BloodDriveMyDonor"), {}, token=who.token, node=node.code)
        assert out.get("errors") is None and out["data"]["bloodDriveMyDonor"] is None, out
        assert "68" not in str(out) and ids["donation"] not in str(out)
    anonymous = await gql(op("BloodDriveMyDonor"), {}, node=world.a.node.code)
    assert anonymous["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED", anonymous


async def test_statement_count_does_not_grow(world, gql, linli_env):
    from plugins.blood_drive.services import bookings
    from plugins.blood_drive.tables import Donor

    ids = await workflow(world, gql)
    acct = ids["donor_acct"]
    async with world.read(world.a.node):
        donor = await Donor.select().where(Donor.resident_id == ids["resident"].id).first()
    assert donor is not None

    async def measure() -> int:
        await gql(op("BloodDriveMyDonor"), {}, token=acct.token, node=world.a.node.code)
        with counting(linli_env.state.db.engine) as calls:
            out = await gql(op("BloodDriveMyDonor"), {}, token=acct.token,
                            node=world.a.node.code)
        assert "errors" not in out, out
        return len(calls)

    before = await measure()
    for n in range(4):   # more results and bookings: the same number of statements
        campaign = await world.campaign(title=f"又一次活动{n}")
        session = await world.session(world.a, campaign, days=3 + n)
        slot = (await world.slots(world.a, session))[0]
        await world.do(world.a.node, lambda s, sl=slot: bookings.book(
            s, int(sl["id"]), int(donor["id"])))
    after = await measure()
    assert before == after, (before, after)
    print(f"\nbloodDriveMyDonor statements: {before} (1 booking) == {after} (5 bookings)")
