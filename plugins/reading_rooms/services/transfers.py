"""统筹配送 Transfers: central staff send a batch of copies from one room to another; the batch
has a manifest (.xlsx, with its destination) and is received copy by copy at the destination
(scanning a copy there at check-in receives it)."""

from __future__ import annotations

import io
from typing import Any

from core.plugin import Access, ApiError, now_utc
from plugins.reading_rooms.services.common import NetworkRef, get_room, require
from plugins.reading_rooms.tables import Copy, Title, Transfer, TransferItem

__all__ = ["close_received", "create_transfer", "manifest_xlsx", "transfer_items"]


async def create_transfer(access: Access, network: NetworkRef, from_room_id: int,
                          to_room_id: int, barcodes: list[str], note: str = ""
                          ) -> dict[str, Any]:
    """Send copies on the shelf of ``from_room_id`` to ``to_room_id`` (each moves to
    ``in_transit`` by a conditional update: a copy lent meanwhile is refused, nothing sent)."""
    require(access, "reading_rooms.manage")
    if access.node_id != network.county.id:
        raise ApiError.not_found("书房网络", "reading-room network", "networkId")
    await get_room(from_room_id, network, "fromRoomId")
    await get_room(to_room_id, network, "toRoomId")
    if from_room_id == to_room_id:
        raise ApiError.invalid("toRoomId", "目的书房须不同于发出书房",
                               "the destination differs from the origin")
    codes = list(dict.fromkeys(b.strip() for b in barcodes if b.strip()))
    if not codes or len(codes) > 1000:
        raise ApiError.invalid("barcodes", "须有1–1000个条码", "1–1000 barcodes")
    rows = await Copy.select(Copy.id, Copy.barcode).where(
        (Copy.network_id == network.id) & Copy.barcode.is_in(codes))
    found = {r["barcode"]: int(r["id"]) for r in rows}
    missing = [c for c in codes if c not in found]
    if missing:
        raise ApiError.not_found(f"馆藏 {missing[0]}", f"copy {missing[0]}", "barcodes")
    ids = [found[c] for c in codes]
    moved = await Copy.update({Copy.status: "in_transit", Copy.destination_room_id: to_room_id,
                               Copy.updated_at: now_utc()}).where(
        Copy.id.is_in(ids) & (Copy.status == "available")
        & (Copy.current_room_id == from_room_id)).returning(Copy.id)
    if len(moved) != len(ids):
        raise ApiError.conflict("部分图书不在发出书房的书架上", "some copies are not on the "
                                "origin room's shelf", "barcodes")
    batch = Transfer(tenant_id=network.county.id, network_id=network.id,
                     from_room_id=from_room_id, to_room_id=to_room_id, status="sent",
                     note=note.strip()[:200], created_by=access.principal.account_id,
                     created_at=now_utc())
    await Transfer.insert(batch)
    await TransferItem.insert(*(TransferItem(tenant_id=network.county.id, transfer_id=batch.id,
                                             copy_id=i) for i in ids))
    return dict(await Transfer.select().where(Transfer.id == batch.id).first() or {})


async def close_received() -> None:
    """Transfers whose every copy has arrived become ``received``."""
    await Transfer.update({Transfer.status: "received"}).where(
        (Transfer.status == "sent") & Transfer.id.not_in(
            TransferItem.select(TransferItem.transfer_id).where(
                TransferItem.received_at.is_null())))


async def transfer_items(transfer_ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    """``{transfer: [item with barcode, title, call number]}`` in two statements."""
    if not transfer_ids:
        return {}
    items = await TransferItem.select().where(TransferItem.transfer_id.is_in(
        sorted(set(transfer_ids)))).order_by(TransferItem.id)
    copies = {int(c["id"]): c for c in await Copy.select(
        Copy.id, Copy.barcode, Copy.title_id).where(
        Copy.id.is_in([int(i["copy_id"]) for i in items] or [-1]))}
    titles = {int(t["id"]): t for t in await Title.select(
        Title.id, Title.title, Title.call_number).where(
        Title.id.is_in(sorted({int(c["title_id"]) for c in copies.values()}) or [-1]))}
    out: dict[int, list[dict[str, Any]]] = {t: [] for t in transfer_ids}
    for item in items:
        copy = copies.get(int(item["copy_id"]), {})
        title = titles.get(int(copy.get("title_id", 0)), {})
        out[int(item["transfer_id"])].append({**dict(item), "barcode": copy.get("barcode", ""),
                                              "title": title.get("title", ""),
                                              "call_number": title.get("call_number", "")})
    return out


async def manifest_xlsx(network: NetworkRef, transfer_id: int) -> bytes:
    """The printable manifest: origin, destination, then one line per copy."""
    from openpyxl import Workbook

    batch = await Transfer.select().where((Transfer.id == transfer_id)
                                          & (Transfer.network_id == network.id)).first()
    if batch is None:
        raise ApiError.not_found("配送单", "transfer", "transferId")
    origin = await get_room(int(batch["from_room_id"]))
    target = await get_room(int(batch["to_room_id"]))
    items = (await transfer_items([transfer_id]))[transfer_id]
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "配送清单"
    sheet.append(["统筹配送清单 Transfer manifest", f"#{transfer_id}"])
    sheet.append(["发出书房 From", origin["name"]])
    sheet.append(["目的书房 To", target["name"], target["address"]])
    sheet.append(["件数 Items", len(items)])
    sheet.append([])
    sheet.append(["序号 No.", "条码 Barcode", "题名 Title", "索书号 Call number", "签收 Received"])
    for n, item in enumerate(items, 1):
        sheet.append([n, item["barcode"], item["title"], item["call_number"],
                      "✓" if item["received_at"] else ""])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
