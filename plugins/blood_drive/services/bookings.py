"""预约 Booking a slot, cancelling, checking in. Two database rules make the only-once
promises: the slot's seat is taken by a conditional update (``booked < capacity``), and the
unique key (campaign, donor, active) allows one open booking per donor and campaign. Both run
in the mutation's one transaction, so a refusal of either leaves nothing written."""

from __future__ import annotations

from typing import Any

from core.plugin import Access, ApiError, now_utc
from plugins.blood_drive.services.common import is_self, require_any
from plugins.blood_drive.tables import Booking, Campaign, Donor, Session, Slot

__all__ = ["book", "booking_page", "bookings_by_ids", "cancel", "check_in", "get_booking"]


async def _donor_for(access: Access, donor_id: int) -> dict[str, Any]:
    donor = await Donor.select().where(Donor.id == donor_id).first()
    if donor is None:
        raise ApiError.not_found("献血者", "donor", "donorId")
    if not is_self(access, int(donor["resident_id"])):
        require_any(access, "blood_drive.mobilise", "blood_drive.health")
    return dict(donor)


async def book(access: Access, slot_id: int, donor_id: int) -> dict[str, Any]:
    """Book a seat of a future slot for a donor of the slot's street office."""
    donor = await _donor_for(access, donor_id)
    slot = await Slot.select().where(Slot.id == slot_id).first()
    if slot is None:
        raise ApiError.not_found("时段", "slot", "slotId")
    if int(slot["tenant_id"]) != int(donor["tenant_id"]):
        raise ApiError.invalid("slotId", "只能预约本街镇的场次",
                               "book a session of the donor's own street office")
    if slot["starts_at"] <= now_utc():
        raise ApiError.invalid("slotId", "该时段已开始或已结束", "this slot has started or passed")
    session = await Session.select().where(Session.id == slot["session_id"]).first()
    assert session is not None
    campaign_id = int(session["campaign_id"])
    if not await Campaign.exists().where(Campaign.id == campaign_id):
        raise ApiError.not_found("献血活动", "campaign", "slotId")
    row = Booking(tenant_id=int(slot["tenant_id"]), campaign_id=campaign_id,
                  session_id=int(session["id"]), slot_id=slot_id, donor_id=donor_id,
                  status="booked", active=1, booked_at=now_utc())
    inserted = await Booking.insert(row).on_conflict(action="DO NOTHING").returning(Booking.id)
    if not inserted:
        raise ApiError.conflict("该献血者在本次活动中已有预约，请先取消再改约",
                                "the donor already holds a booking in this campaign: cancel "
                                "it to rebook", "donorId")
    seat = await Slot.update({Slot.booked: Slot.booked + 1}).where(
        (Slot.id == slot_id) & (Slot.booked < Slot.capacity)).returning(Slot.id)
    if not seat:
        raise ApiError.conflict("该时段已约满", "this slot is full", "slotId")
    return await get_booking(int(inserted[0]["id"]))


async def get_booking(booking_id: int) -> dict[str, Any]:
    row = await Booking.select().where(Booking.id == booking_id).first()
    if row is None:
        raise ApiError.not_found("预约", "booking", "bookingId")
    return dict(row)


async def cancel(access: Access, booking_id: int) -> dict[str, Any]:
    """Cancel an open booking (the seat is given back); the donor may then book again."""
    booking = await get_booking(booking_id)
    await _donor_for(access, int(booking["donor_id"]))
    done = await Booking.update({Booking.status: "cancelled", Booking.active: None,
                                 Booking.cancelled_at: now_utc()}).where(
        (Booking.id == booking_id) & (Booking.status == "booked")).returning(Booking.id)
    if not done:
        raise ApiError.conflict("该预约已不能取消", "this booking can no longer be cancelled",
                                "bookingId")
    await Slot.update({Slot.booked: Slot.booked - 1}).where(
        (Slot.id == booking["slot_id"]) & (Slot.booked > 0))
    return await get_booking(booking_id)


async def check_in(access: Access, booking_id: int) -> dict[str, Any]:
    """签到 Site staff check a booked donor in (once)."""
    require_any(access, "blood_drive.health")
    await get_booking(booking_id)
    done = await Booking.update({Booking.status: "checked_in",
                                 Booking.checked_in_at: now_utc()}).where(
        (Booking.id == booking_id) & (Booking.status == "booked")).returning(Booking.id)
    if not done:
        raise ApiError.conflict("该预约不是待签到状态", "this booking is not awaiting check-in",
                                "bookingId")
    return await get_booking(booking_id)


async def bookings_by_ids(ids: list[int]) -> dict[int, dict[str, Any]]:
    if not ids:
        return {}
    rows = await Booking.select().where(Booking.id.is_in(sorted(set(ids))))
    return {int(r["id"]): r for r in rows}


async def booking_page(access: Access, first: int, after: int | None, *,
                       campaign_id: int | None = None, session_id: int | None = None
                       ) -> list[dict[str, Any]]:
    """Bookings readable here (organisers included: a booking holds no health data)."""
    require_any(access, "blood_drive.read", "blood_drive.mobilise", "blood_drive.health")
    query = Booking.select()
    if campaign_id is not None:
        query = query.where(Booking.campaign_id == campaign_id)
    if session_id is not None:
        query = query.where(Booking.session_id == session_id)
    if after:
        query = query.where(Booking.id > after)
    return list(await query.order_by(Booking.id).limit(first + 1))
