"""Quiet-study seats booked by two-hour slot — one booking per seat at a time (the unique key of
the shared :class:`SeatSlot`, which every tenant below reads to show free slots) and one seat per
reader at a time (a unique key of the private booking) — activity sign-ups up to capacity (a
conditional update on the activity's count), and visits counted at a room's door."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from core.plugin import Access, ApiError, now_utc, today_shanghai
from plugins.reading_rooms.services.common import NetworkRef, get_room, require, require_room
from plugins.reading_rooms.tables import Activity, Seat, SeatBooking, SeatSlot, Signup, Visit

__all__ = ["SLOTS", "book_seat", "create_activity", "record_visits", "sign_up", "taken_slots"]

SLOTS = 6
"""Two-hour slots from 08:00 to 20:00 (0 = 08:00–10:00)."""


async def book_seat(network: NetworkRef, card: dict[str, Any], seat_id: int, day: date,
                    slot: int) -> dict[str, Any]:
    seat = await Seat.select().where(Seat.id == seat_id).first()
    if seat is None:
        raise ApiError.not_found("座位", "seat", "seatId")
    await get_room(int(seat["room_id"]), network, "seatId")
    if card["status"] != "active":
        raise ApiError.invalid("cardNumber", "读者证不可用", "the card is not active")
    if not 0 <= slot < SLOTS:
        raise ApiError.invalid("slot", "时段须为0–5", "the slot is 0–5")
    if day < today_shanghai() or (day - today_shanghai()).days > 14:
        raise ApiError.invalid("day", "只能预约今后14天内", "book within the next 14 days")
    taken = await SeatSlot.insert(SeatSlot(
        tenant_id=network.county.id, seat_id=seat_id, day=day, slot=slot)
    ).on_conflict(action="DO NOTHING").returning(SeatSlot.id)
    if not taken:
        raise ApiError.conflict("该座位此时段已被预约", "this seat is booked for that slot",
                                "slot")
    inserted = await SeatBooking.insert(SeatBooking(
        tenant_id=network.county.id, seat_id=seat_id, card_id=card["id"], day=day, slot=slot,
        created_at=now_utc())).on_conflict(action="DO NOTHING").returning(SeatBooking.id)
    if not inserted:   # the same reader already has a seat in this slot (the slot is undone)
        raise ApiError.conflict("您在该时段已预约了座位", "you already have a seat in that slot",
                                "slot")
    return dict(await SeatBooking.select().where(SeatBooking.id == inserted[0]["id"]).first()
                or {})


async def create_activity(access: Access, network: NetworkRef, room_id: int, title: str,
                          kind: str, starts_at: datetime, capacity: int) -> dict[str, Any]:
    require(access, "reading_rooms.manage")
    await get_room(room_id, network)
    if kind not in ("salon", "parent_child", "tea_reading", "other"):
        raise ApiError.invalid("kind", "活动类型无效", "unknown activity kind")
    if not 1 <= capacity <= 1000:
        raise ApiError.invalid("capacity", "名额须为1–1000", "capacity is 1–1000")
    text = " ".join((title or "").split())
    if not text or len(text) > 100:
        raise ApiError.invalid("title", "标题须为1–100个字", "the title has 1–100 characters")
    row = Activity(tenant_id=network.county.id, room_id=room_id, title=text, kind=kind,
                   starts_at=starts_at, capacity=capacity, signed_up=0, created_at=now_utc())
    await Activity.insert(row)
    return dict(await Activity.select().where(Activity.id == row.id).first() or {})


async def sign_up(network: NetworkRef, card: dict[str, Any], activity_id: int
                  ) -> dict[str, Any]:
    activity = await Activity.select().where(Activity.id == activity_id).first()
    if activity is None:
        raise ApiError.not_found("活动", "activity", "activityId")
    await get_room(int(activity["room_id"]), network, "activityId")
    if activity["starts_at"] < now_utc():
        raise ApiError.invalid("activityId", "活动已开始", "the activity has started")
    if await Signup.exists().where((Signup.activity_id == activity_id)
                                   & (Signup.card_id == card["id"])):
        raise ApiError.conflict("已报名", "already signed up", "activityId")
    taken = await Activity.update({Activity.signed_up: Activity.signed_up + 1}).where(
        (Activity.id == activity_id) & (Activity.signed_up < Activity.capacity)
    ).returning(Activity.id)
    if not taken:
        raise ApiError.conflict("名额已满", "the activity is full", "activityId")
    await Signup.insert(Signup(tenant_id=network.county.id, activity_id=activity_id,
                               card_id=card["id"], created_at=now_utc()))
    return dict(await Activity.select().where(Activity.id == activity_id).first() or {})


async def taken_slots(seat_ids: list[int], day: date) -> dict[int, list[int]]:
    """``{seat: [taken slots]}`` of a day for many seats in one statement (no readers in it)."""
    found: dict[int, list[int]] = {s: [] for s in seat_ids}
    if seat_ids:
        for r in await SeatSlot.select(SeatSlot.seat_id, SeatSlot.slot).where(
                SeatSlot.seat_id.is_in(sorted(set(seat_ids))) & (SeatSlot.day == day)
        ).order_by(SeatSlot.slot):
            found.setdefault(int(r["seat_id"]), []).append(int(r["slot"]))
    return found


VISITS_AT_ONCE = 5000
"""The most entries one report may add (a gate counter reports at least daily)."""


async def record_visits(access: Access, room_id: int, entries: int, day: date | None = None
                        ) -> dict[str, Any]:
    """Add ``entries`` counted at the room's door to the day's visits (a gate counter through
    the room's machine key, or the desk). The day's row is created once (a unique key) and
    grows by a conditional update, so concurrent reports never lose a count."""
    network, _ = await require_room(access, room_id)
    today = today_shanghai()
    day = day or today
    if not 1 <= entries <= VISITS_AT_ONCE:
        raise ApiError.invalid("entries", f"人次须为1–{VISITS_AT_ONCE}",
                               f"entries are 1–{VISITS_AT_ONCE}")
    if day > today or (today - day).days > 31:
        raise ApiError.invalid("visitedOn", "只能登记今天及之前31天内的到馆人次",
                               "visits are recorded for today or the 31 days before")
    now = now_utc()
    await Visit.insert(Visit(tenant_id=network.county.id, room_id=room_id, day=day, entries=0,
                             updated_at=now)).on_conflict(action="DO NOTHING")
    rows = await Visit.update({Visit.entries: Visit.entries + entries, Visit.updated_at: now}
                              ).where((Visit.room_id == room_id) & (Visit.day == day)
                                      ).returning(*Visit.all_columns())
    return dict(rows[0])
