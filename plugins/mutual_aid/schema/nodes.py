"""How ``node(id:)`` loads the plugin's objects (``linli_node_types``)."""

from __future__ import annotations

from typing import Any

from core.plugin import ApiError, Info, NodeType
from plugins.mutual_aid.schema.common import public_read
from plugins.mutual_aid.schema.types import (
    MutualAidBox,
    MutualAidDish,
    MutualAidNote,
    MutualAidOrder,
    MutualAidProject,
    MutualAidSession,
)
from plugins.mutual_aid.services import boxes, menu, notes, projects, sessions

__all__ = ["NODE_TYPES"]


async def _box(info: Info, ident: int) -> MutualAidBox | None:
    async with info.context.read() as access:
        if not access.has("mutual_aid.read"):
            return None
        rows = await boxes.box_page(access, 1, ident - 1)
    return MutualAidBox.from_row(rows[0]) if rows and rows[0]["id"] == ident else None


async def _order(info: Info, ident: int) -> MutualAidOrder | None:
    async with info.context.read() as access:
        rows = await menu.order_page(access, 1, ident - 1)
    return MutualAidOrder.from_row(rows[0]) if rows and rows[0]["id"] == ident else None


async def _note(info: Info, ident: int) -> MutualAidNote | None:
    async with info.context.read() as access:
        try:
            row: dict[str, Any] = await notes.get_note(ident)
        except ApiError:
            return None
        if row["status"] != "published" and not access.has("mutual_aid.moderate"):
            return None
    return MutualAidNote.from_row(row)


async def _project(info: Info, ident: int) -> MutualAidProject | None:
    async with info.context.read() as access:
        if not access.has("mutual_aid.read"):
            return None
        rows = await projects.project_page(access, 1, ident - 1)
    return MutualAidProject.from_row(rows[0]) if rows and rows[0]["id"] == ident else None


async def _dish(info: Info, ident: int) -> MutualAidDish | None:
    async with public_read(info.context):   # the menu is public, like mutualAidDishes
        found = await menu.dishes_by_ids([ident])
    return MutualAidDish.from_row(found[ident]) if ident in found else None


async def _session(info: Info, ident: int) -> MutualAidSession | None:
    async with public_read(info.context):
        row = await sessions.get_session(ident)
    return MutualAidSession.from_row(row) if row else None


NODE_TYPES: list[NodeType] = [
    NodeType("MutualAidBox", _box),
    NodeType("MutualAidOrder", _order),
    NodeType("MutualAidNote", _note),
    NodeType("MutualAidProject", _project),
    NodeType("MutualAidDish", _dish),
    NodeType("MutualAidSession", _session),
]
