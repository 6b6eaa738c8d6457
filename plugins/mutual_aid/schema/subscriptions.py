"""Subscription fields of the plugin: the public boards live (anonymous readers name the
street office with ``X-Linli-Node``, as for the boards' queries). A message carries ids; the
update is re-read through the board's own rules, so only what the board shows is sent: an
open or just-closed need with its +1s and team, a published note and its answer."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from typing import Any

import strawberry

from core.plugin import ApiError, ErrorCode, Info
from plugins.mutual_aid import NAME
from plugins.mutual_aid.schema.common import pk, public_read
from plugins.mutual_aid.schema.types import MutualAidBoardUpdate, MutualAidNote, MutualAidOrder
from plugins.mutual_aid.services import live, menu, notes

__all__ = ["SUBSCRIPTIONS", "mutual_aid_board_updates"]


@strawberry.subscription(description="公开看板实时更新（需求榜与红便签栏，可匿名）：每次变化推送一次 / "
                                     "the public boards live: one message per change")
async def mutual_aid_board_updates(info: Info, community_id: strawberry.ID | None = None
                                   ) -> AsyncGenerator[MutualAidBoardUpdate, None]:
    ctx = info.context
    if NAME not in await ctx.enabled_plugins():
        raise ApiError(ErrorCode.PLUGIN_DISABLED, f"插件 {NAME} 未对本单位启用",
                       f"plugin {NAME} is not enabled for this tenant")
    community = pk(community_id, "Community", "communityId")
    async with public_read(ctx) as tenant_id:
        pass
    pubsub = ctx.state.services.pubsub
    assert pubsub is not None, "the app installs the pub/sub service"
    async with live.board_updates(pubsub, tenant_id) as updates:
        async for update in updates:
            if community is not None and update.community_id != community:
                continue
            message = await _board_update(info, update)
            if message is not None:
                # yielded outside the read: a transaction held across a yield stays open while
                # the message is sent, and a `complete` arriving then left its connection
                # checked out for good (the app's shutdown waited on the pool forever)
                yield message


async def _board_update(info: Info, update: live.BoardUpdate) -> MutualAidBoardUpdate | None:
    """The board's view of one update, read in a short transaction of its own; ``None`` when
    the board does not show it (a closed-off order, a note not published)."""
    async with public_read(info.context):
        if update.kind == "need":
            try:
                order = await menu.get_order(update.object_id)
            except ApiError:
                return None
            return MutualAidBoardUpdate(kind="need", note=None,
                                        need=MutualAidOrder.from_row(order))
        try:
            note = await notes.get_note(update.object_id)
        except ApiError:
            return None
        if note["status"] != "published":
            return None
        return MutualAidBoardUpdate(kind="note", need=None, note=MutualAidNote.from_row(note))


SUBSCRIPTIONS: list[Any] = [mutual_aid_board_updates]
"""Subscription fields (``linli_subscription_fields``)."""
