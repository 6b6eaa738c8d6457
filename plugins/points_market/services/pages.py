"""Keyset pages (``first + 1`` rows after an id) of the plugin's lists, and rows by ids for
DataLoaders."""

from __future__ import annotations

from typing import Any

from core.plugin import ApiError
from plugins.points_market.tables import Claim, Good, Item, Objection, Redemption

__all__ = ["CLAIM_STATUSES", "claim_page", "claims_by_ids", "good_page", "item_page",
           "objections_of", "redemption_page"]

CLAIM_STATUSES = ("pending", "rejected", "noticed", "cancelled", "posted")


async def claim_page(first: int, after: int | None, *, status: str | None = None,
                     community_id: int | None = None, resident_id: int | None = None
                     ) -> list[dict[str, Any]]:
    """Claims, newest first (id descending)."""
    where: Any = Claim.id > 0
    if after is not None:
        where &= Claim.id < after
    if status is not None:
        if status not in CLAIM_STATUSES:
            raise ApiError.invalid("status", "状态不正确", "unknown status")
        where &= Claim.status == status
    if community_id is not None:
        where &= Claim.community_id == community_id
    if resident_id is not None:
        where &= Claim.resident_id == resident_id
    rows: list[dict[str, Any]] = await Claim.select().where(where).order_by(
        Claim.id, ascending=False).limit(first + 1)
    return rows


async def claims_by_ids(ids: list[int]) -> dict[int, dict[str, Any]]:
    return {int(r["id"]): r for r in await Claim.select().where(Claim.id.is_in(ids or [-1]))}


async def item_page(first: int, after: int | None) -> list[dict[str, Any]]:
    where = Item.id > (after or 0)
    rows: list[dict[str, Any]] = await Item.select().where(where).order_by(Item.id).limit(
        first + 1)
    return rows


async def good_page(first: int, after: int | None) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = await Good.select().where(Good.id > (after or 0)).order_by(
        Good.id).limit(first + 1)
    return rows


async def redemption_page(first: int, after: int | None, resident_id: int | None = None
                          ) -> list[dict[str, Any]]:
    where: Any = Redemption.id > (after or 0)
    if resident_id is not None:
        where &= Redemption.resident_id == resident_id
    rows: list[dict[str, Any]] = await Redemption.select().where(where).order_by(
        Redemption.id).limit(first + 1)
    return rows


async def objections_of(claim_ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    out: dict[int, list[dict[str, Any]]] = {c: [] for c in claim_ids}
    for row in await Objection.select().where(Objection.claim_id.is_in(claim_ids or [-1])
                                              ).order_by(Objection.id):
        out[int(row["claim_id"])].append(row)
    return out
