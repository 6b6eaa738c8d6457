"""The GraphQL surface: the claim list's statement count is flat in the page size, mutations
answer typed errors (INSUFFICIENT_POINTS, FORBIDDEN), the statement (爱心储蓄本), and the plugin
is off where it is disabled."""

from __future__ import annotations

from datetime import timedelta

from core.plugin import encode_global_id, today_shanghai
from core.testing import count_statements as counting
from plugins.points_market.services import claims, shop

CLAIMS = """query($first: Int!) { pointsMarketClaims(first: $first) {
  edges { node { id status subjectName item { nameZh version } objections { id } } }
  pageInfo { hasNextPage } } }"""

ACCOUNT = """query($r: ID!) { pointsMarketAccount(residentId: $r) { balance earned stars
  statement(first: 10) { edges { node { amount earned kind contentZh minutes } } } } }"""

REDEEM = """mutation($g: ID!, $r: ID!, $k: String!) {
  pointsMarketRedeem(input: {goodId: $g, residentId: $r, idempotencyKey: $k}) {
    __typename ... on PointsMarketRedeemPayload { redemption { id points } }
    ... on UserError { code field messageZh } } }"""

REVIEW = """mutation($c: ID!) { pointsMarketReviewClaim(input: {claimId: $c, approve: true}) {
  __typename ... on PointsMarketReviewClaimPayload { claim { status } }
  ... on UserError { code } } }"""


def gid(type_name: str, pk: int) -> str:
    return str(encode_global_id(type_name, pk))




async def test_claim_list_statement_count_is_flat(market, gql, linli_env):
    past = today_shanghai() - timedelta(days=3)
    people = [market.resident, market.spouse, market.neighbour]
    async with market.write():
        for i in range(30):
            row = await claims.report_claim(item_code=("C04", "C05", "D02")[i % 3],
                                            occurred_on=past - timedelta(days=i),
                                            resident_id=people[i % 3].id)
            if i % 2:
                await claims.review_claim(row["id"], True, reviewer_account_id=None)
                await claims.object_to(row["id"], text="异议", account_id=None)
    counts = {}
    for first in (10, 100):
        # warm: the token's access and the plugin gate are cached after a first request
        await gql(CLAIMS, {"first": first}, token=market.admin.token, node=market.node.code)
        with counting(linli_env.state.db.engine) as calls:
            out = await gql(CLAIMS, {"first": first}, token=market.admin.token,
                            node=market.node.code)
        assert "errors" not in out, out
        counts[first] = len(calls)
    assert len(out["data"]["pointsMarketClaims"]["edges"]) == 30
    assert counts[10] == counts[100], counts


async def test_redeem_over_balance_is_a_typed_error_and_statement_reads(market, gql):
    await market.fund(market.resident.id, 15)
    async with market.write():
        good = await shop.save_good(name="钢盆", value_fen=400, price_points=10, stock=5)
    args = {"g": gid("PointsMarketGood", good["id"]), "r": gid("Resident", market.resident.id)}
    ok = await gql(REDEEM, {**args, "k": "a"}, token=market.keeper.token, node=market.node.code)
    assert ok["data"]["pointsMarketRedeem"]["__typename"] == "PointsMarketRedeemPayload"
    no = await gql(REDEEM, {**args, "k": "b"}, token=market.keeper.token, node=market.node.code)
    assert no["data"]["pointsMarketRedeem"]["code"] == "INSUFFICIENT_POINTS"
    out = await gql(ACCOUNT, {"r": args["r"]}, token=market.keeper.token, node=market.node.code)
    account = out["data"]["pointsMarketAccount"]
    assert (account["balance"], account["earned"]) == (5, 15)
    kinds = [e["node"]["kind"] for e in account["statement"]["edges"]]
    assert kinds == ["redemption", "award"]


async def test_reviewer_approving_own_claim_is_refused_through_graphql(market, gql):
    await market.link(market.reviewer, market.resident)
    async with market.write():
        row = await claims.report_claim(item_code="C04", occurred_on=today_shanghai(),
                                        resident_id=market.resident.id)
    out = await gql(REVIEW, {"c": gid("PointsMarketClaim", row["id"])},
                    token=market.reviewer.token, node=market.node.code)
    assert out["data"]["pointsMarketReviewClaim"]["code"] == "FORBIDDEN"


async def test_keeper_cannot_review(market, gql):
    async with market.write():
        row = await claims.report_claim(item_code="C04", occurred_on=today_shanghai(),
                                        resident_id=market.resident.id)
    out = await gql(REVIEW, {"c": gid("PointsMarketClaim", row["id"])},
                    token=market.keeper.token, node=market.node.code)
    assert out["data"]["pointsMarketReviewClaim"]["code"] == "FORBIDDEN"


async def test_disabled_tenant_answers_plugin_disabled(factory, gql):
    node = await factory.tenant()
    admin = await factory.account(node, "tenant_admin")
    out = await gql(CLAIMS, {"first": 5}, token=admin.token, node=node.code)
    assert out["errors"][0]["extensions"]["code"] == "PLUGIN_DISABLED"


async def test_isolation_probe(isolation_probe):
    from plugins.points_market.piccolo_app import APP_CONFIG

    assert await isolation_probe(APP_CONFIG.table_classes) >= 0


async def test_account_statement_statement_count_is_flat(market, gql, linli_env):
    """Balance and a statement page: the same statements for 10 or 100 entries (claims and
    items of the page are loaded in one statement each)."""
    await market.fund(market.resident.id, 5, key="f")
    for i in range(12):
        await market.claim_through(market.resident.id, ("C04", "C05", "C07")[i % 3])
    async with market.write():
        assert await claims.post_due() == 12
    query = """query($r: ID!, $first: Int!) { pointsMarketAccount(residentId: $r) {
      balance earned stars statement(first: $first) { edges { node { id bookedOn amount
      kind contentZh minutes reviewerAccountId } } } } }"""
    counts = {}
    for first in (10, 100):
        # warm: the token's access and the plugin gate are cached after a first request
        for _ in range(2):
            with counting(linli_env.state.db.engine) as calls:
                out = await gql(query, {"r": gid("Resident", market.resident.id), "first": first},
                                token=market.admin.token, node=market.node.code)
        assert "errors" not in out, out
        counts[first] = len(calls)
    edges = out["data"]["pointsMarketAccount"]["statement"]["edges"]
    assert len(edges) == 13 and edges[0]["node"]["contentZh"]
    assert counts[10] == counts[100], counts
    # a literal page size too: the page is read in the account's own transaction
    literal = query.replace("$first: Int!", "").replace("$r: ID!, ", "$r: ID!").replace(
        "statement(first: $first)", "statement(first: 20)")
    with counting(linli_env.state.db.engine) as calls:
        out = await gql(literal, {"r": gid("Resident", market.resident.id)},
                        token=market.admin.token, node=market.node.code)
    assert "errors" not in out, out
    assert len(calls) == counts[10], (len(calls), counts)


RESTOCK = """mutation($g: ID!, $q: Int!) { pointsMarketRestockGood(input: {goodId: $g, quantity: $q}) {
  __typename ... on PointsMarketRestockGoodPayload { good { stock pricePoints } }
  ... on UserError { code field } } }"""


async def test_restock_adds_stock_only_and_refuses_bad_input(market, gql):
    async with market.write():
        good = await shop.save_good(name="毛巾", value_fen=800, price_points=8, stock=3)
    g = gid("PointsMarketGood", good["id"])
    out = await gql(RESTOCK, {"g": g, "q": 7}, token=market.admin.token, node=market.node.code)
    assert out["data"]["pointsMarketRestockGood"] == {
        "__typename": "PointsMarketRestockGoodPayload", "good": {"stock": 10, "pricePoints": 8}}
    for quantity in (0, -5):
        bad = await gql(RESTOCK, {"g": g, "q": quantity}, token=market.admin.token,
                        node=market.node.code)
        assert bad["data"]["pointsMarketRestockGood"] == {
            "__typename": "UserError", "code": "INVALID_ARGUMENT", "field": "quantity"}
    keeper = await gql(RESTOCK, {"g": g, "q": 1}, token=market.keeper.token,
                       node=market.node.code)
    assert keeper["data"]["pointsMarketRestockGood"]["code"] == "FORBIDDEN"
    missing = await gql(RESTOCK, {"g": gid("PointsMarketGood", 999999), "q": 1},
                        token=market.admin.token, node=market.node.code)
    assert missing["data"]["pointsMarketRestockGood"]["code"] == "NOT_FOUND"
    async with market.read():
        assert (await shop.get_good(good["id"]))["stock"] == 10
