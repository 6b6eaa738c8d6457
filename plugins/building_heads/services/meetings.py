"""议事会议 The 三方联席会议 (community, property company 物业, building heads) and the 民情恳谈会
(residents' opinion meeting), recorded at a 红旗驿站 with the date, attendees by party, topics,
decisions and the matters they take up (of the station's community)."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime
from typing import Any

from core.plugin import Access, ApiError, record, today_shanghai
from plugins.building_heads.services.common import reach
from plugins.building_heads.services.rota import get_station, require_at
from plugins.building_heads.tables import Matter, Meeting, PropertyCompany

__all__ = ["KINDS", "PARTIES", "meetings_page", "record_meeting"]

KINDS = {"joint": ("三方联席会议", "joint meeting of community, property company and heads"),
         "opinion": ("民情恳谈会", "residents' opinion meeting")}
PARTIES = {"community": ("社区", "community"), "property": ("物业", "property company"),
           "heads": ("楼长", "building heads"), "residents": ("居民", "residents"),
           "other": ("其他", "others")}
JOINT_PARTIES = ("community", "property", "heads")
PERMISSION = "building_heads.matter"


def _bad(zh: str, en: str, field: str) -> ApiError:
    return ApiError("INVALID_ARGUMENT", zh, en, field)


def _lines(values: Sequence[str], field: str, *, required: bool) -> list[str]:
    cleaned = [v.strip() for v in values if v and v.strip()]
    if required and not cleaned:
        raise _bad("至少填写一项", "give at least one", field)
    if len(cleaned) > 50 or any(len(v) > 500 for v in cleaned):
        raise _bad("最多50项，每项不超过500字", "at most 50 items of 500 characters", field)
    return cleaned


async def record_meeting(access: Access, *, kind: str, station_id: int, held_on: date | None,
                         attendees: Mapping[str, Sequence[str]], topics: Sequence[str],
                         decisions: Sequence[str], property_company: str = "",
                         matter_ids: Sequence[int] = (),
                         property_company_id: int | None = None) -> dict[str, Any]:
    """Record a meeting at a station (staff of its community). A joint meeting has attendees
    of all three parties and names the property company; the matters must be of the station's
    community. Audited."""
    if kind not in KINDS:
        raise _bad("会议类型无效", "unknown meeting kind", "kind")
    station = await get_station(station_id)
    community_id = int(station["community_id"])
    require_at(access, PERMISSION, community_id)
    today = today_shanghai()
    held_on = held_on or today
    if held_on > today:
        raise _bad("会议日期不能晚于今天", "the meeting cannot be in the future", "heldOn")
    people: dict[str, list[str]] = {}
    for party, names in attendees.items():
        if party not in PARTIES:
            raise _bad("参会方须为 社区、物业、楼长、居民 或 其他",
                       "a party is community, property, heads, residents or other", "attendees")
        listed = _lines(names, "attendees", required=False)
        if listed:
            people[party] = listed
    if not people:
        raise _bad("须记录参会人员", "record who attended", "attendees")
    company = (property_company or "").strip()[:100]
    if property_company_id is not None:
        found = await PropertyCompany.select(PropertyCompany.name).where(
            (PropertyCompany.id == property_company_id)
            & (PropertyCompany.community_id == community_id)).first()
        if found is None:
            raise ApiError("NOT_FOUND", "未找到本社区的该物业公司",
                           "no such property company in the community", "propertyCompanyId")
        company = str(found["name"])
    if kind == "joint":
        missing = [PARTIES[p][0] for p in JOINT_PARTIES if p not in people]
        if missing:
            raise _bad(f"三方联席会议须有社区、物业、楼长三方参加（缺：{'、'.join(missing)}）",
                       "a joint meeting has the community, the property company and building "
                       "heads", "attendees")
        if not company:
            raise _bad("须写明物业公司名称", "name the property company", "propertyCompany")
    ids = sorted({int(m) for m in matter_ids})
    if ids:
        found_rows = await Matter.select(Matter.id, Matter.station_id).where(
            Matter.id.is_in(ids) & (Matter.community_id == community_id))
        if {int(r["id"]) for r in found_rows} != set(ids):
            raise ApiError("NOT_FOUND", "未找到该社区的议事事项", "matter not found in the "
                           "station's community", "matterIds")
        if any(r["station_id"] not in (None, station_id) for r in found_rows):
            raise ApiError("CONFLICT", "该事项在另一红旗驿站议事",
                           "a matter is deliberated at another station", "matterIds")
        # a matter belongs to the station where it is deliberated
        await Matter.update({Matter.station_id: station_id}).where(
            Matter.id.is_in(ids) & Matter.station_id.is_null())
    row = Meeting(tenant_id=access.node_id, kind=kind, station_id=station_id,
                  community_id=community_id, held_on=held_on,
                  attendees=json.dumps(people, ensure_ascii=False), property_company=company,
                  property_company_id=property_company_id,
                  topics=json.dumps(_lines(topics, "topics", required=True), ensure_ascii=False),
                  decisions=json.dumps(_lines(decisions, "decisions", required=False),
                                       ensure_ascii=False),
                  matter_ids=json.dumps(ids), recorded_by=access.principal.account_id,
                  created_at=datetime.now(UTC))
    await Meeting.insert(row)
    await record("building_heads.meeting.record", account_id=access.principal.account_id,
                 object_type="building_heads_meeting", object_id=row.id,
                 summary={"kind": kind, "station_id": station_id, "matters": ids})
    found = await Meeting.select().where(Meeting.id == row.id).first()
    return dict(found or {})


async def meetings_page(access: Access, first: int, after: int, *, station_id: int | None,
                        matter_id: int | None) -> list[dict[str, Any]]:
    """Meetings the caller may read (``building_heads.read`` at the community), newest id
    first, ``first + 1`` rows; with ``matter_id`` those that took the matter up."""
    limit = await reach(access, "building_heads.read")
    query = Meeting.select()
    if limit is not None:
        query = query.where(Meeting.community_id.is_in(sorted(limit.community_ids) or [-1]))
    if station_id is not None:
        query = query.where(Meeting.station_id == station_id)
    if after:
        query = query.where(Meeting.id < after)
    rows = [dict(r) for r in await query.order_by(Meeting.id, ascending=False).limit(
        first + 1 if matter_id is None else 1000)]
    if matter_id is not None:
        rows = [r for r in rows if matter_id in json.loads(r["matter_ids"])][:first + 1]
    return rows
