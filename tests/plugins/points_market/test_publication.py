"""Ranking consent (names, and the public ranking, only for residents who agreed) and the
.xlsx downloads (authenticated, permission-checked, off where the plugin is disabled, audited)."""

from __future__ import annotations

import io

from openpyxl import load_workbook

from core.plugin import encode_global_id, today_shanghai
from plugins.points_market.services import claims, consent, reports, shop

CONSENT = """mutation($r: ID!, $c: Boolean!) {
  pointsMarketSetRankingConsent(input: {residentId: $r, consented: $c}) {
    __typename ... on PointsMarketSetRankingConsentPayload { consented changedAt }
    ... on UserError { code } } }"""

PUBLIC = """query($y: Int!) { pointsMarketPublicRanking(year: $y, first: 20) {
  nodes { rank name points } } }"""
STAFF = """query($y: Int!) { pointsMarketRanking(year: $y, first: 20) {
  nodes { rank ownerId name points } } }"""


def gid(type_name: str, pk: int) -> str:
    return str(encode_global_id(type_name, pk))


async def test_only_residents_who_agreed_are_named_or_public(market, gql, factory):
    await market.fund(market.resident.id, 40, key="a")
    await market.fund(market.neighbour.id, 30, key="b")
    await market.fund(market.spouse.id, 20, key="c")
    year = today_shanghai().year
    # staff record the neighbour's consent on their word; a keeper may not
    refused = await gql(CONSENT, {"r": gid("Resident", market.neighbour.id), "c": True},
                        token=market.keeper.token, node=market.node.code)
    assert refused["data"]["pointsMarketSetRankingConsent"]["code"] == "FORBIDDEN"
    out = await gql(CONSENT, {"r": gid("Resident", market.neighbour.id), "c": True},
                    token=market.reviewer.token, node=market.node.code)
    assert out["data"]["pointsMarketSetRankingConsent"]["consented"] is True
    assert out["data"]["pointsMarketSetRankingConsent"]["changedAt"]
    staff = (await gql(STAFF, {"y": year}, token=market.admin.token, node=market.node.code)
             )["data"]["pointsMarketRanking"]["nodes"]
    assert [(r["points"], r["name"]) for r in staff] == [
        (40, None), (30, market.neighbour.name), (20, None)]
    public = (await gql(PUBLIC, {"y": year}, node=market.node.code))["data"][
        "pointsMarketPublicRanking"]["nodes"]
    assert public == [{"rank": 1, "name": market.neighbour.name, "points": 30}]
    # withdrawn: gone from the public ranking
    async with market.write():
        await consent.set_consent(market.neighbour.id, False, account_id=None)
        assert await reports.ranking("resident", year, public=True) == []


async def test_public_household_ranking_needs_a_member_who_agreed(market):
    await market.fund(market.resident.id, 10, key="a")
    async with market.write():
        from plugins.points_market.services import ledger

        issuance = await ledger.account_id(ledger.ISSUANCE)
        for household, points in ((market.place.household.id, 9), (market.other_household.id, 5)):
            account = await ledger.account_id("household", household)
            await ledger.transfer(f"h{household}", "award", issuance, account, points,
                                  to_earned=points)
        await consent.set_consent(market.neighbour.id, True, account_id=None)
        year = today_shanghai().year
        staff = await reports.ranking("household", year)
        public = await reports.ranking("household", year, public=True)
    assert [r.owner_id for r in staff] == [market.place.household.id,
                                           market.other_household.id]
    assert [(r.owner_id, r.rank) for r in public] == [(market.other_household.id, 1)]


async def test_public_household_ranking_is_not_short(market, factory):
    """Twelve households without consent outrank two with it: the public ranking asked for two
    rows still gives both (consent is filtered before the limit, not after), and a resident
    ranking likewise."""
    from plugins.points_market.services import ledger

    quiet = [await factory.household(market.place.building) for _ in range(12)]
    agreeing = [market.other_household, market.place.household]
    async with market.write():
        issuance = await ledger.account_id(ledger.ISSUANCE)
        for n, household in enumerate(quiet + agreeing):
            account = await ledger.account_id("household", household.id)
            await ledger.transfer(f"q{household.id}", "award", issuance, account, 100 - n,
                                  to_earned=100 - n)
        await consent.set_consent(market.neighbour.id, True, account_id=None)
        await consent.set_consent(market.spouse.id, True, account_id=None)
        year = today_shanghai().year
        public = await reports.ranking("household", year, public=True, first=2)
        staff = await reports.ranking("household", year, first=2)
    assert [(r.rank, r.owner_id) for r in public] == [
        (1, market.other_household.id), (2, market.place.household.id)]
    assert all(r.name for r in public)
    assert [r.owner_id for r in staff] == [quiet[0].id, quiet[1].id]


def _sheet(data: bytes) -> list[tuple]:
    return list(load_workbook(io.BytesIO(data)).active.iter_rows(values_only=True))


async def test_downloads_are_authenticated_checked_and_audited(market, http, factory,
                                                               enable_plugin):
    from core.audit.service import AuditEntry

    async with market.write():
        row = await claims.report_claim(item_code="C06", occurred_on=today_shanghai(),
                                        resident_id=market.resident.id)
        await claims.review_claim(row["id"], True, reviewer_account_id=None)
        batch, serials = await shop.issue_cards(points=2, count=3, account_id=None)
    headers = {"Authorization": f"Bearer {market.admin.token}", "X-Linli-Node": market.node.code}
    community = gid("Community", market.place.community.id)
    notice = await http.get("/p/points_market/notice.xlsx", params={"community": community},
                            headers=headers)
    assert notice.status_code == 200, notice.text
    assert notice.headers["content-type"].startswith("application/vnd.openxmlformats")
    assert _sheet(notice.content)[1][1] == market.resident.name
    credit = await http.get("/p/points_market/credit-platform.xlsx", headers=headers)
    assert credit.status_code == 200 and len(_sheet(credit.content)) == 1   # nothing posted yet
    cards = await http.get("/p/points_market/cards.xlsx",
                           params={"batch": gid("PointsMarketCardBatch", batch["id"])},
                           headers=headers)
    assert cards.status_code == 200
    assert [r[1] for r in _sheet(cards.content)[1:]] == serials
    async with market.read():
        assert await AuditEntry.count().where(
            (AuditEntry.action == "points_market.export")
            & (AuditEntry.account_id == market.admin.id)) == 3
    # anonymous, without the permission, bad input, and where the plugin is off
    anon = await http.get("/p/points_market/notice.xlsx", headers={"X-Linli-Node":
                                                                   market.node.code})
    assert anon.status_code == 401 and anon.json()["errors"][0]["code"] == "UNAUTHENTICATED"
    keeper = await http.get("/p/points_market/cards.xlsx",
                            params={"batch": gid("PointsMarketCardBatch", batch["id"])},
                            headers={"Authorization": f"Bearer {market.keeper.token}",
                                     "X-Linli-Node": market.node.code})
    assert keeper.status_code == 403
    bad = await http.get("/p/points_market/notice.xlsx", params={"on": "yesterday"},
                         headers=headers)
    assert bad.status_code == 400 and bad.json()["errors"][0]["field"] == "on"
    other = await factory.tenant()
    admin = await factory.account(other, "tenant_admin")
    off = await http.get("/p/points_market/notice.xlsx", headers={
        "Authorization": f"Bearer {admin.token}", "X-Linli-Node": other.code})
    assert off.status_code == 403 and off.json()["errors"][0]["code"] == "PLUGIN_DISABLED"
    # another tenant's batch is simply not found
    await enable_plugin(other, "points_market")
    foreign = await http.get("/p/points_market/cards.xlsx",
                             params={"batch": gid("PointsMarketCardBatch", batch["id"])},
                             headers={"Authorization": f"Bearer {admin.token}",
                                      "X-Linli-Node": other.code})
    assert foreign.status_code == 404
