"""Subscription fields of the plugin: the live shelf of the 信义超市 counters — a good pushed
each time its stock or price changes (a redemption at any counter, a void, a restock), so every
counter sees what is left. Messages carry ids; each good is re-read in the subscriber's scope."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from typing import Any

import strawberry

from core.plugin import ApiError, ErrorCode, Info, pk_of
from plugins.points_market import NAME
from plugins.points_market.schema.types import PointsMarketGood
from plugins.points_market.services import access as acl
from plugins.points_market.services import live, shop

__all__ = ["SUBSCRIPTIONS", "points_market_shelf_updates"]


@strawberry.subscription(description="货架实时更新：任一柜台兑换、撤销、进货后推送该商品（可只看一件）"
                                     " / the live shelf: a good each time its stock or price "
                                     "changes at any counter (optionally one good only)")
async def points_market_shelf_updates(info: Info, good_id: strawberry.ID | None = None
                                      ) -> AsyncGenerator[PointsMarketGood, None]:
    ctx = info.context
    if NAME not in await ctx.enabled_plugins():
        raise ApiError(ErrorCode.PLUGIN_DISABLED, f"插件 {NAME} 未对本单位启用",
                       f"plugin {NAME} is not enabled for this tenant")
    only = pk_of(good_id, "PointsMarketGood", "goodId")
    async with ctx.read() as access:
        acl.require(access, "points_market.read")
        if only is not None:
            await shop.get_good(only)       # NOT_FOUND outside the caller's scope
        tenant_id = access.node_id
    pubsub = ctx.state.services.pubsub
    assert pubsub is not None, "the app installs the pub/sub service"
    async with live.good_updates(pubsub, tenant_id) as updates:
        async for update in updates:
            if only is not None and update.good_id != only:
                continue
            async with ctx.read():
                row = await shop.get_good(update.good_id)
            yield PointsMarketGood.from_row(row)


SUBSCRIPTIONS: list[Any] = [points_market_shelf_updates]
"""Subscription fields (``linli_subscription_fields``)."""
