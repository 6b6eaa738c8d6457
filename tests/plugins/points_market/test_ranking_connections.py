"""The rankings and the public 公示栏 are connections (``first`` 1–100, ``after``, edges and
pageInfo): pages follow each other without overlap, ranks run on across pages, ``first`` out of
range is refused, and the SQL statement count is the same for ``first: 10`` and ``first: 100``
(15 rows seeded, so the pages really differ in size)."""

from __future__ import annotations

import sys
from datetime import timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))  # the statement counter of the notice tests
from core.plugin import today_shanghai
from core.testing import count_statements as counting
from plugins.points_market.services import claims, consent, ledger

STAFF = """query($y: Int!, $first: Int!, $after: String) {
  pointsMarketRanking(year: $y, household: true, first: $first, after: $after) {
    edges { cursor node { rank ownerId name points } }
    pageInfo { hasNextPage endCursor } } }"""
PUBLIC = """query($y: Int!, $first: Int!, $after: String) {
  pointsMarketPublicRanking(year: $y, household: true, first: $first, after: $after) {
    edges { cursor node { rank name points } }
    pageInfo { hasNextPage endCursor } } }"""
BOARD = """query($first: Int!, $after: String) {
  pointsMarketPublicNotices(first: $first, after: $after) {
    edges { cursor node { claimId name itemName points } }
    pageInfo { hasNextPage endCursor } } }"""

ROWS = 15


async def _households(market: Any, factory: Any) -> None:
    """15 households with points this year, each with a member who agreed to be named."""
    homes = [await factory.household(market.place.building) for _ in range(ROWS - 2)]
    homes += [market.other_household, market.place.household]
    members = [await factory.resident(h, name=f"榜上{n}") for n, h in enumerate(homes[:-2])]
    async with market.write():
        issuance = await ledger.account_id(ledger.ISSUANCE)
        for n, household in enumerate(homes):
            account = await ledger.account_id("household", household.id)
            await ledger.transfer(f"r{household.id}", "award", issuance, account, 100 - n,
                                  to_earned=100 - n)
        for person in [*members, market.neighbour, market.spouse]:
            await consent.set_consent(person.id, True, account_id=None)


async def _notices(market: Any) -> None:
    today = today_shanghai()
    async with market.write():
        for n in range(ROWS):
            row = await claims.report_claim(
                item_code="C04", occurred_on=today - timedelta(days=n),
                resident_id=(market.resident, market.neighbour, market.spouse)[n % 3].id)
            await claims.review_claim(int(row["id"]), True, reviewer_account_id=None,
                                      today=today)


async def _walk(gql: Any, query: str, field: str, first: int, **kw: Any) -> list[dict[str, Any]]:
    variables: dict[str, Any] = {"y": today_shanghai().year, "first": first}
    rows: list[dict[str, Any]] = []
    while True:
        out = await gql(query, variables, **kw)
        assert "errors" not in out, out
        page = out["data"][field]
        rows += [e["node"] for e in page["edges"]]
        assert len(page["edges"]) <= first
        if not page["pageInfo"]["hasNextPage"]:
            return rows
        variables["after"] = page["pageInfo"]["endCursor"]


async def test_pages_follow_each_other(market, factory, gql):
    await _households(market, factory)
    await _notices(market)
    staff = {"token": market.admin.token, "node": market.node.code}
    ranked = await _walk(gql, STAFF, "pointsMarketRanking", 4, **staff)
    assert [r["rank"] for r in ranked] == list(range(1, ROWS + 1))
    assert [r["points"] for r in ranked] == sorted((r["points"] for r in ranked), reverse=True)
    assert len({r["ownerId"] for r in ranked}) == ROWS
    public = await _walk(gql, PUBLIC, "pointsMarketPublicRanking", 4, node=market.node.code)
    assert [r["rank"] for r in public] == list(range(1, ROWS + 1)) and all(
        r["name"] for r in public)
    board = await _walk(gql, BOARD, "pointsMarketPublicNotices", 4, node=market.node.code)
    ids = [n["claimId"] for n in board]
    assert len(ids) == ROWS == len(set(ids))
    for query, kw in ((STAFF, staff), (PUBLIC, {"node": market.node.code}),
                      (BOARD, {"node": market.node.code})):
        for first in (0, 101):
            out = await gql(query, {"y": 2026, "first": first}, **kw)
            assert out["errors"][0]["extensions"]["code"] == "INVALID_ARGUMENT", out


async def test_statement_count_equal_for_ten_and_a_hundred(market, factory, gql, linli_env):
    await _households(market, factory)
    await _notices(market)
    year = today_shanghai().year
    staff = {"token": market.admin.token, "node": market.node.code}
    for query, field, kw in ((STAFF, "pointsMarketRanking", staff),
                             (PUBLIC, "pointsMarketPublicRanking", {"node": market.node.code}),
                             (BOARD, "pointsMarketPublicNotices", {"node": market.node.code})):
        counts = []
        for first in (10, 100):
            await gql(query, {"y": year, "first": first}, **kw)        # warm the caches
            with counting(linli_env.state.db.engine) as calls:
                out = await gql(query, {"y": year, "first": first}, **kw)
            assert len(out["data"][field]["edges"]) == min(first, ROWS), (field, out)
            counts.append(len(calls))
        assert counts[0] == counts[1], (field, counts)
