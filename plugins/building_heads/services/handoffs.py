"""转交 Matters and duties handed between the parties (双向进入): a head hands to the grid
worker of the building's grid (下单), a grid worker hands to the building's serving head, and
anyone who may handle a matter hands it to the community's property company (物业). The receiver
is notified and answers; each side lists what it handed and what it was handed.

A matter's hand-off and answer also appear on its public timeline (as ``handoff`` and
``followup`` entries). A safety hazard handed over is thereby assigned (reported → assigned →
closed). A grid worker may also hand a new task of the standard's service content to the head
(``request_duty``): an open duty the head closes with the outcome and real minutes, which then
count for the head."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from core.plugin import (
    Access,
    ApiError,
    ErrorCode,
    LocalText,
    PlaceRef,
    accounts_holding,
    get_building,
    get_household,
    global_id,
    grids_of_community,
    notify,
    record,
    today_shanghai,
)
from plugins.building_heads.services import matters
from plugins.building_heads.services.access import head_buildings
from plugins.building_heads.services.duties import DUTY_KINDS
from plugins.building_heads.tables import Appointment, Duty, Handoff, Matter, PropertyCompany

__all__ = ["DIRECTIONS", "TARGETS", "answer_handoff", "get_handoff", "hand_off",
           "handoff_for", "handoffs_page", "open_handoff_for", "request_duty", "subjects"]

TARGETS = {"grid_worker": ("网格员", "grid worker"), "head": ("楼长", "building head"),
           "property": ("物业", "property company")}
FROM = {"grid_worker": ("网格员", "grid worker"), "head": ("楼长", "building head"),
        "staff": ("社区", "community staff")}
DIRECTIONS = ("to_me", "by_me")
PERMISSION = "building_heads.matter"
NOTE_MAX = 2000


def _now() -> datetime:
    return datetime.now(UTC)


def _bad(zh: str, en: str, field: str) -> ApiError:
    return ApiError(ErrorCode.INVALID_ARGUMENT, zh, en, field)


def _text(value: str, field: str) -> str:
    value = (value or "").strip()
    if not value:
        raise _bad("此项必填", "this field is required", field)
    if len(value) > NOTE_MAX:
        raise _bad(f"不超过{NOTE_MAX}字", f"at most {NOTE_MAX} characters", field)
    return value


def _day(on: date | None, field: str, after: date | None = None) -> date:
    today = today_shanghai()
    on = on or today
    if on > today:
        raise _bad("日期不能晚于今天", "the date cannot be in the future", field)
    if after is not None and on < after:
        raise _bad(f"日期不能早于{after.isoformat()}",
                   f"the date cannot be before {after.isoformat()}", field)
    return on


async def _grid_workers(building_id: int | None, community_id: int, tenant_id: int) -> list[int]:
    if building_id is not None:
        b = await get_building(building_id)
        grids = {b.grid_id} if b else set()
    else:
        grids = {g.id for g in await grids_of_community(community_id)}
    return await accounts_holding(tenant_id, "grid_worker", "grid", grids)


async def _serving_head_account(building_id: int | None) -> int:
    if building_id is None:
        raise ApiError(ErrorCode.CONFLICT, "小区或社区级事项没有楼长可转交",
                       "only a building's matter or duty goes to its head", "to")
    row = await Appointment.select(Appointment.account_id).where(
        (Appointment.building_id == building_id) & Appointment.ended_on.is_null()
        & (Appointment.role == "head")).first()
    if row is None or row["account_id"] is None:
        raise ApiError(ErrorCode.CONFLICT, "该楼栋没有开通账号的在任楼长",
                       "the building has no serving head with an account", "to")
    return int(row["account_id"])


def _from_kind(access: Access, building_id: int | None, grid_workers: list[int]) -> str:
    if building_id is not None and building_id in head_buildings(access, PERMISSION):
        return "head"
    if access.principal.account_id in grid_workers:
        return "grid_worker"
    return "staff"


async def _may_handle(access: Access, building_id: int | None, community_id: int) -> None:
    """The head of the building, a grid worker of its grid, or staff of the community
    (``building_heads.matter`` there); NOT_FOUND otherwise."""
    place = PlaceRef(node_id=access.node_id, node_path=access.node_path,
                     community_id=community_id, building_id=building_id)
    if building_id is not None:
        b = await get_building(building_id)
        if b is not None:
            place = PlaceRef(node_id=access.node_id, node_path=access.node_path,
                             community_id=community_id, grid_id=b.grid_id,
                             building_id=building_id)
    if not access.check(PERMISSION, place):
        raise ApiError(ErrorCode.NOT_FOUND, "未找到该对象，或您无权转交",
                       "not found, or you may not hand it over")


async def _object(object_kind: str, object_id: int) -> dict[str, Any]:
    if object_kind == "matter":
        matter = await matters.get_matter(object_id)
        if matter is None:
            raise ApiError(ErrorCode.NOT_FOUND, "未找到该议事事项", "matter not found",
                           "matterId")
        return matter
    row = await Duty.select().where(Duty.id == object_id).first()
    if row is None:
        raise ApiError(ErrorCode.NOT_FOUND, "未找到该履职记录", "duty not found", "dutyId")
    building = await get_building(int(row["building_id"]))
    return {**dict(row), "community_id": building.community_id if building else 0}


def _title(object_kind: str, obj: dict[str, Any]) -> str:
    if object_kind == "matter":
        return str(obj["title"])
    return f"{DUTY_KINDS[obj['kind']].zh}：{obj['summary']}"


async def _insert(access: Access, *, object_kind: str, obj: dict[str, Any], from_kind: str,
                  to_kind: str, to_account: int | None, to_property: int | None, note: str,
                  on: date) -> dict[str, Any]:
    row = Handoff(tenant_id=access.node_id, object_kind=object_kind, object_id=int(obj["id"]),
                  building_id=obj.get("building_id"), community_id=int(obj["community_id"]),
                  from_kind=from_kind, from_account_id=access.principal.account_id,
                  to_kind=to_kind, to_account_id=to_account, to_property_id=to_property,
                  note=note, handed_on=on, status="open", created_at=_now())
    await Handoff.insert(row)
    if to_account is not None:
        zh, en = FROM[from_kind]
        title = _title(object_kind, obj)[:150]
        await notify(to_account, f"building_heads.{object_kind}_handoff",
                     LocalText(f"{zh}转交给您：{title}", f"Handed to you by the {en}: {title}"),
                     LocalText(note, note),
                     f"node:{global_id('BuildingHeadHandoff', int(row.id))}")
    await record("building_heads.handoff.create", account_id=access.principal.account_id,
                 object_type="building_heads_handoff", object_id=row.id,
                 summary={"object": object_kind, "object_id": int(obj["id"]),
                          "from": from_kind, "to": to_kind, "to_account_id": to_account,
                          "to_property_id": to_property})
    return await get_handoff(int(row.id))


async def hand_off(access: Access, *, object_kind: str, object_id: int, to_kind: str,
                   note: str, grid_account_id: int | None = None,
                   property_company_id: int | None = None, handed_on: date | None = None
                   ) -> dict[str, Any]:
    """Hand an open matter or duty to a grid worker of its grid, to its building's serving
    head, or to its community's property company; the receiver is notified. Who may: whoever
    may handle matters there (the head, a grid worker of the grid, staff). Audited."""
    if object_kind not in ("matter", "duty"):
        raise _bad("只能转交议事事项或履职记录", "hand over a matter or a duty", "objectKind")
    if to_kind not in TARGETS:
        raise _bad("转交对象须为网格员、楼长或物业", "hand to a grid worker, a head or the "
                   "property company", "to")
    obj = await _object(object_kind, object_id)
    building_id = obj.get("building_id")
    if object_kind == "matter" and obj["level"] != "building":
        building_id = None
    community_id = int(obj["community_id"])
    await _may_handle(access, building_id if object_kind == "duty" or obj["level"] == "building"
                      else None, community_id)
    if obj["status"] != "open" and object_kind == "matter":
        raise ApiError(ErrorCode.CONFLICT, "已办结的事项不能转交",
                       "a resolved matter cannot be handed over")
    if object_kind == "duty" and obj["status"] != "open":
        raise ApiError(ErrorCode.CONFLICT, "该履职记录已办结", "the duty is already closed",
                       "dutyId")
    note = _text(note, "note")
    workers = await _grid_workers(obj.get("building_id"), community_id, access.node_id)
    from_kind = _from_kind(access, obj.get("building_id"), workers)
    to_account: int | None = None
    to_property: int | None = None
    receiver = ""
    if to_kind == "grid_worker":
        if grid_account_id is None or grid_account_id not in workers:
            raise _bad("该账号不是本楼栋所在网格的网格员",
                       "the account is not a grid worker of the building's grid", "gridWorkerId")
        to_account, receiver = grid_account_id, "网格员"
    elif to_kind == "head":
        to_account = await _serving_head_account(obj.get("building_id"))
        receiver = "楼长"
    else:
        company = None if property_company_id is None else await PropertyCompany.select(
        ).where((PropertyCompany.id == property_company_id)
                & (PropertyCompany.community_id == community_id)).first()
        if company is None:
            raise ApiError(ErrorCode.NOT_FOUND, "未找到本社区的该物业公司",
                           "no such property company in the community", "propertyCompanyId")
        to_property, to_account = int(company["id"]), company["account_id"]
        receiver = str(company["name"])
    if to_account is not None and to_account == access.principal.account_id:
        raise ApiError(ErrorCode.CONFLICT, "不能转交给自己", "you cannot hand it to yourself",
                       "to")
    on = _day(handed_on, "handedOn")
    if object_kind == "matter":
        if to_kind == "grid_worker":
            await matters.hand_off_matter(access, object_id, int(grid_account_id or 0), note,
                                          decided_on=on, notify_worker=False)
        else:
            await matters.add_entry(access, object_id, "handoff",
                                    f"{FROM[from_kind][0]}转交{receiver}：{note}", on)
    elif obj["kind"] == "safety" and not obj["assigned_to"]:
        await Duty.update({Duty.assigned_to: receiver, Duty.assigned_on: on}).where(
            Duty.id == object_id)
    return await _insert(access, object_kind=object_kind, obj=obj, from_kind=from_kind,
                         to_kind=to_kind, to_account=to_account, to_property=to_property,
                         note=note, on=on)


async def request_duty(access: Access, *, building_id: int, kind: str, summary: str,
                       note: str, household_id: int | None = None,
                       handed_on: date | None = None) -> dict[str, Any]:
    """A grid worker (or staff) hands the building's serving head a task of the service
    content: an open duty, credited to the head when they close it. Returns the hand-off."""
    if kind not in DUTY_KINDS:
        raise _bad("履职类型无效", "unknown duty kind", "kind")
    building = await get_building(building_id)
    if building is None or building.tenant_id != access.node_id:
        raise ApiError(ErrorCode.NOT_FOUND, "未找到该楼栋", "building not found", "buildingId")
    await _may_handle(access, building_id, building.community_id)
    if building_id in head_buildings(access, PERMISSION):
        raise ApiError(ErrorCode.CONFLICT, "楼长请直接记录履职", "a head records the duty "
                       "directly", "buildingId")
    if household_id is not None:
        household = await get_household(household_id)
        if household is None or household.building_id != building_id:
            raise ApiError(ErrorCode.NOT_FOUND, "未找到该住户", "household not found",
                           "householdId")
    head = await _serving_head_account(building_id)
    summary = _text(summary, "summary")
    note = _text(note, "note")
    on = _day(handed_on, "handedOn")
    row = Duty(tenant_id=access.node_id, building_id=building_id, kind=kind, done_on=on,
               recorded_by=access.principal.account_id, household_id=household_id,
               summary=summary, status="open", parties="[]", created_at=_now())
    await Duty.insert(row)
    workers = await _grid_workers(building_id, building.community_id, access.node_id)
    obj = {**dict(await Duty.select().where(Duty.id == row.id).first() or {}),
           "community_id": building.community_id}
    return await _insert(access, object_kind="duty", obj=obj,
                         from_kind=_from_kind(access, building_id, workers), to_kind="head",
                         to_account=head, to_property=None, note=note, on=on)


async def get_handoff(handoff_id: int) -> dict[str, Any]:
    row = await Handoff.select().where(Handoff.id == handoff_id).first()
    if row is None:
        raise ApiError(ErrorCode.NOT_FOUND, "未找到该转交", "hand-off not found", "handoffId")
    return dict(row)


async def _mine(access: Access) -> list[int]:
    """Property companies whose account the caller is."""
    if access.principal.account_id is None:
        return []
    rows = await PropertyCompany.select(PropertyCompany.id).where(
        PropertyCompany.account_id == access.principal.account_id)
    return [int(r["id"]) for r in rows]


async def _readable(access: Access, row: dict[str, Any]) -> bool:
    me = access.principal.account_id
    if me is not None and me in (row["from_account_id"], row["to_account_id"]):
        return True
    if row["to_property_id"] is not None and int(row["to_property_id"]) in await _mine(access):
        return True
    place = PlaceRef(node_id=access.node_id, node_path=access.node_path,
                     community_id=int(row["community_id"]))
    return bool(access.check("building_heads.read", place))


async def handoff_for(access: Access, handoff_id: int) -> dict[str, Any] | None:
    """The hand-off if the caller handed it, received it, or reads its community as staff."""
    row = await Handoff.select().where(Handoff.id == handoff_id).first()
    if row is None or not await _readable(access, dict(row)):
        return None
    return dict(row)


async def answer_handoff(access: Access, handoff_id: int, answer: str,
                         answered_on: date | None = None) -> dict[str, Any]:
    """答复 The receiver answers what it was handed (staff of the community may answer for a
    property company without an account); a matter's answer goes on its timeline, a duty's
    receiver may then close it. The one who handed it is notified. Audited."""
    row = await get_handoff(handoff_id)
    me = access.principal.account_id
    receiver = me is not None and (me == row["to_account_id"] or (
        row["to_property_id"] is not None and int(row["to_property_id"]) in await _mine(access)))
    if not receiver:
        staff = row["to_kind"] == "property" and row["to_account_id"] is None and bool(
            access.check(PERMISSION, PlaceRef(node_id=access.node_id,
                                              node_path=access.node_path,
                                              community_id=int(row["community_id"]))))
        if not staff:
            if await _readable(access, row):
                raise ApiError(ErrorCode.FORBIDDEN, "只有接收方可以答复",
                               "only the receiver answers", "handoffId")
            raise ApiError(ErrorCode.NOT_FOUND, "未找到该转交", "hand-off not found",
                           "handoffId")
    if row["status"] != "open":
        raise ApiError(ErrorCode.CONFLICT, "已答复", "already answered", "handoffId")
    answer = _text(answer, "answer")
    on = _day(answered_on, "answeredOn", row["handed_on"])
    updated = await Handoff.update({Handoff.status: "answered", Handoff.answer: answer,
                                    Handoff.answered_on: on, Handoff.answered_by: me}).where(
        (Handoff.id == handoff_id) & (Handoff.status == "open")).returning(Handoff.id)
    if not updated:
        raise ApiError(ErrorCode.CONFLICT, "已答复", "already answered", "handoffId")
    who = TARGETS[row["to_kind"]][0]
    if row["to_property_id"] is not None:
        company = await PropertyCompany.select(PropertyCompany.name).where(
            PropertyCompany.id == row["to_property_id"]).first()
        who = str(company["name"]) if company else who
    if row["object_kind"] == "matter":
        matter = await matters.get_matter(int(row["object_id"]))
        if matter is not None and matter["step"] != "evaluated":
            await matters.add_entry(access, int(row["object_id"]), "followup",
                                    f"{who}答复：{answer}", on, check=False)
    if row["from_account_id"] is not None:
        await notify(int(row["from_account_id"]), "building_heads.handoff_answered",
                     LocalText(f"{who}已答复您转交的事项", "Your hand-off was answered"),
                     LocalText(answer, answer),
                     f"node:{global_id('BuildingHeadHandoff', handoff_id)}")
    await record("building_heads.handoff.answer", account_id=me,
                 object_type="building_heads_handoff", object_id=handoff_id,
                 summary={"object": row["object_kind"], "object_id": row["object_id"]})
    return await get_handoff(handoff_id)


async def open_handoff_for(access: Access, duty_id: int) -> bool:
    """Whether the caller was handed this duty and it is still theirs (they may close it)."""
    me = access.principal.account_id
    if me is None:
        return False
    return bool(await Handoff.exists().where(
        (Handoff.object_kind == "duty") & (Handoff.object_id == duty_id)
        & (Handoff.to_account_id == me)))


async def handoffs_page(access: Access, direction: str, first: int, after: int, *,
                        status: str | None = None) -> list[dict[str, Any]]:
    """What the caller was handed (``to_me``: to their account or their property company) or
    handed (``by_me``), newest first after ``after``, ``first + 1`` rows."""
    if direction not in DIRECTIONS:
        raise _bad("方向须为 TO_ME 或 BY_ME", "direction is TO_ME or BY_ME", "direction")
    me = access.principal.account_id
    if me is None:
        return []
    where: Any
    if direction == "to_me":
        where = Handoff.to_account_id == me
        mine = await _mine(access)
        if mine:
            where = where | Handoff.to_property_id.is_in(mine)
    else:
        where = Handoff.from_account_id == me
    query = Handoff.select().where(where)
    if status is not None:
        query = query.where(Handoff.status == status)
    if after:
        query = query.where(Handoff.id < after)
    return [dict(r) for r in await query.order_by(Handoff.id, ascending=False).limit(first + 1)]



async def subjects(keys: list[tuple[str, int]]) -> dict[tuple[str, int], str]:
    """``{(kind, id): the matter's title or the duty's kind and summary}``, two statements."""
    out: dict[tuple[str, int], str] = {}
    matter_ids = sorted({i for k, i in keys if k == "matter"}) or [-1]
    duty_ids = sorted({i for k, i in keys if k == "duty"}) or [-1]
    for r in await Matter.select(Matter.id, Matter.title).where(Matter.id.is_in(matter_ids)):
        out[("matter", int(r["id"]))] = str(r["title"])
    for r in await Duty.select(Duty.id, Duty.kind, Duty.summary).where(
            Duty.id.is_in(duty_ids)):
        out[("duty", int(r["id"]))] = _title("duty", r)
    return out
