"""How ``node(id:)`` loads the plugin's objects: shared objects (networks, rooms, titles, copies)
for anyone who can read them; private ones (loans, holds, transfers) for the county's staff and,
for loans and holds, the reader they belong to. Anything else is ``NOT_FOUND``."""

from __future__ import annotations

from typing import Any

from core.plugin import Info, NodeType, public_read
from plugins.reading_rooms.schema.types import (
    ReadingRoomCopy,
    ReadingRoomHold,
    ReadingRoomLoan,
    ReadingRoomNetwork,
    ReadingRoomRoom,
    ReadingRoomTitle,
    ReadingRoomTransfer,
)
from plugins.reading_rooms.services import cards, transfers
from plugins.reading_rooms.services.common import as_county, get_network
from plugins.reading_rooms.tables import Copy, Hold, Loan, Network, Room, Title, Transfer

__all__ = ["NODE_TYPES"]


async def _shared(info: Info, table: Any, ident: int) -> dict[str, Any] | None:
    async with public_read(info.context):
        row = await table.select().where(table.id == ident).first()
    return dict(row) if row else None


async def _network(info: Info, ident: int) -> ReadingRoomNetwork | None:
    row = await _shared(info, Network, ident)
    return ReadingRoomNetwork.from_row(row) if row else None


async def _room(info: Info, ident: int) -> ReadingRoomRoom | None:
    row = await _shared(info, Room, ident)
    return ReadingRoomRoom.from_row(row) if row else None


async def _title(info: Info, ident: int) -> ReadingRoomTitle | None:
    row = await _shared(info, Title, ident)
    return ReadingRoomTitle.from_row(row) if row else None


async def _copy(info: Info, ident: int) -> ReadingRoomCopy | None:
    row = await _shared(info, Copy, ident)
    return ReadingRoomCopy.from_row(row) if row else None


async def _private(info: Info, table: Any, ident: int) -> dict[str, Any] | None:
    """A loan or hold: the county's staff read it; a reader only their own."""
    async with info.context.read() as access:
        for net_row in await Network.select(Network.id).order_by(Network.id).limit(10):
            network = await get_network(int(net_row["id"]))
            async with as_county(access, network):
                row = await table.select().where((table.id == ident)
                                                 & (table.network_id == network.id)).first()
                if row is None:
                    continue
                if access.node_id == network.county.id and access.has("reading_rooms.read"):
                    return dict(row)
                own = {int(c["id"]) for c in await cards.my_cards(
                    access.principal.account_id or -1)}
                return dict(row) if int(row["card_id"]) in own else None
    return None


async def _loan(info: Info, ident: int) -> ReadingRoomLoan | None:
    row = await _private(info, Loan, ident)
    return ReadingRoomLoan.from_row(row) if row else None


async def _hold(info: Info, ident: int) -> ReadingRoomHold | None:
    row = await _private(info, Hold, ident)
    return ReadingRoomHold.from_row(row) if row else None


async def _transfer(info: Info, ident: int) -> ReadingRoomTransfer | None:
    async with info.context.read() as access:
        if not access.has("reading_rooms.read"):
            return None
        row = await Transfer.select().where(Transfer.id == ident).first()
        items = (await transfers.transfer_items([ident]))[ident] if row else []
    return ReadingRoomTransfer.from_row(row, items) if row else None


NODE_TYPES: list[NodeType] = [
    NodeType("ReadingRoomNetwork", _network),
    NodeType("ReadingRoomRoom", _room),
    NodeType("ReadingRoomTitle", _title),
    NodeType("ReadingRoomCopy", _copy),
    NodeType("ReadingRoomLoan", _loan),
    NodeType("ReadingRoomHold", _hold),
    NodeType("ReadingRoomTransfer", _transfer),
]
