"""红便签 Anonymous notes: posted online or transcribed by staff from the paper column.

No column of a note links it to its author in any form (no account, no device, not even the
exact time, only the day). The posting limit is kept in ``NoteBucket`` rows keyed by an HMAC
of (tenant, day, poster) under the server's secret, which is not in the database: staff reading
the database cannot recompute it for a suspected poster, buckets carry no note id, and the
daily job deletes the buckets of past days."""

from __future__ import annotations

import hashlib
import hmac
from typing import Any

from core.plugin import Access, ApiError, ErrorCode, emit, record, today_shanghai
from plugins.mutual_aid.events import MATTER_REQUESTED, MatterRequested
from plugins.mutual_aid.services.common import (
    bad,
    check_building,
    check_community,
    conflict,
    ensure,
    is_unique_violation,
    not_found,
    now,
    rule_value,
    text,
)
from plugins.mutual_aid.services.live import announce
from plugins.mutual_aid.tables import Note, NoteBucket

__all__ = [
    "answer_note",
    "bucket_key",
    "forget_old_buckets",
    "get_note",
    "moderate_note",
    "note_page",
    "post_note",
    "request_matter_for_note",
]


def bucket_key(secret: str, tenant_id: int, day: str, poster: str) -> str:
    """The rate-limit key of one poster on one day (irreversible without the secret)."""
    message = f"mutual_aid.note|{tenant_id}|{day}|{poster}".encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


async def get_note(note_id: int, field: str = "noteId") -> dict[str, Any]:
    row = await Note.select().where(Note.id == note_id).first()
    if row is None:
        raise not_found("红便签", "note", field)
    return dict(row)


async def _count_post(tenant_id: int, key: str) -> None:
    day = today_shanghai()
    limit = await rule_value("mutual_aid.notes_per_day", tenant_id)
    if not await NoteBucket.exists().where((NoteBucket.day == day) & (NoteBucket.bucket == key)):
        try:
            await NoteBucket.insert(NoteBucket(tenant_id=tenant_id, day=day, bucket=key,
                                               posts=0))
        except Exception as exc:
            if not is_unique_violation(exc):
                raise
    counted = await NoteBucket.update({NoteBucket.posts: NoteBucket.posts + 1}).where(
        (NoteBucket.day == day) & (NoteBucket.bucket == key)
        & (NoteBucket.posts < int(limit.value))).returning(NoteBucket.posts)
    if not counted:
        raise ApiError(ErrorCode.THROTTLED, f"今天已发{limit.value}张红便签，请明天再来",
                       f"at most {limit.value} notes a day; try again tomorrow", "text")


async def post_note(access: Access | None, *, tenant_id: int, secret: str, poster: str | None,
                    community_id: int, text_: str, building_id: int | None = None,
                    topic: str = "", paper: bool = False) -> dict[str, Any]:
    """发红便签 Post a note online (``poster``: the account or device, used only for the
    keyed rate-limit bucket), or transcribe a paper note (staff with ``mutual_aid.moderate``;
    no poster at all). The note waits for moderation."""
    await check_community(community_id)
    if building_id is not None:
        building = await check_building(building_id)
        if building.community_id != community_id:
            raise bad("楼栋不在该社区", "the building is not in this community", "buildingId")
    body = text(text_, "text", required=True, limit=1000)
    if paper:
        if access is None:
            raise ApiError(ErrorCode.FORBIDDEN, "转录纸质红便签需要登录",
                           "transcribing paper notes needs a staff login")
        ensure(access, "mutual_aid.moderate", community_id)
    else:
        if not poster:
            raise bad("请提供设备标识", "a device id is needed to post anonymously", "deviceId")
        await _count_post(tenant_id, bucket_key(secret, tenant_id, today_shanghai().isoformat(),
                                                poster))
    row = Note(tenant_id=tenant_id, community_id=community_id, building_id=building_id,
               topic=text(topic, "topic", required=False, limit=50), text=body,
               source="paper" if paper else "online", status="pending",
               created_on=today_shanghai())
    await Note.insert(row)
    return await get_note(int(row.id))


async def moderate_note(access: Access, *, note_id: int, publish: bool, reason: str = ""
                        ) -> dict[str, Any]:
    """审核 Publish or hide (with a reason) a note."""
    note = await get_note(note_id)
    ensure(access, "mutual_aid.moderate", note["community_id"])
    reason = text(reason, "reason", required=not publish, limit=200)
    values: dict[Any, Any] = {Note.status: "published" if publish else "hidden",
                              Note.hide_reason: "" if publish else reason}
    if publish and note["published_at"] is None:
        values[Note.published_at] = now()
    await Note.update(values).where(Note.id == note_id)
    await record("mutual_aid.note.moderate", account_id=access.principal.account_id,
                 object_type="mutual_aid_note", object_id=note_id,
                 summary={"publish": publish, "reason": reason})
    announce(int(note["tenant_id"]), "note", note_id, int(note["community_id"]))
    return await get_note(note_id)


async def answer_note(access: Access, *, note_id: int, answer: str) -> dict[str, Any]:
    """公开答复 Answer a note in public (publishes it when still pending)."""
    note = await get_note(note_id)
    ensure(access, "mutual_aid.moderate", note["community_id"])
    if note["status"] == "hidden":
        raise conflict("已隐藏的红便签不能答复", "a hidden note cannot be answered", "noteId")
    at = now()
    await Note.update({Note.answer: text(answer, "answer", required=True, limit=2000),
                       Note.answered_at: at, Note.status: "published",
                       Note.published_at: note["published_at"] or at}).where(Note.id == note_id)
    await record("mutual_aid.note.answer", account_id=access.principal.account_id,
                 object_type="mutual_aid_note", object_id=note_id, summary={})
    announce(int(note["tenant_id"]), "note", note_id, int(note["community_id"]))
    return await get_note(note_id)


async def request_matter_for_note(access: Access, *, note_id: int) -> dict[str, Any]:
    """转议事 Ask 楼长制 to take a published note up as a matter (event, once per note)."""
    note = await get_note(note_id)
    ensure(access, "mutual_aid.moderate", note["community_id"])
    if note["status"] != "published":
        raise conflict("只有已公开的红便签可以转议事", "publish the note first", "noteId")
    won = await Note.update({Note.matter_requested: True}).where(
        (Note.id == note_id) & (Note.matter_requested == False)
    ).returning(Note.id)
    if not won:
        raise conflict("已转议事", "already handed to deliberation", "noteId")
    body = str(note["text"])
    await emit(MATTER_REQUESTED, MatterRequested(
        source_kind="note", source_id=note_id,
        title=("红便签：" + (note["topic"] or body))[:60],
        description=f"{body}\n（来自红便签，匿名）", community_id=int(note["community_id"]),
        building_id=note["building_id"]), tenant_id=int(note["tenant_id"]))
    await record("mutual_aid.matter.request", account_id=access.principal.account_id,
                 object_type="mutual_aid_note", object_id=note_id, summary={})
    return await get_note(note_id)


async def note_page(first: int, after: int, *, public: bool, community_id: int | None = None,
                    status: str | None = None) -> list[dict[str, Any]]:
    """Notes, newest first by id (``first + 1`` rows before the cursor when given); the
    public board shows published notes only."""
    query = Note.select()
    if after:
        query = query.where(Note.id < after)
    if public:
        query = query.where(Note.status == "published")
    elif status is not None:
        query = query.where(Note.status == status)
    if community_id is not None:
        query = query.where(Note.community_id == community_id)
    return [dict(r) for r in await query.order_by(Note.id, ascending=False).limit(first + 1)]


async def forget_old_buckets(ctx: dict[str, Any], tenant_id: int) -> int:
    """Delete the rate-limit buckets of past days (daily job)."""
    old = await NoteBucket.count().where(NoteBucket.day < today_shanghai())
    await NoteBucket.delete().where(NoteBucket.day < today_shanghai())
    return int(old)
