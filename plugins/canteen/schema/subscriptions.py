"""Subscription fields of the plugin: the live counter board of a canteen — today's meals,
subsidised meals and utilisation, pushed each time a meal or a batch is recorded there.
Messages carry ids; each update is re-read in the subscriber's own scope."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from datetime import date
from typing import Any

import strawberry

from core.plugin import ApiError, ErrorCode, Info, today_shanghai
from plugins.canteen import NAME
from plugins.canteen.schema.common import required_pk
from plugins.canteen.schema.types import CanteenDayStat
from plugins.canteen.services import canteens, live, signals
from plugins.canteen.services.common import require

__all__ = ["SUBSCRIPTIONS", "canteen_live_stats"]


async def _stat(info: Info, canteen_id: int, day: date) -> CanteenDayStat:
    async with info.context.read():
        found = await signals.daily_stats([canteen_id], day, day)
    return CanteenDayStat.of(found[0] if found else signals.DayStat(canteen_id, day, 0, 0, 0.0))


@strawberry.subscription(description="食堂当日就餐实时看板：先推送当前数字，此后每登记一餐（或一批）"
                                     "推送一次 / a canteen's figures of the day, live: the "
                                     "current ones first, then one message per meal or batch")
async def canteen_live_stats(info: Info, canteen_id: strawberry.ID
                             ) -> AsyncGenerator[CanteenDayStat, None]:
    ctx = info.context
    if NAME not in await ctx.enabled_plugins():
        raise ApiError(ErrorCode.PLUGIN_DISABLED, f"插件 {NAME} 未对本单位启用",
                       f"plugin {NAME} is not enabled for this tenant")
    cid = required_pk(canteen_id, "CanteenCanteen", "canteenId")
    async with ctx.read() as access:
        if not access.has("canteen.serve"):
            require(access, "canteen.read")
        canteen = await canteens.get_canteen(cid)
        if canteen is None or int(canteen["tenant_id"]) != access.node_id:
            raise ApiError.not_found("食堂", "canteen", "canteenId")
        tenant_id = access.node_id
    yield await _stat(info, cid, today_shanghai())
    pubsub = ctx.state.services.pubsub
    assert pubsub is not None, "the app installs the pub/sub service"
    async with live.meal_updates(pubsub, tenant_id) as updates:
        async for update in updates:
            if update.canteen_id != cid:
                continue
            yield await _stat(info, cid, date.fromisoformat(update.served_on))


SUBSCRIPTIONS: list[Any] = [canteen_live_stats]
"""Subscription fields (``linli_subscription_fields``)."""
