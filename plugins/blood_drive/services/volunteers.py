"""学雷锋志愿服务 Volunteers serving at a collection session: their time is recorded once per
session and announced as core's ``volunteer.service_recorded`` (points and other modules
count it)."""

from __future__ import annotations

from typing import Any

from core.plugin import Access, ApiError, ServiceRecorded, emit, get_resident, now_utc
from plugins.blood_drive.services.common import require_any
from plugins.blood_drive.tables import Session, VolunteerShift

__all__ = ["record_volunteer"]


async def record_volunteer(access: Access, session_id: int, resident_id: int, minutes: int
                           ) -> tuple[dict[str, Any], bool]:
    """Record a volunteer's minutes at a session of the acting tenant (once per session:
    recording again answers the first record, ``created`` false)."""
    require_any(access, "blood_drive.sessions", "blood_drive.health")
    session = await Session.select().where(Session.id == session_id).first()
    if session is None:
        raise ApiError.not_found("场次", "session", "sessionId")
    resident = await get_resident(resident_id)
    if resident is None or resident.tenant_id != int(session["tenant_id"]):
        raise ApiError.not_found("居民", "resident", "residentId")
    if not 1 <= minutes <= 24 * 60:
        raise ApiError.invalid("minutes", "服务时长为1–1440分钟", "minutes are 1–1,440")
    inserted = await VolunteerShift.insert(VolunteerShift(
        tenant_id=int(session["tenant_id"]), session_id=session_id, resident_id=resident_id,
        minutes=minutes, recorded_at=now_utc())).on_conflict(action="DO NOTHING").returning(
        VolunteerShift.id)
    if inserted:
        await emit("volunteer.service_recorded", ServiceRecorded(
            resident_id=resident_id, minutes=minutes, kind="blood_drive.session",
            source_module="blood_drive"))
    row = await VolunteerShift.select().where(
        (VolunteerShift.session_id == session_id) & (VolunteerShift.resident_id == resident_id)
    ).first()
    assert row is not None
    return dict(row), bool(inserted)
