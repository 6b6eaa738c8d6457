"""Holds (预约): on a title with a pickup room, first come first served. A returned copy that
fills a hold travels to the pickup room and waits on its hold shelf for the rule's days; the
reader is told when — and only when — it is actually on that shelf. An expired hold passes the
copy to the next reader in the queue."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from core.plugin import ApiError, LocalText, emit, notify, now_utc, today_shanghai
from plugins.reading_rooms.services.common import NetworkRef, get_room, loan_rules
from plugins.reading_rooms.tables import Card, Copy, Hold, Notice, Title

__all__ = [
    "HoldReady",
    "ReaderNotice",
    "cancel_hold",
    "deliver_notice",
    "expire_holds",
    "make_ready",
    "next_waiting",
    "place_hold",
    "tell",
]


@dataclass(frozen=True)
class HoldReady:
    """Payload of ``reading_rooms.hold_ready``: a held copy is on the pickup room's shelf."""

    hold_id: int
    card_id: int
    title_id: int
    room_id: int
    expires_on: date


async def place_hold(network: NetworkRef, card: dict[str, Any], title_id: int,
                     pickup_room_id: int) -> dict[str, Any]:
    """Queue a hold (one active hold per reader and title: a unique key)."""
    if card["status"] != "active":
        raise ApiError.invalid("cardNumber", "读者证不可用", "the card is not active")
    if not await Title.exists().where((Title.id == title_id) & (Title.network_id == network.id)):
        raise ApiError.not_found("书目", "title", "titleId")
    await get_room(pickup_room_id, network, "pickupRoomId")
    key = f"{card['id']}:{title_id}"
    if await Hold.exists().where(Hold.active_key == key):
        raise ApiError.conflict("您已预约此书", "you already hold this title", "titleId")
    row = Hold(tenant_id=network.county.id, network_id=network.id, title_id=title_id,
               card_id=card["id"], pickup_room_id=pickup_room_id, status="waiting",
               active_key=key, placed_at=now_utc())
    await Hold.insert(row)
    return dict(await Hold.select().where(Hold.id == row.id).first() or {})


async def cancel_hold(hold_id: int, card_ids: list[int] | None) -> dict[str, Any]:
    """Cancel an active hold (a reader: only their own); a copy kept for it goes back to the
    queue or the shelf at the next check-in."""
    hold = await Hold.select().where(Hold.id == hold_id).first()
    if hold is None or (card_ids is not None and int(hold["card_id"]) not in card_ids):
        raise ApiError.not_found("预约", "hold", "holdId")
    if hold["status"] not in ("waiting", "in_transit", "ready"):
        raise ApiError.invalid("holdId", "该预约已结束", "this hold has ended")
    await Hold.update({Hold.status: "cancelled", Hold.active_key: None}).where(
        Hold.id == hold_id)
    if hold["copy_id"] is not None and hold["status"] == "ready":
        await Copy.update({Copy.status: "available", Copy.hold_id: None}).where(
            (Copy.id == hold["copy_id"]) & (Copy.status == "on_hold_shelf"))
    return {**dict(hold), "status": "cancelled"}


async def next_waiting(title_id: int) -> dict[str, Any] | None:
    row = await Hold.select().where((Hold.title_id == title_id) & (Hold.status == "waiting")
                                    ).order_by(Hold.placed_at).order_by(Hold.id).first()
    return dict(row) if row else None


async def make_ready(network: NetworkRef, hold: dict[str, Any], copy_id: int, room_id: int,
                     today: date) -> None:
    """Put the copy on the hold shelf of ``room_id`` for ``hold`` and tell the reader."""
    rules = await loan_rules(network.county, today)
    expires = today + timedelta(days=rules.hold_shelf_days)
    await Copy.update({Copy.status: "on_hold_shelf", Copy.current_room_id: room_id,
                       Copy.destination_room_id: None, Copy.hold_id: hold["id"],
                       Copy.updated_at: now_utc()}).where(Copy.id == copy_id)
    await Hold.update({Hold.status: "ready", Hold.copy_id: copy_id, Hold.ready_at: now_utc(),
                       Hold.expires_on: expires}).where(Hold.id == hold["id"])
    await emit("reading_rooms.hold_ready",
               HoldReady(int(hold["id"]), int(hold["card_id"]), int(hold["title_id"]), room_id,
                         expires), tenant_id=network.county.id)
    await tell(int(hold["card_id"]), "reading_rooms.hold_ready", int(hold["id"]),
               LocalText("预约的图书已到", "Your reserved book is ready"),
               LocalText(f"您预约的图书已在预约架上，请于{expires.month}月{expires.day}日前取书",
                         f"Your reserved book is on the hold shelf; collect it by "
                         f"{expires.isoformat()}"))


@dataclass(frozen=True)
class ReaderNotice:
    """Payload of ``reading_rooms.reader_notice``: words for a reader's account. Written at the
    county with the notice, it is addressed to the reader's own tenant (where they read their
    notifications), and the plugin's handler writes the inbox row there."""

    account_id: int
    kind: str
    title_zh: str
    title_en: str
    body_zh: str
    body_en: str


async def tell(card_id: int, kind: str, ref_id: int, title: LocalText, body: LocalText,
               period: str = "-") -> bool:
    """A notice to the card's account (a child card's: the guardian's), once per (kind, ref,
    period): the unique key makes every sender idempotent. The notice row is the county's; the
    words reach the reader in their own tenant through ``reading_rooms.reader_notice``."""
    card = await Card.select(Card.tenant_id, Card.account_id, Card.home_tenant_id,
                             Card.guardian_card_id).where(Card.id == card_id).first()
    if card is None:
        raise ApiError.not_found("读者证", "card", "cardId")
    inserted = await Notice.insert(Notice(tenant_id=int(card["tenant_id"]), kind=kind,
                                          ref_id=ref_id, period=period, created_at=now_utc())
                                   ).on_conflict(action="DO NOTHING").returning(Notice.id)
    if not inserted:
        return False
    reader = card
    if card["account_id"] is None and card["guardian_card_id"] is not None:
        reader = await Card.select(Card.tenant_id, Card.account_id, Card.home_tenant_id).where(
            Card.id == card["guardian_card_id"]).first() or card
    if reader["account_id"] is not None:
        await emit("reading_rooms.reader_notice",
                   ReaderNotice(int(reader["account_id"]), kind, title.zh, title.en, body.zh,
                                body.en),
                   tenant_id=int(reader["home_tenant_id"] or reader["tenant_id"]))
    return True


async def deliver_notice(event: Any) -> None:
    """``reading_rooms.reader_notice``, in the reader's tenant's write scope: the inbox row
    (exactly once per event: core claims the delivery in the same transaction)."""
    payload = event.payload

    def field(name: str) -> Any:
        return payload[name] if isinstance(payload, dict) else getattr(payload, name)

    try:
        await notify(int(field("account_id")), str(field("kind")),
                     LocalText(field("title_zh"), field("title_en")),
                     LocalText(field("body_zh"), field("body_en")))
    except ApiError:
        pass  # an account that can no longer be notified: the county's notice row records it


async def expire_holds(network: NetworkRef, today: date | None = None,
                       rooms: list[int] | None = None) -> int:
    """Ready holds past their shelf date expire; each copy passes to the next reader waiting for
    the title (ready here, or sent on), else back to the shelf. Idempotent."""
    today = today or today_shanghai()
    query = Hold.select().where((Hold.network_id == network.id) & (Hold.status == "ready")
                                & (Hold.expires_on < today))
    if rooms is not None:
        query = query.where(Hold.pickup_room_id.is_in(rooms or [-1]))
    rows = await query
    for hold in rows:
        await Hold.update({Hold.status: "expired", Hold.active_key: None}).where(
            (Hold.id == hold["id"]) & (Hold.status == "ready"))
        copy = await Copy.select().where((Copy.id == hold["copy_id"])
                                         & (Copy.status == "on_hold_shelf")).first()
        if copy is None:
            continue
        following = await next_waiting(int(hold["title_id"]))
        here = int(copy["current_room_id"])
        if following is None:
            await Copy.update({Copy.status: "available", Copy.hold_id: None}).where(
                Copy.id == copy["id"])
        elif int(following["pickup_room_id"]) == here:
            await make_ready(network, following, int(copy["id"]), here, today)
        else:
            await Copy.update({Copy.status: "in_transit",
                               Copy.destination_room_id: following["pickup_room_id"],
                               Copy.hold_id: following["id"]}).where(Copy.id == copy["id"])
            await Hold.update({Hold.status: "in_transit", Hold.copy_id: copy["id"]}).where(
                Hold.id == following["id"])
    return len(rows)
