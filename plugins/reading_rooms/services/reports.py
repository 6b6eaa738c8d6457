"""Reports of a network for its central staff and the county's officials: collection by class per
room (rooms missing any of the 22 classes flagged), loans per room and class per month, items in
transit, overdue loans. Each is one aggregate statement."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from piccolo.query.functions.aggregate import Count, Sum

from core.plugin import SHANGHAI, today_shanghai
from plugins.reading_rooms.services.common import CLASSES
from plugins.reading_rooms.tables import Activity, Copy, Loan, Room, Title, Visit

__all__ = ["active_readers", "activities_by_month", "collection_by_class", "in_transit",
           "loans_by_month", "overdue", "visits_by_month"]


async def collection_by_class(network_id: int) -> list[dict[str, Any]]:
    """Per room: copies held by class letter and the classes it lacks."""
    rooms = await Room.select(Room.id, Room.name).where(Room.network_id == network_id
                                                        ).order_by(Room.id)
    rows = await Copy.select(Copy.current_room_id, Copy.title_id.join_on(Title.id).class_letter,
                             Count(alias="count")).where(
        (Copy.network_id == network_id) & Copy.status.not_in(["lost", "withdrawn"])
    ).group_by(Copy.current_room_id, Copy.title_id.join_on(Title.id).class_letter)
    counts: dict[int, dict[str, int]] = {int(r["id"]): {} for r in rooms}
    for r in rows:
        letter = r["title_id.class_letter"]
        counts.setdefault(int(r["current_room_id"]), {})[letter] = int(r["count"])
    return [{"room_id": int(room["id"]), "room_name": room["name"],
             "by_class": counts.get(int(room["id"]), {}),
             "missing": [c for c in CLASSES if not counts.get(int(room["id"]), {}).get(c)]}
            for room in rooms]


async def loans_by_month(network_id: int, month: str) -> list[dict[str, Any]]:
    """Loans made in ``month`` (YYYY-MM, Asia/Shanghai) by room and class."""
    year, mon = int(month[:4]), int(month[5:7])
    start = datetime.combine(date(year, mon, 1), time(), SHANGHAI)
    end = datetime.combine(date(year + mon // 12, mon % 12 + 1, 1), time(), SHANGHAI)
    rows = await Loan.select(Loan.room_id, Loan.class_letter, Count(alias="count")).where(
        (Loan.network_id == network_id) & (Loan.loaned_at >= start) & (Loan.loaned_at < end)
    ).group_by(Loan.room_id, Loan.class_letter).order_by(Loan.room_id).order_by(
        Loan.class_letter)
    return [{"room_id": int(r["room_id"]), "class_letter": r["class_letter"],
             "loans": int(r["count"])} for r in rows]


async def in_transit(network_id: int) -> list[dict[str, Any]]:
    """Copies in transit by origin and destination."""
    rows = await Copy.select(Copy.current_room_id, Copy.destination_room_id, Count(alias="count")
                             ).where((Copy.network_id == network_id)
                                     & (Copy.status == "in_transit")).group_by(
        Copy.current_room_id, Copy.destination_room_id)
    return [{"from_room_id": int(r["current_room_id"]),
             "to_room_id": int(r["destination_room_id"] or 0), "copies": int(r["count"])}
            for r in rows]


async def overdue(network_id: int, today: date | None = None) -> list[dict[str, Any]]:
    """Open loans past their due date, per room, with the oldest due date."""
    today = today or today_shanghai()
    rows = await Loan.select(Loan.room_id, Count(alias="count")).where(
        (Loan.network_id == network_id) & (Loan.status == "open") & (Loan.due_on < today)
    ).group_by(Loan.room_id)
    return [{"room_id": int(r["room_id"]), "loans": int(r["count"])} for r in rows]


def _month_range(month: str) -> tuple[datetime, datetime]:
    first, last = month_bounds(month)
    return (datetime.combine(first, time(), SHANGHAI),
            datetime.combine(last + timedelta(days=1), time(), SHANGHAI))


async def visits_by_month(network_id: int, month: str) -> list[dict[str, Any]]:
    """Entries counted per room in ``month`` (every room of the network, 0 when none)."""
    first, last = month_bounds(month)
    rooms = await Room.select(Room.id).where(Room.network_id == network_id).order_by(Room.id)
    ids = [int(r["id"]) for r in rooms]
    rows = await Visit.select(Visit.room_id, Sum(Visit.entries, alias="entries")).where(
        Visit.room_id.is_in(ids or [-1]) & (Visit.day >= first) & (Visit.day <= last)
    ).group_by(Visit.room_id)
    counted = {int(r["room_id"]): int(r["entries"] or 0) for r in rows}
    return [{"room_id": room, "entries": counted.get(room, 0)} for room in ids]


async def activities_by_month(network_id: int, month: str) -> list[dict[str, Any]]:
    """Activities held per room in ``month`` (Asia/Shanghai) and the sign-ups they had."""
    start, end = _month_range(month)
    rows = await Activity.select(Activity.room_id, Count(alias="count"),
                                 Sum(Activity.signed_up, alias="signed_up")).where(
        Activity.room_id.is_in(Room.select(Room.id).where(Room.network_id == network_id))
        & (Activity.starts_at >= start) & (Activity.starts_at < end)
    ).group_by(Activity.room_id).order_by(Activity.room_id)
    return [{"room_id": int(r["room_id"]), "activities": int(r["count"]),
             "signed_up": int(r["signed_up"] or 0)} for r in rows]


async def active_readers(network_id: int, month: str) -> int:
    """Readers (cards) who borrowed at least once in ``month``."""
    start, end = _month_range(month)
    rows = await Loan.select(Loan.card_id).where(
        (Loan.network_id == network_id) & (Loan.loaned_at >= start) & (Loan.loaned_at < end)
    ).distinct()
    return len(rows)


def month_bounds(month: str) -> tuple[date, date]:
    year, mon = int(month[:4]), int(month[5:7])
    first = date(year, mon, 1)
    return first, date(year + mon // 12, mon % 12 + 1, 1) - timedelta(days=1)
