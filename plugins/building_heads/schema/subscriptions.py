"""Subscription fields of the plugin: the live matter board (anonymous readers name the node
with ``X-Linli-Node``). Messages carry ids; each update is re-read in the subscriber's own
scope, so a message never shows what the subscriber may not see."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from typing import Any

import strawberry

from core.plugin import ApiError, ErrorCode, Info
from plugins.building_heads import NAME
from plugins.building_heads.schema.common import public_read
from plugins.building_heads.schema.queries import board_place
from plugins.building_heads.schema.types import (
    BuildingHeadMatter,
    BuildingHeadMatterEntry,
    BuildingHeadMatterEntryKind,
    BuildingHeadMatterUpdate,
)
from plugins.building_heads.services import matters

__all__ = ["SUBSCRIPTIONS", "building_head_matter_updates"]


@strawberry.subscription(description="议事板实时更新：每次步骤变化推送一次（可匿名）/ live "
                                     "updates of a board: one message per change")
async def building_head_matter_updates(info: Info, compound_id: strawberry.ID | None = None,
                                       community_id: strawberry.ID | None = None,
                                       station_id: strawberry.ID | None = None
                                       ) -> AsyncGenerator[BuildingHeadMatterUpdate, None]:
    ctx = info.context
    if NAME not in await ctx.enabled_plugins():
        raise ApiError(ErrorCode.PLUGIN_DISABLED, f"插件 {NAME} 未对本单位启用",
                       f"plugin {NAME} is not enabled for this tenant")
    compound, community, station = board_place(compound_id, community_id, station_id)
    async with public_read(ctx) as tenant_id:
        await matters.board_matters(compound_id=compound, community_id=community,
                                    station_id=station, first=0)
    pubsub = ctx.state.services.pubsub
    assert pubsub is not None, "the app installs the pub/sub service"
    async with matters.board_updates(pubsub, tenant_id) as updates:
        async for update in updates:
            if station is not None:
                if update.station_id != station:
                    continue
            elif (update.compound_id if compound is not None else update.community_id) != \
                    (compound if compound is not None else community):
                continue
            async with public_read(ctx):
                matter = await matters.get_matter(update.matter_id)
                entries = await matters.entries_of([update.matter_id])
            entry = next((e for e in entries[update.matter_id] if e["id"] == update.entry_id),
                         None)
            if matter is None or entry is None:
                continue
            yield BuildingHeadMatterUpdate(kind=BuildingHeadMatterEntryKind(update.kind),
                                           matter=BuildingHeadMatter.from_row(matter),
                                           entry=BuildingHeadMatterEntry.from_row(entry))


SUBSCRIPTIONS: list[Any] = [building_head_matter_updates]
"""Subscription fields (``linli_subscription_fields``)."""
