"""PIPL export and erasure of one person's reading-room data (``linli_personal_data``). Core
calls it in the person's tenant; their cards live in the county's private rows, reached from
below through ``as_region``, found by the resident link.

Erasure: loans already returned and seat bookings are deleted, active holds cancelled; the card
is kept (open loans still point at it) but blanked — name, phone and ID number become sealed
empty values, its blind index a tombstone, its account link dropped and its status blocked."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from core.plugin import PersonalCipher, as_region
from plugins.reading_rooms.services.common import READER_TABLES, get_network
from plugins.reading_rooms.tables import Card, Hold, Loan, Network, SeatBooking, SeatSlot

__all__ = ["personal_data"]


async def personal_data(resident_id: int, action: str, cipher: PersonalCipher
                        ) -> Mapping[str, Any] | None:
    out: dict[str, Any] = {}
    done: dict[str, int] = {"cards_blanked": 0, "loans_deleted": 0, "holds_cancelled": 0,
                            "bookings_deleted": 0}
    found = False
    for row in await Network.select(Network.id):
        network = await get_network(int(row["id"]))
        async with as_region(network.county, *READER_TABLES):
            cards = await Card.select().where((Card.network_id == network.id)
                                              & (Card.resident_id == resident_id))
            if not cards:
                continue
            found = True
            ids = [int(c["id"]) for c in cards]
            if action == "export":
                loans = await Loan.select().where(Loan.card_id.is_in(ids)).order_by(Loan.id)
                out.setdefault("cards", []).extend(
                    {"network": network.name, "card_number": c["card_number"],
                     "name": cipher.open(c["name_cipher"]),
                     "phone": cipher.open(c["phone_cipher"]) if c["phone_cipher"] else None,
                     "id_number": cipher.open(c["id_number_cipher"]),
                     "reader_type": c["reader_type"], "status": c["status"],
                     "registered_at": c["registered_at"].isoformat()} for c in cards)
                out.setdefault("loans", []).extend(
                    {"copy_id": r["copy_id"], "loaned_at": r["loaned_at"].isoformat(),
                     "due_on": r["due_on"].isoformat(), "status": r["status"]} for r in loans)
                continue
            deleted = await Loan.delete().where(Loan.card_id.is_in(ids)
                                                & (Loan.status != "open")).returning(Loan.id)
            done["loans_deleted"] += len(deleted)
            cancelled = await Hold.update({Hold.status: "cancelled", Hold.active_key: None}
                                          ).where(Hold.card_id.is_in(ids) & Hold.status.is_in(
                                              ["waiting", "in_transit", "ready"])
                                          ).returning(Hold.id)
            done["holds_cancelled"] += len(cancelled)
            booked = await SeatBooking.delete().where(SeatBooking.card_id.is_in(ids)
                                                      ).returning(SeatBooking.seat_id,
                                                                  SeatBooking.day,
                                                                  SeatBooking.slot)
            for b in booked:   # the seats they had are free again
                await SeatSlot.delete().where((SeatSlot.seat_id == b["seat_id"])
                                              & (SeatSlot.day == b["day"])
                                              & (SeatSlot.slot == b["slot"]))
            done["bookings_deleted"] += len(booked)
            for card in cards:
                if card["id_mask"] == "":
                    continue  # erased before
                await Card.update({Card.name_cipher: cipher.seal(""), Card.phone_cipher: None,
                                   Card.id_number_cipher: cipher.seal(""),
                                   Card.id_index: f"erased:{card['id']}", Card.id_mask: "",
                                   Card.account_id: None, Card.status: "blocked"}).where(
                    Card.id == card["id"])
                done["cards_blanked"] += 1
    if action == "export":
        return out or None
    return done if found else None
