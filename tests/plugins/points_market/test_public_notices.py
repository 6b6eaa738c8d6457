"""The public 公示栏 (``pointsMarketPublicNotices``): anonymous with X-Linli-Node it lists the
claims on notice today — item, signed points, dates, community and a masked name — and nothing
personal (no full name, no resident or household id, no phone); without the header it says the
header is missing; pending, rejected and ended notices stay off the board."""

from __future__ import annotations

import json
from datetime import timedelta

from core.plugin import encode_global_id, today_shanghai
from core.testing import count_statements as counting
from plugins.points_market.services import claims

BOARD = """query($c: ID, $first: Int! = 50) {
  pointsMarketPublicNotices(first: $first, communityId: $c) { nodes {
  claimId subjectKind name community itemCode itemName points occurredOn
  noticeStartsOn noticeEndsOn } } }"""




async def _seed(market):
    today = today_shanghai()
    async with market.write():
        shown = await claims.report_claim(item_code="C04", occurred_on=today,
                                          resident_id=market.resident.id)
        await claims.review_claim(int(shown["id"]), True, reviewer_account_id=None, today=today)
        minus = await claims.report_claim(item_code="D02", occurred_on=today,
                                          household_id=market.other_household.id)
        await claims.review_claim(int(minus["id"]), True, reviewer_account_id=None, today=today)
        await claims.report_claim(item_code="C05", occurred_on=today,
                                  resident_id=market.neighbour.id)      # pending: not shown
        old = await claims.report_claim(item_code="C05", occurred_on=today - timedelta(days=30),
                                        resident_id=market.spouse.id)
        await claims.review_claim(int(old["id"]), True, reviewer_account_id=None,
                                  today=today - timedelta(days=30))      # notice ended
    return shown, minus


async def test_anonymous_board_lists_claims_on_notice_masked(market, gql):
    shown, minus = await _seed(market)
    out = await gql(BOARD, node=market.node.code)
    assert "errors" not in out, out
    lines = out["data"]["pointsMarketPublicNotices"]["nodes"]
    assert [line["claimId"] for line in lines] == [
        str(encode_global_id("PointsMarketClaim", int(minus["id"]))),
        str(encode_global_id("PointsMarketClaim", int(shown["id"])))]
    household, resident = lines
    assert resident["subjectKind"] == "resident"
    assert resident["name"] == market.resident.name[0] + "*" * (len(market.resident.name) - 1)
    assert resident["points"] > 0 and resident["itemCode"] == "C04"
    assert resident["community"] == market.place.community.name
    assert resident["noticeStartsOn"] == today_shanghai().isoformat()
    assert household["name"] == "某户" and household["points"] == -2
    assert household["itemName"] == "乱倒垃圾"
    text = json.dumps(out, ensure_ascii=False)
    for secret in (market.resident.name, market.neighbour.name, market.spouse.name,
                   str(encode_global_id("Resident", market.resident.id)),
                   str(encode_global_id("Household", market.other_household.id))):
        assert secret not in text
    english = await gql(BOARD, node=market.node.code, headers={"Accept-Language": "en"})
    assert english["data"]["pointsMarketPublicNotices"]["nodes"][0]["itemName"] == "Dumping rubbish"
    other = await gql(BOARD, {"c": str(encode_global_id("Community", 999999))},
                      node=market.node.code)
    assert other["data"]["pointsMarketPublicNotices"]["nodes"] == []


async def test_board_without_the_node_header_says_it_is_missing(market, gql):
    await _seed(market)
    out = await gql(BOARD)
    assert out["errors"][0]["extensions"]["code"] == "INVALID_ARGUMENT", out
    assert "X-Linli-Node" in out["errors"][0]["message"]
    assert not out.get("data")


async def test_statement_count_does_not_grow_with_lines(market, gql, linli_env):
    today = today_shanghai()
    counts = []
    for wanted in (1, 6):
        async with market.write():
            for n in range(len(counts), wanted):
                row = await claims.report_claim(
                    item_code="C04", occurred_on=today - timedelta(days=n),
                    resident_id=(market.resident, market.neighbour, market.spouse)[n % 3].id)
                await claims.review_claim(int(row["id"]), True, reviewer_account_id=None,
                                          today=today)
        await gql(BOARD, node=market.node.code)
        with counting(linli_env.state.db.engine) as calls:
            out = await gql(BOARD, node=market.node.code)
        assert len(out["data"]["pointsMarketPublicNotices"]["nodes"]) == wanted, out
        counts.append(len(calls))
    assert counts[0] == counts[1], counts
