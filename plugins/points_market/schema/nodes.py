"""How ``node(id:)`` loads the plugin's objects (``linli_node_types``): None (``NOT_FOUND``)
for an object the caller may not read or that is outside the scope. Core answers
``PLUGIN_DISABLED`` before any loader runs where the plugin is off."""

from __future__ import annotations

from typing import Any

from core.plugin import Access, ApiError, Info, NodeType
from plugins.points_market.schema.types import (
    PointsMarketClaim,
    PointsMarketGood,
    PointsMarketItem,
    read,
)
from plugins.points_market.services import catalogue, pages, shop

__all__ = ["NODE_TYPES"]


async def _claim(info: Info, ident: int) -> PointsMarketClaim | None:
    async def work(access: Access) -> dict[str, Any] | None:
        if not access.has("points_market.read"):
            return None
        return (await pages.claims_by_ids([ident])).get(ident)

    row = await read(info, work)
    return PointsMarketClaim.from_row(row) if row else None


async def _item(info: Info, ident: int) -> PointsMarketItem | None:
    async def work(access: Access) -> dict[str, Any] | None:
        return (await catalogue.items_by_ids([ident])).get(ident)

    row = await read(info, work)
    return PointsMarketItem.from_row(row) if row else None


async def _good(info: Info, ident: int) -> PointsMarketGood | None:
    async def work(access: Access) -> dict[str, Any] | None:
        try:
            return await shop.get_good(ident)
        except ApiError:
            return None

    row = await read(info, work)
    return PointsMarketGood.from_row(row) if row else None


NODE_TYPES = [NodeType("PointsMarketClaim", _claim), NodeType("PointsMarketItem", _item),
              NodeType("PointsMarketGood", _good)]
