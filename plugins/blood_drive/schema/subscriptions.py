"""Subscription fields of the plugin: live slot availability of a session and the live unit
leaderboard of a campaign. Messages carry ids;
each update is re-read in the subscriber's own scope, so a message never shows what the
subscriber may not see (and a slot carries no personal data)."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from typing import Any

import strawberry

from core.plugin import LIST_BOUND, Access, ApiError, ErrorCode, Info
from plugins.blood_drive import NAME
from plugins.blood_drive.schema.common import read, required_pk
from plugins.blood_drive.schema.types import (
    BloodDriveSession,
    BloodDriveSlot,
    BloodDriveSlotUpdate,
    BloodDriveStatLine,
)
from plugins.blood_drive.services import bookings, campaigns, stats

__all__ = ["SUBSCRIPTIONS", "blood_drive_slot_updates", "blood_drive_unit_leaderboard_updates"]


@strawberry.subscription(description="场次时段余量实时更新：每次预约或取消推送一次 / live seats "
                                     "of a session's slots: one message per booking or "
                                     "cancellation")
async def blood_drive_slot_updates(info: Info, session_id: strawberry.ID
                                   ) -> AsyncGenerator[BloodDriveSlotUpdate, None]:
    ctx = info.context
    if NAME not in await ctx.enabled_plugins():
        raise ApiError(ErrorCode.PLUGIN_DISABLED, f"插件 {NAME} 未对本单位启用",
                       f"plugin {NAME} is not enabled for this tenant")
    wanted = required_pk(session_id, "BloodDriveSession", "sessionId")

    async def watch(access: Access) -> dict[str, Any]:
        return await campaigns.watched_session(access, wanted)

    session = await read(info, watch)
    pubsub = ctx.state.services.pubsub
    assert pubsub is not None, "the app installs the pub/sub service"
    async with bookings.slot_updates(pubsub, int(session["tenant_id"])) as updates:
        async for update in updates:
            if update.session_id != wanted:
                continue

            async def load(access: Access, slot_id: int = update.slot_id
                           ) -> dict[int, dict[str, Any]]:
                await campaigns.watched_session(access, wanted)
                return await campaigns.slots_by_ids([slot_id])

            slot = (await read(info, load)).get(update.slot_id)
            if slot is None:
                continue
            yield BloodDriveSlotUpdate(session=BloodDriveSession.from_row(session),
                                       slot=BloodDriveSlot.from_row(slot))


@strawberry.subscription(description="单位排行实时更新：每录入或导入一条结果推送一次 / the live "
                                     "unit leaderboard of a campaign: the ranking again after "
                                     "each result entered or imported",
                         metadata={LIST_BOUND: 50})
async def blood_drive_unit_leaderboard_updates(info: Info, campaign_id: strawberry.ID
                                               ) -> AsyncGenerator[list[BloodDriveStatLine],
                                                                   None]:
    ctx = info.context
    if NAME not in await ctx.enabled_plugins():
        raise ApiError(ErrorCode.PLUGIN_DISABLED, f"插件 {NAME} 未对本单位启用",
                       f"plugin {NAME} is not enabled for this tenant")
    wanted = required_pk(campaign_id, "BloodDriveCampaign", "campaignId")

    async def watch(access: Access) -> dict[str, Any]:
        return await stats.watched_campaign(access, wanted)

    campaign = await read(info, watch)
    pubsub = ctx.state.services.pubsub
    assert pubsub is not None, "the app installs the pub/sub service"
    async with stats.result_updates(pubsub, int(campaign["tenant_id"])) as updates:
        async for update in updates:
            if update.campaign_id != wanted:
                continue

            async def board(access: Access) -> list[stats.Line]:
                return await stats.unit_leaderboard(access, wanted)

            yield [BloodDriveStatLine.of(x, {}) for x in await read(info, board)]


SUBSCRIPTIONS: list[Any] = [blood_drive_slot_updates, blood_drive_unit_leaderboard_updates]
"""Subscription fields (``linli_subscription_fields``)."""
