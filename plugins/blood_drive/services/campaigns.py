"""Campaigns (倡议) with their organisers and targets, collection sessions with slots, work
units and donors. A campaign belongs to the acting node — a city (region) or a street office —
and is shared downward; sessions belong to the street office where the blood bus stands."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from core.plugin import (
    SHANGHAI,
    Access,
    ApiError,
    get_node,
    get_resident,
    now_utc,
)
from plugins.blood_drive.services.common import require, require_any
from plugins.blood_drive.tables import Campaign, Donor, Session, Slot, Target, Unit

__all__ = [
    "GROUPS",
    "CampaignInput",
    "SlotInput",
    "campaign_of_session",
    "campaign_page",
    "campaigns_by_ids",
    "create_campaign",
    "create_session",
    "donor_page",
    "donors_by_ids",
    "register_donor",
    "session_page",
    "sessions_by_ids",
    "set_target",
    "set_unit",
    "slots_by_ids",
    "slots_of_sessions",
    "targets_of",
    "watched_session",
]

GROUPS = ("cadres", "party_members", "league_members", "public")


@dataclass(frozen=True)
class CampaignInput:
    title: str
    starts_on: date
    ends_on: date
    call_text: str = ""
    organisers: tuple[str, ...] = ()
    contact_name: str = ""
    contact_phones: tuple[str, ...] = ()
    anchor_on: date | None = None
    anchor_name: str = ""
    target_groups: tuple[str, ...] = ("public",)
    target_donors: int = 0
    target_units: int = 0


def _text(value: str, field: str, limit: int, *, required: bool = False) -> str:
    text = (value or "").strip()
    if (required and not text) or len(text) > limit:
        raise ApiError.invalid(field, f"不能为空且不超过{limit}字" if required
                               else f"不超过{limit}字",
                               f"required, at most {limit} characters" if required
                               else f"at most {limit} characters")
    return text


async def create_campaign(access: Access, data: CampaignInput) -> dict[str, Any]:
    """A campaign owned by the acting node (a city, a district or a street office)."""
    require(access, "blood_drive.organise")
    title = _text(data.title, "title", 120, required=True)
    if data.ends_on < data.starts_on or (data.ends_on - data.starts_on).days > 366:
        raise ApiError.invalid("endsOn", "活动期间无效（最长一年）",
                               "invalid period (a year at most)")
    organisers = [_text(o, "organisers", 60, required=True) for o in data.organisers]
    if not organisers or len(organisers) > 20 or len(set(organisers)) != len(organisers):
        raise ApiError.invalid("organisers", "请列出1–20个不重复的主办单位",
                               "list 1–20 distinct organisers")
    phones = [_text(p, "contactPhones", 20, required=True) for p in data.contact_phones]
    if len(phones) > 5 or any(not all(c.isdigit() or c in "-+ " for c in p) for p in phones):
        raise ApiError.invalid("contactPhones", "联系电话格式无效（最多5个）",
                               "invalid contact phones (5 at most)")
    groups = list(dict.fromkeys(data.target_groups))
    if not groups or any(g not in GROUPS for g in groups):
        raise ApiError.invalid("targetGroups", "动员对象无效", "unknown target group")
    if data.target_donors < 0 or data.target_units < 0:
        raise ApiError.invalid("targetDonors", "目标不能为负", "targets cannot be negative")
    if await Campaign.exists().where((Campaign.tenant_id == access.node_id)
                                     & (Campaign.title == title)
                                     & (Campaign.starts_on == data.starts_on)):
        raise ApiError.conflict("同名活动已存在", "a campaign with this title and start exists",
                                "title")
    row = Campaign(
        tenant_id=access.node_id, title=title, call_text=_text(data.call_text, "callText", 5000),
        organisers=json.dumps(organisers, ensure_ascii=False),
        contact_name=_text(data.contact_name, "contactName", 40),
        contact_phones=json.dumps(phones), starts_on=data.starts_on, ends_on=data.ends_on,
        anchor_on=data.anchor_on, anchor_name=_text(data.anchor_name, "anchorName", 60),
        target_groups=",".join(groups), target_donors=data.target_donors,
        target_units=data.target_units, created_by=access.principal.account_id,
        created_at=now_utc())
    await Campaign.insert(row)
    return await _campaign(int(row.id))


async def _campaign(campaign_id: int, field: str = "campaignId") -> dict[str, Any]:
    row = await Campaign.select().where(Campaign.id == campaign_id).first()
    if row is None:
        raise ApiError.not_found("献血活动", "campaign", field)
    return dict(row)


async def set_target(access: Access, campaign_id: int, target_tenant_id: int, work_unit: str,
                     donors: int, units: int) -> dict[str, Any]:
    """Set (or replace) the target of one street office or work unit; only the campaign's
    owner sets targets."""
    require(access, "blood_drive.organise")
    campaign = await _campaign(campaign_id)
    if int(campaign["tenant_id"]) != access.node_id:
        raise ApiError.forbidden("只有活动所属单位可设定目标",
                                 "only the campaign's owner sets its targets")
    if donors < 0 or units < 0:
        raise ApiError.invalid("donors", "目标不能为负", "targets cannot be negative")
    target = await get_node(target_tenant_id)
    if target is None or not (target.id == access.node_id
                              or access.node_id in target.ancestor_ids):
        raise ApiError.not_found("下属街镇", "street office below the campaign's owner",
                                 "tenantId")
    unit = _text(work_unit, "workUnit", 100)
    where = ((Target.campaign_id == campaign_id) & (Target.target_tenant_id == target_tenant_id)
             & (Target.work_unit == unit))
    if await Target.exists().where(where):
        await Target.update({Target.donors: donors, Target.units: units}).where(where)
    else:
        await Target.insert(Target(tenant_id=access.node_id, campaign_id=campaign_id,
                                   target_tenant_id=target_tenant_id, work_unit=unit,
                                   donors=donors, units=units))
    return campaign


async def targets_of(campaign_ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    if not campaign_ids:
        return {}
    rows = await Target.select().where(Target.campaign_id.is_in(sorted(set(campaign_ids)))
                                       ).order_by(Target.id)
    out: dict[int, list[dict[str, Any]]] = {}
    for r in rows:
        out.setdefault(int(r["campaign_id"]), []).append(r)
    return out


async def campaigns_by_ids(ids: list[int]) -> dict[int, dict[str, Any]]:
    if not ids:
        return {}
    rows = await Campaign.select().where(Campaign.id.is_in(sorted(set(ids))))
    return {int(r["id"]): r for r in rows}


async def campaign_page(access: Access, first: int, after: int | None) -> list[dict[str, Any]]:
    """Campaigns readable here (own and those of the regions above), newest first by id."""
    require(access, "blood_drive.read")
    query = Campaign.select()
    if after:
        query = query.where(Campaign.id < after)
    return list(await query.order_by(Campaign.id, ascending=False).limit(first + 1))


@dataclass(frozen=True)
class SlotInput:
    starts_at: datetime
    ends_at: datetime
    capacity: int


async def create_session(access: Access, campaign_id: int, site_name: str, address: str,
                         held_on: date, slots: list[SlotInput]) -> dict[str, Any]:
    """A collection session of the acting street office in a campaign readable here, with its
    slots (on the session's day in Asia/Shanghai, not overlapping)."""
    require(access, "blood_drive.sessions")
    campaign = await _campaign(campaign_id)
    if not campaign["starts_on"] <= held_on <= campaign["ends_on"]:
        raise ApiError.invalid("heldOn", "场次日期不在活动期间内",
                               "the session is outside the campaign's period")
    site = _text(site_name, "siteName", 100, required=True)
    if not 1 <= len(slots) <= 24:
        raise ApiError.invalid("slots", "请设置1–24个时段", "give 1–24 slots")
    ordered = sorted(slots, key=lambda s: s.starts_at)
    for i, slot in enumerate(ordered):
        if slot.starts_at.tzinfo is None or slot.ends_at.tzinfo is None:
            raise ApiError.invalid("slots", "时间须带时区", "times need a time zone")
        if slot.ends_at <= slot.starts_at or slot.starts_at.astimezone(SHANGHAI).date() != held_on:
            raise ApiError.invalid("slots", "时段须在场次当天且结束晚于开始",
                                   "a slot lies on the session's day and ends after it starts")
        if not 1 <= slot.capacity <= 500:
            raise ApiError.invalid("slots", "每个时段容量为1–500", "capacity is 1–500 per slot")
        if i and slot.starts_at < ordered[i - 1].ends_at:
            raise ApiError.invalid("slots", "时段不能重叠", "slots cannot overlap")
    where = ((Session.campaign_id == campaign_id) & (Session.held_on == held_on)
             & (Session.site_name == site))
    if await Session.exists().where(where):
        raise ApiError.conflict("该地点当天已有场次", "this site already has a session that day",
                                "siteName")
    row = Session(tenant_id=access.node_id, campaign_id=campaign_id, site_name=site,
                  address=_text(address, "address", 200), held_on=held_on, created_at=now_utc())
    await Session.insert(row)
    await Slot.insert(*[Slot(tenant_id=access.node_id, session_id=row.id, starts_at=s.starts_at,
                             ends_at=s.ends_at, capacity=s.capacity, booked=0) for s in ordered])
    found = await Session.select().where(Session.id == row.id).first()
    assert found is not None
    return dict(found)


async def sessions_by_ids(ids: list[int]) -> dict[int, dict[str, Any]]:
    if not ids:
        return {}
    rows = await Session.select().where(Session.id.is_in(sorted(set(ids))))
    return {int(r["id"]): r for r in rows}


async def session_page(access: Access, first: int, after: int | None,
                       campaign_id: int | None) -> list[dict[str, Any]]:
    require(access, "blood_drive.read")
    query = Session.select()
    if campaign_id is not None:
        query = query.where(Session.campaign_id == campaign_id)
    if after:
        query = query.where(Session.id > after)
    return list(await query.order_by(Session.id).limit(first + 1))


async def slots_of_sessions(ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    if not ids:
        return {}
    rows = await Slot.select().where(Slot.session_id.is_in(sorted(set(ids)))
                                     ).order_by(Slot.starts_at)
    out: dict[int, list[dict[str, Any]]] = {}
    for r in rows:
        out.setdefault(int(r["session_id"]), []).append(r)
    return out


async def set_unit(access: Access, name: str, staff_count: int) -> dict[str, Any]:
    """Register a work unit of the acting tenant and its serving staff count."""
    require(access, "blood_drive.mobilise")
    unit = _text(name, "name", 100, required=True)
    if not 0 <= staff_count <= 1_000_000:
        raise ApiError.invalid("staffCount", "在岗职工数无效", "invalid staff count")
    if await Unit.exists().where(Unit.name == unit):
        await Unit.update({Unit.staff_count: staff_count}).where(Unit.name == unit)
    else:
        await Unit.insert(Unit(tenant_id=access.node_id, name=unit, staff_count=staff_count))
    row = await Unit.select().where(Unit.name == unit).first()
    assert row is not None
    return dict(row)


async def register_donor(access: Access, resident_id: int, work_unit: str = "",
                         remind_opt_in: bool = False, leaderboard_opt_in: bool = False
                         ) -> dict[str, Any]:
    """Register a resident of the acting tenant as a donor (by themselves, or by staff
    mobilising them); registering again updates the unit and consents."""
    resident = await get_resident(resident_id)
    if resident is None or resident.tenant_id != access.node_id:
        raise ApiError.not_found("居民", "resident", "residentId")
    if access.principal.resident_id != resident_id:
        require_any(access, "blood_drive.mobilise", "blood_drive.health")
    unit = _text(work_unit, "workUnit", 100)
    values = {Donor.work_unit: unit, Donor.remind_opt_in: remind_opt_in,
              Donor.leaderboard_opt_in: leaderboard_opt_in}
    if await Donor.exists().where(Donor.resident_id == resident_id):
        await Donor.update(values).where(Donor.resident_id == resident_id)
    else:
        await Donor.insert(Donor(tenant_id=access.node_id, resident_id=resident_id,
                                 work_unit=unit, remind_opt_in=remind_opt_in,
                                 leaderboard_opt_in=leaderboard_opt_in, created_at=now_utc()))
    row = await Donor.select().where(Donor.resident_id == resident_id).first()
    assert row is not None
    return dict(row)


async def campaign_of_session(session_id: int) -> int:
    """The campaign of a session readable here (NOT_FOUND on ``sessionId`` otherwise)."""
    row = await Session.select(Session.campaign_id).where(Session.id == session_id).first()
    if row is None:
        raise ApiError.not_found("采血场次", "session", "sessionId")
    return int(row["campaign_id"])


async def donors_by_ids(ids: list[int]) -> dict[int, dict[str, Any]]:
    if not ids:
        return {}
    rows = await Donor.select().where(Donor.id.is_in(sorted(set(ids))))
    return {int(r["id"]): r for r in rows}


async def donor_page(access: Access, first: int, after: int | None) -> list[dict[str, Any]]:
    require_any(access, "blood_drive.mobilise", "blood_drive.health")
    query = Donor.select()
    if after:
        query = query.where(Donor.id > after)
    return list(await query.order_by(Donor.id).limit(first + 1))


async def slots_by_ids(ids: list[int]) -> dict[int, dict[str, Any]]:
    if not ids:
        return {}
    rows = await Slot.select().where(Slot.id.is_in(sorted(set(ids))))
    return {int(r["id"]): r for r in rows}


async def watched_session(access: Access, session_id: int) -> dict[str, Any]:
    """The session whose slots a caller follows live (those who read sessions here)."""
    require_any(access, "blood_drive.read", "blood_drive.mobilise", "blood_drive.health")
    row = await Session.select().where(Session.id == session_id).first()
    if row is None:
        raise ApiError.not_found("采血场次", "session", "sessionId")
    return dict(row)
