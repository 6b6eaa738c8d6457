"""Every example operation of graphql/operations/points_market/ runs, as written, against the
demo data (the README's walk-through), and the README names every one of them."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from core.plugin import encode_global_id, today_shanghai
from plugins.points_market import demo
from plugins.points_market.tables import Account, Card, Claim, Good, Objection, Redemption

ROOT = Path(__file__).resolve().parents[3]
OPERATIONS = ROOT / "graphql" / "operations" / "points_market"
README = ROOT / "plugins" / "points_market" / "README.md"


def gid(type_name: str, pk: int) -> str:
    return str(encode_global_id(type_name, pk))


def _operations() -> dict[str, str]:
    """``{operation name: the document holding it}``."""
    out: dict[str, str] = {}
    for path in sorted(OPERATIONS.glob("*.graphql")):
        text = path.read_text(encoding="utf-8")
        for name in re.findall(r"^(?:query|mutation|subscription)\s+(\w+)", text, re.MULTILINE):
            out[name] = text
    return out


async def _demo_ids(market: Any) -> dict[str, Any]:
    async with market.read():
        # a pending claim the review can approve: the demo also seeds short services (under
        # the rule's 30 minutes), which approval refuses — which ones depends on the tenant's
        # id, so the pick must not
        pending = await Claim.select(Claim.id).where(
            (Claim.status == "pending") & (Claim.minutes.is_null() | (Claim.minutes >= 30))
        ).order_by(Claim.id)
        noticed = await Claim.select(Claim.id, Claim.community_id).where(
            Claim.status == "noticed").order_by(Claim.id)
        objection = await Objection.select(Objection.id).where(
            Objection.status == "open").first()
        rich = await Account.select(Account.owner_id).where(
            (Account.kind == "resident") & (Account.balance >= 10)).order_by(Account.id).first()
        redemption = await Redemption.select(Redemption.id).where(
            (Redemption.status == "done") & (Redemption.redeemed_on == today_shanghai())
        ).first()
        cheap = await Good.select(Good.id).where(Good.price_points <= 10).order_by(
            Good.id).first()
        five = await Good.select(Good.id).where(Good.price_points == 5).first()
        cards = await Card.select(Card.serial, Card.points).where(
            Card.status == "issued").order_by(Card.id)
    assert len(pending) >= 2 and noticed and objection and rich and redemption and five
    one = next(c["serial"] for c in cards if c["points"] == 1)
    fives = [c["serial"] for c in cards if c["points"] == 5]
    return {"pending": [int(r["id"]) for r in pending], "noticed": int(noticed[-1]["id"]),
            "community": int(noticed[-1]["community_id"]), "objection": int(objection["id"]),
            "rich": int(rich["owner_id"]), "redemption": int(redemption["id"]),
            "cheap": int(cheap["id"]), "five_good": int(five["id"]), "one_card": one,
            "five_card": fives[0]}


def _variables(ids: dict[str, Any], market: Any) -> dict[str, dict[str, Any]]:
    today = today_shanghai().isoformat()
    year = today_shanghai().year
    resident = gid("Resident", ids["rich"])
    return {
        "PointsMarketCatalogue": {},
        "PointsMarketSaveItem": {"input": {"code": "C04", "nameZh": "保持庭院整洁（新版）",
                                           "sign": 1, "points": 6}},
        "PointsMarketReportClaim": {"residentId": resident, "itemCode": "C05",
                                    "occurredOn": today, "evidence": "网格员现场核实"},
        "PointsMarketReviewQueue": {},
        "PointsMarketReviewClaim": {"claimId": gid("PointsMarketClaim", ids["pending"][0]),
                                    "approve": True},
        "PointsMarketRecordMeeting": {"input": {
            "heldOn": today, "members": ["村支书", "村主任", "网格员"],
            "decisions": [{"claimId": gid("PointsMarketClaim", ids["pending"][1]),
                           "approve": True}]}},
        "PointsMarketNoticeBoard": {"communityId": gid("Community", ids["community"])},
        "PointsMarketObject": {"claimId": gid("PointsMarketClaim", ids["noticed"]),
                               "text": "情况不属实"},
        "PointsMarketDecideObjection": {"objectionId": gid("PointsMarketObjection",
                                                           ids["objection"]),
                                        "uphold": False},
        "PointsMarketResidentAccount": {"residentId": resident},
        "PointsMarketShelf": {},
        "PointsMarketSaveGood": {"input": {"name": "肥皂", "valueFen": 300, "pricePoints": 3,
                                           "stock": 20}},
        "PointsMarketRestockGood": {"goodId": gid("PointsMarketGood", ids["cheap"]),
                                    "quantity": 12},
        "PointsMarketRedeem": {"goodId": gid("PointsMarketGood", ids["cheap"]),
                               "residentId": resident, "key": "walk-redeem"},
        "PointsMarketVoidRedemption": {"redemptionId": gid("PointsMarketRedemption",
                                                           ids["redemption"])},
        "PointsMarketIssueCards": {"points": 2, "count": 5},
        "PointsMarketUseCard": {"serial": ids["one_card"], "residentId": resident},
        "PointsMarketRedeemWithCards": {"goodId": gid("PointsMarketGood", ids["five_good"]),
                                        "serials": [ids["five_card"]], "key": "walk-cards"},
        "PointsMarketHouseholdRanking": {"year": year},
        "PointsMarketResidentRanking": {"year": year},
        "PointsMarketPublicRanking": {"year": year},
        "PointsMarketPublicNotices": {},
        "PointsMarketSetRankingConsent": {"residentId": resident, "consented": True},
    }


async def test_every_example_operation_runs_on_the_demo(market, factory, http):
    for i in range(8):
        await factory.resident(market.place.household if i % 2 else market.other_household,
                               f"村民{i}")
    async with market.write():
        await demo.seed_demo(market.node.id)
    operations = _operations()
    readme = README.read_text(encoding="utf-8")
    assert not [n for n in operations if f"`{n}`" not in readme], "README misses operations"
    variables = _variables(await _demo_ids(market), market)
    live = {"PointsMarketShelfUpdates"}   # over WebSocket: test_live.py
    assert set(variables) | live == set(operations), set(variables) ^ set(operations)
    failures = {}
    for name, document in operations.items():
        if name in live:
            continue
        anonymous = name in ("PointsMarketPublicRanking", "PointsMarketPublicNotices")
        headers = {"X-Linli-Node": market.node.code}
        if not anonymous:
            headers["Authorization"] = f"Bearer {market.admin.token}"
        resp = await http.post("/graphql", json={"query": document, "operationName": name,
                                                 "variables": variables[name]},
                               headers=headers)
        out = resp.json()
        data = (out.get("data") or {})
        field = next(iter(data.values()), None) if data else None
        if "errors" in out or field is None or (
                isinstance(field, dict) and field.get("__typename") == "UserError"):
            failures[name] = out
        elif name in ("PointsMarketPublicRanking", "PointsMarketPublicNotices",
                      "PointsMarketHouseholdRanking",
                      "PointsMarketResidentRanking", "PointsMarketReviewQueue",
                      "PointsMarketNoticeBoard") and not (
                field if isinstance(field, list) else field.get("edges")):
            failures[name] = f"empty on the demo: {out}"
    assert not failures, failures
