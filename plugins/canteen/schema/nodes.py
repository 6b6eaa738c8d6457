"""How ``node(id:)`` loads the plugin's objects (``linli_node_types``): None (``NOT_FOUND``) for
an object outside the caller's scope."""

from __future__ import annotations

from core.plugin import Info, NodeType
from plugins.canteen.schema.types import (
    CanteenCanteen,
    CanteenElder,
    CanteenMeal,
    CanteenSettlement,
)
from plugins.canteen.services import canteens, elders
from plugins.canteen.tables import Meal, Settlement

__all__ = ["NODE_TYPES"]


async def _canteen(info: Info, ident: int) -> CanteenCanteen | None:
    async with info.context.read():
        row = await canteens.get_canteen(ident)
    return CanteenCanteen.from_row(row) if row else None


async def _elder(info: Info, ident: int) -> CanteenElder | None:
    async with info.context.read():
        row = (await elders.elders_by_ids([ident])).get(ident)
    return CanteenElder.from_row(row) if row else None


async def _meal(info: Info, ident: int) -> CanteenMeal | None:
    async with info.context.read():
        row = await Meal.select().where(Meal.id == ident).first()
    return CanteenMeal.from_row(row) if row else None


async def _settlement(info: Info, ident: int) -> CanteenSettlement | None:
    async with info.context.read():
        row = await Settlement.select().where(Settlement.id == ident).first()
    return CanteenSettlement.from_row(row) if row else None


NODE_TYPES: list[NodeType] = [
    NodeType("CanteenCanteen", _canteen),
    NodeType("CanteenElder", _elder),
    NodeType("CanteenMeal", _meal),
    NodeType("CanteenSettlement", _settlement),
]
