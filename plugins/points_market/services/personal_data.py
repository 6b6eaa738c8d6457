"""PIPL: one resident's data in this module — exported, or erased where it may be (claims'
evidence is blanked; ledger rows stay, being books, and name no one but an account)."""

from __future__ import annotations

from typing import Any

from plugins.points_market.tables import Account, Claim, Entry, RankingConsent, Redemption

__all__ = ["personal_data_of"]


async def personal_data_of(resident_id: int, action: str) -> dict[str, Any] | None:
    claims = await Claim.select(Claim.id, Claim.item_code, Claim.points, Claim.occurred_on,
                                Claim.status, Claim.evidence, Claim.minutes).where(
        Claim.resident_id == resident_id)
    account = await Account.select().where((Account.kind == "resident")
                                           & (Account.owner_id == resident_id)).first()
    redemptions = await Redemption.select(Redemption.id, Redemption.good_id,
                                          Redemption.quantity, Redemption.points,
                                          Redemption.redeemed_on, Redemption.status).where(
        Redemption.resident_id == resident_id)
    agreed = await RankingConsent.select(RankingConsent.consented,
                                         RankingConsent.changed_at).where(
        RankingConsent.resident_id == resident_id).first()
    if not claims and account is None and not redemptions and agreed is None:
        return None
    if action == "erase":
        ids = [int(c["id"]) for c in claims if c["evidence"]]
        if ids:
            await Claim.update({Claim.evidence: ""}).where(Claim.id.is_in(ids))
        out: dict[str, Any] = {"claims_blanked": len(ids)}
        if agreed is not None:   # erased: no longer named on any ranking
            await RankingConsent.delete().where(RankingConsent.resident_id == resident_id)
            out["ranking_consent_withdrawn"] = True
        return out
    entries = 0
    if account is not None:
        entries = await Entry.count().where(Entry.account_id == account["id"])
    return {
        "claims": [{**c, "occurred_on": c["occurred_on"].isoformat()} for c in claims],
        "account": [] if account is None else [{"balance": account["balance"],
                                                "earned": account["earned"],
                                                "entries": entries}],
        "redemptions": [{**r, "redeemed_on": r["redeemed_on"].isoformat()}
                        for r in redemptions],
        "ranking_consent": None if agreed is None else {
            "consented": bool(agreed["consented"]),
            "changed_at": agreed["changed_at"].isoformat() if agreed["changed_at"] else None},
    }
